import CommandLineTools
import ControlPlane
import Dispatch
import Foundation
import JSONCore
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `gateway serve` run in-process on 127.0.0.1, port 0; stopped at the end of each test.
final class ServedGateway: @unchecked Sendable {
    let captured = CapturedIO()
    let state: TemporaryDirectory
    let stop = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let port: Int
    let key: String
    let session = URLSession(configuration: .ephemeral)

    init(
        _ extra: [String] = [], stopBySignal: Bool = false,
        deployment: String = SchemaCheckCommandTests.packageRoot + "/Schemas/ItemsAPI.deployment.json", template: String? = nil
    ) throws {
        state = try TemporaryDirectory()
        let source = template.map { ["--template", $0] } ?? ["--deployment", deployment]
        let arguments = ["serve", "--port", "0"] + source + ["--state", state.path + "/.gateway"] + extra
        let captured = self.captured
        let stop = self.stop
        let finished = self.finished
        let box = StatusBox()
        Thread.detachNewThread {
            box.set(runGateway(arguments: arguments, io: captured.io, waitForStop: stopBySignal ? nil : { stop.wait() }))
            finished.signal()
        }
        self.box = box
        let deadline = Date().addingTimeInterval(10)
        while !captured.stdout.contains("Press Ctrl-C") && Date() < deadline && box.value == nil { usleep(10_000) }
        let banner = captured.stdout
        guard let portText = banner.firstMatch(of: /port (\d+)\)/)?.1, let port = Int(portText) else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "no banner: \(banner) \(captured.stderr)"])
        }
        self.port = port
        key = banner.firstMatch(of: /LabKey  (\S+)/).map { String($0.1) } ?? ""
    }

    private let box: StatusBox

    final class StatusBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int32?
        func set(_ value: Int32) { lock.withLock { stored = value } }
        var value: Int32? { lock.withLock { stored } }
    }

    /// Stops the server (as SIGINT would, or by sending SIGTERM to this process) and returns the exit status.
    func shutdown(signal signalNumber: Int32? = nil) -> Int32 {
        if let signalNumber { kill(getpid(), signalNumber) } else { stop.signal() }
        _ = finished.wait(timeout: .now() + 15)
        session.invalidateAndCancel()
        return box.value ?? -1
    }

    func request(
        _ path: String, method: String = "GET", key: String? = nil, headers: [String: String] = [:], body: String? = nil
    ) async throws -> (Int, [AnyHashable: Any], String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let key { request.setValue(key, forHTTPHeaderField: "x-api-key") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, http.allHeaderFields, String(decoding: data, as: UTF8.self))
    }
}

@Suite("gateway serve", .serialized)
struct ServeCommandTests {
    @Test("the lab's walkthrough over HTTP: list, item, 404, 403 without a key, CORS preflight, 429s; clean stop with saved state")
    func walkthrough() async throws {
        let served = try ServedGateway()
        #expect(served.key.count == 40)
        #expect(served.captured.stdout.contains("http://127.0.0.1:\(served.port)/prod  -> ItemsFunction:prod"))
        #expect(served.captured.stdout.contains("curl -H \"x-api-key: \(served.key)\" http://127.0.0.1:\(served.port)/prod/items\n"))
        #expect(served.captured.stdout.hasPrefix("ItemsAPI is listening on http://127.0.0.1:\(served.port) (port \(served.port))"))

        let (listStatus, _, list) = try await served.request("/prod/items/", key: served.key)
        #expect(listStatus == 200)
        let items = try JSONParser().parse(Array(list.utf8))
        #expect(items.arrayValue?.count == 4)
        let (itemStatus, itemHeaders, item) = try await served.request("/prod/items/3", key: served.key)
        #expect(itemStatus == 200)
        #expect(item == #"{"ID":3,"name":"Highlighter","price":3.0}"#)
        #expect((itemHeaders["Access-Control-Allow-Origin"] as? String) == "*")
        #expect(try await served.request("/prod/items/5", key: served.key).0 == 404)
        let (forbidden, _, forbiddenBody) = try await served.request("/prod/items")
        #expect(forbidden == 403)
        #expect(forbiddenBody == #"{"message":"Forbidden"}"#)
        let (preflight, preflightHeaders, _) = try await served.request(
            "/prod/items", method: "OPTIONS", headers: ["Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"])
        #expect(preflight == 200)
        #expect((preflightHeaders["Access-Control-Allow-Methods"] as? String)?.contains("GET") == true)
        #expect(try await served.request("/mock/items").0 == 200)

        // CloudAcademyPlan allows bursts of 20 at 10 requests/s: 40 at once must meet 429s. Sent
        // together (one after another, a loaded machine could space them slower than the refill).
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 { group.addTask { try await served.request("/dev/items/1", key: served.key).0 } }
            var collected: [Int] = []
            for try await status in group { collected.append(status) }
            return collected
        }
        #expect(statuses.contains(429))
        #expect(statuses.filter { $0 == 200 }.count >= 10)

