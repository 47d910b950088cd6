import JSONCore

/// Token-bucket limits: steady rate (requests/s) and bucket size.
public struct ThrottleSettings: Sendable, Equatable {
    /// Requests per second.
    public var rateLimit: Double
    /// Bucket capacity.
    public var burstLimit: Int

    /// Limits.
    public init(rateLimit: Double, burstLimit: Int) {
        self.rateLimit = rateLimit
        self.burstLimit = burstLimit
    }

    /// The account default: 10,000 rps, burst 5,000.
    public static let accountDefault = ThrottleSettings(rateLimit: 10_000, burstLimit: 5_000)
}

/// A stage's cache settings (reference §4.2).
public struct CacheSettings: Sendable, Equatable {
    /// Whether the stage has a cache.
    public var enabled = false
    /// Default time to live, 0–3600 s (0 disables).
    public var ttlInSeconds = 300
    /// The cluster size in GB (0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237): the byte bound.
    public var clusterSizeGB = 0.5
    /// Encrypt cached data (recorded; has no effect locally).
    public var dataEncrypted = false
    /// `Cache-Control: max-age=0` needs authorization.
    public var requireAuthorizationForCacheControl = true
    /// `FAIL_WITH_403`, `SUCCEED_WITH_RESPONSE_HEADER` or `SUCCEED_WITHOUT_RESPONSE_HEADER`.
    public var unauthorizedCacheControlHeaderStrategy = UnauthorizedCacheControlStrategy.succeedWithResponseHeader
    /// Names of API keys whose callers hold `execute-api:InvalidateCache` (IAM stand-in).
    public var authorizedKeys: [String] = []

    /// Defaults (no cache).
    public init() {}

    /// The cluster sizes API Gateway offers, in GB.
    public static let clusterSizes: [Double] = [0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237]
}

/// Per-method overrides (`"items/GET"`, `"*/*"`).
public struct MethodSetting: Sendable, Equatable {
    /// Throttling for this method.
    public var throttle: ThrottleSettings?
    /// Caching on or off for this method (GET is on by default when the stage caches).
    public var cachingEnabled: Bool?
    /// TTL for this method.
    public var ttlInSeconds: Int?

    /// Settings (nil: inherit the stage's).
    public init(throttle: ThrottleSettings? = nil, cachingEnabled: Bool? = nil, ttlInSeconds: Int? = nil) {
        self.throttle = throttle
        self.cachingEnabled = cachingEnabled
        self.ttlInSeconds = ttlInSeconds
    }
}

/// One stage.
public struct StageConfiguration: Sendable {
    /// The name (`prod`).
    public var name: String
    /// The definition file, relative to the deployment file.
    public var definition: String
    /// A description.
    public var description: String
    /// Stage variables, in order.
    public var variables: [(String, String)]
    /// Stage-level throttling (default: the account's).
    public var throttle: ThrottleSettings
    /// Cache settings.
    public var cache: CacheSettings
    /// Method settings by `path/METHOD` (path without the leading slash).
    public var methodSettings: [String: MethodSetting]
    /// Beyond AWS: check integration responses against the method's response model —
    /// `off` (default), `log`, or `enforce` (a mismatch answers 502).
    public var responseValidation: ResponseValidation
}

/// Whether a stage checks integration responses against the method's response model.
public enum ResponseValidation: String, Sendable, Equatable {
    /// Not checked (the default, as AWS).
    case off
    /// Checked; a mismatch is logged and the response passes.
    case log
    /// Checked; a mismatch answers 502.
    case enforce
}

/// A Lambda function and its published versions and aliases.
public struct FunctionDefinition: Sendable {
    /// A version's code and configuration.
    public struct Code: Sendable, Equatable {
        public var handler: String
        public var environment: [String: String]
        public var memorySize: Int
        public var timeout: Double
        /// `python3.13`, `provided.al2023`…; nil for a built-in handler.
        public var runtime: String?
        /// The code directory as the file writes it (relative to the deployment file unless absolute).
        public var code: String?
    }

