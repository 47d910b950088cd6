import JSONCore

/// SAM `Auth.Authorizers`, `DefaultAuthorizer` and each event's `Auth.Authorizer`, written into
/// the API's definition as AWS's translator writes them (reference §22): a security scheme per
/// authorizer (`x-amazon-apigateway-authorizer`; `AWS_IAM` as an `awsSigv4` scheme) and each
/// method's `security` — the event's authorizer, else the API's default (the CORS preflight
/// included unless `AddDefaultAuthorizerToCorsPreflight` is false), `NONE` for none.
extension ProjectBuilder {
    func applyAuthorizers(_ api: APIBuild, properties: JSONValue, at tokens: [String], to definition: inout JSONObject) throws(TemplateError) {
        let auth = properties["Auth"]
        let declared = try source.members(auth?["Authorizers"], at: tokens + ["Auth", "Authorizers"])
        let defaultName = auth?["DefaultAuthorizer"]?.stringValue
        let usesIAM = defaultName == "AWS_IAM" || api.routes.contains { $0.auth?["Authorizer"]?.stringValue == "AWS_IAM" }
        guard !declared.isEmpty || defaultName != nil || api.routes.contains(where: { $0.auth?["Authorizer"] != nil }) else { return }
        let apiName = api.implicit ? "ServerlessRestApi" : api.logicalId
        if let defaultName, defaultName != "AWS_IAM", declared[defaultName] == nil {
            throw source.error(
                tokens + ["Auth", "DefaultAuthorizer"],
                "Resource with id [\(apiName)] is invalid. Unable to set DefaultAuthorizer because '\(defaultName)' was not defined in 'Authorizers'.")
        }
        var schemes = JSONObject()
        for member in declared {
            schemes[member.key] = try scheme(member.key, member.value, api: apiName, at: tokens + ["Auth", "Authorizers", member.key])
        }
        if usesIAM { schemes["AWS_IAM"] = ProjectBuilder.iamScheme }
        let preflight = auth?["AddDefaultAuthorizerToCorsPreflight"]?.boolValue != false
        var paths = definition["paths"]?.objectValue ?? JSONObject()
        for path in paths {
            guard case .object(var item) = path.value else { continue }
            for operation in item where !operation.key.hasPrefix("x-") || operation.key == "x-amazon-apigateway-any-method" {
                guard operation.key != "parameters", case .object(var method) = operation.value else { continue }
                let route = api.routes.first { route in
                    route.path == path.key && (route.method == operation.key || (route.method == "any" && operation.key == "x-amazon-apigateway-any-method"))
                }
                let requirements = method["security"]?.arrayValue ?? []
                let hasOwn = requirements.contains { requirement in (requirement.objectValue?.keys ?? []).contains { schemes[$0] != nil } }
                let chosen: String?
                if let eventAuthorizer = route?.auth?["Authorizer"] {
                    guard case .string(let name) = eventAuthorizer, name == "NONE" || name == "AWS_IAM" || declared[name] != nil else {
                        let event = route!.tokens.count >= 2 ? route!.tokens[route!.tokens.count - 2] : ""
                        throw source.error(
                            route!.tokens + ["Auth", "Authorizer"],
                            "Event with id [\(event)] is invalid. Unable to set Authorizer [\(eventAuthorizer.plainText)] on API method [\(route!.method)] for path [\(route!.path)] because it wasn't defined in the API's Authorizers.")
                    }
                    chosen = name
                } else if hasOwn || (operation.key == "options" && !preflight) {
                    chosen = nil
                } else {
                    chosen = defaultName
                }
                guard let chosen, chosen != "NONE" else { continue }
                let scopes = route?.auth?["AuthorizationScopes"]?.arrayValue ?? declared[chosen]?["AuthorizationScopes"]?.arrayValue ?? []
                let keys = requirements.filter { $0["api_key"] != nil }
                method["security"] = .array([.object(JSONObject.of([chosen: .array(scopes)]))] + keys)
                item[operation.key] = .object(method)
            }
            paths[path.key] = .object(item)
        }
        definition["paths"] = .object(paths)
        DefinitionPieces.addSchemes(schemes, to: &definition)
    }

