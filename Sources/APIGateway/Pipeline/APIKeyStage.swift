import APIModel

/// Stage 2, API keys: a method that requires a key is reached only with an enabled key of a
/// usage plan that covers the stage (`x-api-key`); its output names the key and that plan.
struct APIKeyStage: Sendable {
    func identify(_ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> Caller {
        if arrived.isTestInvoke {
            arrived.log("Test invoke: API key, usage plan, throttling and cache are not applied")
            return .anonymous
        }
        let method = route.method
        guard method.method.apiKeyRequired else { return .anonymous }
        guard let value = arrived.request.headers["x-api-key"], let active = route.snapshot.keys[APIKeyValue(value)], active.record.enabled,
            let planIndex = active.plans.firstIndex(where: { $0.definition.stages.contains(route.stage) })
        else {
            arrived.log("API Key not valid for this stage, or not present")
            throw GatewayError(.invalidAPIKey)
        }
        let plan = active.plans[planIndex]
        arrived.log(
            "API Key authorized because method '\(arrived.httpMethod) \(method.resource.path)' requires API Key. Request will be subject to usage plan \(plan.definition.name)")
        return Caller(key: active, planIndex: planIndex)
    }
}

/// Stage 3, authorization: the place of resource policies and Lambda and Cognito authorizers.
/// None is enforced yet (the authorization issue adds them here); the caller passes as the
/// API-key stage identified it.
struct AuthorizationStage: Sendable {
    func authorize(_ arrived: ArrivedRequest, _ route: Route, _ caller: Caller) throws(GatewayError) -> Caller { caller }
}
