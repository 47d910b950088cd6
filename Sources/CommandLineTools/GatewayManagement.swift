import TextAndFiles
import CommandSupport
import APIGateway
import ControlPlane
import HTTPCore
import JSONCore
import LambdaRuntime
import LocalGateway
import MappingTemplates

/// The `gateway` subcommands that manage the local API: `deploy`, `keys`, `usage`, `lambda`
/// and `test-invoke`. They are clients of the control plane's AWS APIs: of the running
/// `gateway serve` when one owns the state directory (so changes take effect at once), or of a
/// control plane loaded here for the command's duration, holding the directory's lock.
enum GatewayManagement {
    static let commonOptions = """
          --deployment FILE    the deployment file (default: Schemas/ItemsAPI.deployment.json
                               when the current directory has it, else the ItemsAPI built into
                               this executable)
          --template FILE      (commands other than serve) the project that
                               `gateway serve --template FILE` runs: its state directory and
                               the deployment made there
          --state DIR          the state directory (default: .gateway/NAME beside the
                               deployment file, NAME its name without .deployment.json:
                               Schemas/.gateway/ItemsAPI; .gateway/ItemsAPI here for the
                               built-in ItemsAPI)
        """

    struct Common {
        var deploymentFile = ProjectLocation.repositoryDeployment
        var stateDirectory = ""
        /// Whether the options named them (else the defaults were taken).
        var deploymentGiven = false
        var stateGiven = false
        var rest: [String] = []
        /// The handlers built into the executable.
        var handlers: [String: any LambdaHandler] = [:]
    }

