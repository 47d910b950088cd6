import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import LambdaEnvironments
import LambdaRuntime

#if canImport(Glibc)
import Glibc
#endif

/// Whether `python3` runs here (the Python tests need it and say so when it is missing).
let pythonAvailable: Bool = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { access(String($0) + "/python3", X_OK) == 0 }
}()

/// A temporary directory with function code and a deployment file, loaded into a control
/// plane whose functions run as local processes; everything is stopped and removed at the end.
final class FunctionFixture: Sendable {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    let directory: String
    let runner: LocalCodeRunner
    let control: ControlPlane
    let lines = LogLines()

    /// `files` maps paths (relative to the directory) to contents; `functions` is the
    /// deployment's `functions` object; `paths` the API's OpenAPI `paths` (all proxy by default).
    init(files: [String: String], functions: String, paths: String? = nil, runner: ((String) -> LocalCodeRunner)? = nil) throws {
        directory = NSTemporaryDirectory() + "lambda-env-tests-" + UUID().uuidString
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (path, contents) in files {
            let file = directory + "/" + path
            try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: file, atomically: true, encoding: .utf8)
            if path.hasSuffix("bootstrap") { chmod(file, 0o755) }
        }
        let api = """
            {"openapi": "3.0.1", "info": {"title": "FunctionTests", "version": "1"},
             "paths": \(paths ?? FunctionFixture.proxyPaths("Proxy"))}
            """
        try api.write(toFile: directory + "/api.json", atomically: true, encoding: .utf8)
        let deployment = """
            {"stages": {"dev": {"definition": "api.json"}}, "functions": \(functions)}
            """
        try deployment.write(toFile: directory + "/deployment.json", atomically: true, encoding: .utf8)
        let snapshots = directory + "/state/code"
        self.runner = runner?(snapshots) ?? LocalCodeRunner(snapshotDirectory: snapshots, runtimeDirectory: directory + "/runtime")
        let lines = self.lines
        control = try ControlPlane.load(
            deploymentFile: directory + "/deployment.json", stateDirectory: directory + "/state", handlers: [:], logSink: { lines.append($0.text) },
            codeRunner: self.runner)
    }

    deinit {
        runner.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func proxyPaths(_ function: String) -> String {
        """
        {"/{proxy+}": {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
          "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:\(function)/invocations"}}}}
        """
    }

    /// Invokes through Lambda's API (as `aws lambda invoke` does).
    func invoke(_ function: String, _ payload: String = "{}") throws -> (outcome: InvokeOutcome, json: JSONValue?) {
        let outcome = try control.lambda.invoke(function, payload: Array(payload.utf8))
        return (outcome, try? JSONParser().parse(outcome.payload))
    }

    /// A request through the gateway's dev stage.
    func get(_ path: String) -> HTTPResponse {
        control.gateway.respond(to: HTTPRequest(method: "GET", target: "/dev" + path))
    }

    /// Rewrites a file of the code (an edit, as an editor saves it).
    func write(_ path: String, _ contents: String) throws {
        try contents.write(toFile: directory + "/" + path, atomically: true, encoding: .utf8)
    }
}

/// Log lines collected from the gateway's log sink.
final class LogLines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}

import Synchronization
