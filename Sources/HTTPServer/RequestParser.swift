import HTTPCore

/// A request the client may not send: the status to answer it with, before closing.
public struct HTTPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400, 408, 413, 414, 417, 431, 501 or 505.
    public let status: Int
    /// What was wrong, for the log and the response body.
    public let reason: String

    /// An error.
    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    /// `400 (reason)`.
    public var description: String { "\(status) (\(reason))" }
}

/// One complete request, with what the connection needs to know about it.
public struct ParsedRequest: Sendable {
    /// The request as the responder sees it.
    public var request: HTTPRequest
    /// `HTTP/1.0` (false) or `HTTP/1.1` (true).
    public var isHTTP11: Bool
    /// Whether the client wants the connection kept open afterwards.
    public var keepAlive: Bool
    /// A HEAD request: the response goes out without its body.
    public var isHead: Bool { request.method == "HEAD" }
}

/// What the parser has after the bytes fed so far.
public enum ParseEvent: Sendable {
    /// Not a whole request yet.
    case needMoreData
    /// The client sent `Expect: 100-continue` and waits for an interim `100 Continue`
    /// before sending the body. Reported once per request.
    case continueExpected
    /// A whole request.
    case request(ParsedRequest)
    /// A request to refuse; the parser accepts nothing more.
    case failure(HTTPProtocolError)
}

/// An incremental HTTP/1.x request parser: bytes go in as they arrive, split anywhere,
/// and requests come out in order (pipelining). Framing follows RFC 9112: `Content-Length`
/// or `chunked`, never both; conflicting lengths and unknown codings are refused.
public struct RequestParser: Sendable {
    let limits: ServerLimits
    /// Unconsumed bytes; `start` is where the current request begins.
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head(scanned: 0)
    private var failed = false
    /// The client address stamped on each request.
    public var remoteAddress: String

    private struct Head: Sendable {
        var request: HTTPRequest
        var isHTTP11: Bool
        var keepAlive: Bool
        var expectsContinue: Bool
    }

    private enum ChunkPhase: Sendable {
        case size(scanned: Int)
        case data(remaining: Int)
        case dataEnd
        case trailers(scanned: Int)
    }

    private enum State: Sendable {
        case head(scanned: Int)
        case fixedBody(Head, length: Int, continueSent: Bool)
        case chunked(Head, body: [UInt8], phase: ChunkPhase, continueSent: Bool)
    }

    /// A parser for one connection.
    public init(limits: ServerLimits = ServerLimits(), remoteAddress: String = "127.0.0.1") {
        self.limits = limits
        self.remoteAddress = remoteAddress
    }

    /// Whether part of a request has arrived and not yet been returned (the request timer runs).
    public var hasPartialRequest: Bool {
        if case .head = state { return buffer.count > start }
        return true
    }

    /// Feeds bytes as they arrived.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Feeds bytes as they arrived.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next event: call until it answers `.needMoreData` (or a failure).
    public mutating func next() -> ParseEvent {
        if failed { return .needMoreData }
        let event = step()
        if case .failure = event { failed = true }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 64 * 1024 {
            buffer.removeFirst(start)
            start = 0
            if case .head = state { state = .head(scanned: 0) }
        }
        return event
    }

    private mutating func step() -> ParseEvent {
        switch state {
        case .head(let scanned):
            return parseHead(scanned: scanned)
        case .fixedBody(let head, let length, let continueSent):
            if buffer.count - start >= length {
                var request = head.request
                request.body = Array(buffer[start..<start + length])
                start += length
                state = .head(scanned: 0)
                return .request(ParsedRequest(request: request, isHTTP11: head.isHTTP11, keepAlive: head.keepAlive))
            }
            if head.expectsContinue && !continueSent && buffer.count == start {
                state = .fixedBody(head, length: length, continueSent: true)
                return .continueExpected
            }
            return .needMoreData
        case .chunked(let head, let body, let phase, let continueSent):
            if head.expectsContinue && !continueSent && buffer.count == start {
                state = .chunked(head, body: body, phase: phase, continueSent: true)
                return .continueExpected
            }
            return parseChunks(head, body: body, phase: phase)
        }
    }

