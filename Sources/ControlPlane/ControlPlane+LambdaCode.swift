import APIGateway
import JSONCore
import LambdaRuntime

/// Lambda's operations on code and permissions: CreateFunction and UpdateFunctionCode from a
/// zip package (unpacked by the code runner, checked against Lambda's limits), DeleteFunction,
/// and the resource-based policy (AddPermission, RemovePermission, GetPolicy). Each change
/// goes through the `StateCommitter`, as every other.
extension LambdaControl {
    /// CreateFunction from a zip package: 409 when the function exists; the runtime must be
    /// one that runs here. `configuration`'s code and package digest are set from the package.
    @discardableResult
    public func createFunction(
        _ name: String, configuration: FunctionConfiguration, package: [UInt8], publish: Bool = false
    ) throws(ControlError) -> FunctionDescription {
        if service.functionNames.contains(name) { throw ControlError(status: 409, type: "ResourceConflictException", message: "Function already exist: \(name)") }
        let configuration = try unpacked(name, configuration: configuration, package: package)
        let version = try committer.changeLambda { (catalog) throws(LambdaServiceError) -> String? in
            guard catalog.functions[name] == nil else {
                throw LambdaServiceError(status: 409, type: "ResourceConflictException", message: "Function already exist: \(name)")
            }
            catalog.createFunction(name, configuration: configuration)
            catalog.functions[name]?.createdByAPI = true
            return publish ? try catalog.publishVersion(name, codeRunner: service.codeRunner) : nil
        }
        return try function(name, qualifier: version)
    }

    /// UpdateFunctionCode: `$LATEST` runs the package from the next invocation (published
    /// versions are untouched); `publish` publishes it as a version too.
    @discardableResult
    public func updateFunctionCode(_ reference: String, package: [UInt8], publish: Bool = false) throws(ControlError) -> FunctionDescription {
        let name = LambdaControl.functionName(reference).name
        let current = try function(name).configuration
        guard current.runtime != nil else {
            throw .invalidParameter("\(name) runs a built-in handler of this gateway; its code cannot be replaced with a package")
        }
        let configuration = try unpacked(name, configuration: current, package: package)
        let version = try committer.changeLambda { (catalog) throws(LambdaServiceError) -> String? in
            var latest = try catalog.function(name).latest
            latest.code = configuration.code
            latest.package = configuration.package
            try catalog.updateFunction(name, configuration: latest)
            return publish ? try catalog.publishVersion(name, codeRunner: service.codeRunner) : nil
        }
        return try function(name, qualifier: version)
    }

    /// `configuration` running `package`, unpacked and checked: the runtime runs here, its
    /// interpreter is found (a warning goes to the log when its version differs).
    func unpacked(_ name: String, configuration: FunctionConfiguration, package: [UInt8]) throws(ControlError) -> FunctionConfiguration {
        guard let codeRunner = service.codeRunner else {
            throw .invalidParameter("This gateway runs no code from packages (it was started without a code runner)")
        }
        var configuration = configuration
        let unpacked = try lambdaCall { () throws(LambdaServiceError) in try codeRunner.unpack(function: name, package: package) }
        configuration.code = unpacked.directory
        configuration.package = unpacked.digest
        configuration.codeSha256 = nil
        let warnings = try lambdaCall { () throws(LambdaServiceError) in try codeRunner.prepare(configuration) }
        for warning in warnings { logSink?(.message("warning: \(name): \(warning)")) }
        return configuration
    }

    /// DeleteFunction: the function with its versions, aliases and policy, or one published
    /// version (`qualifier`).
    public func deleteFunction(_ reference: String, qualifier: String? = nil) throws(ControlError) {
        let (name, embedded) = LambdaControl.functionName(reference)
        let version = qualifier ?? embedded
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in
            if let version {
                try catalog.deleteVersion(name, version: version)
            } else {
                try catalog.deleteFunction(name)
            }
        }
        // Once the deletion is durable, the code the runner kept for the function goes too.
        if version == nil { service.codeRunner?.discard(function: name) }
    }

    /// AddPermission: a statement allowing `principal` to call `action` on the function (or
    /// on `qualifier`), with the conditions Lambda writes for a source ARN, a source account
    /// and an organization. Returns the statement.
    @discardableResult
    public func addPermission(
        _ reference: String, qualifier: String?, statementId: String, action: String, principal: String, sourceArn: String? = nil,
        sourceAccount: String? = nil, principalOrgId: String? = nil
    ) throws(ControlError) -> JSONValue {
        let name = LambdaControl.functionName(reference).name
        if let qualifier { _ = try function(name, qualifier: qualifier) }
        var condition = JSONObject()
        var equals = JSONObject()
        if let sourceAccount { equals["AWS:SourceAccount"] = .string(sourceAccount) }
        if let principalOrgId { equals["aws:PrincipalOrgID"] = .string(principalOrgId) }
        if !equals.isEmpty { condition["StringEquals"] = .object(equals) }
        if let sourceArn { condition["ArnLike"] = ["AWS:SourceArn": .string(sourceArn)] }
        var statement = JSONObject.of([
            "Sid": .string(statementId), "Effect": "Allow", "Principal": LambdaControl.principal(principal), "Action": .string(action),
            "Resource": .string(service.arn(name, qualifier: qualifier)),
        ])
        if !condition.isEmpty { statement["Condition"] = .object(condition) }
        let added = JSONValue.object(statement)
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in try catalog.addPermission(name, qualifier: qualifier, statement: added) }
        return added
    }

    /// RemovePermission.
    public func removePermission(_ reference: String, qualifier: String?, statementId: String) throws(ControlError) {
        let name = LambdaControl.functionName(reference).name
        try committer.changeLambda { (catalog) throws(LambdaServiceError) in try catalog.removePermission(name, qualifier: qualifier, sid: statementId) }
    }

    /// GetPolicy: the policy document of the function (or `qualifier`), 404 when it has no
    /// statement.
    public func policy(_ reference: String, qualifier: String?) throws(ControlError) -> JSONValue {
        let name = LambdaControl.functionName(reference).name
        let statements = try lambdaCall { () throws(LambdaServiceError) in try service.catalog().function(name).policy[qualifier ?? ""] ?? [] }
        guard !statements.isEmpty else { throw .functionNotFound("The resource you requested does not exist.") }
        return ["Version": "2012-10-17", "Id": "default", "Statement": .array(statements)]
    }

    /// A principal as Lambda writes it in a statement: a service, an account, an ARN or `*`.
    static func principal(_ text: String) -> JSONValue {
        if text == "*" { return "*" }
        if text.hasSuffix(".amazonaws.com") || text.hasSuffix(".amazonaws.com.cn") { return ["Service": .string(text)] }
        if text.count == 12, text.allSatisfy(\.isNumber) { return ["AWS": .string("arn:aws:iam::\(text):root")] }
        return ["AWS": .string(text)]
    }
}
