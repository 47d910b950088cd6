import APIGateway
import APIModel
import Foundation
import JSONCore
import JSONSchema

/// The model files an API definition uses, and only those (`DefinitionFiles`: every file a
/// `$ref` reaches, and the file of each API Gateway model URL when it exists), registered for
/// the request path's validation. Nothing else beside the deployment file is read, so an
/// unrelated file there (broken or not) never stops a start.
enum ReferencedModels {
    /// Registers the files `document` (the definition at `file`) reaches and returns them by
    /// name; when one cannot be read, those read before it stay registered and the error names
    /// the `$ref` and the file.
    @discardableResult
    static func register(from document: JSONValue, file: String, in registry: inout SchemaRegistry) throws(GatewayLoadError) -> [String: JSONValue] {
        let directory = DefinitionFiles.directory(of: file)
        var updated = registry
        defer { registry = updated }
        do {
            return try DefinitionFiles.reachable(from: document, file: name(of: file)) { (name, required) throws(SchemaLoadError) -> JSONValue? in
                let path = DefinitionFiles.path(of: name, definitionDirectory: directory)
                if !required, !FileManager.default.fileExists(atPath: path) { return nil }
                let value = try SchemaRegistry.readJSON(atPath: path)
                updated.add(value, filePath: path)
                return value
            }
        } catch {
            throw .other(DefinitionFiles.path(of: error.source, definitionDirectory: directory) + String(error.description.dropFirst(error.source.count)))
        }
    }

    /// The file's name without its directory.
    static func name(of file: String) -> String {
        file.lastIndex(of: "/").map { String(file[file.index(after: $0)...]) } ?? file
    }
}
