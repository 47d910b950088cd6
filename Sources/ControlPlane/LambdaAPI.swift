import TextAndFiles
import APIGateway
import AWSSignature
import HTTPCore
import JSONCore
import LambdaRuntime
import MappingTemplates

/// Lambda's API (2015-03-31) over the control plane, as botocore's model defines it.
struct LambdaAPI: Sendable {
    let control: ControlPlane

    /// The largest Invoke payload Lambda accepts (6 MiB).
    static let maximumPayload = 6_291_456

    func respond(_ call: AWSCall) -> HTTPResponse {
        do {
            return try route(call)
        } catch {
            return call.failure(error)
        }
    }

    func route(_ call: AWSCall) throws(ControlError) -> HTTPResponse {
        // Every member against botocore's constraints and Lambda's rules, before anything changes.
        if let operation = call.operationName(in: AWSOperations.lambda, segments: call.segments) { try LambdaInput.validate(call, operation: operation) }
        let method = call.request.method.uppercased()
        let functions = ["2015-03-31", "functions"]
        switch method {
        case "POST" where call.matches(functions + ["{}", "invocations"]):
            return try invoke(call, function: call.segments[2])
        case "GET" where call.matches(functions):
            return call.answer(200, ["Functions": .array(control.lambda.functions.map(configuration))])
        case "GET" where call.matches(functions + ["{}"]):
            let function = try control.lambda.function(call.segments[2], qualifier: call.query["Qualifier"])
            return call.answer(200, [
                "Configuration": configuration(function),
                "Code": ["RepositoryType": "S3", "Location": .string("file://local/\(function.name)/\(function.configuration.handler)")],
            ])
        case "GET" where call.matches(functions + ["{}", "configuration"]):
            return call.answer(200, configuration(try control.lambda.function(call.segments[2], qualifier: call.query["Qualifier"])))
        case "PUT" where call.matches(functions + ["{}", "configuration"]):
            let body = try call.body()
            let environment = try self.environment(body)
            let updated = try control.lambda.updateFunction(
                call.segments[2], handler: body["Handler"]?.stringValue, environment: environment, memorySize: body["MemorySize"]?.numberValue?.intValue,
                timeout: body["Timeout"]?.numberValue?.doubleValue, description: body["Description"]?.stringValue)
            return call.answer(200, configuration(updated))
        case "POST" where call.matches(functions):
            return call.answer(201, configuration(try createFunction(try call.body())))
        case "PUT" where call.matches(functions + ["{}", "code"]):
            let body = try call.body()
            let package = try zipPackage(body, operation: "UpdateFunctionCode")
            if body["DryRun"]?.boolValue == true {
                return call.answer(200, configuration(try control.lambda.function(call.segments[2])))
            }
            let updated = try control.lambda.updateFunctionCode(call.segments[2], package: package, publish: body["Publish"]?.boolValue ?? false)
            return call.answer(200, configuration(updated))
        case "DELETE" where call.matches(functions + ["{}"]):
            try control.lambda.deleteFunction(call.segments[2], qualifier: call.query["Qualifier"])
            return call.empty(204)
        case "POST" where call.matches(functions + ["{}", "policy"]):
            let body = try call.body()
            guard case .string(let sid)? = body["StatementId"], case .string(let action)? = body["Action"], case .string(let principal)? = body["Principal"] else {
                throw .invalidParameter("StatementId, Action and Principal are required")
            }
            let statement = try control.lambda.addPermission(
                call.segments[2], qualifier: call.query["Qualifier"], statementId: sid, action: action, principal: principal,
                sourceArn: body["SourceArn"]?.stringValue, sourceAccount: body["SourceAccount"]?.stringValue,
                principalOrgId: body["PrincipalOrgID"]?.stringValue)
            return call.answer(201, ["Statement": .string(JSONWriter.compact.string(statement))])
        case "GET" where call.matches(functions + ["{}", "policy"]):
            let policy = try control.lambda.policy(call.segments[2], qualifier: call.query["Qualifier"])
            let text = JSONWriter.compact.string(policy)
            return call.answer(200, ["Policy": .string(text), "RevisionId": .string(ControlPlane.uuidText(SHA256.hash(text)))])
        case "DELETE" where call.matches(functions + ["{}", "policy", "{}"]):
            try control.lambda.removePermission(call.segments[2], qualifier: call.query["Qualifier"], statementId: call.segments[4])
            return call.empty(204)
        case "POST" where call.matches(functions + ["{}", "versions"]):
            let body = try call.body()
            return call.answer(201, configuration(try control.lambda.publishVersion(call.segments[2], description: body["Description"]?.stringValue)))
        case "GET" where call.matches(functions + ["{}", "versions"]):
            return call.answer(200, ["Versions": .array(try control.lambda.versions(call.segments[2]).map(configuration))])
        case "POST" where call.matches(functions + ["{}", "aliases"]):
            let body = try call.body()
            guard case .string(let name)? = body["Name"], case .string(let version)? = body["FunctionVersion"] else {
                throw .invalidParameter("Name and FunctionVersion are required")
            }
            let alias = try control.lambda.createAlias(
                name, of: call.segments[2], version: version, routing: try routing(body), description: body["Description"]?.stringValue ?? "")
            return call.answer(201, aliasJSON(alias))
        case "GET" where call.matches(functions + ["{}", "aliases"]):
            let aliases = try control.lambda.aliases(call.segments[2]).filter { alias in call.query["FunctionVersion"].map { alias.target.version == $0 } ?? true }
            return call.answer(200, ["Aliases": .array(aliases.map(aliasJSON))])
        case "GET" where call.matches(functions + ["{}", "aliases", "{}"]):
            return call.answer(200, aliasJSON(try control.lambda.alias(call.segments[4], of: call.segments[2])))
        case "PUT" where call.matches(functions + ["{}", "aliases", "{}"]):
            let body = try call.body()
            let routingChange: (version: String, weight: Double)?? = body["RoutingConfig"] == nil ? nil : .some(try routing(body))
            let alias = try control.lambda.updateAlias(
                call.segments[4], of: call.segments[2], version: body["FunctionVersion"]?.stringValue, routing: routingChange,
                description: body["Description"]?.stringValue)
            return call.answer(200, aliasJSON(alias))
        case "DELETE" where call.matches(functions + ["{}", "aliases", "{}"]):
            try control.lambda.deleteAlias(call.segments[4], of: call.segments[2])
            return call.empty(204)
        case "PUT" where call.matches(["2017-10-31", "functions", "{}", "concurrency"]):
            guard let value = try call.body()["ReservedConcurrentExecutions"]?.numberValue?.intValue, value >= 0 else {
                throw .invalidParameter("ReservedConcurrentExecutions is a whole number from 0")
            }
            try control.lambda.putFunctionConcurrency(call.segments[2], value)
            return call.answer(200, ["ReservedConcurrentExecutions": .number(JSONNumber(value))])
        case "GET" where call.matches(["2019-09-30", "functions", "{}", "concurrency"]):
            let value = try control.lambda.functionConcurrency(call.segments[2])
            return call.answer(200, value.map { ["ReservedConcurrentExecutions": .number(JSONNumber($0))] } ?? [:])
        case "DELETE" where call.matches(["2017-10-31", "functions", "{}", "concurrency"]):
            try control.lambda.putFunctionConcurrency(call.segments[2], nil)
            return call.empty(204)
        default:
            if let operation = call.operationName(in: AWSOperations.lambda, segments: call.segments) { throw call.unsupported(operation) }
            throw call.unknown()
        }
    }

