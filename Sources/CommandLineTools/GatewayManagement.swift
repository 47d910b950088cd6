import APIGateway
import HTTPCore
import ItemsService
import JSONCore
import LambdaRuntime

/// The `gateway` subcommands that manage the local API: `deploy`, `keys`, `usage`, `lambda`
/// and `test-invoke`. Each loads the deployment file and the state directory, acts, and
/// saves the state.
enum GatewayManagement {
    static let commonOptions = """
          --deployment FILE    the deployment file (default: Schemas/ItemsAPI.deployment.json)
          --state DIR          the state directory (default: .gateway)
        """

    struct Common {
        var deploymentFile = "Schemas/ItemsAPI.deployment.json"
        var stateDirectory = ".gateway"
        var rest: [String] = []
    }

    /// Splits out `--deployment` and `--state`; nil (after printing) on a usage error.
    static func common(_ arguments: [String], command: String, io: CommandIO) -> Common? {
        var result = Common()
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            guard name == "--deployment" || name == "--state" else {
                result.rest.append(argument)
                continue
            }
            guard let value = inline ?? scanner.value() else {
                io.printError("gateway \(command): \(name) needs \(name == "--state" ? "a directory" : "a file")\n")
                return nil
            }
            if name == "--state" { result.stateDirectory = value } else { result.deploymentFile = value }
        }
        return result
    }

    /// The bundled Lambda code.
    static let handlers: [String: any LambdaHandler] = [ItemsFunction.handlerName: ItemsFunction()]

    static func load(_ common: Common, command: String, io: CommandIO) -> Gateway? {
        do {
            return try Gateway.load(deploymentFile: common.deploymentFile, stateDirectory: common.stateDirectory, handlers: handlers)
        } catch {
            io.printError("gateway \(command): \(error.description)\n")
            return nil
        }
    }

    static func fail(_ command: String, _ message: String, io: CommandIO) -> Int32 {
        io.printError("gateway \(command): \(message)\nTry 'gateway \(command) --help' for more information.\n")
        return 2
    }

    // MARK: - deploy

    static let deployHelp = """
        Usage: gateway deploy --stage NAME [options]

        Deploys the current definition file to a stage (the console's Deploy API). Until then the
        stage keeps serving the snapshot it was last deployed with.

        \(commonOptions)

        """

    static func deploy(_ arguments: [String], io: CommandIO) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(deployHelp); return 0 }
        guard let common = common(arguments, command: "deploy", io: io) else { return 2 }
        var stage: String?
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            guard name == "--stage", let value = inline ?? scanner.value() else { return fail("deploy", "unexpected argument \(argument)", io: io) }
            stage = value
        }
        guard let stage else { return fail("deploy", "--stage is required", io: io) }
        guard let gateway = load(common, command: "deploy", io: io) else { return 2 }
        do {
            try gateway.deploy(stage: stage)
        } catch {
            io.printError("gateway deploy: \(error.description)\n")
            return 2
        }
        io.print("deployed stage \(stage)\n")
        return 0
    }

    // MARK: - keys

    static let keysHelp = """
        Usage: gateway keys [list | show NAME | create NAME [--value V] [--plan PLAN]... | enable NAME | disable NAME] [options]

        Lists and manages API keys. `list` hides values; `show` prints one key with its value.
        `create` generates a 40-character value unless --value (20–128 characters) is given.

        \(commonOptions)

        """

    static func keys(_ arguments: [String], io: CommandIO) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(keysHelp); return 0 }
        guard let common = common(arguments, command: "keys", io: io) else { return 2 }
        var words = common.rest
        let action = words.isEmpty ? "list" : words.removeFirst()
        guard let gateway = load(common, command: "keys", io: io) else { return 2 }
        func plans(_ key: APIKeyRecord) -> String { key.usagePlans.isEmpty ? "-" : key.usagePlans.joined(separator: ",") }
        do {
            switch action {
            case "list":
                for key in gateway.apiKeys {
                    io.print("\(key.name)\tid=\(key.id)\t\(key.enabled ? "enabled" : "disabled")\tplans=\(plans(key))\n")
                }
            case "show":
                guard let name = words.first, let key = gateway.apiKeys.first(where: { $0.name == name }) else {
                    return fail("keys", "no API key named \(words.first ?? "(none)")", io: io)
                }
                io.print("name: \(key.name)\nid: \(key.id)\nvalue: \(key.value)\nenabled: \(key.enabled)\nusage plans: \(plans(key))\n")
            case "enable", "disable":
                guard let name = words.first else { return fail("keys", "\(action) needs a key name", io: io) }
                try gateway.setKeyEnabled(name, action == "enable")
                io.print("\(name) \(action)d\n")
            case "create":
                guard let name = words.first else { return fail("keys", "create needs a key name", io: io) }
                var value: String?
                var planNames: [String] = []
                var scanner = ArgumentScanner(Array(words.dropFirst()))
                while let argument = scanner.next() {
                    let (option, inline) = ArgumentScanner.split(argument)
                    switch option {
                    case "--value": value = inline ?? scanner.value()
                    case "--plan": if let plan = inline ?? scanner.value() { planNames.append(plan) }
                    default: return fail("keys", "unexpected argument \(argument)", io: io)
                    }
                }
                let key = try gateway.createKey(name, value: value, usagePlans: planNames)
                io.print("name: \(key.name)\nid: \(key.id)\nvalue: \(key.value)\nenabled: true\nusage plans: \(plans(key))\n")
            default:
                return fail("keys", "unknown action \(action)", io: io)
            }
        } catch {
            io.printError("gateway keys: \(error.description)\n")
            return 2
        }
        return 0
    }

    // MARK: - usage

    static func usage(_ arguments: [String], io: CommandIO) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            io.print("Usage: gateway usage [--plan NAME] [options]\n\nRequests used and remaining in the current quota period, per key (like GetUsage).\n\n\(commonOptions)\n")
            return 0
        }
        guard let common = common(arguments, command: "usage", io: io) else { return 2 }
        var planFilter: String?
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            guard name == "--plan", let value = inline ?? scanner.value() else { return fail("usage", "unexpected argument \(argument)", io: io) }
            planFilter = value
        }
        guard let gateway = load(common, command: "usage", io: io) else { return 2 }
        for plan in gateway.configuration.usagePlans where planFilter == nil || planFilter == plan.name {
            let quota = plan.quota.map { "\($0.limit)/\($0.period.rawValue)" } ?? "no quota"
            io.print("\(plan.name) (\(quota), stages: \(plan.stages.joined(separator: ",")))\n")
            for row in gateway.usage(plan: plan.name) {
                io.print("  \(row.key.name)\tid=\(row.key.id)\tperiod=\(row.period)\tused=\(row.used)\tremaining=\(row.remaining)\n")
            }
        }
        return 0
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

    static func lambda(_ arguments: [String], io: CommandIO) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(lambdaHelp); return 0 }
        guard let common = common(arguments, command: "lambda", io: io) else { return 2 }
        var words = common.rest
        guard !words.isEmpty else { return fail("lambda", "an action is required (publish, alias, invoke, list)", io: io) }
        let action = words.removeFirst()
        guard let gateway = load(common, command: "lambda", io: io) else { return 2 }
        do {
            switch action {
            case "list":
                for name in gateway.lambda.functionNames {
                    let versions = (try? gateway.lambda.versions(name))?.map(\.0) ?? []
                    let aliases = (try? gateway.lambda.aliases(name))?.map { alias in
                        "\(alias.0)→\(alias.1.version)" + (alias.1.additionalVersion.map { " (+\($0.version) at \($0.weight))" } ?? "")
                    } ?? []
                    io.print("\(name)\tversions: \(versions.isEmpty ? "-" : versions.joined(separator: ","))\taliases: \(aliases.joined(separator: ", "))\n")
                }
            case "update":
                guard let function = words.first else { return fail("lambda", "update needs a function name", io: io) }
                var handler: String?, memory: Int?, timeout: Double?
                var environment: [(String, String)] = []
                var scanner = ArgumentScanner(Array(words.dropFirst()))
                while let argument = scanner.next() {
                    let (option, inline) = ArgumentScanner.split(argument)
                    let value = inline ?? scanner.value()
                    switch option {
                    case "--handler": handler = value
                    case "--memory": memory = value.flatMap { Int($0) }
                    case "--timeout": timeout = value.flatMap { Double($0) }
                    case "--env":
                        guard let value, let equals = value.firstIndex(of: "=") else { return fail("lambda", "--env needs K=V", io: io) }
                        environment.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
                    default: return fail("lambda", "unexpected argument \(argument)", io: io)
                    }
                }
                if let handler, handlers[handler] == nil {
                    return fail("lambda", "no handler named \(handler) (available: \(handlers.keys.sorted().joined(separator: ", ")))", io: io)
                }
                try gateway.updateFunction(function) { configuration in
                    if let handler { configuration.handler = handler }
                    if let memory { configuration.memorySize = memory }
                    if let timeout { configuration.timeout = timeout }
                    for (key, value) in environment { configuration.environment[key] = value }
                }
                io.print("updated \(function) $LATEST\n")
            case "publish":
                guard let function = words.first else { return fail("lambda", "publish needs a function name", io: io) }
                io.print("published \(function) version \(try gateway.publishVersion(function))\n")
            case "alias":
                guard words.count >= 3 else { return fail("lambda", "alias needs FUNCTION ALIAS VERSION", io: io) }
                var additional: (String, Double)? = nil
                var scanner = ArgumentScanner(Array(words.dropFirst(3)))
                while let argument = scanner.next() {
                    let (option, inline) = ArgumentScanner.split(argument)
                    guard option == "--weight", let text = inline ?? scanner.value(), let equals = text.firstIndex(of: "="),
                        let share = Double(text[text.index(after: equals)...])
                    else { return fail("lambda", "--weight needs VERSION=SHARE", io: io) }
                    additional = (String(text[..<equals]), share)
                }
                try gateway.setAlias(words[1], function: words[0], version: words[2], additional: additional)
                io.print("alias \(words[0]):\(words[1]) → \(words[2])" + (additional.map { " (+\($0.0) at \($0.1))" } ?? "") + "\n")
            case "invoke":
                guard let function = words.first else { return fail("lambda", "invoke needs a function", io: io) }
                var payload: JSONValue = [:]
                var scanner = ArgumentScanner(Array(words.dropFirst()))
                while let argument = scanner.next() {
                    let (option, inline) = ArgumentScanner.split(argument)
                    guard option == "--payload", let text = inline ?? scanner.value() else { return fail("lambda", "unexpected argument \(argument)", io: io) }
                    do {
                        payload = try JSONParser.parse(text)
                    } catch {
                        return fail("lambda", "--payload is not JSON (\(error.description))", io: io)
                    }
                }
                let result = try gateway.lambda.invoke(function, payload: payload, collectLogs: true)
                io.print(JSONWriter.compact.string(result.payload) + "\n")
                io.printError("X-Amz-Executed-Version: \(result.executedVersion)\n")
                if let error = result.functionError { io.printError("X-Amz-Function-Error: \(error)\n") }
                for line in result.logLines { io.printError(line + "\n") }
                try gateway.saveState()
                return result.functionError == nil ? 0 : 1
            default:
                return fail("lambda", "unknown action \(action)", io: io)
            }
        } catch let error as LambdaServiceError {
            io.printError("gateway lambda: \(error.description)\n")
            return 2
        } catch let error as GatewayLoadError {
            io.printError("gateway lambda: \(error.description)\n")
            return 2
        } catch {
            io.printError("gateway lambda: \(error)\n")
            return 2
        }
        return 0
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

    static func testInvoke(_ arguments: [String], io: CommandIO) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(testInvokeHelp); return 0 }
        guard let common = common(arguments, command: "test-invoke", io: io) else { return 2 }
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
        guard let gateway = load(common, command: "test-invoke", io: io) else { return 2 }
        let result = gateway.testInvoke(stage: stage, method: positional[0], path: positional[1], query: query, headers: headers, body: body)
        io.print("Status: \(result.response.status)\nLatency: \(Int(result.latencyMilliseconds.rounded())) ms\n\nResponse headers:\n")
        for field in result.response.headers { io.print("  \(field.name): \(field.value)\n") }
        io.print("\nResponse body:\n\(result.response.bodyText)\n\nExecution log:\n")
        for line in result.log { io.print("  \(line)\n") }
        try? gateway.saveState()
        return 0
    }
}
