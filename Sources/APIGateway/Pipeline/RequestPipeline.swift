import APIModel
import HTTPCore
import LambdaRuntime

/// The request path as stage types, in the order API Gateway applies them:
///
///     RouteStage → APIKeyStage → AuthorizationStage → UsageStage → ValidationStage
///       → CacheStage → IntegrationStage → ResponseMappingStage
///
/// Each stage takes the outputs of the ones before it (`ArrivedRequest`, `Route`, `Caller`,
/// `RoutedRequest`) and returns its own, or throws a typed `GatewayError`; the
/// `GatewayResponseStage` turns that error into the API's gateway response. A new stage is a
/// new type and one line in `process`.
struct RequestPipeline: Sendable {
    let router = RouteStage()
    let apiKey = APIKeyStage()
    let authorization = AuthorizationStage()
    let usage: UsageStage
    let validation = ValidationStage()
    let cache = CacheStage()
    let integration: IntegrationStage
    let responseMapping: ResponseMappingStage
    let gatewayResponses: GatewayResponseStage

    init(usage: UsageStage, lambda: LambdaService, logSink: (@Sendable (GatewayLogEvent) -> Void)?) {
        self.usage = usage
        let values = RequestValues()
        integration = IntegrationStage(lambda: lambda, values: values, logSink: logSink)
        responseMapping = ResponseMappingStage(values: values, logSink: logSink)
        gatewayResponses = GatewayResponseStage(values: values)
    }

    /// The answer to `arrived` in `snapshot`, and who the caller turned out to be (for the
    /// access log).
    func run(_ arrived: ArrivedRequest, in snapshot: GatewaySnapshot) -> (HTTPResponse, Caller) {
        var progress = PipelineProgress(arrived: arrived)
        do {
            return (try process(arrived, in: snapshot, &progress), progress.caller)
        } catch {
            return (gatewayResponses.respond(to: error, progress), progress.caller)
        }
    }

    /// The stages in order; `progress` keeps what they learnt, for the gateway response of a
    /// request one of them refuses.
    private func process(_ arrived: ArrivedRequest, in snapshot: GatewaySnapshot, _ progress: inout PipelineProgress) throws(GatewayError) -> HTTPResponse {
        let selection = try router.selectStage(arrived, in: snapshot)
        progress.selection = selection
        let route = try router.route(arrived, in: selection)
        progress.route = route
        progress.caller = try apiKey.identify(arrived, route)
        progress.caller = try authorization.authorize(arrived, route, progress.caller)
        let caller = progress.caller
        try usage.admit(arrived, route, caller)
        let routed = RoutedRequest(arrived: arrived, route: route, caller: caller)
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