    /// CreateFunction's request: a zip package for a runtime that runs here.
    func createFunction(_ body: JSONValue) throws(ControlError) -> FunctionDescription {
        guard case .string(let name)? = body["FunctionName"] else { throw .invalidParameter("FunctionName is required") }
        if let type = body["PackageType"]?.stringValue, type != "Zip" {
            throw .invalidParameter("PackageType \(type): container images are not run by this local gateway; send a zip package (PackageType Zip)")
        }
        guard case .string(let runtime)? = body["Runtime"], case .string(let handler)? = body["Handler"] else {
            throw .invalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
        }
        let package = try zipPackage(body["Code"] ?? .null, operation: "CreateFunction")
        var configuration = FunctionConfiguration(
            handler: handler, environment: try environment(body) ?? [:], memorySize: body["MemorySize"]?.numberValue?.intValue ?? 128,
            timeout: body["Timeout"]?.numberValue?.doubleValue ?? 3, description: body["Description"]?.stringValue ?? "", runtime: runtime)
        configuration.code = nil
        return try control.lambda.createFunction(name, configuration: configuration, package: package, publish: body["Publish"]?.boolValue ?? false)
    }

    /// The zip package of a `Code` member (CreateFunction) or request (UpdateFunctionCode):
    /// `ZipFile`, base64. A package in S3 or an image cannot be fetched here: the error says
    /// how to send the package instead.
    func zipPackage(_ code: JSONValue, operation: String) throws(ControlError) -> [UInt8] {
        if case .string(let text)? = code["ZipFile"] {
            guard let bytes = Base64.decode(text) else { throw .invalidParameter("ZipFile is not valid base64") }
            return bytes
        }
        if code["S3Bucket"] != nil || code["S3Key"] != nil {
            throw .invalidParameter(
                "\(operation): code in S3 (S3Bucket, S3Key) cannot be fetched by this local gateway; send the zip itself as ZipFile "
                    + "(aws lambda \(operation == "CreateFunction" ? "create-function" : "update-function-code") --zip-file fileb://function.zip)")
        }
        if code["ImageUri"] != nil { throw .invalidParameter("\(operation): container images (ImageUri) are not run by this local gateway; send a zip as ZipFile") }
        throw .invalidParameter("Please provide a source for function code.")
    }

