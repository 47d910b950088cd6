#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import APIGateway
import APIModel
import JSONCore
import JSONSchema
import LambdaRuntime

extension ControlPlane {
    /// Loads the deployment file (and the definition files it names, relative to it), restores
    /// the state directory when there is one, deploys every stage not deployed before, and
    /// starts the request path.
    ///
    /// The caller decides who may write the state directory: `gateway serve` and the `gateway`
    /// commands hold `StateDirectory.tryLock()` while they use it; two control planes writing
    /// one directory at once would race.
    ///
    /// - Parameters:
    ///   - handlers: Lambda code by handler name (`items.handler` → `ItemsFunction()`).
    ///   - stateDirectory: where keys, quota use, versions, aliases and deployments persist;
    ///     nil keeps everything in memory.
    ///   - readOnly: read the state directory but never write it (changes stay in memory):
    ///     for looking while another process owns the directory.
    ///   - codeRunner: runs functions whose configuration names a `runtime` and a `code`
    ///     directory; each is checked at load (its interpreter, its directory), and versions the
    ///     file declares are published from the directory as it is at their first load.
    ///
    /// What the files declare wins over the state whenever they changed since they were last
    /// applied: a definition file that differs from a stage's deployment is deployed again, a
    /// stage's or function's declaration that differs from the one recorded drops the changes
    /// the AWS APIs made to it. Key values, quota use, published versions and everything the
    /// files do not declare are kept. `startupReport` lists what was applied.
    public static func load(
        deploymentFile: String, stateDirectory: String?, handlers: [String: any LambdaHandler], clock: any GatewayClock = SystemClock(),
        logSink: (@Sendable (GatewayLogEvent) -> Void)? = nil, readOnly: Bool = false, codeRunner: (any FunctionCodeRunner)? = nil,
        jwks: [String: String] = [:]
    ) throws(GatewayLoadError) -> ControlPlane {
        try load(
            deploymentFile: deploymentFile, stateDirectory: stateDirectory, handlers: handlers, clock: clock, logSink: logSink, readOnly: readOnly,
            codeRunner: codeRunner, ledger: nil, jwks: jwks)
    }

    /// `load`, counting quota use in `existingLedger` when given (a reload).
    static func load(
        deploymentFile: String, stateDirectory: String?, handlers: [String: any LambdaHandler], clock: any GatewayClock,
        logSink: (@Sendable (GatewayLogEvent) -> Void)?, readOnly: Bool, codeRunner: (any FunctionCodeRunner)?, ledger existingLedger: UsageLedger?,
        jwks: [String: String] = [:]
    ) throws(GatewayLoadError) -> ControlPlane {
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
            throw located(.definition(error))
        }
        let baseDirectory = deploymentFile.contains("/") ? String(deploymentFile[..<deploymentFile.lastIndex(of: "/")!]) : "."
        // Model files are read as the definitions reference them (see `compile`).
        let registry = SchemaRegistry()
        let directory = stateDirectory.map(StateDirectory.init)
        let stateFile = stateDirectory.map { StateFile(directory: $0) }
        let persisted = try stateFile?.load(removingLeftovers: !readOnly) ?? PersistedState()
        let ledger: UsageLedger
        if let existingLedger {
            ledger = existingLedger
        } else if let directory, !readOnly {
            try directory.create()
            ledger = try UsageLedger(path: directory.ledgerFile)
        } else {
            ledger = UsageLedger()
        }
        // Quota use a format-1 state file kept moves to the ledger (once: the ledger wins).
        for (client, use) in persisted.usage {
            let name = client + "@" + use.period
            if let slot = ledger.slot(for: name), ledger.value(in: slot) < use.used { ledger.store(use.used, in: slot) }
        }
        let now = clock.now()

        // What the files declare wins over what the state kept whenever the files changed
        // since they were last applied; otherwise the state (with the AWS APIs' changes) holds.
        let declaredBefore = persisted.declared
        let declaredNow: JSONValue = ["stages": document["stages"] ?? .null, "functions": document["functions"] ?? .null]
        var applied: [String] = []
        var sourceFiles: Set<String> = [deploymentFile]

