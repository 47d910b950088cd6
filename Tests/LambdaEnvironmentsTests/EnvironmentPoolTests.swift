import Foundation
import JSONCore
import LambdaEnvironments
import LambdaRuntime
import Synchronization
import Testing

/// The pool of execution environments, through `LambdaService` with a runner of its own.
@Suite("Execution environments: reuse, cap, idle stop", .enabled(if: pythonAvailable, "python3 is not on PATH: the pool tests run Python code"))
struct EnvironmentPoolTests {
    final class Setup: Sendable {
        let directory = NSTemporaryDirectory() + "pool-tests-" + UUID().uuidString
        let runner: LocalCodeRunner
        let lambda: LambdaService

        init(maxEnvironments: Int = 8, maxWait: Double = 30, idle: Double = 600) throws {
            try FileManager.default.createDirectory(atPath: directory + "/code", withIntermediateDirectories: true)
            try "import os, time\ndef h(e, c):\n    time.sleep(e.get('sleep', 0))\n    return os.getpid()\n".write(
                toFile: directory + "/code/m.py", atomically: true, encoding: .utf8)
            runner = LocalCodeRunner(
                snapshotDirectory: directory + "/snapshots", runtimeDirectory: directory + "/runtime", maxEnvironmentsPerFunction: maxEnvironments,
                maxWaitSeconds: maxWait, idleSeconds: idle)
            lambda = LambdaService(codeRunner: runner)
            let configuration = FunctionConfiguration(handler: "m.h", runtime: "python3.13", code: directory + "/code")
            _ = try runner.prepare(configuration)
            var catalog = lambda.catalog()
            catalog.createFunction("F", configuration: configuration)
            lambda.install(catalog)
        }

        deinit {
            runner.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func pid(sleep: Double = 0) throws -> Int? {
            try lambda.invoke("F", payload: ["sleep": .number(JSONNumber(sleep) ?? JSONNumber(0))]).payload.numberValue?.intValue
        }
    }

    @Test("a warm environment is reused; concurrent invocations get environments of their own")
    func reuse() throws {
        let setup = try Setup()
        let first = try setup.pid()
        #expect(try setup.pid() == first)
        let pids = Mutex<Set<Int>>([])
        let group = DispatchGroup()
        for _ in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                if let pid = try? setup.pid(sleep: 1) { pids.withLock { _ = $0.insert(pid) } }
                group.leave()
            }
        }
        group.wait()
        #expect(pids.withLock { $0.count } >= 2)
        #expect(setup.runner.environmentCount == pids.withLock { $0 }.union([first ?? 0]).count)
    }

    @Test("past the cap, invocations wait for a free environment instead of failing; past the wait they are throttled")
    func cap() throws {
        let setup = try Setup(maxEnvironments: 1, maxWait: 5)
        let results = Mutex<[Int?]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let pid = try? setup.pid(sleep: 0.3)
            results.withLock { $0.append(pid) }
        }
        #expect(results.withLock { $0 }.count == 3)
        #expect(Set(results.withLock { $0 }.compactMap { $0 }).count == 1)
        #expect(setup.runner.environmentCount == 1)
        let impatient = try Setup(maxEnvironments: 1, maxWait: 0.2)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? impatient.pid(sleep: 1.5)
            done.signal()
        }
        // Once the slow invocation holds the only environment, the next waits 0.2 s and is refused.
        for _ in 0..<500 where impatient.runner.environmentCount == 0 { usleep(10_000) }
        var errors: [LambdaServiceError] = []
        do { _ = try impatient.pid() } catch let error as LambdaServiceError { errors.append(error) }
        done.wait()
        #expect(errors.map(\.status) == [429])
    }

    @Test("idle environments stop")
    func idleStop() throws {
        let setup = try Setup(idle: 0.3)
        _ = try setup.pid()
        #expect(setup.runner.environmentCount == 1)
        var count = 1
        for _ in 0..<100 where count > 0 {
            usleep(50_000)
            count = setup.runner.environmentCount
        }
        #expect(count == 0)
        #expect(try setup.pid() != nil)
    }
}
