import APIGateway
import HTTPCore
import JSONCore
import LambdaRuntime

/// The REST-JSON protocol both services speak (as botocore's models define it): the
/// operation from the method and path, parameters in the path, query and headers, a JSON
/// body, JSON answers, errors as `x-amzn-ErrorType` and a message.
enum AWSService: String, Sendable {
    case lambda
    case apigateway

    /// The error body: Lambda's `{"Type":"User","Message":…}`, API Gateway's `{"message":…}`.
    func errorBody(_ error: ControlError) -> JSONValue {
        switch self {
        case .lambda:
            if error.type == "TooManyRequestsException" {
                // A throttled invocation (GATEWAY-REFERENCE-2 §15.6).
                let reason = error.message == "Rate Exceeded." ? "ReservedFunctionConcurrentInvocationLimitExceeded" : "ConcurrentInvocationLimitExceeded"
                return ["Reason": .string(reason), "Type": "User", "message": "Rate Exceeded."]
            }
            return ["Type": error.status >= 500 ? "Service" : "User", "Message": .string(error.message)]
        case .apigateway: return ["message": .string(error.message)]
        }
    }
}

/// One AWS API request on its way to an operation.
struct AWSCall {
    let request: HTTPRequest
    let service: AWSService
    /// The path's segments, percent-decoded.
    let segments: [String]
    /// Query parameters, decoded (the last of a repeated name wins).
    let query: [String: String]
    let requestId = RequestIdentifier.uuid()

    init(_ request: HTTPRequest, service: AWSService) {
        self.request = request
        self.service = service
        let (path, query) = request.pathAndQuery
        segments = path.split(separator: "/").map { URLEncoding.decode(String($0), plusIsSpace: false) }
        var table: [String: String] = [:]
        for (name, value) in URLEncoding.queryPairs(query) { table[name] = value }
        self.query = table
    }

    /// Whether the path is `pattern` (`{}` matches any one segment).
    func matches(_ pattern: [String]) -> Bool {
        guard segments.count == pattern.count else { return false }
        return zip(segments, pattern).allSatisfy { $1 == "{}" || $0 == $1 }
    }

    /// The body as a JSON object (an empty body is `{}`); 400 when it is not one.
    func body() throws(ControlError) -> JSONValue {
        if request.body.isEmpty { return .object(JSONObject()) }
        guard let value = try? JSONParser().parse(request.body), case .object = value else {
            switch service {
            case .lambda: throw ControlError(status: 400, type: "InvalidRequestContentException", message: "Could not parse request body into json")
            case .apigateway: throw ControlError.badRequest("Invalid JSON in request body")
            }
        }
        return value
    }

    /// A JSON answer.
    func answer(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("x-amzn-RequestId", requestId)
        return HTTPResponse(status: status, headers: headers, body: JSONWriter.compact.bytes(value))
    }

    /// An answer with no body (204, 202).
    func empty(_ status: Int) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("x-amzn-RequestId", requestId)
        return HTTPResponse(status: status, headers: headers)
    }

    /// An error, shaped as the service shapes it.
    func failure(_ error: ControlError) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        headers.add("x-amzn-RequestId", requestId)
        headers.add("x-amzn-ErrorType", error.type)
        return HTTPResponse(status: error.status, headers: headers, body: JSONWriter.compact.bytes(service.errorBody(error)))
    }

    /// The operation of `table` this request is: its method and path, and for the operations
    /// that share them with another, the query botocore sends (`POST /restapis?mode=import` is
    /// ImportRestApi, not CreateRestApi).
    func operationName(in table: [(name: String, method: String, path: [String])], segments: [String]) -> String? {
        let candidates = table.filter { $0.method == request.method && ControlPlane.matches(segments, $0.path) }
        let importing = query["mode"] == "import"
        return (candidates.first { $0.name.hasPrefix("Import") == importing } ?? candidates.first)?.name
    }

    /// A known operation this gateway does not implement: named, never a silent 200.
    func unsupported(_ operation: String) -> ControlError {
        ControlError(
            status: 501, type: "NotImplementedException",
            message: "\(operation) is not supported by this local gateway (\(service == .lambda ? "Lambda 2015-03-31" : "API Gateway 2015-07-09"))")
    }

    /// A path no operation of the service has.
    func unknown() -> ControlError {
        ControlError(
            status: 404, type: "UnknownOperationException",
            message: "No \(service == .lambda ? "Lambda" : "API Gateway") operation matches \(request.method) \(request.path)")
    }
}

extension JSONValue {
    /// Epoch seconds as API Gateway's JSON writes dates.
    static func date(_ seconds: Double) -> JSONValue { .number(JSONNumber(seconds.rounded(.down)) ?? JSONNumber(0)) }

    /// A string map.
    static func strings(_ pairs: [(String, String)]) -> JSONValue {
        .object(JSONObject(pairs.map { JSONObject.Member(key: $0.0, value: .string($0.1)) }))
    }
}
