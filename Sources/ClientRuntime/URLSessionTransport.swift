import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Real HTTP through `URLSession` (FoundationNetworking on Linux): the local `gateway serve`
/// (`http://127.0.0.1:8080`) or an API Gateway invoke URL
/// (`https://{api-id}.execute-api.{region}.amazonaws.com`).
public final class URLSessionTransport: ClientTransport {
    /// Scheme, host, port and any path before the stage.
    public let baseURL: URL
    let session: URLSession
    /// Whether the session is ours to invalidate.
    private let ownsSession: Bool

    /// A transport to `baseURL`, with its own ephemeral session (no cookies, no cache),
    /// invalidated when the transport goes away.
    public init(baseURL: URL) {
        self.baseURL = baseURL
        self.session = URLSession(configuration: .ephemeral)
        self.ownsSession = true
    }

    /// A transport sharing a session you configured (and keep: it is not invalidated here).
    public init(baseURL: URL, session: URLSession) {
        self.baseURL = baseURL
        self.session = session
        self.ownsSession = false
    }

    deinit {
        if ownsSession { session.finishTasksAndInvalidate() }
    }

    /// Sends the request and waits for the answer.
    public func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + stagePath + request.target) else { throw ClientError.transport(TransportFailure(message: "not a URL: \(base + stagePath + request.target)")) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        let (data, response) = try await session.data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else { throw ClientError.transport(TransportFailure(message: "not an HTTP response")) }
        let headers = http.allHeaderFields.compactMap { name, value -> (name: String, value: String)? in
            guard let name = name as? String else { return nil }
            return (name: name, value: "\(value)")
        }
        return ClientResponse(status: http.statusCode, headers: headers, body: Array(data))
    }
}
