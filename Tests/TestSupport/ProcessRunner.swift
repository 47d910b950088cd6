import Dispatch
import Foundation

/// Runs a program to its end, both output streams read while it runs (a full pipe never
/// blocks it): its exit status, standard output and standard error.
public func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    nonisolated(unsafe) var errorData = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

/// `runProcess` through `/usr/bin/env` (a program found on `PATH`: `python3`, `swiftc`).
public func runCommand(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String, error: String) {
    try runProcess("/usr/bin/env", arguments, in: directory)
}

/// Python modules tests use when they are installed (`.ci/run` installs them with pip):
/// whether `python3` on `PATH` imports one, checked once per module per test process.
public enum PythonModules {
    private static let known = LockedTable()

    /// Whether `python3 -c "import <module>"` succeeds here.
    public static func available(_ module: String) -> Bool {
        if let answer = known.value(module) { return answer }
        let answer = (try? runCommand(["python3", "-c", "import " + module]))?.status == 0
        known.set(module, answer)
        return answer
    }

    private final class LockedTable: @unchecked Sendable {
        // Safety: every access holds `lock`.
        private let lock = NSLock()
        private var table: [String: Bool] = [:]
        func value(_ key: String) -> Bool? { lock.withLock { table[key] } }
        func set(_ key: String, _ value: Bool) { lock.withLock { table[key] = value } }
    }
}