    // MARK: - Request line and header fields

    private mutating func parseHead(scanned: Int) -> ParseEvent {
        // Empty lines before a request line are ignored (RFC 9112 §2.2).
        while start < buffer.count && (buffer[start] == 0x0D || buffer[start] == 0x0A) {
            if buffer[start] == 0x0D && start + 1 >= buffer.count { return .needMoreData }
            if buffer[start] == 0x0D && buffer[start + 1] != 0x0A { return .failure(HTTPProtocolError(400, "a bare CR before the request line")) }
            start += buffer[start] == 0x0D ? 2 : 1
        }
        guard let end = headEnd(from: start + max(0, scanned - 3)) else {
            let available = buffer.count - start
            // The request line is too long when no line feed comes within the limit. That is
            // settled once, when the head first outgrows the limit (so that a head sent one
            // byte at a time costs linear time, not a rescan per byte).
            if available > limits.maxRequestLineBytes && scanned <= limits.maxRequestLineBytes,
                buffer[start...(start + limits.maxRequestLineBytes)].firstIndex(of: 0x0A) == nil
            {
                return .failure(HTTPProtocolError(414, "the request line is longer than \(limits.maxRequestLineBytes) bytes"))
            }
            // Too long only when no head end can still fit: one ends at a line feed at most
            // `maxHeaderBytes` in, and is known only with the two bytes after it (LF CR LF), so
            // a head that arrived in pieces gets the verdict it would get arriving whole.
            if available > limits.maxHeaderBytes + 1 {
                return .failure(HTTPProtocolError(431, "the header section is longer than \(limits.maxHeaderBytes) bytes"))
            }
            state = .head(scanned: available)
            return .needMoreData
        }
        // The same verdicts as for a head still arriving, in the same order: a request line
        // over its limit is 414 even when the whole head is also over its own.
        if end.headerEnd - start > limits.maxRequestLineBytes,
            buffer[start...(start + limits.maxRequestLineBytes)].firstIndex(of: 0x0A) == nil
        {
            return .failure(HTTPProtocolError(414, "the request line is longer than \(limits.maxRequestLineBytes) bytes"))
        }
        if end.headerEnd - start > limits.maxHeaderBytes { return .failure(HTTPProtocolError(431, "the header section is longer than \(limits.maxHeaderBytes) bytes")) }
        let result = buffer.withUnsafeBufferPointer { bytes in
            HeadSyntax.parse(UnsafeBufferPointer(rebasing: bytes[start..<end.headerEnd]), limits: limits)
        }
        start = end.bodyStart
        switch result {
        case .failure(let error): return .failure(error)
        case .success(var syntax):
            syntax.request.remoteAddress = remoteAddress
            let head = Head(request: syntax.request, isHTTP11: syntax.isHTTP11, keepAlive: syntax.keepAlive, expectsContinue: syntax.expectsContinue)
            switch syntax.framing {
            case .none:
                state = .head(scanned: 0)
                return .request(ParsedRequest(request: head.request, isHTTP11: head.isHTTP11, keepAlive: head.keepAlive))
            case .length(let length):
                if length > limits.maxBodyBytes { return .failure(HTTPProtocolError(413, "the body (\(length) bytes) is larger than \(limits.maxBodyBytes) bytes")) }
                state = .fixedBody(head, length: length, continueSent: false)
            case .chunked:
                state = .chunked(head, body: [], phase: .size(scanned: 0), continueSent: false)
            }
            return step()
        }
    }

    /// The end of the header section (the index of its final line feed) and where the body starts.
    private func headEnd(from: Int) -> (headerEnd: Int, bodyStart: Int)? {
        var index = max(from, start)
        let count = buffer.count
        return buffer.withUnsafeBufferPointer { bytes in
            while index < count {
                if bytes[index] == 0x0A {
                    // LF LF, or LF CR LF.
                    if index + 1 < count && bytes[index + 1] == 0x0A { return (index + 1, index + 2) }
                    if index + 2 < count && bytes[index + 1] == 0x0D && bytes[index + 2] == 0x0A { return (index + 1, index + 3) }
                }
                index += 1
            }
            return nil
        }
    }

