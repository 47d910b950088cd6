import TextAndFiles
import HTTPCore

/// The request line and header fields of one request (RFC 9112 §3 and §5), checked strictly:
/// anything a proxy in front could read differently is refused.
struct HeadSyntax: Sendable {
    enum Framing: Sendable, Equatable {
        case none
        case length(Int)
        case chunked
    }

    var request: HTTPRequest
    var isHTTP11: Bool
    var keepAlive: Bool
    var expectsContinue: Bool
    var framing: Framing

    /// Parses the bytes from the request line's first byte to the end of the last field line.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: ServerLimits) -> Result<HeadSyntax, HTTPProtocolError> {
        var lines: [UnsafeBufferPointer<UInt8>] = []
        var lineStart = 0
        for index in 0..<bytes.count where bytes[index] == 0x0A {
            var end = index
            if end > lineStart && bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(UnsafeBufferPointer(rebasing: bytes[lineStart..<end]))
            lineStart = index + 1
        }
        guard let requestLine = lines.first else { return .failure(HTTPProtocolError(400, "no request line")) }
        if requestLine.count > limits.maxRequestLineBytes {
            return .failure(HTTPProtocolError(414, "the request line is longer than \(limits.maxRequestLineBytes) bytes"))
        }
        if lines.count - 1 > limits.maxHeaderCount {
            return .failure(HTTPProtocolError(431, "more than \(limits.maxHeaderCount) header fields"))
        }
        let method: String
        let target: String
        let isHTTP11: Bool
        switch parseRequestLine(requestLine) {
        case .failure(let error): return .failure(error)
        case .success(let parts): (method, target, isHTTP11) = parts
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            switch parseField(line) {
            case .failure(let error): return .failure(error)
            case .success(let field): headers.add(field.0, field.1)
            }
        }
        return frame(method: method, target: target, isHTTP11: isHTTP11, headers: headers)
    }

    static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) -> Result<(String, String, Bool), HTTPProtocolError> {
        guard let firstSpace = line.firstIndex(of: 0x20), let lastSpace = line.lastIndex(of: 0x20), firstSpace < lastSpace else {
            return .failure(HTTPProtocolError(400, "the request line is not 'METHOD target HTTP/version'"))
        }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let targetBytes = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let versionBytes = UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...])
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else { return .failure(HTTPProtocolError(400, "the method is not a token")) }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(HTTPProtocolError(400, "the request target is empty or holds spaces, controls or raw non-ASCII bytes"))
        }
        let isHTTP11: Bool
        if versionBytes.elementsEqual("HTTP/1.1".utf8) {
            isHTTP11 = true
        } else if versionBytes.elementsEqual("HTTP/1.0".utf8) {
            isHTTP11 = false
        } else if versionBytes.count == 8, versionBytes.starts(with: "HTTP/".utf8), isDigit(versionBytes[5]), versionBytes[6] == UInt8(ascii: "."), isDigit(versionBytes[7]) {
            return .failure(HTTPProtocolError(505, "HTTP version \(String(decoding: versionBytes, as: UTF8.self)) is not supported"))
        } else {
            return .failure(HTTPProtocolError(400, "the request line does not end in HTTP/1.0 or HTTP/1.1"))
        }
        var target = String(decoding: targetBytes, as: UTF8.self)
        if targetBytes[0] != UInt8(ascii: "/") && target != "*" {
            // Absolute form (`http://host/path?q`) is reduced to its path and query.
            guard let path = absoluteFormPath(targetBytes) else { return .failure(HTTPProtocolError(400, "the request target is not a path")) }
            target = path
        }
        return .success((String(decoding: methodBytes, as: UTF8.self), target, isHTTP11))
    }

    /// `http://host:80/a?b` → `/a?b`; `http://host` → `/`; nil without a scheme.
    static func absoluteFormPath(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var index = 0
        while index + 2 < bytes.count && bytes[index] != UInt8(ascii: ":") { index += 1 }
        guard index > 0, index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/") else { return nil }
        index += 3
        while index < bytes.count && bytes[index] != UInt8(ascii: "/") && bytes[index] != UInt8(ascii: "?") { index += 1 }
        let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[index...]), as: UTF8.self)
        return rest.hasPrefix("/") ? rest : "/" + rest
    }

    static func parseField(_ line: UnsafeBufferPointer<UInt8>) -> Result<(String, String), HTTPProtocolError> {
        if let first = line.first, first == 0x20 || first == 0x09 { return .failure(HTTPProtocolError(400, "a folded header line (obs-fold)")) }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return .failure(HTTPProtocolError(400, "a header line without a name and colon")) }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        guard name.allSatisfy(isTokenByte) else { return .failure(HTTPProtocolError(400, "a header name with spaces or separators")) }
        var valueStart = colon + 1
        var valueEnd = line.count
        while valueStart < valueEnd && (line[valueStart] == 0x20 || line[valueStart] == 0x09) { valueStart += 1 }
        while valueEnd > valueStart && (line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09) { valueEnd -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        guard !value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
            return .failure(HTTPProtocolError(400, "a header value with control characters"))
        }
        return .success((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }

    /// Body framing (RFC 9112 §6), `Connection`, `Expect` and `Host`.
    static func frame(method: String, target: String, isHTTP11: Bool, headers: HTTPHeaders) -> Result<HeadSyntax, HTTPProtocolError> {
        var framing = Framing.none
        var transferEncoding: String?
        var contentLength: Int?
        var connectionTokens: [String] = []
        var expectation: String?
        var hostCount = 0
        for (name, value) in headers {
            if HTTPHeaders.sameName(name, "Content-Length") {
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let text = part.trimmingSpacesAndTabs()
                    guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy(isDigit), let length = Int(text) else {
                        return .failure(HTTPProtocolError(400, "Content-Length '\(value)' is not a number"))
                    }
                    if let contentLength, contentLength != length { return .failure(HTTPProtocolError(400, "conflicting Content-Length values")) }
                    contentLength = length
                }
            } else if HTTPHeaders.sameName(name, "Transfer-Encoding") {
                transferEncoding = (transferEncoding.map { $0 + "," } ?? "") + value
            } else if HTTPHeaders.sameName(name, "Connection") {
                connectionTokens += value.split(separator: ",").map { $0.trimmingSpacesAndTabs().lowercased() }
            } else if HTTPHeaders.sameName(name, "Expect") {
                expectation = value.lowercased()
            } else if HTTPHeaders.sameName(name, "Host") {
                hostCount += 1
            }
        }
        if let transferEncoding {
            if contentLength != nil { return .failure(HTTPProtocolError(400, "both Content-Length and Transfer-Encoding (request smuggling)")) }
            if !isHTTP11 { return .failure(HTTPProtocolError(400, "Transfer-Encoding in an HTTP/1.0 request")) }
            let codings = transferEncoding.split(separator: ",").map { $0.trimmingSpacesAndTabs().lowercased() }
            if let unknown = codings.first(where: { $0 != "chunked" }) {
                return .failure(HTTPProtocolError(501, "transfer coding '\(unknown)' is not supported (only chunked)"))
            }
            guard codings.count == 1 else { return .failure(HTTPProtocolError(400, "Transfer-Encoding '\(transferEncoding)' is malformed")) }
            framing = .chunked
        } else if let contentLength, contentLength > 0 {
            framing = .length(contentLength)
        }
        if isHTTP11 && hostCount != 1 { return .failure(HTTPProtocolError(400, hostCount == 0 ? "an HTTP/1.1 request without Host" : "more than one Host field")) }
        var expectsContinue = false
        if let expectation {
            guard expectation == "100-continue" else { return .failure(HTTPProtocolError(417, "Expect '\(expectation)' is not supported")) }
            expectsContinue = isHTTP11 && framing != .none
        }
        let keepAlive = isHTTP11 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        return .success(
            HeadSyntax(
                request: HTTPRequest(method: method, target: target, headers: headers), isHTTP11: isHTTP11, keepAlive: keepAlive,
                expectsContinue: expectsContinue, framing: framing))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"),
            UInt8(ascii: "~"):
            return true
        default: return false
        }
    }
}

