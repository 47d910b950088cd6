import Archives
import Foundation
import JSONCore
import TextAndFiles

/// Turns a SAM template (`Transform: AWS::Serverless-2016-10-31`) or a CloudFormation template
/// into a `TemplateProject`, as AWS's translator routes it: `Globals` merged, the implicit
/// `ServerlessRestApi` (stages `Prod` and `Stage`), explicit `AWS::Serverless::Api`s
/// (`StageName`, `DefinitionBody` / `DefinitionUri`, `Auth` API keys and usage plans, `Cors`,
/// `BinaryMediaTypes`, `Variables`, `CacheClusterEnabled`, `MethodSettings`), functions
/// (`CodeUri`, `InlineCode`, `Handler`, `Runtime`, `Environment`, `Timeout`, `MemorySize`,
/// `AutoPublishAlias`, `ReservedConcurrentExecutions`) and their `Api` events; CloudFormation's
/// `AWS::Lambda::Function` (inline `ZipFile` code, a CDK asset directory) and
/// `AWS::ApiGateway::RestApi` with a `Body` and its `Stage`s.
public struct TemplateTransform {
    /// The template.
    public let source: TemplateSource
    /// The directory relative paths (`CodeUri`, `DefinitionUri`, includes) are taken from.
    public let baseDirectory: String
    /// Where files the template holds inline (InlineCode) are written.
    public let generatedDirectory: String
    /// `--parameter-overrides`.
    public var overrides: [String: String] = [:]
    /// The account and region the template resolves with.
    public var region = "us-east-1"
    public var accountId = "123456789012"
    /// `AWS::StackName` (the SAM CLI's local default).
    public var stackName = "local"

    /// A transform of `source`.
    public init(source: TemplateSource, baseDirectory: String, generatedDirectory: String) {
        self.source = source
        self.baseDirectory = baseDirectory
        self.generatedDirectory = generatedDirectory
    }

    /// `--parameter-overrides` as the SAM CLI reads it: `Key=Value` or
    /// `ParameterKey=Key,ParameterValue=Value` pairs, space separated, values optionally quoted.
    public static func parameterOverrides(_ text: String) throws(TemplateError) -> [String: String] {
        try TemplateParameters.overrides(text)
    }

    /// The runtimes that run here.
    static func runtimeRuns(_ runtime: String) -> Bool {
        runtime.hasPrefix("python3") || runtime.hasPrefix("nodejs") || runtime.hasPrefix("provided")
    }

    /// Function properties with a local meaning; the others are listed as not emulated.
    static let functionProperties: Set<String> = [
        "CodeUri", "InlineCode", "Handler", "Runtime", "Environment", "Timeout", "MemorySize", "AutoPublishAlias", "ReservedConcurrentExecutions",
        "Description", "FunctionName", "Events", "PackageType", "Code",
    ]
    static let apiProperties: Set<String> = [
        "StageName", "DefinitionBody", "DefinitionUri", "Auth", "Cors", "BinaryMediaTypes", "Variables", "CacheClusterEnabled", "CacheClusterSize",
        "MethodSettings", "OpenApiVersion", "Name", "Description", "Body", "Models", "MergeDefinitions", "GatewayResponses", "Policy",
    ]

    /// The project, or every problem found (one per resource at most).
    public func project() throws(TemplateErrors) -> TemplateProject {
        var errors: [TemplateError] = []
        var builder = ProjectBuilder(transform: self)
        builder.build(errors: &errors)
        if !errors.isEmpty { throw TemplateErrors(errors: source.located(errors)) }
        return builder.result()
    }
}

/// One run of the transform.
struct ProjectBuilder {
    let transform: TemplateTransform
    var source: TemplateSource { transform.source }
    var intrinsics: Intrinsics! = nil
    var functions = JSONObject()
    /// Each API's logical id → its routes, stage and settings.
    var apis: [String: APIBuild] = [:]
    var apiOrder: [String] = []
    var notEmulated: [String] = []
    var warnings: [String] = []
    var files: [String: String] = [:]
    var usagePlans = JSONObject()
    var apiKeys = JSONObject()
    var outputs: [(name: String, value: String)] = []
    var stages = JSONObject()
    var definitions: [String: JSONValue] = [:]
    var apiId = ""
    /// The CloudFormation resources' reader (over the same intrinsics).
    var cloudFormation: CloudFormationResources { CloudFormationResources(source: source, intrinsics: intrinsics) }
    /// Each function's `AutoPublishAlias` (its routes call the alias).
    var aliases: [String: String] = [:]
    /// Files read besides the template (includes, `DefinitionUri`).
    let readFiles = ReadFiles()

