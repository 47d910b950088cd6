import APIGateway
import AWSSignature
import JSONCore
import LambdaRuntime

/// A function's configuration as Lambda describes it (`FunctionConfiguration`).
public struct FunctionDescription: Sendable {
    /// The name.
    public var name: String
    /// `$LATEST` or a version number.
    public var version: String
    /// The ARN, qualified by the version unless `$LATEST`.
    public var arn: String
    /// The configuration.
    public var configuration: FunctionConfiguration
    /// When it last changed (seconds since 1970).
    public var lastModified: Double
}

/// An alias as Lambda describes it (`AliasConfiguration`).
public struct AliasDescription: Sendable {
    /// The alias name.
    public var name: String
    /// The function.
    public var function: String
    /// The ARN.
    public var arn: String
    /// Where it points.
    public var target: FunctionAlias
    /// Its description.
    public var description: String
}

/// The outcome of an Invoke.
public struct InvokeOutcome: Sendable {
    /// 200 (RequestResponse), 202 (Event) or 204 (DryRun).
    public var status: Int
    /// The function's result (empty for Event and DryRun).
    public var payload: [UInt8]
    /// `Unhandled` when the function failed.
    public var functionError: String?
    /// The version that ran.
    public var executedVersion: String
    /// The log lines (START, output, END, REPORT).
    public var logLines: [String]
}

/// Lambda's control plane: functions, their configuration, versions, aliases, concurrency and
/// Invoke. Each change is drafted on `LambdaService`'s catalog and goes through the
/// `StateCommitter` it shares with API Gateway's.
public struct LambdaControl: Sendable {
    let committer: StateCommitter
    /// The functions as they run.
    let service: LambdaService
    /// Where function output goes (the server's log), as for an invoke-URL request.
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?
}

extension LambdaControl {
    /// A function name as the APIs accept it: `Name`, `Name:qualifier`, a full or partial ARN;
    /// split into the name and the qualifier.
    static func functionName(_ text: String) -> (name: String, qualifier: String?) {
        var rest = Substring(text)
        if let range = rest.firstRange(of: ":function:") { rest = rest[range.upperBound...] }
        let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
    }

    func lambdaCall<T>(_ body: () throws(LambdaServiceError) -> T) throws(ControlError) -> T {
        do {
            return try body()
        } catch {
            throw ControlError(error)
        }
    }

    /// ListFunctions: every function's `$LATEST`.
    public var functions: [FunctionDescription] {
        service.functionNames.compactMap { try? function($0) }
    }

    /// GetFunctionConfiguration: `$LATEST`, a version or an alias's version.
    public func function(_ reference: String, qualifier: String? = nil) throws(ControlError) -> FunctionDescription {
        let (name, embedded) = LambdaControl.functionName(reference)
        let qualifier = qualifier ?? embedded
        return try lambdaCall { () throws(LambdaServiceError) -> FunctionDescription in
            let latest = try service.latest(name)
            guard let qualifier, qualifier != "$LATEST" else {
                return FunctionDescription(name: name, version: "$LATEST", arn: service.arn(name), configuration: latest, lastModified: try service.lastModified(name))
            }
            var version = qualifier
            if Int(qualifier) == nil {
                guard let alias = try service.aliases(name).first(where: { $0.0 == qualifier })?.1 else {
                    throw LambdaServiceError(status: 404, type: "ResourceNotFoundException", message: "Function not found: \(service.arn(name, qualifier: qualifier))")
                }
                version = alias.version
                if version == "$LATEST" {
                    return FunctionDescription(name: name, version: "$LATEST", arn: service.arn(name), configuration: latest, lastModified: try service.lastModified(name))
                }
            }
            guard let number = Int(version), let published = try service.versions(name).first(where: { $0.0 == version })?.1 else {
                throw LambdaServiceError(status: 404, type: "ResourceNotFoundException", message: "Function not found: \(service.arn(name, qualifier: qualifier))")
            }
            return FunctionDescription(
                name: name, version: version, arn: service.arn(name, qualifier: version), configuration: published,
                lastModified: try service.lastModified(name, version: number))
        }
    }

    /// ListVersionsByFunction: `$LATEST` and every published version.
    public func versions(_ reference: String) throws(ControlError) -> [FunctionDescription] {
        let name = LambdaControl.functionName(reference).name
        let numbers = try lambdaCall { () throws(LambdaServiceError) in try service.versions(name).map(\.0) }
        return try [function(name)] + numbers.map { (number) throws(ControlError) in try function(name, qualifier: number) }
    }

