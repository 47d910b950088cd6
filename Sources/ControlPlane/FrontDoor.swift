import APIGateway
import AWSSignature
import HTTPCore
import JSONCore
import LambdaRuntime

/// One port for everything, as LocalStack offers: requests signed with SigV4 for the `lambda`
/// or `apigateway` service (what the aws CLI, boto3 and the SDKs send with an endpoint URL) go
/// to the AWS APIs of the control plane; every other request is an invoke-URL request for the
/// gateway. The credential scope in the `Authorization` header decides — never the path.
///
/// A request whose `Authorization` header claims SigV4 but does not parse is refused, never
/// served as an invoke request. By default any access key is accepted (as LocalStack does);
/// with credentials (`gateway serve --require-signature`) the signature is verified against
/// them, with AWS's errors when it does not match.
public final class FrontDoor: HTTPResponder, Sendable {
    /// The control plane behind the AWS APIs.
    public let control: ControlPlane
    let credentials: StateDirectory.Credentials?
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?
    let lambdaAPI: LambdaAPI
    let apiGatewayAPI: APIGatewayAPI

    /// A front door for `control`; `requireSignature` verifies every AWS API request against
    /// those credentials.
    public init(control: ControlPlane, requireSignature credentials: StateDirectory.Credentials? = nil, logSink: (@Sendable (GatewayLogEvent) -> Void)? = nil) {
        self.control = control
        self.credentials = credentials
        self.logSink = logSink
        lambdaAPI = LambdaAPI(control: control)
        apiGatewayAPI = APIGatewayAPI(control: control)
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard let header = request.headers["Authorization"], header.hasPrefix("AWS4") else {
            if request.path.hasPrefix(FrontDoor.cognitoPrefix), let keys = cognitoKeySet(request) { return keys }
            return control.gateway.respond(to: request)
        }
        guard let authorization = SigV4.Authorization(header: header) else {
            return refusal(
                400, "IncompleteSignatureException",
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters in the form AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...")
        }
        let service: AWSService
        switch authorization.service {
        case "lambda": service = .lambda
        case "apigateway": service = .apigateway
        case "execute-api":
            // An IAM-signed invoke-URL request: the gateway serves it.
            return control.gateway.respond(to: request)
        default:
            return refusal(400, "UnrecognizedClientException", "This local gateway serves the lambda and apigateway services, not \(authorization.service)")
        }
        let call = AWSCall(request, service: service)
        if let credentials, let problem = verify(request, authorization, credentials) {
            return log(call, call.failure(problem))
        }
        switch service {
        case .lambda: return log(call, lambdaAPI.respond(call))
        case .apigateway: return log(call, apiGatewayAPI.respond(call))
        }
    }

    /// Why a signature is refused, or nil when it holds (AWS's answers to each problem).
    func verify(_ request: HTTPRequest, _ authorization: SigV4.Authorization, _ credentials: StateDirectory.Credentials) -> ControlError? {
        let fields = request.headers.map { ($0.name, $0.value) }
        let signedRequest = SigV4.Request(method: request.method, target: request.target, headers: fields, body: request.body)
        let problem = SigV4.check(
            signedRequest, authorization: authorization, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey,
            now: control.gateway.clock.now())
        return problem.map(FrontDoor.error)
    }

    /// The control plane's answer to a signature problem.
    static func error(_ problem: SigV4.Problem) -> ControlError {
        switch problem {
        case .unknownAccessKey:
            return ControlError(status: 403, type: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
        case .missingDate:
            return ControlError(status: 400, type: "IncompleteSignatureException", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        case .expired(let signed, let earliest, let now):
            return ControlError(status: 403, type: "InvalidSignatureException", message: "Signature expired: \(signed) is now earlier than \(earliest) (\(now) - 15 min.)")
        case .mismatch:
            return ControlError(
                status: 403, type: "InvalidSignatureException",
                message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        }
    }

    /// Where a user pool's signing keys are served: `/_gateway/cognito/POOL_ID/.well-known/jwks.json`
    /// (as Cognito serves them at `https://cognito-idp.REGION.amazonaws.com/POOL_ID/.well-known/jwks.json`).
    public static let cognitoPrefix = "/_gateway/cognito/"

    /// A GET of a pool's JWKS URL: the keys its tokens are checked against (nil: another path).
    func cognitoKeySet(_ request: HTTPRequest) -> HTTPResponse? {
        let rest = request.path.dropFirst(FrontDoor.cognitoPrefix.count)
        guard rest.hasSuffix("/.well-known/jwks.json"), request.method == "GET" || request.method == "HEAD" else { return nil }
        let pool = String(rest.dropLast("/.well-known/jwks.json".count))
        guard !pool.isEmpty, !pool.contains("/"), let keyring = control.cognitoKeys else { return nil }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("Cache-Control", "no-store")
        let body = JSONWriter.compact.bytes(keyring.keySet(pool: pool, now: control.gateway.clock.now()).json)
        return HTTPResponse(status: 200, headers: headers, body: request.method == "HEAD" ? [] : body)
    }

    /// A refusal before the service is known.
    func refusal(_ status: Int, _ type: String, _ message: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("x-amzn-RequestId", RequestIdentifier.uuid())
        headers.add("x-amzn-ErrorType", type)
        return HTTPResponse(status: status, headers: headers, body: JSONWriter.compact.bytes(["message": .string(message)]))
    }

    /// One access-log line per control request: the service, method, path and status (bodies,
    /// which may hold key values, are never logged).
    func log(_ call: AWSCall, _ response: HTTPResponse) -> HTTPResponse {
        logSink?(.message("\(call.requestId) \(call.service.rawValue) \(call.request.method) \(call.request.path) \(response.status)"))
        return response
    }

    /// Seconds since 1970 → `20150830T123600Z` (the `X-Amz-Date` format).
    public static func amzDate(_ seconds: Double) -> String { UTCCalendar.amzDate(seconds) }
}
