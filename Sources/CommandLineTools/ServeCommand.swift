import CommandSupport
import APIGateway
import CSystemCalls
import ControlPlane
import Dispatch
import HTTPServer
import LocalGateway
import JSONCore
import Synchronization
import Templates

#if canImport(Glibc)
import Glibc
#endif

/// `gateway serve`: the local invoke URL. Loads the API, starts the HTTP server in front of
/// the gateway, prints where to reach it, and runs until SIGINT or SIGTERM.
public enum ServeCommand {
    static let help = """
        Usage: gateway serve [options]

        Serves every deployed stage at http://HOST:PORT/STAGE/... (ItemsAPI by default), as the
        stage's invoke URL would, and AWS's Lambda and API Gateway APIs on the same port: the aws
        CLI, boto3 and the SDKs work against it with --endpoint-url http://HOST:PORT (requests
        signed for the lambda or apigateway service go to the APIs; the rest are invoke-URL
        requests). Every change is saved before it is answered; quota counts survive a crash.
        While it runs, the other gateway commands talk to it. Stops on Ctrl-C (SIGINT) or
        SIGTERM: no new connections, requests in progress finish (5 s at most), exit status 0.

        Options:
          --template [FILE]    serve an AWS SAM or CloudFormation template (YAML or JSON;
                               without FILE: template.yaml, template.yml or template.json here)
          --parameter-overrides 'Key=Value ...'
                               template parameters (also ParameterKey=K,ParameterValue=V)
          --env-vars FILE      function environment variables in the SAM CLI's format
                               ({"Parameters": {...}, "Function": {...}}; only variables the
                               template declares are set, the others are named)
          --host ADDRESS       address to bind (default: 127.0.0.1)
          --port N             port (default: 8080; 0 picks a free port and prints it)
          --log-format FORMAT  access log on standard error: text (default), json or off
          --threads N          event-loop threads (default: one per core; four per core when a
                               function runs from a code directory, whose invocations wait on
                               their process)
          --exit-with-parent   stop (as on SIGTERM) when the process that started the
                               server ends, even by a crash (for test harnesses and tools)
          --no-watch           do not watch the deployment file, the definitions and the model
                               files (by default an edit is checked and applied within a
                               second; a broken edit keeps the running version and is logged)
          --node PATH          the node that runs nodejs18.x–nodejs24.x functions (default: the
                               first node on PATH)
          --jwks POOL=FILE     check Cognito tokens of the user pool POOL (id or ARN) against
                               its published keys (the pool's .well-known/jwks.json saved in
                               FILE); repeatable. Without it, a pool's tokens are those of the
                               local issuer (gateway cognito token), whose keys are served at
                               /_gateway/cognito/POOL_ID/.well-known/jwks.json
          --require-signature  verify the SigV4 signature of AWS API requests against the
                               credentials in the state directory (credentials.json; made on
                               first use); by default any access key is accepted
        \(GatewayManagement.commonOptions)

        Exit status: 0 after a clean stop, 2 when the server cannot start (port in use,
        bad definition file, bad option).

        """

    /// Log formats for `--log-format`.
    enum LogFormat: String {
        case text, json, off
    }

