import JSONCore

/// JSON and YAML texts side by side: which a file is (by its name), reading either into a
/// `JSONValue`, and where values are in either. The one place the toolkit decides that a
/// `.yaml` file is read as YAML.
public enum DocumentText {
    /// The two formats.
    public enum Format: Sendable, Equatable {
        case json, yaml
    }

    /// YAML for `*.yaml` and `*.yml` (any letter case), JSON otherwise.
    public static func format(ofPath path: String) -> Format {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? .yaml : .json
    }

    /// Whether `path` names a file a directory walk takes as a document (`*.json`, `*.yaml`, `*.yml`).
    public static func isDocumentName(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".json") || lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    /// The name without its document extension (`models/Item.yaml` → `models/Item`).
    public static func stem(_ name: String) -> String {
        let lower = name.lowercased()
        for suffix in [".json", ".yaml", ".yml"] where lower.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    /// A failure to read one document: JSON's or YAML's error.
    public enum SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        case json(JSONSyntaxError)
        case yaml(YAMLSyntaxError)

        public var line: Int {
            switch self {
            case .json(let error): return error.line
            case .yaml(let error): return error.line
            }
        }

        public var column: Int {
            switch self {
            case .json(let error): return error.column
            case .yaml(let error): return error.column
            }
        }

        public var message: String {
            switch self {
            case .json(let error): return error.message
            case .yaml(let error): return error.message
            }
        }

        public var description: String { "\(line):\(column): \(message)" }
    }

    /// One document in `format` (a YAML stream must hold exactly one; an empty one is `null`).
    public static func parse(_ bytes: [UInt8], format: Format, yamlOptions: YAMLReader.Options = YAMLReader.Options()) throws(SyntaxError) -> JSONValue {
        switch format {
        case .json:
            do {
                return try JSONParser().parse(bytes)
            } catch {
                throw .json(error)
            }
        case .yaml:
            do {
                return try YAMLReader(options: yamlOptions).parse(bytes)
            } catch {
                throw .yaml(error)
            }
        }
    }

    /// Where the values `pointers` name start in `bytes` (the nearest enclosing value that is
    /// there, for a pointer to a member that is not).
    public static func locate(_ pointers: [JSONPointer], in bytes: [UInt8], format: Format) -> [JSONPointer: JSONPositions.Position] {
        switch format {
        case .json:
            return JSONPositions.locate(pointers, in: bytes)
        case .yaml:
            guard let document = try? YAMLReader(options: YAMLReader.Options(unknownTags: .untagged, recordPositions: true)).documents(bytes).first
            else { return [:] }
            var found: [JSONPointer: JSONPositions.Position] = [:]
            for pointer in pointers { found[pointer] = document.position(nearest: pointer) }
            return found
        }
    }
}