    /// The files a transform read (a reference: the include closure records into it).
    final class ReadFiles {
        var paths: [String] = []
    }

    init(transform: TemplateTransform) { self.transform = transform }

    /// An API being put together.
    struct APIBuild {
        var logicalId: String
        var properties: JSONValue
        /// `auth`: the event's `Auth`, resolved (its `Authorizer`, `AuthorizationScopes`).
        typealias Route = (path: String, method: String, function: String, apiKeyRequired: Bool?, requestModel: JSONValue?, auth: JSONValue?, tokens: [String])
        var routes: [Route] = []
        var implicit: Bool
    }

    /// A SAM template: its `Transform` says so, or (as the SAM CLI reads templates) it has
    /// `AWS::Serverless::*` resources.
    var isSAM: Bool {
        switch source.document["Transform"] {
        case .string(let name)? where name.hasPrefix("AWS::Serverless"): return true
        case .array(let names)? where names.contains(where: { $0.stringValue?.hasPrefix("AWS::Serverless") == true }): return true
        default:
            return (source.document["Resources"]?.objectValue?.members ?? []).contains { $0.value["Type"]?.stringValue?.hasPrefix("AWS::Serverless::") == true }
        }
    }

    func result() -> TemplateProject {
        var deployment = JSONObject.of([
            "apiId": .string(apiId), "region": .string(transform.region), "accountId": .string(transform.accountId), "stages": .object(stages),
            "functions": .object(functions),
        ])
        if !usagePlans.isEmpty { deployment["usagePlans"] = .object(usagePlans) }
        if !apiKeys.isEmpty { deployment["apiKeys"] = .object(apiKeys) }
        return TemplateProject(
            deployment: .object(deployment), definitions: definitions, files: files, notEmulated: notEmulated, warnings: warnings, outputs: outputs,
            apiId: apiId, region: transform.region, sourceFiles: [source.file] + readFiles.paths)
    }

