#if canImport(Glibc)
import Glibc
#endif
import CSystemCalls
import Dispatch
import HTTPCore
import Synchronization

/// The Lambda Runtime API (2018-06-01) of one execution environment, as an `HTTPResponder`
/// (GATEWAY-REFERENCE-2 §15.1): `GET /runtime/invocation/next` waits for the environment's
/// invocation, `POST …/{id}/response` and `…/{id}/error` answer it, `POST /runtime/init/error`
/// reports a failed init. The invoker waits on `notifier` (an eventfd) and reads what happened.
final class RuntimeEndpoint: HTTPResponder, Sendable {
    /// An invocation handed to the runtime.
    struct Invocation: Sendable {
        var requestId: String
        var payload: [UInt8]
        var deadlineEpochMilliseconds: Int64
        var invokedFunctionArn: String
        var traceId: String
    }

    /// How an invocation ended, as far as the runtime said.
    enum Answer: Sendable, Equatable {
        case response([UInt8])
        case error([UInt8], type: String)
    }

    struct State {
        /// Set by the invoker, taken by `next`.
        var queued: Invocation?
        /// The id `next` handed out and not yet answered.
        var current: String?
        /// `next` was called at least once since the process started (init is over).
        var initialized = false
        /// When the runtime first called `next` (monotonic ms): the end of init.
        var readyAt: Double?
        /// When the runtime took the invocation (monotonic ms).
        var pickedUpAt: Double?
        var answer: Answer?
        var initError: (body: [UInt8], type: String)?
        /// The environment is being reset or stopped: waiting `next` calls end.
        var closed = false
    }

    /// The largest response a runtime may post: 6 MiB + 100 bytes.
    static let maxResponseBytes = 6_291_556

    let state = Mutex(State())
    private let nextReady = DispatchSemaphore(value: 0)
    /// Written whenever `state` changes in a way the invoker waits for.
    let notifier: Int32

    init() {
        notifier = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
    }

    deinit { close(notifier) }

    /// Hands `invocation` to the runtime (now, or when it next asks).
    func enqueue(_ invocation: Invocation) {
        state.withLock { state in
            state.queued = invocation
            state.answer = nil
            state.pickedUpAt = nil
        }
        nextReady.signal()
    }

    /// Forgets the process that served this endpoint: a new one starts with init.
    func reset(closing: Bool = false) {
        state.withLock { state in
            state = State()
            state.closed = closing
        }
        // A `next` still waiting (the old process is gone) returns.
        nextReady.signal()
    }

    /// Reopens after a reset (a new process is about to start).
    func reopen() {
        state.withLock { state in
            state = State()
        }
        // Swallow wake-ups meant for the previous process.
        while nextReady.wait(timeout: .now()) == .success {}
    }

