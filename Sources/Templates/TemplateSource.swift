import JSONCore
import YAMLCore

/// A problem in a template: the file, the line and column, the path of the value at fault
/// (`Resources/ProcessFunction/Properties/Events/Process/Properties/Path`) and what is wrong.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template (or included) file.
    public let file: String
    /// Where in it, as path segments.
    public let path: [String]
    /// The line and column, when the file's text was at hand.
    public var position: JSONPositions.Position?
    /// What is wrong.
    public let message: String

    /// An error.
    public init(file: String, path: [String], position: JSONPositions.Position? = nil, message: String) {
        self.file = file
        self.path = path
        self.position = position
        self.message = message
    }

    /// `file:line:column: Resources/…: message`.
    public var description: String {
        "\(file)\(position.map { ":\($0.line):\($0.column)" } ?? ""): \(path.isEmpty ? "(the template)" : path.joined(separator: "/")): \(message)"
    }
}

/// Every problem a template has (a template is refused with all of them, one line each).
public struct TemplateErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, in the template's order.
    public let errors: [TemplateError]

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A template as read: its file, its document, and its text (for the positions of errors).
public struct TemplateSource: Sendable {
    /// The file as named.
    public let file: String
    /// The document.
    public let document: JSONValue
    let bytes: [UInt8]

    /// Reads `bytes` as YAML (CloudFormation's short-form tags as their long forms) or JSON,
    /// by the file's extension; a `.template` or unknown extension is tried as JSON first.
    public init(file: String, bytes: [UInt8]) throws(TemplateError) {
        self.file = file
        self.bytes = bytes
        self.format = TemplateSource.format(of: file, bytes: bytes)
        do {
            document = try DocumentText.parse(bytes, format: format)
        } catch {
            throw TemplateError(file: file, path: [], position: JSONPositions.Position(line: error.line, column: error.column), message: error.message)
        }
    }

    let format: DocumentText.Format

    /// YAML for `*.yaml`/`*.yml`, JSON for `*.json`; any other name (`*.template`) is JSON
    /// when its first non-blank character opens an object, YAML otherwise.
    static func format(of file: String, bytes: [UInt8]) -> DocumentText.Format {
        let lower = file.lowercased()
        if lower.hasSuffix(".json") || DocumentText.format(ofPath: file) == .yaml { return DocumentText.format(ofPath: file) }
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        return first == UInt8(ascii: "{") ? .json : .yaml
    }

    /// An error at `path`; its line and column are filled in by `located` when it is reported
    /// (an error that is caught and dropped never costs a reading of the text).
    func error(_ path: [String], _ message: String) -> TemplateError {
        TemplateError(file: file, path: path, message: message)
    }

    /// A template's mapping at `path` (absent or null: empty); another shape is an error there,
    /// never read as empty.
    func members(_ value: JSONValue?, at path: [String]) throws(TemplateError) -> JSONObject {
        do { return try JSONShape.members(value) } catch { throw self.error(path, error.message) }
    }

    /// A template's list at `path` (absent or null: empty); another shape is an error there
    /// (at the element, when an element is the problem).
    func elements(_ value: JSONValue?, at path: [String]) throws(TemplateError) -> [JSONValue] {
        do { return try JSONShape.elements(value) } catch { throw self.error(path + (error.index.map { [String($0)] } ?? []), error.message) }
    }

    /// The errors with the line and column of their paths (or of the nearest enclosing value
    /// that exists) in this template, the text read once for all of them.
    func located(_ errors: [TemplateError]) -> [TemplateError] {
        let candidates = errors.map { error -> [JSONPointer] in
            guard error.file == file, error.position == nil else { return [] }
            var tokens = error.path
            var pointers = [JSONPointer(tokens: tokens)]
            while !tokens.isEmpty {
                tokens.removeLast()
                pointers.append(JSONPointer(tokens: tokens))
            }
            return pointers
        }
        guard candidates.contains(where: { !$0.isEmpty }) else { return errors }
        let found = DocumentText.locate(Array(Set(candidates.joined())), in: bytes, format: format)
        return zip(errors, candidates).map { error, pointers in
            var located = error
            if let position = pointers.lazy.compactMap({ found[$0] }).first { located.position = position }
            return located
        }
    }
}
