#if canImport(Glibc)
import Glibc
#endif
import APIGateway
import ControlPlane
import HTTPServer
import LambdaEnvironments
import LambdaRuntime

/// A gateway served on a port, as `gateway serve` runs it: the state directory locked (one
/// writer), the runner for functions with code in a directory, the control plane loaded from
/// the deployment file and the state, the HTTP server listening in front of it, the server's
/// address recorded in the state directory for the other commands, and the files watched.
///
/// `start` does all of it or nothing: a start that fails leaves the state directory as it
/// found it and stops whatever it started. `stop` ends it in the reverse order. The
/// command-line tool parses its options into `LocalGateway.Options` and prints what it
/// returns; tests and tools can serve a gateway in process the same way.
public final class LocalGateway: Sendable {
    /// How to serve.
    public struct Options: Sendable {
        /// The deployment file.
        public var deploymentFile: String
        /// The state directory (`.gateway`).
        public var stateDirectory: String
        /// Lambda handlers compiled into the executable, by handler name.
        public var handlers: [String: any LambdaHandler]
        /// Address, port (0 picks a free one), event-loop threads.
        public var server: ServerConfiguration
        /// Whether `server.eventLoops` was chosen; when it was not and a function runs from a
        /// code directory, four threads per core serve (an invocation holds its thread while
        /// its process works).
        public var threadsChosen: Bool
        /// Each request's log event (nil: no access log).
        public var logSink: (@Sendable (GatewayLogEvent) -> Void)?
        /// The node that runs nodejs functions (nil: the first on `PATH`).
        public var node: String?
        /// Verify AWS API requests' SigV4 signatures against the state directory's credentials.
        public var requireSignature: Bool
        /// Published key sets of real Cognito user pools: pool id or ARN → JWKS file.
        public var jwks: [String: String] = [:]

        /// Options for `deploymentFile` over `stateDirectory` on `server` (127.0.0.1:8080 by default).
        public init(
            deploymentFile: String, stateDirectory: String, handlers: [String: any LambdaHandler] = [:],
            server: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 8080), threadsChosen: Bool = false,
            logSink: (@Sendable (GatewayLogEvent) -> Void)? = nil, node: String? = nil, requireSignature: Bool = false, jwks: [String: String] = [:]
        ) {
            self.jwks = jwks
            self.deploymentFile = deploymentFile
            self.stateDirectory = stateDirectory
            self.handlers = handlers
            self.server = server
            self.threadsChosen = threadsChosen
            self.logSink = logSink
            self.node = node
            self.requireSignature = requireSignature
        }
    }

    /// Why a gateway did not start.
    public enum StartError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another process serves (or changes) the state directory; its record when it has one.
        case stateDirectoryInUse(String, running: StateDirectory.ServerRecord?)
        /// The files, the state or the port: the message says which and why.
        case failed(String)

        public var description: String {
            switch self {
            case .stateDirectoryInUse(let directory, let running):
                "another process uses the state directory \(directory)" + (running.map { " (pid \($0.pid) at \($0.url))" } ?? "")
            case .failed(let message): message
            }
        }
    }

    /// The control plane as loaded at start (`responder.control` is the one serving now, after
    /// reloads).
    public let control: ControlPlane
    /// What answers requests: the control plane, made again when its files change.
    public let responder: LiveControlPlane
    /// The port listened on.
    public let port: Int
    /// The address bound.
    public let host: String
    /// The credentials AWS API requests are verified against (`requireSignature`).
    public let credentials: StateDirectory.Credentials?
    private let server: HTTPServer
    private let directory: StateDirectory
    private let lock: StateDirectory.Lock
    private let runner: LocalCodeRunner

    private init(
        control: ControlPlane, responder: LiveControlPlane, server: HTTPServer, host: String, credentials: StateDirectory.Credentials?,
        directory: StateDirectory, lock: StateDirectory.Lock, runner: LocalCodeRunner
    ) {
        self.control = control
        self.responder = responder
        self.server = server
        self.port = server.port
        self.host = host
        self.credentials = credentials
        self.directory = directory
        self.lock = lock
        self.runner = runner
    }

    /// Locks the state directory, loads the control plane, starts the server and records its
    /// address. On failure nothing stays started and the state directory is as it was.
    public static func start(_ options: Options) throws(StartError) -> LocalGateway {
        let directory = StateDirectory(options.stateDirectory)
        let untouched = StateDirectory.Entries(of: options.stateDirectory)
        var runner: LocalCodeRunner? = nil
        func failed(_ message: String) -> StartError {
            runner?.shutdown()
            untouched.removeAdded()
            return .failed(message)
        }
        let lock: StateDirectory.Lock
        let control: ControlPlane
        let credentials: StateDirectory.Credentials?
        do {
            guard let taken = try directory.tryLock() else {
                throw StartError.stateDirectoryInUse(options.stateDirectory, running: directory.runningServer())
            }
            lock = taken
            let made = codeRunner(stateDirectory: options.stateDirectory, node: options.node)
            runner = made
            control = try ControlPlane.load(
                deploymentFile: options.deploymentFile, stateDirectory: options.stateDirectory, handlers: options.handlers, logSink: options.logSink,
                codeRunner: made, jwks: options.jwks)
            credentials = options.requireSignature ? try directory.credentials() : nil
        } catch let error as StartError {
            throw error
        } catch {
            throw failed(String(describing: error))
        }
        var configuration = options.server
        // A request to a function run as a process holds its thread while the process works:
        // more threads keep the cores busy meanwhile, and each takes one ready connection at a
        // time so that none waits behind another's invocation (see docs/performance.md).
        if control.configuration.functions.contains(where: { $0.latest.runtime != nil }) {
            if !options.threadsChosen { configuration.eventLoops = min(64, 4 * configuration.eventLoops) }
            configuration.eventsPerWait = 1
        }
        let responder = LiveControlPlane(control: control, requireSignature: credentials, logSink: options.logSink)
        let server: HTTPServer
        do {
            server = try HTTPServer.start(configuration, responder: responder)
        } catch {
            throw failed(error.description)
        }
        do {
            try directory.writeServer(StateDirectory.ServerRecord(host: configuration.host, port: server.port, pid: getpid()))
        } catch {
            server.stop(gracePeriod: 0)
            throw failed(error.description)
        }
        return LocalGateway(
            control: control, responder: responder, server: server, host: configuration.host, credentials: credentials, directory: directory, lock: lock,
            runner: runner!)
    }

    /// `http://127.0.0.1:8080` (an IPv6 address in brackets).
    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Stops watching, stops accepting connections, lets requests in progress finish (up to
    /// `gracePeriod` seconds), ends the functions' processes, removes the server's record and
    /// releases the state directory. Nothing needs saving: every change was written before it
    /// was answered.
    public func stop(gracePeriod: Double = 5) {
        responder.stopWatching()
        server.stop(gracePeriod: gracePeriod)
        runner.shutdown()
        directory.removeServer()
        lock.release()
    }

    /// The runner for functions with code in a directory: published code is kept in the state
    /// directory's `code` folder (in a temporary folder when the state is only read).
    public static func codeRunner(stateDirectory: String, readOnly: Bool = false, node: String? = nil) -> LocalCodeRunner {
        let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let snapshots = readOnly ? "\(temporary)/itemsapi-code-\(getpid())" : stateDirectory + "/code"
        return LocalCodeRunner(snapshotDirectory: snapshots, nodeExecutable: node)
    }
}
