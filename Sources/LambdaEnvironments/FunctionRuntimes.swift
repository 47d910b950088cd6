#if canImport(Glibc)
import Glibc
#endif
import CommandSupport
import LambdaRuntime
import Synchronization

/// The runtimes code can name, and how each starts a process: `provided.al2023` and
/// `provided.al2` run the executable `bootstrap` at the code root; `python3.x` runs the
/// toolkit's Python runtime client with that version's interpreter, or `python3` when that
/// version is not installed; `nodejs18.x`–`nodejs24.x` run the toolkit's Node.js runtime
/// client with the machine's `node` (a warning when its major version differs).
final class FunctionRuntimes: Sendable {
    /// An interpreter found for a runtime, and the warning to show once when it is not the
    /// version the runtime names.
    struct Interpreter: Sendable {
        var path: String
        var warning: String?
    }

    private let interpreters = Mutex<[String: Result<Interpreter, LambdaServiceError>]>([:])
    private let clientPaths = Mutex<[String: String]>([:])
    /// Where the runtime clients are written.
    let runtimeDirectory: String
    /// The `node` to run Node.js functions with (nil: the first on `PATH`).
    let nodeExecutable: String?

    init(runtimeDirectory: String, nodeExecutable: String? = nil) {
        self.runtimeDirectory = runtimeDirectory
        self.nodeExecutable = nodeExecutable
    }

    static func isPython(_ runtime: String) -> Bool { runtime.hasPrefix("python3") }
    static func isCustom(_ runtime: String) -> Bool { runtime == "provided.al2023" || runtime == "provided.al2" || runtime == "provided" }
    /// The Node.js runtimes Lambda offers today.
    static let nodeRuntimes: Set<String> = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"]
    static func isNode(_ runtime: String) -> Bool { nodeRuntimes.contains(runtime) }

    /// Checks that `runtime` is one this toolkit runs.
    static func check(_ runtime: String) throws(LambdaServiceError) {
        guard isPython(runtime) || isCustom(runtime) || isNode(runtime) else {
            throw LambdaServiceError(
                status: 400, type: "InvalidParameterValueException",
                message: "The runtime parameter of \(runtime) is not supported here: use python3.x, nodejs18.x–nodejs24.x, provided.al2023 or provided.al2")
        }
    }

    /// The interpreter for a Python runtime: `python3.13` from PATH when it runs, else
    /// `python3` (with a warning naming the version found); an error when neither runs.
    func interpreter(for runtime: String) throws(LambdaServiceError) -> Interpreter {
        if let known = interpreters.withLock({ $0[runtime] }) { return try known.get() }
        let result = FunctionRuntimes.isNode(runtime) ? FunctionRuntimes.findNode(runtime, chosen: nodeExecutable) : FunctionRuntimes.findInterpreter(runtime)
        interpreters.withLock { $0[runtime] = result }
        return try result.get()
    }

    private static func findInterpreter(_ runtime: String) -> Result<Interpreter, LambdaServiceError> {
        let path = searchPath()
        // The version and the real executable (a version manager's shim is resolved once, not
        // run at every start).
        let probe = "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"
        func run(_ name: String) -> (version: String, executable: String)? {
            guard let found = lookUp(name, in: path), let output = ProcessLauncher.output(of: found, arguments: ["-c", probe], environment: ["PATH": path])
            else { return nil }
            let lines = output.split(separator: "\n").map(String.init)
            guard lines.count >= 2, lines[1].hasPrefix("/") else { return nil }
            return (lines[0], lines[1])
        }
        if let exact = run(runtime), "python" + exact.version == runtime { return .success(Interpreter(path: exact.executable, warning: nil)) }
        if let fallback = run("python3") {
            let warning = "python" + fallback.version == runtime ? nil
                : "runtime \(runtime): \(runtime) is not on PATH (or does not run); using \(fallback.executable) (Python \(fallback.version)) instead"
            return .success(Interpreter(path: fallback.executable, warning: warning))
        }
        return .failure(
            LambdaServiceError(
                status: 500, type: "ServiceException",
                message: "runtime \(runtime) needs a Python 3 interpreter: neither \(runtime) nor python3 runs from PATH (\(path))"))
    }

    /// `node` (`chosen`, else the first on PATH), and a warning when its major version is not
    /// the runtime's (`nodejs20.x` wants 20); an error naming the runtime when there is none.
    private static func findNode(_ runtime: String, chosen: String?) -> Result<Interpreter, LambdaServiceError> {
        let path = searchPath()
        if let chosen, access(chosen, X_OK) != 0 {
            return .failure(LambdaServiceError(status: 500, type: "ServiceException", message: "runtime \(runtime): --node \(chosen) is not an executable file"))
        }
        guard let found = chosen ?? lookUp("node", in: path),
            let output = ProcessLauncher.output(of: found, arguments: ["-e", "console.log(process.versions.node); console.log(process.execPath)"], environment: ["PATH": path])
        else {
            return .failure(
                LambdaServiceError(
                    status: 500, type: "ServiceException", message: "runtime \(runtime) needs Node.js: no `node` runs from PATH (\(path)); install it (apt install nodejs)"))
        }
        let lines = output.split(separator: "\n").map(String.init)
        guard lines.count >= 2, lines[1].hasPrefix("/") else {
            return .failure(LambdaServiceError(status: 500, type: "ServiceException", message: "runtime \(runtime): \(found) did not say its version"))
        }
        let major = lines[0].split(separator: ".").first.map(String.init) ?? lines[0]
        let wanted = String(runtime.dropFirst("nodejs".count).prefix { $0 != "." })
        let warning = major == wanted ? nil : "runtime \(runtime): using \(lines[1]) (Node.js \(lines[0])), not Node.js \(wanted)"
        return .success(Interpreter(path: lines[1], warning: warning))
    }

