import APIModel
import AWSSignature
import HTTPCore
import JSONCore
import JSONSchema
import LambdaRuntime
import MappingTemplates
import Synchronization

/// The local API Gateway's request path: serves every deployed stage of a REST API with the
/// real service's pipeline (`RequestPipeline`: routing, API keys, authorization, usage plans and
/// throttles, request validation, the stage cache, MOCK / Lambda / Lambda-proxy integrations
/// with mapping templates, and gateway responses).
///
/// It owns no configuration: it reads the `GatewaySnapshot` the control plane publishes (one
/// immutable value, swapped whole when something changes) and never writes the state
/// directory. What it counts — quota use — goes to a `UsageLedger` as it is counted.
/// The same object answers in-process calls and the HTTP server (`HTTPResponder`).
public final class Gateway: HTTPResponder, Sendable {
    package let clock: any GatewayClock
    /// What the control plane published last.
    private let published: Mutex<GatewaySnapshot>
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?
    private let pipeline: RequestPipeline

    /// A request path serving `snapshot`, invoking functions on `lambda`, counting quota use
    /// from `usage` on (each count also stored in `ledger`).
    package init(
        snapshot: GatewaySnapshot, lambda: LambdaService, clock: any GatewayClock, usage: [String: QuotaUsage], ledger: UsageLedger?,
        logSink: (@Sendable (GatewayLogEvent) -> Void)?
    ) {
        self.published = Mutex(snapshot)
        self.clock = clock
        self.logSink = logSink
        pipeline = RequestPipeline(usage: UsageStage(usage: usage, ledger: ledger), lambda: lambda, logSink: logSink)
    }

    /// The snapshot requests read now.
    package var snapshot: GatewaySnapshot { published.withLock { $0 } }

    /// Makes `snapshot` the one the next request reads.
    package func publish(_ snapshot: GatewaySnapshot) {
        published.withLock { $0 = snapshot }
    }

    /// Quota use counted so far, by `plan/keyId`.
    package var quotaUsage: [String: QuotaUsage] { pipeline.usage.quotaUsage }

    /// The API keys the gateway accepts now.
    public var apiKeys: [APIKeyRecord] { snapshot.keys.values.map(\.record).sorted { $0.name < $1.name } }

    /// Answers one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        handle(request, testInvoke: false).response
    }

    /// Answers one request through the pipeline; a test invoke keeps its execution log (in
    /// the arrived request returned).
    func handle(_ request: HTTPRequest, testInvoke: Bool) -> (response: HTTPResponse, arrived: ArrivedRequest) {
        let snapshot = published.withLock { $0 }
        // The API may be addressed by the path form or its host (RouteStage.apiRequest).
        var refusal: GatewayError?
        var addressed: HTTPRequest?
        if RouteStage.mayAddressAPI(request) {
            do {
                addressed = try RouteStage.apiRequest(request, apiId: snapshot.apiId)
            } catch {
                refusal = error
            }
        }
        let arrived = ArrivedRequest(
            addressed ?? request, requestId: RequestIdentifier.uuid(), extendedRequestId: RequestIdentifier.shortIdentifier(), time: clock.now(),
            isTestInvoke: testInvoke, keepsLines: testInvoke)
        var (response, caller) = refusal.map { (pipeline.refuse(arrived, $0), Caller.anonymous) } ?? pipeline.run(arrived, in: snapshot)
        response.headers.set(
            HTTPHeaders.Field(name: "x-amzn-RequestId", value: arrived.requestId), HTTPHeaders.Field(name: "x-amz-apigw-id", value: arrived.extendedRequestId),
            addingUnlessPresent: HTTPHeaders.Field(name: "Content-Type", value: "application/json"))
        if let logSink {
            logSink(
                .access(
                    AccessRecord(
                        requestId: arrived.requestId, remoteAddress: request.remoteAddress, method: request.method, path: arrived.path,
                        status: response.status, latencyMilliseconds: (clock.now() - arrived.time) * 1000, apiKeyId: caller.apiKey?.id,
                        reason: arrived.failure)))
        }
        return (response, arrived)
    }

    /// Cache hits and misses of a stage.
    public func cacheStatistics(stage: String) -> (hits: Int, misses: Int, entries: Int)? {
        snapshot.stages[stage]?.cache?.state.withLock { ($0.hits, $0.misses, $0.entries.count) }
    }

    /// Forgets the authorizer answers kept for a stage (FlushStageAuthorizersCache).
    package func flushAuthorizerCache(stage: String) {
        pipeline.authorization.cache.flush(stage: snapshot.apiId + "/" + stage)
    }

    /// Empties a stage's cache (FlushStageCache).
    package func flushCache(stage: String) {
        snapshot.stages[stage]?.cache?.state.withLock { $0.flush() }
    }
}

