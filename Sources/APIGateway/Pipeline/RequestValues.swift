import APIModel
import HTTPCore
import MappingTemplates

/// The values of a request that mapping templates, header mappings and gateway responses read
/// (`$context`, `method.request.*`, `stageVariables.*`): one reading for every stage.
struct RequestValues: Sendable {
    /// `$context.requestTime` text, formatted once per second.
    let requestTimes = RequestTimeFormatter()

    /// `$context` of a routed request.
    func requestContext(_ routed: RoutedRequest) -> RequestContext {
        let arrived = routed.arrived
        let route = routed.route
        var context = RequestContext()
        context.accountId = route.snapshot.accountId
        context.apiId = route.snapshot.apiId
        context.deploymentId = route.stage + "-deployment"
        context.domainName = arrived.request.headers["Host"] ?? "\(route.snapshot.apiId).execute-api.localhost"
        context.domainPrefix = String(context.domainName.split(separator: ".").first ?? "")
        context.extendedRequestId = arrived.extendedRequestId
        context.httpMethod = arrived.httpMethod
        context.path = arrived.path
        context.requestId = arrived.requestId
        context.requestTime = requestTimes.format(arrived.time)
        context.requestTimeEpoch = Int(arrived.time * 1000)
        context.resourceId = route.method.resource.path
        context.resourcePath = route.method.resource.path
        context.stage = route.stage
        var identity: [String: String] = ["sourceIp": arrived.request.remoteAddress]
        if let agent = arrived.request.headers["User-Agent"] { identity["userAgent"] = agent }
        if let key = routed.caller.apiKey {
            identity["apiKey"] = key.value
            identity["apiKeyId"] = key.id
        }
        for (name, value) in routed.caller.signer?.identity ?? [] { identity[name] = value }
        context.identity = identity
        if let authorizer = routed.caller.authorizer { context.authorizer = authorizer.stringified }
        if let claims = routed.caller.claims { context.authorizerClaims = claims }
        return context
    }

    /// What `template` sees; `$context` is built only when the template can read it.
    func templateInput(
        _ routed: RoutedRequest, for template: MappingTemplate, body: String, overrides: TemplateOverrides = TemplateOverrides()
    ) -> MappingTemplateInput {
        MappingTemplateInput(
            body: body,
            parameters: RequestParameters(
                path: routed.route.pathParameters, querystring: routed.route.query, header: routed.integrationHeaders.map { ($0.name, $0.value) }),
            context: template.usesContext ? requestContext(routed) : RequestContext(), stageVariables: routed.route.deployment.stage.variables,
            overrides: overrides)
    }

    /// `template` rendered; a template that fails is the API's configuration error.
    func render(_ template: MappingTemplate, _ input: MappingTemplateInput, _ arrived: ArrivedRequest) throws(GatewayError) -> MappingTemplateOutput {
        do {
            return try template.render(input)
        } catch {
            arrived.fail("Execution failed due to configuration error: mapping template: \(error.description)")
            throw GatewayError(.configuration)
        }
    }

    /// `'static'`, `method.request.header|querystring|path.x`, `stageVariables.x`, `context.x`.
    func parameterValue(_ source: String, _ progress: PipelineProgress) -> String? {
        if source.hasPrefix("'") && source.hasSuffix("'") && source.count >= 2 { return String(source.dropFirst().dropLast()) }
        let parts = source.split(separator: ".", maxSplits: 3).map(String.init)
        if parts.count == 4, parts[0] == "method", parts[1] == "request" {
            switch parts[2] {
            case "header": return progress.arrived.request.headers[parts[3]]
            case "querystring": return progress.route?.query.last { $0.0 == parts[3] }?.1
            case "path": return progress.route?.pathParameters.first { $0.0 == parts[3] }?.1
            default: return nil
            }
        }
        if source.hasPrefix("stageVariables.") {
            let name = String(source.dropFirst("stageVariables.".count))
            return progress.selection?.deployment.stage.variables.first { $0.0 == name }?.1
        }
        if source.hasPrefix("context.") { return contextValue(String(source.dropFirst("context.".count)), progress) }
        return nil
    }

    /// `$context.x` as gateway responses and header mappings read it.
    func contextValue(_ name: String, _ progress: PipelineProgress) -> String? {
        let arrived = progress.arrived
        switch name {
        case "requestId": return arrived.requestId
        case "extendedRequestId": return arrived.extendedRequestId
        case "stage": return progress.selection?.name ?? ""
        case "httpMethod": return arrived.httpMethod
        case "resourcePath": return progress.route?.method.resource.path
        case "path": return arrived.request.path
        case "apiId": return progress.selection?.snapshot.apiId ?? ""
        case "identity.sourceIp": return arrived.request.remoteAddress
        case "identity.userAgent": return arrived.request.headers["User-Agent"]
        case "identity.apiKey": return progress.caller.apiKey?.value
        case "identity.apiKeyId": return progress.caller.apiKey?.id
        default:
            if name.hasPrefix("identity."), let signer = progress.caller.signer {
                let key = name.dropFirst("identity.".count)
                return signer.identity.first { $0.0 == key }?.1
            }
            if name.hasPrefix("authorizer.claims."), let claims = progress.caller.claims {
                let key = name.dropFirst("authorizer.claims.".count)
                return claims.first { $0.0 == key }?.1
            }
            if name.hasPrefix("authorizer."), let authorizer = progress.caller.authorizer {
                let key = name.dropFirst("authorizer.".count)
                return authorizer.stringified.first { $0.0 == key }?.1
            }
            return nil
        }
    }
}