    static func searchPath() -> String {
        getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The first executable file named `name` in `path`'s directories.
    static func lookUp(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = String(directory) + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The Python runtime client's file, written on first use into a directory only this user
    /// can use (`runtimeDirectory` when it is one, else a fresh one beside it), exclusively and
    /// without following links: another local user can neither swap the script Python runs nor
    /// make us write through a link.
    func pythonClient() throws(LambdaServiceError) -> String {
        try client(named: PythonRuntimeClient.fileName, source: PythonRuntimeClient.source)
    }

    /// The Node.js runtime client's file, written as the Python one is.
    func nodeClient() throws(LambdaServiceError) -> String {
        try client(named: NodeRuntimeClient.fileName, source: NodeRuntimeClient.source)
    }

    private func client(named fileName: String, source: String) throws(LambdaServiceError) -> String {
        if let path = clientPaths.withLock({ $0[fileName] }) { return path }
        var failure: LambdaServiceError? = nil
        var result = ""
        clientPaths.withLock { known in
            if let path = known[fileName] {
                result = path
                return
            }
            guard let directory = PrivateFiles.directory(preferring: runtimeDirectory) else {
                failure = LambdaServiceError(
                    status: 500, type: "ServiceException",
                    message: "no private directory for the runtime client: \(PrivateFiles.problem(withDirectory: runtimeDirectory) ?? runtimeDirectory)")
                return
            }
            let path = directory + "/" + fileName
            if let problem = PrivateFiles.store(Array(source.utf8), at: path, mode: 0o600) {
                failure = LambdaServiceError(status: 500, type: "ServiceException", message: problem)
                return
            }
            known[fileName] = path
            result = path
        }
        if let failure { throw failure }
        return result
    }

    /// The directory the runtime clients are in (the private one chosen for the first).
    var clientDirectory: String {
        guard let path = clientPaths.withLock({ $0.values.first }), let slash = path.lastIndex(of: "/") else { return runtimeDirectory }
        return String(path[..<slash])
    }

    /// How an environment for `invocation` starts.
    func command(for invocation: CodeInvocation, logStream: String) throws(LambdaServiceError) -> LaunchCommand {
        let configuration = invocation.configuration
        let runtime = configuration.runtime ?? ""
        let code = configuration.code ?? "."
        var environment = configuration.environment
        let lambda: [String: String] = [
            "_HANDLER": configuration.handler, "LAMBDA_TASK_ROOT": code, "LAMBDA_RUNTIME_DIR": clientDirectory,
            "AWS_LAMBDA_FUNCTION_NAME": invocation.functionName, "AWS_LAMBDA_FUNCTION_VERSION": invocation.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(configuration.memorySize), "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + invocation.functionName,
            "AWS_LAMBDA_LOG_STREAM_NAME": logStream, "AWS_REGION": invocation.region, "AWS_DEFAULT_REGION": invocation.region,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "TZ": ":UTC", "LANG": "en_US.UTF-8", "PATH": FunctionRuntimes.searchPath(),
            "LD_LIBRARY_PATH": code + ":" + code + "/lib",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        ]
        for (name, value) in lambda { environment[name] = value }
        // Credentials the server has (for code that calls AWS, or this gateway, with an SDK).
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "HOME"] {
            if environment[name] == nil, let value = getenv(name) { environment[name] = String(cString: value) }
        }
        if FunctionRuntimes.isPython(runtime) {
            let interpreter = try interpreter(for: runtime)
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + runtime
            environment["LC_CTYPE"] = "C.UTF-8"
            environment["SHLVL"] = "0"
            environment["PYTHONDONTWRITEBYTECODE"] = environment["PYTHONDONTWRITEBYTECODE"] ?? "1"
            return LaunchCommand(
                executable: interpreter.path, arguments: ["-u", try pythonClient()], environment: environment, directory: code)
        }
        if FunctionRuntimes.isNode(runtime) {
            let interpreter = try interpreter(for: runtime)
            let client = try nodeClient()
            environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + runtime
            environment["NODE_PATH"] = environment["NODE_PATH"] ?? "/opt/nodejs/node_modules:" + code + "/node_modules"
            return LaunchCommand(executable: interpreter.path, arguments: [client], environment: environment, directory: code)
        }
        return LaunchCommand(executable: code + "/bootstrap", arguments: [], environment: environment, directory: code)
    }
}

