import CommandLineTools
import ControlPlane
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `gateway serve` as its own process, for what only a real process can show: a crash
/// (SIGKILL) under load, a stop (SIGTERM) while commands change the state.
final class ServerProcess: @unchecked Sendable {
    static let binary: String? = {
        let candidates = [
            SchemaCheckCommandTests.packageRoot + "/.build/debug/gateway",
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gateway").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let process = Process()
    let output = Pipe()
    let port: Int
    let state: String

    /// Starts `gateway serve` on port 0 and waits for its banner.
    init(deployment: String, state: String, extra: [String] = []) throws {
        guard let binary = ServerProcess.binary else { throw CocoaError(.fileNoSuchFile) }
        self.state = state
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "0", "--log-format", "off", "--exit-with-parent", "--deployment", deployment, "--state", state] + extra
        process.standardOutput = output
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        var banner = ""
        let deadline = Date().addingTimeInterval(30)
        while !banner.contains("Press Ctrl-C") && Date() < deadline && process.isRunning {
            banner += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let text = banner.firstMatch(of: /port (\d+)\)/)?.1, let port = Int(text) else {
            process.terminate()
            let reason = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "no banner: \(banner) \(reason)"])
        }
        self.port = port
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    func waitForExit(seconds: Double = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Requests over one keep-alive connection, one at a time.
final class KeepAliveClient {
    let descriptor: Int32

    init?(port: Int) {
        // Stored only once connected: a failed init closes it once and is never deinitialized.
        let opened = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard opened >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(opened, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            close(opened)
            return nil
        }
        descriptor = opened
    }

    deinit { close(descriptor) }

    /// The status of one GET, or nil when the connection failed.
    func get(_ path: String, key: String) -> Int? {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: \(key)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            if let end = received.indices.dropLast(3).first(where: { received[$0] == 13 && received[$0 + 1] == 10 && received[$0 + 2] == 13 && received[$0 + 3] == 10 }) {
                let head = String(decoding: received[..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count >= end + 4 + length {
                    return Int(head.split(separator: " ")[1])
                }
            }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
            if count <= 0 { return nil }
            received.append(contentsOf: buffer[0..<count])
        }
    }
}

@Suite("Nothing is lost", .serialized)
struct DurabilityTests {
    /// A copy of the lab's API whose plan lets a load test through (a quota of a billion a day).
    static func deployment(in directory: TemporaryDirectory) throws -> String {
        for name in ["Item.json", "Items.json", "ItemsAPI.json", "ItemsAPI.mock.json"] {
            try FileManager.default.copyItem(atPath: SchemaCheckCommandTests.packageRoot + "/Schemas/" + name, toPath: directory.path + "/" + name)
        }
        return directory.write("d.json", #"""
            {"apiId": "itemsapi01",
             "stages": {"prod": {"definition": "ItemsAPI.json", "variables": {"lambdaAlias": "prod"}, "throttle": {"rateLimit": 1000000, "burstLimit": 1000000}},
                        "dev": {"definition": "ItemsAPI.json", "variables": {"lambdaAlias": "dev"}, "throttle": {"rateLimit": 1000000, "burstLimit": 1000000}}},
             "accountThrottle": {"rateLimit": 1000000, "burstLimit": 1000000},
             "functions": {"ItemsFunction": {"handler": "items.handler", "versions": [{"version": 1, "handler": "items.handler"}], "aliases": {"dev": {"version": "$LATEST"}, "prod": {"version": "1"}}}},
             "usagePlans": {"LoadPlan": {"stages": ["dev", "prod"], "throttle": {"rateLimit": 1000000, "burstLimit": 1000000},
                                         "quota": {"limit": 1000000000, "period": "DAY"}}},
             "apiKeys": {"LoadKey": {"value": "load-key-0123456789abcdefghij", "enabled": true, "usagePlans": ["LoadPlan"]}}}
            """#)
    }

    @Test(
        "SIGKILL under load: after a restart every answered request is in the quota count",
        .enabled(if: ServerProcess.binary != nil, "the gateway executable is not built (swift build --product gateway)"))
    func killUnderLoad() throws {
        let files = try TemporaryDirectory()
        let deployment = try DurabilityTests.deployment(in: files)
        let state = files.path + "/.gateway"
        let server = try ServerProcess(deployment: deployment, state: state)
        let answered = Atomic<Int>(0), sent = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let threads = 4
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                guard let client = KeepAliveClient(port: server.port) else { return }
                while !stop.load(ordering: .relaxed) {
                    sent.add(1, ordering: .relaxed)
                    guard let status = client.get("/dev/items/1", key: "load-key-0123456789abcdefghij") else { return }
                    if status == 200 { answered.add(1, ordering: .relaxed) }
                }
            }
        }
        // Let the load run, then kill the server in the middle of it (within a deadline: a
        // server that stopped answering fails the test instead of hanging it).
        let deadline = Date().addingTimeInterval(60)
        while answered.load(ordering: .relaxed) < 3_000, Date() < deadline { usleep(10_000) }
        #expect(answered.load(ordering: .relaxed) >= 3_000, "the server answered fewer than 3,000 requests within 60 s")
        server.signal(SIGKILL)
        #expect(server.waitForExit() != nil)
        stop.store(true, ordering: .relaxed)
        done.wait()
        let restarted = try ControlPlane.load(deploymentFile: deployment, stateDirectory: state, handlers: [:])
        let used = restarted.apiGateway.currentUsage(plan: "LoadPlan").first?.used ?? -1
        let answeredCount = answered.load(ordering: .relaxed)
        print("SIGKILL under load: \(answeredCount) answered 200, \(used) counted, \(sent.load(ordering: .relaxed)) sent")
        #expect(used >= answeredCount)
        #expect(used <= sent.load(ordering: .relaxed))
    }

    @Test(
        "SIGTERM while commands change the state: every change a command reported is there after a restart",
        .enabled(if: ServerProcess.binary != nil, "the gateway executable is not built (swift build --product gateway)"))
    func terminateWhileChanging() throws {
        let files = try TemporaryDirectory()
        let deployment = try DurabilityTests.deployment(in: files)
        let state = files.path + "/.gateway"
        let server = try ServerProcess(deployment: deployment, state: state)
        let made = Mutex<[String]>([])
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Commands keep changing the state: through the server while it runs, on the
            // directory itself once it has stopped.
            for index in 0..<60 {
                let name = "Key\(index)"
                let captured = CapturedIO()
                let status = runGateway(
                    arguments: ["keys", "create", name, "--plan", "LoadPlan", "--deployment", deployment, "--state", state], io: captured.io)
                if status == 0 { made.withLock { $0.append(name) } }
            }
            let captured = CapturedIO()
            if runGateway(arguments: ["lambda", "publish", "ItemsFunction", "--deployment", deployment, "--state", state], io: captured.io) == 0 {
                made.withLock { $0.append("version " + captured.stdout.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            finished.signal()
        }
        usleep(300_000)
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
        finished.wait()
        let restarted = try ControlPlane.load(deploymentFile: deployment, stateDirectory: state, handlers: [:])
        let names = Set(restarted.apiGateway.apiKeys.map(\.name))
        let reported = made.withLock { $0 }
        let keys = reported.filter { $0.hasPrefix("Key") }
        print("SIGTERM while changing: \(keys.count) keys reported made")
        #expect(keys.count >= 50)
        for name in keys { #expect(names.contains(name), "\(name) was reported made and is missing") }
        // A reported key got its plan too (a command cut short between its two calls may
        // leave a key without one: it reported the failure).
        for key in restarted.apiGateway.apiKeys where keys.contains(key.name) { #expect(key.usagePlans == ["LoadPlan"]) }
    }

    @Test(
        "while a server runs, commands go to it and take effect at once; a second server is refused; state.json is 0600",
        .enabled(if: ServerProcess.binary != nil, "the gateway executable is not built (swift build --product gateway)"))
    func commandsReachTheServer() throws {
        let files = try TemporaryDirectory()
        let deployment = try DurabilityTests.deployment(in: files)
        let state = files.path + "/.gateway"
        let server = try ServerProcess(deployment: deployment, state: state)
        guard let client = KeepAliveClient(port: server.port) else { throw CocoaError(.featureUnsupported) }
        let key = "load-key-0123456789abcdefghij"
        #expect(client.get("/prod/items/1", key: key) == 200)
        let captured = CapturedIO()
        #expect(runGateway(arguments: ["keys", "disable", "LoadKey", "--deployment", deployment, "--state", state], io: captured.io) == 0)
        #expect(client.get("/prod/items/1", key: key) == 403)
        #expect(runGateway(arguments: ["keys", "enable", "LoadKey", "--deployment", deployment, "--state", state], io: captured.io) == 0)
        #expect(client.get("/prod/items/1", key: key) == 200)
        let usage = CapturedIO()
        #expect(runGateway(arguments: ["usage", "--deployment", deployment, "--state", state], io: usage.io) == 0)
        #expect(usage.stdout.contains("LoadKey\tid="))
        #expect(usage.stdout.contains("used=2\t"))
        // A second server on the same state directory is refused.
        let second = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "0", "--deployment", deployment, "--state", state], io: second.io, waitForStop: {}) == 2)
        #expect(second.stderr.contains("another process uses the state directory"))
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
        // The state file is the owner's alone.
        var info = stat()
        stat(state + "/state.json", &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test(
        "function processes end with the server, even when it is killed (SIGKILL)",
        .enabled(if: ServerProcess.binary != nil, "the gateway executable is not built (swift build --product gateway)"))
    func noOrphans() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        try #require(
            path.split(separator: ":").contains(where: { access(String($0) + "/python3", X_OK) == 0 }),
            "python3 is not on PATH (the function processes are Python)")
        let files = try TemporaryDirectory()
        var deployment = try String(contentsOfFile: try DurabilityTests.deployment(in: files), encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: SchemaCheckCommandTests.packageRoot + "/Schemas/functions", toPath: files.path + "/functions")
        deployment = deployment.replacingOccurrences(
            of: #""handler": "items.handler", "versions": [{"version": 1, "handler": "items.handler"}]"#,
            with: #""runtime": "python3.13", "handler": "lambda_function.lambda_handler", "code": "functions/ItemsFunction", "versions": [{"version": 1}]"#)
        let file = files.write("python.json", deployment)
        let server = try ServerProcess(deployment: file, state: files.path + "/.gateway")
        let client = try #require(KeepAliveClient(port: server.port))
        #expect(client.get("/dev/items/3", key: "load-key-0123456789abcdefghij") == 200)
        #expect(client.get("/prod/items/2", key: "load-key-0123456789abcdefghij") == 200)
        let children = DurabilityTests.children(of: server.process.processIdentifier)
        #expect(children.count == 2)  // one environment for $LATEST (dev), one for version 1 (prod)
        server.signal(SIGKILL)
        _ = server.waitForExit()
        var alive = children
        let deadline = Date().addingTimeInterval(5)
        while !alive.isEmpty && Date() < deadline {
            alive = alive.filter(DurabilityTests.isRunning)
            usleep(20_000)
        }
        #expect(alive.isEmpty, "function processes outlived the server: \(alive)")
    }

    /// The processes whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { child in
            guard let status = try? String(contentsOfFile: "/proc/\(child)/status", encoding: .utf8) else { return false }
            return status.split(separator: "\n").contains { $0.hasPrefix("PPid:") && $0.dropFirst(5).trimmingCharacters(in: .whitespaces) == String(pid) }
        }
    }

    /// Whether `pid` exists and is not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return !status.contains("State:\tZ") && !status.contains("State:\tX")
    }
}