    /// `Environment.Variables` of a request: nil when the member is absent, empty when it is
    /// present without variables.
    func environment(_ body: JSONValue) throws(ControlError) -> [String: String]? {
        guard let member = body["Environment"] else { return nil }
        var environment: [String: String] = [:]
        for variable in member["Variables"]?.objectValue ?? JSONObject() {
            guard case .string(let value) = variable.value else { throw .invalidParameter("Environment variable values must be strings") }
            environment[variable.key] = value
        }
        return environment
    }

    /// `RoutingConfig.AdditionalVersionWeights`: at most one version.
    func routing(_ body: JSONValue) throws(ControlError) -> (version: String, weight: Double)? {
        guard let weights = body["RoutingConfig"]?["AdditionalVersionWeights"]?.objectValue, !weights.isEmpty else { return nil }
        guard weights.count == 1, let member = weights.members.first else {
            throw .invalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1")
        }
        guard let weight = member.value.numberValue?.doubleValue else { throw .invalidParameter("Weights must be numbers") }
        return (member.key, weight)
    }

    func invoke(_ call: AWSCall, function: String) throws(ControlError) -> HTTPResponse {
        if call.request.body.count > LambdaAPI.maximumPayload {
            throw ControlError(
                status: 413, type: "RequestEntityTooLargeException",
                message: "Request must be smaller than \(LambdaAPI.maximumPayload) bytes for the InvokeFunction operation")
        }
        let type = call.request.headers["X-Amz-Invocation-Type"] ?? "RequestResponse"
        let tail = call.request.headers["X-Amz-Log-Type"]?.lowercased() == "tail"
        let outcome = try control.lambda.invoke(
            function, qualifier: call.query["Qualifier"], payload: call.request.body, invocationType: type, collectLogs: tail)
        var response = outcome.status == 200 ? call.answer(200, .null) : call.empty(outcome.status)
        response.body = outcome.payload
        response.headers.add("X-Amz-Executed-Version", outcome.executedVersion)
        if let error = outcome.functionError { response.headers.add("X-Amz-Function-Error", error) }
        if tail && outcome.status == 200 {
            // The last 4 KB of the log, base64.
            let text = Array((outcome.logLines.joined(separator: "\n") + "\n").utf8)
            response.headers.add("X-Amz-Log-Result", Base64.encode(Array(text.suffix(4096))))
        }
        return response
    }