/// A name used as a table key, hashed once when made.
struct HashedName: Hashable, Sendable {
    let text: String
    private let hash: Int

    init(_ text: String) {
        self.text = text
        hash = text.hashValue
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    static func == (lhs: HashedName, rhs: HashedName) -> Bool { lhs.hash == rhs.hash && lhs.text == rhs.text }
}

/// A deployed stage as requests reach it: the deployment and the stage's cache (the cache
/// outlives redeployments, which flush it).
package struct ServedStage: Sendable {
    package let deployment: StageDeployment
    package let cache: StageCache?
    /// `arn:aws:execute-api:{region}:{account}:{api}/{stage}/`: what every method ARN of the
    /// stage starts with (set by the snapshot, which knows the region and account).
    let methodARNPrefix: [UInt8]

    package init(deployment: StageDeployment, cache: StageCache?) {
        self.init(deployment: deployment, cache: cache, methodARNPrefix: [])
    }

    init(deployment: StageDeployment, cache: StageCache?, methodARNPrefix: [UInt8]) {
        self.deployment = deployment
        self.cache = cache
        self.methodARNPrefix = methodARNPrefix
    }
}

/// One stage's cache behind its own lock.
package final class StageCache: Sendable {
    let state: Mutex<ResponseCache>

    package init(capacityBytes: Int) { state = Mutex(ResponseCache(capacityBytes: capacityBytes)) }
}

/// Everything the request path reads, published whole by the control plane: the deployed
/// stages (with their caches), the API keys and the usage plans. Immutable; a change makes a
/// new one.
package final class GatewaySnapshot: Sendable {
    package let apiId: String
    package let accountId: String
    package let region: String
    package let accountThrottle: ThrottleSettings
    package let stages: [String: ServedStage]
    package let keys: [APIKeyValue: ActiveKey]
    package let plansByName: [String: UsagePlan]
    /// The 403 body's text for an authorizer's explicit deny (AWS's wording changed over the
    /// years: reference §16.7).
    package let explicitDenyMessage: String
    /// The credentials SigV4 signatures of AWS_IAM methods are checked against (nil: none
    /// kept — such methods refuse every request).
    package let signingCredentials: SigV4.Credentials?
    /// The keys Cognito user pools sign tokens with (nil: none known — Cognito methods refuse
    /// every token).
    package let cognitoKeys: CognitoKeyring?

    /// AWS's wording of an explicit deny until 2023 (newer captures add "in an identity-based policy").
    package static let shortExplicitDenyMessage = "User is not authorized to access this resource with an explicit deny"

    package init(
        apiId: String, accountId: String, region: String, accountThrottle: ThrottleSettings, stages: [String: ServedStage], keys: [APIKeyRecord],
        plans: [UsagePlanDefinition], explicitDenyMessage: String = GatewaySnapshot.shortExplicitDenyMessage,
        signingCredentials: SigV4.Credentials? = nil, cognitoKeys: CognitoKeyring? = nil
    ) {
        self.cognitoKeys = cognitoKeys
        self.explicitDenyMessage = explicitDenyMessage
        self.signingCredentials = signingCredentials
        self.apiId = apiId
        self.accountId = accountId
        self.region = region
        self.accountThrottle = accountThrottle
        var served: [String: ServedStage] = [:]
        for (name, stage) in stages {
            let prefix = Array("arn:aws:execute-api:\(region):\(accountId):\(apiId)/\(name)/".utf8)
            served[name] = ServedStage(deployment: stage.deployment, cache: stage.cache, methodARNPrefix: prefix)
        }
        self.stages = served
        let plansByName = Dictionary(plans.map { ($0.name, UsagePlan($0)) }, uniquingKeysWith: { first, _ in first })
        self.plansByName = plansByName
        self.keys = Dictionary(keys.map { (APIKeyValue($0.value), ActiveKey($0, plansByName: plansByName)) }, uniquingKeysWith: { first, _ in first })
    }
}
