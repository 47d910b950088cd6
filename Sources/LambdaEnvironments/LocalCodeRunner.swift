#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import LambdaRuntime
import Synchronization

/// Runs function code from directories as local processes that stay warm: the
/// `FunctionCodeRunner` `gateway serve` gives its `LambdaService`.
///
/// Each function version with its configuration has a pool of execution environments. An
/// invocation takes a free (warm) environment; when none is free it waits, and the pool starts
/// environments in the background while more invocations wait than environments are starting,
/// up to `maxEnvironmentsPerFunction` and at most `maxConcurrentStarts` at once. A waiting
/// invocation gets whichever environment is ready first: one finishing its invocation or a
/// new one (whose first invocation reports the init). So a burst of concurrent invocations
/// waits for one init, not for many inits fighting over the cores. Past the cap an invocation
/// waits up to `maxWaitSeconds` (then 429 `TooManyRequestsException`). Environments idle for
/// `idleSeconds` stop. `$LATEST`'s directory is watched: after a change, the next invocation
/// runs in a new environment. Publishing copies the directory under `snapshotDirectory`.
public final class LocalCodeRunner: FunctionCodeRunner, @unchecked Sendable {
    // Safety: `pools` and `watches` are guarded by their mutexes; the rest is immutable.
    struct PoolKey: Hashable {
        var function: String
        var version: String
        var configuration: FunctionConfiguration
    }

    final class Pool: @unchecked Sendable {
        // Safety: guarded by the runner's `pools` mutex.
        var idle: [ExecutionEnvironment] = []
        /// Environments alive or starting.
        var count = 0
        /// Environments starting in the background.
        var starting = 0
        var generation = 0
        /// Invocations waiting for an environment, oldest first.
        var waiters: [Waiter] = []
        /// The latest invocation, which new environments' launch commands are made from.
        var template: CodeInvocation?
    }

    /// An invocation waiting for an environment: handed one (or the error that stopped the
    /// pool from starting one) and signalled.
    final class Waiter: @unchecked Sendable {
        // Safety: written by the thread that hands it over before `handed.signal()`, read by
        // the waiting thread after `handed.wait()`.
        let handed = DispatchSemaphore(value: 0)
        var environment: ExecutionEnvironment?
        var failure: LambdaServiceError?
    }

    private let pools = Mutex<[PoolKey: Pool]>([:])
    private let watches = Mutex<[String: CodeWatch]>([:])
    private let runtimes: FunctionRuntimes
    private let stopped = Atomic(false)
    /// Where published versions' code is copied: `<snapshotDirectory>/<function>/<version>`.
    public let snapshotDirectory: String
    /// Environments per function version at most (sized for the machine).
    public let maxEnvironmentsPerFunction: Int
    /// How long an invocation waits for a free environment when all are busy.
    public let maxWaitSeconds: Double
    /// Environments of one function version starting at the same time at most.
    public let maxConcurrentStarts: Int
    /// Environments idle this long stop.
    public let idleSeconds: Double

