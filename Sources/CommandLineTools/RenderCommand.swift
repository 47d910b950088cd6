import CommandSupport
import MappingTemplates

/// `gateway render`: renders a mapping template as API Gateway would for one request.
public enum RenderCommand {
    /// The `--help` text.
    public static let help = """
        Usage: gateway render (--template FILE | -e TEXT) [options]

        Renders an API Gateway mapping template (VTL) and prints the result.

        Options:
          -t, --template FILE     the template file (- for standard input)
          -e, --expression TEXT   the template text itself
              --body FILE         the payload, from a file ($input.body, $input.path, $input.json)
          -b, --body-text TEXT    the payload, given inline
              --path-param K=V    a path parameter (repeatable)
              --query K=V         a query-string parameter (repeatable)
              --header K:V        a header (repeatable)
              --stage-var K=V     a stage variable (repeatable)
              --context K=V       a $context field: stage, requestId, httpMethod, resourcePath,
                                  path, apiId, sourceIp, apiKey (repeatable)
          -h, --help              show this help

        Exit status: 0 rendered; 2 usage error, unreadable file, or a template error
        (reported with line:column and a caret under the place).

        Example:
          gateway render -e '{"ID": $input.params("ID")}' --path-param ID=7

        """

    /// Runs the command; returns the exit status.
    public static func run(arguments: [String], io: CommandIO) -> Int32 {
        func usage(_ message: String) -> Int32 {
            io.printError("gateway render: \(message)\nTry 'gateway render --help' for more information.\n")
            return 2
        }
        /// A file's text (`-` is standard input); nil after reporting an unreadable file.
        func readText(_ path: String) -> String? {
            guard let bytes = path == "-" ? io.readStandardInput() : FileReader.read(path: path) else {
                io.printError("gateway render: \(path): cannot read the file: \(FileReader.whyUnreadable(path: path))\n")
                return nil
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        func pair(_ text: String, separator: Character) -> (String, String)? {
            guard let split = text.firstIndex(of: separator), split != text.startIndex else { return nil }
            return (String(text[..<split]), String(text[text.index(after: split)...]))
        }
        var source: String?
        var body = ""
        var parameters = RequestParameters()
        var stageVariables: [(String, String)] = []
        var context = RequestContext()
        context.requestId = "test-invoke-request"
        context.stage = "test-invoke-stage"
        context.identity = ["sourceIp": "test-invoke-source-ip", "userAgent": "gateway render"]
        var scanner = ArgumentScanner(arguments)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            func value() -> String? { inline ?? scanner.value() }
            switch name {
            case "-h", "--help":
                io.print(help)
                return 0
            case "-t", "--template":
                guard let path = value() else { return usage("\(name) needs a file") }
                guard let text = readText(path) else { return 2 }
                source = text
            case "-e", "--expression":
                guard let text = value() else { return usage("\(name) needs the template text") }
                source = text
            case "--body":
                guard let path = value() else { return usage("--body needs a file") }
                guard let text = readText(path) else { return 2 }
                body = text
            case "-b", "--body-text":
                guard let text = value() else { return usage("\(name) needs the payload text") }
                body = text
            case "--path-param", "--query", "--stage-var", "--context":
                guard let text = value(), let (key, item) = pair(text, separator: "=") else { return usage("\(name) needs K=V") }
                switch name {
                case "--path-param": parameters.path.append((key, item))
                case "--query": parameters.querystring.append((key, item))
                case "--stage-var": stageVariables.append((key, item))
                default:
                    switch key {
                    case "stage": context.stage = item
                    case "requestId": context.requestId = item
                    case "httpMethod": context.httpMethod = item
                    case "resourcePath": context.resourcePath = item
                    case "path": context.path = item
                    case "apiId": context.apiId = item
                    case "sourceIp", "apiKey", "apiKeyId", "userAgent": context.identity[key] = item
                    default: return usage("unknown --context field '\(key)'")
                    }
                }
            case "--header":
                guard let text = value(), let (key, item) = pair(text, separator: ":") else { return usage("--header needs K:V") }
                parameters.header.append((key, item.trimmingLeadingSpaces))
            default:
                return usage("unknown option \(name)")
            }
        }
        guard let source else { return usage("no template given (use --template FILE or -e TEXT)") }
        let template: MappingTemplate
        do {
            template = try MappingTemplate(source)
        } catch {
            io.printError("gateway render: template error at \(error.description)\n")
            return 2
        }
        do {
            let input = MappingTemplateInput(body: body, parameters: parameters, context: context, stageVariables: stageVariables)
            let output = try template.render(input)
            io.print(output.body)
            if !output.body.hasSuffix("\n") { io.print("\n") }
            return 0
        } catch {
            io.printError("gateway render: rendering failed at \(error.description)\n")
            return 2
        }
    }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
