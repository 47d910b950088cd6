import APIModel
import HTTPCore
import LambdaRuntime

/// The request path as stage types, in the order API Gateway applies them:
///
///     RouteStage → AuthorizationStage → APIKeyStage → UsageStage → ValidationStage
///       → CacheStage → IntegrationStage → ResponseMappingStage
///
/// Each stage takes the outputs of the ones before it (`ArrivedRequest`, `Route`, `Caller`,
/// `RoutedRequest`) and returns its own, or throws a typed `GatewayError`; the
/// `GatewayResponseStage` turns that error into the API's gateway response. A new stage is a
/// new type and one line in `run` (or `respond`, for the stages after admission).
final class RequestPipeline: Sendable {
    let router = RouteStage()
    let apiKey = APIKeyStage()
    let authorization: AuthorizationStage
    let usage: UsageStage
    let validation = ValidationStage()
    let cache = CacheStage()
    let integration: IntegrationStage
    let responseMapping: ResponseMappingStage
    let gatewayResponses: GatewayResponseStage

    init(usage: UsageStage, lambda: LambdaService, logSink: (@Sendable (GatewayLogEvent) -> Void)?) {
        self.usage = usage
        let values = RequestValues()
        let functions = FunctionCaller(lambda: lambda, logSink: logSink)
        authorization = AuthorizationStage(functions: functions, values: values, cache: AuthorizerCache())
        integration = IntegrationStage(functions: functions, values: values)
        responseMapping = ResponseMappingStage(values: values, logSink: logSink)
        gatewayResponses = GatewayResponseStage(values: values)
    }

    /// The gateway response to a request refused before the stages (one for another API).
    func refuse(_ arrived: ArrivedRequest, _ error: GatewayError) -> HTTPResponse {
        gatewayResponses.respond(to: error, PipelineProgress(arrived: arrived))
    }

    /// The answer to `arrived` in `snapshot`, and who the caller turned out to be (for the
    /// access log). A stage's refusal is answered from what the stages before it learnt.
    func run(_ arrived: ArrivedRequest, in snapshot: GatewaySnapshot) -> (HTTPResponse, Caller) {
        let selection: StageSelection
        let route: Route
        do {
            selection = try router.selectStage(arrived, in: snapshot)
        } catch {
            return (gatewayResponses.respond(to: error, PipelineProgress(arrived: arrived)), .anonymous)
        }
        do {
            route = try router.route(arrived, in: selection)
        } catch {
            return (gatewayResponses.respond(to: error, PipelineProgress(arrived: arrived, selection: selection)), .anonymous)
        }
        var caller = Caller.anonymous
        do {
            let authorized = try authorization.authorize(arrived, route)
            caller = Caller(key: nil, planIndex: 0, authorizer: authorized.authorizer, signer: authorized.signer, claims: authorized.claims)
            caller = try apiKey.identify(arrived, route, authorized: authorized)
            try usage.admit(arrived, route, caller)
            return (try respond(RoutedRequest(arrived: arrived, route: route, caller: caller)), caller)
        } catch {
            return (gatewayResponses.respond(to: error, PipelineProgress(arrived: arrived, selection: selection, route: route, caller: caller)), caller)
        }
    }

    /// The stages after admission: validation, the cache, the integration and response mapping.
    private func respond(_ routed: RoutedRequest) throws(GatewayError) -> HTTPResponse {
        try validation.validate(routed)
        let cachePlan: CacheStage.CachePlan?
        switch try cache.lookup(routed) {
        case .hit(let response): return response
        case .miss(let plan): cachePlan = plan
        }
        let response: HTTPResponse
        switch try integration.integrate(routed) {
        case .response(let answer): response = answer
        case .mapped(let answer): response = try responseMapping.map(answer, routed)
        }
        if let cachePlan { cache.store(response, cachePlan, routed) }
        return response
    }
}
