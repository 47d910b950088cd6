import APIGateway
import APIModel
import HTTPCore
import JSONCore
import TextAndFiles
import JSONSchema
import LambdaRuntime

/// One `patchOperations` entry of an API Gateway update.
public struct PatchOperation: Sendable, Equatable {
    /// `replace`, `add`, `remove`, `copy`, `move`, `test`.
    public var op: String
    /// `/enabled`, `/variables/lambdaAlias`, `/~1items/GET/throttling/rateLimit`…
    public var path: String
    /// The new value, as text (API Gateway's patch values are strings).
    public var value: String?

    /// An operation.
    public init(op: String, path: String, value: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }
}

/// What GetUsage answers: per key id, `[used, remaining]` for each day from start to end.
public struct UsageReport: Sendable, Equatable {
    /// The plan id.
    public var planId: String
    /// `2026-12-01`.
    public var startDate: String
    /// `2026-12-02`.
    public var endDate: String
    /// Key id → one `[used, remaining]` pair per day.
    public var items: [String: [[Int]]]
}

/// API Gateway's control plane: the REST API, its resources, stages, deployments, API keys,
/// usage plans and their usage, test invokes and exports. Every change goes through the
/// `StateCommitter` it shares with Lambda's.
public struct APIGatewayControl: Sendable {
    let committer: StateCommitter
    let gateway: Gateway
    let configuration: DeploymentConfiguration
    let clock: any GatewayClock
    let ledger: UsageLedger
    /// The deployment file's directory (definitions are read relative to it).
    let baseDirectory: String
    /// The models beside the deployment file (stage documents are added per compilation).
    let registry: SchemaRegistry
    /// Lambda, as a test invoke's one-off request path calls it.
    let lambda: LambdaService

    typealias Model = ControlPlane.Model
    typealias StageState = ControlPlane.StageState
    typealias DeploymentRecord = ControlPlane.DeploymentRecord

    /// The API keys, oldest first.
    public var apiKeys: [APIKeyRecord] { committer.read { $0.keys } }
}

extension ControlPlane {
    /// A stage as GetStage describes it.
    public struct StageDescription: Sendable {
        /// The stage name.
        public var name: String
        /// The deployment it serves.
        public var deploymentId: String
        /// Its description.
        public var description: String
        /// Stage variables.
        public var variables: [(String, String)]
        /// Method settings by `path/METHOD`.
        public var methodSettings: [String: MethodSetting]
        /// The stage's throttle.
        public var throttle: ThrottleSettings
        /// Cache settings.
        public var cache: CacheSettings
        /// Created and changed (seconds since 1970).
        public var createdDate: Double
        /// Last changed.
        public var lastUpdatedDate: Double
    }
}

extension APIGatewayControl {
    // MARK: - REST API and resources

    /// The REST API's id and name (its definition's `info.title`).
    public var restAPI: (id: String, name: String, description: String, createdDate: Double) {
        committer.read { model in
            let document = workingStage(model)?.deployment.document
            let title = document?["info"]?["title"]?.stringValue ?? configuration.apiId
            let description = document?["info"]?["description"]?.stringValue ?? ""
            let created = model.stages.values.map(\.createdDate).min() ?? 0
            return (configuration.apiId, title, description, created)
        }
    }

    /// The stage whose definition file most stages use: its document stands for the API's
    /// working copy (GetResources, TestInvokeMethod).
    func workingStage(_ model: Model) -> StageState? {
        var counts: [String: Int] = [:]
        for stage in configuration.stages { counts[stage.definition, default: 0] += 1 }
        let definition = configuration.stages.max { counts[$0.definition]! < counts[$1.definition]! }?.definition
        return configuration.stages.first { $0.definition == definition }.flatMap { model.stages[$0.name] }
    }

