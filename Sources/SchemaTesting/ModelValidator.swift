#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSONCore
import JSONSchema
import YAMLCore
import Synchronization

/// Validates payloads against the models of a schema directory, for use in test suites.
///
/// ```swift
/// let models = try ModelValidator(schemasDirectory: "Schemas")
/// let errors = try models.errors(in: responseBody, against: "Items")
/// ```
/// Compiled models are cached; one validator can be shared by every test.
public final class ModelValidator: Sendable {
    private let registry: SchemaRegistry
    private let formatAssertions: Bool
    private let cache = Mutex<[String: CompiledSchema]>([:])

    /// Loads every `*.json` model of `schemasDirectory`.
    public init(schemasDirectory: String = "Schemas", formatAssertions: Bool = true) throws(SchemaLoadError) {
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: schemasDirectory)
        self.registry = registry
        self.formatAssertions = formatAssertions
    }

    /// Uses an existing registry.
    public init(registry: SchemaRegistry, formatAssertions: Bool = true) {
        self.registry = registry
        self.formatAssertions = formatAssertions
    }

    /// The compiled model `name` (`Items`), compiled once.
    public func model(_ name: String) throws(SchemaLoadError) -> CompiledSchema {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        var compiler = SchemaCompiler(registry: registry, formatAssertions: formatAssertions)
        let schema = try compiler.compile(model: name)
        cache.withLock { $0[name] = schema }
        return schema
    }

    /// The errors of a parsed payload; empty when valid. Throws `SchemaLoadError` when the
    /// model does not load, `ValidationLimitExceeded` when the payload cannot be decided
    /// within `limits`.
    public func errors(in payload: JSONValue, against model: String, limits: ValidationLimits = .default) throws -> [ValidationError] {
        try self.model(model).validate(payload, limits: limits)
    }

    /// The errors of JSON bytes; malformed JSON throws `JSONSyntaxError`. The step limit
    /// grows with the payload (`ValidationLimits.forPayload`).
    public func errors(in bytes: [UInt8], against model: String) throws -> [ValidationError] {
        try errors(in: JSONParser().parse(bytes), against: model, limits: .forPayload(bytes: bytes.count))
    }

    /// The errors of JSON `Data`; malformed JSON throws `JSONSyntaxError`.
    public func errors(in data: Data, against model: String) throws -> [ValidationError] {
        try errors(in: JSONParser().parse(data), against: model, limits: .forPayload(bytes: data.count))
    }

    /// The errors of YAML text (one document; YAML 1.2's core schema, CloudFormation's short
    /// tags); YAML that JSON cannot hold throws `YAMLSyntaxError` with its line and column.
    public func errors(inYAML text: String, against model: String) throws -> [ValidationError] {
        let bytes = Array(text.utf8)
        return try errors(in: YAMLReader().parse(bytes), against: model, limits: .forPayload(bytes: bytes.count))
    }

    /// The errors of any `Encodable` value, encoded with `JSONEncoder` first.
    public func errors(encoding value: some Encodable, against model: String, encoder: JSONEncoder = JSONEncoder()) throws
        -> [ValidationError]
    {
        try errors(in: encoder.encode(value), against: model)
    }

    /// A failure report: one line per error with its pointers, or `nil` when there are none.
    public static func report(_ errors: [ValidationError], model: String) -> String? {
        report(errors, model: model, positions: [:])
    }

    /// A failure report for a payload given as JSON text: each line starts with the failing
    /// value's `LINE:COLUMN` in `bytes` (as `schema-check` prints it), then its pointers.
    public static func report(_ errors: [ValidationError], model: String, in bytes: [UInt8]) -> String? {
        guard !errors.isEmpty else { return nil }
        return report(errors, model: model, positions: JSONPositions.locate(errors.map(\.instanceLocation), in: bytes))
    }

    /// A failure report for a payload given as YAML text: each line starts with the failing
    /// value's `LINE:COLUMN` in `text`.
    public static func report(_ errors: [ValidationError], model: String, inYAML text: String) -> String? {
        guard !errors.isEmpty else { return nil }
        return report(errors, model: model, positions: DocumentText.locate(errors.map(\.instanceLocation), in: Array(text.utf8), format: .yaml))
    }

    private static func report(_ errors: [ValidationError], model: String, positions: [JSONPointer: JSONPositions.Position]) -> String? {
        guard !errors.isEmpty else { return nil }
        var lines = ["payload is not valid against \(model) (\(errors.count) error\(errors.count == 1 ? "" : "s")):"]
        for error in errors {
            let location = error.instanceLocation.tokens.isEmpty ? "(root)" : error.instanceLocation.description
            let place = positions[error.instanceLocation].map { "\($0.line):\($0.column): " } ?? ""
            lines.append("  \(place)\(location): \(error.message)  [\(error.keywordLocation.description.dropFirst())]")
        }
        return lines.joined(separator: "\n")
    }
}
