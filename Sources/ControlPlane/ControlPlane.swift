import APIGateway
import APIModel
import AWSSignature
import JSONCore
import JSONSchema
import LambdaRuntime
import Synchronization

/// The local API Gateway's control plane: it owns everything that can change — API keys, each
/// stage's deployment and settings, the deployment history, functions with their versions and
/// aliases — and the request path (`gateway`) that serves it.
///
/// One control plane per AWS service — `apiGateway` (keys, stages, deployments, usage plans,
/// exports) and `lambda` (functions, versions, aliases, Invoke) — over one `StateCommitter`:
/// every change, of either service, is drafted, written to the state directory (flushed to
/// disk) before the call returns, then published, so the next request sees it and a change
/// that could not be written was never visible. Quota use is counted by the request path into
/// a memory-mapped ledger that survives a crash of the process. The AWS APIs (`FrontDoor`)
/// and the `gateway` commands are clients of this object.
public final class ControlPlane: Sendable {
    /// The request path: answers invoke-URL requests (`HTTPResponder`).
    public let gateway: Gateway
    /// The deployment file as loaded.
    public let configuration: DeploymentConfiguration
    /// API Gateway's operations.
    public let apiGateway: APIGatewayControl
    /// Lambda's operations.
    public let lambda: LambdaControl
    /// The one path changes take.
    let committer: StateCommitter
    /// What loading found and did, in one line (`gateway serve` prints it).
    public let startupReport: String
    /// The files this control plane was made from: the deployment file, the definitions and
    /// every model file they reference (what `SourceWatch` watches).
    public let sourceFiles: [String]
    /// How this control plane was loaded (what a reload loads again).
    let origin: Origin?
    /// The keys Cognito user pool tokens are checked against (published key sets, the local
    /// issuer's keys); the JWKS URL serves them.
    public let cognitoKeys: CognitoKeyring?

    /// The arguments `load` was given.
    struct Origin: Sendable {
        var deploymentFile: String
        var stateDirectory: String?
        var handlers: [String: any LambdaHandler]
        var logSink: (@Sendable (GatewayLogEvent) -> Void)?
        var readOnly: Bool
        var codeRunner: (any FunctionCodeRunner)?
        var jwks: [String: String] = [:]
    }

    /// Everything that changes, under one lock.
    struct Model: Sendable {
        var keys: [APIKeyRecord]
        var stages: [String: StageState]
        var history: [DeploymentRecord]
    }

    /// One stage: its settings (the deployment file's, with UpdateStage's changes), the
    /// deployment it serves, compiled, and its cache.
    struct StageState: Sendable {
        var base: StageConfiguration
        var overrides: StageOverrides
        var deployment: DeploymentRecord
        var compiled: StageDeployment
        var cache: StageCache?
        var createdDate: Double
        var lastUpdatedDate: Double

        /// The settings in force.
        var effective: StageConfiguration { overrides.applied(to: base) }
    }

    /// A deployment: the API definition as it was when deployed.
    struct DeploymentRecord: Sendable {
        var id: String
        var stage: String?
        var createdDate: Double
        var description: String
        var definition: String
        var document: JSONValue?
    }

    init(
        gateway: Gateway, configuration: DeploymentConfiguration, lambda: LambdaService, clock: any GatewayClock, model: Model,
        stateFile: StateFile?, ledger: UsageLedger, baseDirectory: String, registry: SchemaRegistry, credentials: SigV4.Credentials? = nil,
        cognitoKeys: CognitoKeyring? = nil, startupReport: String = "", declared: JSONValue = .null, sourceFiles: [String] = [], origin: Origin? = nil
    ) {
        self.cognitoKeys = cognitoKeys
        self.origin = origin
        self.startupReport = startupReport
        self.sourceFiles = sourceFiles
        self.gateway = gateway
        self.configuration = configuration
        let committer = StateCommitter(model: model, stateFile: stateFile, lambda: lambda, declared: declared) { [configuration] model in
            gateway.publish(ControlPlane.snapshot(model, configuration: configuration, credentials: credentials, cognitoKeys: cognitoKeys))
        }
        self.committer = committer
        apiGateway = APIGatewayControl(
            committer: committer, gateway: gateway, configuration: configuration, clock: clock, ledger: ledger, baseDirectory: baseDirectory,
            registry: registry, lambda: lambda)
        self.lambda = LambdaControl(committer: committer, service: lambda, logSink: origin?.logSink)
    }

    /// The request path's view of `model`.
    static func snapshot(_ model: Model, configuration: DeploymentConfiguration, credentials: SigV4.Credentials?, cognitoKeys: CognitoKeyring?) -> GatewaySnapshot {
        var stages: [String: ServedStage] = [:]
        for (name, stage) in model.stages { stages[name] = ServedStage(deployment: stage.compiled, cache: stage.cache) }
        return GatewaySnapshot(
            apiId: configuration.apiId, accountId: configuration.accountId, region: configuration.region,
            accountThrottle: configuration.accountThrottle, stages: stages, keys: model.keys, plans: configuration.usagePlans,
            explicitDenyMessage: configuration.explicitDenyMessage ?? GatewaySnapshot.shortExplicitDenyMessage, signingCredentials: credentials,
            cognitoKeys: cognitoKeys)
    }
}