    /// The function name.
    public var name: String
    /// Reserved concurrency (nil: none).
    public var reservedConcurrency: Int?
    /// `$LATEST`.
    public var latest: Code
    /// Published versions.
    public var versions: [(Int, Code)]
    /// Aliases: name → (version, optional weighted additional version).
    public var aliases: [(name: String, version: String, additional: (version: String, weight: Double)?)]
}

/// A usage plan.
public struct UsagePlanDefinition: Sendable {
    /// The name (`CloudAcademyPlan`).
    public var name: String
    /// The stages it covers.
    public var stages: [String]
    /// Per-key throttle.
    public var throttle: ThrottleSettings?
    /// Per-method throttles, keyed `"/items/GET"`.
    public var methodThrottles: [String: ThrottleSettings]
    /// Quota: requests per period.
    public var quota: (limit: Int, period: QuotaPeriod)?
}

/// A quota period.
public enum QuotaPeriod: String, Sendable {
    case day = "DAY", week = "WEEK", month = "MONTH"
}

/// An API key.
public struct APIKeyDefinition: Sendable {
    /// The name (`LabKey`).
    public var name: String
    /// The value; nil to generate one (40 characters).
    public var value: String?
    /// Enabled (AWS's default is false).
    public var enabled: Bool
    /// The usage plans the key belongs to.
    public var usagePlans: [String]
}

/// The deployment file: everything the console sets up around an API definition.
public struct DeploymentConfiguration: Sendable {
    /// The REST API id (used in ARNs and model URLs).
    public var apiId: String
    /// The region in ARNs.
    public var region: String
    /// The account id in ARNs.
    public var accountId: String
    /// Stages, in file order.
    public var stages: [StageConfiguration]
    /// Lambda functions.
    public var functions: [FunctionDefinition]
    /// Usage plans.
    public var usagePlans: [UsagePlanDefinition]
    /// API keys.
    public var apiKeys: [APIKeyDefinition]
    /// The account-level limit (AWS's default: 10,000 rps, burst 5,000).
    public var accountThrottle: ThrottleSettings
    /// The 403 text of a Lambda authorizer's explicit Deny, when not AWS's until-2023 wording
    /// (newer captures read "… with an explicit deny in an identity-based policy").
    public var explicitDenyMessage: String? = nil

