import Foundation

/// The body of an error answer, kept whole; `message` is read from `message` or `errorMessage`.
public struct ErrorBody: Sendable, Equatable, CustomStringConvertible {
    /// The status code.
    public var status: Int
    /// The body bytes.
    public var bytes: [UInt8]

    /// An error body.
    public init(status: Int, bytes: [UInt8]) {
        self.status = status
        self.bytes = bytes
    }

    /// `{"message": …}` (gateway answers) or `{"errorMessage": …}` (Lambda errors), if present.
    public var message: String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        return (object["message"] ?? object["errorMessage"]) as? String
    }

    /// The body decoded as a model (the error model the API declares for the status).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try WireJSON.decoder().decode(type, from: Data(bytes)) }

    /// The body as text.
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

/// Why no answer arrived: the error the transport threw, kept whole (a `URLError`, a
/// connection refused, your transport's own).
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    /// The error as the transport threw it: `if let url = failure.underlying as? URLError …`.
    public let underlying: any Error

    /// A failure wrapping `underlying`.
    public init(_ underlying: any Error) { self.underlying = underlying }

    /// A failure described by `message` alone.
    public init(message: String) { self.underlying = Message(text: message) }

    struct Message: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }

    public var description: String { String(describing: underlying) }
}

/// An error answer the API definition declares for the operation (a `400` with its model, a
/// `409`…), with its body decoded as the model the definition names for that status.
public struct DeclaredError: Sendable, Equatable, CustomStringConvertible {
    /// The status code.
    public let status: Int
    /// The body, kept whole.
    public let body: ErrorBody
    /// The body decoded as the declared model (nil when it has none, or the body does not decode).
    public let model: (any Sendable)?

    /// A declared error.
    public init(status: Int, body: ErrorBody, model: (any Sendable)?) {
        self.status = status
        self.body = body
        self.model = model
    }

    /// The decoded model as `type` (`error.model(as: ErrorModel.self)`), or nil.
    public func model<T>(as type: T.Type) -> T? { model as? T }

    public var description: String { "\(status) (declared): \(body)" }

    public static func == (lhs: DeclaredError, rhs: DeclaredError) -> Bool { lhs.status == rhs.status && lhs.body == rhs.body }
}

/// Why a call failed, mirroring API Gateway's answers.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// 403 `Forbidden`: no API key, a wrong or disabled one, or a stage that does not exist.
    case forbidden(ErrorBody)
    /// 403 `Missing Authentication Token`: no resource or method matches the request.
    case missingAuthenticationToken
    /// 404, with the body the API answered (for ItemsAPI: `{"errorMessage": "NotFoundError", …}`).
    case notFound(ErrorBody)
    /// 429 `Too Many Requests`: a throttle (stage, method, account or usage plan rate).
    case tooManyRequests
    /// 429 `Limit Exceeded`: the usage plan's quota for the period is used up.
    case limitExceeded
    /// Any other status that is not 2xx.
    case unexpectedStatus(Int, ErrorBody)
    /// An error status the API definition declares for the operation (other than 403, 404 and
    /// 429, which keep their own cases), its body decoded as the declared model.
    case declared(DeclaredError)
    /// A 2xx answer whose body is not the declared model.
    case decoding(String)
    /// A 2xx answer that the response validator rejected (model name and problems).
    case invalidResponse(model: String, problems: [String])
    /// No answer: connection refused, timeout, a URL that cannot be built — with the
    /// transport's own error (`failure.underlying`).
    case transport(TransportFailure)
    /// The call was cancelled (its task was cancelled, or the transport said so).
    case cancelled

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case .forbidden(let body): return "403 Forbidden: \(body)"
        case .missingAuthenticationToken: return "403 Missing Authentication Token (no such resource or method)"
        case .notFound(let body): return "404 Not Found: \(body)"
        case .tooManyRequests: return "429 Too Many Requests"
        case .limitExceeded: return "429 Limit Exceeded (usage plan quota)"
        case .unexpectedStatus(let status, let body): return "unexpected status \(status): \(body)"
        case .declared(let error): return error.description
        case .decoding(let detail): return "the response does not decode: \(detail)"
        case .invalidResponse(let model, let problems): return "the response does not match model \(model): \(problems.joined(separator: "; "))"
        case .transport(let failure): return "no response: \(failure)"
        case .cancelled: return "cancelled"
        }
    }

    /// The same as `description` (for `localizedDescription` and alerts).
    public var errorDescription: String? { description }

    /// Equal cases with equal values; two transport failures are equal when they read the same.
    public static func == (lhs: ClientError, rhs: ClientError) -> Bool {
        switch (lhs, rhs) {
        case (.forbidden(let a), .forbidden(let b)), (.notFound(let a), .notFound(let b)): return a == b
        case (.missingAuthenticationToken, .missingAuthenticationToken), (.tooManyRequests, .tooManyRequests),
            (.limitExceeded, .limitExceeded), (.cancelled, .cancelled):
            return true
        case (.unexpectedStatus(let a, let x), .unexpectedStatus(let b, let y)): return a == b && x == y
        case (.declared(let a), .declared(let b)): return a == b
        case (.decoding(let a), .decoding(let b)): return a == b
        case (.invalidResponse(let a, let x), .invalidResponse(let b, let y)): return a == b && x == y
        case (.transport(let a), .transport(let b)): return a.description == b.description
        default: return false
        }
    }

    /// The error for a non-2xx answer.
    public static func from(_ response: ClientResponse) -> ClientError {
        let body = ErrorBody(status: response.status, bytes: response.body)
        switch response.status {
        case 403:
            let type = response.header("x-amzn-ErrorType") ?? ""
            if type.hasPrefix("MissingAuthenticationToken") || body.message == "Missing Authentication Token" { return .missingAuthenticationToken }
            return .forbidden(body)
        case 404: return .notFound(body)
        case 429:
            let type = response.header("x-amzn-ErrorType") ?? ""
            if type.hasPrefix("LimitExceeded") || body.message == "Limit Exceeded" { return .limitExceeded }
            return .tooManyRequests
        default: return .unexpectedStatus(response.status, body)
        }
    }
}
