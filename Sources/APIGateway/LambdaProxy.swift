import HTTPCore
import JSONCore
import LambdaRuntime
import MappingTemplates

/// Lambda proxy integrations' payload format 1.0: the event a function receives and the
/// output contract its answer must meet.
enum LambdaProxyFormat {
    /// The event: every key present, `null` where AWS sends null.
    static func event(_ routed: RoutedRequest, context: RequestContext) -> JSONValue {
        let arrived = routed.arrived
        let route = routed.route
        let method = route.method
        func map(_ pairs: [(String, String)]) -> JSONValue {
            guard !pairs.isEmpty else { return .null }
            var object = JSONObject()
            for (key, value) in pairs { object[key] = .string(value) }
            return .object(object)
        }
        func multi(_ pairs: [(String, String)]) -> JSONValue {
            guard !pairs.isEmpty else { return .null }
            var object = JSONObject()
            for (key, value) in pairs {
                var values = object[key]?.arrayValue ?? []
                values.append(.string(value))
                object[key] = .array(values)
            }
            return .object(object)
        }
        let headers = routed.integrationHeaders.filter { !["content-length", "connection"].contains($0.name.lowercased()) }.map { ($0.name, $0.value) }
        var identity = JSONObject()
        for key in [
            "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "sourceIp", "principalOrgId", "accessKey",
            "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "userAgent", "user",
        ] {
            identity[key] = context.identity[key].map(JSONValue.string) ?? .null
        }
        if let key = routed.caller.apiKey {
            identity["apiKey"] = .string(key.value)
            identity["apiKeyId"] = .string(key.id)
        }
        // The path without the stage, as sent (trailing slash kept).
        let path = String(arrived.pathWithinStage(route.stage))
        var requestContext = JSONObject.of([
            "accountId": .string(context.accountId), "apiId": .string(context.apiId), "deploymentId": .string(context.deploymentId),
            "domainName": .string(context.domainName), "domainPrefix": .string(context.domainPrefix),
            "extendedRequestId": .string(context.extendedRequestId), "httpMethod": .string(context.httpMethod),
            "identity": .object(identity), "path": .string(arrived.path), "protocol": "HTTP/1.1", "requestId": .string(arrived.requestId),
            "requestTime": .string(context.requestTime), "requestTimeEpoch": .number(JSONNumber(context.requestTimeEpoch)),
            "resourceId": .string(context.resourceId), "resourcePath": .string(method.resource.path), "stage": .string(route.stage),
        ])
        if let authorizer = routed.caller.authorizer {
            var members = JSONObject()
            for (key, value) in authorizer.stringified { members[key] = .string(value) }
            members["integrationLatency"] = 0
            requestContext["authorizer"] = .object(members)
        }
        if let claims = routed.caller.claims {
            // A Cognito authorizer: `requestContext.authorizer.claims`, every claim as text.
            requestContext["authorizer"] = ["claims": .object(JSONObject(claims.map { JSONObject.Member(key: $0.0, value: .string($0.1)) }))]
        }
        let requestContextValue = JSONValue.object(requestContext)
        let body: JSONValue = arrived.request.body.isEmpty ? .null : .string(String(decoding: arrived.request.body, as: UTF8.self))
        return [
            "resource": .string(method.resource.path), "path": .string(path), "httpMethod": .string(arrived.httpMethod),
            "headers": map(headers), "multiValueHeaders": multi(headers), "queryStringParameters": map(route.query),
            "multiValueQueryStringParameters": multi(route.query), "pathParameters": map(route.pathParameters),
            "stageVariables": map(route.deployment.stage.variables), "requestContext": requestContextValue, "body": body,
            "isBase64Encoded": false,
        ]
    }

    /// The proxy output contract (reference §6.3): every key optional; an unknown key, a
    /// non-numeric status, a non-list multi-value header or a non-object result is nil (502).
    static func response(_ output: JSONValue) -> HTTPResponse? {
        guard case .object(let object) = output else { return nil }
        let allowed: Set<String> = ["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]
        guard object.keys.allSatisfy(allowed.contains) else { return nil }
        var status = 200
        switch object["statusCode"] {
        case nil, .null?: break
        case .number(let number)?:
            guard let value = number.intValue, (100...599).contains(value) else { return nil }
            status = value
        case .string(let text)?:
            guard let value = Int(text), (100...599).contains(value) else { return nil }
            status = value
        default: return nil
        }
        func text(_ value: JSONValue) -> String? {
            switch value {
            case .string(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            case .number(let number): return number.description
            default: return nil
            }
        }
        var headers = HTTPHeaders()
        var names: [String: String] = [:]
        switch object["multiValueHeaders"] {
        case nil, .null?: break
        case .object(let multi)?:
            for member in multi {
                guard case .array(let values) = member.value else { return nil }
                let texts = values.compactMap(text)
                guard texts.count == values.count else { return nil }
                names[member.key.lowercased()] = member.key
                headers.add(member.key, texts.joined(separator: ", "))
            }
        default: return nil
        }
        switch object["headers"] {
        case nil, .null?: break
        case .object(let single)?:
            for member in single {
                guard let value = text(member.value) else { return nil }
                if let existing = names[member.key.lowercased()], let previous = headers[existing] {
                    headers.set(existing, previous + ", " + value)
                } else {
                    headers.add(member.key, value)
                }
            }
        default: return nil
        }
        var body: [UInt8] = []
        switch object["body"] {
        case nil, .null?: break
        case .string(let text)?: body = Array(text.utf8)
        default: return nil
        }
        switch object["isBase64Encoded"] {
        case nil, .null?, .bool?: break
        default: return nil
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
