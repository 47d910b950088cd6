import JSONCore
import JSONSchema

enum SchemaFuzzing {
    /// Small limits, so that every input is decided or refused in well under the fuzzer's
    /// time limit.
    static let limits = ValidationLimits(steps: 200_000, depth: 512)

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let (schemaText, instanceText) = split(bytes)
        let parser = JSONParser(options: JSONParser.Options(maximumDepth: 64))
        guard let schemaValue = try? parser.parse(schemaText) else { return }
        let instance = (try? parser.parse(instanceText)) ?? .null
        var registry = SchemaRegistry()
        registry.add(schemaValue, uri: "urn:fuzz:schema", source: "fuzz.json")
        var compiler = SchemaCompiler(registry: registry)
        let schema: CompiledSchema
        do {
            schema = try compiler.compile(uri: "urn:fuzz:schema")
        } catch {
            // A refused schema says where: the pointer leads into the schema.
            invariant(
                error.kind == .notFound || error.pointer.tokens.isEmpty || error.pointer.resolve(in: schemaValue) != nil
                    || error.message.contains("$ref"),
                "schema error pointer \(error.pointer) is not in the schema: \(error)")
            return
        }
        let fast: Bool?
        do { fast = try schema.isValid(instance, limits: limits) } catch { fast = nil }
        let errors: [ValidationError]?
        do { errors = try schema.validate(instance, limits: limits) } catch { errors = nil }
        if let fast, let errors {
            // The two paths agree, and every error points into the instance.
            invariant(fast == errors.isEmpty, "isValid says \(fast) but validate found \(errors.count) errors")
            for error in errors {
                invariant(error.instanceLocation.resolve(in: instance) != nil, "error at \(error.instanceLocation), not in the instance")
            }
        }
        // The same instance parsed onto a tape gets the same verdict (the tape path checks
        // some shapes in place and reads the rest back as values).
        if let fast, let tape = try? JSONTape.parse(instanceText, options: parser.options),
            let onTape = try? schema.isValid(tape, limits: limits)
        {
            invariant(onTape == fast, "isValid on a tape says \(onTape), on the value \(fast)")
        }
        // Compiling the same schema again gives the same verdict (the compiler kept no state).
        if let again = try? compiler.compile(uri: "urn:fuzz:schema"), let fast, let second = try? again.isValid(instance, limits: limits) {
            invariant(second == fast, "a second compilation disagrees")
        }
    }
}