        #expect(served.shutdown() == 0)
        let log = served.captured.stderr
        #expect(log.contains(" GET /prod/items/3 200 "))
        #expect(log.contains(" GET /prod/items 403 "))
        #expect(log.contains("START RequestId: "))
        #expect(log.contains("REPORT RequestId: "))
        #expect(!log.contains(served.key), "the access log must not show key values")
        #expect(log.contains("gateway serve: stopped"))
        let state = try #require(FileManager.default.contents(atPath: served.state.path + "/.gateway/state.json"))
        #expect(String(decoding: state, as: UTF8.self).contains("CloudAcademyPlan"))
    }

    @Test("hostile bodies (huge exponents, undecidable patterns, runaway templates) get 400 or 500 while the server keeps serving")
    func hostileRequests() async throws {
        let files = try TemporaryDirectory()
        files.write("HostileAPI.json", #"""
            {"openapi": "3.0.1", "info": {"title": "HostileAPI", "version": "1"},
             "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": true}},
             "paths": {
               "/prices": {"post": {"x-amazon-apigateway-request-validator": "body",
                 "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Price"}}}},
                 "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
                   "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"ok\": true}"}}}}}},
               "/loop": {"post": {"x-amazon-apigateway-integration": {"type": "mock",
                 "requestTemplates": {"application/json": "#foreach($i in [1..$input.path('$.n')])#end{\"statusCode\": 200}"},
                 "responses": {"default": {"statusCode": "200"}}}}}},
             "components": {"schemas": {"Price": {"type": "object", "properties": {
               "price": {"type": "number", "multipleOf": 0.01}, "name": {"type": "string", "pattern": "^(a|a)*\\1b$"}}}}}}
            """#)
        let deployment = files.write("HostileAPI.deployment.json", #"{"apiId": "hostile", "stages": {"test": {"definition": "HostileAPI.json"}}}"#)
        let served = try ServedGateway(deployment: deployment)
        let json = ["Content-Type": "application/json"]
        let bodies = [
            (#"{"price": 1e-100000000000}"#, "/test/prices", 400), (#"{"price": 1e-2147483647}"#, "/test/prices", 400),
            (#"{"name": "\#(String(repeating: "a", count: 80))"}"#, "/test/prices", 400),
            (#"{"n": -9223372036854775807}"#, "/test/loop", 500), (#"{"n": 100000000}"#, "/test/loop", 500),
        ]
        // Each hostile body once, concurrently with ordinary requests (a debug build spends
        // seconds on the undecidable pattern's 10 million steps; a release build milliseconds).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<3 {
                for (body, path, status) in bodies where round == 0 || status == 500 || body.contains("price") {
                    group.addTask {
                        let (code, _, _) = try await served.request(path, method: "POST", headers: json, body: body)
                        #expect(code == status, "round \(round): \(body)")
                    }
                }
                group.addTask {
                    let (code, _, text) = try await served.request("/test/prices", method: "POST", headers: json, body: #"{"price": 2.5}"#)
                    #expect(code == 200)
                    #expect(text == #"{"ok": true}"#)
                }
            }
            try await group.waitForAll()
        }
        let (code, _, _) = try await served.request("/test/loop", method: "POST", headers: json, body: #"{"n": 2}"#)
        #expect(code == 200)
        #expect(served.shutdown() == 0)
    }

    @Test("AWS API requests on the same port are logged by operation path, never with a key value")
    func controlRequestsLogged() async throws {
        let served = try ServedGateway()
        let client = ControlClient(transport: .http(host: "127.0.0.1", port: served.port), credentials: .init(accessKeyId: "test", secretAccessKey: "test"))
        let value = "secret-value-0123456789-never-logged"
        let made = try client.send("apigateway", "POST", "/apikeys", body: ["name": "Logged", "value": .string(value), "enabled": true])
        #expect(made.status == 201)
        #expect(try client.send("apigateway", "GET", "/apikeys?includeValues=true").json["item"]?.arrayValue?.count == 2)
        let (status, _, _) = try await served.request("/prod/items/1", key: value)
        #expect(status == 403)  // in no usage plan
        #expect(served.shutdown() == 0)
        #expect(served.captured.stderr.contains("apigateway POST /apikeys 201"))
        #expect(!served.captured.stderr.contains(value))
        #expect(!served.captured.stderr.contains(served.key))
    }

    @Test("--log-format json writes one JSON object per request, with the key id and never the key")
    func jsonLog() async throws {
        let served = try ServedGateway(["--log-format", "json"])
        #expect(try await served.request("/prod/items/2", key: served.key).0 == 200)
        #expect(served.shutdown() == 0)
        let line = try #require(served.captured.stderr.split(separator: "\n").first { $0.contains("\"path\":\"/prod/items/2\"") })
        let record = try JSONParser().parse(Array(line.utf8))
        #expect(record["status"] == 200)
        #expect(record["method"] == "GET")
        #expect(record["requestId"]?.stringValue?.count == 36)
        #expect(record["apiKeyId"]?.stringValue?.isEmpty == false)
        #expect(!served.captured.stderr.contains(served.key))
    }

    @Test("SIGTERM stops the server cleanly: the request in progress is answered, then exit status 0")
    func sigterm() async throws {
        let served = try ServedGateway(stopBySignal: true)
        #expect(try await served.request("/prod/items/1", key: served.key).0 == 200)
        #expect(served.shutdown(signal: SIGTERM) == 0)
        #expect(served.captured.stderr.contains("gateway serve: stopped"))
        #expect(throws: (any Error).self) { try Data(contentsOf: URL(string: "http://127.0.0.1:\(served.port)/prod/items")!) }
    }

    @Test("your own API: the banner is its own, only files it references are read, a failed start writes nothing")
    func ownAPI() async throws {
        let files = try TemporaryDirectory()
        let mock = #""x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\"ok\": true}"}}}}"#
        files.write("PetStore.json", """
            {"openapi": "3.0.1", "info": {"title": "PetStore", "version": "1"},
             "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": true}},
             "paths": {
               "/pets/{petId}": {"get": {"parameters": [{"name": "petId", "in": "path", "required": true, "schema": {"type": "string"}}], \(mock)}},
               "/pets": {"get": {\(mock)},
                 "post": {"x-amazon-apigateway-request-validator": "body",
                   "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}, \(mock)}}},
             "components": {"schemas": {"Pet": {"$ref": "models/Pet.json"}}}}
            """)
        try FileManager.default.createDirectory(atPath: files.path + "/models", withIntermediateDirectories: true)
        files.write("models/Pet.json", #"{"type": "object", "required": ["name"], "properties": {"name": {"$ref": "Name.json"}}}"#)
        files.write("models/Name.json", #"{"type": "string", "minLength": 1}"#)
        files.write("Unrelated.json", "{ this is not JSON and nothing names it")
        let deployment = files.write("pets.deployment.json", #"{"apiId": "petstore", "stages": {"test": {"definition": "PetStore.json"}}}"#)
        let served = try ServedGateway(deployment: deployment)
        let banner = served.captured.stdout
        #expect(banner.hasPrefix("PetStore is listening on http://127.0.0.1:\(served.port)"), "\(banner)")
        #expect(banner.contains("curl http://127.0.0.1:\(served.port)/test/pets\n"), "\(banner)")
        #expect(!banner.contains("ItemsAPI") && !banner.contains("/items"), "\(banner)")
        let json = ["Content-Type": "application/json"]
        #expect(try await served.request("/test/pets", method: "POST", headers: json, body: #"{"name": "Rex"}"#).0 == 200)
        #expect(try await served.request("/test/pets", method: "POST", headers: json, body: #"{"name": ""}"#).0 == 400)
        #expect(try await served.request("/test/pets/7").0 == 200)

        // The same API on the port already taken: exit 2, and the new state directory is not left behind.
        let state = files.path + "/fresh-state"
        let failed = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "\(served.port)", "--state", state, "--deployment", deployment], io: failed.io, waitForStop: {}) == 2)
        #expect(failed.stderr.contains("cannot listen on 127.0.0.1:\(served.port)"))
        #expect(!FileManager.default.fileExists(atPath: state), "a failed start left \(state) behind")
        #expect(served.shutdown() == 0)
    }

    @Test("a port in use, a bad definition file and a bad option exit 2 with one clear message")
    func startErrors() throws {
        let served = try ServedGateway()
        let state = try TemporaryDirectory()
        let captured = CapturedIO()
        let status = runGateway(
            arguments: ["serve", "--port", "\(served.port)", "--state", state.path, "--deployment", SchemaCheckCommandTests.packageRoot + "/Schemas/ItemsAPI.deployment.json"],
            io: captured.io, waitForStop: {})
        #expect(status == 2)
        #expect(captured.stderr.contains("cannot listen on 127.0.0.1:\(served.port)"))
        #expect(served.shutdown() == 0)

        let bad = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "0", "--deployment", state.path + "/missing.json"], io: bad.io, waitForStop: {}) == 2)
        #expect(bad.stderr.contains("missing.json"))
        let option = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "http"], io: option.io, waitForStop: {}) == 2)
        #expect(option.stderr.contains("--port"))
    }
}
