import LambdaRuntime

/// The Lambda handlers compiled into an executable, by handler name: a value the executable
/// builds at start and hands to `GatewayCommand.run` (`gateway` passes the bundled
/// `ItemsFunction`); the command-line tools know no function themselves. Functions whose
/// deployment names a `runtime` run from their code directory instead (`LocalGateway.codeRunner`).
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
}
