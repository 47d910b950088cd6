#if canImport(Glibc)
import Glibc
#endif
import LambdaEnvironments
import LambdaRuntime

/// The Lambda handlers compiled into an executable, by handler name: a value the executable
/// builds at start and hands to `GatewayCommand.run` (`gateway` passes the bundled
/// `ItemsFunction`); the command-line tools know no function themselves. Functions whose
/// deployment names a `runtime` run from their code directory instead (`codeRunner`).
public struct BuiltInFunctions: Sendable {
    /// The handlers by name.
    public private(set) var handlers: [String: any LambdaHandler]

    /// The handlers given (none by default).
    public init(_ handlers: [String: any LambdaHandler] = [:]) {
        self.handlers = handlers
    }

    /// Makes `handler` available to deployments as `name` (`items.handler`).
    public mutating func register(_ handler: any LambdaHandler, named name: String) {
        handlers[name] = handler
    }

    /// The runner for functions with code in a directory: published code is kept in the state
    /// directory's `code` folder (in a temporary folder when the state is only read).
    static func codeRunner(stateDirectory: String, readOnly: Bool = false, node: String? = nil) -> LocalCodeRunner {
        let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let snapshots = readOnly ? "\(temporary)/itemsapi-code-\(getpid())" : stateDirectory + "/code"
        return LocalCodeRunner(snapshotDirectory: snapshots, nodeExecutable: node)
    }
}
