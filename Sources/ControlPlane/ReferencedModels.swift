import APIGateway
import APIModel
import Foundation
import JSONCore
import JSONSchema

/// The model files an API definition uses, and only those: every file a `$ref` names (relative
/// to the file that names it, followed through the files it reaches) and, for each API Gateway
/// model URL (`https://apigateway.amazonaws.com/restapis/{id}/models/Name`), `Name.json` beside
/// the definition when it exists. Nothing else beside the deployment file is read, so an
/// unrelated file there (broken or not) never stops a start.
enum ReferencedModels {
    /// Registers the files `document` (at `file`) reaches.
    static func register(from document: JSONValue, file: String, in registry: inout SchemaRegistry) throws(GatewayLoadError) {
        let definitionDirectory = directory(of: file)
        var pending: [(JSONValue, String, String)] = [(document, definitionDirectory, file)]  // value, its directory, its file
        var registered = Set<String>()
        while let (value, base, source) = pending.popLast() {
            for (reference, pointer) in references(in: value) {
                guard let path = path(for: reference, base: base, definitionDirectory: definitionDirectory) else { continue }
                if SchemaRegistry.apiGatewayModelName(in: reference) != nil, !FileManager.default.fileExists(atPath: path) { continue }
                let uri: String
                do throws(SchemaLoadError) {
                    uri = try registry.addFile(atPath: path)
                } catch {
                    throw .other("\(source): \(pointer.uriFragment)/$ref \"\(reference)\": \(error.description)")
                }
                // Each file is followed once (by its normalised URI: `a/../a/X.json` is `a/X.json`).
                guard !registered.contains(uri) else { continue }
                registered.insert(uri)
                if let loaded = registry.documents[uri]?.root { pending.append((loaded, directory(of: path), path)) }
            }
        }
    }

    /// The file a reference names, or nil for references inside a document, URLs and URNs.
    static func path(for reference: String, base: String, definitionDirectory: String) -> String? {
        if let name = SchemaRegistry.apiGatewayModelName(in: reference) { return definitionDirectory + "/" + name + ".json" }
        let (target, _) = SchemaURI.splitFragment(reference)
        if target.isEmpty || target.contains(":") { return nil }
        return target.hasPrefix("/") ? target : base + "/" + target
    }

    /// The file's name without its directory.
    static func name(of file: String) -> String {
        file.lastIndex(of: "/").map { String(file[file.index(after: $0)...]) } ?? file
    }

    /// The files in `registry` read from disk, by path relative to the directory of the
    /// definition `file` (`parameters.yaml`, `../common/Error.yaml`), as `ExternalReferences`
    /// names them.
    static func documents(in registry: SchemaRegistry, besides file: String) -> [String: JSONValue] {
        let prefix = directory(of: file) + "/"
        var documents: [String: JSONValue] = [:]
        for loaded in registry.documents.values where !loaded.source.contains("://") && loaded.source.hasPrefix(prefix) {
            let relative = String(loaded.source.dropFirst(prefix.count))
            if let key = ExternalReferences.file(of: relative, from: "") { documents[key] = loaded.root }
        }
        return documents
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// Every `$ref` string in `value` with where it is.
    static func references(in value: JSONValue) -> [(String, JSONPointer)] {
        var found: [(String, JSONPointer)] = []
        var stack: [(JSONValue, JSONPointer)] = [(value, .root)]
        while let (value, pointer) = stack.popLast() {
            switch value {
            case .object(let object):
                for member in object {
                    if member.key == "$ref", case .string(let reference) = member.value {
                        found.append((reference, pointer))
                    } else {
                        stack.append((member.value, pointer.appending(member.key)))
                    }
                }
            case .array(let elements):
                for (index, element) in elements.enumerated() { stack.append((element, pointer.appending(index: index))) }
            default:
                break
            }
        }
        return found
    }
}
