import APIModel
import HTTPCore
import JSONCore
import LambdaRuntime
import MappingTemplates

extension Gateway {
    func integrate(_ call: Call) -> Result<HTTPResponse, GatewayError> {
        guard let method = call.method else { return .failure(GatewayError(.configuration)) }
        switch method.method.integration.kind {
        case .mock: return mock(call, method)
        case .aws: return lambdaCustom(call, method)
        case .awsProxy: return lambdaProxy(call, method)
        case .http, .httpProxy:
            call.fail("Execution failed due to configuration error: HTTP integrations are not emulated locally")
            return .failure(GatewayError(.configuration))
        }
    }

    // MARK: - Request side

    /// The request template for the request's Content-Type, or nil to pass the body through;
    /// a failure when passthrough is not allowed (415).
    func requestTemplate(_ call: Call, _ method: CompiledMethod) -> Result<MappingTemplate?, GatewayError> {
        let contentType = Gateway.mimeType(call.request.headers["Content-Type"]) ?? "application/json"
        let templates = method.requestTemplates
        if let template = templates[contentType] { return .success(template) }
        let behavior = method.method.integration.passthroughBehavior
        if templates.isEmpty {
            return behavior == .never ? .failure(GatewayError(.unsupportedMediaType)) : .success(nil)
        }
        return behavior == .whenNoMatch ? .success(nil) : .failure(GatewayError(.unsupportedMediaType))
    }

    func requestContext(_ call: Call) -> RequestContext {
        var context = RequestContext()
        context.accountId = (call.snapshot?.accountId ?? "")
        context.apiId = (call.snapshot?.apiId ?? "")
        context.deploymentId = call.stage + "-deployment"
        context.domainName = call.request.headers["Host"] ?? "\((call.snapshot?.apiId ?? "")).execute-api.localhost"
        context.domainPrefix = String(context.domainName.split(separator: ".").first ?? "")
        context.extendedRequestId = call.extendedRequestId
        context.httpMethod = call.httpMethod
        context.path = call.path
        context.requestId = call.requestId
        context.requestTime = requestTimes.format(call.time)
        context.requestTimeEpoch = Int(call.time * 1000)
        context.resourceId = call.method?.resource.path ?? ""
        context.resourcePath = call.method?.resource.path ?? ""
        context.stage = call.stage
        var identity: [String: String] = ["sourceIp": call.request.remoteAddress]
        if let agent = call.request.headers["User-Agent"] { identity["userAgent"] = agent }
        if let key = call.apiKey {
            identity["apiKey"] = key.value
            identity["apiKeyId"] = key.id
        }
        context.identity = identity
        return context
    }

    /// What `template` sees; `$context` is built only when the template can read it.
    func templateInput(_ call: Call, for template: MappingTemplate, body: String, overrides: TemplateOverrides = TemplateOverrides()) -> MappingTemplateInput {
        MappingTemplateInput(
            body: body,
            parameters: RequestParameters(path: call.pathParameters, querystring: call.query, header: call.request.headers.fields.map { ($0.name, $0.value) }),
            context: template.usesContext ? requestContext(call) : RequestContext(), stageVariables: call.deployment?.stage.variables ?? [], overrides: overrides)
    }

    func render(_ template: MappingTemplate, _ input: MappingTemplateInput, call: Call) -> Result<MappingTemplateOutput, GatewayError> {
        do {
            return .success(try template.render(input))
        } catch {
            call.fail("Execution failed due to configuration error: mapping template: \(error.description)")
            return .failure(GatewayError(.configuration))
        }
    }

    // MARK: - MOCK

    func mock(_ call: Call, _ method: CompiledMethod) -> Result<HTTPResponse, GatewayError> {
        let template: MappingTemplate?
        switch requestTemplate(call, method) {
        case .failure(let error): return .failure(error)
        case .success(let chosen): template = chosen
        }
        var status = 200
        var overrides = TemplateOverrides()
        if let template {
            let output: MappingTemplateOutput
            switch render(template, templateInput(call, for: template, body: String(decoding: call.request.body, as: UTF8.self)), call: call) {
            case .failure(let error): return .failure(error)
            case .success(let value): output = value
            }
            overrides = output.overrides
            call.log("Endpoint request body after transformations: \(output.body)")
            guard let parsed = Gateway.mockStatus(output.body) else {
                call.fail("Execution failed due to configuration error: Unable to parse statusCode. It should be an integer that is defined in the request template.")
                return .failure(GatewayError(.configuration))
            }
            status = parsed
        }
        call.log("Received response. Status: \(status)")
        return integrationResponse(call, method, selector: String(status), body: [], overrides: overrides)
    }

