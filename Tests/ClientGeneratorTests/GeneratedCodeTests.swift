import APIModel
import ClientGenerator
import GenerateClientCLI
import ClientRuntime
import Foundation
import JSONCore
import StoreClient
import Synchronization
import Testing

let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Loads a definition and the files it references, as `generate-client` does.
func generate(api: String, name: String?, command: String) throws -> [GeneratedFile] {
    let (apiFile, documents) = try DefinitionFiles.load(definitionPath: api)
    return try ClientGenerator.generate(documents: documents, apiFile: apiFile, clientName: name, command: command)
}

@Suite("generated code is current")
struct UpToDateTests {
    @Test(
        "regenerating in memory gives the committed files byte for byte",
        arguments: [
            ("Schemas/ItemsAPI.json", "Generated/ItemsClient", nil, "swift run generate-client"),
            (
                "Tests/ClientGeneratorTests/Fixtures/StoreAPI.json", "Tests/StoreClient", "StoreClient",
                "swift run generate-client --api Tests/ClientGeneratorTests/Fixtures/StoreAPI.json --output Tests/StoreClient --name StoreClient"
            ),
        ] as [(String, String, String?, String)])
    func upToDate(api: String, output: String, name: String?, command: String) throws {
        for file in try generate(api: packageRoot + "/" + api, name: name, command: command) {
            let committed = try String(contentsOfFile: packageRoot + "/" + output + "/" + file.name, encoding: .utf8)
            #expect(committed == file.contents, "\(output)/\(file.name) is stale; regenerate with: \(command)")
        }
    }

    @Test("generation is deterministic")
    func deterministic() throws {
        let first = try generate(api: packageRoot + "/Tests/ClientGeneratorTests/Fixtures/StoreAPI.json", name: "StoreClient", command: "x")
        for _ in 0..<5 { #expect(try generate(api: packageRoot + "/Tests/ClientGeneratorTests/Fixtures/StoreAPI.json", name: "StoreClient", command: "x") == first) }
    }
}

/// Records requests and answers from a table.
final class RecordingTransport: ClientTransport {
    let requests = Mutex<[(ClientRequest, String)]>([])
    let answer: @Sendable (ClientRequest) -> ClientResponse

    init(answer: @escaping @Sendable (ClientRequest) -> ClientResponse) { self.answer = answer }

    func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse {
        requests.withLock { $0.append((request, stagePath)) }
        return answer(request)
    }

    var last: (ClientRequest, String)? { requests.withLock { $0.last } }
}

@Suite("the generated StoreClient (a richer API) compiles and works")
struct StoreClientTests {
    static let product = #"{"id": 7, "name": "Lamp", "price": 19.5, "status": "sold_out", "dimensions": {"width": 10, "unit": "in"}, "variants": [{"sku": "L-1", "stock": 3}], "metadata": {"colour": "red"}, "default": true, "self": "/products/7"}"#

    @Test("query, header and path parameters are encoded; nested types, enums and keyword properties decode")
    func listAndGet() async throws {
        let transport = RecordingTransport { request in
            ClientResponse(status: 200, body: Array((request.path == "/products" ? "[\(StoreClientTests.product)]" : StoreClientTests.product).utf8))
        }
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(stage: "v1", apiKey: "key-123"))
        let products = try await client.listProducts(status: .soldOut, limit: 2, xRequestId: "r-1")
        let (list, stage) = try #require(transport.last)
        #expect(stage == "/v1")
        #expect(list.target == "/products?status=sold_out&limit=2")
        #expect(list.headers.map(\.name) == ["X-Request-Id"])  // no key: the method does not require one
        let product = try #require(products.first)
        #expect(product.status == .soldOut)
        #expect(product.dimensions?.unit == .in)
        #expect(product.variants?.first == Product.VariantsItem(sku: "L-1", stock: 3))
        #expect(product.metadata == ["colour": "red"])
        #expect(product.default == true && product.self_ == "/products/7")

        _ = try await client.getProduct(productId: 7)
        #expect(transport.last?.0.path == "/products/7")
        #expect(transport.last?.0.headers.first { $0.name == "x-api-key" }?.value == "key-123")
    }

