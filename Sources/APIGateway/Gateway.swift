import APIModel
import HTTPCore
import JSONCore
import JSONSchema
import LambdaRuntime
import MappingTemplates
import Synchronization

/// The local API Gateway's request path: serves every deployed stage of a REST API with the
/// real service's pipeline — routing, API keys, usage plans (throttle and quota), stage and
/// method throttling, request validation, the stage cache, MOCK / Lambda / Lambda-proxy
/// integrations with mapping templates, and gateway responses.
///
/// It owns no configuration: it reads the `GatewaySnapshot` the control plane publishes (one
/// immutable value, swapped whole when something changes) and never writes the state
/// directory. What it counts — quota use — goes to a `UsageLedger` as it is counted.
/// The same object answers in-process calls and the HTTP server (`HTTPResponder`).
public final class Gateway: HTTPResponder, Sendable {
    let clock: any GatewayClock
    /// What the control plane published last.
    let published: Mutex<GatewaySnapshot>
    /// Lambda, as the integrations invoke it.
    let lambda: LambdaService
    let limits: Mutex<LimitState>
    let ledger: UsageLedger?
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?
    let requestTimes = RequestTimeFormatter()

    /// A request path serving `snapshot`, invoking functions on `lambda`, counting quota use
    /// from `usage` on (each count also stored in `ledger`).
    package init(
        snapshot: GatewaySnapshot, lambda: LambdaService, clock: any GatewayClock, usage: [String: QuotaUsage], ledger: UsageLedger?,
        logSink: (@Sendable (GatewayLogEvent) -> Void)?
    ) {
        self.published = Mutex(snapshot)
        self.lambda = lambda
        self.clock = clock
        self.limits = Mutex(LimitState(usage: usage))
        self.ledger = ledger
        self.logSink = logSink
    }

    /// The snapshot requests read now.
    package var snapshot: GatewaySnapshot { published.withLock { $0 } }

    /// Makes `snapshot` the one the next request reads.
    package func publish(_ snapshot: GatewaySnapshot) {
        published.withLock { $0 = snapshot }
    }

    /// Quota use counted so far, by `plan/keyId`.
    package var quotaUsage: [String: QuotaUsage] { limits.withLock { $0.usage } }

    /// The API keys the gateway accepts now.
    public var apiKeys: [APIKeyRecord] { snapshot.keys.values.map(\.record).sorted { $0.name < $1.name } }

    // MARK: - Answering requests

