#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSONCore
import JSONSchema

/// Paths of the package, found from this file.
enum Fixtures {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/JSONSchemaTests/Fixtures.swift
        return parts.joined(separator: "/")
    }()

    static var schemasDirectory: String { packageRoot + "/Schemas" }

    /// A compiler over the lab's models.
    static func labCompiler() throws -> SchemaCompiler {
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: schemasDirectory)
        return SchemaCompiler(registry: registry)
    }

    /// Compiles a schema given as text, registered under `uri`.
    static func compile(_ text: String, uri: String = "urn:test:schema", formats: Bool = true) throws -> CompiledSchema {
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: schemasDirectory)
        registry.add(try JSONParser.parse(text), uri: uri, source: "test-schema.json")
        var compiler = SchemaCompiler(registry: registry, formatAssertions: formats)
        return try compiler.compile(uri: uri)
    }
}
