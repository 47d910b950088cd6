import APIModel
import HTTPCore
import JSONCore
import MappingTemplates

/// Stage 8, response mapping: the integration response whose selection pattern matches the
/// integration's answer (or the default one) gives the status, the body (through its template
/// for the client's Accept) and the header mappings; beyond AWS, the body can be checked
/// against the method response's model.
struct ResponseMappingStage: Sendable {
    let values: RequestValues
    let logSink: (@Sendable (GatewayLogEvent) -> Void)?

    /// The client's answer for `answer`. The body becomes text only if a template or mapping
    /// reads it.
    func map(_ answer: IntegrationStage.IntegrationAnswer, _ routed: RoutedRequest) throws(GatewayError) -> HTTPResponse {
        let method = routed.method
        let arrived = routed.arrived
        let selector = answer.selector
        var bodyText: String?
        func text() -> String {
            if let bodyText { return bodyText }
            let decoded = String(decoding: answer.body, as: UTF8.self)
            bodyText = decoded
            return decoded
        }
        let chosen =
            method.responses.first { response in
                guard let pattern = response.pattern else { return false }
                return selector.isEmpty ? response.matchesEmptySelector : pattern.matches(selector)
            }
            ?? method.responses.first { $0.pattern == nil }
        guard let chosen else {
            arrived.fail(
                "Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: \(selector.isEmpty ? "200" : selector)"
            )
            throw GatewayError(.configuration)
        }
        arrived.log("Selected integration response: \(chosen.definition.selectionPattern.map { "pattern \"\($0)\"" } ?? "default") → status \(chosen.definition.statusCode)")
        var status = chosen.definition.statusCode
        var headers = HTTPHeaders()
        var output = answer.body
        var overrides = answer.overrides
        // Response template: the client's Accept, then application/json, then the first.
        let key: String? =
            chosen.templates.isEmpty
            ? nil
            : MediaType.essence(routed.request.headers["Accept"]).flatMap { chosen.templates[$0] != nil ? $0 : nil }
                ?? (chosen.templates["application/json"] != nil ? "application/json" : chosen.templateOrder.first)
        if let key, let template = chosen.templates[key] {
            let rendered = try values.render(template, values.templateInput(routed, for: template, body: text(), overrides: answer.overrides), arrived)
            output = Array(rendered.body.utf8)
            overrides = rendered.overrides
            if key != "application/json" { headers.set("Content-Type", key) }
        }
        for (name, source, literal) in chosen.headerMappings {
            if let literal {
                headers.set(name, literal)
            } else if let value = headerValue(source, body: text, routed) {
                headers.set(name, value)
            }
        }
        for (name, value) in overrides.responseHeaders.sorted(by: { $0.key < $1.key }) { headers.set(name, value) }
        if let override = overrides.responseStatus { status = override }
        arrived.log("Method response body after transformations: \(String(decoding: output, as: UTF8.self))")
        arrived.log("Method completed with status: \(status)")
        var response = HTTPResponse(status: status, headers: headers, body: output)
        try checkModel(response, routed)
        if answer.traced { response.headers.set("X-Amzn-Trace-Id", IntegrationStage.traceId(routed.arrived.time)) }
        return response
    }

    /// `method.response.header.X` sources: `'static'`, `integration.response.body[.path]`,
    /// `integration.response.header.x` (none for Lambda), `stageVariables.x`, `context.x`.
    private func headerValue(_ source: String, body: () -> String, _ routed: RoutedRequest) -> String? {
        if source == "integration.response.body" { return body() }
        if source.hasPrefix("integration.response.body.") {
            guard let document = try? JSONParser.parse(body()) else { return nil }
            let path = JSONPath("$." + source.dropFirst("integration.response.body.".count))
            guard let value = path?.select(in: document).first else { return nil }
            if case .string(let text) = value { return text }
            return JSONWriter.compact.string(value)
        }
        if source.hasPrefix("integration.response.header.") { return nil }
        return values.parameterValue(source, routed.progress)
    }

    /// Beyond AWS: the body checked against the method's response model (off by default; a
    /// warning when `warn`, a 502 when `enforce`).
    private func checkModel(_ response: HTTPResponse, _ routed: RoutedRequest) throws(GatewayError) {
        let method = routed.method
        let stage = routed.route.deployment.stage
        guard stage.responseValidation != .off, let model = method.responseModels[response.status] else { return }
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
        guard !errors.isEmpty else { return }
        let line =
            "Response validation: \(routed.request.method) \(method.resource.path) status \(response.status) does not match its model: \(errors.joined(separator: "; "))"
        routed.arrived.log(line)
        logSink?(.message(line))
        if stage.responseValidation == .enforce { throw GatewayError(.badProxyResponse) }
    }
}