    // MARK: - Chunked bodies

    private mutating func parseChunks(_ head: Head, body: [UInt8], phase: ChunkPhase) -> ParseEvent {
        var body = body
        var phase = phase
        defer { if case .chunked = state { state = .chunked(head, body: body, phase: phase, continueSent: true) } }
        while true {
            switch phase {
            case .size(let scanned):
                // The same limit whether the line arrived whole or in pieces.
                guard let lineFeed = buffer[(start + scanned)...].firstIndex(of: 0x0A) else {
                    if buffer.count - start > 1024 { return .failure(HTTPProtocolError(400, "a chunk-size line is longer than 1024 bytes")) }
                    phase = .size(scanned: buffer.count - start)
                    return .needMoreData
                }
                if lineFeed - start > 1024 { return .failure(HTTPProtocolError(400, "a chunk-size line is longer than 1024 bytes")) }
                guard let size = RequestParser.chunkSize(buffer[start..<lineFeed]) else { return .failure(HTTPProtocolError(400, "a malformed chunk size")) }
                start = lineFeed + 1
                if size > limits.maxBodyBytes - body.count { return .failure(HTTPProtocolError(413, "the chunked body is larger than \(limits.maxBodyBytes) bytes")) }
                phase = size == 0 ? .trailers(scanned: 0) : .data(remaining: size)
            case .data(let remaining):
                let available = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start..<start + available])
                start += available
                if available < remaining {
                    phase = .data(remaining: remaining - available)
                    return .needMoreData
                }
                phase = .dataEnd
            case .dataEnd:
                if buffer.count - start < 1 { return .needMoreData }
                if buffer[start] == 0x0A {
                    start += 1
                } else if buffer[start] == 0x0D {
                    if buffer.count - start < 2 { return .needMoreData }
                    guard buffer[start + 1] == 0x0A else { return .failure(HTTPProtocolError(400, "chunk data is not followed by CRLF")) }
                    start += 2
                } else {
                    return .failure(HTTPProtocolError(400, "chunk data is longer than its size"))
                }
                phase = .size(scanned: 0)
            case .trailers(let scanned):
                // Trailer fields are read and dropped; an empty line ends them.
                var index = start + scanned
                while let lineFeed = buffer[index...].firstIndex(of: 0x0A) {
                    let lineLength = lineFeed - index
                    if lineLength == 0 || (lineLength == 1 && buffer[index] == 0x0D) {
                        // The same limit whether the trailers arrived whole or in pieces.
                        if lineFeed - start > limits.maxHeaderBytes {
                            return .failure(HTTPProtocolError(431, "the trailer section is longer than \(limits.maxHeaderBytes) bytes"))
                        }
                        start = lineFeed + 1
                        var request = head.request
                        request.body = body
                        state = .head(scanned: 0)
                        return .request(ParsedRequest(request: request, isHTTP11: head.isHTTP11, keepAlive: head.keepAlive))
                    }
                    index = lineFeed + 1
                }
                if buffer.count - start > limits.maxHeaderBytes { return .failure(HTTPProtocolError(431, "the trailer section is longer than \(limits.maxHeaderBytes) bytes")) }
                // Rescan only the unfinished line.
                phase = .trailers(scanned: index - start)
                return .needMoreData
            }
        }
    }

    /// `1a3f` or `1a3f;name=value` (with an optional CR) → 6719; nil when malformed or absurd.
    static func chunkSize(_ line: ArraySlice<UInt8>) -> Int? {
        var line = line
        if line.last == 0x0D { line = line.dropLast() }
        if let semicolon = line.firstIndex(of: UInt8(ascii: ";")) { line = line[..<semicolon] }
        while line.last == 0x20 || line.last == 0x09 { line = line.dropLast() }
        guard !line.isEmpty, line.count <= 15 else { return nil }
        var value = 0
        for byte in line {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte) - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte) - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte) - 55
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
