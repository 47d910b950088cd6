import JSONCore
import JSONSchema

/// Checks a large recorded payload at speed: parsed onto a `JSONTape` (one flat buffer, no
/// allocation per object) and checked there, with the same verdict as on a `JSONValue`.
/// Also gives the first record, read off the tape.
func checkRecording(_ bytes: [UInt8]) throws -> (valid: Bool, first: JSONValue?) {
    var registry = SchemaRegistry()
    try registry.addDirectory(atPath: "Schemas")
    var compiler = SchemaCompiler(registry: registry)
    let items = try compiler.compile(model: "Items")

    let tape = try JSONTape.parse(bytes)                 // same grammar and errors as JSONParser
    let valid = try items.isValid(tape)                  // lists of records checked in place
    guard tape.kind(at: JSONTape.root) == .array, tape.count(at: JSONTape.root) > 0 else { return (valid, nil) }
    return (valid, tape.value(at: tape.position(ofElement: 0, inArrayAt: JSONTape.root)))
}
