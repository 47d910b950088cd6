import JSONCore

/// What Lambda keeps of its functions — `$LATEST`, the published versions, the aliases, the
/// reserved concurrency — as a value: a change is made on a copy (a draft), which its owner
/// can write durably before it installs it (`LambdaService.install`), so that a change that
/// could not be saved was never visible. Invocation state (warm sandboxes, metrics, calls in
/// flight) is not part of it.
public struct LambdaCatalog: Sendable {
    /// One function's persistent facts.
    public struct Function: Sendable {
        /// `$LATEST`.
        public var latest: FunctionConfiguration
        /// The published versions by number.
        public var versions: [Int: FunctionConfiguration] = [:]
        /// The highest version number given so far.
        public var lastVersion = 0
        /// The aliases by name.
        public var aliases: [String: FunctionAlias] = [:]
        /// The aliases' descriptions.
        public var aliasDescriptions: [String: String] = [:]
        /// When `$LATEST` last changed (seconds since 1970).
        public var lastModified: Double
        /// When each version was published.
        public var published: [Int: Double] = [:]
        /// The reserved concurrency (nil: unreserved).
        public var reservedConcurrency: Int?
        /// True for a function made through `CreateFunction` (its code lives in the state
        /// directory; no deployment file declares it).
        public var createdByAPI = false
        /// The resource-based policy's statements (AddPermission) by qualifier (`""`: the
        /// unqualified function), each a JSON object with its `Sid`.
        public var policy: [String: [JSONValue]] = [:]

        /// A new function.
        public init(latest: FunctionConfiguration, lastModified: Double) {
            self.latest = latest
            self.lastModified = lastModified
        }
    }

    /// The functions by name.
    public var functions: [String: Function] = [:]
    /// `arn:aws:lambda:REGION:ACCOUNT:function:` (for error messages).
    let arnPrefix: String
    /// The clock of `lastModified` and `published`.
    let clock: @Sendable () -> Double

    init(arnPrefix: String, clock: @escaping @Sendable () -> Double) {
        self.arnPrefix = arnPrefix
        self.clock = clock
    }

    func arn(_ function: String, qualifier: String? = nil) -> String {
        arnPrefix + function + (qualifier.map { ":" + $0 } ?? "")
    }

    /// The function, or Lambda's 404.
    public func function(_ name: String) throws(LambdaServiceError) -> Function {
        guard let function = functions[name] else { throw .notFound("Function not found: \(arn(name))") }
        return function
    }

    private mutating func modify<T>(_ name: String, _ change: (inout Function) throws(LambdaServiceError) -> T) throws(LambdaServiceError) -> T {
        guard var function = functions[name] else { throw .notFound("Function not found: \(arn(name))") }
        let result = try change(&function)
        functions[name] = function
        return result
    }

    // MARK: - Changes

    /// Creates a function (its `$LATEST`), replacing any of that name.
    public mutating func createFunction(_ name: String, configuration: FunctionConfiguration) {
        functions[name] = Function(latest: configuration, lastModified: clock())
    }

    /// Deletes a function with its versions, aliases and policy (Lambda's 404 when there is none).
    public mutating func deleteFunction(_ name: String) throws(LambdaServiceError) {
        _ = try function(name)
        functions[name] = nil
    }

    /// Deletes a published version (409 while an alias points at it; `$LATEST` cannot be
    /// deleted on its own).
    public mutating func deleteVersion(_ name: String, version: String) throws(LambdaServiceError) {
        let arn = self.arn(name, qualifier: version)
        try modify(name) { (function) throws(LambdaServiceError) in
            guard let number = Int(version), function.versions[number] != nil else {
                if version == "$LATEST" { throw .invalid("$LATEST version cannot be deleted without deleting the function.") }
                throw .notFound("Function not found: \(arn)")
            }
            let pointing = function.aliases.filter { $0.value.version == version || $0.value.additionalVersion?.version == version }.keys.sorted()
            if !pointing.isEmpty {
                throw LambdaServiceError(
                    status: 409, type: "ResourceConflictException",
                    message: "Unable to delete version because the following aliases reference it: [\(pointing.joined(separator: ", "))]")
            }
            function.versions[number] = nil
            function.published[number] = nil
            function.policy[version] = nil
        }
    }

    /// Adds a statement to the policy of the function (or of `qualifier`): 409 when its `Sid`
    /// is taken.
    public mutating func addPermission(_ name: String, qualifier: String?, statement: JSONValue) throws(LambdaServiceError) {
        let sid = statement["Sid"]?.stringValue ?? ""
        try modify(name) { (function) throws(LambdaServiceError) in
            let key = qualifier ?? ""
            if function.policy[key, default: []].contains(where: { $0["Sid"]?.stringValue == sid }) {
                throw LambdaServiceError(
                    status: 409, type: "ResourceConflictException",
                    message: "The statement id (\(sid)) provided already exists. Please choose another statement id, or remove the existing statement.")
            }
            function.policy[key, default: []].append(statement)
        }
    }

    /// Removes the statement `sid` (404 when the policy has none of that id).
    public mutating func removePermission(_ name: String, qualifier: String?, sid: String) throws(LambdaServiceError) {
        try modify(name) { (function) throws(LambdaServiceError) in
            let key = qualifier ?? ""
            guard let index = function.policy[key]?.firstIndex(where: { $0["Sid"]?.stringValue == sid }) else {
                throw .notFound("Statement \(sid) is not found in resource policy.")
            }
            function.policy[key]!.remove(at: index)
            if function.policy[key]!.isEmpty { function.policy[key] = nil }
        }
    }

