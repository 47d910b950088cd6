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
        /// An API id (in the path or the host) this server does not serve.
        case unknownAPI
        /// No identity, an identity the authorizer's expression refuses, or the authorizer's
        /// own `Unauthorized` (401).
        case unauthorized
        /// The authorizer's policy denies the method (403, `{"Message": …}`).
        case accessDenied
        /// The authorizer failed or answered something that is no authorizer output (500,
        /// `{"message":null}`).
        case authorizerConfiguration
        /// A method ARN over 1,600 bytes (414).
        case requestURITooLong
        /// An AWS_IAM method's request whose `Authorization` is no SigV4 signature (403).
        case incompleteSignature
        /// A SigV4 signature that does not hold: another secret, another service, too old (403).
        case invalidSignature
        /// A SigV4 signature by an access key the gateway does not know (403).
        case unrecognizedClient
    }

    let kind: Kind
    let message: String
    let validation: String

    init(_ kind: Kind, message: String? = nil, validation: String = "") {
        self.kind = kind
        self.message = message ?? GatewayError.defaultMessage(kind)
        self.validation = validation
    }

    /// `unknownAPI` for `id`, naming the API this server serves.
    static func unknownAPI(_ id: String, served: String) -> GatewayError {
        GatewayError(
            .unknownAPI,
            message: "No API with id \(id) is served here; this server serves \(served) (/{stage}/…, /restapis/\(served)/{stage}/_user_request_/…, or the host \(served).execute-api.localhost)")
    }

    static func defaultMessage(_ kind: Kind) -> String {
        switch kind {
        case .unknownAPI: return "Not Found"
        case .forbiddenStage, .invalidAPIKey: return "Forbidden"
        case .missingAuthenticationToken: return "Missing Authentication Token"
        case .throttled: return "Too Many Requests"
        case .quotaExceeded: return "Limit Exceeded"
        case .badRequestParameters: return "Missing required request parameters"
        case .badRequestBody: return "Invalid request body"
        case .unsupportedMediaType: return "Unsupported Media Type"
        case .configuration, .badProxyResponse: return "Internal server error"
        case .integrationTimeout: return "Endpoint request timed out"
        case .cacheInvalidationForbidden, .unauthorized: return "Unauthorized"
        case .accessDenied: return "User is not authorized to access this resource"
        case .authorizerConfiguration: return "null"
        case .requestURITooLong: return "Request URI too long"
        case .incompleteSignature, .invalidSignature: return "Invalid signature"
        case .unrecognizedClient: return "The security token included in the request is invalid."
        }
    }

    /// The gateway response type (nil: not customisable).
    var type: GatewayResponseType? {
        switch kind {
        case .forbiddenStage, .unknownAPI, .requestURITooLong: return nil
        case .unauthorized: return .unauthorized
        case .accessDenied: return .accessDenied
        case .authorizerConfiguration: return .authorizerConfigurationError
        case .incompleteSignature, .invalidSignature, .unrecognizedClient: return .invalidSignature
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
        case .unknownAPI: return 404
        case .requestURITooLong: return 414
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
        case .unknownAPI: return "NotFoundException"
        case .unauthorized: return "UnauthorizedException"
        case .accessDenied: return "AccessDeniedException"
        case .authorizerConfiguration: return "AuthorizerConfigurationException"
        case .requestURITooLong: return "RequestURITooLongException"
        case .incompleteSignature: return "IncompleteSignatureException"
        case .invalidSignature: return "InvalidSignatureException"
        case .unrecognizedClient: return "UnrecognizedClientException"
        }
    }

    /// `$context.error.messageString`: the message as a JSON string (`null` for an
    /// authorizer's configuration error, whose body is `{"message":null}`).
    var messageString: String { kind == .authorizerConfiguration ? "null" : JSONWriter.quoted(message) }

    /// The body AWS answers when the API customises nothing: `{"message":…}`, with a capital
    /// `M` for ACCESS_DENIED (reference §16.7).
    var defaultTemplate: String {
        kind == .accessDenied ? "{\"Message\":$context.error.messageString}" : "{\"message\":$context.error.messageString}"
    }
}

/// The last stage, for a request that failed: the gateway response of the error's type — the
/// API's customisation of that type, else of its class (`DEFAULT_4XX`/`DEFAULT_5XX`), else
/// AWS's default `{"message":…}` — built from what the stages learnt before the failure.
struct GatewayResponseStage: Sendable {
    let values: RequestValues

    /// The gateway response for `error`: the type's own customisation, else its class default
    /// (`DEFAULT_4XX`/`DEFAULT_5XX`), else AWS's default `{"message":…}`.
    func respond(to error: GatewayError, _ progress: PipelineProgress) -> HTTPResponse {
        var status = error.status
        var template = error.defaultTemplate
        var parameters: [(String, String)] = []
        if let type = error.type, let api = progress.selection?.deployment.api {
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
            if let value = values.parameterValue(source, progress) { headers.set(name, value) }
        }
        progress.arrived.log("Gateway response type: \(error.type?.rawValue ?? "FORBIDDEN") with status code: \(status)")
        let body = substitute(template, error: error, progress)
        return HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    /// Gateway response templates are not VTL: `$context.*` and `$stageVariables.*` are
    /// substituted as text.
    func substitute(_ template: String, error: GatewayError, _ progress: PipelineProgress) -> String {
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
            case "context.error.messageString": value = error.messageString
            case "context.error.message": value = error.message
            case "context.error.responseType": value = error.type?.rawValue ?? ""
            case "context.error.validationErrorString": value = error.validation
            default:
                if reference.hasPrefix("context.") {
                    value = values.contextValue(String(reference.dropFirst("context.".count)), progress) ?? ""
                } else if reference.hasPrefix("stageVariables.") {
                    value = values.parameterValue(reference, progress) ?? ""
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
