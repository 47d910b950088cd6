#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPCore

/// Writes responses as HTTP/1.1 bytes. The server owns the framing fields: whatever the
/// responder put in `Content-Length`, `Transfer-Encoding`, `Connection` or `Date` is replaced.
public enum ResponseSerializer {
    /// `HTTP/1.1 100 Continue`, sent when a client waits before its body.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends `response` to `output`.
    /// - Parameters:
    ///   - omitBody: a HEAD request: the headers (with the body's length) but not the body.
    ///   - keepAlive: whether the connection stays open; `HTTP/1.0` clients are told explicitly.
    ///   - date: the `Date` value (IMF-fixdate).
    public static func append(
        _ response: HTTPResponse, omitBody: Bool, keepAlive: Bool, isHTTP11: Bool, date: String, to output: inout [UInt8]
    ) {
        output.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(response.status, to: &output)
        output.append(0x20)
        output.append(contentsOf: reasonPhrase(response.status).utf8)
        output.append(contentsOf: "\r\nDate: ".utf8)
        output.append(contentsOf: date.utf8)
        for (name, value) in response.headers where !isFramingField(name) {
            output.append(contentsOf: "\r\n".utf8)
            output.append(contentsOf: name.utf8)
            output.append(contentsOf: ": ".utf8)
            // A value must not break the framing: line breaks from a template become spaces.
            for byte in value.utf8 { output.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte) }
        }
        let bodyless = response.status < 200 || response.status == 204 || response.status == 304
        if !bodyless {
            output.append(contentsOf: "\r\nContent-Length: ".utf8)
            appendDecimal(response.body.count, to: &output)
        }
        if !keepAlive {
            output.append(contentsOf: "\r\nConnection: close".utf8)
        } else if !isHTTP11 {
            output.append(contentsOf: "\r\nConnection: keep-alive".utf8)
        }
        output.append(contentsOf: "\r\n\r\n".utf8)
        if !omitBody && !bodyless { output.append(contentsOf: response.body) }
    }

    /// The response to a refused request: the status, a JSON message, and `Connection: close`.
    public static func errorResponse(_ error: HTTPProtocolError) -> HTTPResponse {
        var text = "{\"message\":\""
        for scalar in reasonPhrase(error.status).unicodeScalars { text.unicodeScalars.append(scalar) }
        text += "\"}"
        return HTTPResponse(status: error.status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    static func isFramingField(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: return HTTPHeaders.sameName(name, "Date")
        case 10: return HTTPHeaders.sameName(name, "Connection") || HTTPHeaders.sameName(name, "Keep-Alive")
        case 14: return HTTPHeaders.sameName(name, "Content-Length")
        case 17: return HTTPHeaders.sameName(name, "Transfer-Encoding")
        default: return false
        }
    }

    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(48 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    /// The standard reason phrase for a status code.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error"
        }
    }
}

/// `Date` header values (RFC 9110 IMF-fixdate), formatted at most once a second.
struct HTTPDateCache {
    private var second = -1
    private(set) var value = ""

    /// The value for now.
    mutating func now() -> String {
        var seconds = time(nil)
        if Int(seconds) != second {
            second = Int(seconds)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            value = HTTPDateCache.format(parts)
        }
        return value
    }

    static func format(_ parts: tm) -> String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