    /// Reads a deployment document; errors name `file` and the pointer.
    public static func parse(_ document: JSONValue, file: String) throws(APIDefinitionError) -> DeploymentConfiguration {
        let reader = DocumentReader(file: file)
        let root = try reader.object(document, at: .root)
        try DeploymentFileShape.check(document, reader: reader)
        var stages: [StageConfiguration] = []
        for member in try reader.object(root["stages"] ?? [:], at: ["stages"]) {
            let tokens = ["stages", member.key]
            guard member.key.count <= 128, member.key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw reader.fail(tokens, "stage names hold only letters, digits, - and _ (at most 128)")
            }
            let stage = try reader.object(member.value, at: JSONPointer(tokens: tokens))
            guard case .string(let definition)? = stage["definition"] else { throw reader.fail(tokens + ["definition"], "each stage names its definition file") }
            var variables: [(String, String)] = []
            for variable in try reader.members(stage["variables"], at: tokens + ["variables"]) {
                guard case .string(let value) = variable.value,
                    variable.key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                    value.allSatisfy({ $0.isLetter || $0.isNumber || "-._~:/?#&=,".contains($0) })
                else {
                    throw reader.fail(tokens + ["variables", variable.key], "stage variable names hold letters, digits and _; values [A-Za-z0-9-._~:/?#&=,]+")
                }
                variables.append((variable.key, value))
            }
            var cache = CacheSettings()
            if let cacheValue = stage["cache"] {
                let cacheTokens = tokens + ["cache"]
                let object = try reader.object(cacheValue, at: JSONPointer(tokens: cacheTokens))
                cache.enabled = object["enabled"]?.boolValue ?? false
                cache.ttlInSeconds = try reader.ttl(object["ttlInSeconds"], at: cacheTokens + ["ttlInSeconds"]) ?? 300
                if let size = object["clusterSizeGB"]?.numberValue?.doubleValue {
                    guard CacheSettings.clusterSizes.contains(size) else {
                        throw reader.fail(cacheTokens + ["clusterSizeGB"], "cache cluster sizes are 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237 GB")
                    }
                    cache.clusterSizeGB = size
                }
                cache.dataEncrypted = object["dataEncrypted"]?.boolValue ?? false
                cache.requireAuthorizationForCacheControl = object["requireAuthorizationForCacheControl"]?.boolValue ?? true
                if let text = object["unauthorizedCacheControlHeaderStrategy"]?.stringValue {
                    guard let strategy = UnauthorizedCacheControlStrategy(rawValue: text) else {
                        throw reader.fail(cacheTokens + ["unauthorizedCacheControlHeaderStrategy"], "unknown strategy \(text)")
                    }
                    cache.unauthorizedCacheControlHeaderStrategy = strategy
                }
                cache.authorizedKeys = try reader.strings(object["authorizedKeys"], at: cacheTokens + ["authorizedKeys"])
            }
            var methodSettings: [String: MethodSetting] = [:]
            for setting in try reader.members(stage["methodSettings"], at: tokens + ["methodSettings"]) {
                let settingTokens = tokens + ["methodSettings", setting.key]
                methodSettings[setting.key] = MethodSetting(
                    throttle: try reader.throttle(setting.value["throttle"], at: settingTokens + ["throttle"]),
                    cachingEnabled: setting.value["caching"]?["enabled"]?.boolValue,
                    ttlInSeconds: try reader.ttl(setting.value["caching"]?["ttlInSeconds"], at: settingTokens + ["caching", "ttlInSeconds"]))
            }
            stages.append(
                StageConfiguration(
                    name: member.key, definition: definition, description: stage["description"]?.stringValue ?? "", variables: variables,
                    throttle: try reader.throttle(stage["throttle"], at: tokens + ["throttle"]) ?? .accountDefault, cache: cache,
                    methodSettings: methodSettings, responseValidation: try reader.responseValidation(stage["responseValidation"], at: tokens)))
        }
        var functions: [FunctionDefinition] = []
        for member in try reader.members(root["functions"], at: ["functions"]) {
            let tokens = ["functions", member.key]
            let latest = try reader.code(member.value, at: tokens)
            var versions: [(Int, FunctionDefinition.Code)] = []
            for (index, version) in try reader.elements(member.value["versions"], at: tokens + ["versions"]).enumerated() {
                guard let number = version["version"]?.numberValue?.intValue, number >= 1 else {
                    throw reader.fail(tokens + ["versions", String(index), "version"], "a published version is a number from 1")
                }
                // A version that says only its number is `$LATEST` as the file describes it.
                versions.append((number, try reader.code(version, at: tokens + ["versions", String(index)], inheriting: latest)))
            }
            var reservedConcurrency: Int? = nil
            if let reserved = member.value["reservedConcurrency"] {
                guard let value = reserved.numberValue?.intValue, value >= 0, value <= 1000 else {
                    throw reader.fail(tokens + ["reservedConcurrency"], "reservedConcurrency is a whole number from 0 to 1000")
                }
                reservedConcurrency = value
            }
            var aliases: [(name: String, version: String, additional: (version: String, weight: Double)?)] = []
            for alias in try reader.members(member.value["aliases"], at: tokens + ["aliases"]) {
                guard case .string(let version)? = alias.value["version"] else {
                    throw reader.fail(tokens + ["aliases", alias.key, "version"], "an alias names a version (\"$LATEST\" or a number)")
                }
                var additional: (version: String, weight: Double)? = nil
                let weights = try reader.members(alias.value["additionalVersionWeights"], at: tokens + ["aliases", alias.key, "additionalVersionWeights"])
                if weights.count > 1 {
                    throw reader.fail(tokens + ["aliases", alias.key, "additionalVersionWeights"], "Number of items in AdditionalVersionWeights cannot be greater than 1")
                }
                if let weight = weights.members.first {
                    guard let share = weight.value.numberValue?.doubleValue else {
                        throw reader.fail(tokens + ["aliases", alias.key, "additionalVersionWeights", weight.key], "a weight is a number from 0 to 1")
                    }
                    additional = (weight.key, share)
                }
                aliases.append((alias.key, version, additional))
            }
            functions.append(
                FunctionDefinition(name: member.key, reservedConcurrency: reservedConcurrency, latest: latest, versions: versions, aliases: aliases))
        }
        let stageNames = Set(stages.map(\.name))
        var usagePlans: [UsagePlanDefinition] = []
        for member in try reader.members(root["usagePlans"], at: ["usagePlans"]) {
            let tokens = ["usagePlans", member.key]
            let planStages = try reader.strings(member.value["stages"], at: tokens + ["stages"])
            for stage in planStages where !stageNames.contains(stage) {
                throw reader.fail(tokens + ["stages"], "Invalid API Stage {api: \(root["apiId"]?.stringValue ?? "?"), stage: \(stage)} specified for usageplan \(member.key)")
            }
            var quota: (Int, QuotaPeriod)? = nil
            if let quotaValue = member.value["quota"] {
                guard let limit = quotaValue["limit"]?.numberValue?.intValue, limit >= 0,
                    let period = quotaValue["period"]?.stringValue.flatMap(QuotaPeriod.init(rawValue:))
                else { throw reader.fail(tokens + ["quota"], "a quota is {\"limit\": N, \"period\": \"DAY\"|\"WEEK\"|\"MONTH\"}") }
                quota = (limit, period)
            }
            var methodThrottles: [String: ThrottleSettings] = [:]
            for entry in try reader.members(member.value["methodThrottles"], at: tokens + ["methodThrottles"]) {
                methodThrottles[entry.key] = try reader.throttle(entry.value, at: tokens + ["methodThrottles", entry.key])
            }
            usagePlans.append(
                UsagePlanDefinition(
                    name: member.key, stages: planStages, throttle: try reader.throttle(member.value["throttle"], at: tokens + ["throttle"]),
                    methodThrottles: methodThrottles, quota: quota))
        }
        let planNames = Set(usagePlans.map(\.name))
        var apiKeys: [APIKeyDefinition] = []
        for member in try reader.members(root["apiKeys"], at: ["apiKeys"]) {
            let tokens = ["apiKeys", member.key]
            let value = member.value["value"]?.stringValue
            if let value {
                guard value.count >= 20 else { throw reader.fail(tokens + ["value"], "API Key value should be at least 20 characters") }
                guard value.count <= 128 else { throw reader.fail(tokens + ["value"], "API Key value exceeds maximum size of 128 characters") }
            }
            let plans = try reader.strings(member.value["usagePlans"], at: tokens + ["usagePlans"])
            for plan in plans where !planNames.contains(plan) { throw reader.fail(tokens + ["usagePlans"], "Invalid Usage Plan ID specified: \(plan)") }
            // One plan per API stage for a key.
            var seen: Set<String> = []
            for plan in plans {
                for stage in usagePlans.first(where: { $0.name == plan })?.stages ?? [] {
                    guard seen.insert(stage).inserted else {
                        throw reader.fail(tokens + ["usagePlans"], "a key may belong to only one usage plan per API stage (\(stage))")
                    }
                }
            }
            apiKeys.append(APIKeyDefinition(name: member.key, value: value, enabled: member.value["enabled"]?.boolValue ?? false, usagePlans: plans))
        }
        return DeploymentConfiguration(
            apiId: root["apiId"]?.stringValue ?? "localapi", region: root["region"]?.stringValue ?? "us-east-1",
            accountId: root["accountId"]?.stringValue ?? "123456789012", stages: stages, functions: functions, usagePlans: usagePlans,
            apiKeys: apiKeys, accountThrottle: try reader.throttle(root["accountThrottle"], at: ["accountThrottle"]) ?? .accountDefault,
            explicitDenyMessage: root["explicitDenyMessage"]?.stringValue)
    }
}