    /// The default cap: four environments per core, at least eight.
    public static var defaultMaxEnvironments: Int { max(8, 4 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The default number of concurrent starts: one per core, at least two (an init is mostly
    /// CPU: more at once only makes each slower).
    public static var defaultConcurrentStarts: Int { max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// A runner. `snapshotDirectory` holds published code (the state directory's `code`
    /// folder; a relative path is taken from the current directory and kept absolute);
    /// `runtimeDirectory` receives the runtime clients; `nodeExecutable` runs Node.js functions
    /// (nil: the first `node` on `PATH`).
    public init(
        snapshotDirectory: String, runtimeDirectory: String? = nil, nodeExecutable: String? = nil,
        maxEnvironmentsPerFunction: Int = LocalCodeRunner.defaultMaxEnvironments,
        maxWaitSeconds: Double = 30, idleSeconds: Double = 600, maxConcurrentStarts: Int = LocalCodeRunner.defaultConcurrentStarts
    ) {
        // Published code is recorded by this path and run from it whatever directory a later
        // process starts in: never relative.
        self.snapshotDirectory = snapshotDirectory.hasPrefix("/") ? snapshotDirectory : FileManager.default.currentDirectoryPath + "/" + snapshotDirectory
        self.maxEnvironmentsPerFunction = max(1, maxEnvironmentsPerFunction)
        self.maxConcurrentStarts = max(1, maxConcurrentStarts)
        self.maxWaitSeconds = maxWaitSeconds
        self.idleSeconds = idleSeconds
        let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        runtimes = FunctionRuntimes(runtimeDirectory: runtimeDirectory ?? "\(temporary)/itemsapi-lambda-runtime-\(getuid())", nodeExecutable: nodeExecutable)
        startSweeper()
    }

    deinit { shutdown() }

    // MARK: - FunctionCodeRunner

    public func prepare(_ configuration: FunctionConfiguration) throws(LambdaServiceError) -> [String] {
        let runtime = configuration.runtime ?? ""
        try FunctionRuntimes.check(runtime)
        guard let code = configuration.code else {
            throw LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: "runtime \(runtime) needs a code directory")
        }
        var info = stat()
        guard stat(code, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: "the code directory \(code) does not exist")
        }
        var warnings: [String] = []
        if FunctionRuntimes.isPython(runtime) {
            let interpreter = try runtimes.interpreter(for: runtime)
            if let warning = interpreter.warning { warnings.append(warning) }
            _ = try runtimes.pythonClient()
        } else if FunctionRuntimes.isNode(runtime) {
            let interpreter = try runtimes.interpreter(for: runtime)
            if let warning = interpreter.warning { warnings.append(warning) }
            _ = try runtimes.nodeClient()
        } else if access(code + "/bootstrap", X_OK) != 0 {
            warnings.append("runtime \(runtime): \(code)/bootstrap is missing or not executable; invocations fail with Runtime.InvalidEntrypoint")
        }
        return warnings
    }

    public func unpack(function: String, package: [UInt8]) throws(LambdaServiceError) -> (directory: String, digest: CodePackageDigest) {
        let unpacked = try CodePackage.unpack(package, function: function, root: snapshotDirectory)
        return (unpacked.directory, CodePackageDigest(sha256: unpacked.sha256, size: unpacked.size))
    }

    public func discard(function: String) {
        // Only names a function can have: never a path out of the snapshot directory.
        guard !function.isEmpty, function.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return }
        try? FileManager.default.removeItem(atPath: snapshotDirectory + "/" + function)
    }

    public func fingerprint(_ configuration: FunctionConfiguration) -> String? {
        configuration.code.flatMap(CodeWatch.digest)
    }

    public func publish(function: String, version: Int, configuration: FunctionConfiguration) throws(LambdaServiceError) -> FunctionConfiguration {
        guard let code = configuration.code else { return configuration }
        let destination = snapshotDirectory + "/" + function + "/" + String(version)
        try CodeWatch.snapshot(code, to: destination)
        var frozen = configuration
        frozen.code = destination
        frozen.codeSha256 = CodeWatch.digest(destination)
        return frozen
    }

    public func invoke(_ invocation: CodeInvocation) throws(LambdaServiceError) -> CodeInvocationOutcome {
        guard !stopped.load(ordering: .relaxed) else {
            throw LambdaServiceError(status: 500, type: "ServiceException", message: "the function runner has stopped")
        }
        let key = PoolKey(function: invocation.functionName, version: invocation.version, configuration: invocation.configuration)
        // `$LATEST` runs the user's directory as it is now; published versions never change.
        var generation = 0
        if invocation.version == "$LATEST", let code = invocation.configuration.code { generation = watch(code).currentGeneration() }
        let pool = pools.withLock { pools in
            if let pool = pools[key] { return pool }
            let pool = Pool()
            pools[key] = pool
            return pool
        }
        let environment = try acquire(from: pool, for: invocation, generation: generation)
        let outcome = environment.invoke(invocation, timeout: invocation.configuration.timeout)
        release(environment, to: pool, started: false)
        return outcome
    }

    /// A warm environment, or the first one to be ready while the invocation waits.
    private func acquire(from pool: Pool, for invocation: CodeInvocation, generation: Int) throws(LambdaServiceError) -> ExecutionEnvironment {
        let waiter = Waiter()
        var stale: [ExecutionEnvironment] = []
        var launches = 0
        let warm = pools.withLock { _ -> ExecutionEnvironment? in
            if generation > pool.generation {
                pool.generation = generation
                stale = pool.idle
                pool.idle = []
                pool.count -= stale.count
            }
            if let environment = pool.idle.popLast() { return environment }
            var template = invocation
            template.payload = []
            pool.template = template
            pool.waiters.append(waiter)
            launches = plannedLaunches(pool)
            return nil
        }
        for environment in stale { environment.stop() }
        if let warm { return warm }
        launch(launches, in: pool)
        while waiter.handed.wait(timeout: .now() + .milliseconds(Int(maxWaitSeconds * 1000))) == .timedOut {
            // Waiting for a start is not waiting past the cap: starts end within the init limit.
            let gaveUp = pools.withLock { _ -> Bool in
                guard pool.starting == 0, let index = pool.waiters.firstIndex(where: { $0 === waiter }) else { return false }
                pool.waiters.remove(at: index)
                return true
            }
            if gaveUp {
                throw LambdaServiceError(
                    status: 429, type: "TooManyRequestsException",
                    message: "Rate Exceeded: all \(maxEnvironmentsPerFunction) execution environments of \(invocation.functionName) stayed busy for \(Int(maxWaitSeconds)) s")
            }
        }
        if let failure = waiter.failure { throw failure }
        guard let environment = waiter.environment else {
            throw LambdaServiceError(status: 500, type: "ServiceException", message: "the function runner has stopped")
        }
        return environment
    }

    /// How many environments to start now (called under the lock): while more invocations wait
    /// than environments are starting, within the cap and the concurrent-start limit.
    private func plannedLaunches(_ pool: Pool) -> Int {
        var launches = 0
        while !stopped.load(ordering: .relaxed), pool.count < maxEnvironmentsPerFunction, pool.starting < maxConcurrentStarts,
            pool.waiters.count > pool.starting
        {
            pool.count += 1
            pool.starting += 1
            launches += 1
        }
        return launches
    }

    /// Starts `count` environments in the background (already counted in `pool`).
    private func launch(_ count: Int, in pool: Pool) {
        for _ in 0..<count {
            if !BackgroundThread.start({ self.startEnvironment(in: pool) }) { startEnvironment(in: pool) }
        }
    }

    private func startEnvironment(in pool: Pool) {
        let (template, generation) = pools.withLock { _ in (pool.template, pool.generation) }
        let environment: ExecutionEnvironment
        do throws(LambdaServiceError) {
            guard let template else { throw LambdaServiceError(status: 500, type: "ServiceException", message: "no invocation to start an environment for") }
            let command = try runtimes.command(for: template, logStream: LocalCodeRunner.logStream(version: template.version))
            environment = try ExecutionEnvironment(command: command, generation: generation)
        } catch {
            // The first waiter hears why (the others get their own attempt).
            let (waiter, launches) = pools.withLock { _ -> (Waiter?, Int) in
                pool.count -= 1
                pool.starting -= 1
                let waiter = pool.waiters.isEmpty ? nil : pool.waiters.removeFirst()
                return (waiter, plannedLaunches(pool))
            }
            waiter?.failure = error
            waiter?.handed.signal()
            launch(launches, in: pool)
            return
        }
        environment.launchAndWaitUntilReady()
        release(environment, to: pool, started: true)
    }

    /// Gives an environment back: to the oldest waiting invocation, else to the idle list;
    /// stopped when its code is out of date or the runner has stopped.
    private func release(_ environment: ExecutionEnvironment, to pool: Pool, started: Bool) {
        let (waiter, keep, launches) = pools.withLock { _ -> (Waiter?, Bool, Int) in
            if started { pool.starting -= 1 }
            guard !stopped.load(ordering: .relaxed), environment.generation >= pool.generation else {
                pool.count -= 1
                return (nil, false, plannedLaunches(pool))
            }
            if !pool.waiters.isEmpty { return (pool.waiters.removeFirst(), true, plannedLaunches(pool)) }
            pool.idle.append(environment)
            return (nil, true, plannedLaunches(pool))
        }
        if !keep { environment.stop() }
        if let waiter {
            waiter.environment = environment
            waiter.handed.signal()
        }
        launch(launches, in: pool)
    }

    /// Stops every environment; invocations after this fail.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        let (all, waiters) = pools.withLock { pools in
            defer { pools = [:] }
            let waiters = pools.values.flatMap { pool in
                defer { pool.waiters = [] }
                return pool.waiters
            }
            let idle = pools.values.flatMap { pool in
                defer {
                    pool.count -= pool.idle.count
                    pool.idle = []
                }
                return pool.idle
            }
            return (idle, waiters)
        }
        for environment in all { environment.stop() }
        // Environments still starting stop when they are ready (`release` sees `stopped`).
        for waiter in waiters { waiter.handed.signal() }
    }

    /// Environments running now (warm and busy), over all functions.
    public var environmentCount: Int { pools.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    // MARK: - Helpers

    private func watch(_ directory: String) -> CodeWatch {
        watches.withLock { watches in
            if let watch = watches[directory] { return watch }
            let watch = CodeWatch(directory: directory)
            watches[directory] = watch
            return watch
        }
    }

    /// `YYYY/MM/DD/[$LATEST]<32 hex>`.
    static func logStream(version: String) -> String {
        var time = time_t(ProcessLauncher.epochMilliseconds() / 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let hex = RequestIdentifier.uuid().filter { $0 != "-" }
        return "\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday))/[\(version)]\(hex)"
    }

    /// A thread that stops environments idle longer than `idleSeconds`.
    private func startSweeper() {
        let period = max(0.05, min(30, idleSeconds / 4))
        let runner = Weak(self)
        BackgroundThread.start {
            while true {
                usleep(useconds_t(period * 1_000_000))
                guard let strong = runner.value, !strong.stopped.load(ordering: .relaxed) else { return }
                strong.sweep()
            }
        }
    }

    func sweep() {
        let limit = ProcessLauncher.monotonicMilliseconds() - idleSeconds * 1000
        let expired = pools.withLock { pools in
            pools.values.flatMap { pool -> [ExecutionEnvironment] in
                let old = pool.idle.filter { $0.lastUsed < limit }
                pool.idle.removeAll { $0.lastUsed < limit }
                pool.count -= old.count
                return old
            }
        }
        for environment in expired { environment.stop() }
    }
}

/// A weak reference that can cross threads.
final class Weak<T: AnyObject>: @unchecked Sendable {
    weak var value: T?
    init(_ value: T) { self.value = value }
}

/// A detached POSIX thread.
enum BackgroundThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread; false (and `body` never runs) when no thread can be made.
    @discardableResult
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { argument in
            Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, context) == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