    /// `{"statusCode": 200}`, also the non-JSON `{statusCode: 200}` CDK emits.
    static func mockStatus(_ text: String) -> Int? {
        if let value = try? JSONParser.parse(text), let status = value["statusCode"]?.numberValue?.intValue { return status }
        guard let range = text.range(of: "statusCode") else { return nil }
        let rest = text[range.upperBound...].drop { $0 == "\"" || $0 == " " || $0 == ":" || $0 == "'" }
        return Int(rest.prefix { $0.isNumber })
    }

    // MARK: - Lambda, custom (non-proxy) integration

    func invokeLambda(_ call: Call, _ method: CompiledMethod, event: JSONValue) -> Result<InvocationResult, GatewayError> {
        guard let target = method.lambdaTarget else {
            call.fail("Execution failed due to configuration error: the integration URI does not name a function (are its stage variables set?)")
            return .failure(GatewayError(.configuration))
        }
        call.log("Sending request to Lambda function \(target)")
        let result: InvocationResult
        do {
            result = try lambda.invoke(target, payload: event, collectLogs: call.trace != nil || logSink != nil)
        } catch {
            call.fail("Execution failed due to configuration error: Invalid permissions on Lambda function (\(error.description))")
            return .failure(GatewayError(.configuration))
        }
        for line in result.logLines {
            call.log(line)
            logSink?(.message(line))
        }
        if result.durationMilliseconds > Double(method.method.integration.timeoutMillis) {
            call.fail("Execution failed due to a timeout error")
            return .failure(GatewayError(.integrationTimeout))
        }
        call.log("Received response. Integration latency: \(LogFormat.twoDecimals(result.durationMilliseconds)) ms, executed version \(result.executedVersion)")
        return .success(result)
    }

    func lambdaCustom(_ call: Call, _ method: CompiledMethod) -> Result<HTTPResponse, GatewayError> {
        let template: MappingTemplate?
        switch requestTemplate(call, method) {
        case .failure(let error): return .failure(error)
        case .success(let chosen): template = chosen
        }
        var payload = String(decoding: call.request.body, as: UTF8.self)
        var overrides = TemplateOverrides()
        if let template {
            switch render(template, templateInput(call, for: template, body: payload), call: call) {
            case .failure(let error): return .failure(error)
            case .success(let output):
                payload = output.body
                overrides = output.overrides
            }
        }
        call.log("Endpoint request body after transformations: \(payload)")
        let event: JSONValue
        do {
            event = payload.isEmpty ? .object(JSONObject()) : try JSONParser().parse(payload)
        } catch {
            call.fail("Execution failed: the Lambda payload is not JSON (\(error.description))")
            return .failure(GatewayError(.configuration))
        }
        let result: InvocationResult
        switch invokeLambda(call, method, event: event) {
        case .failure(let error): return .failure(error)
        case .success(let value): result = value
        }
        let body = JSONWriter.compact.bytes(result.payload)
        call.log("Endpoint response body before transformations: \(String(decoding: body, as: UTF8.self))")
        // Lambda: the pattern is matched against errorMessage ("" on success).
        var response = integrationResponse(call, method, selector: result.errorMessage ?? "", body: body, overrides: overrides)
        if case .success(var answer) = response {
            answer.headers.set("X-Amzn-Trace-Id", Gateway.traceId(call.time))
            response = .success(answer)
        }
        return response
    }

    // MARK: - Integration responses (MOCK and custom Lambda)