        // Stages: the deployment made earlier while its definition file is unchanged, or a new
        // deployment of the file as it is now.
        var stages: [String: StageState] = [:]
        var history: [DeploymentRecord] = persisted.history.compactMap { entry in
            guard case .string(let id)? = entry["id"] else { return nil }
            return DeploymentRecord(
                id: id, stage: entry["stage"]?.stringValue, createdDate: entry["createdDate"]?.numberValue?.doubleValue ?? 0,
                description: entry["description"]?.stringValue ?? "", definition: "", document: nil)
        }
        var definitions: [String: JSONValue] = [:]
        var redeployed: [String: [String]] = [:]
        for stage in configuration.stages {
            let current: JSONValue
            if let read = definitions[stage.definition] {
                current = read
            } else {
                current = try readDefinition(stage.definition, baseDirectory: baseDirectory)
                definitions[stage.definition] = current
            }
            let saved = persisted.deployments[stage.name]
            var overrides = persisted.stages[stage.name].map(StageOverrides.init(json:)) ?? StageOverrides()
            if declaredBefore != .null, declaredBefore["stages"]?[stage.name] != declaredNow["stages"]?[stage.name], saved != nil {
                overrides = StageOverrides()
                applied.append("stage \(stage.name): its settings in the deployment file changed")
            }
            var record: DeploymentRecord
            if let saved, let snapshot = saved["document"], snapshot == current, saved["definition"]?.stringValue == stage.definition {
                record = DeploymentRecord(
                    id: saved["id"]?.stringValue ?? RandomText.identifier(6), stage: stage.name,
                    createdDate: saved["createdDate"]?.numberValue?.doubleValue ?? now, description: saved["description"]?.stringValue ?? "",
                    definition: stage.definition, document: snapshot)
            } else {
                let description = saved == nil ? "deployed at first start" : "redeployed: \(stage.definition) changed"
                if saved != nil { redeployed[stage.definition, default: []].append(stage.name) }
                record = DeploymentRecord(
                    id: RandomText.identifier(6), stage: stage.name, createdDate: now, description: description,
                    definition: stage.definition, document: current)
                history.append(DeploymentRecord(id: record.id, stage: stage.name, createdDate: now, description: record.description, definition: "", document: nil))
            }
            let effective = overrides.applied(to: stage)
            let compiled = try compile(
                effective, document: record.document!, baseDirectory: baseDirectory, registry: registry, apiId: configuration.apiId, sources: &sourceFiles)
            let cache = effective.cache.enabled ? StageCache(capacityBytes: Int(effective.cache.clusterSizeGB * 1_073_741_824)) : nil
            stages[stage.name] = StageState(
                base: stage, overrides: overrides, deployment: record, compiled: compiled, cache: cache, createdDate: record.createdDate,
                lastUpdatedDate: record.createdDate)
        }
        for (definition, names) in redeployed.sorted(by: { $0.key < $1.key }) {
            applied.append("\(definition) changed: redeployed to \(names.sorted().joined(separator: ", "))")
        }

