#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TextAndFiles
import JSONCore
import YAMLCore

/// A problem with a schema: unreadable, malformed, invalid against the draft-04 meta-schema,
/// or holding a `$ref` that cannot be resolved. Names the file (or URI) and the JSON Pointer.
public struct SchemaLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// The file is not well-formed JSON (`syntax` has line and column).
        case malformedJSON(JSONSyntaxError)
        /// The file (`*.yaml`, `*.yml`) is not YAML that JSON can hold (`syntax` has line and column).
        case malformedYAML(YAMLSyntaxError)
        /// The schema breaks a draft-04 rule (meta-schema or keyword value).
        case invalidSchema
        /// A `$ref` names a document or location that is not available.
        case unresolvableReference(String)
        /// No schema with that name or path.
        case notFound
    }

    /// What went wrong.
    public let kind: Kind
    /// The file path or URI of the schema document.
    public let source: String
    /// Where in that document (for `$ref` errors, the pointer of the `$ref`).
    public let pointer: JSONPointer
    /// A sentence saying what is wrong.
    public let message: String

    /// A problem.
    public init(kind: Kind, source: String, pointer: JSONPointer = .root, message: String) {
        self.kind = kind
        self.source = source
        self.pointer = pointer
        self.message = message
    }

    /// `file: #/pointer: message`, or `file:line:column: message` for syntax errors.
    public var description: String {
        if case .malformedJSON(let syntax) = kind { return "\(source):\(syntax.line):\(syntax.column): \(message)" }
        if case .malformedYAML(let syntax) = kind { return "\(source):\(syntax.line):\(syntax.column): \(message)" }
        return "\(source): \(pointer.uriFragment): \(message)"
    }
}

/// One JSON document holding schemas.
public struct SchemaDocument: Sendable {
    /// The URI the document was registered under (no fragment).
    public let uri: String
    /// Where it came from, for messages (a file path, or the URI).
    public let source: String
    /// The document.
    public let root: JSONValue
}

/// Every schema document known by URI, with the identifiers declared inside them.
///
/// A document is registered under its retrieval URI (a file URL for files), under its `id`
/// resolved against that URI, under each `id` declared in its subschemas, and — for named
/// models — under any API Gateway model URL `https://apigateway.amazonaws.com/restapis/{api}/models/{Name}`.
/// The draft-04 meta-schema is built in. Documents outside the registry are never fetched
/// over the network: a URL starting with a mapped prefix is read from the mapped directory.
public struct SchemaRegistry: Sendable {
    /// Documents by URI (without fragment).
    public private(set) var documents: [String: SchemaDocument] = [:]
    /// Embedded identifiers: absolute URI (possibly `…#name`) → document URI and pointer.
    private(set) var identifiers: [String: (String, JSONPointer)] = [:]
    /// Model name → the URI of its schema (a document, or a fragment of one).
    public private(set) var models: [String: String] = [:]
    /// URL prefix → directory.
    public private(set) var urlMappings: [(prefix: String, directory: String)] = []
    /// Files of added directories not read yet: document URI → path.
    private var pendingFiles: [String: String] = [:]
    /// Pending files that did not parse when all were read.
    private var unparsablePending: Set<String> = []

    /// A registry holding only the draft-04 meta-schema.
    public init() {
        let meta = try! JSONParser.parse(Draft04MetaSchema.text)  // built-in constant text
        add(meta, uri: Draft04MetaSchema.uri, source: Draft04MetaSchema.uri)
    }

    // MARK: - Adding documents

    /// Registers a parsed document under `uri` (and its identifiers); `modelName` makes it
    /// reachable by name and through API Gateway model URLs.
    public mutating func add(_ root: JSONValue, uri: String, source: String? = nil, modelName: String? = nil) {
        let (documentURI, _) = SchemaURI.splitFragment(uri)
        let document = SchemaDocument(uri: documentURI, source: source ?? documentURI, root: root)
        documents[documentURI] = document
        pendingFiles[documentURI] = nil
        if let modelName { models[modelName] = documentURI }
        indexIdentifiers(root, base: documentURI, documentURI: documentURI, pointer: .root)
    }