    /// Splits out `--deployment` and `--state` and applies the defaults (`ProjectLocation`);
    /// nil (after printing) on a usage error or a deployment file that is not there.
    static func common(_ arguments: [String], command: String, io: CommandIO, functions: BuiltInFunctions) -> Common? {
        var result = Common()
        result.handlers = functions.handlers
        var scanner = ArgumentScanner(arguments)
        var template: String? = nil
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            if name == "--template", command != "serve" {
                // The project a `gateway serve --template` runs: its state directory, and the
                // deployment it made there.
                guard let value = inline ?? scanner.value() else {
                    io.printError("gateway \(command): --template needs the template file\n")
                    return nil
                }
                template = value
                continue
            }
            guard name == "--deployment" || name == "--state" else {
                result.rest.append(argument)
                continue
            }
            guard let value = inline ?? scanner.value() else {
                io.printError("gateway \(command): \(name) needs \(name == "--state" ? "a directory" : "a file")\n")
                return nil
            }
            if name == "--state" {
                result.stateDirectory = value
                result.stateGiven = true
            } else {
                result.deploymentFile = value
                result.deploymentGiven = true
            }
        }
        if let template {
            if !result.stateGiven { result.stateDirectory = ProjectLocation.stateDirectory(forDeployment: template) }
            result.stateGiven = true
            result.deploymentFile = result.stateDirectory + "/template/deployment.json"
            result.deploymentGiven = true
            guard FileSystem.isFile(result.deploymentFile) else {
                io.printError("gateway \(command): \(template) has not been served yet (no \(result.deploymentFile)): run gateway serve --template \(template) first\n")
                return nil
            }
        }
        if !result.deploymentGiven && !FileSystem.isFile(ProjectLocation.repositoryDeployment) {
            do {
                result.deploymentFile = try ProjectLocation.bundledDeployment()
            } catch {
                io.printError("gateway \(command): \(error.message)\n")
                return nil
            }
            if !result.stateGiven { result.stateDirectory = ".gateway/ItemsAPI" }
        } else if !FileSystem.isFile(result.deploymentFile) {
            let why = FileReader.whyUnreadable(path: result.deploymentFile)
            io.printError("gateway \(command): \(result.deploymentFile): \(why); name the deployment file with --deployment FILE\n")
            return nil
        }
        if !result.stateGiven {
            result.stateDirectory = result.stateDirectory.isEmpty ? ProjectLocation.stateDirectory(forDeployment: result.deploymentFile) : result.stateDirectory
            // The state an earlier version kept in ./.gateway stays where it is: say how to use it.
            if !FileSystem.isFile(result.stateDirectory + "/state.json"), FileSystem.isFile(".gateway/state.json") {
                io.printError(
                    "gateway \(command): note: the state directory is now \(result.stateDirectory) (beside the deployment file); "
                        + ".gateway holds the state an earlier version kept: add --state .gateway to go on with it\n")
            }
        }
        return result
    }

    /// The Lambda code built into the executable.

    /// The control plane's API, reached as the state directory says: the running server, or a
    /// control plane loaded here (the lock held until `release`).
    struct Session {
        let client: ControlClient
        /// Set when the command owns the directory (keeps the lock and the control plane alive).
        let local: ControlPlane?
        let lock: StateDirectory.Lock?
        /// Where the request went, for messages.
        let server: StateDirectory.ServerRecord?
        /// Set when there is no state yet and the answers come from the files alone (a
        /// read-only command): what the state would generate (key values) is not known yet.
        var ephemeralState: String? = nil

        /// Sends a request; a failure answer becomes an error with AWS's message.
        func call(_ service: String, _ method: String, _ target: String, body: JSONValue? = nil, headers: [(String, String)] = []) throws(CommandFailure)
            -> ControlClient.Answer
        {
            let answer: ControlClient.Answer
            do {
                answer = try client.send(service, method, target, body: body, headers: headers)
            } catch {
                throw CommandFailure(message: "\(server.map { "the server at \($0.url) (pid \($0.pid))" } ?? "the control plane"): \(error.description)")
            }
            guard (200..<300).contains(answer.status) else { throw CommandFailure(message: answer.errorMessage) }
            return answer
        }

        /// The REST API's id.
        func apiId() throws(CommandFailure) -> String {
            let answer = try call("apigateway", "GET", "/restapis")
            guard let id = answer.json["item"]?.arrayValue?.first?["id"]?.stringValue else { throw CommandFailure(message: "no REST API is deployed") }
            return id
        }
    }

    /// A command's failure: its message (exit status 2).
    struct CommandFailure: Error {
        let message: String
    }

    /// Opens the session for a command: the server when one runs on the state directory,
    /// otherwise the directory itself (under its lock).
    static func session(_ common: Common, command: String, io: CommandIO, readOnly: Bool = false) -> Session? {
        let directory = StateDirectory(common.stateDirectory)
        // A command that only reads never makes a state directory: with none yet (and no
        // server), it answers from the files alone and writes nothing.
        if readOnly, !FileSystem.isFile(common.stateDirectory + "/state.json"), directory.runningServer() == nil {
            do {
                let control = try ControlPlane.load(
                    deploymentFile: common.deploymentFile, stateDirectory: nil, handlers: common.handlers, readOnly: true,
                    codeRunner: LocalGateway.codeRunner(stateDirectory: common.stateDirectory, readOnly: true))
                io.printError("gateway \(command): note: no state in \(common.stateDirectory) yet; answered from the files (generated key values are not kept)\n")
                let credentials = StateDirectory.Credentials(accessKeyId: "LOCAL", secretAccessKey: "local")
                return Session(
                    client: ControlClient(transport: .inProcess(FrontDoor(control: control)), credentials: credentials, region: control.configuration.region),
                    local: control, lock: nil, server: nil, ephemeralState: common.stateDirectory)
            } catch {
                io.printError("gateway \(command): \(error.description)\n")
                return nil
            }
        }
        do {
            for attempt in 0..<50 {
                if let lock = try directory.tryLock() {
                    let control = try ControlPlane.load(
                        deploymentFile: common.deploymentFile, stateDirectory: common.stateDirectory, handlers: common.handlers,
                        codeRunner: LocalGateway.codeRunner(stateDirectory: common.stateDirectory))
                    let credentials = StateDirectory.Credentials(accessKeyId: "LOCAL", secretAccessKey: "local")
                    return Session(
                        client: ControlClient(transport: .inProcess(FrontDoor(control: control)), credentials: credentials, region: control.configuration.region),
                        local: control, lock: lock, server: nil)
                }
                // A server that no longer accepts connections is stopping: wait for its lock.
                if let server = directory.runningServer(), ControlClient.accepts(host: server.host, port: server.port) {
                    let credentials = try directory.credentials()
                    return Session(
                        client: ControlClient(transport: .http(host: server.host, port: server.port), credentials: credentials), local: nil, lock: nil,
                        server: server)
                }
                // A server is starting (it holds the lock, its address is not written yet) or stopping.
                if attempt < 49 { usleep(100_000) }
            }
            io.printError(
                "gateway \(command): \(common.stateDirectory) is locked by another process, and no server that accepts connections is recorded there\n")
            return nil
        } catch {
            io.printError("gateway \(command): \(error.description)\n")
            return nil
        }
    }

    static func fail(_ command: String, _ message: String, io: CommandIO) -> Int32 {
        io.printError("gateway \(command): \(message)\nTry 'gateway \(command) --help' for more information.\n")
        return 2
    }

    /// Runs `body` with a session, printing its failure.
    static func run(
        _ common: Common, _ command: String, io: CommandIO, readOnly: Bool = false, _ body: (Session) throws(CommandFailure) -> Int32
    ) -> Int32 {
        guard let session = session(common, command: command, io: io, readOnly: readOnly) else { return 2 }
        do {
            return try body(session)
        } catch {
            io.printError("gateway \(command): \(error.message)\n")
            return 2
        }
    }

    /// `/path/with spaces` → `/path/with%20spaces` (path segments as the SDKs encode them).
    static func encode(_ segment: String) -> String { URLEncoding.encodePathSegment(segment) }

    // MARK: - deploy

    static let deployHelp = """
        Usage: gateway deploy --stage NAME [--description TEXT] [options]

        Deploys the current definition file to a stage (the console's Deploy API, CreateDeployment).
        Until then the stage keeps serving the snapshot it was last deployed with.

        \(commonOptions)

        """

    static func deploy(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(deployHelp); return 0 }
        guard let common = common(arguments, command: "deploy", io: io, functions: functions) else { return 2 }
        var stage: String?
        var description = ""
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            switch name {
            case "--stage": stage = inline ?? scanner.value()
            case "--description": description = inline ?? scanner.value() ?? ""
            default: return fail("deploy", "unexpected argument \(argument)", io: io)
            }
        }
        guard let stage else { return fail("deploy", "--stage is required", io: io) }
        return run(common, "deploy", io: io) { (session) throws(CommandFailure) in
            let apiId = try session.apiId()
            let answer = try session.call(
                "apigateway", "POST", "/restapis/\(encode(apiId))/deployments", body: ["stageName": .string(stage), "description": .string(description)])
            io.print("deployed stage \(stage)" + (answer.json["id"]?.stringValue.map { " (deployment \($0))" } ?? "") + "\n")
            return 0
        }
    }

    // MARK: - keys

    static let keysHelp = """
        Usage: gateway keys [list | show NAME | create NAME [--value V] [--plan PLAN]... | enable NAME | disable NAME] [options]

        Lists and manages API keys. `list` hides values; `show` prints one key with its value.
        `create` generates a 40-character value unless --value (20–128 characters) is given.

        \(commonOptions)

        """

    /// A list in the server's answer (absent: empty); another shape is an error naming it, never
    /// read as empty.
    static func listed(_ answer: JSONValue, _ member: String) throws(CommandFailure) -> [JSONValue] {
        do { return try JSONShape.elements(answer[member]) } catch { throw CommandFailure(message: "the server's answer: \(member): \(error.message)") }
    }

    /// A mapping in the server's answer (absent: empty); another shape is an error naming it.
    static func mapped(_ answer: JSONValue, _ member: String) throws(CommandFailure) -> JSONObject {
        do { return try JSONShape.members(answer[member]) } catch { throw CommandFailure(message: "the server's answer: \(member): \(error.message)") }
    }

    /// The keys (with values) and the plans (id → name) each belongs to.
    static func keyTable(_ session: Session) throws(CommandFailure) -> [(json: JSONValue, plans: [String])] {
        let keys = try GatewayManagement.listed(try session.call("apigateway", "GET", "/apikeys?includeValues=true").json, "item")
        let plans = try GatewayManagement.listed(try session.call("apigateway", "GET", "/usageplans").json, "item")
        var members: [String: [String]] = [:]
        for plan in plans {
            guard let id = plan["id"]?.stringValue, let name = plan["name"]?.stringValue else { continue }
            for key in try GatewayManagement.listed(try session.call("apigateway", "GET", "/usageplans/\(encode(id))/keys").json, "item") {
                if let keyId = key["id"]?.stringValue { members[keyId, default: []].append(name) }
            }
        }
        return keys.map { key in (key, members[key["id"]?.stringValue ?? ""] ?? []) }
    }

    static func keys(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(keysHelp); return 0 }
        guard let common = common(arguments, command: "keys", io: io, functions: functions) else { return 2 }
        var words = common.rest
        let action = words.isEmpty ? "list" : words.removeFirst()
        guard ["list", "show", "enable", "disable", "create"].contains(action) else { return fail("keys", "unknown action \(action)", io: io) }
        return run(common, "keys", io: io, readOnly: action == "list" || action == "show") { (session) throws(CommandFailure) in
            func plans(_ names: [String]) -> String { names.isEmpty ? "-" : names.joined(separator: ",") }
            func named(_ name: String) throws(CommandFailure) -> (json: JSONValue, plans: [String]) {
                guard let key = try keyTable(session).first(where: { $0.json["name"]?.stringValue == name }) else {
                    throw CommandFailure(message: "no API key named \(name)")
                }
                return key
            }
            func show(_ key: JSONValue, _ names: [String]) {
                io.print(
                    "name: \(key["name"]?.stringValue ?? "")\nid: \(key["id"]?.stringValue ?? "")\nvalue: \(key["value"]?.stringValue ?? "")\n"
                        + "enabled: \(key["enabled"]?.boolValue ?? false)\nusage plans: \(plans(names))\n")
            }
            switch action {
            case "list":
                for (key, names) in try keyTable(session) {
                    let enabled = key["enabled"]?.boolValue ?? false
                    io.print("\(key["name"]?.stringValue ?? "")\tid=\(key["id"]?.stringValue ?? "")\t\(enabled ? "enabled" : "disabled")\tplans=\(plans(names))\n")
                }
            case "show":
                guard let name = words.first else { throw CommandFailure(message: "show needs a key name") }
                let (key, names) = try named(name)
                if let state = session.ephemeralState, session.local?.configuration.apiKeys.first(where: { $0.name == name })?.value == nil {
                    throw CommandFailure(
                        message: "\(name) has no value yet: it is generated when the state directory \(state) is first made "
                            + "(by gateway serve, or a command that changes something)")
                }
                show(key, names)
            case "enable", "disable":
                guard let name = words.first else { throw CommandFailure(message: "\(action) needs a key name") }
                let id = try named(name).json["id"]?.stringValue ?? ""
                _ = try session.call(
                    "apigateway", "PATCH", "/apikeys/\(encode(id))",
                    body: ["patchOperations": [["op": "replace", "path": "/enabled", "value": .string(action == "enable" ? "true" : "false")]]])
                io.print("\(name) \(action)d\n")
            default:
                guard let name = words.first else { throw CommandFailure(message: "create needs a key name") }
                var value: String?
                var planNames: [String] = []
                var scanner = ArgumentScanner(Array(words.dropFirst()))
                while let argument = scanner.next() {
                    let (option, inline) = ArgumentScanner.split(argument)
                    switch option {
                    case "--value": value = inline ?? scanner.value()
                    case "--plan": if let plan = inline ?? scanner.value() { planNames.append(plan) }
                    default: throw CommandFailure(message: "unexpected argument \(argument)")
                    }
                }
                let plans = try GatewayManagement.listed(try session.call("apigateway", "GET", "/usageplans").json, "item")
                var planIds: [String] = []
                for planName in planNames {
                    guard let id = plans.first(where: { $0["name"]?.stringValue == planName })?["id"]?.stringValue else {
                        throw CommandFailure(message: "Invalid Usage Plan ID specified: \(planName)")
                    }
                    planIds.append(id)
                }
                var body: JSONValue = ["name": .string(name), "enabled": true]
                if let value, case .object(var object) = body {
                    object["value"] = .string(value)
                    body = .object(object)
                }
                let key = try session.call("apigateway", "POST", "/apikeys", body: body).json
                let id = key["id"]?.stringValue ?? ""
                for planId in planIds {
                    _ = try session.call("apigateway", "POST", "/usageplans/\(encode(planId))/keys", body: ["keyId": .string(id), "keyType": "API_KEY"])
                }
                show(key, planNames)
            }
            return 0
        }
    }

    // MARK: - usage

    static func usage(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print("Usage: gateway usage [--plan NAME] [options]\n\nRequests used and remaining in the current quota period, per key (GetUsage).\n\n\(commonOptions)\n")
            return 0
        }
        guard let common = common(arguments, command: "usage", io: io, functions: functions) else { return 2 }
        var planFilter: String?
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            guard name == "--plan", let value = inline ?? scanner.value() else { return fail("usage", "unexpected argument \(argument)", io: io) }
            planFilter = value
        }
        return run(common, "usage", io: io, readOnly: true) { (session) throws(CommandFailure) in
            let today = UTCDay.today
            let keys = try GatewayManagement.listed(try session.call("apigateway", "GET", "/apikeys").json, "item")
            for plan in try GatewayManagement.listed(try session.call("apigateway", "GET", "/usageplans").json, "item") {
                guard let id = plan["id"]?.stringValue, let name = plan["name"]?.stringValue, planFilter == nil || planFilter == name else { continue }
                let limit = plan["quota"]?["limit"]?.numberValue?.intValue
                let period = plan["quota"]?["period"]?.stringValue
                let quota = limit.map { "\($0)/\(period ?? "")" } ?? "no quota"
                let stages = try GatewayManagement.listed(plan, "apiStages").compactMap { $0["stage"]?.stringValue }
                io.print("\(name) (\(quota), stages: \(stages.joined(separator: ",")))\n")
                let report = try session.call("apigateway", "GET", "/usageplans/\(encode(id))/usage?startDate=\(today)&endDate=\(today)").json
                for member in try GatewayManagement.mapped(report, "values") {
                    let keyName = keys.first { $0["id"]?.stringValue == member.key }?["name"]?.stringValue ?? member.key
                    guard case .array(let days) = member.value, case .array(let row) = days.last ?? .array([]) else {
                        throw CommandFailure(message: "the server's answer: values/\(member.key): expected a list of [used, remaining] pairs")
                    }
                    let today = row.first?.numberValue?.intValue ?? 0
                    let remaining = row.count > 1 ? row[1].numberValue?.intValue ?? 0 : 0
                    let used = limit.map { $0 - remaining } ?? today
                    io.print("  \(keyName)\tid=\(member.key)\tperiod=\(period ?? "-")\tused=\(used)\tremaining=\(limit == nil ? "-" : String(remaining))\ttoday=\(today)\n")
                }
            }
            return 0
        }
    }

    // MARK: - lambda

    static let lambdaHelp = """
        Usage: gateway lambda update FUNCTION [--handler NAME] [--env K=V]... [--memory MB] [--timeout S]
               gateway lambda publish FUNCTION
               gateway lambda alias FUNCTION ALIAS VERSION [--weight VERSION=SHARE]
               gateway lambda invoke FUNCTION[:QUALIFIER] [--payload JSON]
               gateway lambda list

        Changes $LATEST, publishes $LATEST as a version, points an alias at a version (optionally sending SHARE
        (0–1) of calls to a second version), or invokes a function and prints the result, the
        version that ran and the log lines.

        \(commonOptions)

        """

    static func lambda(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(lambdaHelp); return 0 }
        guard let common = common(arguments, command: "lambda", io: io, functions: functions) else { return 2 }
        var words = common.rest
        guard !words.isEmpty else { return fail("lambda", "an action is required (update, publish, alias, invoke, list)", io: io) }
        let action = words.removeFirst()
        guard ["list", "update", "publish", "alias", "invoke"].contains(action) else { return fail("lambda", "unknown action \(action)", io: io) }
        // Options are checked before anything is changed.
        var handler: String?, memory: Int?, timeout: Double?
        var environment: [(String, String)] = []
        var additional: (String, Double)? = nil
        var payload: JSONValue = [:]
        var scanner = ArgumentScanner(Array(words.dropFirst(action == "alias" ? 3 : 1)))
        while let argument = scanner.next() {
            let (option, inline) = ArgumentScanner.split(argument)
            let value = inline ?? scanner.value()
            switch (action, option) {
            case ("update", "--handler"): handler = value
            case ("update", "--memory"): memory = value.flatMap { Int($0) }
            case ("update", "--timeout"): timeout = value.flatMap { Double($0) }
            case ("update", "--env"):
                guard let value, let equals = value.firstIndex(of: "=") else { return fail("lambda", "--env needs K=V", io: io) }
                environment.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
            case ("alias", "--weight"):
                guard let text = value, let equals = text.firstIndex(of: "="), let share = Double(text[text.index(after: equals)...]) else {
                    return fail("lambda", "--weight needs VERSION=SHARE", io: io)
                }
                additional = (String(text[..<equals]), share)
            case ("invoke", "--payload"):
                do {
                    payload = try JSONParser.parse(value ?? "")
                } catch {
                    return fail("lambda", "--payload is not JSON (\(error.description))", io: io)
                }
            default:
                return fail("lambda", "unexpected argument \(argument)", io: io)
            }
        }
        if let handler, common.handlers[handler] == nil {
            return fail("lambda", "no handler named \(handler) (available: \(common.handlers.keys.sorted().joined(separator: ", ")))", io: io)
        }
        if action != "list" && words.isEmpty { return fail("lambda", "\(action) needs a function name", io: io) }
        if action == "alias" && words.count < 3 { return fail("lambda", "alias needs FUNCTION ALIAS VERSION", io: io) }
        let functions = "/2015-03-31/functions"
        return run(common, "lambda", io: io, readOnly: action == "list" || action == "invoke") { (session) throws(CommandFailure) in
            switch action {
            case "list":
                for function in try GatewayManagement.listed(try session.call("lambda", "GET", functions).json, "Functions") {
                    let name = function["FunctionName"]?.stringValue ?? ""
                    let versions = (try GatewayManagement.listed(try session.call("lambda", "GET", "\(functions)/\(encode(name))/versions").json, "Versions"))
                        .compactMap { $0["Version"]?.stringValue }.filter { $0 != "$LATEST" }
                    let aliases = (try GatewayManagement.listed(try session.call("lambda", "GET", "\(functions)/\(encode(name))/aliases").json, "Aliases")).map { alias in
                        let routing = alias["RoutingConfig"]?["AdditionalVersionWeights"]?.objectValue?.members.first
                        return "\(alias["Name"]?.stringValue ?? "")→\(alias["FunctionVersion"]?.stringValue ?? "")"
                            + (routing.map { " (+\($0.key) at \($0.value.numberValue?.doubleValue ?? 0))" } ?? "")
                    }
                    io.print("\(name)\tversions: \(versions.isEmpty ? "-" : versions.joined(separator: ","))\taliases: \(aliases.joined(separator: ", "))\n")
                }
            case "update":
                let function = words[0]
                let current = try session.call("lambda", "GET", "\(functions)/\(encode(function))/configuration").json
                var variables = try GatewayManagement.mapped(current["Environment"] ?? .null, "Variables")
                for (key, value) in environment { variables[key] = .string(value) }
                var body = JSONObject.of(["Environment": ["Variables": .object(variables)]])
                if let handler { body["Handler"] = .string(handler) }
                if let memory { body["MemorySize"] = .number(JSONNumber(memory)) }
                if let timeout { body["Timeout"] = .number(JSONNumber(Int(timeout))) }
                _ = try session.call("lambda", "PUT", "\(functions)/\(encode(function))/configuration", body: .object(body))
                io.print("updated \(function) $LATEST\n")
            case "publish":
                let version = try session.call("lambda", "POST", "\(functions)/\(encode(words[0]))/versions", body: [:]).json["Version"]?.stringValue ?? "?"
                io.print("published \(words[0]) version \(version)\n")
            case "alias":
                let (function, alias, version) = (words[0], words[1], words[2])
                var body = JSONObject.of(["FunctionVersion": .string(version)])
                body["RoutingConfig"] = ["AdditionalVersionWeights": additional.map { [$0.0: .number(JSONNumber($0.1) ?? JSONNumber(0))] } ?? [:]]
                let path = "\(functions)/\(encode(function))/aliases"
                let exists = (try? session.call("lambda", "GET", "\(path)/\(encode(alias))")) != nil
                if exists {
                    _ = try session.call("lambda", "PUT", "\(path)/\(encode(alias))", body: .object(body))
                } else {
                    body["Name"] = .string(alias)
                    _ = try session.call("lambda", "POST", path, body: .object(body))
                }
                io.print("alias \(function):\(alias) → \(version)" + (additional.map { " (+\($0.0) at \($0.1))" } ?? "") + "\n")
            default:
                let answer = try session.call(
                    "lambda", "POST", "\(functions)/\(encode(words[0]))/invocations", body: payload, headers: [("X-Amz-Log-Type", "Tail")])
                io.print(String(decoding: answer.body, as: UTF8.self) + "\n")
                io.printError("X-Amz-Executed-Version: \(answer.headers["X-Amz-Executed-Version"] ?? "")\n")
                if let error = answer.headers["X-Amz-Function-Error"] { io.printError("X-Amz-Function-Error: \(error)\n") }
                if let log = answer.headers["X-Amz-Log-Result"], let bytes = Base64.decode(log) { io.printError(String(decoding: bytes, as: UTF8.self)) }
                return answer.headers["X-Amz-Function-Error"] == nil ? 0 : 1
            }
            return 0
        }
    }

    // MARK: - test-invoke

    static let testInvokeHelp = """
        Usage: gateway test-invoke --stage NAME METHOD PATH [--header K:V]... [--query K=V]... [--body FILE] [options]

        The console's Test button: runs one request through the stage's pipeline without the
        HTTP server (no API key, usage plan, throttling or cache) and prints the status, latency,
        response headers and body, and the execution log.

        Example: gateway test-invoke --stage prod GET /items/1

        \(commonOptions)

        """

    static func testInvoke(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(testInvokeHelp); return 0 }
        guard let common = common(arguments, command: "test-invoke", io: io, functions: functions) else { return 2 }
        var stage: String?
        var positional: [String] = []
        var headers = HTTPHeaders()
        var query: [(String, String)] = []
        var body: [UInt8] = []
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            switch name {
            case "--stage": stage = inline ?? scanner.value()
            case "--header":
                guard let text = inline ?? scanner.value(), let colon = text.firstIndex(of: ":") else { return fail("test-invoke", "--header needs K:V", io: io) }
                headers.add(String(text[..<colon]), String(text[text.index(after: colon)...].drop { $0 == " " }))
            case "--query":
                guard let text = inline ?? scanner.value(), let equals = text.firstIndex(of: "=") else { return fail("test-invoke", "--query needs K=V", io: io) }
                query.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            case "--body":
                guard let path = inline ?? scanner.value(), let bytes = path == "-" ? io.readStandardInput() : FileReader.read(path: path) else {
                    return fail("test-invoke", "--body needs a readable file", io: io)
                }
                body = bytes
            default:
                if argument.hasPrefix("-") { return fail("test-invoke", "unknown option \(argument)", io: io) }
                positional.append(argument)
            }
        }
        guard let stage else { return fail("test-invoke", "--stage is required", io: io) }
        guard positional.count == 2 else { return fail("test-invoke", "METHOD and PATH are required", io: io) }
        // Only reads the state: works beside a running server, and changes nothing.
        let control: ControlPlane
        do {
            control = try ControlPlane.load(
                deploymentFile: common.deploymentFile, stateDirectory: common.stateDirectory, handlers: common.handlers, readOnly: true,
                codeRunner: LocalGateway.codeRunner(stateDirectory: common.stateDirectory, readOnly: true))
        } catch {
            io.printError("gateway test-invoke: \(error.description)\n")
            return 2
        }
        guard control.apiGateway.stages.contains(where: { $0.name == stage }) else { return fail("test-invoke", "no stage named \(stage)", io: io) }
        let result = control.apiGateway.testInvoke(stage: stage, method: positional[0], path: positional[1], query: query, headers: headers, body: body)
        io.print("Status: \(result.response.status)\nLatency: \(Int(result.latencyMilliseconds.rounded())) ms\n\nResponse headers:\n")
        for field in result.response.headers { io.print("  \(field.name): \(field.value)\n") }
        io.print("\nResponse body:\n\(result.response.bodyText)\n\nExecution log:\n")
        for line in result.log { io.print("  \(line)\n") }
        return 0
    }
}

/// Today's date in UTC (`2026-12-02`).
enum UTCDay {
    static var today: String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UTCCalendar.date(Double(time.tv_sec))
    }
}

#if canImport(Glibc)
import Glibc
#endif
