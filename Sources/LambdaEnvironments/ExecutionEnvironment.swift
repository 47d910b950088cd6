#if canImport(Glibc)
import Glibc
#endif
import CSystemCalls
import HTTPServer
import JSONCore
import LambdaRuntime

/// What starts a function's process: the executable, its arguments, the environment variables
/// and the directory it runs in.
struct LaunchCommand: Sendable, Equatable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var directory: String
}

/// One execution environment: a process running the function's runtime, with its own Runtime
/// API address, serving one invocation at a time. A timeout or a crash ends the process; the
/// next invocation starts a new one (init runs again). Used by one invoker at a time (the
/// pool hands it out exclusively).
final class ExecutionEnvironment: @unchecked Sendable {
    // Safety: the mutable fields are touched only by the invoker that holds the environment
    // (the pool hands it to one thread at a time) and by `stop`, which the pool calls only on
    // environments it holds.
    let endpoint = RuntimeEndpoint()
    let server: HTTPServer
    let command: LaunchCommand
    /// The `$LATEST` code generation the environment was started for.
    let generation: Int
    private(set) var pid: Int32 = 0
    private var output: Int32 = -1
    private var pendingOutput: [UInt8] = []
    private var readBuffer = [UInt8](repeating: 0, count: 65536)
    /// When the running process started (monotonic ms).
    private var startedAt = 0.0
    /// The running process has taken an invocation (until then, the next one is its cold start).
    private var served = false
    /// What the process printed while it initialised ahead of its first invocation.
    private var initLines: [String] = []
    /// A process that could not be started ahead of an invocation: Lambda's error type and
    /// the message after `RequestId: … Error: `.
    private var launchFailure: (type: String, message: String)?
    /// When it last finished an invocation (monotonic ms).
    private(set) var lastUsed = ProcessLauncher.monotonicMilliseconds()
    /// Lambda's limit on init.
    static let initLimitMilliseconds = 10_000.0

    init(command: LaunchCommand, generation: Int) throws(LambdaServiceError) {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.eventLoops = 2
        configuration.limits.maxBodyBytes = 32 * 1024 * 1024
        configuration.limits.idleTimeout = 24 * 3600
        configuration.limits.requestTimeout = 24 * 3600
        do {
            server = try HTTPServer.start(configuration, responder: endpoint)
        } catch {
            throw LambdaServiceError(status: 500, type: "ServiceException", message: "cannot start a Runtime API server: \(error.description)")
        }
        self.command = command
        self.generation = generation
    }

    /// `host:port` of this environment's Runtime API.
    var runtimeAPI: String { "127.0.0.1:\(server.port)" }

    var isRunning: Bool { pid > 0 }

    /// Ends the process and the Runtime API server.
    func stop() {
        endProcess()
        endpoint.reset(closing: true)
        server.stop(gracePeriod: 0)
    }

    private func endProcess() {
        if pid > 0 { ProcessLauncher.kill(group: pid) }
        pid = 0
        if output >= 0 { close(output) }
        output = -1
        pendingOutput = []
        served = false
        initLines = []
    }

    /// Starts the process; nil, or Lambda's error type and message (after `RequestId: … Error: `)
    /// for what stopped it from starting.
    private func start() -> (type: String, message: String)? {
        endpoint.reopen()
        served = false
        initLines = []
        startedAt = ProcessLauncher.monotonicMilliseconds()
        var pipeEnds: [Int32] = [0, 0]
        guard csc_pipe(&pipeEnds, 1, 1 << 20) == 0 else { return ("Runtime.Unknown", "cannot create a pipe (errno \(errno))") }
        var environment = command.environment
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeAPI
        let result = ProcessLauncher.shared.spawn(
            path: command.executable, arguments: command.arguments, environment: environment, directory: command.directory, output: pipeEnds[1])
        close(pipeEnds[1])
        guard result > 0 else {
            close(pipeEnds[0])
            let reason = String(cString: strerror(-result)).lowercased()
            if result == -ENOENT && command.arguments.isEmpty {
                return ("Runtime.InvalidEntrypoint", "Couldn't find valid bootstrap(s): [\(command.executable) /opt/bootstrap]")
            }
            return (command.arguments.isEmpty ? "Runtime.InvalidEntrypoint" : "Runtime.Unknown", "fork/exec \(command.executable): \(reason)")
        }
        pid = result
        output = pipeEnds[0]
        return nil
    }