    /// Runs the command; `waitForStop` blocks until the server should stop (by default, until
    /// SIGINT or SIGTERM). Returns the exit status.
    public static func run(arguments: [String], io: CommandIO, functions: BuiltInFunctions = BuiltInFunctions(), waitForStop: (() -> Void)? = nil) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print(help)
            return 0
        }
        guard let prepared = TemplateOptions.prepare(arguments, io: io) else { return 2 }
        guard let common = GatewayManagement.common(prepared.arguments, command: "serve", io: io, functions: functions) else { return 2 }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 8080)
        var threadsChosen = false
        var format = LogFormat.text
        var requireSignature = false
        var jwks: [String: String] = [:]
        var exitWithParent = false
        var watchFiles = true
        var node: String? = nil
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            let value = { inline ?? scanner.value() }
            switch name {
            case "--host":
                guard let host = value() else { return GatewayManagement.fail("serve", "--host needs an address", io: io) }
                configuration.host = host
            case "--port":
                guard let text = value(), let port = Int(text), (0...65535).contains(port) else {
                    return GatewayManagement.fail("serve", "--port needs a number from 0 to 65535", io: io)
                }
                configuration.port = port
            case "--threads":
                guard let text = value(), let threads = Int(text), (1...64).contains(threads) else {
                    return GatewayManagement.fail("serve", "--threads needs a number from 1 to 64", io: io)
                }
                configuration.eventLoops = threads
                threadsChosen = true
            case "--require-signature":
                requireSignature = true
            case "--jwks":
                guard let text = value(), let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                    return GatewayManagement.fail("serve", "--jwks needs POOL=FILE (a user pool's id or ARN, and its saved jwks.json)", io: io)
                }
                jwks[String(text[..<equals])] = FileSystem.absolute(String(text[text.index(after: equals)...]))
            case "--exit-with-parent":
                exitWithParent = true
            case "--no-watch":
                watchFiles = false
            case "--node":
                guard let path = value(), !path.isEmpty else { return GatewayManagement.fail("serve", "--node needs the path of a node executable", io: io) }
                node = FileSystem.absolute(path)
            case "--log-format":
                guard let text = value(), let chosen = LogFormat(rawValue: text) else {
                    return GatewayManagement.fail("serve", "--log-format is text, json or off", io: io)
                }
                format = chosen
            default:
                return GatewayManagement.fail("serve", "unexpected argument \(argument)", io: io)
            }
        }

        let log = LineWriter(io: io)
        defer { log.close() }
        let sink: (@Sendable (GatewayLogEvent) -> Void)?
        switch format {
        case .off: sink = nil
        case .text: sink = { log.append($0.terminalText) }
        case .json: sink = { log.append($0.json) }
        }
        if format != .off {
            let json = format == .json
            configuration.protocolErrorLog = { line in log.append(json ? "{\"protocolError\":\(JSONWriter.quoted(line))}" : "refused: " + line) }
        }
        let started: LocalGateway
        do {
            started = try LocalGateway.start(
                LocalGateway.Options(
                    deploymentFile: common.deploymentFile, stateDirectory: common.stateDirectory, handlers: common.handlers, server: configuration,
                    threadsChosen: threadsChosen, logSink: sink, node: node, requireSignature: requireSignature, jwks: jwks))
        } catch {
            io.printError("gateway serve: \(error.description)\n")
            return 2
        }
        let control = started.control
        let live = started.responder
        // Signals are caught before the banner says the server is ready.
        let wait = waitForStop ?? signalWaiter()
        if exitWithParent {
            let parent = getppid()
            _ = csc_set_parent_death_signal(SIGTERM)
            if getppid() != parent { kill(getpid(), SIGTERM) }  // the parent ended before the request took hold
        }
        if !control.startupReport.isEmpty { io.printError("gateway serve: \(control.startupReport)\n") }
        io.print(banner(control: control, host: started.host, port: started.port, signed: started.credentials, template: prepared.project))
        if watchFiles {
            var prepare: (@Sendable () -> String?)? = nil
            if let generator = prepared.generator {
                prepare = { TemplateOptions.regenerate(generator, log: log) }
            }
            live.watchSources(extraFiles: prepared.project?.sourceFiles ?? [], prepare: prepare) { outcome in
                switch outcome {
                case .applied(let changes):
                    log.append("gateway serve: reloaded the edited files" + (changes.isEmpty ? " (nothing they declare changed)" : ": " + changes))
                case .kept(let reason):
                    log.append("gateway serve: kept the running version; the edited files do not load: " + reason)
                }
                log.flush()
            }
        }
        wait()
        live.stopWatching()

        log.flush()
        io.printError("gateway serve: stopping (finishing requests in progress)\n")
        started.stop(gracePeriod: 5)
        log.close()
        io.printError("gateway serve: stopped\n")
        return 0
    }

    /// What the server prints on start: invoke URLs, keys with their plans, a curl line.
    static func banner(control: ControlPlane, host: String, port: Int, signed: StateDirectory.Credentials?, template: TemplateProject? = nil) -> String {
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let base = "http://\(urlHost):\(port)"
        let stages = control.gateway.stageSummaries
        let title = (stages.first { $0.name == "prod" } ?? stages.first)?.apiTitle ?? "The gateway"
        var text = "\(title) is listening on \(base) (port \(port))\n\nStages:\n"
        for stage in stages {
            let integrations = stage.integrations.joined(separator: ", ")
            let notes = [stage.requiresAPIKey ? "API key required" : nil, stage.cacheEnabled ? "cache on" : nil].compactMap { $0 }
            text += "  \(base)/\(stage.name)  -> \(integrations)" + (notes.isEmpty ? "" : "  (\(notes.joined(separator: ", ")))") + "\n"
        }
        let keys = control.apiGateway.apiKeys
        text += "\nAPI keys (send as x-api-key):\n"
        if keys.isEmpty { text += "  (none)\n" }
        for key in keys {
            let plans = key.usagePlans.map { name in
                guard let plan = control.configuration.usagePlans.first(where: { $0.name == name }) else { return name }
                var limits: [String] = []
                if let throttle = plan.throttle { limits.append("\(throttle.rateLimit.rounded() == throttle.rateLimit ? String(Int(throttle.rateLimit)) : String(throttle.rateLimit)) req/s, burst \(throttle.burstLimit)") }
                if let quota = plan.quota { limits.append("\(quota.limit) per \(quota.period.rawValue)") }
                return limits.isEmpty ? name : "\(name): \(limits.joined(separator: ", "))"
            }
            text += "  \(key.name)  \(key.value)  \(key.enabled ? "" : "(disabled)  ")[\(plans.isEmpty ? "no usage plan" : plans.joined(separator: "; "))]\n"
        }
        // A GET path of the API itself, on the prod stage (or the first).
        if let stage = stages.first(where: { $0.name == "prod" && $0.samplePath != nil }) ?? stages.first(where: { $0.samplePath != nil }),
            let path = stage.samplePath
        {
            let key = keys.first { $0.enabled }
            let header = stage.requiresAPIKey ? "-H \"x-api-key: \(key?.value ?? "YOUR_API_KEY")\" " : ""
            text += "\nTry:\n  curl \(header)\(base)/\(stage.name)\(path)\n"
        }
        if let template, !template.outputs.isEmpty {
            // The template's Outputs, its invoke URLs made local.
            let aws = "https://\(template.apiId).execute-api.\(template.region).amazonaws.com"
            text += "\nOutputs:\n"
            for output in template.outputs {
                text += "  \(output.name): \(output.value.replacingOccurrences(of: aws, with: base))\n"
            }
        }
        text += "\nAWS APIs (Lambda 2015-03-31, API Gateway 2015-07-09) on the same port:\n"
        if let signed {
            text += "  signatures verified: AWS_ACCESS_KEY_ID=\(signed.accessKeyId), the secret in the state directory's credentials.json\n"
        } else {
            text += "  any access key is accepted (AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test)\n"
        }
        text += "  aws --endpoint-url \(base) lambda list-functions\n"
        text += "\nPress Ctrl-C to stop.\n"
        return text
    }

    /// Catches SIGINT and SIGTERM from now on; the closure blocks until one arrives.
    static func signalWaiter() -> () -> Void {
        let received = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { received.signal() }
            source.resume()
            sources.append(source)
        }
        return {
            received.wait()
            for source in sources { source.cancel() }
        }
    }
}

/// Lines for standard error, buffered so that logging does not cost a system call per request:
/// flushed when 32 KB accumulate, every 100 ms, and on close.
final class LineWriter: Sendable {
    private let io: CommandIO
    private let state = Mutex<(buffer: [UInt8], closed: Bool)>(([], false))
    /// Dispatch sources are thread-safe; the type is just not marked `Sendable`.
    private nonisolated(unsafe) let timer: any DispatchSourceTimer

    init(io: CommandIO) {
        self.io = io
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
    }

    /// Adds one line (a line break is appended).
    func append(_ line: String) {
        state.withLock { state in
            guard !state.closed else { return }
            state.buffer.append(contentsOf: line.utf8)
            state.buffer.append(0x0A)
            if state.buffer.count >= 32 * 1024 {
                io.writeError(state.buffer)
                state.buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Writes what is buffered.
    func flush() {
        state.withLock { state in
            if !state.buffer.isEmpty { io.writeError(state.buffer) }
            state.buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Flushes and stops the timer; later lines are dropped.
    func close() {
        timer.cancel()
        flush()
        state.withLock { $0.closed = true }
    }
}