/// An error as the AWS APIs answer it: the HTTP status, the error type (`x-amzn-ErrorType`) and
/// the message. The `gateway` commands print the message.
public struct ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public let status: Int
    /// `NotFoundException`, `ResourceNotFoundException`, …
    public let type: String
    /// What went wrong.
    public let message: String

    /// An error.
    public init(status: Int, type: String, message: String) {
        self.status = status
        self.type = type
        self.message = message
    }

    public var description: String { message }

    // API Gateway's errors.
    static func notFound(_ message: String) -> ControlError { ControlError(status: 404, type: "NotFoundException", message: message) }
    static func badRequest(_ message: String) -> ControlError { ControlError(status: 400, type: "BadRequestException", message: message) }
    static func conflict(_ message: String) -> ControlError { ControlError(status: 409, type: "ConflictException", message: message) }

    // Lambda's errors.
    static func functionNotFound(_ message: String) -> ControlError {
        ControlError(status: 404, type: "ResourceNotFoundException", message: message)
    }
    static func invalidParameter(_ message: String) -> ControlError {
        ControlError(status: 400, type: "InvalidParameterValueException", message: message)
    }

    /// Lambda's error as the control plane reports it.
    init(_ error: LambdaServiceError) {
        self.init(status: error.status, type: error.type, message: error.message)
    }
}

/// Changes UpdateStage made to a stage's settings, kept over the deployment file's.
struct StageOverrides: Sendable {
    var description: String?
    var variables: [(String, String)]?
    var methodSettings: [String: MethodSetting]?
    var cacheEnabled: Bool?
    var cacheTTL: Int?
    var cacheSize: Double?

    func applied(to base: StageConfiguration) -> StageConfiguration {
        var stage = base
        if let description { stage.description = description }
        if let variables { stage.variables = variables }
        if let methodSettings { stage.methodSettings = methodSettings }
        if let cacheEnabled { stage.cache.enabled = cacheEnabled }
        if let cacheTTL { stage.cache.ttlInSeconds = cacheTTL }
        if let cacheSize { stage.cache.clusterSizeGB = cacheSize }
        return stage
    }

    var json: JSONValue {
        var object = JSONObject()
        if let description { object["description"] = .string(description) }
        if let variables { object["variables"] = .object(JSONObject(variables.map { JSONObject.Member(key: $0.0, value: .string($0.1)) })) }
        if let methodSettings {
            var settings = JSONObject()
            for (key, setting) in methodSettings.sorted(by: { $0.key < $1.key }) {
                var entry = JSONObject()
                if let throttle = setting.throttle {
                    entry["throttle"] = ["rateLimit": .number(JSONNumber(throttle.rateLimit) ?? JSONNumber(0)), "burstLimit": .number(JSONNumber(throttle.burstLimit))]
                }
                if let caching = setting.cachingEnabled { entry["cachingEnabled"] = .bool(caching) }
                if let ttl = setting.ttlInSeconds { entry["ttlInSeconds"] = .number(JSONNumber(ttl)) }
                settings[key] = .object(entry)
            }
            object["methodSettings"] = .object(settings)
        }
        if let cacheEnabled { object["cacheEnabled"] = .bool(cacheEnabled) }
        if let cacheTTL { object["cacheTtlInSeconds"] = .number(JSONNumber(cacheTTL)) }
        if let cacheSize { object["cacheClusterSize"] = .number(JSONNumber(cacheSize) ?? JSONNumber(0)) }
        return .object(object)
    }

    init() {}

    init(json: JSONValue) {
        description = json["description"]?.stringValue
        if let variables = json["variables"]?.objectValue {
            self.variables = variables.compactMap { member in member.value.stringValue.map { (member.key, $0) } }
        }
        if let settings = json["methodSettings"]?.objectValue {
            var table: [String: MethodSetting] = [:]
            for member in settings {
                var setting = MethodSetting()
                if let throttle = member.value["throttle"], let rate = throttle["rateLimit"]?.numberValue?.doubleValue,
                    let burst = throttle["burstLimit"]?.numberValue?.intValue
                {
                    setting.throttle = ThrottleSettings(rateLimit: rate, burstLimit: burst)
                }
                setting.cachingEnabled = member.value["cachingEnabled"]?.boolValue
                setting.ttlInSeconds = member.value["ttlInSeconds"]?.numberValue?.intValue
                table[member.key] = setting
            }
            methodSettings = table
        }
        cacheEnabled = json["cacheEnabled"]?.boolValue
        cacheTTL = json["cacheTtlInSeconds"]?.numberValue?.intValue
        cacheSize = json["cacheClusterSize"]?.numberValue?.doubleValue
    }
}


/// Random text for key values and ids.
enum RandomText {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    static func alphanumeric(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// An id like API Gateway's: lower-case letters and digits.
    static func identifier(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in lowercase[Int(generator.next(upperBound: UInt64(lowercase.count)))] })
    }
}
