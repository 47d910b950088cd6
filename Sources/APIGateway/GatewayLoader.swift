#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import APIModel
import JSONCore
import JSONSchema
import LambdaRuntime

extension Gateway {
    /// Loads the deployment file (and the definition files it names, relative to it), restores
    /// the state directory when there is one, and deploys every stage not deployed before.
    ///
    /// - Parameters:
    ///   - handlers: Lambda code by handler name (`items.handler` → `ItemsFunction()`).
    ///   - stateDirectory: where keys, quota use, versions, aliases and deployments persist;
    ///     nil keeps everything in memory.
    public static func load(
        deploymentFile: String, stateDirectory: String?, handlers: [String: any LambdaHandler], clock: any GatewayClock = SystemClock(),
        logSink: (@Sendable (GatewayLogEvent) -> Void)? = nil
    ) throws(GatewayLoadError) -> Gateway {
        let document: JSONValue
        do {
            document = try SchemaRegistry.readJSON(atPath: deploymentFile)
        } catch {
            throw .other(error.description)
        }
        let configuration: DeploymentConfiguration
        do {
            configuration = try DeploymentConfiguration.parse(document, file: deploymentFile)
        } catch {
            throw .definition(error)
        }
        let baseDirectory = deploymentFile.contains("/") ? String(deploymentFile[..<deploymentFile.lastIndex(of: "/")!]) : "."
        var registry = SchemaRegistry()
        do {
            try registry.addDirectory(atPath: baseDirectory)
        } catch {
            throw .other(error.description)
        }
        let store = stateDirectory.map { GatewayStore(directory: $0) }
        var persisted = try store?.load() ?? PersistedState()

        // Stages: the snapshot deployed earlier, or the current definition file.
        var deployments: [String: StageDeployment] = [:]
        for stage in configuration.stages {
            let snapshot = persisted.deployments[stage.name]?["document"]
            let (deployment, document) = try deploy(stage, snapshot: snapshot, baseDirectory: baseDirectory, registry: &registry, apiId: configuration.apiId)
            deployments[stage.name] = deployment
            if snapshot == nil {
                persisted.deployments[stage.name] = ["definition": .string(stage.definition), "deployedAt": .string(UTCCalendar.date(clock.now())), "document": document]
            }
        }

        // Lambda: functions, versions and aliases from the file, then what was published since.
        let lambda = LambdaService(accountId: configuration.accountId, region: configuration.region)
        for (name, handler) in handlers { lambda.register(handler: handler, named: name) }
        do {
            for function in configuration.functions {
                lambda.createFunction(function.name, configuration: function.latest.configuration)
                for (version, code) in function.versions { try lambda.restoreVersion(function.name, version: version, configuration: code.configuration) }
                if let saved = persisted.functions[function.name] {
                    if let latest = saved["latest"].flatMap(FunctionConfiguration.init(json:)) { try lambda.updateFunction(function.name, configuration: latest) }
                    for member in saved["versions"]?.objectValue ?? JSONObject() {
                        if let number = Int(member.key), let code = FunctionConfiguration(json: member.value) {
                            try lambda.restoreVersion(function.name, version: number, configuration: code)
                        }
                    }
                }
                for alias in function.aliases {
                    try lambda.setAlias(alias.name, of: function.name, to: FunctionAlias(version: alias.version, additionalVersion: alias.additional))
                }
                for member in persisted.functions[function.name]?["aliases"]?.objectValue ?? JSONObject() {
                    guard case .string(let version)? = member.value["version"] else { continue }
                    var additional: (String, Double)? = nil
                    if case .string(let extra)? = member.value["additionalVersion"], let weight = member.value["weight"]?.numberValue?.doubleValue {
                        additional = (extra, weight)
                    }
                    try lambda.setAlias(member.key, of: function.name, to: FunctionAlias(version: version, additionalVersion: additional))
                }
            }
        } catch {
            throw .other("\(deploymentFile): functions: \(error.description)")
        }

        // API keys: values generated once, then kept in the state directory.
        var keys: [APIKeyRecord] = []
        for definition in configuration.apiKeys {
            var record = persisted.apiKeys[definition.name]
                ?? APIKeyRecord(
                    id: RandomText.alphanumeric(10).lowercased(), name: definition.name, value: definition.value ?? RandomText.alphanumeric(40),
                    enabled: definition.enabled, usagePlans: definition.usagePlans)
            record.usagePlans = definition.usagePlans
            if let value = definition.value { record.value = value }
            persisted.apiKeys[definition.name] = record
            keys.append(record)
        }
        // Keys created since (gateway keys create) live only in the state directory.
        for (name, record) in persisted.apiKeys.sorted(by: { $0.key < $1.key }) where !configuration.apiKeys.contains(where: { $0.name == name }) {
            keys.append(record)
        }
        let gateway = Gateway(
            configuration: configuration, lambda: lambda, clock: clock, deployments: deployments, keys: keys, usage: persisted.usage, store: store,
            registry: registry, baseDirectory: baseDirectory, logSink: logSink)
        try store?.save(persisted)
        return gateway
    }

