import APIGateway
import HTTPCore
import LambdaRuntime
import TestSupport
import Testing

/// Request ids as AWS shapes them, on every answer (cache hits included), and path matching
/// on the raw bytes of the request path.
@Suite("Request ids and path matching")
struct IdentifiersAndRoutingTests {
    /// `8-4-4-4-12` lower-case hex, version 4, RFC 4122 variant.
    static func isVersion4UUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (position, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(position) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)) {
                return false
            }
        }
        return bytes[14] == UInt8(ascii: "4") && [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19])
    }

    /// 15 base64 digits and `=` (11 bytes), the shape of `x-amz-apigw-id`.
    static func isShortIdentifier(_ text: String) -> Bool {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let bytes = Array(text.utf8)
        return bytes.count == 16 && bytes.last == UInt8(ascii: "=") && bytes.dropLast().allSatisfy(alphabet.contains)
    }

    @Test("request ids are version-4 UUIDs and short ids 11 bytes of base64, all distinct")
    func identifierShapes() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let id = RequestIdentifier.uuid()
            #expect(Self.isVersion4UUID(id), "\(id)")
            seen.insert(id)
            let short = RequestIdentifier.shortIdentifier()
            #expect(Self.isShortIdentifier(short), "\(short)")
            seen.insert(short)
        }
        #expect(seen.count == 4000)
    }

    @Test("X-Ray trace ids: Root=1-, the epoch seconds in 8 hex digits, 24 random hex digits")
    func traceIdentifierShape() {
        let id = RequestIdentifier.traceIdentifier(epochSeconds: 0x6B0F_C33B)
        let bytes = Array(id.utf8)
        #expect(id.hasPrefix("Root=1-6b0fc33b-"))
        #expect(bytes.count == 40)
        #expect(bytes[16...].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        #expect(id != RequestIdentifier.traceIdentifier(epochSeconds: 0x6B0F_C33B))
    }

    @Test("every answer, a cache hit too, carries its own ids and one Content-Type")
    func responsesCarryFreshIds() throws {
        let fixture = try GatewayFixture()
        let key = fixture.labKey
        var requestIds = Set<String>()
        for _ in 0..<3 {
            fixture.clock.advance(by: 0.2)
            let response = fixture.get("/prod/items/3", key: key)  // prod caches: the 2nd and 3rd are hits
            #expect(response.status == 200)
            let requestId = try #require(response.headers["x-amzn-RequestId"])
            #expect(Self.isVersion4UUID(requestId))
            #expect(Self.isShortIdentifier(response.headers["x-amz-apigw-id"] ?? ""))
            #expect(response.headers.values(for: "x-amzn-RequestId").count == 1)
            #expect(response.headers.values(for: "Content-Type") == ["application/json"])
            requestIds.insert(requestId)
        }
        #expect(requestIds.count == 3)
        #expect(fixture.gateway.cacheStatistics(stage: "prod")?.hits == 2)
        // A 404 from the function carries the Lambda request id, a UUID of its own.
        let missing = fixture.get("/prod/items/5", key: key)
        #expect(missing.status == 404)
        let lambdaRequestId = try #require(fixture.json(missing)?["requestId"]?.stringValue)
        #expect(Self.isVersion4UUID(lambdaRequestId))
        #expect(lambdaRequestId != missing.headers["x-amzn-RequestId"])
    }

    @Test("empty path segments and trailing slashes are ignored; the stage is the first segment")
    func pathSegments() throws {
        let fixture = try GatewayFixture()
        let key = fixture.labKey
        for target in ["/prod/items/3", "//prod//items//3", "/prod/items/3/", "/prod/items/3?x=1", "/prod/items/3#part"] {
            fixture.clock.advance(by: 0.2)
            let response = fixture.get(target, key: key)
            #expect(response.status == 200, "\(target)")
            #expect(fixture.json(response)?["name"] == "Highlighter", "\(target)")
        }
        let unknownPath = fixture.get("/prod/itemz/3", key: key)
        #expect(unknownPath.status == 403)
        #expect(unknownPath.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException")
        // A literal that is a prefix of a segment does not match it.
        #expect(fixture.get("/prod/item", key: key).status == 403)
        #expect(fixture.get("/production/items", key: key).bodyText == #"{"message":"Forbidden"}"#)
        #expect(fixture.get("/", key: key).bodyText == #"{"message":"Forbidden"}"#)
        #expect(fixture.get("", key: key).bodyText == #"{"message":"Forbidden"}"#)
    }

    @Test("a path parameter holds the segment's bytes as sent, multi-byte UTF-8 included")
    func parameterBytes() throws {
        let fixture = try ProxyFixture()
        _ = fixture.send("GET", "/test/proxy/é/ü//x")
        #expect(fixture.function.lastEvent.withLock { $0 }["pathParameters"] == ["proxy": "é/ü/x"])
        // A template that writes a non-numeric id unquoted makes a payload Lambda rejects: 500.
        let items = try GatewayFixture()
        let response = items.get("/prod/items/é", key: items.labKey)
        #expect(response.status == 500)
        #expect(response.bodyText == #"{"message":"Internal server error"}"#)
    }
}

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test("set(_:_:addingUnlessPresent:) replaces fields of the same names and keeps a present fallback")
    func stampResponseHeaders() {
        var fresh: HTTPHeaders = ["X-Custom": "1"]
        fresh.set(.init(name: "x-amzn-RequestId", value: "a"), .init(name: "x-amz-apigw-id", value: "b"), addingUnlessPresent: .init(name: "Content-Type", value: "application/json"))
        #expect(fresh.fields.map(\.name) == ["X-Custom", "x-amzn-RequestId", "x-amz-apigw-id", "Content-Type"])

        var existing: HTTPHeaders = ["X-AMZN-REQUESTID": "old", "content-type": "text/plain", "x-amzn-requestid": "older"]
        existing.set(.init(name: "x-amzn-RequestId", value: "new"), .init(name: "x-amz-apigw-id", value: "b"), addingUnlessPresent: .init(name: "Content-Type", value: "application/json"))
        #expect(existing.values(for: "x-amzn-requestid") == ["new"])
        #expect(existing.values(for: "Content-Type") == ["text/plain"])
        #expect(existing["X-Amz-Apigw-Id"] == "b")
        #expect(existing.count == 3)
    }

    @Test("a request target splits into path and query in one pass, as path and query do apart")
    func pathAndQuery() {
        let cases: [(String, String, String?)] = [
            ("/a?b=1#c", "/a", "b=1"), ("/a#c?d", "/a", nil), ("/a", "/a", nil), ("?x", "", "x"), ("/é?q=é", "/é", "q=é"), ("/a?", "/a", ""), ("", "", nil),
        ]
        for (target, path, query) in cases {
            let request = HTTPRequest(method: "GET", target: target)
            #expect(request.pathAndQuery.path == path, "\(target)")
            #expect(request.pathAndQuery.query == query, "\(target)")
            #expect(request.path == path && request.query == query, "\(target)")
        }
    }

    @Test("iteration yields (name, value) pairs in order")
    func iteration() {
        let headers: HTTPHeaders = ["A": "1", "b": "2", "A": "3"]
        #expect(headers.map { "\($0.name)=\($0.value)" } == ["A=1", "b=2", "A=3"])
        #expect(headers.values(for: "a") == ["1", "3"])
    }
}