    /// The integration response for `selector`: its template (or the body as it is), header
    /// mappings and overrides. The body becomes text only if a template or mapping reads it.
    func integrationResponse(
        _ call: Call, _ method: CompiledMethod, selector: String, body: [UInt8], overrides: TemplateOverrides
    ) -> Result<HTTPResponse, GatewayError> {
        var bodyText: String?
        func text() -> String {
            if let bodyText { return bodyText }
            let decoded = String(decoding: body, as: UTF8.self)
            bodyText = decoded
            return decoded
        }
        let chosen = method.responses.first { response in
            guard let pattern = response.pattern else { return false }
            return selector.isEmpty ? response.matchesEmptySelector : pattern.matches(selector)
        }
            ?? method.responses.first { $0.pattern == nil }
        guard let chosen else {
            call.fail("Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: \(selector.isEmpty ? "200" : selector)")
            return .failure(GatewayError(.configuration))
        }
        call.log("Selected integration response: \(chosen.definition.selectionPattern.map { "pattern \"\($0)\"" } ?? "default") → status \(chosen.definition.statusCode)")
        var status = chosen.definition.statusCode
        var headers = HTTPHeaders()
        var output = body
        var finalOverrides = overrides
        // Response template: the client's Accept, then application/json, then the first.
        let key: String? =
            chosen.templates.isEmpty
            ? nil
            : Gateway.mimeType(call.request.headers["Accept"]).flatMap { chosen.templates[$0] != nil ? $0 : nil }
                ?? (chosen.templates["application/json"] != nil ? "application/json" : chosen.templateOrder.first)
        if let key, let template = chosen.templates[key] {
            switch render(template, templateInput(call, for: template, body: text(), overrides: overrides), call: call) {
            case .failure(let error): return .failure(error)
            case .success(let rendered):
                output = Array(rendered.body.utf8)
                finalOverrides = rendered.overrides
            }
            if key != "application/json" { headers.set("Content-Type", key) }
        }
        for (name, source, literal) in chosen.headerMappings {
            if let literal {
                headers.set(name, literal)
            } else if let value = responseParameterValue(source, body: text, call: call) { headers.set(name, value) }
        }
        for (name, value) in finalOverrides.responseHeaders.sorted(by: { $0.key < $1.key }) { headers.set(name, value) }
        if let override = finalOverrides.responseStatus { status = override }
        call.log("Method response body after transformations: \(String(decoding: output, as: UTF8.self))")
        call.log("Method completed with status: \(status)")
        let response = HTTPResponse(status: status, headers: headers, body: output)
        return checkResponseModel(call, method, response)
    }

    /// `method.response.header.X` sources: `'static'`, `integration.response.body[.path]`,
    /// `integration.response.header.x` (none for Lambda), `stageVariables.x`, `context.x`.
    func responseParameterValue(_ source: String, body: () -> String, call: Call) -> String? {
        if source == "integration.response.body" { return body() }
        if source.hasPrefix("integration.response.body.") {
            guard let document = try? JSONParser.parse(body()) else { return nil }
            let path = JSONPath("$." + source.dropFirst("integration.response.body.".count))
            guard let value = path?.select(in: document).first else { return nil }
            if case .string(let text) = value { return text }
            return JSONWriter.compact.string(value)
        }
        if source.hasPrefix("integration.response.header.") { return nil }
        return parameterValue(source, call: call)
    }

    /// Beyond AWS: check the body against the method's response model (off by default).
    func checkResponseModel(_ call: Call, _ method: CompiledMethod, _ response: HTTPResponse) -> Result<HTTPResponse, GatewayError> {
        guard let deployment = call.deployment, deployment.stage.responseValidation != .off,
            let model = method.responseModels[response.status]
        else { return .success(response) }
        let errors: [String]
        if let document = try? JSONParser().parse(response.body) {
            do {
                errors = try model.validate(document, limits: .forPayload(bytes: response.body.count)).map {
                    "\($0.instanceLocation.description.isEmpty ? "/" : $0.instanceLocation.description): \($0.message)"
                }
            } catch {
                errors = [error.description]
            }
        } else {
            errors = ["the body is not JSON"]
        }
        guard !errors.isEmpty else { return .success(response) }
        let line = "Response validation: \(call.request.method) \(method.resource.path) status \(response.status) does not match its model: \(errors.joined(separator: "; "))"
        call.log(line)
        logSink?(.message(line))
        if deployment.stage.responseValidation == .enforce { return .failure(GatewayError(.badProxyResponse)) }
        return .success(response)
    }
}

extension Gateway {
    /// `Root=1-<epoch seconds, hex>-<24 hex digits>` (the X-Ray trace id shape).
    static func traceId(_ time: Double) -> String { RequestIdentifier.traceIdentifier(epochSeconds: UInt64(max(0, time))) }
}

extension String {
    /// The first occurrence of `target`, compared byte by byte in UTF-8.
    func range(of target: String) -> Range<String.Index>? {
        let needle = Array(target.utf8)
        guard let first = needle.first else { return nil }
        let view = utf8
        var index = view.startIndex
        while index != view.endIndex {
            if view[index] == first {
                var candidate = index
                var matched = 0
                while matched < needle.count, candidate != view.endIndex, view[candidate] == needle[matched] {
                    candidate = view.index(after: candidate)
                    matched += 1
                }
                if matched == needle.count { return index..<candidate }
            }
            index = view.index(after: index)
        }
        return nil
    }
}