    static func deploy(
        _ stage: StageConfiguration, snapshot: JSONValue?, baseDirectory: String, registry: inout SchemaRegistry, apiId: String
    ) throws(GatewayLoadError) -> (StageDeployment, JSONValue) {
        let file = baseDirectory + "/" + stage.definition
        let document: JSONValue
        if let snapshot {
            document = snapshot
        } else {
            do {
                document = try SchemaRegistry.readJSON(atPath: file)
            } catch {
                throw .other(error.description)
            }
        }
        // Each stage's snapshot gets its own URI; relative model $refs still resolve beside the file.
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let uri = SchemaURI.fileURL(forPath: absolute) + "?stage=" + stage.name
        registry.add(document, uri: uri, source: file)
        let api: RestAPI
        do {
            api = try OpenAPIImporter.importAPI(document, file: file, uri: uri)
        } catch {
            throw .definition(error)
        }
        return (try StageDeployment(stage: stage, api: api, registry: registry, apiId: apiId), document)
    }

    // MARK: - Management

    /// Redeploys `stage` from the current definition file (the console's Deploy API).
    public func deploy(stage name: String) throws(GatewayLoadError) {
        guard let stage = configuration.stages.first(where: { $0.name == name }) else { throw .other("no stage named \(name)") }
        var registry = self.registry
        let (deployment, document) = try Gateway.deploy(stage, snapshot: nil, baseDirectory: baseDirectory, registry: &registry, apiId: configuration.apiId)
        deployments.withLock { $0[name] = ServedStage(deployment: deployment, cache: $0[name]?.cache) }
        flushCache(stage: name)
        deployedDocuments.withLock { $0[name] = document }
        try saveState()
    }

    /// The API keys.
    public var apiKeys: [APIKeyRecord] { keys.withLock { $0.values.map(\.record) }.sorted { $0.name < $1.name } }

    /// Enables or disables a key (effective at once).
    public func setKeyEnabled(_ name: String, _ enabled: Bool) throws(GatewayLoadError) {
        try keys.withLock { (table) throws(GatewayLoadError) in
            guard let (value, active) = table.first(where: { $0.value.record.name == name }) else { throw .other("no API key named \(name)") }
            var record = active.record
            record.enabled = enabled
            table[value] = ActiveKey(record, plansByName: plansByName)
        }
        try saveState()
    }

    /// Creates a key (value generated when nil), optionally in usage plans.
    @discardableResult
    public func createKey(_ name: String, value: String? = nil, enabled: Bool = true, usagePlans: [String] = []) throws(GatewayLoadError) -> APIKeyRecord {
        if let value, value.count < 20 || value.count > 128 { throw .other("API Key value should be between 20 and 128 characters") }
        for plan in usagePlans where plansByName[plan] == nil { throw .other("Invalid Usage Plan ID specified: \(plan)") }
        let record = APIKeyRecord(
            id: RandomText.alphanumeric(10).lowercased(), name: name, value: value ?? RandomText.alphanumeric(40), enabled: enabled,
            usagePlans: usagePlans)
        try keys.withLock { (table) throws(GatewayLoadError) in
            guard table[APIKeyValue(record.value)] == nil else { throw .other("API Key already exists") }
            guard !table.values.contains(where: { $0.record.name == name }) else { throw .other("an API key named \(name) exists") }
            table[APIKeyValue(record.value)] = ActiveKey(record, plansByName: plansByName)
        }
        try saveState()
        return record
    }

