import APIGateway
import APIModel
import JSONCore
import LambdaRuntime
import TextAndFiles
import YAMLCore

/// What `gateway export --format` writes besides OpenAPI: the deployed project as a template.
public enum TemplateExportFormat: String, Sendable, CaseIterable {
    /// Plain CloudFormation (`aws cloudformation package` uploads the local `Code` paths).
    case cloudformation
    /// AWS SAM (`sam deploy` uploads the local `CodeUri`s).
    case sam
}

extension ControlPlane {
    /// The project as deployed, as a template to deploy to AWS and to serve here with
    /// `gateway serve --template`: one `AWS::ApiGateway::RestApi` per definition (its body the
    /// stage's export with the integration extensions, function ARNs made `Fn::Sub`s of the
    /// template's functions), a `Deployment` and a `Stage` per stage (variables, cache, method
    /// throttles), functions run from a code directory with their local code path, versions and
    /// aliases, usage plans and API keys (without their values). A built-in handler has no code
    /// to export: it is left out, and named in `Metadata`.
    public func exportTemplate(_ format: TemplateExportFormat, relativeTo directory: String) throws(ControlError) -> JSONValue {
        var resources = JSONObject()
        var notExported: [JSONValue] = []
        let stages = committer.read { model in model.stages.values.sorted { $0.base.name < $1.base.name } }
        // Functions first: the APIs' integration URIs refer to them.
        var functionIds: [String: String] = [:]
        let catalog = lambda.service.catalog()
        for (name, function) in catalog.functions.sorted(by: { $0.key < $1.key }) {
            let latest = function.latest
            guard let runtime = latest.runtime, let code = latest.code else {
                notExported.append(.string("\(name): a built-in handler of this gateway, not code in a directory"))
                continue
            }
            let id = ControlPlane.logicalId(name)
            functionIds[name] = id
            var properties = JSONObject.of([
                "FunctionName": .string(name), "Runtime": .string(runtime), "Handler": .string(latest.handler),
                "Timeout": .number(JSONNumber(Int(latest.timeout.rounded(.up)))), "MemorySize": .number(JSONNumber(latest.memorySize)),
            ])
            if !latest.environment.isEmpty {
                properties["Environment"] = ["Variables": .strings(latest.environment.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })]
            }
            let path = ControlPlane.relativePath(code, from: directory)
            switch format {
            case .sam:
                properties["CodeUri"] = .string(path)
                resources[id] = ["Type": "AWS::Serverless::Function", "Properties": .object(properties)]
            case .cloudformation:
                properties["Code"] = .string(path)
                properties["Role"] = ["Fn::GetAtt": [.string(id + "Role"), "Arn"]]
                resources[id] = ["Type": "AWS::Lambda::Function", "Properties": .object(properties)]
                resources[id + "Role"] = [
                    "Type": "AWS::IAM::Role",
                    "Properties": [
                        "AssumeRolePolicyDocument": [
                            "Version": "2012-10-17",
                            "Statement": [["Effect": "Allow", "Principal": ["Service": ["lambda.amazonaws.com"]], "Action": ["sts:AssumeRole"]]],
                        ],
                        "ManagedPolicyArns": [.string("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")],
                    ],
                ]
            }
            for number in function.versions.keys.sorted() {
                resources[id + "Version\(number)"] = ["Type": "AWS::Lambda::Version", "Properties": ["FunctionName": ["Ref": .string(id)]]]
            }
            for alias in function.aliases.keys.sorted() {
                let target = function.aliases[alias]!
                let version: JSONValue = target.version == "$LATEST" ? "$LATEST" : ["Fn::GetAtt": [.string(id + "Version" + target.version), "Version"]]
                resources[id + "Alias" + ControlPlane.logicalId(alias)] = [
                    "Type": "AWS::Lambda::Alias", "Properties": ["FunctionName": ["Ref": .string(id)], "FunctionVersion": version, "Name": .string(alias)],
                ]
            }
            resources[id + "ApiPermission"] = [
                "Type": "AWS::Lambda::Permission",
                "Properties": [
                    "Action": "lambda:InvokeFunction", "FunctionName": ["Ref": .string(id)], "Principal": "apigateway.amazonaws.com",
                    "SourceArn": ["Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*"],
                ],
            ]
        }
        // One RestApi per definition, a Stage per stage.
        var apiOfDefinition: [String: String] = [:]
        var stageIds: [String: (api: String, stage: String)] = [:]
        for stage in stages {
            let definition = stage.deployment.definition.isEmpty ? stage.base.definition : stage.deployment.definition
            let apiId: String
            if let known = apiOfDefinition[definition] {
                apiId = known
            } else {
                apiId = ControlPlane.logicalId(DocumentText.stem(String(definition.split(separator: "/").last ?? ""))) + "Api"
                apiOfDefinition[definition] = apiId
                var body = try apiGateway.export(stage: stage.base.name, format: .oas30, extensions: true)
                if case .object(var object) = body {
                    object["servers"] = nil
                    body = .object(object)
                }
                resources[apiId] = [
                    "Type": "AWS::ApiGateway::RestApi",
                    "Properties": ["Name": .string(body["info"]?["title"]?.stringValue ?? apiId), "Body": ControlPlane.functionReferences(body, functionIds: functionIds)],
                ]
                resources[apiId + "Deployment"] = ["Type": "AWS::ApiGateway::Deployment", "Properties": ["RestApiId": ["Ref": .string(apiId)]]]
            }
            let effective = stage.effective
            let stageId = apiId + ControlPlane.logicalId(effective.name) + "Stage"
            stageIds[effective.name] = (apiId, stageId)
            var properties = JSONObject.of([
                "RestApiId": ["Ref": .string(apiId)], "DeploymentId": ["Ref": .string(apiId + "Deployment")], "StageName": .string(effective.name),
            ])
            if !effective.description.isEmpty { properties["Description"] = .string(effective.description) }
            if !effective.variables.isEmpty { properties["Variables"] = .strings(effective.variables) }
            if effective.cache.enabled {
                properties["CacheClusterEnabled"] = true
                let size = effective.cache.clusterSizeGB
                properties["CacheClusterSize"] = .string(size == size.rounded() ? String(Int(size)) : String(size))
            }
            var settings: [JSONValue] = []
            if effective.throttle != .accountDefault {
                settings.append([
                    "ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": .number(JSONNumber(effective.throttle.rateLimit) ?? JSONNumber(0)),
                    "ThrottlingBurstLimit": .number(JSONNumber(effective.throttle.burstLimit)),
                ])
            }
            for (key, setting) in effective.methodSettings.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "/", omittingEmptySubsequences: false)
                guard let method = parts.last else { continue }
                let resource = "/" + parts.dropLast().joined(separator: "/")
                var entry = JSONObject.of(["ResourcePath": .string(resource == "/*" ? "/*" : resource.replacingAll("/", with: "~1")), "HttpMethod": .string(String(method))])
                if let throttle = setting.throttle {
                    entry["ThrottlingRateLimit"] = .number(JSONNumber(throttle.rateLimit) ?? JSONNumber(0))
                    entry["ThrottlingBurstLimit"] = .number(JSONNumber(throttle.burstLimit))
                }
                if let caching = setting.cachingEnabled { entry["CachingEnabled"] = .bool(caching) }
                if let ttl = setting.ttlInSeconds { entry["CacheTtlInSeconds"] = .number(JSONNumber(ttl)) }
                settings.append(.object(entry))
            }
            if !settings.isEmpty { properties["MethodSettings"] = .array(settings) }
            resources[stageId] = ["Type": "AWS::ApiGateway::Stage", "Properties": .object(properties)]
        }
        // Usage plans and keys (values stay here: AWS makes its own, or import them).
        for plan in configuration.usagePlans {
            let planId = ControlPlane.logicalId(plan.name) + "UsagePlan"
            var properties = JSONObject.of([
                "UsagePlanName": .string(plan.name),
                "ApiStages": .array(plan.stages.compactMap { name in
                    stageIds[name].map { ["ApiId": ["Ref": .string($0.api)], "Stage": ["Ref": .string($0.stage)]] }
                }),
            ])
            if let quota = plan.quota { properties["Quota"] = ["Limit": .number(JSONNumber(quota.limit)), "Period": .string(quota.period.rawValue)] }
            if let throttle = plan.throttle {
                properties["Throttle"] = ["RateLimit": .number(JSONNumber(throttle.rateLimit) ?? JSONNumber(0)), "BurstLimit": .number(JSONNumber(throttle.burstLimit))]
            }
            resources[planId] = ["Type": "AWS::ApiGateway::UsagePlan", "DependsOn": .array(plan.stages.compactMap { stageIds[$0].map { .string($0.stage) } }), "Properties": .object(properties)]
        }
        for key in apiGateway.apiKeys {
            let keyId = ControlPlane.logicalId(key.name) + "ApiKey"
            resources[keyId] = ["Type": "AWS::ApiGateway::ApiKey", "Properties": ["Name": .string(key.name), "Enabled": .bool(key.enabled)]]
            for plan in key.usagePlans {
                resources[keyId + ControlPlane.logicalId(plan) + "UsagePlanKey"] = [
                    "Type": "AWS::ApiGateway::UsagePlanKey",
                    "Properties": ["KeyId": ["Ref": .string(keyId)], "KeyType": "API_KEY", "UsagePlanId": ["Ref": .string(ControlPlane.logicalId(plan) + "UsagePlan")]],
                ]
            }
        }
        var template = JSONObject.of([
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": .string("\(configuration.apiId): exported by gateway export --format \(format.rawValue)"),
        ])
        if format == .sam { template["Transform"] = "AWS::Serverless-2016-10-31" }
        if !notExported.isEmpty { template["Metadata"] = ["NotExported": .array(notExported)] }
        template["Resources"] = .object(resources)
        return .object(template)
    }

    /// A CloudFormation logical id from a name: letters and digits only, starting upper-case.
    static func logicalId(_ name: String) -> String {
        let kept = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard let first = kept.first else { return "X" }
        return first.uppercased() + kept.dropFirst()
    }

    /// `path` relative to `directory` (`./functions/hello`, `../code`), so that the template
    /// works wherever the project is checked out; both are absolute.
    static func relativePath(_ path: String, from directory: String) -> String {
        let target = path.split(separator: "/")
        let base = directory.split(separator: "/")
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let up = Array(repeating: "..", count: base.count - common)
        let rest = target[common...].map(String.init)
        return up.isEmpty ? "./" + rest.joined(separator: "/") : (up + rest).joined(separator: "/")
    }

    /// The body with each Lambda integration URI naming an exported function made a `Fn::Sub`
    /// of its logical id (and of the region and account), so that it calls the function AWS
    /// deploys; `${...}` that is not the template's (stage variables) is escaped as `${!...}`.
    /// An authorizer's `authorizerUri` is made one the same way.
    static func functionReferences(_ body: JSONValue, functionIds: [String: String]) -> JSONValue {
        switch body {
        case .object(var object):
            for member in ["uri", "authorizerUri"] {
                guard case .string(let uri)? = object[member], object["type"] != nil,
                    let match = uri.firstMatch(of: /^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:[^:]+:[0-9]+:function:([A-Za-z0-9_-]+)(:[^\/]+)?\/invocations$/),
                    let id = functionIds[String(match.1)]
                else { continue }
                let qualifier = match.2.map { String($0).replacingAll("${", with: "${!") } ?? ""
                object[member] = [
                    "Fn::Sub": .string("arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${\(id)}\(qualifier)/invocations")
                ]
            }
            var result = JSONObject()
            for member in object { result[member.key] = functionReferences(member.value, functionIds: functionIds) }
            return .object(result)
        case .array(let elements):
            return .array(elements.map { functionReferences($0, functionIds: functionIds) })
        default:
            return body
        }
    }
}