    /// The resources of the working copy: id, parent id, path part, path and methods.
    public var resources: [(id: String, parentId: String?, pathPart: String, path: String, methods: [String])] {
        guard let stage = committer.read({ workingStage($0) }) else { return [] }
        var result: [(String, String?, String, String, [String])] = []
        var paths = Set(stage.compiled.api.resources.map(\.path))
        paths.insert("/")
        // Every prefix of a path is a resource too.
        for path in paths {
            var prefix = ""
            for part in path.split(separator: "/") {
                prefix += "/" + part
                paths.insert(prefix)
            }
        }
        for path in paths.sorted() {
            let parent: String? = path == "/" ? nil : {
                let parts = path.split(separator: "/").dropLast()
                return parts.isEmpty ? "/" : "/" + parts.joined(separator: "/")
            }()
            let methods = stage.compiled.api.resources.first { $0.path == path }.map { $0.methods.keys.sorted() } ?? []
            result.append((
                APIGatewayControl.resourceId(path), parent.map(APIGatewayControl.resourceId), path == "/" ? "" : String(path.split(separator: "/").last!), path,
                methods
            ))
        }
        return result
    }

    /// A resource's id: stable for its path (`/` has a longer one, as on AWS).
    static func resourceId(_ path: String) -> String { StableIdentifier.make(path, length: path == "/" ? 10 : 6) }

    // MARK: - Stages

    /// Every stage.
    public var stages: [ControlPlane.StageDescription] {
        committer.read { model in configuration.stages.compactMap { model.stages[$0.name].map(APIGatewayControl.describe) } }
    }

    /// One stage (404 when there is none).
    public func stage(_ name: String) throws(ControlError) -> ControlPlane.StageDescription {
        guard let stage = committer.read({ $0.stages[name] }) else { throw .notFound("Invalid Stage identifier specified") }
        return APIGatewayControl.describe(stage)
    }

    static func describe(_ stage: StageState) -> ControlPlane.StageDescription {
        let effective = stage.effective
        return ControlPlane.StageDescription(
            name: effective.name, deploymentId: stage.deployment.id, description: effective.description, variables: effective.variables,
            methodSettings: effective.methodSettings, throttle: effective.throttle, cache: effective.cache, createdDate: stage.createdDate,
            lastUpdatedDate: stage.lastUpdatedDate)
    }

    /// UpdateStage: stage variables, method settings (throttling and caching), the cache
    /// cluster and the description. The change serves the next request.
    @discardableResult
    public func updateStage(_ name: String, operations: [PatchOperation]) throws(ControlError) -> ControlPlane.StageDescription {
        try committer.change { (model) throws(ControlError) -> ControlPlane.StageDescription in
            guard var stage = model.stages[name] else { throw .notFound("Invalid Stage identifier specified") }
            var overrides = stage.overrides
            var effective = stage.effective
            for operation in operations {
                try APIGatewayControl.apply(operation, to: &effective)
            }
            overrides.description = effective.description
            overrides.variables = effective.variables
            overrides.methodSettings = effective.methodSettings
            overrides.cacheEnabled = effective.cache.enabled
            overrides.cacheTTL = effective.cache.ttlInSeconds
            overrides.cacheSize = effective.cache.clusterSizeGB
            stage.overrides = overrides
            try recompile(&stage)
            stage.lastUpdatedDate = clock.now()
            model.stages[name] = stage
            return APIGatewayControl.describe(stage)
        }
    }

    /// Compiles a stage's deployment again (after its settings changed); its cache follows the
    /// settings (made, resized or dropped) and is flushed.
    func recompile(_ stage: inout StageState) throws(ControlError) {
        let effective = stage.effective
        do {
            stage.compiled = try ControlPlane.compile(
                effective, document: stage.deployment.document ?? .null, baseDirectory: baseDirectory, registry: registry,
                apiId: configuration.apiId)
        } catch {
            throw .badRequest(error.description)
        }
        let capacity = Int(effective.cache.clusterSizeGB * 1_073_741_824)
        stage.cache = effective.cache.enabled ? StageCache(capacityBytes: capacity) : nil
    }

