import HTTPCore
import TestSupport
import Testing

@testable import HTTPServer

/// Feeds `text` (in pieces of `step` bytes) and collects the events up to the first failure.
private func parse(_ text: String, step: Int = Int.max, limits: ServerLimits = ServerLimits()) -> [ParseEvent] {
    var parser = RequestParser(limits: limits)
    var events: [ParseEvent] = []
    let bytes = Array(text.utf8)
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + min(step, bytes.count))
        parser.append(Array(bytes[offset..<end]))
        offset = end
        loop: while true {
            let event = parser.next()
            switch event {
            case .needMoreData: break loop
            case .failure:
                events.append(event)
                return events
            default: events.append(event)
            }
        }
    } while offset < bytes.count
    return events
}

private func requests(_ events: [ParseEvent]) -> [ParsedRequest] {
    events.compactMap { if case .request(let request) = $0 { return request } else { return nil } }
}

private func failure(_ events: [ParseEvent]) -> HTTPProtocolError? {
    if case .failure(let error) = events.last { return error }
    return nil
}

@Suite struct RequestParserTests {
    static let get = "GET /prod/items/3?x=1 HTTP/1.1\r\nHost: localhost\r\nx-api-key: abc\r\n\r\n"

    @Test func parsesARequestLineAndFields() throws {
        let parsed = try #require(requests(parse(Self.get)).first)
        #expect(parsed.request.method == "GET")
        #expect(parsed.request.target == "/prod/items/3?x=1")
        #expect(parsed.request.headers["X-API-Key"] == "abc")
        #expect(parsed.isHTTP11 && parsed.keepAlive)
    }

    @Test(arguments: [1, 2, 3, 7, 16])
    func acceptsRequestsSplitAtAnyByte(step: Int) throws {
        let post = "POST /prod/items HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"
        let parsed = requests(parse(Self.get + post, step: step))
        #expect(parsed.map(\.request.method) == ["GET", "POST"])
        #expect(parsed.last?.request.body == Array("hello world".utf8))
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text = (1...50).map { "GET /r/\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined()
        #expect(requests(parse(text)).map(\.request.target) == (1...50).map { "/r/\($0)" })
    }

    @Test(arguments: [1, 5, 1000])
    func decodesChunkedBodiesWithExtensionsAndTrailers(step: Int) throws {
        let text = "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n" + Self.get
        let parsed = requests(parse(text, step: step))
        #expect(parsed.count == 2)
        #expect(parsed.first?.request.body == Array("hello world".utf8))
    }

    @Test func expectContinueIsReportedBeforeTheBody() {
        var parser = RequestParser()
        parser.append(Array("PUT /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        guard case .continueExpected = parser.next() else { Issue.record("no 100-continue"); return }
        guard case .needMoreData = parser.next() else { Issue.record("expected to wait for the body"); return }
        parser.append(Array("abc".utf8))
        guard case .request(let request) = parser.next() else { Issue.record("no request"); return }
        #expect(request.request.body == Array("abc".utf8))
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() {
        #expect(requests(parse("GET / HTTP/1.0\r\n\r\n")).first?.keepAlive == false)
        #expect(requests(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).first?.keepAlive == true)
        #expect(requests(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")).first?.keepAlive == false)
    }

    @Test func acceptsARepeatedEqualContentLengthAndAbsoluteFormTargets() {
        let parsed = requests(parse("POST http://example.com/a/b?c=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"))
        #expect(parsed.first?.request.target == "/a/b?c=1")
        #expect(parsed.first?.request.body == Array("ok".utf8))
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),  // no Host
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / FTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1e3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", 417),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10485761\r\n\r\n", 413),
    ] as [(String, Int)])
    func refusesWithTheRightStatus(text: String, status: Int) {
        #expect(failure(parse(text))?.status == status, "\(text.debugDescription)")
    }

    @Test func limitsOnLineHeadersAndBody() {
        var limits = ServerLimits()
        limits.maxRequestLineBytes = 100
        limits.maxHeaderBytes = 300
        limits.maxHeaderCount = 5
        limits.maxBodyBytes = 10
        let longTarget = "GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(failure(parse(longTarget, limits: limits))?.status == 414)
        #expect(failure(parse(String(longTarget.prefix(150)), limits: limits))?.status == 414)
        let bigHeader = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "b", count: 400) + "\r\n\r\n"
        #expect(failure(parse(bigHeader, limits: limits))?.status == 431)
        #expect(failure(parse(String(bigHeader.prefix(350)), step: 1, limits: limits))?.status == 431)
        let manyHeaders = "GET / HTTP/1.1\r\nHost: h\r\n" + (1...6).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(failure(parse(manyHeaders, limits: limits))?.status == 431)
        #expect(failure(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits))?.status == 413)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n"
        #expect(failure(parse(chunked, limits: limits))?.status == 413)
    }

    @Test func survivesArbitraryBytes() {
        let seed = TestSeed.value()
        print("survivesArbitraryBytes seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            var parser = RequestParser()
            let count = Int.random(in: 0..<300, using: &generator)
            parser.append((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            var steps = 0
            while steps < 1000 {
                steps += 1
                if case .needMoreData = parser.next() { break }
            }
            #expect(steps < 1000)
        }
    }

    /// Found by the fuzzer: a chunk-size line over the limit was refused only when it arrived
    /// in pieces.
    @Test func chunkSizeLineLimitDoesNotDependOnSplits() {
        let text = "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0;" + String(repeating: "e", count: 1100)
            + "\r\n\r\n"
        for step in [1, 7, Int.max] {
            #expect(failure(parse(text, step: step))?.status == 400, "step \(step)")
        }
    }

    /// Found by the fuzzer: a head over both limits was 431 when it arrived whole and 414 when
    /// it arrived in pieces; the request line's limit is checked first either way.
    @Test func requestLineLimitWinsOverHeaderLimitWhateverTheSplits() {
        var limits = ServerLimits()
        limits.maxRequestLineBytes = 100
        limits.maxHeaderBytes = 300
        let text = "GET /" + String(repeating: "a", count: 400) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        for step in [1, 7, 64, Int.max] {
            #expect(failure(parse(text, step: step, limits: limits))?.status == 414, "step \(step)")
        }
    }

    /// Found by the fuzzer: a head exactly at the limit, ending in LF CR LF, was 431 when the
    /// bytes after its last line feed had not all arrived, and parsed when it arrived whole.
    @Test func aHeadExactlyAtTheLimitParsesWhateverTheSplits() throws {
        var limits = ServerLimits()
        limits.maxHeaderBytes = 64
        let start = "GET / HTTP/1.1\r\nHost: h\r\nX: "
        // The head the limit measures runs to its last field's line feed: 64 bytes.
        let text = start + String(repeating: "v", count: 64 - start.utf8.count - 2) + "\r\n\r\n"
        for step in [1, 7, 65, Int.max] {
            let events = parse(text, step: step, limits: limits)
            #expect(failure(events) == nil, "step \(step): \(events)")
            #expect(requests(events).first?.request.headers.first { $0.name == "X" } != nil, "step \(step)")
        }
        // One byte more is over the limit, however it arrives.
        let over = start + String(repeating: "v", count: 64 - start.utf8.count - 1) + "\r\n\r\n"
        for step in [1, 7, 65, Int.max] {
            #expect(failure(parse(over, step: step, limits: limits))?.status == 431, "step \(step)")
        }
    }
}
