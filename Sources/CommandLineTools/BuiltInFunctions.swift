#if canImport(Glibc)
import Glibc
#endif
import LambdaEnvironments
import LambdaRuntime
import Synchronization

/// The Lambda handlers compiled into an executable, by handler name. The executables register
/// theirs at start (`gateway` registers the bundled `ItemsFunction`); the command-line tools
/// know no function themselves. Functions whose deployment names a `runtime` run from their
/// code directory instead (`codeRunner`).
public enum BuiltInFunctions {
    private static let registry = Mutex<[String: any LambdaHandler]>([:])

    /// Makes `handler` available to deployments as `name` (`items.handler`).
    public static func register(_ handler: any LambdaHandler, named name: String) {
        registry.withLock { $0[name] = handler }
    }

    /// Every registered handler.
    public static var handlers: [String: any LambdaHandler] { registry.withLock { $0 } }

    /// The runner for functions with code in a directory: published code is kept in the state
    /// directory's `code` folder (in a temporary folder when the state is only read).
    static func codeRunner(stateDirectory: String, readOnly: Bool = false, node: String? = nil) -> LocalCodeRunner {
        let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let snapshots = readOnly ? "\(temporary)/itemsapi-code-\(getpid())" : stateDirectory + "/code"
        return LocalCodeRunner(snapshotDirectory: snapshots, nodeExecutable: node)
    }
}
