/// Runs function code that lives outside the process (a directory run by a runtime such as
/// `python3.13` or `provided.al2023`). `LambdaService` resolves versions and aliases, throttles
/// and writes the START/END/REPORT lines; a runner only runs code.
public protocol FunctionCodeRunner: Sendable {
    /// Checks that `configuration` can run here (the runtime is known, its interpreter and the
    /// code directory exist) before the first invocation; the lines returned are warnings to
    /// show once (an interpreter other than the one the runtime names).
    func prepare(_ configuration: FunctionConfiguration) throws(LambdaServiceError) -> [String]

    /// Runs one invocation to its end (a result, an error, a timeout or a crash); throws when
    /// it cannot run at all (429 when every environment stays busy too long).
    func invoke(_ invocation: CodeInvocation) throws(LambdaServiceError) -> CodeInvocationOutcome

    /// Freezes `configuration`'s code as version `version` of `function`: a copy that later
    /// edits of the directory cannot change, with its digest in `codeSha256`.
    func publish(function: String, version: Int, configuration: FunctionConfiguration) throws(LambdaServiceError) -> FunctionConfiguration

    /// Unpacks a zip deployment package of `function` (CreateFunction, UpdateFunctionCode)
    /// where this runner keeps code, checked against Lambda's limits; returns the directory
    /// (the same package always gives the same one) and the package's digest.
    func unpack(function: String, package: [UInt8]) throws(LambdaServiceError) -> (directory: String, digest: CodePackageDigest)

    /// Removes what the runner keeps of a deleted function (its unpacked packages and
    /// published snapshots); its code directories outside the runner's are left alone.
    func discard(function: String)

    /// The digest the code directory would have if published now.
    func fingerprint(_ configuration: FunctionConfiguration) -> String?

    /// Stops every process the runner started.
    func shutdown()
}

/// One invocation handed to a `FunctionCodeRunner`.
public struct CodeInvocation: Sendable {
    /// The function's name.
    public var functionName: String
    /// The version that runs (`$LATEST` or a number).
    public var version: String
    /// The ARN as invoked (with its qualifier).
    public var invokedFunctionArn: String
    /// The configuration of that version.
    public var configuration: FunctionConfiguration
    /// The event, as bytes.
    public var payload: [UInt8]
    /// The request id.
    public var requestId: String
    /// The region and account (for the environment variables).
    public var region: String
    /// Whether the REPORT line will be written (its peak memory is read from the process only then).
    public var collectLogs: Bool
}

/// What happened to one invocation of code run by a runtime.
public struct CodeInvocationOutcome: Sendable {
    /// The response body, or the error body the runtime posted (or Lambda's for a timeout or crash).
    public var payload: [UInt8]
    /// True when the function failed (`X-Amz-Function-Error: Unhandled`).
    public var failed: Bool
    /// The function's own output lines (print, logging, the runtime's messages).
    public var logLines: [String]
    /// Milliseconds the invocation ran (after init).
    public var durationMilliseconds: Double
    /// Milliseconds the environment took to start, on a cold start.
    public var initMilliseconds: Double?
    /// The process's peak resident memory in MB.
    public var maxMemoryUsedMB: Int
    /// `timeout` or `error` for the REPORT line's `Status:` field; nil when it ran normally.
    public var status: String?
    /// The error type for the REPORT line (`Runtime.ExitError`).
    public var errorType: String?

    /// An outcome.
    public init(
        payload: [UInt8], failed: Bool, logLines: [String] = [], durationMilliseconds: Double, initMilliseconds: Double? = nil, maxMemoryUsedMB: Int = 0,
        status: String? = nil, errorType: String? = nil
    ) {
        self.payload = payload
        self.failed = failed
        self.logLines = logLines
        self.durationMilliseconds = durationMilliseconds
        self.initMilliseconds = initMilliseconds
        self.maxMemoryUsedMB = maxMemoryUsedMB
        self.status = status
        self.errorType = errorType
    }
}
