import APIGateway
import ClientRuntime
import HTTPCore
import HTTPServer
import JSONCore
import JSONSchema

/// A `ClientTransport` that hands requests straight to a gateway in this process: no socket,
/// the same answers as over HTTP (the server and this transport call the same `respond(to:)`).
public struct InProcessTransport: ClientTransport {
    /// What answers.
    public let responder: any HTTPResponder
    /// The client address the gateway sees.
    public var remoteAddress = "127.0.0.1"

    /// A transport to `responder` (a `Gateway`).
    public init(_ responder: any HTTPResponder) { self.responder = responder }

    /// Converts, calls the gateway, converts back. Never throws: every request gets an answer.
    public func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse {
        var headers = HTTPHeaders(request.headers.map { ($0.name, $0.value) })
        if !headers.contains("Host") { headers.add("Host", "localhost") }
        let response = responder.respond(
            to: HTTPRequest(method: request.method, target: stagePath + request.target, headers: headers, body: request.body ?? [], remoteAddress: remoteAddress))
        return ClientResponse(status: response.status, headers: response.headers.fields.map { (name: $0.name, value: $0.value) }, body: response.body)
    }
}

/// Checks responses against the API's draft-04 models (`ClientConfiguration.responseValidator`).
public struct ModelResponseValidator: ResponseValidator {
    let schemas: [String: CompiledSchema]

    /// Compiles the named models of a schemas directory (`Item` from `Item.json`, …).
    public init(schemasDirectory: String, models: [String]) throws(SchemaLoadError) {
        var registry = SchemaRegistry()
        for model in models { try registry.addFile(atPath: schemasDirectory + "/" + model + ".json") }
        var compiler = SchemaCompiler(registry: registry)
        var compiled: [String: CompiledSchema] = [:]
        for model in models { compiled[model] = try compiler.compile(model: model) }
        schemas = compiled
    }

    /// `/0/price: expected number, found string`-style problems; unknown models pass.
    public func problems(in body: [UInt8], model: String) -> [String] {
        guard let schema = schemas[model] else { return [] }
        guard let document = try? JSONParser().parse(body) else { return ["the body is not JSON"] }
        do {
            return try schema.validate(document, limits: .forPayload(bytes: body.count)).map { error in
                let pointer = error.instanceLocation.description
                return "\(pointer.isEmpty ? "/" : pointer): \(error.message)"
            }
        } catch {
            return [error.description]
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A gateway served over HTTP on 127.0.0.1 (port 0 by default) for tests: start, use `baseURL`, stop.
public final class LiveGateway: Sendable {
    /// The server.
    public let server: HTTPServer
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String

    /// Serves `gateway` on 127.0.0.1.
    public init(_ gateway: Gateway, port: Int = 0) throws {
        server = try HTTPServer.start(ServerConfiguration(host: "127.0.0.1", port: port), responder: gateway)
        baseURL = "http://127.0.0.1:\(server.port)"
    }

    /// Stops the server (idempotent).
    public func stop() { server.stop(gracePeriod: 1) }

    deinit { server.stop(gracePeriod: 0) }
}
