import APIModel
import HTTPCore
import JSONCore

/// Why the gateway answered itself instead of the integration.
struct GatewayError: Error, Sendable {
    enum Kind: Sendable {
        case forbiddenStage
        case missingAuthenticationToken
        case invalidAPIKey
        case throttled
        case quotaExceeded
        case badRequestParameters
        case badRequestBody
        case unsupportedMediaType
        case configuration
        case badProxyResponse
        case integrationTimeout
        case cacheInvalidationForbidden
    }

    let kind: Kind
    let message: String
    let validation: String

    init(_ kind: Kind, message: String? = nil, validation: String = "") {
        self.kind = kind
        self.message = message ?? GatewayError.defaultMessage(kind)
        self.validation = validation
    }

    static func defaultMessage(_ kind: Kind) -> String {
        switch kind {
        case .forbiddenStage, .invalidAPIKey: return "Forbidden"
        case .missingAuthenticationToken: return "Missing Authentication Token"
        case .throttled: return "Too Many Requests"
        case .quotaExceeded: return "Limit Exceeded"
        case .badRequestParameters: return "Missing required request parameters"
        case .badRequestBody: return "Invalid request body"
        case .unsupportedMediaType: return "Unsupported Media Type"
        case .configuration, .badProxyResponse: return "Internal server error"
        case .integrationTimeout: return "Endpoint request timed out"
        case .cacheInvalidationForbidden: return "Unauthorized"
        }
    }

    /// The gateway response type (nil: not customisable).
    var type: GatewayResponseType? {
        switch kind {
        case .forbiddenStage: return nil
        case .missingAuthenticationToken: return .missingAuthenticationToken
        case .invalidAPIKey: return .invalidAPIKey
        case .throttled: return .throttled
        case .quotaExceeded: return .quotaExceeded
        case .badRequestParameters: return .badRequestParameters
        case .badRequestBody: return .badRequestBody
        case .unsupportedMediaType: return .unsupportedMediaType
        case .configuration: return .apiConfigurationError
        case .badProxyResponse: return .default5XX
        case .integrationTimeout: return .integrationTimeout
        case .cacheInvalidationForbidden: return .accessDenied
        }
    }

    /// The status before customisation.
    var status: Int {
        switch kind {
        case .badProxyResponse: return 502
        default: return type?.defaultStatus ?? 403
        }
    }

    /// `x-amzn-ErrorType`.
    var errorType: String {
        switch kind {
        case .forbiddenStage, .invalidAPIKey, .cacheInvalidationForbidden: return "ForbiddenException"
        case .missingAuthenticationToken: return "MissingAuthenticationTokenException"
        case .throttled: return "TooManyRequestsException"
        case .quotaExceeded: return "LimitExceededException"
        case .badRequestParameters, .badRequestBody, .unsupportedMediaType: return "BadRequestException"
        case .configuration, .badProxyResponse, .integrationTimeout: return "InternalServerErrorException"
        }
    }
}

extension Gateway {
    /// The gateway response for `error`: the type's own customisation, else its class default
    /// (`DEFAULT_4XX`/`DEFAULT_5XX`), else AWS's default `{"message":…}`.
    func gatewayResponse(_ error: GatewayError, call: Call) -> HTTPResponse {
        var status = error.status
        var template = "{\"message\":$context.error.messageString}"
        var parameters: [(String, String)] = []
        if let type = error.type, let api = call.deployment?.api {
            let classDefault: GatewayResponseType = status >= 500 ? .default5XX : .default4XX
            let own = api.gatewayResponses[type.rawValue]
            let inherited = api.gatewayResponses[classDefault.rawValue]
            if let custom = own?.statusCode ?? (own == nil ? inherited?.statusCode : nil) { status = custom }
            if let text = (own ?? inherited)?.responseTemplates["application/json"] ?? (own ?? inherited)?.responseTemplates.values.first {
                template = text
            }
            parameters = (own ?? inherited)?.responseParameters ?? []
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("x-amzn-ErrorType", error.errorType)
        for (target, source) in parameters where target.hasPrefix("gatewayresponse.header.") {
            let name = String(target.dropFirst("gatewayresponse.header.".count))
            if let value = parameterValue(source, call: call) { headers.set(name, value) }
        }
        call.log("Gateway response type: \(error.type?.rawValue ?? "FORBIDDEN") with status code: \(status)")
        let body = substitute(template, error: error, call: call)
        return HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    /// `'static'`, `method.request.header|querystring|path.x`, `stageVariables.x`, `context.x`.
    func parameterValue(_ source: String, call: Call) -> String? {
        if source.hasPrefix("'") && source.hasSuffix("'") && source.count >= 2 { return String(source.dropFirst().dropLast()) }
        let parts = source.split(separator: ".", maxSplits: 3).map(String.init)
        if parts.count == 4, parts[0] == "method", parts[1] == "request" {
            switch parts[2] {
            case "header": return call.request.headers[parts[3]]
            case "querystring": return call.query.last { $0.0 == parts[3] }?.1
            case "path": return call.pathParameters.first { $0.0 == parts[3] }?.1
            default: return nil
            }
        }
        if source.hasPrefix("stageVariables.") {
            let name = String(source.dropFirst("stageVariables.".count))
            return call.deployment?.stage.variables.first { $0.0 == name }?.1
        }
        if source.hasPrefix("context.") { return contextValue(String(source.dropFirst("context.".count)), call: call) }
        return nil
    }

    func contextValue(_ name: String, call: Call) -> String? {
        switch name {
        case "requestId": return call.requestId
        case "extendedRequestId": return call.extendedRequestId
        case "stage": return call.stage
        case "httpMethod": return call.httpMethod
        case "resourcePath": return call.method?.resource.path
        case "path": return call.request.path
        case "apiId": return (call.snapshot?.apiId ?? "")
        case "identity.sourceIp": return call.request.remoteAddress
        case "identity.userAgent": return call.request.headers["User-Agent"]
        case "identity.apiKey": return call.apiKey?.value
        case "identity.apiKeyId": return call.apiKey?.id
        default: return nil
        }
    }

    /// Gateway response templates are not VTL: `$context.*` and `$stageVariables.*` are
    /// substituted as text.
    func substitute(_ template: String, error: GatewayError, call: Call) -> String {
        var output = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            var name = rest[rest.index(after: dollar)...]
            var braced = false
            if name.first == "{" {
                braced = true
                name = name.dropFirst()
            }
            let end = name.firstIndex { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") } ?? name.endIndex
            var reference = String(name[..<end])
            while reference.hasSuffix(".") { reference.removeLast() }
            let afterReference = name.index(name.startIndex, offsetBy: reference.count)
            var next = afterReference
            if braced, next < name.endIndex, name[next] == "}" { next = name.index(after: next) }
            let value: String?
            switch reference {
            case "context.error.messageString": value = JSONWriter.quoted(error.message)
            case "context.error.message": value = error.message
            case "context.error.responseType": value = error.type?.rawValue ?? ""
            case "context.error.validationErrorString": value = error.validation
            default:
                if reference.hasPrefix("context.") {
                    value = contextValue(String(reference.dropFirst("context.".count)), call: call) ?? ""
                } else if reference.hasPrefix("stageVariables.") {
                    value = parameterValue(reference, call: call) ?? ""
                } else {
                    value = nil
                }
            }
            if let value, !reference.isEmpty {
                output += value
                rest = name[next...]
            } else {
                output += "$"
                rest = rest[rest.index(after: dollar)...]
            }
        }
        output += rest
        return output
    }
}
