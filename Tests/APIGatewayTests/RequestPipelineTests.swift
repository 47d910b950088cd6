import HTTPCore
import Testing

@testable import APIGateway
@testable import ControlPlane

/// The request path's stage types one at a time: each takes the outputs of the stages before
/// it and returns its own, or throws the `GatewayError` the gateway answers with.
@Suite("Request pipeline stages")
struct RequestPipelineTests {
    static func arrived(_ method: String, _ target: String, headers: [(String, String)] = [], testInvoke: Bool = false) -> ArrivedRequest {
        ArrivedRequest(
            HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers)), requestId: "request-1", extendedRequestId: "ext-1",
            time: 1_764_028_800, isTestInvoke: testInvoke, keepsLines: true)
    }

    /// The kind of `GatewayError` `body` throws; nil when it throws none.
    static func kind(_ body: () throws -> Void) -> GatewayError.Kind? {
        do {
            try body()
            return nil
        } catch {
            return (error as? GatewayError)?.kind
        }
    }

    @Test("routing: an unknown stage is forbiddenStage; an unknown path is missingAuthenticationToken, with the reason logged")
    func routing() throws {
        let fixture = try GatewayFixture()
        let snapshot = fixture.gateway.snapshot
        let router = RouteStage()
        #expect(Self.kind { _ = try router.selectStage(Self.arrived("GET", "/nostage/items"), in: snapshot) } == .forbiddenStage)
        let unknown = Self.arrived("GET", "/prod/nothing")
        let selection = try router.selectStage(unknown, in: snapshot)
        #expect(selection.name == "prod")
        #expect(Self.kind { _ = try router.route(unknown, in: selection) } == .missingAuthenticationToken)
        #expect(unknown.failure?.contains("no resource or method matches GET /prod/nothing") == true)

        let known = Self.arrived("get", "/prod/items/42?color=red&color=blue")
        let route = try router.route(known, in: selection)
        #expect(route.method.resource.path == "/items/{ID}")
        #expect(route.pathParameters.map { "\($0.0)=\($0.1)" } == ["ID=42"])
        #expect(route.query.map { "\($0.0)=\($0.1)" } == ["color=red", "color=blue"])
        #expect(known.httpMethod == "GET")
        #expect(known.lines.contains("Method request path: {ID=42}"))
    }

    @Test("API keys: required and missing or unknown is invalidAPIKey; a lab key names its plan; a test invoke is anonymous")
    func apiKeys() throws {
        let fixture = try GatewayFixture()
        let snapshot = fixture.gateway.snapshot
        let router = RouteStage()
        let stage = APIKeyStage()
        func route(_ arrived: ArrivedRequest) throws -> Route { try router.route(arrived, in: try router.selectStage(arrived, in: snapshot)) }

        let bare = Self.arrived("GET", "/prod/items/1")
        let bareRoute = try route(bare)
        #expect(bareRoute.method.method.apiKeyRequired)
        #expect(Self.kind { _ = try stage.identify(bare, bareRoute, authorized: .nobody) } == .invalidAPIKey)
        let wrong = Self.arrived("GET", "/prod/items/1", headers: [("x-api-key", "not-a-key")])
        #expect(Self.kind { _ = try stage.identify(wrong, try route(wrong), authorized: .nobody) } == .invalidAPIKey)

        let keyed = Self.arrived("GET", "/prod/items/1", headers: [("x-api-key", fixture.labKey)])
        let caller = try stage.identify(keyed, try route(keyed), authorized: .nobody)
        #expect(caller.apiKey?.name == "LabKey")
        #expect(caller.plan != nil && caller.client != nil)
        // A method without an authorizer: the authorization stage asks nobody.
        let authorization = AuthorizationStage(
            functions: FunctionCaller(lambda: fixture.control.lambda.service, logSink: nil), values: RequestValues(), cache: AuthorizerCache())
        #expect(try authorization.authorize(keyed, try route(keyed)).authorizer == nil)

        let test = Self.arrived("GET", "/prod/items/1", testInvoke: true)
        let anonymous = try stage.identify(test, try route(test), authorized: .nobody)
        #expect(anonymous.key == nil && anonymous.plan == nil)
    }

    @Test("a refused request's gateway response reads what the stages learnt before the refusal")
    func gatewayResponseOfARefusal() throws {
        let fixture = try GatewayFixture()
        let pipeline = RequestPipeline(usage: UsageStage(usage: [:], ledger: nil), lambda: fixture.control.lambda.service, logSink: nil)
        let (forbidden, _) = pipeline.run(Self.arrived("GET", "/nostage/items"), in: fixture.gateway.snapshot)
        #expect(forbidden.status == 403)
        #expect(forbidden.headers["x-amzn-ErrorType"] == "ForbiddenException")
        #expect(forbidden.bodyText == "{\"message\":\"Forbidden\"}")
        let (missing, caller) = pipeline.run(Self.arrived("GET", "/prod/items/1"), in: fixture.gateway.snapshot)
        #expect(missing.status == 403)
        #expect(missing.headers["x-amzn-ErrorType"] == "ForbiddenException")
        #expect(caller.key == nil)
        let (answered, keyed) = pipeline.run(Self.arrived("GET", "/prod/items/1", headers: [("x-api-key", fixture.labKey)]), in: fixture.gateway.snapshot)
        #expect(answered.status == 200)
        #expect(keyed.apiKey?.name == "LabKey")
    }

    @Test("an API is addressed at the root, by /restapis/{id}/{stage}/_user_request_/…, or by the host {id}.execute-api.localhost; another id is a 404")
    func apiAddressing() throws {
        let fixture = try GatewayFixture()
        let id = fixture.gateway.snapshot.apiId
        let key = fixture.labKey
        let root = fixture.get("/prod/items/1", key: key)
        #expect(root.status == 200)
        let byPath = fixture.get("/restapis/\(id)/prod/_user_request_/items/1", key: key)
        #expect(byPath.status == 200)
        #expect(byPath.body == root.body)
        let byHost = fixture.get("/prod/items/1", key: key, headers: [("Host", "\(id).execute-api.localhost:4566")])
        #expect(byHost.status == 200)
        #expect(byHost.body == root.body)
        let withQuery = fixture.get("/restapis/\(id)/prod/_user_request_/items?color=red", key: key)
        #expect(withQuery.status == 200)

        for (target, host) in [("/restapis/nosuchapi/prod/_user_request_/items/1", nil), ("/prod/items/1", "nosuchapi.execute-api.localhost")] {
            let other = fixture.get(target, key: key, headers: host.map { [("Host", $0)] } ?? [])
            #expect(other.status == 404)
            #expect(other.headers["x-amzn-ErrorType"] == "NotFoundException")
            #expect(other.bodyText.contains("No API with id nosuchapi is served here; this server serves \(id)"), "\(other.bodyText)")
        }
        // Not the path form: left to routing as written.
        #expect(fixture.get("/restapis/\(id)/prod/items/1", key: key).status == 403)
    }
}

