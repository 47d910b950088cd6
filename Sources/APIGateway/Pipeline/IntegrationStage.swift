import APIModel
import HTTPCore
import JSONCore
import LambdaRuntime
import MappingTemplates

/// Stage 7, the integration: the request mapped by its template (or passed through), sent to
/// MOCK, a Lambda function (custom) or a Lambda proxy; its output is the integration's answer.
struct IntegrationStage: Sendable {
    /// What an integration answered.
    enum Output {
        /// The answer as it goes to the client (a Lambda proxy's).
        case response(HTTPResponse)
        /// An answer for the integration responses to map (MOCK, custom Lambda).
        case mapped(IntegrationAnswer)
    }

    /// An answer for the response-mapping stage.
    struct IntegrationAnswer {
        /// What selection patterns match: the status (MOCK) or `errorMessage` ("" on success).
        let selector: String
        let body: [UInt8]
        /// What the request template set (`$context.responseOverride`).
        let overrides: TemplateOverrides
        /// Whether the answer carries `X-Amzn-Trace-Id` (Lambda's do).
        let traced: Bool
    }

    /// Lambda, as the integrations invoke it.
    let functions: FunctionCaller
    let values: RequestValues

    func integrate(_ routed: RoutedRequest) throws(GatewayError) -> Output {
        switch routed.method.method.integration.kind {
        case .mock: return .mapped(try mock(routed))
        case .aws: return .mapped(try lambdaCustom(routed))
        case .awsProxy: return .response(try lambdaProxy(routed))
        case .http, .httpProxy:
            routed.arrived.fail("Execution failed due to configuration error: HTTP integrations are not emulated locally")
            throw GatewayError(.configuration)
        }
    }

    // MARK: - Request side

    /// The request template for the request's Content-Type, or nil to pass the body through;
    /// a failure when passthrough is not allowed (415).
    func requestTemplate(_ routed: RoutedRequest) throws(GatewayError) -> MappingTemplate? {
        let method = routed.method
        let contentType = MediaType.essence(routed.request.headers["Content-Type"]) ?? "application/json"
        let templates = method.requestTemplates
        if let template = templates[contentType] { return template }
        let behavior = method.method.integration.passthroughBehavior
        if templates.isEmpty {
            if behavior == .never { throw GatewayError(.unsupportedMediaType) }
            return nil
        }
        if behavior == .whenNoMatch { return nil }
        throw GatewayError(.unsupportedMediaType)
    }

    // MARK: - MOCK

    func mock(_ routed: RoutedRequest) throws(GatewayError) -> IntegrationAnswer {
        var status = 200
        var overrides = TemplateOverrides()
        if let template = try requestTemplate(routed) {
            let input = values.templateInput(routed, for: template, body: String(decoding: routed.request.body, as: UTF8.self))
            let output = try values.render(template, input, routed.arrived)
            overrides = output.overrides
            routed.arrived.log("Endpoint request body after transformations: \(output.body)")
            guard let parsed = IntegrationStage.mockStatus(output.body) else {
                routed.arrived.fail(
                    "Execution failed due to configuration error: Unable to parse statusCode. It should be an integer that is defined in the request template.")
                throw GatewayError(.configuration)
            }
            status = parsed
        }
        routed.arrived.log("Received response. Status: \(status)")
        return IntegrationAnswer(selector: String(status), body: [], overrides: overrides, traced: false)
    }

    /// `{"statusCode": 200}`, also the non-JSON `{statusCode: 200}` CDK emits.
    static func mockStatus(_ text: String) -> Int? {
        if let value = try? JSONParser.parse(text), let status = value["statusCode"]?.numberValue?.intValue { return status }
        guard let range = text.range(of: "statusCode") else { return nil }
        let rest = text[range.upperBound...].drop { $0 == "\"" || $0 == " " || $0 == ":" || $0 == "'" }
        return Int(rest.prefix { $0.isNumber })
    }

    // MARK: - Lambda

    func invokeLambda(_ routed: RoutedRequest, event: JSONValue) throws(GatewayError) -> InvocationResult {
        let method = routed.method
        let arrived = routed.arrived
        guard let target = method.lambdaTarget else {
            arrived.fail("Execution failed due to configuration error: the integration URI does not name a function (are its stage variables set?)")
            throw GatewayError(.configuration)
        }
        arrived.log("Sending request to Lambda function \(target)")
        let result: InvocationResult
        do {
            result = try functions.call(target, event: event, arrived)
        } catch {
            arrived.fail("Execution failed due to configuration error: Invalid permissions on Lambda function (\(error.description))")
            throw GatewayError(.configuration)
        }
        if result.durationMilliseconds > Double(method.method.integration.timeoutMillis) {
            arrived.fail("Execution failed due to a timeout error")
            throw GatewayError(.integrationTimeout)
        }
        arrived.log("Received response. Integration latency: \(LogFormat.twoDecimals(result.durationMilliseconds)) ms, executed version \(result.executedVersion)")
        return result
    }

    /// `AWS`: the mapped request is the event; the function's answer is mapped by the
    /// integration responses, matched against its `errorMessage`.
    func lambdaCustom(_ routed: RoutedRequest) throws(GatewayError) -> IntegrationAnswer {
        var payload = String(decoding: routed.request.body, as: UTF8.self)
        var overrides = TemplateOverrides()
        if let template = try requestTemplate(routed) {
            let output = try values.render(template, values.templateInput(routed, for: template, body: payload), routed.arrived)
            payload = output.body
            overrides = output.overrides
        }
        routed.arrived.log("Endpoint request body after transformations: \(payload)")
        let event: JSONValue
        do {
            event = payload.isEmpty ? .object(JSONObject()) : try JSONParser().parse(payload)
        } catch {
            routed.arrived.fail("Execution failed: the Lambda payload is not JSON (\(error.description))")
            throw GatewayError(.configuration)
        }
        let result = try invokeLambda(routed, event: event)
        let body = JSONWriter.compact.bytes(result.payload)
        routed.arrived.log("Endpoint response body before transformations: \(String(decoding: body, as: UTF8.self))")
        return IntegrationAnswer(selector: result.errorMessage ?? "", body: body, overrides: overrides, traced: true)
    }

    /// `AWS_PROXY`: the payload format 1.0 event in, the proxy output contract out.
    func lambdaProxy(_ routed: RoutedRequest) throws(GatewayError) -> HTTPResponse {
        guard routed.method.method.integration.httpMethod == "POST" else {
            routed.arrived.fail("Execution failed due to configuration error: Lambda proxy integrations must use POST")
            throw GatewayError(.configuration)
        }
        let event = LambdaProxyFormat.event(routed, context: values.requestContext(routed))
        let result = try invokeLambda(routed, event: event)
        guard result.functionError == nil else {
            routed.arrived.log("Lambda execution failed with status 200 due to customer function error: \(result.errorMessage ?? "")")
            throw GatewayError(.badProxyResponse)
        }
        guard var response = LambdaProxyFormat.response(result.payload) else {
            routed.arrived.fail("Execution failed due to configuration error: Malformed Lambda proxy response")
            throw GatewayError(.badProxyResponse)
        }
        response.headers.set("X-Amzn-Trace-Id", IntegrationStage.traceId(routed.arrived.time))
        return response
    }

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
