import APIGateway
import APIModel
import HTTPCore
import JSONCore

/// API Gateway's API (2015-07-09) over the control plane, as botocore's model defines it.
struct APIGatewayAPI: Sendable {
    let control: ControlPlane

    func respond(_ call: AWSCall) -> HTTPResponse {
        do {
            return try route(call)
        } catch {
            return call.failure(error)
        }
    }

    func route(_ call: AWSCall) throws(ControlError) -> HTTPResponse {
        let method = call.request.method.uppercased()
        let segments = call.segments
        // Operations on the REST API name it by id: an unknown id is 404 for all of them.
        if segments.first == "restapis", segments.count >= 2, segments[1] != control.configuration.apiId {
            throw .notFound("Invalid API identifier specified \(control.configuration.accountId):\(segments[1])")
        }
        switch method {
        case "GET" where call.matches(["restapis"]):
            return call.answer(200, ["item": [restAPI()]])
        case "GET" where call.matches(["restapis", "{}"]):
            return call.answer(200, restAPI())
        case "GET" where call.matches(["restapis", "{}", "resources"]):
            return call.answer(200, ["item": .array(control.apiGateway.resources.map(resourceJSON))])
        case "GET" where call.matches(["restapis", "{}", "resources", "{}"]):
            guard let resource = control.apiGateway.resources.first(where: { $0.id == segments[3] }) else { throw .notFound("Invalid Resource identifier specified") }
            return call.answer(200, resourceJSON(resource))
        case "GET" where call.matches(["restapis", "{}", "stages"]):
            return call.answer(200, ["item": .array(control.apiGateway.stages.map(stageJSON))])
        case "GET" where call.matches(["restapis", "{}", "stages", "{}"]):
            return call.answer(200, stageJSON(try control.apiGateway.stage(segments[3])))
        case "PATCH" where call.matches(["restapis", "{}", "stages", "{}"]):
            return call.answer(200, stageJSON(try control.apiGateway.updateStage(segments[3], operations: try patchOperations(call))))
        case "GET" where call.matches(["restapis", "{}", "stages", "{}", "exports", "{}"]):
            return try getExport(call, stage: segments[3], type: segments[5])
        case "DELETE" where call.matches(["restapis", "{}", "stages", "{}", "cache", "data"]):
            try control.apiGateway.flushStageCache(segments[3])
            return call.empty(202)
        case "DELETE" where call.matches(["restapis", "{}", "stages", "{}", "cache", "authorizers"]):
            try control.apiGateway.flushAuthorizersCache(segments[3])
            return call.empty(202)
        case "GET" where call.matches(["restapis", "{}", "authorizers"]):
            return call.answer(200, ["item": .array(control.apiGateway.authorizers.map(authorizerJSON))])
        case "GET" where call.matches(["restapis", "{}", "authorizers", "{}"]):
            guard let authorizer = control.apiGateway.authorizers.first(where: { APIGatewayControl.authorizerId($0.name) == segments[3] }) else {
                throw .notFound("Invalid Authorizer identifier specified")
            }
            return call.answer(200, authorizerJSON(authorizer))
        case "POST" where call.matches(["restapis", "{}", "deployments"]):
            let body = try call.body()
            let made = try control.apiGateway.createDeployment(stage: body["stageName"]?.stringValue, description: body["description"]?.stringValue ?? "")
            return call.answer(201, ["id": .string(made.id), "description": .string(body["description"]?.stringValue ?? ""), "createdDate": .date(made.createdDate)])
        case "GET" where call.matches(["restapis", "{}", "deployments"]):
            return call.answer(200, [
                "item": .array(control.apiGateway.deployments.reversed().map { ["id": .string($0.id), "description": .string($0.description), "createdDate": .date($0.createdDate)] })
            ])
        case "POST" where call.matches(["restapis", "{}", "resources", "{}", "methods", "{}"]):
            return call.answer(200, try testInvoke(call, resourceId: segments[3], httpMethod: segments[5]))
        case "GET" where call.matches(["apikeys"]):
            let includeValues = call.query["includeValues"] == "true"
            // `name` is the prefix filter (nameQuery in the SDKs): case-sensitive, as on AWS.
            let keys = control.apiGateway.apiKeys.filter { key in call.query["name"].map { key.name.hasPrefix($0) } ?? true }
            return call.answer(200, ["item": .array(keys.map { keyJSON($0, value: includeValues) })])
        case "GET" where call.matches(["apikeys", "{}"]):
            return call.answer(200, keyJSON(try control.apiGateway.apiKey(id: segments[1]), value: call.query["includeValue"] == "true"))
        case "POST" where call.matches(["apikeys"]) && call.query["mode"] != "import":
            let body = try call.body()
            let key = try control.apiGateway.createAPIKey(
                name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue ?? "", enabled: body["enabled"]?.boolValue ?? false,
                value: body["value"]?.stringValue)
            return call.answer(201, keyJSON(key, value: true))
        case "PATCH" where call.matches(["apikeys", "{}"]):
            return call.answer(200, keyJSON(try control.apiGateway.updateAPIKey(id: segments[1], operations: try patchOperations(call)), value: false))
        case "DELETE" where call.matches(["apikeys", "{}"]):
            try control.apiGateway.deleteAPIKey(id: segments[1])
            return call.empty(202)
        case "GET" where call.matches(["usageplans"]):
            let keyFilter = call.query["keyId"]
            let plans = control.apiGateway.usagePlans.filter { plan in
                guard let keyFilter else { return true }
                return control.apiGateway.apiKeys.contains { $0.id == keyFilter && $0.usagePlans.contains(plan.definition.name) }
            }
            return call.answer(200, ["item": .array(plans.map(planJSON))])
        case "GET" where call.matches(["usageplans", "{}"]):
            let plan = try control.apiGateway.plan(id: segments[1])
            return call.answer(200, planJSON((APIGatewayControl.planId(plan.name), plan)))
        case "GET" where call.matches(["usageplans", "{}", "keys"]):
            return call.answer(200, ["item": .array(try control.apiGateway.usagePlanKeys(planId: segments[1]).map(planKeyJSON))])
        case "POST" where call.matches(["usageplans", "{}", "keys"]):
            let body = try call.body()
            guard case .string(let keyId)? = body["keyId"] else { throw .badRequest("keyId is required") }
            if let type = body["keyType"]?.stringValue, type != "API_KEY" { throw .badRequest("Invalid key type specified: \(type)") }
            return call.answer(201, planKeyJSON(try control.apiGateway.addKey(id: keyId, toPlan: segments[1])))
        case "DELETE" where call.matches(["usageplans", "{}", "keys", "{}"]):
            try control.apiGateway.removeKey(id: segments[3], fromPlan: segments[1])
            return call.empty(202)
        case "GET" where call.matches(["usageplans", "{}", "usage"]):
            guard let start = call.query["startDate"], let end = call.query["endDate"] else {
                throw .badRequest("startDate and endDate are required")
            }
            let report = try control.apiGateway.usage(planId: segments[1], startDate: start, endDate: end, keyId: call.query["keyId"])
            var items = JSONObject()
            for (key, rows) in report.items.sorted(by: { $0.key < $1.key }) {
                items[key] = .array(rows.map { .array($0.map { .number(JSONNumber($0)) }) })
            }
            return call.answer(200, [
                "usagePlanId": .string(report.planId), "startDate": .string(report.startDate), "endDate": .string(report.endDate), "values": .object(items),
            ])
        default:
            if let operation = call.operationName(in: AWSOperations.apigateway, segments: segments) { throw call.unsupported(operation) }
            throw call.unknown()
        }
    }