    private func notify() {
        var one: UInt64 = 1
        _ = write(notifier, &one, 8)
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        let prefix = "/2018-06-01/runtime/"
        guard path.hasPrefix(prefix) else { return RuntimeEndpoint.notFound(path) }
        let rest = path.dropFirst(prefix.count)
        if rest == "invocation/next" {
            guard request.method == "GET" else { return RuntimeEndpoint.methodNotAllowed() }
            return next()
        }
        if rest == "init/error" {
            guard request.method == "POST" else { return RuntimeEndpoint.methodNotAllowed() }
            return initError(request)
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "invocation", parts[2] == "response" || parts[2] == "error" {
            guard request.method == "POST" else { return RuntimeEndpoint.methodNotAllowed() }
            return answer(request, id: String(parts[1]), isError: parts[2] == "error")
        }
        return RuntimeEndpoint.notFound(path)
    }

    private func next() -> HTTPResponse {
        let (outOfSequence, first) = state.withLock { state -> (Bool, Bool) in
            if state.current != nil { return (true, false) }
            guard !state.initialized else { return (false, false) }
            state.initialized = true
            state.readyAt = ProcessLauncher.monotonicMilliseconds()
            return (false, true)
        }
        // Whoever waits for init to end (a start ahead of an invocation) hears it.
        if first { notify() }
        if outOfSequence {
            return RuntimeEndpoint.json(
                403, ["errorType": "InvalidStateTransition", "errorMessage": "State transition from Running to Ready failed for runtime. Error: State transition is not allowed"])
        }
        while true {
            enum Step { case deliver(Invocation), closed, wait }
            let step = state.withLock { state -> Step in
                if state.closed { return .closed }
                if let invocation = state.queued {
                    state.queued = nil
                    state.current = invocation.requestId
                    state.pickedUpAt = ProcessLauncher.monotonicMilliseconds()
                    return .deliver(invocation)
                }
                return .wait
            }
            switch step {
            case .deliver(let invocation):
                notify()
                var headers = HTTPHeaders()
                headers.add("Content-Type", "application/json")
                headers.add("Lambda-Runtime-Aws-Request-Id", invocation.requestId)
                headers.add("Lambda-Runtime-Deadline-Ms", String(invocation.deadlineEpochMilliseconds))
                headers.add("Lambda-Runtime-Invoked-Function-Arn", invocation.invokedFunctionArn)
                headers.add("Lambda-Runtime-Trace-Id", invocation.traceId)
                return HTTPResponse(status: 200, headers: headers, body: invocation.payload)
            case .closed:
                return RuntimeEndpoint.json(500, ["errorType": "Runtime.Stopped", "errorMessage": "The execution environment is stopping."])
            case .wait:
                // Woken by an invocation or a reset; the timeout only re-checks `closed`.
                _ = nextReady.wait(timeout: .now() + .seconds(5))
            }
        }
    }

    private func answer(_ request: HTTPRequest, id: String, isError: Bool) -> HTTPResponse {
        if !isError && request.body.count > RuntimeEndpoint.maxResponseBytes {
            let known = state.withLock { state -> Bool in
                guard state.current == id else { return false }
                state.current = nil
                let message = "Response payload size exceeded maximum allowed payload size (\(RuntimeEndpoint.maxResponseBytes) bytes)."
                state.answer = .error(
                    Array("{\"errorMessage\":\"\(message)\",\"errorType\":\"Function.ResponseSizeTooLarge\"}".utf8), type: "Function.ResponseSizeTooLarge")
                return true
            }
            if known { notify() }
            return RuntimeEndpoint.json(
                413,
                ["errorMessage": "Exceeded maximum allowed payload size (\(RuntimeEndpoint.maxResponseBytes) bytes).", "errorType": "RequestEntityTooLarge"])
        }
        let accepted = state.withLock { state -> Bool in
            guard state.current == id else { return false }
            state.current = nil
            if isError {
                let type = request.headers["Lambda-Runtime-Function-Error-Type"] ?? "Unhandled"
                var body = request.body
                if body.isEmpty { body = Array("{\"errorMessage\":\"\",\"errorType\":\"\(type)\"}".utf8) }
                state.answer = .error(body, type: type)
            } else {
                state.answer = .response(request.body)
            }
            return true
        }
        guard accepted else { return RuntimeEndpoint.json(400, ["errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"]) }
        notify()
        return RuntimeEndpoint.json(202, ["status": "OK"])
    }

    private func initError(_ request: HTTPRequest) -> HTTPResponse {
        let accepted = state.withLock { state -> Bool in
            guard !state.initialized else { return false }
            let type = request.headers["Lambda-Runtime-Function-Error-Type"] ?? "Runtime.Unknown"
            var body = request.body
            if body.isEmpty { body = Array("{\"errorMessage\":\"\",\"errorType\":\"\(type)\"}".utf8) }
            state.initError = (body, type)
            return true
        }
        guard accepted else {
            return RuntimeEndpoint.json(
                403, ["errorType": "InvalidStateTransition", "errorMessage": "State transition from Ready to InitError failed for runtime. Error: State transition is not allowed"])
        }
        notify()
        return RuntimeEndpoint.json(202, ["status": "OK"])
    }

    // MARK: - Answers

    static func json(_ status: Int, _ members: KeyValuePairs<String, String>) -> HTTPResponse {
        var text = "{"
        for (index, member) in members.enumerated() {
            if index > 0 { text += "," }
            text += "\"\(member.key)\":\"\(member.value)\""
        }
        text += "}"
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    static func notFound(_ path: String) -> HTTPResponse {
        json(404, ["errorType": "InvalidRequest", "errorMessage": "Not found"])
    }

    static func methodNotAllowed() -> HTTPResponse {
        json(405, ["errorType": "InvalidRequest", "errorMessage": "Method not allowed"])
    }
}