    /// One authorizer's security scheme: a Lambda authorizer (`FunctionArn`, TOKEN or REQUEST)
    /// or a Cognito one (`UserPoolArn`).
    func scheme(_ name: String, _ value: JSONValue, api: String, at tokens: [String]) throws(TemplateError) -> JSONValue {
        func invalid(_ message: String) -> TemplateError {
            source.error(tokens, "Resource with id [\(api)] is invalid. Authorizer \(name) \(message)")
        }
        guard case .object(let object) = value else { throw invalid("must be a map.") }
        let identity = object["Identity"]
        var authorizer = JSONObject()
        if let seconds = identity?["ReauthorizeEvery"] {
            guard let ttl = seconds.numberValue?.intValue, (0...3600).contains(ttl) else { throw invalid("has an invalid ReauthorizeEvery: from 0 to 3600 seconds.") }
            authorizer["authorizerResultTtlInSeconds"] = .number(JSONNumber(ttl))
        }
        /// The scheme of an authorizer reading one header (`Identity.Header`, with its
        /// `ValidationExpression`): Cognito's and a TOKEN authorizer's.
        func headerScheme(authType: String) -> JSONValue {
            let header = identity?["Header"]?.stringValue ?? "Authorization"
            authorizer["identitySource"] = .string("method.request.header." + header)
            if let expression = identity?["ValidationExpression"]?.stringValue { authorizer["identityValidationExpression"] = .string(expression) }
            return DefinitionPieces.authorizerScheme(name: header, authType: authType, authorizer)
        }
        if let pool = object["UserPoolArn"] {
            let arns = pool.arrayValue ?? [pool]
            guard !arns.isEmpty, arns.allSatisfy({ $0.stringValue != nil }) else { throw invalid("has an invalid UserPoolArn.") }
            authorizer["type"] = "cognito_user_pools"
            authorizer["providerARNs"] = .array(arns)
            return headerScheme(authType: "cognito_user_pools")
        }
        guard case .string(let functionARN)? = object["FunctionArn"] else { throw invalid("must have either FunctionArn or UserPoolArn.") }
        let payload = object["FunctionPayloadType"]?.stringValue ?? "TOKEN"
        guard payload == "TOKEN" || payload == "REQUEST" else { throw invalid("has an invalid FunctionPayloadType: it must be TOKEN or REQUEST.") }
        authorizer["type"] = .string(payload.lowercased())
        authorizer["authorizerUri"] = .string("arn:aws:apigateway:\(transform.region):lambda:path/2015-03-31/functions/\(functionARN)/invocations")
        if payload == "TOKEN" { return headerScheme(authType: "custom") }
        var sources: [String] = []
        for (member, prefix) in [("Headers", "method.request.header."), ("QueryStrings", "method.request.querystring."), ("StageVariables", "stageVariables."), ("Context", "context.")] {
            guard case .array(let entries)? = identity?[member] ?? .array([]) else { throw invalid("has an invalid Identity.\(member): a list of names.") }
            for entry in entries {
                guard case .string(let text) = entry else { throw invalid("has an invalid Identity.\(member): a list of names.") }
                sources.append(prefix + text)
            }
        }
        if sources.isEmpty, authorizer["authorizerResultTtlInSeconds"]?.numberValue?.intValue != 0 {
            throw invalid("must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.")
        }
        if !sources.isEmpty { authorizer["identitySource"] = .string(sources.joined(separator: ", ")) }
        return DefinitionPieces.authorizerScheme(name: "Unused", authType: "custom", authorizer)
    }

    /// The `AWS_IAM` scheme (SigV4), as the translator writes it.
    static let iamScheme: JSONValue = ["type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"]
}

extension ProjectBuilder {
    /// `Auth.ResourcePolicy` as AWS's translator writes it into `x-amazon-apigateway-policy`:
    /// for each event's route (`execute-api:/{stage}/{METHOD}/{path}`, parameters as `*`), an
    /// Allow and a Deny per list — `IpRangeWhitelist` (NotIpAddress), `IpRangeBlacklist`
    /// (IpAddress), `SourceVpcWhitelist`/`SourceVpcBlacklist` (aws:SourceVpc) —, the
    /// `AwsAccountWhitelist`/`AwsAccountBlacklist` principals, then `CustomStatements`.
    func applyResourcePolicy(_ api: APIBuild, properties: JSONValue, stage: String, at tokens: [String], to definition: inout JSONObject) throws(TemplateError) {
        guard let policy = properties["Auth"]?["ResourcePolicy"] else { return }
        let place = tokens + ["Auth", "ResourcePolicy"]
        guard case .object(let settings) = policy else { throw source.error(place, "ResourcePolicy must be a map (ResourcePolicyStatement).") }
        func list(_ name: String) throws(TemplateError) -> [JSONValue] {
            guard let value = settings[name] else { return [] }
            guard case .array(let entries) = value else { throw source.error(place + [name], "\(name) must be a list.") }
            return entries
        }
        let ipAllow = try list("IpRangeWhitelist"), ipDeny = try list("IpRangeBlacklist")
        let vpcAllow = try list("SourceVpcWhitelist"), vpcDeny = try list("SourceVpcBlacklist")
        let accountsAllow = try list("AwsAccountWhitelist"), accountsDeny = try list("AwsAccountBlacklist")
        var statements: [JSONValue] = []
        for route in api.routes {
            let path = route.path.split(separator: "/").map { $0.hasPrefix("{") ? "*" : String($0) }.joined(separator: "/")
            let resource = JSONValue.array([.string("execute-api:/\(stage)/\(route.method == "any" ? "*" : route.method.uppercased())/\(path)")])
            func statement(_ effect: String, principal: JSONValue = "*", condition: JSONValue? = nil) -> JSONValue {
                var object = JSONObject.of(["Action": "execute-api:Invoke", "Resource": resource, "Effect": .string(effect), "Principal": principal])
                if let condition { object["Condition"] = condition }
                return .object(object)
            }
            if !ipAllow.isEmpty || !ipDeny.isEmpty || !vpcAllow.isEmpty || !vpcDeny.isEmpty { statements.append(statement("Allow")) }
            if !ipAllow.isEmpty { statements.append(statement("Deny", condition: ["NotIpAddress": ["aws:SourceIp": .array(ipAllow)]])) }
            if !ipDeny.isEmpty { statements.append(statement("Deny", condition: ["IpAddress": ["aws:SourceIp": .array(ipDeny)]])) }
            if !vpcAllow.isEmpty { statements.append(statement("Deny", condition: ["StringNotEquals": ["aws:SourceVpc": .array(vpcAllow)]])) }
            if !vpcDeny.isEmpty { statements.append(statement("Deny", condition: ["StringEquals": ["aws:SourceVpc": .array(vpcDeny)]])) }
            if !accountsAllow.isEmpty { statements.append(statement("Allow", principal: ["AWS": .array(accountsAllow)])) }
            if !accountsDeny.isEmpty { statements.append(statement("Deny", principal: ["AWS": .array(accountsDeny)])) }
        }
        switch settings["CustomStatements"] {
        case nil: break
        case .array(let custom)?: statements += custom
        case let single?: statements.append(single)
        }
        guard !statements.isEmpty else { return }
        definition["x-amazon-apigateway-policy"] = ["Version": "2012-10-17", "Statement": .array(statements)]
    }
}
