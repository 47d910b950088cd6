import CommandSupport
/// `gateway SUBCOMMAND …`: the local API Gateway's command-line edge.
public enum GatewayCommand {
    /// The top-level `--help` text.
    public static let help = """
        Usage: gateway <command> [options]

        Commands:
          serve         serve the API over HTTP at http://127.0.0.1:8080/STAGE/... (the local invoke URL)
          test-invoke   run one request through a stage, as the console's Test button does
          deploy        deploy the current definition file to a stage
          export        write a stage's API as OpenAPI 3 or Swagger 2 (API Gateway's get-export)
          keys          list, show, create, enable or disable API keys
          usage         requests used and remaining per key and usage plan
          lambda        publish versions, move aliases, invoke functions
          cognito       tokens of a Cognito user pool, signed by the local issuer
          render        render an API Gateway mapping template (VTL) with a request's values

        The API is read from --deployment FILE (default: Schemas/ItemsAPI.deployment.json when the
        current directory has it, else the ItemsAPI built into this executable) and the
        definition files it names; keys, quota use, versions, aliases and deployments persist in
        --state DIR (default: .gateway/NAME beside the deployment file, Schemas/.gateway/ItemsAPI).

        Run 'gateway <command> --help' for a command's options.

        """

    /// Runs a subcommand; returns the exit status. `functions` are the handlers built into the
    /// executable that deployments may name; `waitForStop` replaces waiting for SIGINT or
    /// SIGTERM in `serve` (tests stop the server with it).
    public static func run(
        arguments: [String], io: CommandIO, functions: BuiltInFunctions = BuiltInFunctions(), waitForStop: (() -> Void)? = nil
    ) -> Int32 {
        guard let command = arguments.first else {
            io.printError(help)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "render": return RenderCommand.run(arguments: rest, io: io)
        case "serve": return ServeCommand.run(arguments: rest, io: io, functions: functions, waitForStop: waitForStop)
        case "test-invoke": return GatewayManagement.testInvoke(rest, io: io, functions: functions)
        case "deploy": return GatewayManagement.deploy(rest, io: io, functions: functions)
        case "export": return GatewayManagement.export(rest, io: io, functions: functions)
        case "keys": return GatewayManagement.keys(rest, io: io, functions: functions)
        case "usage": return GatewayManagement.usage(rest, io: io, functions: functions)
        case "lambda": return GatewayManagement.lambda(rest, io: io, functions: functions)
        case "cognito": return CognitoCommand.run(rest, io: io, functions: functions)
        case "-h", "--help", "help":
            io.print(help)
            return 0
        default:
            io.printError("gateway: unknown command '\(command)'\n\(help)")
            return 2
        }
    }
}
