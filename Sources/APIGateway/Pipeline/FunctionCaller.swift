import JSONCore
import LambdaRuntime

/// How the request path calls a Lambda function (an integration, an authorizer): the call,
/// with the function's log lines handed to the execution log and the serve log. Each stage
/// turns a failure into its own gateway error.
struct FunctionCaller: Sendable {
    let lambda: LambdaService
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?

    /// Invokes `target` with `event`; its log lines are collected only when someone reads them.
    func call(_ target: String, event: JSONValue, _ arrived: ArrivedRequest) throws(LambdaServiceError) -> InvocationResult {
        let result = try lambda.invoke(target, payload: event, collectLogs: arrived.keepsLines || logSink != nil)
        for line in result.logLines {
            arrived.log(line)
            logSink?(.message(line))
        }
        return result
    }
}