    mutating func build(errors: inout [TemplateError]) {
        guard case .object(let root) = source.document else {
            errors.append(source.error([], "a template is a mapping with Resources"))
            return
        }
        guard case .object(let resources)? = root["Resources"], !resources.isEmpty else {
            errors.append(source.error(["Resources"], "a template needs Resources (a mapping of at least one resource)"))
            return
        }
        var parameters = TemplateParameters.pseudo(region: transform.region, accountId: transform.accountId, stackName: transform.stackName)
        var unset = Set<String>()
        let declared = TemplateParameters.values(source, overrides: transform.overrides, unset: &unset, errors: &errors)
        parameters.merge(declared) { $1 }
        // Overrides that name no parameter may give an `Fn::ImportValue` (checked where used).
        let imports = transform.overrides.filter { root["Parameters"]?[$0.key] == nil }
        for name in transform.overrides.keys.sorted() where root["Parameters"]?[name] == nil && !Intrinsics.imports(name, in: source.document) {
            warnings.append("--parameter-overrides \(name): the template declares no parameter \(name); ignored"
                + Suggestion.didYouMean(name, among: root["Parameters"]?.objectValue?.members.map(\.key) ?? []))
        }
        let base = transform.baseDirectory
        let file = source.file
        var conditions = JSONObject()
        do { conditions = try source.members(root["Conditions"], at: ["Conditions"]) } catch { errors.append(error) }
        let readFiles = self.readFiles
        intrinsics = Intrinsics(
            parameters: parameters, unset: unset, imports: imports, references: [:], attributes: [:], mappings: root["Mappings"] ?? .null,
            conditions: conditions,
            include: { (location: String) throws(TemplateError) -> JSONValue in
                let path = location.hasPrefix("/") ? location : base + "/" + location
                readFiles.paths.append(path)
                guard let bytes = FileReader.read(path: path) else {
                    throw TemplateError(file: file, path: [], message: "AWS::Include: cannot read \(path)")
                }
                return try TemplateSource(file: path, bytes: bytes).document
            }, source: source)
        // Which resources exist (their Condition holds), and what Ref and GetAtt give for each.
        var live: [(String, JSONValue)] = []
        for member in resources {
            guard case .object = member.value else {
                errors.append(source.error(["Resources", member.key], "a resource is a mapping with a Type, found \(member.value.typeName)"))
                continue
            }
            guard case .string? = member.value["Type"] else {
                errors.append(source.error(["Resources", member.key], "Every Resources object must contain a Type member (a string)"))
                continue
            }
            if case .string(let condition)? = member.value["Condition"] {
                do {
                    if try !intrinsics.isTrue(condition, at: ["Resources", member.key, "Condition"], depth: 0) { continue }
                } catch {
                    errors.append(error)
                    continue
                }
            }
            live.append((member.key, member.value))
        }
        let implicitNeeded = isSAM && live.contains { _, resource in
            resource["Type"]?.stringValue == "AWS::Serverless::Function"
                && (resource["Properties"]?["Events"]?.objectValue?.members ?? []).contains { event in
                    event.value["Type"]?.stringValue == "Api" && event.value["Properties"]?["RestApiId"] == nil
                }
        }
        var references: [String: String] = [:]
        var attributes: [String: String] = [:]
        for (logicalId, resource) in live {
            let type = resource["Type"]?.stringValue ?? ""
            switch type {
            case "AWS::Serverless::Function", "AWS::Lambda::Function":
                let name = resource["Properties"]?["FunctionName"]?.stringValue ?? logicalId
                references[logicalId] = name
                attributes[logicalId + ".Arn"] = "arn:aws:lambda:\(transform.region):\(transform.accountId):function:\(name)"
                if type == "AWS::Serverless::Function", resource["Properties"]?["Role"] == nil {
                    // The role SAM makes for the function (`<Function>Role`).
                    references[logicalId + "Role"] = logicalId + "Role"
                    attributes[logicalId + "Role.Arn"] = "arn:aws:iam::\(transform.accountId):role/\(logicalId)Role"
                }
                if let alias = resource["Properties"]?["AutoPublishAlias"]?.stringValue ?? source.document["Globals"]?["Function"]?["AutoPublishAlias"]?.stringValue {
                    references[logicalId + ".Alias"] = "arn:aws:lambda:\(transform.region):\(transform.accountId):function:\(name):\(alias)"
                    references[logicalId + ".Version"] = "arn:aws:lambda:\(transform.region):\(transform.accountId):function:\(name):1"
                }
            case "AWS::Serverless::Api", "AWS::ApiGateway::RestApi":
                references[logicalId] = StableIdentifier.make("api:" + logicalId, length: 10)
                attributes[logicalId + ".RootResourceId"] = StableIdentifier.make("/", length: 10)
            case "AWS::Cognito::UserPool":
                // A user pool's id as Cognito makes them (`us-east-1_AbC123xyz`), stable for its
                // logical id: its ARN is what an authorizer's providerARNs name, and what
                // `gateway cognito token --pool` takes.
                let poolId = "\(transform.region)_" + StableIdentifier.make("userpool:" + logicalId, length: 9)
                references[logicalId] = poolId
                attributes[logicalId + ".Arn"] = "arn:aws:cognito-idp:\(transform.region):\(transform.accountId):userpool/\(poolId)"
                attributes[logicalId + ".ProviderName"] = "cognito-idp.\(transform.region).amazonaws.com/\(poolId)"
                attributes[logicalId + ".ProviderURL"] = "https://cognito-idp.\(transform.region).amazonaws.com/\(poolId)"
            case "AWS::Cognito::UserPoolClient":
                references[logicalId] = StableIdentifier.make("client:" + logicalId, length: 26)
            default:
                references[logicalId] = logicalId
            }
        }
        if implicitNeeded {
            references["ServerlessRestApi"] = StableIdentifier.make("api:ServerlessRestApi", length: 10)
            attributes["ServerlessRestApi.RootResourceId"] = StableIdentifier.make("/", length: 10)
        }
        intrinsics.references = references
        intrinsics.attributes = attributes

        let globals = isSAM ? (root["Globals"] ?? .null) : .null
        if isSAM {
            do {
                try checkGlobals()
            } catch {
                errors.append(error)
                return
            }
        }
        if implicitNeeded {
            apis["ServerlessRestApi"] = APIBuild(logicalId: "ServerlessRestApi", properties: globals["Api"] ?? .object(JSONObject()), implicit: true)
            apiOrder.append("ServerlessRestApi")
        }
        for (logicalId, resource) in live {
            let tokens = ["Resources", logicalId]
            do {
                try add(logicalId, resource, globals: globals, at: tokens)
            } catch {
                errors.append(error)
            }
        }
        cloudFormation.versionsAndAliases(of: &functions)
        do {
            try assembleAPIs()
        } catch {
            errors.append(error)
        }
        do {
            let (plans, keys) = try cloudFormation.keysAndPlans()
            for member in plans { usagePlans[member.key] = member.value }
            for member in keys { apiKeys[member.key] = member.value }
        } catch {
            errors.append(error)
        }
        var outputMembers = JSONObject()
        do { outputMembers = try source.members(root["Outputs"], at: ["Outputs"]) } catch { errors.append(error) }
        for member in outputMembers {
            guard let value = member.value["Value"] else { continue }
            do {
                if let resolved = try intrinsics.resolve(value, at: ["Outputs", member.key, "Value"]) { outputs.append((member.key, resolved.plainText)) }
            } catch {
                outputs.append((member.key, "(not resolved locally: \(error.message))"))
            }
        }
    }

