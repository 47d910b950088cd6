import APIModel
import HTTPCore
import JSONCore
import LambdaRuntime

/// Stage 2, authorization (before API keys, as AWS orders it): a method with a Lambda
/// authorizer is reached only when the authorizer's policy allows its method ARN (reference
/// §16). The identity is checked before any call (401 without one); the answer is checked,
/// kept for the authorizer's TTL per API, stage and identity, and evaluated against each
/// request's method ARN. Methods whose authorization is not emulated yet (Cognito user pools,
/// AWS_IAM) are refused — when in doubt, deny. A test invoke skips authorization, as the
/// console's Test tab does.
struct AuthorizationStage: Sendable {
    let lambda: LambdaService
    let values: RequestValues
    let cache: AuthorizerCache
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?

    /// The longest method ARN AWS hands an authorizer (a longer one answers 414).
    static let maximumMethodARNLength = 1600

    /// What the method's authorizer answered (nil for a method without one).
    func authorize(_ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> AuthorizerResult? {
        let authorization = route.method.method.authorization
        guard authorization != .none else { return nil }
        if arrived.isTestInvoke {
            arrived.log("Test invoke: the method's authorization (\(authorization.typeName)) is not applied")
            return nil
        }
        switch authorization {
        case .none:
            return nil
        case .iam:
            arrived.fail("AWS_IAM authorization is not emulated: the request is refused")
            throw GatewayError(.missingAuthenticationToken)
        case .cognito(let name, _):
            arrived.fail("Authorizer \(name): COGNITO_USER_POOLS authorizers are not emulated: the request is refused")
            throw GatewayError(.unauthorized)
        case .custom(let name):
            guard let authorizer = route.deployment.authorizers[name] else {
                arrived.fail("Execution failed due to configuration error: the method's authorizer \(name) is not defined")
                throw GatewayError(.authorizerConfiguration)
            }
            return try runLambda(authorizer, arrived, route)
        }
    }

    /// TOKEN and REQUEST authorizers.
    func runLambda(_ authorizer: CompiledAuthorizer, _ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> AuthorizerResult {
        let definition = authorizer.definition
        arrived.log("Starting authorizer: \(definition.name) for request: \(arrived.requestId)")
        let identity = try identityValues(authorizer, arrived, route)
        let methodARN = methodARN(arrived, route)
        guard methodARN.utf8.count <= AuthorizationStage.maximumMethodARNLength else {
            arrived.fail("The method ARN is longer than \(AuthorizationStage.maximumMethodARNLength) bytes")
            throw GatewayError(.requestURITooLong)
        }
        let snapshot = route.snapshot
        let cacheKey = ([snapshot.apiId + "/" + route.stage, definition.name, authorizer.lambdaTarget ?? ""] + identity).joined(separator: "\u{0}")
        // Caching needs identity sources (what the answer is kept under).
        let ttl = definition.identitySource.isEmpty ? 0 : definition.effectiveTTL
        let result: AuthorizerResult
        if ttl > 0, let kept = cache.lookup(cacheKey, now: arrived.time) {
            arrived.log("Authorizer result from the cache (TTL \(ttl) s), principal \(kept.principalId)")
            result = kept
        } else {
            result = try invoke(authorizer, event: event(authorizer, arrived, route, methodARN: methodARN, token: identity.first), arrived)
            cache.store(result, key: cacheKey, stage: snapshot.apiId + "/" + route.stage, ttl: ttl, now: arrived.time)
        }
        switch result.policy.decide(resource: methodARN) {
        case .allow:
            arrived.log("Successfully completed authorizer execution: principal \(result.principalId) allowed \(methodARN)")
            return result
        case .explicitDeny:
            arrived.fail("The authorizer's policy denies \(methodARN) explicitly")
            throw GatewayError(.accessDenied, message: snapshot.explicitDenyMessage)
        case .implicitDeny:
            arrived.fail("The authorizer's policy allows no statement matching \(methodARN)")
            throw GatewayError(.accessDenied)
        }
    }

    /// The identity values, in `identitySource` order; a missing or empty one is 401 without a
    /// call, as is a TOKEN the validation expression refuses.
    func identityValues(_ authorizer: CompiledAuthorizer, _ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> [String] {
        let progress = PipelineProgress(arrived: arrived, selection: route.selection, route: route)
        var found: [String] = []
        for source in authorizer.definition.identitySource {
            guard let value = values.parameterValue(source, progress), !value.isEmpty else {
                arrived.fail("Unauthorized request: \(arrived.requestId) (the identity source \(source) is missing or empty)")
                throw GatewayError(.unauthorized)
            }
            found.append(value)
        }
        if authorizer.definition.kind == .token, let pattern = authorizer.pattern, let token = found.first, !pattern.matches(token) {
            arrived.fail("Unauthorized request: \(arrived.requestId) (the token does not match the identityValidationExpression)")
            throw GatewayError(.unauthorized)
        }
        return found
    }

    /// `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}` with the actual
    /// path (`…/prod/GET/` for the root).
    func methodARN(_ arrived: ArrivedRequest, _ route: Route) -> String {
        let snapshot = route.snapshot
        let path = arrived.pathWithinStage(route.stage).dropFirst()
        return "arn:aws:execute-api:\(snapshot.region):\(snapshot.accountId):\(snapshot.apiId)/\(route.stage)/\(arrived.httpMethod)/\(path)"
    }

    /// The event: `TOKEN` `{type, authorizationToken, methodArn}`, or the `REQUEST` event (the
    /// proxy event's request fields without the body, and a smaller `requestContext`).
    func event(_ authorizer: CompiledAuthorizer, _ arrived: ArrivedRequest, _ route: Route, methodARN: String, token: String?) -> JSONValue {
        if authorizer.definition.kind == .token {
            return ["type": "TOKEN", "authorizationToken": .string(token ?? ""), "methodArn": .string(methodARN)]
        }
        let routed = RoutedRequest(arrived: arrived, route: route, caller: .anonymous)
        let proxy = LambdaProxyFormat.event(routed, context: values.requestContext(routed))
        var event = JSONObject.of(["type": "REQUEST", "methodArn": .string(methodARN)])
        for key in [
            "resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
            "pathParameters", "stageVariables",
        ] {
            event[key] = proxy[key] ?? .null
        }
        let context = proxy["requestContext"]
        var identity = JSONObject.of(["sourceIp": .string(arrived.request.remoteAddress), "clientCert": .null])
        identity["apiKey"] = arrived.request.headers["x-api-key"].map(JSONValue.string) ?? .null
        var requestContext = JSONObject()
        for key in ["path", "accountId", "resourceId", "stage", "requestId", "resourcePath", "httpMethod", "apiId"] {
            requestContext[key] = context?[key] ?? .null
        }
        requestContext["identity"] = .object(identity)
        event["requestContext"] = .object(requestContext)
        return .object(event)
    }

    /// Calls the authorizer's function: `Unauthorized` as its error is 401, any other error or
    /// an answer that is no authorizer output is 500 (and is not kept).
    func invoke(_ authorizer: CompiledAuthorizer, event: JSONValue, _ arrived: ArrivedRequest) throws(GatewayError) -> AuthorizerResult {
        let name = authorizer.definition.name
        guard let target = authorizer.lambdaTarget else {
            arrived.fail("Execution failed due to configuration error: authorizer \(name)'s URI does not name a function (are its stage variables set?)")
            throw GatewayError(.authorizerConfiguration)
        }
        let invocation: InvocationResult
        do {
            invocation = try lambda.invoke(target, payload: event, collectLogs: arrived.keepsLines || logSink != nil)
        } catch {
            arrived.fail("Execution failed due to configuration error: authorizer \(name) could not call \(target) (\(error.description))")
            throw GatewayError(.authorizerConfiguration)
        }
        for line in invocation.logLines {
            arrived.log(line)
            logSink?(.message(line))
        }
        if invocation.functionError != nil {
            if invocation.errorMessage == "Unauthorized" {
                arrived.fail("Unauthorized request: \(arrived.requestId)")
                throw GatewayError(.unauthorized)
            }
            arrived.fail("Execution failed due to configuration error: authorizer \(name) failed: \(invocation.errorMessage ?? "")")
            throw GatewayError(.authorizerConfiguration)
        }
        arrived.log("Authorizer result body before parsing: \(JSONWriter.compact.string(invocation.payload))")
        do {
            return try AuthorizerResult(output: invocation.payload)
        } catch {
            arrived.fail("Execution failed due to configuration error: authorizer \(name): \(error.reason)")
            throw GatewayError(.authorizerConfiguration)
        }
    }
}