    /// Replaces `$LATEST`'s code and configuration; published versions are untouched.
    public mutating func updateFunction(_ name: String, configuration: FunctionConfiguration) throws(LambdaServiceError) {
        let now = clock()
        try modify(name) { function in
            function.latest = configuration
            function.lastModified = now
        }
    }

    /// Sets the reserved concurrency (nil removes it).
    public mutating func setReservedConcurrency(_ name: String, _ value: Int?) throws(LambdaServiceError) {
        try modify(name) { $0.reservedConcurrency = value }
    }

    /// Publishes `$LATEST` as the next version; an unchanged `$LATEST` gives the last version
    /// again. `codeRunner` copies code in a directory, so that later edits leave the version
    /// as published.
    public mutating func publishVersion(_ name: String, codeRunner: (any FunctionCodeRunner)?) throws(LambdaServiceError) -> String {
        let now = clock()
        return try modify(name) { (function) throws(LambdaServiceError) -> String in
            let latest = function.latest
            if latest.runtime != nil, let codeRunner {
                let digest = codeRunner.fingerprint(latest)
                if function.lastVersion > 0, var last = function.versions[function.lastVersion], digest != nil, last.codeSha256 == digest {
                    last.code = latest.code
                    last.codeSha256 = latest.codeSha256
                    if last == latest { return String(function.lastVersion) }
                }
                let number = function.lastVersion + 1
                let frozen = try codeRunner.publish(function: name, version: number, configuration: latest)
                function.lastVersion = number
                function.versions[number] = frozen
                function.published[number] = now
                return String(number)
            }
            if function.lastVersion > 0, function.versions[function.lastVersion] == latest { return String(function.lastVersion) }
            function.lastVersion += 1
            function.versions[function.lastVersion] = latest
            function.published[function.lastVersion] = now
            return String(function.lastVersion)
        }
    }

    /// Restores a published version (from saved state or a deployment file).
    public mutating func restoreVersion(_ name: String, version: Int, configuration: FunctionConfiguration) throws(LambdaServiceError) {
        try modify(name) { function in
            function.versions[version] = configuration
            function.lastVersion = max(function.lastVersion, version)
        }
    }

    /// Creates an alias (409 when it exists).
    public mutating func createAlias(_ alias: String, of name: String, to target: FunctionAlias, description: String = "") throws(LambdaServiceError) {
        if functions[name]?.aliases[alias] != nil {
            throw LambdaServiceError(status: 409, type: "ResourceConflictException", message: "Alias already exists: \(arn(name, qualifier: alias))")
        }
        try setAlias(alias, of: name, to: target, description: description)
    }

    /// Changes an alias: its version, its routing (nil keeps it; `.some(nil)` clears it) and
    /// description (404 when it does not exist).
    public mutating func updateAlias(
        _ alias: String, of name: String, version: String?, routing: (version: String, weight: Double)??, description: String?
    ) throws(LambdaServiceError) {
        let function = try self.function(name)
        guard var target = function.aliases[alias] else { throw .notFound("Cannot find alias arn: \(arn(name, qualifier: alias))") }
        if let version { target.version = version }
        if let routing { target.additionalVersion = routing }
        try setAlias(alias, of: name, to: target, description: description ?? function.aliasDescriptions[alias] ?? "")
    }

    /// Deletes an alias (nothing happens when it does not exist, as Lambda answers 204 then).
    public mutating func deleteAlias(_ alias: String, of name: String) throws(LambdaServiceError) {
        try modify(name) { function in
            function.aliases[alias] = nil
            function.aliasDescriptions[alias] = nil
        }
    }

    /// Creates or moves an alias, with Lambda's validation of the routing configuration.
    public mutating func setAlias(_ alias: String, of name: String, to target: FunctionAlias, description: String? = nil) throws(LambdaServiceError) {
        guard !alias.allSatisfy(\.isNumber), !alias.isEmpty, alias.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw LambdaServiceError(status: 400, type: "ValidationException", message: "invalid alias name \(alias)")
        }
        let arnPrefix = self.arnPrefix
        try modify(name) { (function) throws(LambdaServiceError) in
            func arn(_ qualifier: String) -> String { arnPrefix + name + ":" + qualifier }
            func exists(_ version: String) -> Bool {
                version == "$LATEST" || (Int(version).map { function.versions[$0] != nil } ?? false)
            }
            guard exists(target.version) else { throw .notFound("Function not found: \(arn(target.version))") }
            if let extra = target.additionalVersion {
                guard Int(extra.version) != nil else {
                    throw LambdaServiceError(
                        status: 400, type: "ValidationException",
                        message: "1 validation error detected: Value at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]")
                }
                guard extra.weight >= 0, extra.weight <= 1 else {
                    throw LambdaServiceError(
                        status: 400, type: "ValidationException",
                        message: "1 validation error detected: Value '{\(extra.version)=\(extra.weight)}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]")
                }
                guard target.version != "$LATEST" else { throw .invalid("$LATEST is not supported for an alias pointing to more than 1 version") }
                guard extra.version != target.version else {
                    throw .invalid("Invalid function version \(extra.version). Function version \(extra.version) is already included in routing configuration.")
                }
                guard exists(extra.version) else { throw .notFound("Function not found: \(arn(extra.version))") }
            }
            function.aliases[alias] = target
            if let description { function.aliasDescriptions[alias] = description }
        }
    }
}