    mutating func add(_ logicalId: String, _ resource: JSONValue, globals: JSONValue, at tokens: [String]) throws(TemplateError) {
        let type = resource["Type"]?.stringValue ?? ""
        let raw = JSONValue.object(try source.members(resource["Properties"], at: tokens + ["Properties"]))
        switch type {
        case "AWS::Serverless::Function":
            let properties = SAMGlobals.merged(raw, globals: globals["Function"])
            try addFunction(logicalId, properties: properties, at: tokens + ["Properties"], isServerless: true)
            for event in try source.members(properties["Events"], at: tokens + ["Properties", "Events"]) where event.value["Type"]?.stringValue == "Api" {
                try addEvent(function: logicalId, event: event.value, at: tokens + ["Properties", "Events", event.key])
            }
        case "AWS::Lambda::Function":
            try addFunction(logicalId, properties: raw, at: tokens + ["Properties"], isServerless: false, metadata: resource["Metadata"])
        case "AWS::Serverless::Api":
            guard apis[logicalId] == nil else { return }
            let properties = SAMGlobals.merged(raw, globals: globals["Api"])
            apis[logicalId] = APIBuild(logicalId: logicalId, properties: properties, implicit: false)
            apiOrder.append(logicalId)
        case "AWS::ApiGateway::RestApi":
            apis[logicalId] = APIBuild(logicalId: logicalId, properties: raw, implicit: false)
            apiOrder.append(logicalId)
        default:
            break
        }
    }

