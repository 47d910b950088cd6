import Foundation
import JSONCore
import JSONSchema

/// The files an API definition is made of — the definition and every file its `$ref`s reach,
/// followed from file to file, and for each API Gateway model URL
/// (`https://apigateway.amazonaws.com/restapis/{id}/models/Pet`) the file `Pet.json` beside
/// the definition when there is one. The one reading the gateway, the client generator and
/// the export share, with one rule for paths: a reference is relative to the file that writes
/// it, an absolute path is taken as written.
public enum DefinitionFiles {
    /// A file that was referenced and could not be read: where the `$ref` is, and why.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// The file holding the `$ref` (as its name relative to the definition's directory).
        public let source: String
        /// Where the `$ref` is in it.
        public let pointer: JSONPointer
        /// The reference as written.
        public let reference: String
        /// Why the file it names could not be read (naming that file, and the line and column
        /// of a syntax error).
        public let reason: SchemaLoadError

        /// `API.json: #/components/schemas/A/$ref "Gone.json": /dir/Gone.json: #: cannot read the file`.
        public var description: String { "\(source): \(pointer.uriFragment)/$ref \"\(reference)\": \(reason.description)" }
    }

    /// The file `reference` names when written in `file`, by name relative to the definition's
    /// directory (`file` is named the same way) or, for an absolute path, as written (dot
    /// segments removed); nil for a reference inside the same document, a URL or a URN.
    public static func file(of reference: String, from file: String) -> String? {
        let target = String(reference.prefix { $0 != "#" })
        guard !target.isEmpty, !target.contains(":") else { return nil }
        let absolute = target.hasPrefix("/") || (file.hasPrefix("/") && !target.hasPrefix("/"))
        var parts = target.hasPrefix("/") ? [] : file.split(separator: "/").dropLast().map(String.init)
        for piece in target.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..": if let last = parts.last, last != ".." { parts.removeLast() } else if !absolute { parts.append("..") }
            default: parts.append(String(piece))
            }
        }
        guard !parts.isEmpty else { return nil }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }

    /// The path of a file named as `file(of:from:)` names it, for a definition in `directory`.
    public static func path(of name: String, definitionDirectory directory: String) -> String {
        name.hasPrefix("/") ? name : directory + "/" + name
    }

    /// The files `document` (the definition, named `file`) reaches, by name. `read` gives a
    /// file's value, nil when it does not exist and is not required (the file of a model URL),
    /// or throws why it cannot be read; `required` is false for a model URL's file.
    public static func reachable(
        from document: JSONValue, file: String, read: (_ name: String, _ required: Bool) throws(SchemaLoadError) -> JSONValue?
    ) throws(LoadError) -> [String: JSONValue] {
        var documents: [String: JSONValue] = [:]
        var pending: [(JSONValue, String)] = [(document, file)]
        var seen: Set<String> = [file]
        while let (value, source) = pending.popLast() {
            for (reference, pointer) in references(in: value) {
                let target: String
                let required: Bool
                if let model = SchemaRegistry.apiGatewayModelName(in: reference) {
                    target = model + ".json"
                    required = false
                } else if let named = self.file(of: reference, from: source) {
                    target = named
                    required = true
                } else {
                    continue
                }
                guard seen.insert(target).inserted else { continue }
                let loaded: JSONValue?
                do {
                    loaded = try read(target, required)
                } catch {
                    throw LoadError(source: source, pointer: pointer, reference: reference, reason: error)
                }
                guard let loaded else { continue }
                documents[target] = loaded
                pending.append((loaded, target))
            }
        }
        return documents
    }

    /// The definition at `path` and every file it reaches, by name (the definition's own name
    /// is the file name of `path`), each read as JSON or YAML by its name.
    public static func load(definitionPath path: String) throws -> (apiFile: String, documents: [String: JSONValue]) {
        let directory = directory(of: path)
        let file = String(path.split(separator: "/").last ?? Substring(path))
        let document = try SchemaRegistry.readJSON(atPath: path)
        var documents = try reachable(from: document, file: file) { (name, required) throws(SchemaLoadError) -> JSONValue? in
            let target = self.path(of: name, definitionDirectory: directory)
            if !required, !FileManager.default.fileExists(atPath: target) { return nil }
            return try SchemaRegistry.readJSON(atPath: target)
        }
        documents[file] = document
        return (file, documents)
    }

    /// The directory of `file` (`.` for a bare name).
    public static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// Every `$ref` string in `value` with where it is, in document order.
    public static func references(in value: JSONValue) -> [(String, JSONPointer)] {
        var found: [(String, JSONPointer)] = []
        var stack: [(JSONValue, JSONPointer)] = [(value, .root)]
        while let (value, pointer) = stack.popLast() {
            switch value {
            case .object(let object):
                for member in object.reversed() {
                    if member.key == "$ref", case .string(let reference) = member.value {
                        found.append((reference, pointer))
                    } else {
                        stack.append((member.value, pointer.appending(member.key)))
                    }
                }
            case .array(let elements):
                for (index, element) in elements.enumerated().reversed() { stack.append((element, pointer.appending(index: index))) }
            default:
                break
            }
        }
        return found
    }
}
