import Foundation
import HTTPCore
import HTTPServer
import Synchronization

/// A mock of a public API on 127.0.0.1 (an ephemeral port): records each request and answers
/// it with what `answer` returns. Stop it at the end of the test.
final class MockServer: Sendable {
    /// The responder: records, then answers.
    private final class Recorder: HTTPResponder {
        let requests = Mutex<[HTTPRequest]>([])
        let answer: @Sendable (HTTPRequest) -> HTTPResponse

        init(answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.answer = answer }

        func respond(to request: HTTPRequest) -> HTTPResponse {
            requests.withLock { $0.append(request) }
            return answer(request)
        }
    }

    private let recorder: Recorder
    private let server: HTTPServer
    /// `http://127.0.0.1:PORT`.
    let baseURL: String

    init(answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        recorder = Recorder(answer: answer)
        server = try HTTPServer.start(ServerConfiguration(host: "127.0.0.1", port: 0), responder: recorder)
        baseURL = "http://127.0.0.1:\(server.port)"
    }

    /// The base URL with `path` (a base path such as `/v1`) after it.
    func url(_ path: String = "") -> URL { URL(string: baseURL + path)! }

    /// Every request so far, in order.
    var requests: [HTTPRequest] { recorder.requests.withLock { $0 } }

    /// The last request, or nil.
    var last: HTTPRequest? { requests.last }

    func stop() { server.stop(gracePeriod: 1) }

    /// A JSON answer.
    static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }
}