    func patchOperations(_ call: AWSCall) throws(ControlError) -> [PatchOperation] {
        let body = try call.body()
        var operations: [PatchOperation] = []
        let entries: [JSONValue]
        switch body["patchOperations"] {
        case nil, .null?: entries = []
        case .array(let list)?: entries = list
        case let other?: throw .badRequest("Invalid patch operations specified: patchOperations must be a list, found \(other.typeName)")
        }
        for entry in entries {
            guard case .string(let op)? = entry["op"], case .string(let path)? = entry["path"] else {
                throw .badRequest("Invalid patch operation specified: op and path are required")
            }
            let value: String?
            switch entry["value"] {
            case .string(let text)?: value = text
            case .none, .null?: value = nil
            case let other?: value = JSONWriter.compact.string(other)
            }
            operations.append(PatchOperation(op: op, path: path, value: value))
        }
        return operations
    }

    func restAPI() -> JSONValue {
        let api = control.apiGateway.restAPI
        return [
            "id": .string(api.id), "name": .string(api.name), "description": .string(api.description), "createdDate": .date(api.createdDate),
            "apiKeySource": "HEADER", "endpointConfiguration": ["types": ["EDGE"]], "disableExecuteApiEndpoint": false,
            "rootResourceId": .string(APIGatewayControl.resourceId("/")),
        ]
    }