    /// Names the schema at `uri` (a registered document, with a fragment for a schema inside
    /// it, e.g. `…/ItemsAPI.json#/components/schemas/Item`) as model `name`: API Gateway model
    /// URLs ending in `/models/name` resolve to it. A later call for the same name wins.
    public mutating func nameModel(_ name: String, uri: String) {
        models[name] = uri
    }

    /// Names an API definition's models — the members of its `components/schemas`, in the
    /// document registered at `documentURI` — as API Gateway model URLs resolve them: the API's
    /// own model first; a model that is nothing but the model URL of its own name
    /// (`Pet: {$ref: …/models/Pet}`) leaves the name to the file `Pet.json`. The gateway and the
    /// client generator name models this one way.
    public mutating func nameAPIModels(_ models: [(name: String, schema: JSONValue?)], documentURI: String) {
        for (name, schema) in models {
            guard schema?["$ref"]?.stringValue.flatMap(SchemaRegistry.apiGatewayModelName(in:)) != name else { continue }
            nameModel(name, uri: documentURI + "#/components/schemas/" + JSONPointer.escape(name))
        }
    }

    /// Reads, parses and registers one file, named after its base name (`Item.json` → `Item`).
    @discardableResult
    public mutating func addFile(atPath path: String) throws(SchemaLoadError) -> String {
        add(try SchemaRegistry.readJSON(atPath: path), filePath: path)
    }

    /// Registers the value of the file at `path`, already read, as `addFile(atPath:)` does:
    /// under the file's URL, named after its base name. Returns the URL.
    @discardableResult
    public mutating func add(_ root: JSONValue, filePath path: String) -> String {
        let absolute = SchemaRegistry.absolutePath(path)
        let uri = SchemaURI.fileURL(forPath: absolute)
        add(root, uri: uri, source: path, modelName: SchemaRegistry.modelName(forPath: absolute))
        return uri
    }