    /// UpdateFunctionConfiguration: changes `$LATEST` (published versions are untouched);
    /// nil leaves a setting as it is; `environment` replaces the variables.
    @discardableResult
    public func updateFunction(
        _ reference: String, handler: String? = nil, environment: [String: String]? = nil, memorySize: Int? = nil, timeout: Double? = nil,
        description: String? = nil
    ) throws(ControlError) -> FunctionDescription {
        let name = LambdaControl.functionName(reference).name
        if let memorySize, !(128...10240).contains(memorySize) {
            throw ControlError(
                status: 400, type: "ValidationException",
                message: "1 validation error detected: Value '\(memorySize)' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128")
        }
        if let timeout, !(1...900).contains(timeout) {
            throw ControlError(
                status: 400, type: "ValidationException",
                message: "1 validation error detected: Value '\(Int(timeout))' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")
        }
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in
            var configuration = try catalog.function(name).latest
            if let handler { configuration.handler = handler }
            if let environment { configuration.environment = environment }
            if let memorySize { configuration.memorySize = memorySize }
            if let timeout { configuration.timeout = timeout }
            if let description { configuration.description = description }
            try catalog.updateFunction(name, configuration: configuration)
        }
        return try function(name)
    }

    /// PutFunctionConcurrency (nil: DeleteFunctionConcurrency): invocations past the
    /// reserved concurrency are throttled; 0 throttles all.
    public func putFunctionConcurrency(_ reference: String, _ value: Int?) throws(ControlError) {
        let name = LambdaControl.functionName(reference).name
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in try catalog.setReservedConcurrency(name, value) }
    }

    /// GetFunctionConcurrency.
    public func functionConcurrency(_ reference: String) throws(ControlError) -> Int? {
        let name = LambdaControl.functionName(reference).name
        _ = try function(name)
        return service.reservedConcurrency(name)
    }

    /// PublishVersion (an unchanged `$LATEST` gives the last version again).
    @discardableResult
    public func publishVersion(_ reference: String, description: String? = nil) throws(ControlError) -> FunctionDescription {
        let name = LambdaControl.functionName(reference).name
        let codeRunner = service.codeRunner
        let version = try committer.changeLambda { (catalog) throws(LambdaServiceError) -> String in
            if let description {
                var configuration = try catalog.function(name).latest
                if configuration.description != description {
                    configuration.description = description
                    try catalog.updateFunction(name, configuration: configuration)
                }
            }
            return try catalog.publishVersion(name, codeRunner: codeRunner)
        }
        return try function(name, qualifier: version)
    }

    /// The aliases of a function.
    public func aliases(_ reference: String) throws(ControlError) -> [AliasDescription] {
        let name = LambdaControl.functionName(reference).name
        return try lambdaCall { () throws(LambdaServiceError) in
            try service.aliases(name).map { alias, target in
                AliasDescription(
                    name: alias, function: name, arn: service.arn(name, qualifier: alias), target: target,
                    description: service.aliasDescription(name, alias) ?? "")
            }
        }
    }

    /// GetAlias.
    public func alias(_ alias: String, of reference: String) throws(ControlError) -> AliasDescription {
        let name = LambdaControl.functionName(reference).name
        guard let found = try aliases(name).first(where: { $0.name == alias }) else {
            throw .functionNotFound("Cannot find alias arn: \(service.arn(name, qualifier: alias))")
        }
        return found
    }

    /// CreateAlias (409 when it exists).
    @discardableResult
    public func createAlias(
        _ alias: String, of reference: String, version: String, routing: (version: String, weight: Double)? = nil, description: String = ""
    ) throws(ControlError) -> AliasDescription {
        let name = LambdaControl.functionName(reference).name
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in
            try catalog.createAlias(alias, of: name, to: FunctionAlias(version: version, additionalVersion: routing), description: description)
        }
        return try self.alias(alias, of: name)
    }

    /// UpdateAlias: nil leaves a part as it is; `routing: .some(nil)` clears the routing.
    @discardableResult
    public func updateAlias(
        _ alias: String, of reference: String, version: String? = nil, routing: (version: String, weight: Double)?? = nil, description: String? = nil
    ) throws(ControlError) -> AliasDescription {
        let name = LambdaControl.functionName(reference).name
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in
            try catalog.updateAlias(alias, of: name, version: version, routing: routing, description: description)
        }
        return try self.alias(alias, of: name)
    }

    /// Creates an alias or moves it (the CLI's `lambda alias`).
    @discardableResult
    public func setAlias(_ alias: String, of reference: String, version: String, routing: (version: String, weight: Double)?) throws(ControlError)
        -> AliasDescription
    {
        let name = LambdaControl.functionName(reference).name
        if (try? self.alias(alias, of: name)) != nil { return try updateAlias(alias, of: name, version: version, routing: .some(routing)) }
        return try createAlias(alias, of: name, version: version, routing: routing)
    }

    /// DeleteAlias.
    public func deleteAlias(_ alias: String, of reference: String) throws(ControlError) {
        let name = LambdaControl.functionName(reference).name
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in try catalog.deleteAlias(alias, of: name) }
    }

    /// Invoke: `RequestResponse` (the result), `Event` (202, run in the background) or
    /// `DryRun` (204, nothing runs: only the function and qualifier are checked).
    /// `collectLogs` asks for the START/END/REPORT lines (`LogType: Tail`).
    public func invoke(
        _ reference: String, qualifier: String? = nil, payload: [UInt8], invocationType: String = "RequestResponse", collectLogs: Bool = true
    ) throws(ControlError) -> InvokeOutcome {
        let (name, embedded) = LambdaControl.functionName(reference)
        let qualifier = qualifier ?? embedded
        if let embedded, let qualifier, embedded != qualifier {
            throw .invalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
        }
        let target = name + (qualifier.map { ":" + $0 } ?? "")
        let event: JSONValue
        if payload.isEmpty {
            event = .object(JSONObject())
        } else {
            do {
                event = try JSONParser().parse(payload)
            } catch {
                throw ControlError(
                    status: 400, type: "InvalidRequestContentException",
                    message: "Could not parse request body into json: Could not parse payload into json: \(error.description)")
            }
        }
        switch invocationType {
        case "DryRun":
            let resolved = try function(name, qualifier: qualifier)
            return InvokeOutcome(status: 204, payload: [], functionError: nil, executedVersion: resolved.version, logLines: [])
        case "Event":
            let resolved = try function(name, qualifier: qualifier)
            let service = self.service
            let logSink = self.logSink
            DetachedThread.detach {
                let result = try? service.invoke(target, payload: event, collectLogs: logSink != nil)
                for line in result?.logLines ?? [] { logSink?(.message(line)) }
            }
            return InvokeOutcome(status: 202, payload: [], functionError: nil, executedVersion: resolved.version, logLines: [])
        case "RequestResponse":
            // What the function prints reaches the server's log, as for an invoke-URL request.
            let result = try lambdaCall { () throws(LambdaServiceError) in
                try service.invoke(target, payload: event, collectLogs: collectLogs || logSink != nil)
            }
            for line in result.logLines { logSink?(.message(line)) }
            return InvokeOutcome(
                status: 200, payload: result.payloadBytes ?? JSONWriter.compact.bytes(result.payload), functionError: result.functionError, executedVersion: result.executedVersion,
                logLines: collectLogs ? result.logLines : [])
        default:
            throw ControlError(
                status: 400, type: "ValidationException",
                message: "1 validation error detected: Value '\(invocationType)' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
        }
    }

    /// A stable digest of a configuration (the `CodeSha256` and `RevisionId` shapes).
    static func digest(_ configuration: FunctionConfiguration, extra: String = "") -> [UInt8] {
        SHA256.hash(JSONWriter.compact.string(configuration.json) + extra)
    }
}

/// A background thread for `Event` invocations (no executor or pool needed for a fire-and-forget call).
enum DetachedThread {
    private final class Box: @unchecked Sendable {
        // Safety: handed to exactly one thread, read once.
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func detach(_ body: @escaping @Sendable () -> Void) {
        #if canImport(Glibc)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 8 * 1024 * 1024)
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { argument in
            Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
        }
        #else
        body()
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension LambdaControl {
    /// Invocation counts and duration percentiles of a function.
    public func metrics(_ function: String) -> FunctionMetrics? { service.metrics(LambdaControl.functionName(function).name) }
}