    mutating func addFunction(
        _ logicalId: String, properties raw: JSONValue, at tokens: [String], isServerless: Bool, metadata: JSONValue? = nil
    ) throws(TemplateError) {
        if isServerless {
            for member in try source.members(raw, at: tokens) where !SAMProperties.function.contains(member.key) {
                throw source.error(
                    tokens + [member.key],
                    "Resource with id [\(logicalId)] is invalid. property \(member.key) not defined for resource of type AWS::Serverless::Function"
                        + Suggestion.didYouMean(member.key, among: Array(SAMProperties.function)))
            }
        }
        if let flag = raw["AutoPublishAliasAllProperties"], flag.boolValue == nil {
            throw source.error(
                tokens + ["AutoPublishAliasAllProperties"], "Resource with id [\(logicalId)] is invalid. Type of property 'AutoPublishAliasAllProperties' is invalid.")
        }
        let properties = try resolveEmulated(raw, keeping: TemplateTransform.functionProperties.subtracting(["Events"]), at: tokens)
        if let alias = properties["AutoPublishAlias"], alias.plainText.isEmpty || alias == .null {
            throw source.error(tokens + ["AutoPublishAlias"], "Resource with id [\(logicalId)] is invalid. Alias name is required to create an alias")
        }
        let name = properties["FunctionName"]?.stringValue ?? logicalId
        if properties["PackageType"]?.stringValue == "Image" {
            throw source.error(tokens + ["PackageType"], "\(logicalId): container image functions (PackageType Image) are not run locally")
        }
        guard case .string(let runtime)? = properties["Runtime"] else {
            throw source.error(tokens + ["Runtime"], "\(logicalId) needs a Runtime (python3.x, nodejs*, provided.*)")
        }
        guard TemplateTransform.runtimeRuns(runtime) else {
            throw source.error(tokens + ["Runtime"], "\(logicalId) has runtime \(runtime), which does not run here (python3.x, nodejs18.x–nodejs24.x, provided.al2023, provided.al2)")
        }
        guard case .string(let handler)? = properties["Handler"] ?? (runtime.hasPrefix("provided") ? .string("bootstrap") : nil) else {
            throw source.error(tokens + ["Handler"], "\(logicalId) needs a Handler")
        }
        // Routes call the alias whether or not the code can be had here.
        if case .string(let alias)? = properties["AutoPublishAlias"] { aliases[name] = alias }
        guard let code = try codeDirectory(logicalId, properties: properties, runtime: runtime, handler: handler, metadata: metadata, at: tokens) else {
            return
        }
        var function = JSONObject.of(["runtime": .string(runtime), "handler": .string(handler), "code": .string(code)])
        if let variables = properties["Environment"]?["Variables"]?.objectValue {
            var environment = JSONObject()
            for variable in variables { environment[variable.key] = .string(variable.value.plainText) }
            function["environment"] = .object(environment)
        }
        if let timeout = properties["Timeout"] {
            guard let seconds = Double(timeout.plainText), seconds >= 1, seconds <= 900 else {
                throw source.error(tokens + ["Timeout"], "Timeout is a number of seconds from 1 to 900")
            }
            function["timeout"] = .number(JSONNumber(seconds) ?? JSONNumber(3))
        }
        if let memory = properties["MemorySize"] {
            guard let megabytes = Int(memory.plainText), (128...10240).contains(megabytes) else {
                throw source.error(tokens + ["MemorySize"], "MemorySize is a number of MB from 128 to 10240")
            }
            function["memorySize"] = .number(JSONNumber(megabytes))
        }
        if let reserved = properties["ReservedConcurrentExecutions"] {
            guard let count = Int(reserved.plainText), count >= 0 else { throw source.error(tokens + ["ReservedConcurrentExecutions"], "a whole number from 0") }
            function["reservedConcurrency"] = .number(JSONNumber(count))
        }
        if case .string(let alias)? = properties["AutoPublishAlias"] {
            aliases[name] = alias
            function["versions"] = [["version": 1]]
            function["aliases"] = [alias: ["version": "1"]]
        }
        functions[name] = .object(function)
    }

    /// A local zip package unpacked (by our own reader, within Lambda's limits) into the
    /// generated directory; the directory.
    func unpacked(_ zip: String, for logicalId: String, at tokens: [String]) throws(TemplateError) -> String {
        let directory = transform.generatedDirectory + "/packages/" + logicalId
        guard let bytes = FileReader.read(path: zip) else { throw source.error(tokens, "\(logicalId): cannot read \(zip)") }
        do {
            let archive = try ZipArchive(bytes)
            try? FileManager.default.removeItem(atPath: directory)
            try archive.unpack(into: directory)
        } catch let error as ArchiveError {
            throw source.error(tokens, "\(logicalId): \(zip): \(error.description)")
        } catch {
            throw source.error(tokens, "\(logicalId): \(zip): \(error)")
        }
        return directory
    }

