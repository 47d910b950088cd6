import APIModel
import HTTPCore

// The values the request path's stages hand each other. Each stage takes what it needs of
// these and returns its own output; none of them is shared mutable state except the log of
// an `ArrivedRequest` (the execution and access logs).

/// A request as it arrived, and what the stages report of it: the lines of a test invoke's
/// execution log (kept only when asked for) and why the request failed (for the access log) —
/// the one thing a stage writes that another reads. A class, so that stages hand it on
/// without copying its fields; used by one request on one thread at a time.
final class ArrivedRequest: @unchecked Sendable {
    let request: HTTPRequest
    /// The request path (without the query), computed once.
    let path: String
    /// The query string as sent (after `?`), or nil.
    let rawQuery: String?
    /// The method, upper-cased once.
    let httpMethod: String
    let requestId: String
    let extendedRequestId: String
    /// Seconds since the epoch when the request arrived.
    let time: Double
    /// The console's Test button: no API key, usage plan, throttling or cache.
    let isTestInvoke: Bool
    /// Whether execution-log lines are kept (a test invoke).
    let keepsLines: Bool
    /// The execution log.
    private(set) var lines: [String] = []
    /// Why the request failed, when the gateway knows (a configuration error, a body that
    /// breaks its model): the first such line.
    private(set) var failure: String?

    init(_ request: HTTPRequest, requestId: String, extendedRequestId: String, time: Double, isTestInvoke: Bool, keepsLines: Bool) {
        let (path, query) = request.pathAndQuery
        self.request = request
        self.path = path
        self.rawQuery = query
        self.httpMethod = ArrivedRequest.uppercaseMethod(request.method)
        self.requestId = requestId
        self.extendedRequestId = extendedRequestId
        self.time = time
        self.isTestInvoke = isTestInvoke
        self.keepsLines = keepsLines
    }

    /// Adds a line to the execution log; the text is built only when lines are kept.
    @inline(__always)
    func log(_ line: @autoclosure () -> String) {
        if keepsLines { lines.append(line()) }
    }

    /// Adds a line that says why the request fails: to the execution log, and (the first such
    /// line) to the access log.
    func fail(_ line: String) {
        if keepsLines { lines.append(line) }
        if failure == nil { failure = line }
    }

    /// The path after the stage segment, as sent (`/prod/items/1` → `/items/1`, `/prod` → `/`).
    func pathWithinStage(_ stage: String) -> Substring {
        let bytes = path.utf8
        let slash = UInt8(ascii: "/")
        var index = bytes.startIndex
        while index != bytes.endIndex, bytes[index] == slash { index = bytes.index(after: index) }
        var stageBytes = stage.utf8.makeIterator()
        var after = index
        var matched = true
        while let byte = stageBytes.next() {
            guard after != bytes.endIndex, bytes[after] == byte else {
                matched = false
                break
            }
            after = bytes.index(after: after)
        }
        if matched, after == bytes.endIndex || bytes[after] == slash { index = after }
        // `//x` after the stage is `/x`.
        while index != bytes.endIndex, bytes[index] == slash, bytes.index(after: index) != bytes.endIndex, bytes[bytes.index(after: index)] == slash {
            index = bytes.index(after: index)
        }
        return index == bytes.endIndex ? "/" : Substring(path.utf8[index...])
    }

    /// The method in upper case (no work for the usual already-upper-case methods).
    static func uppercaseMethod(_ method: String) -> String {
        switch method {
        case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS": return method
        default: return method.utf8.allSatisfy { $0 < 0x61 || $0 > 0x7A } ? method : method.uppercased()
        }
    }
}

/// The output of the route stage's first step: the stage a request names.
struct StageSelection: Sendable {
    /// The stage name (the path's first segment).
    let name: String
    let served: ServedStage
    /// The snapshot the request was routed in (the same one to its end).
    let snapshot: GatewaySnapshot

    var deployment: StageDeployment { served.deployment }
}

