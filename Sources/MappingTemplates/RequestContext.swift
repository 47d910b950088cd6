import Velocity

/// The values behind `$context`, filled by the gateway for each request.
public struct RequestContext: Sendable {
    public var accountId = "123456789012"
    public var apiId = ""
    public var deploymentId = ""
    public var domainName = ""
    public var domainPrefix = ""
    public var extendedRequestId = ""
    public var httpMethod = "GET"
    public var path = ""
    public var `protocol` = "HTTP/1.1"
    public var requestId = ""
    public var requestTime = ""
    public var requestTimeEpoch = 0
    public var resourceId = ""
    public var resourcePath = ""
    public var stage = ""
    /// `$context.identity.*` (sourceIp, userAgent, apiKey, apiKeyId, …); absent ones are null.
    public var identity: [String: String] = [:]
    /// `$context.authorizer.*`.
    public var authorizer: [(String, String)] = []
    /// `$context.authorizer.claims.*` (a Cognito user pool token's claims).
    public var authorizerClaims: [(String, String)]? = nil
    /// `$context.error.*` (message, messageString, responseType, validationErrorString), for
    /// gateway-response templates.
    public var error: [(String, String)] = []

    /// Context values.
    public init() {}

    static let identityKeys = [
        "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "sourceIp", "principalOrgId", "accessKey",
        "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "userAgent", "user",
    ]

    /// The `$context` map, keys in the order AWS iterates them.
    func map(requestOverride: VelocityMap, responseOverride: VelocityMap) -> VelocityMap {
        let identityMap = VelocityMap()
        identityMap.rendersAsEmpty = true
        for key in RequestContext.identityKeys { identityMap.put(key, identity[key].map(VelocityValue.string) ?? .null) }
        for (key, value) in identity.sorted(by: { $0.key < $1.key }) where !RequestContext.identityKeys.contains(key) {
            identityMap.put(key, .string(value))
        }
        let authorizerMap = VelocityMap(authorizer.map { ($0.0, VelocityValue.string($0.1)) })
        authorizerMap.rendersAsEmpty = true
        let errorMap = VelocityMap(error.map { ($0.0, VelocityValue.string($0.1)) })
        errorMap.rendersAsEmpty = true
        let map = VelocityMap([
            ("resourceId", .string(resourceId)), ("resourcePath", .string(resourcePath)), ("httpMethod", .string(httpMethod)),
            ("extendedRequestId", .string(extendedRequestId)), ("requestTime", .string(requestTime)), ("path", .string(path)),
            ("accountId", .string(accountId)), ("protocol", .string(`protocol`)), ("requestOverride", .map(requestOverride)),
            ("stage", .string(stage)), ("domainPrefix", .string(domainPrefix)), ("requestTimeEpoch", .int(requestTimeEpoch)),
            ("requestId", .string(requestId)), ("identity", .map(identityMap)), ("domainName", .string(domainName)),
            ("deploymentId", .string(deploymentId)), ("responseOverride", .map(responseOverride)), ("apiId", .string(apiId)),
        ])
        if let authorizerClaims {
            let claimsMap = VelocityMap(authorizerClaims.map { ($0.0, VelocityValue.string($0.1)) })
            claimsMap.rendersAsEmpty = true
            authorizerMap.put("claims", .map(claimsMap))
        }
        if !authorizer.isEmpty || authorizerClaims != nil { map.put("authorizer", .map(authorizerMap)) }
        if !error.isEmpty { map.put("error", .map(errorMap)) }
        return map
    }
}

/// What templates set in `$context.requestOverride` and `$context.responseOverride`.
public struct TemplateOverrides: Sendable, Equatable {
    /// `requestOverride.header.*`.
    public var requestHeaders: [String: String] = [:]
    /// `requestOverride.path.*`.
    public var requestPath: [String: String] = [:]
    /// `requestOverride.querystring.*`.
    public var requestQuerystring: [String: String] = [:]
    /// `responseOverride.header.*`.
    public var responseHeaders: [String: String] = [:]
    /// `responseOverride.status`, when set to an integer in 100–599.
    public var responseStatus: Int? = nil

    /// No overrides.
    public init() {}

    /// The maps templates see, pre-filled with these overrides (a response template sees what
    /// the request template set).
    func maps() -> (request: VelocityMap, response: VelocityMap) {
        func stringMap(_ values: [String: String]) -> VelocityValue {
            let map = VelocityMap(values.sorted { $0.key < $1.key }.map { ($0.key, VelocityValue.string($0.value)) })
            map.rendersAsEmpty = true
            return .map(map)
        }
        let request = VelocityMap([
            ("path", stringMap(requestPath)), ("header", stringMap(requestHeaders)), ("querystring", stringMap(requestQuerystring)),
        ])
        request.rendersAsEmpty = true
        let response = VelocityMap([("header", stringMap(responseHeaders))])
        if let responseStatus { response.put("status", .int(responseStatus)) }
        response.rendersAsEmpty = true
        return (request, response)
    }

    /// Reads the maps back after a render.
    static func read(request: VelocityMap, response: VelocityMap) -> TemplateOverrides {
        func strings(_ value: VelocityValue) -> [String: String] {
            guard case .map(let map) = value else { return [:] }
            var result: [String: String] = [:]
            // Read after the render: printed within a fresh budget of the default limits.
            var budget = RenderBudget()
            for entry in map.entries where !entry.value.isNull { result[entry.key] = (try? budget.text(of: entry.value)) ?? "" }
            return result
        }
        var overrides = TemplateOverrides()
        overrides.requestPath = strings(request.get("path"))
        overrides.requestHeaders = strings(request.get("header"))
        overrides.requestQuerystring = strings(request.get("querystring"))
        overrides.responseHeaders = strings(response.get("header"))
        // The status override counts only as an integer in 100–599.
        switch response.get("status") {
        case .int(let status) where (100...599).contains(status): overrides.responseStatus = status
        case .string(let text): if let status = Int(text), (100...599).contains(status) { overrides.responseStatus = status }
        default: break
        }
        return overrides
    }
}
