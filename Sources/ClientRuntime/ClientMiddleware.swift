import Foundation

/// A step every call of a client passes through: it sees the request, may change it, calls
/// `next` (the rest of the chain and the transport) zero or more times, and may change the
/// answer. Headers, authentication, retries and logging without writing a transport.
public protocol ClientMiddleware: Sendable {
    /// Handles one request.
    func intercept(_ request: ClientRequest, next: @Sendable (ClientRequest) async throws -> ClientResponse) async throws -> ClientResponse
}

/// Adds a header to every request (`Authorization: Bearer …`, a tracing id).
public struct HeaderMiddleware: ClientMiddleware {
    /// The header's name.
    public let name: String
    /// Its value, asked for on each request (so a token can change between calls).
    public let value: @Sendable () -> String

    /// A header with a fixed value.
    public init(name: String, value: String) {
        self.name = name
        self.value = { value }
    }

    /// A header whose value is computed for each request.
    public init(name: String, value: @escaping @Sendable () -> String) {
        self.name = name
        self.value = value
    }

    public func intercept(_ request: ClientRequest, next: @Sendable (ClientRequest) async throws -> ClientResponse) async throws -> ClientResponse {
        var request = request
        request.headers.append((name: name, value: value()))
        return try await next(request)
    }
}

/// Retries answers API Gateway gives when it is throttling or briefly unavailable (429, 502,
/// 503, 504 by default), waiting `baseDelay`, then twice that, and so on (or what a
/// `Retry-After` header in seconds says, when larger). A quota answer (429 `Limit Exceeded`)
/// is not retried: it lasts until the period ends.
public struct RetryMiddleware: ClientMiddleware {
    /// Attempts in all (the first included).
    public let maxAttempts: Int
    /// Statuses worth another attempt.
    public let statuses: Set<Int>
    /// The first wait.
    public let baseDelay: Duration

    /// A retry policy.
    public init(maxAttempts: Int = 3, statuses: Set<Int> = [429, 502, 503, 504], baseDelay: Duration = .milliseconds(100)) {
        self.maxAttempts = max(1, maxAttempts)
        self.statuses = statuses
        self.baseDelay = baseDelay
    }

    public func intercept(_ request: ClientRequest, next: @Sendable (ClientRequest) async throws -> ClientResponse) async throws -> ClientResponse {
        var delay = baseDelay
        var attempt = 1
        while true {
            let response = try await next(request)
            guard attempt < maxAttempts, statuses.contains(response.status), !RetryMiddleware.isQuota(response) else { return response }
            var wait = delay
            if let text = response.header("Retry-After"), let seconds = Int(text), .seconds(seconds) > wait { wait = .seconds(seconds) }
            try await Task.sleep(for: wait)
            delay = delay * 2
            attempt += 1
        }
    }

    static func isQuota(_ response: ClientResponse) -> Bool {
        guard response.status == 429 else { return false }
        return (response.header("x-amzn-ErrorType") ?? "").hasPrefix("LimitExceeded")
            || String(decoding: response.body, as: UTF8.self).contains("Limit Exceeded")
    }
}
