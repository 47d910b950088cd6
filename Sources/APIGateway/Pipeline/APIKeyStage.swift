import APIModel

/// Stage 3, API keys: a method that requires a key is reached only with an enabled key of a
/// usage plan that covers the stage — the `x-api-key` header, or the authorizer's
/// `usageIdentifierKey` when the API's key source is `AUTHORIZER`; its output names the key,
/// that plan and what the authorizer answered.
struct APIKeyStage: Sendable {
    func identify(_ arrived: ArrivedRequest, _ route: Route, authorized: Authorized) throws(GatewayError) -> Caller {
        if arrived.isTestInvoke {
            arrived.log("Test invoke: API key, usage plan, throttling and cache are not applied")
            return .anonymous
        }
        let method = route.method
        guard method.method.apiKeyRequired else { return Caller(key: nil, planIndex: 0, authorizer: authorized.authorizer, signer: authorized.signer, claims: authorized.claims) }
        let presented = route.deployment.api.apiKeySource == "AUTHORIZER" ? authorized.authorizer?.usageIdentifierKey : arrived.request.headers["x-api-key"]
        guard let value = presented, let active = route.snapshot.keys[APIKeyValue(value)], active.record.enabled,
            let planIndex = active.plans.firstIndex(where: { $0.definition.stages.contains(route.stage) })
        else {
            arrived.log("API Key not valid for this stage, or not present")
            throw GatewayError(.invalidAPIKey)
        }
        let plan = active.plans[planIndex]
        arrived.log(
            "API Key authorized because method '\(arrived.httpMethod) \(method.resource.path)' requires API Key. Request will be subject to usage plan \(plan.definition.name)")
        return Caller(key: active, planIndex: planIndex, authorizer: authorized.authorizer, signer: authorized.signer, claims: authorized.claims)
    }
}
