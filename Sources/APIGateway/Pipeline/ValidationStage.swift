import APIModel
import HTTPCore
import JSONCore
import JSONSchema

/// Stage 5, request validation: the method's validator checks required parameters and the
/// body against the model for its Content-Type.
struct ValidationStage: Sendable {
    func validate(_ routed: RoutedRequest) throws(GatewayError) {
        let method = routed.method
        guard let validator = method.validator else { return }
        let request = routed.request
        if validator.validateRequestParameters {
            var missing: [ParameterReference] = []
            for parameter in method.requiredParameters {
                let present: Bool
                switch parameter.location {
                case .header: present = request.headers.contains(parameter.name)
                case .querystring: present = routed.route.query.contains { $0.0 == parameter.name }
                case .path: present = routed.route.pathParameters.contains { $0.0 == parameter.name }
                case .other: present = true
                }
                if !present { missing.append(parameter) }
            }
            if !missing.isEmpty {
                let sorted = missing.sorted { lhs, rhs in
                    lhs.location != rhs.location ? lhs.location < rhs.location : lhs.key < rhs.key
                }
                throw GatewayError(.badRequestParameters, message: "Missing required request parameters: [\(sorted.map(\.name).joined(separator: ", "))]")
            }
        }
        guard validator.validateRequestBody else { return }
        // Models are keyed by content type; no model for this type means no body check.
        let contentType = MediaType.essence(request.headers["Content-Type"]) ?? "application/json"
        guard let model = method.requestModels[contentType] else { return }
        let body = request.body.isEmpty ? Array("{}".utf8) : request.body
        let document: JSONValue
        do {
            document = try JSONParser().parse(body)
        } catch {
            routed.arrived.fail("Request body does not match model schema for content type \(contentType): [Invalid JSON: \(error.description)]")
            throw GatewayError(.badRequestBody, message: "Invalid request body", validation: "[\"Invalid JSON: \(error.description)\"]")
        }
        let errors: [ValidationError]
        do {
            errors = try model.validate(document, limits: .forPayload(bytes: body.count))
        } catch {
            // Undecidable within the limits: refused as an invalid body, as AWS refuses what its
            // validator cannot accept, with the limit in the execution log.
            routed.arrived.fail("Request body validation for content type \(contentType) stopped: \(error.description)")
            throw GatewayError(.badRequestBody, message: "Invalid request body", validation: "[\"\(error.description)\"]")
        }
        if !errors.isEmpty {
            let detail = "[" + errors.map { "\"\($0.instanceLocation.description.isEmpty ? "/" : $0.instanceLocation.description): \($0.message)\"" }.joined(separator: ", ") + "]"
            routed.arrived.fail("Request body does not match model schema for content type \(contentType): \(detail)")
            throw GatewayError(.badRequestBody, message: "Invalid request body", validation: detail)
        }
    }
}

/// Media types as the gateway compares them.
enum MediaType {
    /// The MIME type of a Content-Type or Accept value, without parameters, lower-cased (the
    /// first one of a list).
    static func essence(_ value: String?) -> String? {
        guard let value else { return nil }
        let first = value.split(separator: ",").first ?? Substring(value)
        let type = first.split(separator: ";").first.map { String($0).trimmingSpacesAndTabs().lowercased() }
        return type?.isEmpty == false ? type : nil
    }
}
