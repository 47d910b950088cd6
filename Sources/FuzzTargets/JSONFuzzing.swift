import JSONCore

enum JSONFuzzing {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let parser = JSONParser(options: JSONParser.Options(maximumDepth: 128))
        let value: JSONValue
        do {
            value = try parser.parse(bytes)
        } catch {
            // A refusal names a place inside the input.
            invariant(error.line >= 1 && error.column >= 1, "syntax error without a position: \(error)")
            invariant(error.offset <= bytes.count, "syntax error past the end: \(error.offset) > \(bytes.count)")
            return
        }
        // What the writer prints reads back as the same value, and prints the same again.
        let written = JSONWriter.compact.bytes(value)
        guard let reread = try? parser.parse(written) else {
            fatalError("fuzz invariant broken: the writer's output does not parse: \(String(decoding: written, as: UTF8.self))")
        }
        invariant(reread == value, "write then parse changed the value")
        invariant(reread.hashValue == value.hashValue, "equal values hash differently")
        invariant(JSONWriter.compact.bytes(reread) == written, "writing is not stable")
        // Streaming a top-level array gives the elements of the whole parse.
        var streamed: [JSONValue] = []
        let isArray = (try? parser.forEachElement(in: bytes) { _, element in streamed.append(element) }) ?? false
        if case .array(let elements) = value {
            invariant(isArray && streamed == elements, "streamed elements differ from the parsed array")
        } else {
            invariant(!isArray, "streaming took a non-array for an array")
        }
    }
}