@Suite("Gateway under arbitrary requests")
struct ArbitraryRequestTests {
    @Test("random targets, methods, headers and bodies: every answer is a well-formed HTTP status with ids")
    func arbitraryRequests() throws {
        let fixture = try GatewayFixture()
        let key = fixture.labKey
        var random = SeededGenerator(seed: 7)  // the same requests on every run
        let pieces = ["/", "//", "prod", "dev", "mock", "items", "{ID}", "3", "5", "é", "%2F", "%", "?", "&", "=", "#", "..", " ", "\u{0}", "🐲", "{proxy+}"]
        let methods = ["GET", "get", "POST", "OPTIONS", "HEAD", "DELETE", "ANY", "", "G E T"]
        for _ in 0..<3000 {
            var target = ""
            for _ in 0..<Int.random(in: 0...8, using: &random) { target += pieces.randomElement(using: &random)! }
            var headers = HTTPHeaders()
            if Bool.random(using: &random) { headers.add("x-api-key", Bool.random(using: &random) ? key : String(key.reversed())) }
            if Bool.random(using: &random) { headers.add("Content-Type", ["application/json", "text/plain", "", ";;"].randomElement(using: &random)!) }
            if Bool.random(using: &random) { headers.add("Cache-Control", "max-age=0") }
            let body = Bool.random(using: &random) ? Array(#"{"ID": 3}"#.utf8) : (0..<Int.random(in: 0...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            fixture.clock.advance(by: 0.01)
            let response = fixture.gateway.respond(
                to: HTTPRequest(method: methods.randomElement(using: &random)!, target: target, headers: headers, body: body))
            #expect((200..<600).contains(response.status), "\(target)")
            #expect(response.headers["x-amzn-RequestId"]?.utf8.count == 36, "\(target)")
        }
    }
}
