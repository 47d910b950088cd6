/// `gateway SUBCOMMAND …`: the local API Gateway's command-line edge.
public enum GatewayCommand {
    /// The top-level `--help` text.
    public static let help = """
        Usage: gateway <command> [options]

        Commands:
          render    render an API Gateway mapping template (VTL) with a request's values

        Run 'gateway <command> --help' for a command's options.

        """

    /// Runs a subcommand; returns the exit status.
    public static func run(arguments: [String], io: CommandIO) -> Int32 {
        guard let command = arguments.first else {
            io.printError(help)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "render": return RenderCommand.run(arguments: rest, io: io)
        case "-h", "--help", "help":
            io.print(help)
            return 0
        default:
            io.printError("gateway: unknown command '\(command)'\n\(help)")
            return 2
        }
    }
}