    /// The digest of a function's code: a published version's, recorded when it was published,
    /// or the code directory's as it is now (`$LATEST`), so that a version published from
    /// unchanged code has the same `CodeSha256` as `$LATEST`. Nil for a built-in handler.
    func codeSha256(_ configuration: FunctionConfiguration) -> String? {
        configuration.package?.sha256 ?? configuration.codeSha256 ?? (configuration.runtime != nil ? control.lambda.service.codeRunner?.fingerprint(configuration) : nil)
    }

    /// Lambda's `FunctionConfiguration` shape.
    func configuration(_ function: FunctionDescription) -> JSONValue {
        let configuration = function.configuration
        let digest = LambdaControl.digest(configuration)
        let revision = LambdaControl.digest(configuration, extra: function.version + String(function.lastModified))
        return [
            "FunctionName": .string(function.name), "FunctionArn": .string(function.arn), "Runtime": .string(configuration.runtime ?? "provided.al2023"),
            "Role": .string("arn:aws:iam::\(control.configuration.accountId):role/lambda-role"), "Handler": .string(configuration.handler),
            "CodeSize": .number(JSONNumber(configuration.package?.size ?? 0)), "Description": .string(configuration.description), "Timeout": .number(JSONNumber(Int(configuration.timeout.rounded(.up)))),
            "MemorySize": .number(JSONNumber(configuration.memorySize)), "LastModified": .string(UTCCalendar.lambdaTimestamp(function.lastModified)),
            "CodeSha256": .string(codeSha256(configuration) ?? Base64.encode(digest)), "Version": .string(function.version),
            "Environment": ["Variables": .strings(configuration.environment.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })],
            "TracingConfig": ["Mode": "PassThrough"], "RevisionId": .string(ControlPlane.uuidText(revision)), "State": "Active",
            "LastUpdateStatus": "Successful", "PackageType": "Zip", "Architectures": ["x86_64"], "EphemeralStorage": ["Size": 512],
            "LoggingConfig": ["LogFormat": "Text", "LogGroup": .string("/aws/lambda/\(function.name)")],
        ]
    }

    /// Lambda's `AliasConfiguration` shape.
    func aliasJSON(_ alias: AliasDescription) -> JSONValue {
        var object = JSONObject.of([
            "AliasArn": .string(alias.arn), "Name": .string(alias.name), "FunctionVersion": .string(alias.target.version),
            "Description": .string(alias.description),
            "RevisionId": .string(ControlPlane.uuidText(SHA256.hash(alias.arn + alias.target.version + String(alias.target.additionalVersion?.weight ?? 0)))),
        ])
        if let extra = alias.target.additionalVersion {
            object["RoutingConfig"] = ["AdditionalVersionWeights": [extra.version: .number(JSONNumber(extra.weight) ?? JSONNumber(0))]]
        }
        return .object(object)
    }
}

extension ControlPlane {
    /// Whether path segments fit a pattern (`{}` one segment, `{+}` the rest).
    static func matches(_ segments: [String], _ pattern: [String]) -> Bool {
        if pattern.last == "{+}" {
            guard segments.count >= pattern.count else { return false }
            return zip(segments, pattern.dropLast()).allSatisfy { $1 == "{}" || $0 == $1 }
        }
        guard segments.count == pattern.count else { return false }
        return zip(segments, pattern).allSatisfy { $1 == "{}" || $0 == $1 }
    }

    /// A UUID-shaped text from digest bytes (revision ids).
    static func uuidText(_ bytes: [UInt8]) -> String {
        let hex = Hex.encode(Array(bytes.prefix(16)))
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16]) + "-" + String(characters[16..<20]) + "-"
            + String(characters[20..<32])
    }
}