        // Lambda: functions, versions and aliases from the file, then what was published since.
        let lambda = LambdaService(accountId: configuration.accountId, region: configuration.region, codeRunner: codeRunner)
        for (name, handler) in handlers { lambda.register(handler: handler, named: name) }
        var warnings: [String] = []
        // Where the step in progress comes from, for an error's location: the deployment file's
        // pointer, or the state directory's record.
        var place = "\(deploymentFile): #/functions"
        func here(_ tokens: [String]) -> String { "\(deploymentFile): \(JSONPointer(tokens: tokens).uriFragment)" }
        let stateRecord = stateDirectory.map { $0 + "/state.json" } ?? "the state"
        // What the state directory saved is read strictly: a member of the wrong shape stops the
        // start naming it (never skipped: a version or alias dropped would change what runs).
        func unreadable(_ what: String) -> LambdaServiceError {
            LambdaServiceError(status: 500, type: "ServiceException", message: "\(what); refusing to start rather than lose it: repair or move the state away")
        }
        func savedMembers(_ saved: JSONValue?, _ member: String) throws(LambdaServiceError) -> JSONObject {
            do { return try JSONShape.members(saved?[member]) } catch { throw unreadable("\(member): \(error.message)") }
        }
        /// The versions saved for `name`, by number.
        func savedVersions(_ name: String, _ saved: JSONValue?) throws(LambdaServiceError) -> [(Int, FunctionConfiguration)] {
            var versions: [(Int, FunctionConfiguration)] = []
            for member in try savedMembers(saved, "versions") {
                place = "\(stateRecord): functions/\(name)/versions/\(member.key)"
                guard let number = Int(member.key), number > 0 else { throw unreadable("a version is a positive number, found \"\(member.key)\"") }
                guard let code = FunctionConfiguration(json: member.value) else { throw unreadable("the saved version's configuration does not read") }
                versions.append((number, code))
            }
            return versions
        }
        /// The aliases and the resource policy saved for `name`.
        func restoreAliasesAndPolicy(_ name: String, _ saved: JSONValue?, into catalog: inout LambdaCatalog) throws(LambdaServiceError) {
            for member in try savedMembers(saved, "aliases") {
                place = "\(stateRecord): functions/\(name)/aliases/\(member.key)"
                guard case .string(let version)? = member.value["version"] else { throw unreadable("an alias needs its version as a string") }
                var additional: (String, Double)? = nil
                if case .string(let extra)? = member.value["additionalVersion"] {
                    guard let weight = member.value["weight"]?.numberValue?.doubleValue else { throw unreadable("an alias's additional version needs its weight") }
                    additional = (extra, weight)
                }
                try catalog.setAlias(
                    member.key, of: name, to: FunctionAlias(version: version, additionalVersion: additional),
                    description: member.value["description"]?.stringValue ?? "")
            }
            for member in try savedMembers(saved, "policy") {
                place = "\(stateRecord): functions/\(name)/policy/\(member.key)"
                guard case .array(let statements) = member.value else { throw unreadable("a policy entry is a list of statements, found \(member.value.typeName)") }
                catalog.functions[name]?.policy[member.key] = statements
            }
        }
        // The catalog is drafted whole and installed once: nothing is visible before it all loaded.
        var catalog = lambda.catalog()
        do throws(LambdaServiceError) {
            for function in configuration.functions {
                // Deleted through the Lambda API since: stays deleted while the file declares it as before.
                if persisted.deletedFunctions.contains(function.name), declaredBefore != .null,
                    declaredBefore["functions"]?[function.name] == declaredNow["functions"]?[function.name]
                {
                    applied.append("function \(function.name): deleted through the Lambda API (its declaration is unchanged)")
                    continue
                }
                place = here(["functions", function.name])
                let latest = function.latest.configuration(baseDirectory: baseDirectory)
                if latest.runtime != nil {
                    guard let codeRunner else {
                        throw LambdaServiceError(
                            status: 500, type: "ServiceException", message: "\(function.name) has runtime \(latest.runtime!), and nothing here runs code from directories")
                    }
                    for warning in try codeRunner.prepare(latest) { warnings.append("\(function.name): \(warning)") }
                }
                catalog.createFunction(function.name, configuration: latest)
                place = here(["functions", function.name, "reservedConcurrency"])
                try catalog.setReservedConcurrency(function.name, function.reservedConcurrency)
                let versionsSaved = Set(try savedVersions(function.name, persisted.functions[function.name]).map(\.0))
                for (index, (version, code)) in function.versions.enumerated() {
                    place = here(["functions", function.name, "versions", String(index)])
                    var frozen = code.configuration(baseDirectory: baseDirectory)
                    // Code in a directory is published (copied) at the first load; later loads
                    // restore that copy from the state directory.
                    if frozen.runtime != nil, let codeRunner, !versionsSaved.contains(version) {
                        frozen = try codeRunner.publish(function: function.name, version: version, configuration: frozen)
                    }
                    try catalog.restoreVersion(function.name, version: version, configuration: frozen)
                }
                if let saved = persisted.functions[function.name] {
                    place = "\(stateRecord): functions/\(function.name) (saved since the start of the state directory)"
                    var savedLatest: FunctionConfiguration? = nil
                    if let latest = saved["latest"], latest != .null {
                        guard let read = FunctionConfiguration(json: latest) else { throw unreadable("$LATEST's saved configuration does not read") }
                        savedLatest = absoluteCode(read)
                    }
                    // The file's declaration wins when it changed since it was last applied (a
                    // state from before declarations were recorded: when it differs).
                    let redeclared =
                        declaredBefore == .null
                        ? savedLatest != nil && savedLatest != latest
                        : declaredBefore["functions"]?[function.name] != declaredNow["functions"]?[function.name]
                    if redeclared {
                        applied.append("function \(function.name): its declaration in the deployment file changed")
                    } else {
                        try catalog.setReservedConcurrency(function.name, saved["reservedConcurrency"]?.numberValue?.intValue ?? function.reservedConcurrency)
                        if let savedLatest { try catalog.updateFunction(function.name, configuration: savedLatest) }
                    }
                    for (number, code) in try savedVersions(function.name, saved) {
                        try catalog.restoreVersion(function.name, version: number, configuration: absoluteCode(code))
                    }
                }
                for alias in function.aliases {
                    place = here(["functions", function.name, "aliases", alias.name, "version"])
                    try catalog.setAlias(alias.name, of: function.name, to: FunctionAlias(version: alias.version, additionalVersion: alias.additional))
                }
                try restoreAliasesAndPolicy(function.name, persisted.functions[function.name], into: &catalog)
            }
            // Functions made through CreateFunction: their code lives in the state directory.
            let declaredNames = Set(configuration.functions.map(\.name))
            for (name, saved) in persisted.functions.sorted(by: { $0.key < $1.key }) where saved["createdByAPI"]?.boolValue == true && !declaredNames.contains(name) {
                place = "\(stateRecord): functions/\(name) (created through the Lambda API)"
                guard let latest = saved["latest"].flatMap(FunctionConfiguration.init(json:)), latest.runtime != nil, let codeRunner else {
                    throw LambdaServiceError(status: 500, type: "ServiceException", message: "the saved function cannot run here (no runtime, code or code runner)")
                }
                for warning in try codeRunner.prepare(latest) { warnings.append("\(name): \(warning)") }
                catalog.createFunction(name, configuration: latest)
                catalog.functions[name]?.createdByAPI = true
                catalog.functions[name]?.reservedConcurrency = saved["reservedConcurrency"]?.numberValue?.intValue
                for (number, code) in try savedVersions(name, saved) {
                    try catalog.restoreVersion(name, version: number, configuration: code)
                }
                try restoreAliasesAndPolicy(name, saved, into: &catalog)
            }
        } catch {
            throw .other("\(place): \(error.description)")
        }
        lambda.install(catalog)
        // An integration naming a function the file does not declare: AWS accepts it and each
        // call fails (500); here too, with a warning now and the reason in each request's log line.
        let declaredFunctions = configuration.functions.map(\.name)
        var reported = Set<String>()
        for stage in configuration.stages {
            guard let compiled = stages[stage.name]?.compiled else { continue }
            for call in compiled.lambdaCalls where !declaredFunctions.contains(call.function) && !reported.contains(call.function) {
                reported.insert(call.function)
                warnings.append(
                    "\(stage.definition): \(call.pointer.uriFragment): \(call.method) \(call.path) calls \(call.function), which \(deploymentFile) does not declare"
                        + Suggestion.didYouMean(call.function, among: declaredFunctions) + "; its requests answer 500")
            }
        }
        // A resource-policy condition with no local meaning: said once per definition.
        var policyWarned = Set<String>()
        for stage in configuration.stages {
            guard let compiled = stages[stage.name]?.compiled, !policyWarned.contains(stage.definition) else { continue }
            policyWarned.insert(stage.definition)
            for condition in compiled.unsupportedPolicyConditions {
                warnings.append(
                    "\(stage.definition): #/x-amazon-apigateway-policy: the condition \(condition) has no local meaning: it never lets an Allow match and always lets a Deny match")
            }
        }
        for warning in warnings { logSink?(.message("warning: " + warning)) }