    /// Registers every `*.json`, `*.yaml` and `*.yml` file of a directory (not recursive), each named after its
    /// base name. A file is read when a schema first needs it (by model name, URI, or an
    /// `id` no read document declares), so an unrelated broken file stops nothing and a
    /// large directory costs nothing up front; a file that is needed and does not parse is
    /// the error of the compile that needed it.
    public mutating func addDirectory(atPath path: String) throws(SchemaLoadError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw SchemaLoadError(kind: .unreadable, source: path, message: "cannot read the schema directory")
        }
        for name in names.sorted() where DocumentText.isDocumentName(name) {
            let file = path.hasSuffix("/") ? path + name : path + "/" + name
            // Regular files (or links to them) only: a pipe named *.json would block the load.
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let uri = SchemaURI.fileURL(forPath: SchemaRegistry.absolutePath(file))
            guard documents[uri] == nil else { continue }
            pendingFiles[uri] = file
            models[SchemaRegistry.modelName(forPath: name)] = uri
        }
    }

    /// Reads the pending file registered at `uri`, if any.
    private mutating func loadPending(_ uri: String) throws(SchemaLoadError) {
        guard let path = pendingFiles[uri] else { return }
        let root = try SchemaRegistry.readJSON(atPath: path)
        pendingFiles[uri] = nil
        let name = models.first { $0.value == uri }?.key
        add(root, uri: uri, source: path, modelName: name)
    }

    /// Reads every pending file (an `id` may be declared in any of them). One that does not
    /// parse declares nothing: it stays pending, and is the error only where it is needed.
    private mutating func loadAllPending() {
        for uri in pendingFiles.keys.sorted() where !unparsablePending.contains(uri) {
            do throws(SchemaLoadError) {
                try loadPending(uri)
            } catch {
                unparsablePending.insert(uri)
            }
        }
    }

    /// Maps every URL starting with `prefix` to files under `directory`.
    public mutating func mapURL(prefix: String, toDirectory directory: String) {
        urlMappings.append((prefix, directory))
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return SchemaURI.removeDotSegments(cwd + "/" + path)
    }

    /// The model name a file registers under: its base name without `.json`, `.yaml` or `.yml`
    /// (`models/Item.json` → `Item`).
    public static func modelName(forPath path: String) -> String {
        DocumentText.stem(String(path.split(separator: "/").last ?? Substring(path)))
    }

    /// The largest schema file read (64 MiB): a larger file, or a pipe that goes on past it
    /// (`-s <(yes)`), is `unreadable` naming the limit.
    public static let maximumFileBytes = 64 << 20

    /// Reads and parses a document file — YAML for `*.yaml` and `*.yml`, JSON otherwise — with
    /// typed errors naming the file, line and column.
    public static func readJSON(atPath path: String) throws(SchemaLoadError) -> JSONValue {
        let bytes = try readFile(atPath: path)
        do {
            return try DocumentText.parse(bytes, format: DocumentText.format(ofPath: path))
        } catch {
            switch error {
            case .json(let syntax): throw SchemaLoadError(kind: .malformedJSON(syntax), source: path, message: syntax.message)
            case .yaml(let syntax): throw SchemaLoadError(kind: .malformedYAML(syntax), source: path, message: syntax.message)
            }
        }
    }

    /// A file's bytes, at most `maximumFileBytes`.
    private static func readFile(atPath path: String) throws(SchemaLoadError) -> [UInt8] {
        switch FileReader.read(path: path, atMost: maximumFileBytes) {
        case .bytes(let bytes): return bytes
        case .unreadable: throw SchemaLoadError(kind: .unreadable, source: path, message: "cannot read the file")
        case .tooLarge:
            throw SchemaLoadError(
                kind: .unreadable, source: path, message: "cannot read the file: larger than \(maximumFileBytes) bytes, the most a schema file may be")
        }
    }

    /// Walks the schema positions of a document recording `id`s (not inside `enum` or other data).
    private mutating func indexIdentifiers(_ value: JSONValue, base: String, documentURI: String, pointer: JSONPointer) {
        guard case .object(let object) = value else { return }
        var base = base
        if object["$ref"] == nil, case .string(let id)? = object["id"] {
            base = SchemaURI.resolve(id, against: base)
            let (withoutFragment, fragment) = SchemaURI.splitFragment(base)
            if fragment.isEmpty || !fragment.hasPrefix("/") {
                identifiers[fragment.isEmpty ? withoutFragment : base] = (documentURI, pointer)
            }
        }
        for member in object {
            let here = pointer.appending(member.key)
            switch member.key {
            case "properties", "patternProperties", "definitions", "dependencies":
                guard case .object(let map) = member.value else { continue }
                for entry in map {
                    indexIdentifiers(entry.value, base: base, documentURI: documentURI, pointer: here.appending(entry.key))
                }
            case "items", "allOf", "anyOf", "oneOf":
                if case .array(let list) = member.value {
                    for (index, element) in list.enumerated() {
                        indexIdentifiers(element, base: base, documentURI: documentURI, pointer: here.appending(index: index))
                    }
                } else {
                    indexIdentifiers(member.value, base: base, documentURI: documentURI, pointer: here)
                }
            case "additionalItems", "additionalProperties", "not":
                indexIdentifiers(member.value, base: base, documentURI: documentURI, pointer: here)
            default:
                continue
            }
        }
    }

    // MARK: - Lookup

    /// The model name in an API Gateway model URL, e.g. `Item` in
    /// `https://apigateway.amazonaws.com/restapis/YOUR_API_ID/models/Item`.
    public static func apiGatewayModelName(in uri: String) -> String? {
        let (base, _) = SchemaURI.splitFragment(uri)
        for prefix in ["https://apigateway.amazonaws.com/restapis/", "http://apigateway.amazonaws.com/restapis/"]
        where base.hasPrefix(prefix) {
            let parts = base.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, parts[1] == "models", !parts[2].isEmpty else { return nil }
            return String(parts[2])
        }
        return nil
    }

    /// The document and pointer `reference` designates when written in the document at `base`
    /// (resolved as `$ref`s are: identifiers, model URLs, mapped URLs); nil when nothing known
    /// is there. Nothing is fetched over the network.
    public mutating func resolve(_ reference: String, against base: String) throws(SchemaLoadError) -> (document: SchemaDocument, pointer: JSONPointer)? {
        guard let (document, pointer) = try locate(SchemaURI.resolve(reference, against: base)) else { return nil }
        return (document, pointer)
    }

    /// Finds the document and pointer an absolute URI designates, reading mapped files on
    /// demand. `nil` when nothing is known there.
    mutating func locate(_ uri: String) throws(SchemaLoadError) -> (SchemaDocument, JSONPointer)? {
        if let found = try locateAmongRead(uri) { return found }
        guard !pendingFiles.isEmpty else { return nil }
        // Perhaps an `id` inside a file not read yet: read them all and look again.
        loadAllPending()
        return try locateAmongRead(uri)
    }

    private mutating func locateAmongRead(_ uri: String) throws(SchemaLoadError) -> (SchemaDocument, JSONPointer)? {
        let (withoutFragment, _) = SchemaURI.splitFragment(uri)
        try loadPending(withoutFragment)
        if let name = SchemaRegistry.apiGatewayModelName(in: withoutFragment), let target = models[name] {
            try loadPending(SchemaURI.splitFragment(target).0)
        }
        if let (documentURI, pointer) = identifiers[uri], let document = documents[documentURI] {
            return (document, pointer)
        }
        let (base, fragment) = SchemaURI.splitFragment(uri)
        var document: SchemaDocument? = documents[base]
        var prefixPointer = JSONPointer.root
        if document == nil, let (documentURI, pointer) = identifiers[base] {
            document = documents[documentURI]
            prefixPointer = pointer
        }
        if document == nil, let name = SchemaRegistry.apiGatewayModelName(in: base), let target = models[name] {
            let (documentURI, modelFragment) = SchemaURI.splitFragment(target)
            document = documents[documentURI]
            if !modelFragment.isEmpty {
                guard let pointer = try? JSONPointer(uriFragment: modelFragment) else { return nil }
                prefixPointer = pointer
            }
        }
        if document == nil, let loaded = try loadMapped(base) {
            document = loaded
        }
        guard let document else { return nil }
        if fragment.isEmpty { return (document, prefixPointer) }
        if fragment.hasPrefix("/") || fragment.hasPrefix("%2F") || fragment.hasPrefix("%2f") {
            guard let pointer = try? JSONPointer(uriFragment: fragment) else { return nil }
            return (document, prefixPointer.appending(pointer))
        }
        // A plain-name fragment: look for `#name` declared in that document.
        let documentBase = SchemaURI.splitFragment(document.uri).0
        for candidate in [base + "#" + fragment, documentBase + "#" + fragment] {
            if let (documentURI, pointer) = identifiers[candidate], let owner = documents[documentURI] { return (owner, pointer) }
        }
        return nil
    }

    private mutating func loadMapped(_ uri: String) throws(SchemaLoadError) -> SchemaDocument? {
        for mapping in urlMappings where uri.hasPrefix(mapping.prefix) {
            let rest = String(uri.dropFirst(mapping.prefix.count))
            guard let decodedRest = PercentEncoding.decode(rest), !decodedRest.split(separator: "/").contains("..") else {
                continue
            }
            let directory = mapping.directory.hasSuffix("/") ? mapping.directory : mapping.directory + "/"
            let path = directory + decodedRest
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let root = try SchemaRegistry.readJSON(atPath: path)
            add(root, uri: uri, source: path)
            return documents[uri]
        }
        return nil
    }
}
