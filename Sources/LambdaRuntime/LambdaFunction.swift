import JSONCore

/// An error a handler throws, shaped as Lambda reports it (`errorMessage`, `errorType`).
public struct LambdaFunctionError: Error, Sendable, Equatable {
    /// `str(exception)` in Python terms; what API Gateway's selection patterns match.
    public var errorMessage: String
    /// The exception class (`Exception`).
    public var errorType: String

    /// An error.
    public init(_ errorMessage: String, type errorType: String = "Exception") {
        self.errorMessage = errorMessage
        self.errorType = errorType
    }
}

/// What a running invocation can see.
public struct LambdaContext: Sendable {
    /// The invocation's request id, kept as its 128 bits until read.
    let requestIdentifier: RequestIdentifier.Value
    /// The invocation's request id (a UUID).
    public var requestId: String { requestIdentifier.text }
    /// The function name.
    public let functionName: String
    /// The version that runs (`$LATEST` or a number).
    public let functionVersion: String
    /// `arn:aws:lambda:REGION:ACCOUNT:function:` and the name as invoked (`ItemsFunction:prod`):
    /// the ARN is put together only when a handler asks for it.
    let arnPrefix: String
    let qualifiedName: String
    /// Configured memory in MB.
    public let memoryLimitInMB: Int
    /// Environment variables of the version that runs.
    public let environment: [String: String]

    /// The ARN as invoked (with `:alias` or `:version` when qualified).
    public var invokedFunctionArn: String { arnPrefix + qualifiedName }
}

/// Function code: event JSON in, result JSON out, or a thrown `LambdaFunctionError`.
public protocol LambdaHandler: Sendable {
    /// Handles one event.
    func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue
}

/// A function's configuration: which code runs (a handler registered by name, or code in a
/// directory run by a runtime) and how.
public struct FunctionConfiguration: Sendable, Hashable {
    /// The registered handler's name, or for code in a directory the handler the runtime
    /// loads (`lambda_function.lambda_handler`).
    public var handler: String
    /// The runtime that runs code from `code` (`python3.13`, `provided.al2023`); nil for a
    /// built-in handler.
    public var runtime: String?
    /// The code directory (an absolute path) when `runtime` is set: the user's directory for
    /// `$LATEST`, a snapshot for a published version.
    public var code: String?
    /// A digest of the code directory's files when published (nil for `$LATEST`, whose code
    /// may change at any time).
    public var codeSha256: String?
    /// For code sent as a zip (`CreateFunction`, `UpdateFunctionCode`): the package's SHA-256
    /// (base64, Lambda's `CodeSha256`) and size in bytes; nil for code in a directory.
    public var package: CodePackageDigest?
    /// Environment variables.
    public var environment: [String: String]
    /// Memory in MB (default 128).
    public var memorySize: Int
    /// Timeout in seconds (default 3).
    public var timeout: Double
    /// A description.
    public var description: String

    /// A configuration with Lambda's defaults.
    public init(
        handler: String, environment: [String: String] = [:], memorySize: Int = 128, timeout: Double = 3, description: String = "",
        runtime: String? = nil, code: String? = nil, codeSha256: String? = nil
    ) {
        self.handler = handler
        self.runtime = runtime
        self.code = code
        self.codeSha256 = codeSha256
        self.environment = environment
        self.memorySize = memorySize
        self.timeout = timeout
        self.description = description
    }

