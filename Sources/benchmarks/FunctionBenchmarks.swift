import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import ItemsService
import JSONCore
import LambdaEnvironments
import LambdaRuntime

/// The lab's function run as a local process, in Python and in Node.js side by side (issues
/// #13 and #31): warm invocation through the in-process gateway against the function's own
/// time and the built-in Swift handler, the first request to a cold function, and
/// `gateway serve` under wrk.
func functionBenchmarks() throws {
    let root = FileManager.default.currentDirectoryPath
    var languages: [FunctionLanguage] = []
    if let python = findTool("python3") {
        languages.append(
            FunctionLanguage(
                name: "Python", tool: python, runtime: "python3.13", handler: "lambda_function.lambda_handler", code: "functions/ItemsFunction",
                ownTimeCommand: [python, "-c", """
                    import sys, os, time, io
                    sys.path.insert(0, \(JSONWriter.quoted(root + "/Schemas/functions/ItemsFunction")))
                    import lambda_function
                    sys.stdout = io.StringIO()
                    n = 20000
                    start = time.perf_counter()
                    for _ in range(n):
                        lambda_function.lambda_handler({"ID": "3"}, None)
                        sys.stdout.seek(0); sys.stdout.truncate()
                    sys.__stdout__.write("%f" % ((time.perf_counter() - start) / n * 1000))
                    """]))
    } else {
        print("\nfunctions: Python rows skipped (python3 is not on PATH)")
    }
    if let node = findTool("node") {
        let major = runCommand([node, "-p", "process.versions.node.split('.')[0]"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let runtime = ["18", "20", "22", "24"].contains(major) ? "nodejs\(major).x" : "nodejs20.x"
        languages.append(
            FunctionLanguage(
                name: "Node", tool: node, runtime: runtime, handler: "index.handler", code: "functions/ItemsFunctionNode",
                ownTimeCommand: [node, "-e", """
                    const f = require(\(JSONWriter.quoted(root + "/Schemas/functions/ItemsFunctionNode/index.js")));
                    console.log = () => {};
                    (async () => {
                      const n = 20000;
                      const start = process.hrtime.bigint();
                      for (let i = 0; i < n; i++) await f.handler({ ID: '3' });
                      process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6 / n));
                    })();
                    """]))
    } else {
        print("\nfunctions: Node rows skipped (node is not on PATH)")
    }
    for language in languages { try functionBenchmarks(language, root: root) }
}

/// One language's version of the lab's function.
struct FunctionLanguage {
    var name: String
    var tool: String
    var runtime: String
    var handler: String
    /// Relative to `Schemas/`.
    var code: String
    /// Prints the handler's own time per call, in ms.
    var ownTimeCommand: [String]
}

func functionBenchmarks(_ language: FunctionLanguage, root: String) throws {
    let requests = 3000
    let key = "loadtest-0123456789-abcdefghijklmnopqrstu"
    let name = language.name
    // The load-test deployment (limits raised) with the lab's function in this language.
    let deployment = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: root + "/Schemas/ItemsAPI.loadtest.deployment.json")))
    var object = deployment.objectValue!
    object["functions"] = [
        "ItemsFunction": [
            "runtime": .string(language.runtime), "handler": .string(language.handler), "code": .string(language.code),
            "environment": ["TABLE": "items"], "versions": [["version": 1]], "aliases": ["dev": ["version": "$LATEST"], "prod": ["version": "1"]],
        ]
    ]
    // Beside the definitions it names (relative paths in a deployment file are relative to it).
    let file = root + "/Schemas/.functions-bench-\(getpid()).deployment.json"
    try Data(JSONWriter.compact.bytes(.object(object))).write(to: URL(fileURLWithPath: file))
    defer { try? FileManager.default.removeItem(atPath: file) }
    // Ctrl-C (or a time limit's SIGINT) must not leave the file in Schemas/.
    let interrupted = removeOnInterrupt(file)
    defer { interrupted.cancel() }
    print("\nfunctions: the lab's \(name) function (\(language.tool), \(language.runtime)), \(requests) warm GET /dev/items/3 per run through the in-process gateway, median of \(settings.runs) runs")

    // The function's own time: the handler called in a loop inside one process.
    _ = named("functions: \(name) handler's own time")
    let own = Double(runCommand(language.ownTimeCommand).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan

    func latencies(_ control: ControlPlane, key: String) -> (p50: Double, p99: Double) {
        let request = HTTPRequest(method: "GET", target: "/dev/items/3", headers: ["x-api-key": key])
        for _ in 0..<200 { precondition(control.gateway.respond(to: request).status == 200) }
        var runs: [(Double, Double)] = []
        for _ in 0..<max(1, settings.runs) {
            var times: [Double] = []
            times.reserveCapacity(requests)
            for _ in 0..<requests {
                let start = DispatchTime.now().uptimeNanoseconds
                let response = control.gateway.respond(to: request)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                precondition(response.status == 200)
            }
            times.sort()
            runs.append((times[times.count / 2], times[times.count * 99 / 100]))
        }
        runs.sort { $0.0 < $1.0 }
        return runs[runs.count / 2]
    }

    func load(_ file: String, runner: LocalCodeRunner?) throws -> ControlPlane {
        try ControlPlane.load(deploymentFile: file, stateDirectory: nil, handlers: [ItemsFunction.handlerName: ItemsFunction()], codeRunner: runner)
    }

    _ = named("functions: warm \(name) invocation")
    if settings.only.map({ currentName.contains($0) }) ?? true {
        let runner = LocalCodeRunner(snapshotDirectory: NSTemporaryDirectory() + "functions-bench-code-\(getpid())")
        defer { runner.shutdown() }
        let warm = latencies(try load(file, runner: runner), key: key)
        let builtIn = latencies(try load(root + "/Schemas/ItemsAPI.loadtest.deployment.json", runner: nil), key: key)
        print(String(format: "%@%8.3f ms", "warm: the handler's own time (in \(name), per call)".padding(toLength: 66, withPad: " ", startingAt: 0), own))
        print(String(format: "%@%8.3f ms  p99 %.3f ms", "warm: gateway -> \(name) function, p50".padding(toLength: 66, withPad: " ", startingAt: 0), warm.p50, warm.p99))
        print(String(format: "%@%8.3f ms", "warm: added over the handler's own time, p50".padding(toLength: 66, withPad: " ", startingAt: 0), warm.p50 - own))
        print(String(format: "%@%8.3f ms  p99 %.3f ms", "warm: gateway -> built-in Swift handler, p50".padding(toLength: 66, withPad: " ", startingAt: 0), builtIn.p50, builtIn.p99))
    }

    // Cold: a new runner each time, so the first invocation starts the interpreter and imports.
    _ = named("functions: \(name) cold start")
    if settings.only.map({ currentName.contains($0) }) ?? true {
        var colds: [Double] = []
        for _ in 0..<max(5, settings.runs) {
            let runner = LocalCodeRunner(snapshotDirectory: NSTemporaryDirectory() + "functions-bench-cold-\(getpid())")
            let lambda = LambdaService(codeRunner: runner)
            var configuration = FunctionConfiguration(handler: language.handler, environment: ["TABLE": "items"])
            configuration.runtime = language.runtime
            configuration.code = root + "/Schemas/" + language.code
            _ = try runner.prepare(configuration)
            var catalog = lambda.catalog()
            catalog.createFunction("ItemsFunction", configuration: configuration)
            lambda.install(catalog)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try lambda.invoke("ItemsFunction", payload: ["ID": "3"])
            colds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            precondition(result.functionError == nil)
            runner.shutdown()
        }
        colds.sort()
        print(
            String(
                format: "%@%8.1f ms  (min %.1f, max %.1f, %d starts)", "cold: first request to a new \(name) environment, median".padding(toLength: 66, withPad: " ", startingAt: 0),
                colds[colds.count / 2], colds[0], colds[colds.count - 1], colds.count))
    }

    // Over HTTP: gateway serve with the load-test limits and the function.
    _ = named("functions: http wrk /dev/items/3 \(name)")
    if settings.only.map({ currentName.contains($0) }) ?? true {
        guard let wrk = findTool("wrk") else {
            print("functions over HTTP: skipped (wrk is not installed: apt-get install wrk)")
            return
        }
        let duration = ProcessInfo.processInfo.environment["HTTP_BENCH_SECONDS"] ?? "10"
        let base = try startGateway(threads: nil, deployment: file)
        defer {
            base.server.interrupt()
            base.server.waitUntilExit()
            try? FileManager.default.removeItem(atPath: base.state)
        }
        // The first run meets no environment: its figures include the pool growing from
        // nothing (each new environment's init); the median is of the runs after it.
        let first = runWrk(wrk, url: base.url + "/dev/items/3", key: key, duration: duration)
        printLoad("http: the same, first run (environments start during it)", first)
        let result = medianLoad(wrk: wrk, url: base.url + "/dev/items/3", key: key, duration: duration)
        printLoad("http: wrk -t2 -c50 -d\(duration)s GET /dev/items/3 (\(name)), warm", result)
    }
}

/// Removes `path` and exits 130 when the process gets SIGINT (the child processes in its
/// group get the signal too and stop on their own); cancelling the source restores SIGINT's
/// default action.
private func removeOnInterrupt(_ path: String) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
        unlink(path)
        exit(130)
    }
    source.setCancelHandler { signal(SIGINT, SIG_DFL) }
    source.resume()
    return source
}
