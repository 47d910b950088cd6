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