        // API keys: values generated once, then kept in the state directory.
        var keys: [APIKeyRecord] = []
        for definition in configuration.apiKeys {
            var record = persisted.apiKeys[definition.name]
                ?? APIKeyRecord(
                    id: RandomText.identifier(10), name: definition.name, value: definition.value ?? RandomText.alphanumeric(40),
                    enabled: definition.enabled, usagePlans: definition.usagePlans, createdDate: now, lastUpdatedDate: now)
            // The file decides the plans of the keys it declares, unless the key was changed since.
            if persisted.apiKeys[definition.name] == nil { record.usagePlans = definition.usagePlans }
            if let value = definition.value { record.value = value }
            keys.append(record)
        }
        // Keys created since (CreateApiKey, gateway keys create) live only in the state directory.
        for (name, record) in persisted.apiKeys.sorted(by: { $0.value.createdDate < $1.value.createdDate })
        where !configuration.apiKeys.contains(where: { $0.name == name }) {
            keys.append(record)
        }

        let model = Model(keys: keys, stages: stages, history: history)
        // The credentials AWS_IAM methods check signatures against (the state's, as the AWS
        // APIs'): made when a method needs them, else read when some were made.
        let usesIAM = stages.values.contains { stage in stage.compiled.api.resources.contains { $0.methods.values.contains { $0.authorization == .iam } } }
        let signing = readOnly || !usesIAM ? directory?.existingCredentials() : try directory?.credentials()
        let cognitoKeys = try ControlPlane.cognitoKeyring(jwks: jwks, stateDirectory: stateDirectory)
        let snapshot = ControlPlane.snapshot(model, configuration: configuration, credentials: signing, cognitoKeys: cognitoKeys)
        let gateway = Gateway(snapshot: snapshot, lambda: lambda, clock: clock, usage: ledger.quotaUsage, ledger: ledger, logSink: logSink)
        var report: [String] = []
        if let stateDirectory {
            let restored = persisted.apiKeys.count + persisted.deployments.count + persisted.functions.count
            report.append(
                restored == 0
                    ? "new state in \(stateDirectory)"
                    : "restored from \(stateDirectory): \(persisted.apiKeys.count) API keys, \(persisted.deployments.count) deployments, "
                        + "\(persisted.functions.count) functions, \(ledger.entries.count) quota counters")
            if !applied.isEmpty { report.append("applied the files' changes: " + applied.joined(separator: "; ")) }
            if !persisted.usage.isEmpty { report.append("moved \(persisted.usage.count) quota counts from a format-1 state file to usage.ledger") }
            let removed = stateFile?.leftoversRemoved.count ?? 0
            if removed > 0 { report.append("removed \(removed) temporary file\(removed == 1 ? "" : "s") an interrupted save left") }
        }
        let control = ControlPlane(
            gateway: gateway, configuration: configuration, lambda: lambda, clock: clock, model: model, stateFile: readOnly ? nil : stateFile, ledger: ledger,
            baseDirectory: baseDirectory, registry: registry, credentials: signing, cognitoKeys: cognitoKeys, startupReport: report.joined(separator: "; "),
            declared: declaredNow, sourceFiles: sourceFiles.sorted(),
            origin: Origin(
                deploymentFile: deploymentFile, stateDirectory: stateDirectory, handlers: handlers, logSink: logSink, readOnly: readOnly,
                codeRunner: codeRunner, jwks: jwks))
        // What the first start made (deployments, key values) is durable before anything is served.
        do {
            try control.committer.commitAll()
        } catch {
            throw .other(error.message)
        }
        return control
    }

    /// A saved configuration whose code directory was recorded relative to the directory the
    /// server ran in (versions published before paths were made absolute) made absolute.
    static func absoluteCode(_ configuration: FunctionConfiguration) -> FunctionConfiguration {
        guard let code = configuration.code, !code.hasPrefix("/") else { return configuration }
        var fixed = configuration
        fixed.code = FileManager.default.currentDirectoryPath + "/" + code
        return fixed
    }

    /// The definition file `name` (relative to the deployment file unless absolute).
    static func readDefinition(_ name: String, baseDirectory: String) throws(GatewayLoadError) -> JSONValue {
        let file = name.hasPrefix("/") ? name : baseDirectory + "/" + name
        do {
            return try SchemaRegistry.readJSON(atPath: file)
        } catch {
            throw .other(error.description)
        }
    }

    /// Compiles a stage's deployment of `document`.
    static func compile(
        _ stage: StageConfiguration, document original: JSONValue, baseDirectory: String, registry: SchemaRegistry, apiId: String
    ) throws(GatewayLoadError) -> StageDeployment {
        var sources = Set<String>()
        return try compile(stage, document: original, baseDirectory: baseDirectory, registry: registry, apiId: apiId, sources: &sources)
    }

    /// Compiles a stage's deployment of `document`, adding the files it read (the definition
    /// and every model file it references) to `sources`.
    static func compile(
        _ stage: StageConfiguration, document original: JSONValue, baseDirectory: String, registry: SchemaRegistry, apiId: String,
        sources: inout Set<String>
    ) throws(GatewayLoadError) -> StageDeployment {
        let file = stage.definition.hasPrefix("/") ? stage.definition : baseDirectory + "/" + stage.definition
        // Each stage's snapshot gets its own URI; relative model $refs still resolve beside the file.
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let uri = SchemaURI.fileURL(forPath: absolute) + "?stage=" + stage.name
        // One form for every dialect (Swagger 2.0, OpenAPI 3.0 and 3.1): what the models resolve in.
        // The files its `$ref`s reach, read first (leniently: a missing model file is reported
        // below, after the definition's own errors): parameters, responses, request bodies and
        // headers kept in other files are brought in before the definition is read.
        var reached = registry
        let files = (try? ReferencedModels.register(from: original, file: file, in: &reached)) ?? [:]
        let document: JSONValue
        let api: RestAPI
        do {
            let bundled = try ExternalReferences.inlined(original, file: ReferencedModels.name(of: file), documents: files)
            document = try APIDocument.normalized(bundled, file: file)
            api = try OpenAPIImporter.importAPI(document, file: file, uri: uri)
        } catch {
            throw located(inSource(.definition(error), original: original))
        }
        var registry = registry
        registry.add(document, uri: uri, source: file)
        try ReferencedModels.register(from: document, file: file, in: &registry)
        for loaded in registry.documents.values where !loaded.source.contains("://") { sources.insert(loaded.source) }
        // API Gateway model URLs (`…/restapis/{id}/models/Pet`) name the API's own models, as on
        // AWS (the client generator resolves them the same way); a file `Pet.json` beside the
        // definition serves a name the API does not define.
        registry.nameAPIModels(api.modelNames.map { ($0, document["components"]?["schemas"]?[$0]) }, documentURI: uri)
        do {
            return try StageDeployment(stage: stage, api: api, registry: registry, apiId: apiId)
        } catch {
            throw located(inSource(error, original: original))
        }
    }

    /// A definition error whose pointer is into the normalized document, pointed at the place
    /// in the user's own document (a Swagger 2.0 file's parameters rather than the converted
    /// request body).
    static func inSource(_ error: GatewayLoadError, original: JSONValue) -> GatewayLoadError {
        guard case .definition(let problem) = error else { return error }
        return .definition(
            APIDefinitionError(file: problem.file, pointer: APIDocument.sourcePointer(problem.pointer, in: original), message: problem.message))
    }

    /// A definition error with the line and column of its pointer in the file it names.
    static func located(_ error: GatewayLoadError) -> GatewayLoadError {
        guard case .definition(let problem) = error, problem.position == nil,
            let data = FileManager.default.contents(atPath: problem.file), data.count <= SchemaRegistry.maximumFileBytes
        else { return error }
        return .definition(problem.located(in: Array(data)))
    }
}

extension FunctionDefinition.Code {
    /// The configuration, with the code directory made absolute (relative paths are relative
    /// to the deployment file's directory).
    func configuration(baseDirectory: String) -> FunctionConfiguration {
        var directory: String? = nil
        if let code {
            var path = code.hasPrefix("/") ? code : baseDirectory + "/" + code
            if !path.hasPrefix("/") { path = FileManager.default.currentDirectoryPath + "/" + path }
            var parts: [Substring] = []
            for part in path.split(separator: "/") where part != "." {
                if part == ".." { _ = parts.popLast() } else { parts.append(part) }
            }
            directory = "/" + parts.joined(separator: "/")
        }
        return FunctionConfiguration(
            handler: handler, environment: environment, memorySize: memorySize, timeout: timeout, runtime: runtime, code: directory)
    }
}