    /// An authorizer as GetAuthorizer describes it (no `authorizerResultTtlInSeconds` when the
    /// definition sets none, as AWS answers).
    func authorizerJSON(_ authorizer: AuthorizerDefinition) -> JSONValue {
        var object = JSONObject.of([
            "id": .string(APIGatewayControl.authorizerId(authorizer.name)), "name": .string(authorizer.name), "type": .string(authorizer.kind.rawValue),
        ])
        if !authorizer.uri.isEmpty { object["authorizerUri"] = .string(authorizer.uri) }
        if !authorizer.providerARNs.isEmpty { object["providerARNs"] = .array(authorizer.providerARNs.map(JSONValue.string)) }
        if !authorizer.identitySource.isEmpty { object["identitySource"] = .string(authorizer.identitySource.joined(separator: ", ")) }
        if let expression = authorizer.identityValidationExpression { object["identityValidationExpression"] = .string(expression) }
        if let ttl = authorizer.resultTTL { object["authorizerResultTtlInSeconds"] = .number(JSONNumber(ttl)) }
        if let authType = authorizer.authType { object["authType"] = .string(authType) }
        return .object(object)
    }

    func resourceJSON(_ resource: (id: String, parentId: String?, pathPart: String, path: String, methods: [String])) -> JSONValue {
        var object = JSONObject.of(["id": .string(resource.id), "path": .string(resource.path)])
        if let parent = resource.parentId {
            object["parentId"] = .string(parent)
            object["pathPart"] = .string(resource.pathPart)
        }
        if !resource.methods.isEmpty {
            var methods = JSONObject()
            for method in resource.methods { methods[method] = ["httpMethod": .string(method)] }
            object["resourceMethods"] = .object(methods)
        }
        return .object(object)
    }

    func stageJSON(_ stage: ControlPlane.StageDescription) -> JSONValue {
        var settings = JSONObject()
        for (key, setting) in stage.methodSettings.sorted(by: { $0.key < $1.key }) {
            let throttle = setting.throttle ?? stage.throttle
            settings[key] = [
                "metricsEnabled": false, "loggingLevel": "OFF", "dataTraceEnabled": false,
                "throttlingBurstLimit": .number(JSONNumber(throttle.burstLimit)), "throttlingRateLimit": .number(JSONNumber(throttle.rateLimit) ?? JSONNumber(0)),
                "cachingEnabled": .bool(setting.cachingEnabled ?? false), "cacheTtlInSeconds": .number(JSONNumber(setting.ttlInSeconds ?? stage.cache.ttlInSeconds)),
                "cacheDataEncrypted": .bool(stage.cache.dataEncrypted), "requireAuthorizationForCacheControl": .bool(stage.cache.requireAuthorizationForCacheControl),
                "unauthorizedCacheControlHeaderStrategy": .string(stage.cache.unauthorizedCacheControlHeaderStrategy.rawValue),
            ]
        }
        let size = stage.cache.clusterSizeGB
        return [
            "deploymentId": .string(stage.deploymentId), "stageName": .string(stage.name), "description": .string(stage.description),
            "cacheClusterEnabled": .bool(stage.cache.enabled), "cacheClusterSize": .string(size == size.rounded() ? String(Int(size)) : String(size)),
            "cacheClusterStatus": .string(stage.cache.enabled ? "AVAILABLE" : "NOT_AVAILABLE"), "methodSettings": .object(settings),
            "variables": .strings(stage.variables), "tracingEnabled": false, "createdDate": .date(stage.createdDate),
            "lastUpdatedDate": .date(stage.lastUpdatedDate),
        ]
    }

    func keyJSON(_ key: APIKeyRecord, value: Bool) -> JSONValue {
        let stageKeys = key.usagePlans.compactMap { name in control.configuration.usagePlans.first { $0.name == name } }.flatMap(\.stages).map {
            JSONValue.string(control.configuration.apiId + "/" + $0)
        }
        var object = JSONObject.of([
            "id": .string(key.id), "name": .string(key.name), "description": .string(key.description), "enabled": .bool(key.enabled),
            "createdDate": .date(key.createdDate), "lastUpdatedDate": .date(key.lastUpdatedDate), "stageKeys": .array(stageKeys),
        ])
        if value { object["value"] = .string(key.value) }
        return .object(object)
    }

    func planKeyJSON(_ key: APIKeyRecord) -> JSONValue {
        ["id": .string(key.id), "type": "API_KEY", "value": .string(key.value), "name": .string(key.name)]
    }