    /// Starts the process ahead of an invocation and waits until its runtime asks for work,
    /// reports a failed init, ends, or runs past Lambda's init limit. The next `invoke` reads
    /// what happened: its REPORT carries the init duration, and a failed init is its answer.
    func launchAndWaitUntilReady() {
        guard pid <= 0, launchFailure == nil else { return }
        if let failure = start() {
            launchFailure = failure
            return
        }
        let deadline = startedAt + ExecutionEnvironment.initLimitMilliseconds
        while true {
            let settled = endpoint.state.withLock { $0.initialized || $0.initError != nil }
            let now = ProcessLauncher.monotonicMilliseconds()
            if settled || now >= deadline { return }
            var descriptor = pollfd(fd: endpoint.notifier, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Int32(min(10, max(1, (deadline - now).rounded(.up))))) > 0 {
                var value: UInt64 = 0
                _ = read(endpoint.notifier, &value, 8)
            } else if !drainOutput(into: &initLines, final: false) {
                return  // the process ended; `invoke` reaps it and reports why
            }
        }
    }

    /// Runs one invocation.
    func invoke(_ invocation: CodeInvocation, timeout: Double) -> CodeInvocationOutcome {
        var lines: [String] = []
        var initMilliseconds: Double? = nil
        if pid <= 0, launchFailure == nil { launchFailure = start() }
        if let failure = launchFailure {
            launchFailure = nil
            let payload = RuntimeFailure.payload(failure.type, "RequestId: \(invocation.requestId) Error: \(failure.message)")
            return CodeInvocationOutcome(
                payload: payload.payload, failed: true, durationMilliseconds: 0, initMilliseconds: 0, status: "error", errorType: payload.type)
        }
        // A cold start counts from the process's start (perhaps ahead of this invocation), with
        // what it printed meanwhile.
        let cold = !served
        served = true
        let began = cold ? startedAt : ProcessLauncher.monotonicMilliseconds()
        if cold {
            lines = initLines
            initLines = []
        }
        let initPending = cold && !endpoint.state.withLock { $0.initialized }
        let timeoutMilliseconds = timeout * 1000
        endpoint.enqueue(
            RuntimeEndpoint.Invocation(
                requestId: invocation.requestId, payload: invocation.payload,
                deadlineEpochMilliseconds: ProcessLauncher.epochMilliseconds() + Int64(timeoutMilliseconds)
                    + (initPending ? Int64(ExecutionEnvironment.initLimitMilliseconds) : 0),
                invokedFunctionArn: invocation.invokedFunctionArn, traceId: ExecutionEnvironment.traceId()))
        // The output's end (the process closed it, normally by ending) and the wait status once reaped.
        var outputClosed = false
        var exitStatus: Int32? = nil
        while true {
            // What the runtime said so far.
            let snapshot = endpoint.state.withLock { ($0.answer, $0.initError, $0.pickedUpAt, $0.readyAt) }
            if let pickedUp = snapshot.2, cold, initMilliseconds == nil { initMilliseconds = (snapshot.3 ?? pickedUp) - began }
            if let answer = snapshot.0 {
                // Runtimes write their output before they answer: all of it, a last line
                // without its newline included, belongs to this invocation.
                drainOutput(into: &lines, final: true)
                let finished = ProcessLauncher.monotonicMilliseconds()
                lastUsed = finished
                let duration = finished - (snapshot.2 ?? began)
                switch answer {
                case .response(let body):
                    return CodeInvocationOutcome(
                        payload: body, failed: false, logLines: lines, durationMilliseconds: duration, initMilliseconds: initMilliseconds,
                        maxMemoryUsedMB: invocation.collectLogs ? ProcessLauncher.peakMemoryMB(pid) : 0)
                case .error(let body, let type):
                    return CodeInvocationOutcome(
                        payload: body, failed: true, logLines: lines, durationMilliseconds: duration, initMilliseconds: initMilliseconds,
                        maxMemoryUsedMB: ProcessLauncher.peakMemoryMB(pid), status: type.hasPrefix("Function.") ? "error" : nil, errorType: type)
                }
            }
            if let failure = snapshot.1 {
                // The runtime reported a failed init and exits; the next invocation starts again.
                drainOutput(into: &lines, final: true)
                let memory = ProcessLauncher.peakMemoryMB(pid)
                endProcess()
                let elapsed = ProcessLauncher.monotonicMilliseconds() - began
                lines.append(
                    "INIT_REPORT Init Duration: \(LogFormat.twoDecimals(elapsed)) ms\tPhase: init\tStatus: error\tError Type: \(failure.type)")
                return CodeInvocationOutcome(
                    payload: ExecutionEnvironment.stamped(failure.body, requestId: invocation.requestId), failed: true, logLines: lines,
                    durationMilliseconds: 0, initMilliseconds: elapsed, maxMemoryUsedMB: memory, status: "error", errorType: failure.type)
            }
            if outputClosed, exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
            }
            if let status = exitStatus {
                _ = Glibc.kill(-pid, SIGKILL)  // anything it left behind in its group
                pid = 0
                drainOutput(into: &lines, final: true)
                endProcess()
                if !cold, snapshot.2 == nil {
                    // The process ended after answering the previous invocation (as AWS's Node
                    // runtime client does after posting an uncaught error) and never took this
                    // one: it runs in a new environment, as on AWS, whose sandbox is reset.
                    var outcome = invoke(invocation, timeout: timeout)
                    outcome.logLines = lines + outcome.logLines
                    return outcome
                }
                let reason = ProcessLauncher.exitDescription(status).map { "Runtime exited with error: \($0)" } ?? "Runtime exited without providing a reason"
                let failure = RuntimeFailure.payload("Runtime.ExitError", "RequestId: \(invocation.requestId) Error: \(reason)")
                let elapsed = ProcessLauncher.monotonicMilliseconds() - (snapshot.2 ?? began)
                return CodeInvocationOutcome(
                    payload: failure.payload, failed: true, logLines: lines, durationMilliseconds: elapsed, initMilliseconds: initMilliseconds,
                    status: "error", errorType: failure.type)
            }
            // The deadline: init (on a cold start) has Lambda's 10 s, then the function its timeout.
            let now = ProcessLauncher.monotonicMilliseconds()
            let deadline = snapshot.2.map { $0 + timeoutMilliseconds } ?? (cold ? began + ExecutionEnvironment.initLimitMilliseconds : began + timeoutMilliseconds)
            if now >= deadline {
                drainOutput(into: &lines, final: true)
                let memory = ProcessLauncher.peakMemoryMB(pid)
                endProcess()
                let message = "RequestId: \(invocation.requestId) Error: Task timed out after \(LogFormat.twoDecimals(timeout)) seconds"
                return CodeInvocationOutcome(
                    payload: RuntimeFailure.payload("Sandbox.Timedout", message).payload, failed: true, logLines: lines,
                    durationMilliseconds: snapshot.2 == nil ? 0 : timeoutMilliseconds, initMilliseconds: initMilliseconds, maxMemoryUsedMB: memory,
                    status: "timeout", errorType: "Sandbox.Timedout")
            }
            // Woken by the Runtime API (the eventfd), not by each line the function prints: the
            // output is read every 10 ms (and at the end), which also notices the process ending.
            // The pipe holds 1 MiB, so a function printing more than that in 10 ms waits briefly.
            var descriptor = pollfd(fd: endpoint.notifier, events: Int16(POLLIN), revents: 0)
            let wait = min(10, max(1, (deadline - now).rounded(.up)))
            if poll(&descriptor, 1, Int32(wait)) > 0 {
                var value: UInt64 = 0
                _ = read(endpoint.notifier, &value, 8)
            } else if !outputClosed {
                outputClosed = !drainOutput(into: &lines, final: false)
            }
        }
    }

    /// Reads what the process wrote so far into lines; false at end of file (the process and
    /// everything it started closed their output: it has ended).
    @discardableResult
    private func drainOutput(into lines: inout [String], final: Bool) -> Bool {
        guard output >= 0 else { return false }
        var open = true
        while true {
            let count = readBuffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count > 0 {
                pendingOutput.append(contentsOf: readBuffer[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 { open = false }
            break
        }
        var start = 0
        for index in pendingOutput.indices where pendingOutput[index] == 0x0A {
            lines.append(String(decoding: pendingOutput[start..<index], as: UTF8.self))
            start = index + 1
        }
        pendingOutput.removeFirst(start)
        if final || pendingOutput.count > 256 * 1024, !pendingOutput.isEmpty {
            lines.append(String(decoding: pendingOutput, as: UTF8.self))
            pendingOutput = []
        }
        return open
    }

    /// `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0`.
    static func traceId() -> String {
        let epoch = UInt64(ProcessLauncher.epochMilliseconds() / 1000)
        let root = RequestIdentifier.traceIdentifier(epochSeconds: epoch)
        let parent = String(RequestIdentifier.next(), radix: 16)
        return root + ";Parent=" + String(repeating: "0", count: 16 - parent.count) + parent + ";Sampled=0"
    }
}

/// Lambda's error bodies for failures of the environment rather than of the function.
enum RuntimeFailure {
    static func payload(_ type: String, _ message: String) -> (payload: [UInt8], type: String) {
        (Array("{\"errorType\":\(JSONWriter.quoted(type)),\"errorMessage\":\(JSONWriter.quoted(message))}".utf8), type)
    }
}

extension ExecutionEnvironment {
    /// An init error's body with the request id of the invocation it failed (a runtime posts
    /// `init/error` before it has an invocation, so its `requestId` is empty), as Lambda
    /// answers the invocation that met the failed init.
    static func stamped(_ body: [UInt8], requestId: String) -> [UInt8] {
        guard case .object(var object)? = try? JSONParser().parse(body), object["requestId"] == nil || object["requestId"] == .string("") else {
            return body
        }
        object["requestId"] = .string(requestId)
        return JSONWriter.compact.bytes(.object(object))
    }
}