    /// Requests used and remaining in the current period, per key, for a usage plan (GetUsage).
    public func usage(plan name: String) -> [(key: APIKeyRecord, used: Int, remaining: Int, period: String)] {
        guard let plan = plansByName[name]?.definition, let quota = plan.quota else { return [] }
        let period = UTCCalendar.period(clock.now(), quota.period.rawValue)
        let usage = limits.withLock { $0.usage }
        return apiKeys.filter { $0.usagePlans.contains(name) }.map { key in
            let record = usage[LimitState.clientKey(plan: name, keyId: key.id).text]
            let used = record?.period == period ? record!.used : 0
            return (key, used, max(0, quota.limit - used), period)
        }
    }

    /// Changes `$LATEST`'s code or configuration (published versions are untouched).
    public func updateFunction(_ function: String, _ change: (inout FunctionConfiguration) -> Void) throws(GatewayLoadError) {
        do {
            var configuration = try lambda.latest(function)
            change(&configuration)
            try lambda.updateFunction(function, configuration: configuration)
        } catch {
            throw .other(error.description)
        }
        try saveState()
    }

    /// Publishes `$LATEST` of a function; returns the version.
    @discardableResult
    public func publishVersion(_ function: String) throws(GatewayLoadError) -> String {
        do {
            let version = try lambda.publishVersion(function)
            try saveState()
            return version
        } catch let error as LambdaServiceError {
            throw .other(error.description)
        } catch {
            throw error as! GatewayLoadError
        }
    }

    /// Points an alias at a version (optionally with a weighted second version).
    public func setAlias(_ alias: String, function: String, version: String, additional: (String, Double)? = nil) throws(GatewayLoadError) {
        do {
            try lambda.setAlias(alias, of: function, to: FunctionAlias(version: version, additionalVersion: additional))
        } catch {
            throw .other(error.description)
        }
        try saveState()
    }

    /// Writes keys, quota use, versions, aliases and deployments to the state directory.
    public func saveState() throws(GatewayLoadError) {
        guard let store else { return }
        var state = (try? store.load()) ?? PersistedState()
        for key in apiKeys { state.apiKeys[key.name] = key }
        state.usage = limits.withLock { $0.usage }
        for name in lambda.functionNames {
            guard let latest = try? lambda.latest(name), let versions = try? lambda.versions(name), let aliases = try? lambda.aliases(name) else { continue }
            var versionObject = JSONObject()
            for (number, code) in versions { versionObject[number] = code.json }
            var aliasObject = JSONObject()
            for (alias, target) in aliases {
                var entry = JSONObject([JSONObject.Member(key: "version", value: .string(target.version))])
                if let extra = target.additionalVersion {
                    entry["additionalVersion"] = .string(extra.version)
                    entry["weight"] = JSONNumber(extra.weight).map(JSONValue.number) ?? 0
                }
                aliasObject[alias] = .object(entry)
            }
            state.functions[name] = ["latest": latest.json, "versions": .object(versionObject), "aliases": .object(aliasObject)]
        }
        for (stage, document) in deployedDocuments.withLock({ $0 }) {
            state.deployments[stage] = ["definition": .string(configuration.stages.first { $0.name == stage }?.definition ?? ""), "deployedAt": .string(UTCCalendar.date(clock.now())), "document": document]
        }
        try store.save(state)
    }
}

extension FunctionDefinition.Code {
    var configuration: FunctionConfiguration {
        FunctionConfiguration(handler: handler, environment: environment, memorySize: memorySize, timeout: timeout)
    }
}

/// Random text for key values and ids.
enum RandomText {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func alphanumeric(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
