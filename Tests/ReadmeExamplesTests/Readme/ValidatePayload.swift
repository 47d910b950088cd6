import JSONCore
import JSONSchema

/// Validates a payload against the API's `Items` model: the fast yes/no path, then every
/// error with its locations.
func problems(in bytes: [UInt8]) throws -> [String] {
    var registry = SchemaRegistry()
    try registry.addDirectory(atPath: "Schemas")        // Item, Items (+ the built-in meta-schema)
    var compiler = SchemaCompiler(registry: registry)
    let items = try compiler.compile(model: "Items")     // compile once, validate many times

    let payload = try JSONParser().parse(bytes)          // strict RFC 8259, exact numbers
    guard try !items.isValid(payload) else { return [] }
    return try items.validate(payload).map { error in    // every error, with locations
        "\(error.instanceLocation): \(error.message)  [\(error.keywordLocation)]"
    }
}