    /// Answers one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        handle(request, trace: nil)
    }

    /// Everything known about one request while it passes through the pipeline. A class: the
    /// stages pass it around (and into closures) without copying its many fields.
    final class Call {
        let request: HTTPRequest
        /// The request path (without the query), computed once.
        let path: String
        /// The method, upper-cased once.
        let httpMethod: String
        let requestId: String
        let extendedRequestId: String
        let time: Double
        var stage = ""
        var deployment: StageDeployment?
        /// The snapshot this request was routed in (the same one to its end).
        var snapshot: GatewaySnapshot?
        var method: CompiledMethod?
        var pathParameters: [(String, String)] = []
        var query: [(String, String)] = []
        /// The query string as sent (after `?`), or nil.
        var rawQuery: String?
        var apiKey: APIKeyRecord? { activeKey?.record }
        var activeKey: ActiveKey?
        let trace: ExecutionTrace?
        /// The console's Test button: no API key, usage plan, throttling or cache.
        var isTestInvoke = false
        /// Why the request failed, when the gateway knows (a configuration error, a body that
        /// breaks its model): the access log line shows it.
        var failure: String?

        init(request: HTTPRequest, path: String, httpMethod: String, requestId: String, extendedRequestId: String, time: Double, trace: ExecutionTrace?) {
            self.request = request
            self.path = path
            self.httpMethod = httpMethod
            self.requestId = requestId
            self.extendedRequestId = extendedRequestId
            self.time = time
            self.trace = trace
        }

        /// Adds a line to the execution log of a test invoke; the text is built only then.
        @inline(__always)
        func log(_ line: @autoclosure () -> String) {
            if let trace { trace.add(line()) }
        }

        /// Adds a line that says why the request fails: to the execution log, and (the first
        /// such line) to the access log.
        func fail(_ line: String) {
            trace?.add(line)
            if failure == nil { failure = line }
        }
    }

    func handle(_ request: HTTPRequest, trace: ExecutionTrace?, testInvoke: Bool = false) -> HTTPResponse {
        let (path, query) = request.pathAndQuery
        let call = Call(
            request: request, path: path, httpMethod: Gateway.uppercaseMethod(request.method), requestId: RequestIdentifier.uuid(), extendedRequestId: RequestIdentifier.shortIdentifier(), time: clock.now(),
            trace: trace)
        call.isTestInvoke = testInvoke
        call.rawQuery = query
        var response: HTTPResponse
        switch process(call) {
        case .success(let answer): response = answer
        case .failure(let error): response = gatewayResponse(error, call: call)
        }
        response.headers.set(
            HTTPHeaders.Field(name: "x-amzn-RequestId", value: call.requestId), HTTPHeaders.Field(name: "x-amz-apigw-id", value: call.extendedRequestId),
            addingUnlessPresent: HTTPHeaders.Field(name: "Content-Type", value: "application/json"))
        logSink?(accessRecord(call, response))
        return response
    }

    func accessRecord(_ call: Call, _ response: HTTPResponse) -> GatewayLogEvent {
        .access(
            AccessRecord(
                requestId: call.requestId, remoteAddress: call.request.remoteAddress, method: call.request.method, path: call.path,
                status: response.status, latencyMilliseconds: (clock.now() - call.time) * 1000, apiKeyId: call.apiKey?.id, reason: call.failure))
    }

    func process(_ call: Call) -> Result<HTTPResponse, GatewayError> {
        // 1. Stage, resource and method.
        let rawPath = call.path
        let httpMethod = call.httpMethod
        // The stage is the first segment; the rest is matched against the stage's resources.
        var pathText = rawPath
        var stageName = ""
        let snapshot = published.withLock { $0 }
        var found: ServedStage?
        var method: CompiledMethod?
        var parameters: [(String, String)] = []
        // Results go straight into locals (no tuple of optionals copied on the way out).
        pathText.withUTF8 { bytes in
            let path = PathBytes(bytes: bytes)
            guard let first = path.segment(from: 0) else { return }
            stageName = path.string(first)
            found = snapshot.stages[stageName]
            guard let deployment = found?.deployment else { return }
            if let (routedMethod, routedParameters) = deployment.route(path, from: first.upperBound, httpMethod: httpMethod) {
                method = routedMethod
                parameters = routedParameters
            }
        }
        guard let served = found else {
            return .failure(GatewayError(.forbiddenStage))
        }
        let deployment = served.deployment
        call.stage = stageName
        call.deployment = deployment
        call.snapshot = snapshot
        call.query = URLEncoding.queryPairs(call.rawQuery)
        guard let method else {
            call.fail("Execution failed: no resource or method matches \(httpMethod) \(rawPath)")
            return .failure(GatewayError(.missingAuthenticationToken))
        }
        call.method = method
        call.pathParameters = parameters
        call.log("Starting execution for request: \(call.requestId)")
        call.log("HTTP Method: \(httpMethod), Resource Path: \(method.resource.path)")
        call.log("Method request path: \(Gateway.javaMap(parameters))")
        call.log("Method request query string: \(Gateway.javaMap(call.query))")

        // 2. API key, 3. usage plan and throttles.
        if call.isTestInvoke {
            call.log("Test invoke: API key, usage plan, throttling and cache are not applied")
        } else if method.method.apiKeyRequired {
            guard let value = call.request.headers["x-api-key"], let active = snapshot.keys[APIKeyValue(value)], active.record.enabled,
                let planIndex = active.plans.firstIndex(where: { $0.definition.stages.contains(stageName) })
            else {
                call.log("API Key not valid for this stage, or not present")
                return .failure(GatewayError(.invalidAPIKey))
            }
            call.activeKey = active
            let plan = active.plans[planIndex]
            call.log("API Key authorized because method '\(httpMethod) \(method.resource.path)' requires API Key. Request will be subject to usage plan \(plan.definition.name)")
            if let error = admit(call, plan: plan, client: active.clientKeys[planIndex]) { return .failure(error) }
        } else if let error = admit(call, plan: nil, client: nil) {
            return .failure(error)
        }

        // 4. Request validation.
        if let error = validate(call) { return .failure(error) }

        // 5. Cache.
        let cachePlan = call.isTestInvoke ? nil : cachePlan(call)
        if cachePlan?.forbidden == true { return .failure(GatewayError(.cacheInvalidationForbidden)) }
        if let cachePlan, !cachePlan.bypass,
            let cached = served.cache?.state.withLock({ $0.lookup(cachePlan.key, now: call.time) })
        {
            call.log("Serving the response from the stage cache")
            return .success(cached)
        }

        // 6–7. Integration.
        let result = integrate(call)
        if case .success(let response) = result, let cachePlan {
            served.cache?.state.withLock { $0.store(cachePlan.key, response, ttl: cachePlan.ttl, now: call.time) }
        }
        return result
    }

    /// The method in upper case (no work for the usual already-upper-case methods).
    static func uppercaseMethod(_ method: String) -> String {
        switch method {
        case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS": return method
        default: return method.utf8.allSatisfy { $0 < 0x61 || $0 > 0x7A } ? method : method.uppercased()
        }
    }

    static func javaMap(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") + "}"
    }

    // MARK: - Request validation

    func validate(_ call: Call) -> GatewayError? {
        guard let method = call.method, let validator = method.validator else { return nil }
        if validator.validateRequestParameters {
            var missing: [ParameterReference] = []
            for parameter in method.requiredParameters {
                let present: Bool
                switch parameter.location {
                case .header: present = call.request.headers.contains(parameter.name)
                case .querystring: present = call.query.contains { $0.0 == parameter.name }
                case .path: present = call.pathParameters.contains { $0.0 == parameter.name }
                case .other: present = true
                }
                if !present { missing.append(parameter) }
            }
            if !missing.isEmpty {
                let sorted = missing.sorted { lhs, rhs in
                    lhs.location != rhs.location ? lhs.location < rhs.location : lhs.key < rhs.key
                }
                return GatewayError(.badRequestParameters, message: "Missing required request parameters: [\(sorted.map(\.name).joined(separator: ", "))]")
            }
        }
        if validator.validateRequestBody {
            // Models are keyed by content type; no model for this type means no body check.
            let contentType = Gateway.mimeType(call.request.headers["Content-Type"]) ?? "application/json"
            if let model = method.requestModels[contentType] {
                let body = call.request.body.isEmpty ? Array("{}".utf8) : call.request.body
                let document: JSONValue
                do {
                    document = try JSONParser().parse(body)
                } catch {
                    call.fail("Request body does not match model schema for content type \(contentType): [Invalid JSON: \(error.description)]")
                    return GatewayError(.badRequestBody, message: "Invalid request body", validation: "[\"Invalid JSON: \(error.description)\"]")
                }
                let errors: [ValidationError]
                do {
                    errors = try model.validate(document, limits: .forPayload(bytes: body.count))
                } catch {
                    // Undecidable within the limits: refused as an invalid body, as AWS refuses
                    // what its validator cannot accept, with the limit in the execution log.
                    call.fail("Request body validation for content type \(contentType) stopped: \(error.description)")
                    return GatewayError(.badRequestBody, message: "Invalid request body", validation: "[\"\(error.description)\"]")
                }
                if !errors.isEmpty {
                    let detail = "[" + errors.map { "\"\($0.instanceLocation.description.isEmpty ? "/" : $0.instanceLocation.description): \($0.message)\"" }.joined(separator: ", ") + "]"
                    call.fail("Request body does not match model schema for content type \(contentType): \(detail)")
                    return GatewayError(.badRequestBody, message: "Invalid request body", validation: detail)
                }
            }
        }
        return nil
    }

    /// The MIME type of a Content-Type or Accept value, without parameters, lower-cased.
    static func mimeType(_ value: String?) -> String? {
        guard let value else { return nil }
        let first = value.split(separator: ",").first ?? Substring(value)
        let type = first.split(separator: ";").first.map { String($0).trimmingSpacesAndTabs().lowercased() }
        return type?.isEmpty == false ? type : nil
    }

    // MARK: - Cache

    struct CachePlan {
        let key: CacheKey
        let ttl: Int
        /// Skip the lookup (an authorized `Cache-Control: max-age=0`): fetch and replace.
        var bypass = false
        /// An unauthorized `Cache-Control: max-age=0` under `FAIL_WITH_403`.
        var forbidden = false
    }

    func cachePlan(_ call: Call) -> CachePlan? {
        guard let deployment = call.deployment, let method = call.method, deployment.stage.cache.enabled else { return nil }
        let setting = deployment.setting(for: method)
        let enabled = setting?.cachingEnabled ?? (call.httpMethod == "GET")
        let ttl = setting?.ttlInSeconds ?? deployment.stage.cache.ttlInSeconds
        guard enabled, ttl > 0 else { return nil }
        // The namespace and parameter names are fixed per method; only the values are built.
        var values = call.httpMethod
        for parameter in method.cacheKeyParameters {
            let value: String?
            switch parameter.location {
            case .path: value = call.pathParameters.first { $0.0 == parameter.name }?.1
            case .querystring: value = call.query.last { $0.0 == parameter.name }?.1
            case .header: value = call.request.headers[parameter.name]
            case .other: value = nil
            }
            // U+0001 before a present value, U+0002 for a missing one: no two lists collide.
            if let value {
                values += "\u{1}"
                values += value
            } else {
                values += "\u{2}"
            }
        }
        let key = CacheKey(base: method.cacheKeyBase, request: values)
        var plan = CachePlan(key: key, ttl: ttl)
        if let control = call.request.headers["Cache-Control"], control.replacingSpaces.lowercased().contains("max-age=0") {
            let cache = deployment.stage.cache
            let authorized = !cache.requireAuthorizationForCacheControl || (call.apiKey.map { cache.authorizedKeys.contains($0.name) } ?? false)
            if authorized {
                call.log("Cache-Control: max-age=0 from an authorized caller: invalidating the cache entry")
                plan.bypass = true
            } else {
                switch cache.unauthorizedCacheControlHeaderStrategy {
                case .failWith403:
                    plan.forbidden = true
                case .succeedWithResponseHeader, .succeedWithoutResponseHeader:
                    call.log("Cache-Control: max-age=0 from an unauthorized caller: ignored (\(cache.unauthorizedCacheControlHeaderStrategy.rawValue))")
                }
            }
        }
        return plan
    }

    /// Cache hits and misses of a stage.
    public func cacheStatistics(stage: String) -> (hits: Int, misses: Int, entries: Int)? {
        snapshot.stages[stage]?.cache?.state.withLock { ($0.hits, $0.misses, $0.entries.count) }
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

extension String {
    var replacingSpaces: String { String(filter { $0 != " " }) }
}

/// A deployed stage as requests reach it: the deployment and the stage's cache (the cache
/// outlives redeployments, which flush it).
package struct ServedStage: Sendable {
    package let deployment: StageDeployment
    package let cache: StageCache?

    package init(deployment: StageDeployment, cache: StageCache?) {
        self.deployment = deployment
        self.cache = cache
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

    package init(
        apiId: String, accountId: String, region: String, accountThrottle: ThrottleSettings, stages: [String: ServedStage], keys: [APIKeyRecord],
        plans: [UsagePlanDefinition]
    ) {
        self.apiId = apiId
        self.accountId = accountId
        self.region = region
        self.accountThrottle = accountThrottle
        self.stages = stages
        let plansByName = Dictionary(plans.map { ($0.name, UsagePlan($0)) }, uniquingKeysWith: { first, _ in first })
        self.plansByName = plansByName
        self.keys = Dictionary(keys.map { (APIKeyValue($0.value), ActiveKey($0, plansByName: plansByName)) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Lines of a test-invoke execution log.
final class ExecutionTrace: @unchecked Sendable {
    // Used by one request on one thread at a time.
    private(set) var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}