    /// `properties` with the members that have a local meaning resolved (intrinsics and all);
    /// the others are listed as not emulated and never resolved (a parameter only they use
    /// needs no value here).
    mutating func resolveEmulated(_ properties: JSONValue, keeping emulated: Set<String>, at tokens: [String]) throws(TemplateError) -> JSONValue {
        var kept = JSONObject()
        for member in try source.members(properties, at: tokens) {
            guard emulated.contains(member.key) else {
                if member.key != "Events" { notEmulated.append((tokens + [member.key]).joined(separator: "/")) }
                continue
            }
            if member.key == "Auth", case .object(let auth) = member.value {
                // Of Auth, API keys, usage plans, authorizers and resource policies are
                // enforced; the rest is listed as not emulated (not resolved here).
                var keptAuth = JSONObject()
                let emulatedAuth = [
                    "ApiKeyRequired", "UsagePlan", "AddApiKeyRequiredToCorsPreflight", "Authorizers", "DefaultAuthorizer", "AddDefaultAuthorizerToCorsPreflight",
                    "ResourcePolicy",
                ]
                for part in auth {
                    guard emulatedAuth.contains(part.key) else {
                        notEmulated.append((tokens + ["Auth", part.key]).joined(separator: "/"))
                        continue
                    }
                    if let value = try intrinsics.resolve(part.value, at: tokens + ["Auth", part.key]) { keptAuth[part.key] = value }
                }
                kept["Auth"] = .object(keptAuth)
                continue
            }
            if let value = try intrinsics.resolve(member.value, at: tokens + [member.key]) { kept[member.key] = value }
        }
        return .object(kept)
    }

    /// The function's code directory: `CodeUri` (a local directory), `InlineCode` or
    /// `Code.ZipFile` (written as the runtime's index file), or a CDK asset. Nil for code in
    /// S3, which cannot be fetched: the function is left out (with a warning), and its routes
    /// answer 500 as AWS's do for a function that does not exist.
    mutating func codeDirectory(
        _ logicalId: String, properties: JSONValue, runtime: String, handler: String, metadata: JSONValue?, at tokens: [String]
    ) throws(TemplateError) -> String? {
        let inline = properties["InlineCode"]?.stringValue ?? properties["Code"]?["ZipFile"]?.stringValue
        if let inline {
            let module = handler.split(separator: ".").dropLast().joined(separator: ".")
            let fileName = (module.isEmpty ? "index" : module) + (runtime.hasPrefix("python") ? ".py" : runtime.hasPrefix("nodejs") ? ".js" : "")
            let directory = transform.generatedDirectory + "/inline/" + logicalId
            files[directory + "/" + fileName] = inline
            return directory
        }
        if let asset = metadata?["aws:asset:path"]?.stringValue {
            return FileSystem.absolute(asset.hasPrefix("/") ? asset : transform.baseDirectory + "/" + asset)
        }
        if case .string(let path)? = properties["Code"] {
            // A local path, as `aws cloudformation package` takes it.
            let directory = FileSystem.absolute(path.hasPrefix("/") ? path : transform.baseDirectory + "/" + path)
            guard FileSystem.isDirectory(directory) else {
                throw source.error(tokens + ["Code"], "\(logicalId): the code directory \(path) does not exist (\(directory))")
            }
            return directory
        }
        if case .string(let key)? = properties["Code"]?["S3Key"], let name = key.split(separator: "/").last.map(String.init),
            let zip = [transform.baseDirectory + "/" + name, transform.baseDirectory + "/.serverless/" + name].first(where: FileSystem.isFile)
        {
            // The Serverless Framework's package: the zip `serverless package` left beside the template.
            return try unpacked(zip, for: logicalId, at: tokens + ["Code"])
        }
        if properties["Code"] != nil {
            warnings.append(
                "\((tokens + ["Code"]).joined(separator: "/")): \(logicalId)'s code is in S3, which cannot be fetched locally: the function is left out and its routes answer 500 (use Code.ZipFile or a local asset directory)")
            return nil
        }
        guard let uri = properties["CodeUri"] else {
            throw source.error(tokens + ["CodeUri"], "\(logicalId) needs CodeUri (its code directory) or InlineCode")
        }
        guard case .string(let path) = uri, !path.hasPrefix("s3://") else {
            warnings.append(
                "\((tokens + ["CodeUri"]).joined(separator: "/")): \(logicalId)'s code is in S3, which cannot be fetched locally: the function is left out and its routes answer 500 (give CodeUri a local directory)")
            return nil
        }
        let directory = FileSystem.absolute(path.hasPrefix("/") ? path : transform.baseDirectory + "/" + path)
        guard FileSystem.isDirectory(directory) else {
            throw source.error(tokens + ["CodeUri"], "\(logicalId): the code directory \(path) does not exist (\(directory))")
        }
        return directory
    }