extension DocumentReader {
    func responseValidation(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> ResponseValidation {
        guard let value else { return .off }
        guard case .string(let text) = value, let mode = ResponseValidation(rawValue: text) else {
            throw fail(tokens + ["responseValidation"], "responseValidation is \"off\", \"log\" or \"enforce\"")
        }
        return mode
    }

    func throttle(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> ThrottleSettings? {
        guard let value else { return nil }
        guard let rate = value["rateLimit"]?.numberValue?.doubleValue, rate >= 0,
            let burst = value["burstLimit"]?.numberValue?.intValue, burst >= 0
        else { throw fail(tokens, "a throttle is {\"rateLimit\": requests per second, \"burstLimit\": bucket size}") }
        return ThrottleSettings(rateLimit: rate, burstLimit: burst)
    }

    func ttl(_ value: JSONValue?, at tokens: [String]) throws(APIDefinitionError) -> Int? {
        guard let value else { return nil }
        guard let seconds = value.numberValue?.intValue, (0...3600).contains(seconds) else {
            throw fail(tokens, "ttlInSeconds is from 0 to 3600")
        }
        return seconds
    }

    /// A function's (or version's) code and configuration; fields a version leaves out come
    /// from `inherited`.
    func code(_ value: JSONValue, at tokens: [String], inheriting inherited: FunctionDefinition.Code? = nil) throws(APIDefinitionError) -> FunctionDefinition.Code {
        let handler: String
        if case .string(let named)? = value["handler"] {
            handler = named
        } else if let inherited {
            handler = inherited.handler
        } else {
            throw fail(tokens + ["handler"], "a function names its handler")
        }
        var environment: [String: String] = value["environment"] == nil ? inherited?.environment ?? [:] : [:]
        let declared = try members(value["environment"], at: tokens + ["environment"])
        for member in declared {
            guard case .string(let text) = member.value else { throw fail(tokens + ["environment", member.key], "environment values are strings") }
            environment[member.key] = text
        }
        if let problem = EnvironmentRules.problem(declared) { throw fail(tokens + ["environment"], problem) }
        let memory = value["memorySize"]?.numberValue?.intValue ?? inherited?.memorySize ?? 128
        guard (128...10240).contains(memory) else { throw fail(tokens + ["memorySize"], "memorySize is from 128 to 10240 MB") }
        let timeout = value["timeout"]?.numberValue?.doubleValue ?? inherited?.timeout ?? 3
        guard timeout >= 1, timeout <= 900 else { throw fail(tokens + ["timeout"], "timeout is from 1 to 900 seconds") }
        var runtime = inherited?.runtime
        if let named = value["runtime"] {
            guard case .string(let text) = named,
                text == "provided.al2023" || text == "provided.al2" || (text.hasPrefix("python3.") && Int(text.dropFirst(8)) != nil)
                    || ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"].contains(text)
            else {
                throw fail(
                    tokens + ["runtime"], "runtime is python3.x, nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, provided.al2023 or provided.al2 (leave it out for a built-in handler)")
            }
            runtime = text
        }
        var code = inherited?.code
        if let directory = value["code"] {
            guard case .string(let text) = directory, !text.isEmpty else {
                throw fail(tokens + ["code"], "code is the function's directory, relative to the deployment file")
            }
            code = text
        }
        if runtime != nil, code == nil { throw fail(tokens + ["code"], "a function with a runtime names its code directory") }
        if runtime == nil, code != nil { throw fail(tokens + ["runtime"], "a function with a code directory names its runtime") }
        return FunctionDefinition.Code(handler: handler, environment: environment, memorySize: memory, timeout: timeout, runtime: runtime, code: code)
    }
}

/// What an unauthorized `Cache-Control: max-age=0` does (a stage cache setting).
public enum UnauthorizedCacheControlStrategy: String, Sendable, Equatable {
    /// 403.
    case failWith403 = "FAIL_WITH_403"
    /// Ignored, with a warning header in the response (the default).
    case succeedWithResponseHeader = "SUCCEED_WITH_RESPONSE_HEADER"
    /// Ignored silently.
    case succeedWithoutResponseHeader = "SUCCEED_WITHOUT_RESPONSE_HEADER"
}