    @Test("bodies encode with wire names; oneOf alternatives decode by shape; statuses map to errors")
    func orders() async throws {
        let transport = RecordingTransport { request in
            switch request.method {
            case "POST": return ClientResponse(status: 201, body: request.body ?? [])
            default: return ClientResponse(status: 409, body: Array(#"{"message":"already shipped"}"#.utf8))
            }
        }
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(apiKey: "k"))
        let order = Order(
            customer: Customer(customerId: "c1", email: "a@b.c", _2fa: true, address: .init(line1: "Main St 1", country: .de)),
            lines: [OrderLine(productId: 7, quantity: 2)], payment: .voucher(Voucher(code: "XMAS")))
        let echoed = try await client.createOrder(body: order)
        #expect(echoed == order)
        let sent = try JSONParser().parse(transport.last!.0.body!)
        #expect(sent["customer"]?["2fa"] == true)
        #expect(sent["payment"]?["code"] == "XMAS")
        #expect(transport.last!.0.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })

        do {
            try await client.deleteOrder(orderId: "a/b c", reason: "changed mind")
            Issue.record("no error")
        } catch {
            #expect(transport.last?.0.target == "/orders/a%2Fb%20c?reason=changed%20mind")
            // The definition declares 409 with the Error model: a typed case, the model decoded.
            guard case .declared(let declared) = error, declared.status == 409 else { Issue.record("expected the declared 409, got \(error)"); return }
            #expect(declared.model(as: ErrorModel.self)?.message == "already shipped")
            #expect(declared.body.message == "already shipped")
        }
        let card = try JSONDecoder().decode(Payment.self, from: Data(#"{"cardNumber": "4111"}"#.utf8))
        #expect(card == .card(Card(cardNumber: "4111")))
        #expect(try JSONDecoder().decode(Payment.self, from: Data(#""cash""#.utf8)) == .string("cash"))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Payment.self, from: Data("42".utf8)) }
    }

    @Test("parameters whose schemas are not plain scalars compile and go out as JSON text (a string without quotes)")
    func nonScalarParameters() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 200, body: Array("[]".utf8)) }
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(stage: "v1"))
        _ = try await client.findByTag(tag: .string("red/blue"), kind: .string("dog"))
        #expect(transport.last?.0.target == "/tags/red%2Fblue?kind=dog")
        _ = try await client.findByTag(tag: .object(["a": .number(1)]), kind: .int(3), ids: [1, 2], xFilter: FindByTagXFilter(min: 4))
        let request = try #require(transport.last?.0)
        #expect(request.target == "/tags/%7B%22a%22%3A1%7D?kind=3&ids=1&ids=2")
        #expect(request.headers.first { $0.name == "X-Filter" }?.value == #"{"min":4}"#)
    }

    @Test("request bodies in each media type: text as UTF-8, binary as it is, form-urlencoded from a struct, vendor JSON")
    func bodyMediaTypes() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 204, body: []) }
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(stage: "v1"))
        func last() throws -> (type: String?, body: String) {
            let request = try #require(transport.last?.0)
            return (request.headers.first { $0.name == "Content-Type" }?.value, String(decoding: request.body ?? [], as: UTF8.self))
        }
        try await client.postText(body: "héllo")
        #expect(try last() == ("text/plain; charset=utf-8", "héllo"))
        try await client.putBinary(body: Data([0x89, 0x50]))
        #expect(transport.last?.0.body == [0x89, 0x50])
        #expect(try last().type == "image/png")
        try await client.postForm(body: PostFormBody(user: "a b&c", scopes: ["read", "write"], remember: true))
        #expect(try last() == ("application/x-www-form-urlencoded", "remember=true&scopes=read&scopes=write&user=a%20b%26c"))
        try await client.postVendorJson(body: Customer(customerId: "c1", email: "c@example.com"))
        #expect(try last().type == "application/vnd.api+json")
        #expect(try last().body.contains(#""customerId":"c1""#))
    }

    @Test("multipart/form-data: one part per member in name order; files with their name and type; arrays one part each; objects as JSON")
    func multipartBody() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 200, body: Array(#"{"bytes": 3}"#.utf8)) }
        let client = StoreClient(transport: transport)
        let answer = try await client.postUpload(
            body: PostUploadBody(
                file: FileContent(Data([0x89, 0x50, 0x4E]), filename: "a \"b\".png"), purpose: .vision, tags: ["x", "y z"],
                meta: PostUploadBody.Meta(width: 4), count: 2, extras: [FileContent(Data("t".utf8), filename: "n.txt", contentType: "text/plain")]))
        #expect(answer.bytes == 3)
        let request = try #require(transport.last?.0)
        let contentType = try #require(request.headers.first { $0.name == "Content-Type" }?.value)
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        #expect(boundary.count >= 20)
        func part(_ name: String, _ body: String, file: String? = nil, type: String? = nil) -> String {
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"" + (file.map { "; filename=\"\($0)\"" } ?? "") + "\r\n"
                + (type.map { "Content-Type: \($0)\r\n" } ?? "") + "\r\n" + body + "\r\n"
        }
        let expected = part("count", "2") + part("extras", "t", file: "n.txt", type: "text/plain") + part("file", "\u{89}PN", file: "a %22b%22.png", type: "image/png")
            + part("meta", #"{"width":4}"#, type: "application/json") + part("purpose", "vision") + part("tags", "x") + part("tags", "y z") + "--\(boundary)--\r\n"
        #expect(request.body == Array(expected.unicodeScalars.map { UInt8($0.value) }), "\(String(decoding: request.body ?? [], as: UTF8.self))")
        // Two calls never share a boundary.
        _ = try await client.postUpload(body: PostUploadBody(file: FileContent(Data()), purpose: .assistants))
        let second = try #require(transport.last?.0.headers.first { $0.name == "Content-Type" }?.value)
        #expect(second != contentType)
        let secondBody = String(decoding: transport.last?.0.body ?? [], as: UTF8.self)
        #expect(secondBody.contains(#"name="file"; filename="file""#))
    }

    @Test("successes that differ are one output case per status, with the body and typed headers; another 2xx is undocumented")
    func outputsByStatus() async throws {
        let answers = Mutex<[ClientResponse]>([])
        let transport = RecordingTransport { _ in answers.withLock { $0.removeFirst() } }
        let client = StoreClient(transport: transport)
        func answer(_ status: Int, _ body: String, _ headers: [(name: String, value: String)] = []) async throws(ClientError) -> StoreClient.StartJobOutput {
            answers.withLock { $0.append(ClientResponse(status: status, headers: headers, body: Array(body.utf8))) }
            return try await client.startJob()
        }
        guard case .ok(let done) = try await answer(200, #"{"result": "r"}"#) else { Issue.record("200"); return }
        #expect(done.result == "r")
        let queued = try await answer(202, #"{"ticket": 9}"#, [("location", "/jobs/9"), ("Retry-After", "30"), ("X-Queue", "slow")])
        guard case .accepted(let ticket, let headers) = queued else { Issue.record("202: \(queued)"); return }
        #expect(ticket.ticket == 9)
        #expect(headers == .init(location: "/jobs/9", retryAfter: 30, xQueue: .slow))
        guard case .accepted(_, let odd) = try await answer(202, "{}", [("Retry-After", "soon"), ("X-Queue", "other")]) else { Issue.record("202"); return }
        #expect(odd == .init(retryAfter: nil, xQueue: .undocumented("other")), "a header not of its type is nil; an enum keeps an unlisted value")
        guard case .noContent = try await answer(204, "") else { Issue.record("204"); return }
        guard case .status2XX(let text) = try await answer(206, "part") else { Issue.record("206"); return }
        #expect(text == "part")
        await #expect(throws: ClientError.self) { try await answer(200, "not json") }
    }

    @Test("a body offered in several media types: the caller chooses a case, which sets the Content-Type")
    func bodyChoices() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 204, body: []) }
        let client = StoreClient(transport: transport)
        func last() throws -> (type: String?, body: String) {
            let request = try #require(transport.last?.0)
            return (request.headers.first { $0.name == "Content-Type" }?.value, String(decoding: request.body ?? [], as: UTF8.self))
        }
        try await client.postNote(body: .json(PostNoteBody(text: "hi")))
        #expect(try last() == ("application/json", #"{"text":"hi"}"#))
        try await client.postNote(body: .plain("hi there"))
        #expect(try last() == ("text/plain", "hi there"))
        try await client.postNote(body: .form(PostNoteBodyForm(text: "a&b", pinned: true)))
        #expect(try last() == ("application/x-www-form-urlencoded", "pinned=true&text=a%26b"))
    }

    @Test("path parameters in label and matrix styles, exploded or not, each value percent-encoded")
    func labelAndMatrix() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 204, body: []) }
        let client = StoreClient(transport: transport)
        try await client.getCells(row: 5, cols: ["a", "b/c"], ids: [3, 4], tag: .aB)
        #expect(transport.last?.0.path == "/grid/.5/.a.b%2Fc/;ids=3,4/;tag=a%20b")
        #expect(ParameterText.label(["x", "y"], explode: false) == ".x,y")
        #expect(ParameterText.matrix("k", ["1", "2"], explode: true) == ";k=1;k=2")
    }

    @Test("security schemes as middlewares by name: API keys in query and cookie, bearer from a provider, basic, SigV4")
    func securityMiddlewares() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 200, body: Array("x".utf8)) }
        let tokens = Mutex(0)
        let client = StoreClient(
            transport: transport,
            configuration: ClientConfiguration(
                stage: "v1",
                middlewares: [
                    StoreClient.Security.partnerKey("p 1"), StoreClient.Security.sessionCookie("s;1"),
                    StoreClient.Security.bearerAuth { tokens.withLock { $0 += 1; return "token\($0)" } },
                ]))
        _ = try await client.getText()
        _ = try await client.getText()
        let request = try #require(transport.last?.0)
        #expect(request.target == "/bodies/text?partner=p%201")
        #expect(request.headers.first { $0.name == "Cookie" }?.value == "SID=s%3B1")
        #expect(request.headers.first { $0.name == "Authorization" }?.value == "Bearer token2", "the token is asked for on each request")
        let basic = StoreClient(transport: transport, configuration: ClientConfiguration(middlewares: [StoreClient.Security.basicAuth(user: "ann", password: "pw")]))
        _ = try await basic.getText()
        #expect(transport.last?.0.headers.first { $0.name == "Authorization" }?.value == "Basic YW5uOnB3")
        _ = StoreClient.Security.oauth { "t" }
        // SigV4 (x-amazon-apigateway-authtype: awsSigv4): a signature over the base URL's path and the call.
        let signed = StoreClient(
            transport: transport,
            configuration: ClientConfiguration(middlewares: [
                StoreClient.Security.sigv4(
                    baseURL: URL(string: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1")!, region: "eu-west-1",
                    credentials: SigV4Middleware.Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret"))
            ]))
        _ = try await signed.getText()
        let authorization = try #require(transport.last?.0.headers.first { $0.name == "Authorization" }?.value)
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "\(authorization)")
        #expect(authorization.contains("/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature="), "\(authorization)")
    }

    @Test("responses that are not JSON: text as a String, anything else as Data")
    func responseMediaTypes() async throws {
        let transport = RecordingTransport { request in
            ClientResponse(status: 200, body: request.path.hasSuffix("text") ? Array("plain words".utf8) : [0, 255, 7])
        }
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(stage: "v1"))
        #expect(try await client.getText() == "plain words")
        #expect(try await client.getBinary() == Data([0, 255, 7]))
    }

    @Test("array parameters travel in their style: form exploded or joined, spaceDelimited, pipeDelimited, simple; cookies in one Cookie header")
    func arrayStyles() async throws {
        let transport = RecordingTransport { _ in ClientResponse(status: 204, body: []) }
        let client = StoreClient(transport: transport, configuration: ClientConfiguration(stage: "v1"))
        try await client.listByStyle(
            codes: [3, 4], tag: ["a b", "c"], status: [.inStock, .undocumented("later")], words: ["x", "y"], sizes: [1.5, 2], xIds: ["p", "q"],
            session: "s 1;x", theme: .dark)
        let request = try #require(transport.last?.0)
        #expect(request.target == "/styles/3%2C4?tag=a%20b&tag=c&status=in-stock%2Clater&words=x%20y&sizes=1.5%7C2.0")
        #expect(request.headers.first { $0.name == "X-Ids" }?.value == "p,q")
        #expect(request.headers.first { $0.name == "Cookie" }?.value == "session=s%201%3Bx; theme=dark")
        try await client.listByStyle(codes: [], tag: [], session: "s")
        #expect(transport.last?.0.target == "/styles/")
        #expect(transport.last?.0.headers.first { $0.name == "Cookie" }?.value == "session=s")
    }

    @Test("middlewares: a header on every request, retries of 429/503 (never of a quota answer), first outermost")
    func middlewares() async throws {
        let answers = Mutex<[Int]>([429, 503, 200])
        let transport = RecordingTransport { _ in
            let status = answers.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return ClientResponse(status: status, body: Array((status == 200 ? "[]" : #"{"message": "Too Many Requests"}"#).utf8))
        }
        let configuration = ClientConfiguration(
            stage: "v1",
            middlewares: [HeaderMiddleware(name: "Authorization", value: "Bearer t"), RetryMiddleware(maxAttempts: 3, baseDelay: .milliseconds(1))])
        let client = StoreClient(transport: transport, configuration: configuration)
        _ = try await client.listProducts()
        let sent = transport.requests.withLock { $0.map(\.0) }
        #expect(sent.count == 3)
        #expect(sent.allSatisfy { $0.headers.contains { $0.name == "Authorization" && $0.value == "Bearer t" } })

        answers.withLock { $0 = [429, 429, 429] }
        transport.requests.withLock { $0 = [] }
        await #expect(throws: ClientError.tooManyRequests) { _ = try await client.listProducts() }
        #expect(transport.requests.withLock { $0.count } == 3)

        let quota = RecordingTransport { _ in
            ClientResponse(status: 429, headers: [(name: "x-amzn-ErrorType", value: "LimitExceededException")], body: Array(#"{"message": "Limit Exceeded"}"#.utf8))
        }
        let limited = StoreClient(transport: quota, configuration: ClientConfiguration(middlewares: [RetryMiddleware(baseDelay: .milliseconds(1))]))
        await #expect(throws: ClientError.limitExceeded) { _ = try await limited.listProducts() }
        #expect(quota.requests.withLock { $0.count } == 1)
    }

    @Test("a cancelled call is .cancelled; ClientError reads the same through localizedDescription")
    func cancellation() async throws {
        struct Stuck: ClientTransport {
            func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse {
                try await Task.sleep(for: .seconds(30))
                return ClientResponse(status: 200)
            }
        }
        let client = StoreClient(transport: Stuck(), configuration: ClientConfiguration())
        let task = Task { try await client.listProducts() }
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("the cancelled call returned")
        } catch {
            #expect(error as? ClientError == .cancelled)
        }
        #expect(ClientError.notFound(ErrorBody(status: 404, bytes: [])).localizedDescription == "404 Not Found: ")
    }

    @Test(
        "--nested-types: two clients with a model of the same name compile side by side in one module",
        .enabled(if: FileManager.default.fileExists(atPath: packageRoot + "/.build/debug/Modules/ClientRuntime.swiftmodule"), "no debug build of ClientRuntime to compile against"))
    func twoClientsInOneModule() throws {
        let directory = NSTemporaryDirectory() + "two-clients-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = GeneratorOptions(nestedTypes: true)
        let (itemsFile, itemsDocuments) = try DefinitionFiles.load(definitionPath: packageRoot + "/Schemas/ItemsAPI.json")
        let store = try DefinitionFiles.load(definitionPath: packageRoot + "/Tests/ClientGeneratorTests/Fixtures/StoreAPI.json")
        var sources: [String] = []
        for (prefix, files) in [
            ("Items", try ClientGenerator.generate(documents: itemsDocuments, apiFile: itemsFile, options: options, command: "x")),
            ("Store", try ClientGenerator.generate(documents: store.documents, apiFile: store.apiFile, clientName: "StoreClient", options: options, command: "x")),
        ] {
            for file in files {
                let path = directory + "/\(prefix)\(file.name)"
                try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
                sources.append(path)
            }
        }
        #expect(try String(contentsOfFile: directory + "/ItemsTypes.swift", encoding: .utf8).contains("extension ItemsClient {\n"))
        for prefix in ["Items", "Store"] {
            #expect(try String(contentsOfFile: directory + "/\(prefix)Types.swift", encoding: .utf8).contains("    public struct ErrorModel: "))
        }
        // Qualified names reach the models (ItemsAPI declares Empty and Error, as many APIs do).
        let use = directory + "/Use.swift"
        try """
            func use(_ items: ItemsClient, _ store: StoreClient) async throws {
                let item: ItemsClient.Item = try await items.getItem(id: 3)
                let empty = ItemsClient.Empty()
                let error: ItemsClient.ErrorModel? = nil
                let storeError: StoreClient.ErrorModel? = nil  // the same name, another API
                let products: StoreClient.Products = try await store.listProducts()
                _ = (item, empty, error, storeError, products)
            }
            """.write(toFile: use, atomically: true, encoding: .utf8)
        sources.append(use)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-typecheck", "-swift-version", "6", "-module-name", "TwoClients", "-I", packageRoot + "/.build/debug/Modules"] + sources
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }

    @Test("error statuses map to ClientError cases")
    func errorMapping() {
        func error(_ status: Int, _ body: String, type: String? = nil) -> ClientError {
            ClientError.from(ClientResponse(status: status, headers: type.map { [(name: "x-amzn-ErrorType", value: $0)] } ?? [], body: Array(body.utf8)))
        }
        #expect(error(403, #"{"message":"Forbidden"}"#) == .forbidden(ErrorBody(status: 403, bytes: Array(#"{"message":"Forbidden"}"#.utf8))))
        #expect(error(403, #"{"message":"Missing Authentication Token"}"#) == .missingAuthenticationToken)
        #expect(error(429, #"{"message":"Too Many Requests"}"#) == .tooManyRequests)
        #expect(error(429, #"{"message":"Limit Exceeded"}"#) == .limitExceeded)
        #expect(error(429, "", type: "LimitExceededException") == .limitExceeded)
        guard case .notFound = error(404, "{}") else { Issue.record("404"); return }
        guard case .unexpectedStatus(502, _) = error(502, "") else { Issue.record("502"); return }
    }
}
