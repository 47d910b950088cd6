import Foundation
import Synchronization

/// Bytes with the file name and media type a `multipart/form-data` part sends: what
/// `format: binary` is in a generated model. In JSON (where a schema says `binary` without a
/// part to put it in) it is written and read as base64, as `Data` is.
public struct FileContent: Codable, Sendable, Hashable {
    /// The bytes.
    public var data: Data
    /// The part's `filename` (many APIs read the file's type from its extension).
    public var filename: String?
    /// The part's `Content-Type` (default: the definition's `encoding`, else `application/octet-stream`).
    public var contentType: String?

    /// A file.
    public init(_ data: Data, filename: String? = nil, contentType: String? = nil) {
        self.data = data
        self.filename = filename
        self.contentType = contentType
    }

    /// The file at `url`, named by its last path component.
    public init(contentsOf url: URL, contentType: String? = nil) throws {
        self.init(try Data(contentsOf: url), filename: url.lastPathComponent, contentType: contentType)
    }

    /// Decodes base64 text (no file name, no media type).
    public init(from decoder: any Decoder) throws {
        self.init(try Data(from: decoder))
    }

    /// In a multipart body, stands for the part it becomes; elsewhere, base64 text.
    public func encode(to encoder: any Encoder) throws {
        if let files = encoder.userInfo[MultipartBody.filesKey] as? MultipartBody.Files {
            var container = encoder.singleValueContainer()
            try container.encode(files.placeholder(for: self))
            return
        }
        try data.encode(to: encoder)
    }
}

/// `multipart/form-data` (RFC 7578) from a generated body struct: one part per member, in name
/// order. Text for strings, numbers and booleans (`text/plain`); a `FileContent` as a file
/// part with its file name and media type; an object as `application/json`; an array as one
/// part per element under the member's name; null members left out.
public enum MultipartBody {
    /// The bytes and the `Content-Type` (with its boundary) of `value`'s parts. `partTypes`
    /// gives a member's media type (the definition's `encoding`), where the default would not do.
    public static func encode<T: Encodable>(_ value: T, boundary: String, partTypes: [String: String] = [:]) throws(ClientError) -> (body: [UInt8], contentType: String) {
        let files = Files()
        let encoder = WireJSON.encoder()
        encoder.userInfo[filesKey] = files
        var body: [UInt8] = []
        func part(name: String, filename: String?, contentType: String?, bytes: [UInt8]) {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quoted(name))\""
            if let filename { head += "; filename=\"\(quoted(filename))\"" }
            head += "\r\n"
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            body += Array((head + "\r\n").utf8) + bytes + Array("\r\n".utf8)
        }
        for (name, element) in try ClientCore.members(of: value, encoder: encoder) {
            switch element {
            case .string(let text):
                if let file = files.file(for: text) {
                    part(name: name, filename: file.filename ?? name, contentType: file.contentType ?? partTypes[name] ?? "application/octet-stream", bytes: Array(file.data))
                } else {
                    part(name: name, filename: nil, contentType: partTypes[name], bytes: Array(text.utf8))
                }
            case .object, .array:
                part(name: name, filename: nil, contentType: partTypes[name] ?? "application/json", bytes: Array(ParameterText.text(element).utf8))
            default:
                part(name: name, filename: nil, contentType: partTypes[name], bytes: Array(ParameterText.text(element).utf8))
            }
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// A boundary no part's bytes are likely to hold (random).
    public static func newBoundary() -> String {
        "ClientRuntime-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    }

    /// A name or file name inside a quoted header parameter: quotes, backslashes and line
    /// breaks percent-encoded (as browsers do), so no header can be injected.
    static func quoted(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "%22"
            case "\\": result += "%5C"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static let filesKey = CodingUserInfoKey(rawValue: "ClientRuntime.MultipartBody.files")!

    /// The files met while encoding one body, each standing in the JSON as a placeholder text.
    final class Files: Sendable {
        private let state = Mutex<(prefix: String, files: [FileContent])>(("\u{0}file-" + UUID().uuidString + "-", []))

        func placeholder(for file: FileContent) -> String {
            state.withLock { state in
                state.files.append(file)
                return state.prefix + String(state.files.count - 1)
            }
        }

        func file(for text: String) -> FileContent? {
            state.withLock { state in
                guard text.hasPrefix(state.prefix), let index = Int(text.dropFirst(state.prefix.count)), state.files.indices.contains(index) else { return nil }
                return state.files[index]
            }
        }
    }
}
