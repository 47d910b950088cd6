import APIModel
import AWSSignature
import HTTPCore
import JSONCore
import LambdaRuntime
import TextAndFiles

/// Stage 2, authorization (before API keys, as AWS orders it): a method with a Lambda
/// authorizer is reached only when the authorizer's policy allows its method ARN (reference
/// §16). The identity is checked before any call (401 without one); the answer is checked,
/// kept for the authorizer's TTL per API, stage and identity, and evaluated against each
/// request's method ARN. AWS_IAM methods take a SigV4 signature for `execute-api` by the
/// state's credentials. Cognito user-pool methods take a token of a trusted pool, checked here
/// (`CognitoCheck`). A test invoke skips authorization, as the console's Test tab does.
struct AuthorizationStage: Sendable {
    let functions: FunctionCaller
    let values: RequestValues
    let cache: AuthorizerCache

    /// The longest method ARN AWS hands an authorizer (a longer one answers 414).
    static let maximumMethodARNLength = 1600

    /// What the method's authorizer answered, or who signed (nobody for a method without
    /// authorization).
    func authorize(_ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> Authorized {
        let authorization = route.method.method.authorization
        let policy = route.deployment.resourcePolicy
        // Pattern matches, not `==`: comparing an enum with associated strings costs a call.
        var open = false
        if case .none = authorization { open = true }
        guard !open || policy != nil else { return .nobody }
        if arrived.isTestInvoke {
            arrived.log("Test invoke: the method's authorization (\(authorization.typeName)) and the resource policy are not applied")
            return .nobody
        }
        // An AWS_IAM caller is known before the resource policy (its Principal may name them).
        var signer: SignerIdentity? = nil
        if case .iam = authorization { signer = try checkSignature(arrived, route) }
        // The method ARN, made once for the policy and the authorizer (IAM needs none; an
        // authorizer's kept answer that allows every invoke needs none either).
        let arn = policy != nil ? methodARN(arrived, route) : nil
        if let policy {
            // The resource policy's explicit Deny wins before any authorizer runs; with no
            // other authorization it must also allow (reference §26).
            let decision = try resourcePolicyDecision(policy, arn: arn ?? [], arrived, route, signer: signer)
            if decision == .implicitDeny, open {
                throw GatewayError(.accessDenied, message: AuthorizationStage.policyMessage(arn ?? [], route, explicit: false))
            }
        }
        switch authorization {
        case .none:
            return .nobody
        case .iam:
            return Authorized(authorizer: nil, signer: signer)
        case .cognito(let name, let scopes):
            guard let authorizer = route.method.authorizer else {
                arrived.fail("Execution failed due to configuration error: the method's authorizer \(name) is not defined")
                throw GatewayError(.authorizerConfiguration)
            }
            return Authorized(authorizer: nil, signer: nil, claims: try checkCognito(authorizer, scopes: scopes, arrived, route))
        case .custom(let name):
            guard let authorizer = route.method.authorizer else {
                arrived.fail("Execution failed due to configuration error: the method's authorizer \(name) is not defined")
                throw GatewayError(.authorizerConfiguration)
            }
            return Authorized(authorizer: try runLambda(authorizer, methodARN: arn, arrived, route), signer: nil)
        }
    }

    /// The resource policy's decision for this request (an explicit Deny thrown: 403).
    func resourcePolicyDecision(
        _ policy: AccessPolicy, arn: [UInt8], _ arrived: ArrivedRequest, _ route: Route, signer: SignerIdentity?
    ) throws(GatewayError) -> AccessPolicy.Decision {
        // `execute-api:/{stage}/{METHOD}/{path}`: the API's short form of the same ARN.
        let short = Array("execute-api:/\(route.stage)/".utf8) + arn.dropFirst(route.selection.served.methodARNPrefix.count)
        let facts = ConditionFacts(
            sourceIp: arrived.request.remoteAddress, now: arrived.time, userAgent: arrived.request.headers["User-Agent"], referer: arrived.request.headers["Referer"],
            principalAccount: signer?.accountId)
        let decision = policy.decide(resource: arn, shortResource: short, facts: facts, account: signer?.accountId)
        switch decision {
        case .explicitDeny:
            arrived.fail("The resource policy denies \(String(decoding: arn, as: UTF8.self)) explicitly")
            throw GatewayError(.accessDenied, message: AuthorizationStage.policyMessage(arn, route, explicit: true))
        case .allow:
            arrived.log("The resource policy allows \(String(decoding: arn, as: UTF8.self))")
        case .implicitDeny:
            arrived.log("The resource policy allows no statement matching \(String(decoding: arn, as: UTF8.self))")
        }
        return decision
    }

    /// `User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:…`
    /// with the account masked but its last four digits, as AWS writes it.
    static func policyMessage(_ arn: [UInt8], _ route: Route, explicit: Bool) -> String {
        let account = route.snapshot.accountId
        let masked = String(repeating: "*", count: max(0, account.count - 4)) + account.suffix(4)
        let text = String(decoding: arn, as: UTF8.self).replacingAll(":\(account):", with: ":\(masked):")
        return "User: anonymous is not authorized to perform: execute-api:Invoke on resource: \(text) "
            + (explicit ? "with an explicit deny" : "because no resource-based policy allows the execute-api:Invoke action")
    }

    /// AWS_IAM: a SigV4 signature for `execute-api` by the state's credentials (reference
    /// §16.10). Unsigned is 403 Missing Authentication Token; another `Authorization` 403
    /// IncompleteSignatureException; a signature that does not hold 403 with AWS's text.
    func checkSignature(_ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> SignerIdentity {
        guard let header = arrived.request.headers["Authorization"], !header.isEmpty else {
            arrived.fail("AWS_IAM: the request is not signed")
            throw GatewayError(.missingAuthenticationToken)
        }
        guard let authorization = SigV4.Authorization(header: header) else {
            let word = header.split(separator: " ").dropFirst().first.map(String.init) ?? header
            arrived.fail("AWS_IAM: the Authorization header is not a SigV4 signature")
            throw GatewayError(.incompleteSignature, message: "'\(word)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'.")
        }
        guard authorization.service == "execute-api" else {
            arrived.fail("AWS_IAM: the signature is for \(authorization.service), not execute-api")
            throw GatewayError(.invalidSignature, message: "Credential should be scoped to correct service: 'execute-api'. ")
        }
        guard let credentials = route.snapshot.signingCredentials else {
            arrived.fail("AWS_IAM: no credentials are kept (serve with a state directory) to check the signature against")
            throw GatewayError(.unrecognizedClient)
        }
        let request = arrived.request
        let signed = SigV4.Request(method: request.method, target: request.target, headers: request.headers.fields.map { ($0.name, $0.value) }, body: request.body)
        switch SigV4.check(signed, authorization: authorization, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey, now: arrived.time) {
        case nil:
            arrived.log("AWS_IAM: signature of \(authorization.accessKeyId) verified")
            return SignerIdentity(accessKey: authorization.accessKeyId, accountId: route.snapshot.accountId)
        case .unknownAccessKey?:
            arrived.fail("AWS_IAM: unknown access key \(authorization.accessKeyId)")
            throw GatewayError(.unrecognizedClient)
        case .missingDate?:
            arrived.fail("AWS_IAM: no X-Amz-Date")
            throw GatewayError(.incompleteSignature, message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=\(header)")
        case .expired(let date, let earliest, let now)?:
            arrived.fail("AWS_IAM: the signature expired")
            throw GatewayError(.invalidSignature, message: "Signature expired: \(date) is now earlier than \(earliest) (\(now) - 15 min.)")
        case .mismatch?:
            arrived.fail("AWS_IAM: the signature does not match")
            throw GatewayError(
                .invalidSignature,
                message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        }
    }

    /// A Cognito user pool authorizer: the token in the identity header checked here (no
    /// function runs); 401 without one or with one refused (`The incoming token has expired`
    /// for an expired one).
    func checkCognito(_ authorizer: CompiledAuthorizer, scopes: [String], _ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> [(String, String)] {
        let name = authorizer.definition.name
        var header = "Authorization"
        if case .header(let named)? = authorizer.sources.first { header = named }
        guard let token = arrived.request.headers[header], !token.isEmpty else {
            arrived.fail("Authorizer \(name): no token in the \(header) header: 401 Unauthorized")
            throw GatewayError(.unauthorized)
        }
        do {
            let claims = try CognitoCheck.claims(
                token: token, pools: authorizer.pools, scopes: scopes, audiencePattern: authorizer.pattern, keyring: route.snapshot.cognitoKeys,
                now: arrived.time)
            let subject = claims.first { $0.0 == "sub" }?.1 ?? "(no sub)"
            arrived.log("Authorizer \(name): the Cognito token of \(subject) is valid" + (scopes.isEmpty ? "" : " with one of the scopes \(scopes.joined(separator: " "))"))
            return claims
        } catch {
            arrived.fail("Authorizer \(name): \(error.reason): 401")
            if error.expired { throw GatewayError(.unauthorized, message: "The incoming token has expired") }
            throw GatewayError(.unauthorized)
        }
    }

    /// TOKEN and REQUEST authorizers.
    func runLambda(_ authorizer: CompiledAuthorizer, methodARN made: [UInt8]?, _ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> AuthorizerResult {
        let definition = authorizer.definition
        arrived.log("Starting authorizer: \(definition.name) for request: \(arrived.requestId)")
        let identity = try identityValues(authorizer, arrived, route)
        // The ARN is at most the prefix, the method, a slash and the whole path (a short path
        // needs no exact count).
        let bound = route.selection.served.methodARNPrefix.count + arrived.httpMethod.utf8.count + 1 + arrived.path.utf8.count
        guard bound <= AuthorizationStage.maximumMethodARNLength || (made?.count ?? methodARNLength(arrived, route)) <= AuthorizationStage.maximumMethodARNLength else {
            arrived.fail("The method ARN is longer than \(AuthorizationStage.maximumMethodARNLength) bytes")
            throw GatewayError(.requestURITooLong)
        }
        let cacheKey = AuthorizerCache.Key(
            scope: authorizer.cacheScope, scopeHash: authorizer.cacheScopeHash, identity: identity.count == 1 ? identity[0] : identity.joined(separator: "\u{0}"))
        // Caching needs identity sources (what the answer is kept under).
        let ttl = definition.identitySource.isEmpty ? 0 : definition.effectiveTTL
        let result: AuthorizerResult
        if ttl > 0, let kept = cache.lookup(cacheKey, now: arrived.time) {
            arrived.log("Authorizer result from the cache (TTL \(ttl) s), principal \(kept.principalId)")
            result = kept
        } else {
            let arnText = String(decoding: made ?? methodARN(arrived, route), as: UTF8.self)
            result = try invoke(authorizer, event: event(authorizer, arrived, route, methodARN: arnText, token: identity.first), arrived)
            cache.store(result, key: cacheKey, stage: route.snapshot.apiId + "/" + route.stage, ttl: ttl, now: arrived.time)
        }
        if result.policy.allowsEveryInvoke {
            arrived.log("Successfully completed authorizer execution: principal \(result.principalId) allowed every method")
            return result
        }
        let methodARN = made ?? methodARN(arrived, route)
        switch result.policy.decide(resource: methodARN, shortResource: [], facts: nil, account: nil) {
        case .allow:
            arrived.log("Successfully completed authorizer execution: principal \(result.principalId) allowed \(String(decoding: methodARN, as: UTF8.self))")
            return result
        case .explicitDeny:
            arrived.fail("The authorizer's policy denies \(String(decoding: methodARN, as: UTF8.self)) explicitly")
            throw GatewayError(.accessDenied, message: route.snapshot.explicitDenyMessage)
        case .implicitDeny:
            arrived.fail("The authorizer's policy allows no statement matching \(String(decoding: methodARN, as: UTF8.self))")
            throw GatewayError(.accessDenied)
        }
    }

    /// The identity values, in `identitySource` order; a missing or empty one is 401 without a
    /// call, as is a TOKEN the validation expression refuses.
    func identityValues(_ authorizer: CompiledAuthorizer, _ arrived: ArrivedRequest, _ route: Route) throws(GatewayError) -> [String] {
        var found: [String] = []
        found.reserveCapacity(authorizer.sources.count)
        for (index, source) in authorizer.sources.enumerated() {
            let value: String?
            switch source {
            case .header(let name): value = arrived.request.headers[name]
            case .query(let name): value = route.query.last { $0.0 == name }?.1
            case .stageVariable(let name): value = route.deployment.stage.variables.first { $0.0 == name }?.1
            case .context(let name):
                value = values.contextValue(name, PipelineProgress(arrived: arrived, selection: route.selection, route: route))
            }
            guard let value, !value.isEmpty else {
                arrived.fail(
                    "Unauthorized request: \(arrived.requestId) (the identity source \(authorizer.definition.identitySource[index]) is missing or empty)")
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
    /// path (`…/prod/GET/` for the root), as UTF-8.
    /// The method ARN's length in bytes, without making it.
    func methodARNLength(_ arrived: ArrivedRequest, _ route: Route) -> Int {
        route.selection.served.methodARNPrefix.count + arrived.httpMethod.utf8.count + arrived.pathWithinStage(route.stage).utf8.count
    }

    func methodARN(_ arrived: ArrivedRequest, _ route: Route) -> [UInt8] {
        let path = arrived.pathWithinStage(route.stage).utf8.dropFirst()
        var arn = route.selection.served.methodARNPrefix
        arn.reserveCapacity(arn.count + arrived.httpMethod.utf8.count + 1 + path.count)
        arn.append(contentsOf: arrived.httpMethod.utf8)
        arn.append(UInt8(ascii: "/"))
        arn.append(contentsOf: path)
        return arn
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
            invocation = try functions.call(target, event: event, arrived)
        } catch {
            arrived.fail("Execution failed due to configuration error: authorizer \(name) could not call \(target) (\(error.description))")
            throw GatewayError(.authorizerConfiguration)
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