/// The output of the route stage: the stage, method and parameters of a request. A class:
/// the later stages hand it on without copying its fields.
final class Route: Sendable {
    let selection: StageSelection
    let method: CompiledMethod
    /// Path parameters in template order.
    let pathParameters: [(String, String)]
    /// Query parameters in request order (decoded).
    let query: [(String, String)]

    init(selection: StageSelection, method: CompiledMethod, pathParameters: [(String, String)], query: [(String, String)]) {
        self.selection = selection
        self.method = method
        self.pathParameters = pathParameters
        self.query = query
    }

    var stage: String { selection.name }
    var deployment: StageDeployment { selection.deployment }
    var snapshot: GatewaySnapshot { selection.snapshot }
}

/// The output of the API-key stage: who calls, as far as the gateway knows.
struct Caller: Sendable {
    /// The accepted API key and its plans; nil when the method asks for none (or in a test invoke).
    let key: ActiveKey?
    /// Which of the key's plans admits it on this stage.
    let planIndex: Int
    /// What the method's Lambda authorizer answered (nil: the method has none).
    var authorizer: AuthorizerResult? = nil
    /// Who signed an AWS_IAM method's request (nil: the method is not AWS_IAM).
    var signer: SignerIdentity? = nil
    /// A Cognito user pool token's claims, as text (nil: the method is not COGNITO_USER_POOLS).
    var claims: [(String, String)]? = nil

    /// No key: a method that does not require one, or a test invoke.
    static var anonymous: Caller { Caller(key: nil, planIndex: 0) }

    var apiKey: APIKeyRecord? { key?.record }
    /// The usage plan that admits the key on this stage.
    var plan: UsagePlan? { key.map { $0.plans[planIndex] } }
    /// The plan's limit-state key for this API key.
    var client: HashedName? { key.map { $0.clientKeys[planIndex] } }
}

/// Who signed a request to an AWS_IAM method (`$context.identity.*`, `requestContext.identity`).
struct SignerIdentity: Sendable, Equatable {
    let accessKey: String
    let accountId: String

    /// `caller`, `user`: the local credentials are the account's own.
    var caller: String { accountId }
    /// `arn:aws:iam::{account}:root`.
    var userArn: String { "arn:aws:iam::\(accountId):root" }

    /// The identity members it sets.
    var identity: [(String, String)] {
        [("accessKey", accessKey), ("accountId", accountId), ("caller", caller), ("user", caller), ("userArn", userArn)]
    }
}

/// What the authorization stage learnt: a Lambda authorizer's answer, or who signed.
struct Authorized: Sendable {
    var authorizer: AuthorizerResult?
    var signer: SignerIdentity?
    /// A Cognito token's claims.
    var claims: [(String, String)]? = nil

    static let nobody = Authorized(authorizer: nil, signer: nil)
}

/// A request that has been routed and admitted: what the later stages read.
struct RoutedRequest: Sendable {
    let arrived: ArrivedRequest
    let route: Route
    let caller: Caller

    var request: HTTPRequest { arrived.request }
    var method: CompiledMethod { route.method }

    /// The headers the integration sees: a SigV4 `Authorization` of an AWS_IAM method is
    /// removed, as API Gateway removes it.
    var integrationHeaders: [HTTPHeaders.Field] {
        guard caller.signer != nil else { return request.headers.fields }
        return request.headers.fields.filter { $0.name.lowercased() != "authorization" }
    }

    /// The same request as the gateway-response stage reads it.
    var progress: PipelineProgress { PipelineProgress(arrived: arrived, selection: route.selection, route: route, caller: caller) }
}

/// What the stages have learnt of a request so far: the gateway response for a failure, and
/// the values its templates and header mappings read, come from it.
struct PipelineProgress: Sendable {
    let arrived: ArrivedRequest
    var selection: StageSelection?
    var route: Route?
    var caller: Caller

    init(arrived: ArrivedRequest, selection: StageSelection? = nil, route: Route? = nil, caller: Caller = .anonymous) {
        self.arrived = arrived
        self.selection = selection
        self.route = route
        self.caller = caller
    }
}