    func planJSON(_ plan: (id: String, definition: UsagePlanDefinition)) -> JSONValue {
        let definition = plan.definition
        var stages: [JSONValue] = []
        for stage in definition.stages {
            var entry = JSONObject.of(["apiId": .string(control.configuration.apiId), "stage": .string(stage)])
            if !definition.methodThrottles.isEmpty {
                var throttles = JSONObject()
                for (key, throttle) in definition.methodThrottles.sorted(by: { $0.key < $1.key }) { throttles[key] = throttleJSON(throttle) }
                entry["throttle"] = .object(throttles)
            }
            stages.append(.object(entry))
        }
        var object = JSONObject.of(["id": .string(plan.id), "name": .string(definition.name), "description": "", "apiStages": .array(stages)])
        if let throttle = definition.throttle { object["throttle"] = throttleJSON(throttle) }
        if let quota = definition.quota {
            object["quota"] = ["limit": .number(JSONNumber(quota.limit)), "offset": 0, "period": .string(quota.period.rawValue)]
        }
        return .object(object)
    }

    func throttleJSON(_ throttle: ThrottleSettings) -> JSONValue {
        ["burstLimit": .number(JSONNumber(throttle.burstLimit)), "rateLimit": .number(JSONNumber(throttle.rateLimit) ?? JSONNumber(0))]
    }

    /// TestInvokeMethod on the working copy's stage (its own stage variables, or the ones sent).
    func testInvoke(_ call: AWSCall, resourceId: String, httpMethod: String) throws(ControlError) -> JSONValue {
        guard let resource = control.apiGateway.resources.first(where: { $0.id == resourceId }) else { throw .notFound("Invalid Resource identifier specified") }
        guard resource.methods.contains(httpMethod.uppercased()) || resource.methods.contains("ANY") else {
            throw .notFound("Invalid Method identifier specified")
        }
        let body = try call.body()
        let target = body["pathWithQueryString"]?.stringValue ?? resource.path
        var headers = HTTPHeaders()
        switch body["headers"] {
        case nil, .null?: break
        case .object(let object)?:
            for member in object {
                guard case .string(let value) = member.value else { throw .badRequest("Invalid header \(member.key): a header value is a string") }
                headers.add(member.key, value)
            }
        case let other?: throw .badRequest("Invalid headers: headers must be a map of strings, found \(other.typeName)")
        }
        let variables = body["stageVariables"]?.objectValue.map { object in object.compactMap { member in member.value.stringValue.map { (member.key, $0) } } }
        let (path, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) } ?? (target, "")
        let result = try control.apiGateway.testInvokeWorkingCopy(
            method: httpMethod.uppercased(), path: path, query: URLEncoding.queryPairs(query.isEmpty ? nil : query), headers: headers,
            body: Array((body["body"]?.stringValue ?? "").utf8), stageVariables: variables)
        var responseHeaders = JSONObject()
        var multiValue = JSONObject()
        for field in result.response.headers {
            responseHeaders[field.name] = .string(field.value)
            multiValue[field.name] = .array((multiValue[field.name]?.arrayValue ?? []) + [.string(field.value)])
        }
        return [
            "status": .number(JSONNumber(result.response.status)), "body": .string(result.response.bodyText), "headers": .object(responseHeaders),
            "multiValueHeaders": .object(multiValue), "log": .string(result.log.joined(separator: "\n") + "\n"),
            "latency": .number(JSONNumber(Int(result.latencyMilliseconds.rounded()))),
        ]
    }
}

extension APIGatewayControl {
    /// TestInvokeMethod on the working copy's stage, with `stageVariables` instead of the
    /// stage's when given (a one-off compilation: the served stage is untouched).
    func testInvokeWorkingCopy(
        method: String, path: String, query: [(String, String)], headers: HTTPHeaders, body: [UInt8], stageVariables: [(String, String)]?
    ) throws(ControlError) -> TestInvokeResult {
        guard let stage = committer.read({ workingStage($0) }) else { throw .notFound("Invalid Resource identifier specified") }
        guard let stageVariables else {
            return testInvoke(stage: stage.base.name, method: method, path: path, query: query, headers: headers, body: body)
        }
        var configuration = stage.effective
        configuration.variables = stageVariables
        let compiled: StageDeployment
        do {
            compiled = try ControlPlane.compile(
                configuration, document: stage.deployment.document ?? .null, baseDirectory: baseDirectory, registry: registry,
                apiId: self.configuration.apiId)
        } catch {
            throw .badRequest(error.description)
        }
        let snapshot = GatewaySnapshot(
            apiId: self.configuration.apiId, accountId: self.configuration.accountId, region: self.configuration.region,
            accountThrottle: self.configuration.accountThrottle, stages: [configuration.name: ServedStage(deployment: compiled, cache: nil)], keys: [],
            plans: [])
        let scratch = Gateway(snapshot: snapshot, lambda: lambda, clock: clock, usage: [:], ledger: nil, logSink: nil)
        return scratch.testInvoke(stage: configuration.name, method: method, path: path, query: query, headers: headers, body: body)
    }
}