    mutating func addEvent(function logicalId: String, event: JSONValue, at tokens: [String]) throws(TemplateError) {
        let propertiesTokens = tokens + ["Properties"]
        let raw = event["Properties"] ?? .null
        var apiLogicalId = "ServerlessRestApi"
        if let reference = raw["RestApiId"] {
            if case .string(let name)? = reference["Ref"] {
                apiLogicalId = name
            } else if case .string(let name) = reference {
                apiLogicalId = name
            } else {
                throw source.error(propertiesTokens + ["RestApiId"], "RestApiId is a Ref to an AWS::Serverless::Api of the template")
            }
            guard apis[apiLogicalId] != nil || source.document["Resources"]?[apiLogicalId]?["Type"]?.stringValue == "AWS::Serverless::Api" else {
                throw source.error(
                    propertiesTokens + ["RestApiId"],
                    "Event with id [\(tokens.last ?? "")] is invalid. RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template."
                        + Suggestion.didYouMean(apiLogicalId, among: apiOrder))
            }
        }
        let event = tokens.last ?? ""
        // As the translator checks them: present, and plain strings (not intrinsic functions).
        guard let pathValue = raw["Path"] else {
            throw source.error(propertiesTokens + ["Path"], "Event with id [\(event)] is invalid. Property 'Path' is required.")
        }
        guard case .string(let path) = pathValue else {
            throw source.error(propertiesTokens + ["Path"], "Event with id [\(event)] is invalid. Property 'Path' should be a string.")
        }
        guard path.hasPrefix("/") else {
            throw source.error(propertiesTokens + ["Path"], "Event with id [\(event)] is invalid. Path must start with /.")
        }
        guard let methodValue = raw["Method"] else {
            throw source.error(propertiesTokens + ["Method"], "Event with id [\(event)] is invalid. Property 'Method' is required.")
        }
        guard case .string(let methodText) = methodValue else {
            throw source.error(propertiesTokens + ["Method"], "Event with id [\(event)] is invalid. Property 'Method' should be a string.")
        }
        let method = methodText.lowercased()
        guard ["get", "post", "put", "patch", "delete", "head", "options", "any"].contains(method) else {
            throw source.error(
                propertiesTokens + ["Method"],
                "Event with id [\(event)] is invalid. Method \(methodText) is none of get, post, put, patch, delete, head, options or any")
        }
        let name = (try intrinsics.resolve(.object(JSONObject.of(["Ref": .string(logicalId)])), at: tokens))?.stringValue ?? logicalId
        let apiKey = raw["Auth"]?["ApiKeyRequired"]?.boolValue
        if apis[apiLogicalId] == nil {
            // An explicit API declared later in the template: made now, its properties read when reached.
            let resource = source.document["Resources"]?[apiLogicalId] ?? .null
            apis[apiLogicalId] = APIBuild(
                logicalId: apiLogicalId, properties: SAMGlobals.merged(resource["Properties"] ?? .null, globals: source.document["Globals"]?["Api"]),
                implicit: false)
            apiOrder.append(apiLogicalId)
        }
        let requestModel = try raw["RequestModel"].flatMap { (model) throws(TemplateError) in try intrinsics.resolve(model, at: propertiesTokens + ["RequestModel"]) }
        let auth = try raw["Auth"].flatMap { (value) throws(TemplateError) in try intrinsics.resolve(value, at: propertiesTokens + ["Auth"]) }
        for key in auth?.objectValue?.keys ?? [] where !["ApiKeyRequired", "Authorizer", "AuthorizationScopes"].contains(key) {
            // An event's own ResourcePolicy, InvokeRole, …: said, never silently applied.
            notEmulated.append((propertiesTokens + ["Auth", key]).joined(separator: "/"))
        }
        apis[apiLogicalId]!.routes.append((path, method, name, apiKey, requestModel, auth, propertiesTokens))
    }
}
