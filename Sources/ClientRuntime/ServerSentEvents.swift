import Foundation

/// One event of a `text/event-stream` answer (the WHATWG HTML standard's server-sent events).
public struct ServerSentEvent: Sendable, Hashable {
    /// `event:` (`message` when the stream names none).
    public var event: String
    /// The `data:` lines, joined by line feeds.
    public var data: String
    /// The last `id:` seen so far in the stream, if any.
    public var id: String?
    /// `retry:`, the reconnection time in milliseconds, when this event set one.
    public var retry: Int?

    /// An event.
    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The data decoded as JSON (`WireJSON`'s dates and bytes), as most APIs send it.
    public func decode<T: Decodable>(_ type: T.Type) throws(ClientError) -> T {
        do {
            return try WireJSON.decoder().decode(type, from: Data(data.utf8))
        } catch {
            throw .decoding("event data does not decode as \(type): \(error)")
        }
    }
}

/// The events of a `text/event-stream` answer, as they arrive (when the transport streams,
/// as `URLSessionTransport` does; else from the whole body): `for try await event in events`.
/// A stream may end with a sentinel its API defines (OpenAI's `data: [DONE]`); it is an event
/// like any other.
public struct ServerSentEvents: AsyncSequence, Sendable {
    public typealias Element = ServerSentEvent

    private let chunks: AsyncThrowingStream<[UInt8], any Error>

    /// The events of `response`'s body.
    public init(_ response: ClientResponse) {
        if let stream = response.bodyStream {
            chunks = stream
        } else {
            let body = response.body
            chunks = AsyncThrowingStream { continuation in
                continuation.yield(body)
                continuation.finish()
            }
        }
    }

    /// Reads events from byte chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        var parser = ServerSentEventParser()
        var ready: [ServerSentEvent] = []
        var ended = false

        public mutating func next() async throws -> ServerSentEvent? {
            while ready.isEmpty {
                if ended { return nil }
                if let chunk = try await chunks.next() {
                    ready = parser.feed(chunk)
                } else {
                    ended = true
                    ready = parser.finish()
                }
            }
            return ready.removeFirst()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks.makeAsyncIterator()) }
}

/// The event-stream grammar, incremental: bytes in, complete events out. Lines end with CR,
/// LF or CRLF (a CR at the end of a chunk waits for the next); a leading BOM is skipped;
/// `:` lines are comments; an event is dispatched at a blank line, and not at all when it has
/// no data; a line longer than `maximumLineBytes` is an error rather than unbounded memory.
public struct ServerSentEventParser: Sendable {
    /// The longest line kept (16 MiB).
    public static let maximumLineBytes = 16 << 20

    private var line: [UInt8] = []
    private var afterCR = false
    private var started = false
    private var eventType = ""
    private var data: [String] = []
    private var hasData = false
    private var lastID: String?
    private var retry: Int?
    /// Set when a line passed `maximumLineBytes`: the rest of that line is dropped.
    private var overlong = false

    /// A parser at the start of a stream.
    public init() {}

    /// The events completed by `bytes`.
    public mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                afterCR = true
                endLine(into: &events)
            case 0x0A:
                endLine(into: &events)
            default:
                if line.count < ServerSentEventParser.maximumLineBytes { line.append(byte) } else { overlong = true }
            }
        }
        return events
    }

    /// The events the end of the stream completes (a last line without its end counts; an
    /// event without its blank line does not, as the standard says).
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty { endLine(into: &events) }
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if overlong {
            overlong = false
            return
        }
        if !started {
            started = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty {
            if hasData {
                events.append(ServerSentEvent(event: eventType.isEmpty ? "message" : eventType, data: data.joined(separator: "\n"), id: lastID, retry: retry))
            }
            eventType = ""
            data = []
            hasData = false
            retry = nil
            return
        }
        if bytes.first == UInt8(ascii: ":") { return }
        let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        let field = String(decoding: bytes[..<(colon ?? bytes.endIndex)], as: UTF8.self)
        var value = colon.map { bytes[bytes.index(after: $0)...] } ?? bytes[bytes.endIndex...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        let text = String(decoding: value, as: UTF8.self)
        switch field {
        case "event": eventType = text
        case "data":
            data.append(text)
            hasData = true
        case "id": if !text.contains("\u{0}") { lastID = text }
        case "retry": if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text) { retry = value }
        default: break
        }
    }
}
