import Foundation

/// Checks a response body against the API's model (a debugging aid; see `ClientConfiguration`).
public protocol ResponseValidator: Sendable {
    /// The problems found in `body` as an instance of model `model` (empty when it is valid).
    func problems(in body: [UInt8], model: String) -> [String]
}

/// What every call of a generated client shares.
public struct ClientConfiguration: Sendable {
    /// The stage's path prefix (`/prod`), or empty when the base URL already ends with the stage.
    public var stagePath: String
    /// The API key, sent as `x-api-key` to methods that require one.
    public var apiKey: String?
    /// How long a call waits for its answer.
    public var timeout: Duration
    /// Steps every request and response pass through, first to last (headers, auth, retries,
    /// logging): see `ClientMiddleware`.
    public var middlewares: [any ClientMiddleware]
    /// When set, every decoded response is first checked against its model; a mismatch
    /// throws `ClientError.invalidResponse`. Meant for debugging and tests.
    public var responseValidator: (any ResponseValidator)?

    /// A configuration.
    /// - Parameters:
    ///   - stage: the stage name (`prod`), or nil when the transport's base URL includes it.
    ///   - middlewares: run on every call, the first outermost.
    public init(
        stage: String? = nil, apiKey: String? = nil, timeout: Duration = .seconds(30), responseValidator: (any ResponseValidator)? = nil,
        middlewares: [any ClientMiddleware] = []
    ) {
        self.stagePath = stage.map { "/" + $0 } ?? ""
        self.apiKey = apiKey
        self.timeout = timeout
        self.responseValidator = responseValidator
        self.middlewares = middlewares
    }

    /// `timeout` in seconds, as transports take it.
    public var timeoutSeconds: Double {
        let (seconds, attoseconds) = timeout.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