    /// The configuration as JSON (for the state directory).
    public var json: JSONValue {
        var object = JSONObject.of([
            "handler": .string(handler),
            "environment": .object(JSONObject(environment.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: .string($0.value)) })),
            "memorySize": .number(JSONNumber(memorySize)), "timeout": .number(JSONNumber(timeout) ?? JSONNumber(3)),
            "description": .string(description),
        ])
        if let runtime { object["runtime"] = .string(runtime) }
        if let code { object["code"] = .string(code) }
        if let codeSha256 { object["codeSha256"] = .string(codeSha256) }
        if let package { object["package"] = ["sha256": .string(package.sha256), "size": .number(JSONNumber(package.size))] }
        return .object(object)
    }

    /// Reads `json`; nil when malformed.
    public init?(json: JSONValue) {
        guard case .string(let handler)? = json["handler"] else { return nil }
        var environment: [String: String] = [:]
        for member in json["environment"]?.objectValue ?? JSONObject() {
            guard case .string(let value) = member.value else { return nil }
            environment[member.key] = value
        }
        self.init(
            handler: handler, environment: environment, memorySize: json["memorySize"]?.numberValue?.intValue ?? 128,
            timeout: json["timeout"]?.numberValue?.doubleValue ?? 3, description: json["description"]?.stringValue ?? "",
            runtime: json["runtime"]?.stringValue, code: json["code"]?.stringValue, codeSha256: json["codeSha256"]?.stringValue)
        if let package = json["package"] {
            guard case .string(let sha256)? = package["sha256"], let size = package["size"]?.numberValue?.intValue else { return nil }
            self.package = CodePackageDigest(sha256: sha256, size: size)
        }
    }
}

/// What Lambda reports of a zip package: its SHA-256 (base64) and size.
public struct CodePackageDigest: Sendable, Hashable {
    /// The SHA-256 of the zip's bytes, base64 (`CodeSha256`).
    public var sha256: String
    /// The zip's size in bytes (`CodeSize`).
    public var size: Int

    /// A digest.
    public init(sha256: String, size: Int) {
        self.sha256 = sha256
        self.size = size
    }
}

/// An alias: a name pointing at a version, optionally sending a share of calls to one other.
public struct FunctionAlias: Sendable, Equatable {
    /// The version it points at (`$LATEST` or a number).
    public var version: String
    /// At most one additional version and the share (0…1) of invocations it receives.
    public var additionalVersion: (version: String, weight: Double)?

    /// An alias.
    public init(version: String, additionalVersion: (version: String, weight: Double)? = nil) {
        self.version = version
        self.additionalVersion = additionalVersion
    }

    public static func == (lhs: FunctionAlias, rhs: FunctionAlias) -> Bool {
        lhs.version == rhs.version && lhs.additionalVersion?.version == rhs.additionalVersion?.version
            && lhs.additionalVersion?.weight == rhs.additionalVersion?.weight
    }
}

/// A Lambda API error, with the status and message AWS uses.
public struct LambdaServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status Lambda answers with.
    public let status: Int
    /// The exception type (`ResourceNotFoundException`).
    public let type: String
    /// The message.
    public let message: String

    /// `Type: message`.
    public var description: String { "\(type): \(message)" }

    /// An error with Lambda's status, type and message.
    public init(status: Int, type: String, message: String) {
        self.status = status
        self.type = type
        self.message = message
    }

    static func notFound(_ message: String) -> LambdaServiceError { LambdaServiceError(status: 404, type: "ResourceNotFoundException", message: message) }
    static func invalid(_ message: String) -> LambdaServiceError { LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: message) }
}

/// The result of one invocation.
public struct InvocationResult: Sendable {
    /// The request id.
    let requestIdentifier: RequestIdentifier.Value
    /// The invocation's request id (a UUID).
    public var requestId: String { requestIdentifier.text }
    /// The result, or the error JSON (`errorMessage`, `errorType`, `requestId`, `stackTrace`).
    public let payload: JSONValue
    /// `Unhandled` when the function failed (`X-Amz-Function-Error`).
    public let functionError: String?
    /// The version that ran (`X-Amz-Executed-Version`).
    public let executedVersion: String
    /// START / END / REPORT lines (empty unless logs were requested).
    public let logLines: [String]
    /// Milliseconds the handler ran.
    public let durationMilliseconds: Double
    /// The response as the function's runtime sent it (code run by a runtime may answer
    /// with bytes that are not JSON); nil for built-in handlers, whose answer is `payload`.
    public internal(set) var payloadBytes: [UInt8]? = nil

    /// The error message when the function failed.
    public var errorMessage: String? { functionError == nil ? nil : payload["errorMessage"]?.stringValue }
}
