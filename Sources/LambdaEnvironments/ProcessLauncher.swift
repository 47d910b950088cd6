#if canImport(Glibc)
import Glibc
#endif
import CSystemCalls
import Dispatch
import Synchronization

/// Starts function processes from one long-lived thread. The kernel's parent-death signal
/// follows the thread that forked, not the process: forking from a request thread that later
/// ends would kill the child with it. Every child is the leader of its own process group
/// (killed as a group) and dies with the server, however the server ends.
final class ProcessLauncher: Sendable {
    /// The one launcher.
    static let shared = ProcessLauncher()

    private final class Request: @unchecked Sendable {
        // Safety: written by the launcher thread before `done` is signalled, read after.
        let path: String
        let arguments: [String]
        let environment: [String]
        let directory: String
        let output: Int32
        var result: Int32 = 0
        let done = DispatchSemaphore(value: 0)

        init(path: String, arguments: [String], environment: [String], directory: String, output: Int32) {
            self.path = path
            self.arguments = arguments
            self.environment = environment
            self.directory = directory
            self.output = output
        }
    }

    private let queue = Mutex<[Request]>([])
    private let wake = DispatchSemaphore(value: 0)

    private init() {
        let launcher = Unmanaged.passUnretained(self)
        BackgroundThread.start { launcher.takeUnretainedValue().serve() }
    }

    private func serve() {
        while true {
            wake.wait()
            let requests = queue.withLock { pending in
                defer { pending = [] }
                return pending
            }
            for request in requests {
                request.result = ProcessLauncher.spawnHere(request)
                request.done.signal()
            }
        }
    }

    /// Starts `path`; the pid, or `-errno` when it could not start (`ENOENT`, `EACCES`, `ENOEXEC`).
    func spawn(path: String, arguments: [String], environment: [String: String], directory: String, output: Int32) -> Int32 {
        let request = Request(
            path: path, arguments: arguments, environment: environment.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }, directory: directory,
            output: output)
        queue.withLock { $0.append(request) }
        wake.signal()
        request.done.wait()
        return request.result
    }

    private static func spawnHere(_ request: Request) -> Int32 {
        withCStrings([request.path] + request.arguments) { argv in
            withCStrings(request.environment) { envp in
                csc_spawn(request.path, argv, envp, request.directory, request.output)
            }
        }
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    // MARK: - Processes

    /// Kills a process group and reaps its leader; the leader's wait status.
    @discardableResult
    static func kill(group pid: Int32) -> Int32 {
        _ = Glibc.kill(-pid, SIGKILL)
        return reap(pid)
    }

    /// Waits for `pid` to end; its wait status.
    static func reap(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// How a wait status reads in Lambda's `Runtime exited with error: …` (Go's wording, as
    /// AWS's runtime emulator prints it).
    static func exitDescription(_ status: Int32) -> String? {
        let signal = status & 0x7F
        if signal == 0 {
            let code = (status >> 8) & 0xFF
            return code == 0 ? nil : "exit status \(code)"
        }
        let names: [Int32: String] = [
            SIGKILL: "killed", SIGSEGV: "segmentation fault", SIGABRT: "aborted", SIGTERM: "terminated", SIGBUS: "bus error", SIGILL: "illegal instruction",
            SIGFPE: "floating point exception", SIGINT: "interrupt", SIGPIPE: "broken pipe",
        ]
        return "signal: " + (names[signal] ?? "signal \(signal)")
    }

    /// The process's peak resident memory (VmHWM) in MB, rounded up; 0 when unknown.
    static func peakMemoryMB(_ pid: Int32) -> Int {
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = Int(line.dropFirst(6).filter(\.isNumber)) ?? 0
            return (kilobytes + 1023) / 1024
        }
        return 0
    }

    /// Runs a short command and returns its output (standard output and error), or nil when
    /// it cannot start, fails or outlives `seconds`.
    static func output(of path: String, arguments: [String], environment: [String: String], seconds: Double = 10) -> String? {
        var pipeEnds: [Int32] = [0, 0]
        guard csc_pipe(&pipeEnds, 0, 0) == 0 else { return nil }
        let pid = shared.spawn(path: path, arguments: arguments, environment: environment, directory: "/", output: pipeEnds[1])
        close(pipeEnds[1])
        defer { close(pipeEnds[0]) }
        guard pid > 0 else { return nil }
        var collected: [UInt8] = []
        let deadline = monotonicMilliseconds() + seconds * 1000
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - monotonicMilliseconds()
            if remaining <= 0 {
                kill(group: pid)
                return nil
            }
            var descriptor = pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 1000)))
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count > 0 {
                if collected.count < 65536 { collected.append(contentsOf: buffer[0..<count]) }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            break
        }
        let status = reap(pid)
        guard status == 0 else { return nil }
        return String(decoding: collected, as: UTF8.self)
    }

    /// The monotonic clock in milliseconds.
    static func monotonicMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    /// Milliseconds since 1970.
    static func epochMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