    static func apply(_ operation: PatchOperation, to stage: inout StageConfiguration) throws(ControlError) {
        let tokens = operation.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            String($0).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
        }
        func invalid() -> ControlError {
            .badRequest("Invalid patch path  '\(operation.path)' specified for op '\(operation.op)'.")
        }
        func number() throws(ControlError) -> Double {
            guard let text = operation.value, let value = Double(text) else { throw .badRequest("Invalid value '\(operation.value ?? "")' for \(operation.path)") }
            return value
        }
        func flag() -> Bool { operation.value?.lowercased() == "true" }
        guard let first = tokens.first else { throw invalid() }
        switch (first, operation.op) {
        case ("description", "replace"):
            stage.description = operation.value ?? ""
        case ("variables", let op) where tokens.count == 2:
            stage.variables.removeAll { $0.0 == tokens[1] }
            if op == "replace" || op == "add" {
                guard let value = operation.value else { throw .badRequest("A value is required for \(operation.path)") }
                stage.variables.append((tokens[1], value))
            } else if op != "remove" {
                throw invalid()
            }
        case ("cacheClusterEnabled", "replace"):
            stage.cache.enabled = flag()
        case ("cacheClusterSize", "replace"):
            let size = try number()
            guard CacheSettings.clusterSizes.contains(size) else { throw .badRequest("Invalid cache cluster size specified: \(operation.value ?? "")") }
            stage.cache.clusterSizeGB = size
        case (_, "replace") where tokens.count == 4 || tokens.count == 3:
            // /{resource path}/{METHOD}/{throttling|caching}/{setting}: the resource path
            // arrives with its slashes escaped (`/~1items/GET/...`), or `/*/*/...`.
            let resource = tokens[0], method = tokens[1]
            let key = (resource == "*" ? "*" : String(resource.drop { $0 == "/" })) + "/" + method
            var setting = stage.methodSettings[key] ?? MethodSetting()
            switch tokens.dropFirst(2).joined(separator: "/") {
            case "throttling/rateLimit":
                setting.throttle = ThrottleSettings(rateLimit: try number(), burstLimit: setting.throttle?.burstLimit ?? stage.throttle.burstLimit)
            case "throttling/burstLimit":
                setting.throttle = ThrottleSettings(rateLimit: setting.throttle?.rateLimit ?? stage.throttle.rateLimit, burstLimit: Int(try number()))
            case "caching/enabled":
                setting.cachingEnabled = flag()
            case "caching/ttlInSeconds":
                let ttl = Int(try number())
                guard (0...3600).contains(ttl) else { throw .badRequest("Cache ttl must be between 0 and 3600 seconds") }
                setting.ttlInSeconds = ttl
            default:
                throw invalid()
            }
            stage.methodSettings[key] = setting
        default:
            throw invalid()
        }
    }

    /// CreateDeployment: deploys the stage's definition file as it is now (or records a
    /// deployment of the working copy when no stage is named). The next request is served
    /// from it; the stage cache is flushed.
    @discardableResult
    public func createDeployment(stage name: String?, description: String = "") throws(ControlError) -> (id: String, createdDate: Double) {
        let now = clock.now()
        return try committer.change { (model) throws(ControlError) -> (id: String, createdDate: Double) in
            let id = RandomText.identifier(6)
            if let name {
                guard var stage = model.stages[name] else { throw .notFound("Invalid stage identifier specified") }
                let document: JSONValue
                do throws(GatewayLoadError) {
                    document = try ControlPlane.readDefinition(stage.base.definition, baseDirectory: baseDirectory)
                } catch {
                    throw .badRequest(error.description)
                }
                stage.deployment = DeploymentRecord(
                    id: id, stage: name, createdDate: now, description: description, definition: stage.base.definition, document: document)
                try recompile(&stage)
                stage.lastUpdatedDate = now
                model.stages[name] = stage
            }
            model.history.append(DeploymentRecord(id: id, stage: name, createdDate: now, description: description, definition: "", document: nil))
            return (id, now)
        }
    }

    /// Every deployment made, oldest first.
    public var deployments: [(id: String, createdDate: Double, description: String)] {
        committer.read { $0.history.map { ($0.id, $0.createdDate, $0.description) } }
    }

    /// FlushStageCache.
    public func flushStageCache(_ name: String) throws(ControlError) {
        guard let stage = committer.read({ $0.stages[name] }) else { throw .notFound("Invalid Stage identifier specified") }
        _ = stage
        gateway.flushCache(stage: name)
    }

    /// FlushStageAuthorizersCache: the authorizer answers kept for the stage are forgotten.
    public func flushAuthorizersCache(_ name: String) throws(ControlError) {
        guard committer.read({ $0.stages[name] }) != nil else { throw .notFound("Invalid Stage identifier specified") }
        gateway.flushAuthorizerCache(stage: name)
    }

    /// The working copy's authorizers, by name.
    public var authorizers: [AuthorizerDefinition] {
        guard let stage = committer.read({ workingStage($0) }) else { return [] }
        return stage.compiled.api.authorizers.values.sorted { $0.name < $1.name }
    }

    /// An authorizer's id: stable for its name.
    static func authorizerId(_ name: String) -> String { StableIdentifier.make("authorizer:" + name, length: 6) }

    // MARK: - API keys

    /// The key with id `id` (404 when there is none).
    public func apiKey(id: String) throws(ControlError) -> APIKeyRecord {
        guard let key = committer.read({ $0.keys.first { $0.id == id } }) else { throw .notFound("Invalid API Key identifier specified") }
        return key
    }

    /// CreateApiKey: a value of 20–128 characters, or a generated 40-character one. Keys are
    /// disabled unless `enabled` is given, as on AWS.
    @discardableResult
    public func createAPIKey(name: String, description: String = "", enabled: Bool = false, value: String? = nil) throws(ControlError) -> APIKeyRecord {
        if let value, !value.isEmpty {
            if value.count < 20 { throw .badRequest("API Key value should be at least 20 characters") }
            if value.count > 128 { throw .badRequest("API Key value exceeds maximum size of 128 characters") }
        }
        if name.count > 1024 { throw .badRequest("Invalid API Key name, can be at most 1024 characters.") }
        let now = clock.now()
        let record = APIKeyRecord(
            id: RandomText.identifier(10), name: name, value: (value?.isEmpty ?? true) ? RandomText.alphanumeric(40) : value!, enabled: enabled,
            usagePlans: [], description: description, createdDate: now, lastUpdatedDate: now)
        try committer.change { (model) throws(ControlError) in
            guard !model.keys.contains(where: { $0.value == record.value }) else { throw .conflict("API Key already exists") }
            model.keys.append(record)
        }
        return record
    }

    /// UpdateApiKey: `/enabled`, `/name`, `/description` (and `/customerId`, accepted and
    /// ignored). A disabled key is refused from the next request on.
    @discardableResult
    public func updateAPIKey(id: String, operations: [PatchOperation]) throws(ControlError) -> APIKeyRecord {
        let now = clock.now()
        return try committer.change { (model) throws(ControlError) -> APIKeyRecord in
            guard let index = model.keys.firstIndex(where: { $0.id == id }) else { throw .notFound("Invalid API Key identifier specified") }
            var key = model.keys[index]
            for operation in operations {
                guard operation.op == "replace" else {
                    throw .badRequest("Invalid patch operation specified. Must be one of: [replace]")
                }
                switch operation.path {
                case "/enabled": key.enabled = operation.value?.lowercased() == "true"
                case "/name": key.name = operation.value ?? key.name
                case "/description": key.description = operation.value ?? ""
                case "/customerId": break
                default:
                    throw .badRequest(
                        "Invalid patch path  '\(operation.path)' specified for op '\(operation.op)'. Must be one of: [/description, /enabled, /name, /customerId]")
                }
            }
            key.lastUpdatedDate = now
            model.keys[index] = key
            return key
        }
    }

    /// DeleteApiKey.
    public func deleteAPIKey(id: String) throws(ControlError) {
        try committer.change { (model) throws(ControlError) in
            guard let index = model.keys.firstIndex(where: { $0.id == id }) else { throw .notFound("Invalid API Key identifier specified") }
            model.keys.remove(at: index)
        }
    }

    // MARK: - Usage plans

    /// The usage plans of the deployment file, with their ids (stable for their names).
    public var usagePlans: [(id: String, definition: UsagePlanDefinition)] {
        configuration.usagePlans.map { (APIGatewayControl.planId($0.name), $0) }
    }

    static func planId(_ name: String) -> String { StableIdentifier.make("plan:" + name) }

    func plan(id: String) throws(ControlError) -> UsagePlanDefinition {
        guard let plan = configuration.usagePlans.first(where: { APIGatewayControl.planId($0.name) == id || $0.name == id }) else {
            throw .notFound("Invalid Usage Plan ID specified")
        }
        return plan
    }

    /// The keys of a usage plan.
    public func usagePlanKeys(planId: String) throws(ControlError) -> [APIKeyRecord] {
        let plan = try plan(id: planId)
        return apiKeys.filter { $0.usagePlans.contains(plan.name) }
    }

    /// CreateUsagePlanKey: adds a key to a plan (a key is in at most one plan per stage).
    @discardableResult
    public func addKey(id: String, toPlan planId: String) throws(ControlError) -> APIKeyRecord {
        let plan = try plan(id: planId)
        return try committer.change { (model) throws(ControlError) -> APIKeyRecord in
            guard let index = model.keys.firstIndex(where: { $0.id == id }) else { throw .notFound("Invalid API Key identifier specified") }
            var key = model.keys[index]
            if key.usagePlans.contains(plan.name) { throw .conflict("Usage Plan \(planId) cannot be added because API Key \(id) cannot reference multiple Usage Plans with the same API Stage") }
            let stagesTaken = key.usagePlans.compactMap { name in configuration.usagePlans.first { $0.name == name } }.flatMap(\.stages)
            if let shared = plan.stages.first(where: stagesTaken.contains) {
                throw .conflict("Usage Plan \(planId) cannot be added because API Key \(id) cannot reference multiple Usage Plans with the same API Stage: \(configuration.apiId):\(shared)")
            }
            key.usagePlans.append(plan.name)
            model.keys[index] = key
            return key
        }
    }

    /// DeleteUsagePlanKey.
    public func removeKey(id: String, fromPlan planId: String) throws(ControlError) {
        let plan = try plan(id: planId)
        try committer.change { (model) throws(ControlError) in
            guard let index = model.keys.firstIndex(where: { $0.id == id }), model.keys[index].usagePlans.contains(plan.name) else {
                throw .notFound("Invalid Usage Plan Key identifier specified")
            }
            model.keys[index].usagePlans.removeAll { $0 == plan.name }
        }
    }

    /// GetUsage: requests counted per key and day, with what remains of the quota.
    public func usage(planId: String, startDate: String, endDate: String, keyId: String? = nil) throws(ControlError) -> UsageReport {
        let plan = try plan(id: planId)
        guard let start = UTCCalendar.day(startDate), let end = UTCCalendar.day(endDate), start <= end else {
            throw .badRequest("Invalid start date or end date specified")
        }
        guard end - start <= 90 else { throw .badRequest("The usage data period cannot exceed 90 days") }
        var items: [String: [[Int]]] = [:]
        for key in apiKeys where key.usagePlans.contains(plan.name) && (keyId == nil || key.id == keyId) {
            let days = ledger.days(of: plan.name + "/" + key.id).compactMap { entry in UTCCalendar.day(entry.key).map { ($0, entry.value) } }
            var rows: [[Int]] = []
            for day in start...end {
                let used = days.first { $0.0 == day }?.1 ?? 0
                var remaining = 0
                if let quota = plan.quota {
                    // What the quota period had left at the end of that day.
                    let period = UTCPeriod.name(Double(day) * 86400, quota.period.rawValue)
                    let spent = days.filter { $0.0 <= day && UTCPeriod.name(Double($0.0) * 86400, quota.period.rawValue) == period }.map(\.1).reduce(0, +)
                    remaining = max(0, quota.limit - spent)
                }
                rows.append([used, remaining])
            }
            items[key.id] = rows
        }
        return UsageReport(planId: APIGatewayControl.planId(plan.name), startDate: startDate, endDate: endDate, items: items)
    }

    /// Requests used and remaining in the current quota period, per key of a plan (by name).
    public func currentUsage(plan name: String) -> [(key: APIKeyRecord, used: Int, remaining: Int, period: String)] {
        guard let plan = configuration.usagePlans.first(where: { $0.name == name }), let quota = plan.quota else { return [] }
        let period = UTCPeriod.name(clock.now(), quota.period.rawValue)
        let usage = gateway.quotaUsage
        return apiKeys.filter { $0.usagePlans.contains(name) }.map { key in
            let record = usage[name + "/" + key.id]
            let used = record?.period == period ? record!.used : 0
            return (key, used, max(0, quota.limit - used), period)
        }
    }

    // MARK: - Test invoke

    /// TestInvokeMethod: one request through a stage's deployment without key, plan,
    /// throttling or cache, with the execution log.
    public func testInvoke(
        stage: String, method: String, path: String, query: [(String, String)] = [], headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) -> TestInvokeResult {
        gateway.testInvoke(stage: stage, method: method, path: path, query: query, headers: headers, body: body)
    }
}
