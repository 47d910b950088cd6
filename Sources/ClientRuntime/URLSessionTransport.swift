import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Real HTTP through `URLSession` (FoundationNetworking on Linux): the local `gateway serve`
/// (`http://127.0.0.1:8080`) or an API Gateway invoke URL
/// (`https://{api-id}.execute-api.{region}.amazonaws.com`). A request that `streamsResponse`
/// gets its answer as soon as the head arrives, the body as it comes (`bodyStream`); a
/// `bodyFile` is sent as it is read.
public final class URLSessionTransport: FileUploadTransport {
    /// Scheme, host, port and any path before the stage.
    public let baseURL: URL
    let session: URLSession
    /// Whether the session is ours to invalidate.
    private let ownsSession: Bool
    /// The session of streamed answers (a delegate's), made on first use; always ours.
    private let streaming: Mutex<(session: URLSession, delegate: StreamingDelegate)?> = Mutex(nil)

    /// A transport to `baseURL`, with its own ephemeral session (no cookies, no cache),
    /// invalidated when the transport goes away.
    public init(baseURL: URL) {
        self.baseURL = baseURL
        self.session = URLSession(configuration: .ephemeral)
        self.ownsSession = true
    }

    /// A transport sharing a session you configured (and keep: it is not invalidated here;
    /// streamed answers go through a session of the same configuration).
    public init(baseURL: URL, session: URLSession) {
        self.baseURL = baseURL
        self.session = session
        self.ownsSession = false
    }

    deinit {
        if ownsSession { session.finishTasksAndInvalidate() }
        streaming.withLock { $0?.session.finishTasksAndInvalidate() }
    }

    /// Sends the request and waits for the answer (its head only, when it `streamsResponse`).
    public func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + stagePath + request.target) else { throw ClientError.transport(TransportFailure(message: "not a URL: \(base + stagePath + request.target)")) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        if let file = request.bodyFile {
            let (data, response) = try await session.upload(for: urlRequest, fromFile: file)
            return try URLSessionTransport.head(of: response, body: Array(data))
        }
        if request.streamsResponse { return try await stream(urlRequest) }
        let (data, response) = try await session.data(for: urlRequest)
        return try URLSessionTransport.head(of: response, body: Array(data))
    }

    static func head(of response: URLResponse, body: [UInt8], bodyStream: AsyncThrowingStream<[UInt8], any Error>? = nil) throws -> ClientResponse {
        guard let http = response as? HTTPURLResponse else { throw ClientError.transport(TransportFailure(message: "not an HTTP response")) }
        let headers = http.allHeaderFields.compactMap { name, value -> (name: String, value: String)? in
            guard let name = name as? String else { return nil }
            return (name: name, value: "\(value)")
        }
        return ClientResponse(status: http.statusCode, headers: headers, body: body, bodyStream: bodyStream)
    }

    /// Starts `request` on the streaming session: the head when it arrives, the body's chunks
    /// after it. Ending the iteration early cancels the task.
    private func stream(_ request: URLRequest) async throws -> ClientResponse {
        let configuration: URLSessionConfiguration = ownsSession ? .ephemeral : session.configuration
        let (streamingSession, delegate) = streaming.withLock { state in
            if let state { return state }
            let delegate = StreamingDelegate()
            let made = (URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil), delegate)
            state = made
            return made
        }
        let task = streamingSession.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (head: CheckedContinuation<ClientResponse, any Error>) in
                let (chunks, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
                continuation.onTermination = { termination in
                    if case .cancelled = termination { task.cancel() }
                }
                delegate.register(task.taskIdentifier, head: head, chunks: continuation, stream: chunks)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// Routes a streaming session's callbacks to the request each task belongs to.
final class StreamingDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct Pending {
        var head: CheckedContinuation<ClientResponse, any Error>?
        let chunks: AsyncThrowingStream<[UInt8], any Error>.Continuation
        let stream: AsyncThrowingStream<[UInt8], any Error>
    }

    private let pending = Mutex<[Int: Pending]>([:])

    func register(
        _ task: Int, head: CheckedContinuation<ClientResponse, any Error>, chunks: AsyncThrowingStream<[UInt8], any Error>.Continuation,
        stream: AsyncThrowingStream<[UInt8], any Error>
    ) {
        pending.withLock { $0[task] = Pending(head: head, chunks: chunks, stream: stream) }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let (head, stream) = pending.withLock { state -> (CheckedContinuation<ClientResponse, any Error>?, AsyncThrowingStream<[UInt8], any Error>?) in
            let entry = state[dataTask.taskIdentifier]
            state[dataTask.taskIdentifier]?.head = nil
            return (entry?.head, entry?.stream)
        }
        if let head, let stream {
            do {
                head.resume(returning: try URLSessionTransport.head(of: response, body: [], bodyStream: stream))
            } catch {
                head.resume(throwing: error)
            }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let chunks = pending.withLock { $0[dataTask.taskIdentifier]?.chunks }
        chunks?.yield(Array(data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = pending.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let head = entry.head {
            head.resume(throwing: error ?? ClientError.transport(TransportFailure(message: "the connection ended before an answer")))
        }
        if let error { entry.chunks.finish(throwing: error) } else { entry.chunks.finish() }
    }
}
