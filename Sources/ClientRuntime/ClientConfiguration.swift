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
    /// Seconds before a call gives up.
    public var timeout: Double
    /// When set, every decoded response is first checked against its model; a mismatch
    /// throws `ClientError.invalidResponse`. Meant for debugging and tests.
    public var responseValidator: (any ResponseValidator)?

    /// A configuration.
    /// - Parameters:
    ///   - stage: the stage name (`prod`), or nil when the transport's base URL includes it.
    public init(stage: String? = nil, apiKey: String? = nil, timeout: Double = 30, responseValidator: (any ResponseValidator)? = nil) {
        self.stagePath = stage.map { "/" + $0 } ?? ""
        self.apiKey = apiKey
        self.timeout = timeout
        self.responseValidator = responseValidator
    }
}
