#if canImport(Glibc)
import Glibc
#endif
import APIGateway
import Dispatch
import HTTPCore
import Synchronization

/// What `gateway serve` serves: the control plane made from the files, made again when they
/// change. An edit of the deployment file, a definition or a model file it references is read,
/// checked and applied within a second (the same rule as a restart: see `ControlPlane.load`);
/// a broken edit keeps the running version, and the log says why with the file and place.
/// Requests in progress finish on the version they started on. Function code needs no reload:
/// `$LATEST` runs the directory as it is (the runner watches it).
public final class LiveControlPlane: HTTPResponder, Sendable {
    private let current: Mutex<FrontDoor>
    private let credentials: StateDirectory.Credentials?
    private let logSink: (@Sendable (GatewayLogEvent) -> Void)?
    private let reloading = Mutex(())
    private let watcher = Mutex<SourceWatch?>(nil)
    /// Files watched besides the control plane's own.
    private let extra = Mutex<[String]>([])

    /// Serves `control` (loaded by `ControlPlane.load`) behind a `FrontDoor`.
    public init(control: ControlPlane, requireSignature credentials: StateDirectory.Credentials? = nil, logSink: (@Sendable (GatewayLogEvent) -> Void)? = nil) {
        current = Mutex(FrontDoor(control: control, requireSignature: credentials, logSink: logSink))
        self.credentials = credentials
        self.logSink = logSink
    }

    deinit { stopWatching() }

    /// The control plane serving now.
    public var control: ControlPlane { current.withLock { $0.control } }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        current.withLock { $0 }.respond(to: request)
    }

    /// What a reload did.
    public enum ReloadOutcome: Sendable, Equatable {
        /// The files were applied; the text says what changed (empty when nothing did).
        case applied(String)
        /// The files could not be applied; the running version stays. The text says why.
        case kept(String)
    }

    /// Loads the files again over the state directory and serves the result, or keeps the
    /// running version when they do not load. A change made through the AWS APIs while the
    /// reload runs waits for it; one that reached the old version after is refused (409),
    /// never lost silently.
    @discardableResult
    public func reload() -> ReloadOutcome {
        reloading.withLock { _ in
            let old = control
            guard let origin = old.origin else { return .kept("this control plane was not loaded from files") }
            let loaded = old.committer.model.withLock { _ -> Result<ControlPlane, GatewayLoadError> in
                old.committer.retired.store(true, ordering: .releasing)
                do throws(GatewayLoadError) {
                    let control = try ControlPlane.load(
                        deploymentFile: origin.deploymentFile, stateDirectory: origin.stateDirectory, handlers: origin.handlers, clock: old.gateway.clock,
                        logSink: origin.logSink, readOnly: origin.readOnly, codeRunner: origin.codeRunner, ledger: old.apiGateway.ledger,
                        jwks: origin.jwks)
                    return .success(control)
                } catch {
                    old.committer.retired.store(false, ordering: .releasing)
                    return .failure(error)
                }
            }
            switch loaded {
            case .failure(let error):
                return .kept(error.description)
            case .success(let control):
                let door = FrontDoor(control: control, requireSignature: credentials, logSink: logSink)
                current.withLock { $0 = door }
                let extraFiles = extra.withLock { $0 }
                watcher.withLock { $0?.watch(control.sourceFiles + extraFiles) }
                let report = control.startupReport.split(separator: "; ").filter { $0.hasPrefix("applied the files' changes: ") }
                return .applied(report.map { String($0.dropFirst("applied the files' changes: ".count)) }.joined(separator: "; "))
            }
        }
    }

    /// Watches the source files (every `interval` seconds) and reloads after a change, once
    /// the files have been still for one more interval; `report` receives each outcome.
    /// `extraFiles` are watched too (a template the files are made from), and `prepare` runs
    /// before each reload: it makes the files again, or returns why it cannot (the running
    /// version stays).
    public func watchSources(
        interval: Double = 0.25, extraFiles: [String] = [], prepare: (@Sendable () -> String?)? = nil,
        report: @escaping @Sendable (ReloadOutcome) -> Void
    ) {
        extra.withLock { $0 = extraFiles }
        let watch = SourceWatch(files: control.sourceFiles + extraFiles, interval: interval) { [weak self] in
            guard let self else { return }
            if let problem = prepare?() {
                report(.kept(problem))
                return
            }
            report(self.reload())
        }
        watcher.withLock { $0 = watch }
    }

    /// Stops watching.
    public func stopWatching() {
        watcher.withLock { watch in
            watch?.stop()
            watch = nil
        }
    }
}

/// Polls a few files' metadata (size, modification time, inode) on a thread of its own and
/// calls `changed` when any differs from the last look and has then stayed the same for one
/// interval (an editor's save is one change, not three).
final class SourceWatch: Sendable {
    private struct Look: Equatable {
        var size: Int64 = -1
        var seconds = 0
        var nanoseconds = 0
        var inode: UInt64 = 0
    }

    private final class Shared: Sendable {
        let state: Mutex<(files: [String], looks: [Look], stopped: Bool)>
        init(_ files: [String]) { state = Mutex((files, files.map(SourceWatch.look), false)) }
    }

    private let shared: Shared
    private let stopSignal = DispatchSemaphore(value: 0)

    init(files: [String], interval: Double, changed: @escaping @Sendable () -> Void) {
        shared = Shared(files)
        DetachedThread.detach { [shared, stopSignal] in
            var pending: [Look]? = nil
            while stopSignal.wait(timeout: .now() + .milliseconds(Int(interval * 1000))) == .timedOut {
                let (files, known, stopped) = shared.state.withLock { ($0.files, $0.looks, $0.stopped) }
                if stopped { return }
                let now = files.map(SourceWatch.look)
                if now == known { pending = nil; continue }
                // Changed: wait until two looks agree, then report once.
                if pending != now { pending = now; continue }
                pending = nil
                let replaced = shared.state.withLock { state -> Bool in
                    guard state.files == files else { return false }
                    state.looks = now
                    return true
                }
                if replaced { changed() }
            }
        }
    }

    /// Watches `files` from now on (after a reload changed the set).
    func watch(_ files: [String]) {
        shared.state.withLock { state in
            guard state.files != files else { return }
            state.files = files
            state.looks = files.map(SourceWatch.look)
        }
    }

    func stop() {
        let first = shared.state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { stopSignal.signal() }
    }

    private static func look(_ path: String) -> Look {
        var info = stat()
        guard stat(path, &info) == 0 else { return Look() }
        return Look(size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec, inode: UInt64(info.st_ino))
    }
}
