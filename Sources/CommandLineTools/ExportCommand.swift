#if canImport(Glibc)
import CommandSupport
import Glibc
#endif
import YAMLCore

extension GatewayManagement {
    static let exportHelp = """
        Usage: gateway export --stage NAME [--format oas30|swagger] [--no-extensions] [--yaml] [--output FILE] [options]

        Writes the API as deployed to a stage, as API Gateway's GetExport does with
        extensions=apigateway: one self-contained document (models inlined under
        components.schemas, or definitions for swagger; every $ref inside it), every path
        parameter declared, the stage's invoke URL as the server, and the
        x-amazon-apigateway-* extensions (--no-extensions leaves them out). The same export
        answers `aws apigateway get-export`. Writes to standard output unless --output is given;
        as YAML with --yaml or an --output named *.yaml or *.yml (GetExport's Accept:
        application/yaml), JSON otherwise.

        \(commonOptions)

        """

    static func export(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") { io.print(exportHelp); return 0 }
        guard let common = common(arguments, command: "export", io: io, functions: functions) else { return 2 }
        var stage: String?
        var format = "oas30"
        var extensions = true
        var output: String?
        var yaml = false
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            switch name {
            case "--stage": stage = inline ?? scanner.value()
            case "--format": format = inline ?? scanner.value() ?? ""
            case "--no-extensions": extensions = false
            case "--yaml": yaml = true
            case "--output", "-o": output = inline ?? scanner.value()
            default: return fail("export", "unexpected argument \(argument)", io: io)
            }
        }
        guard let stage else { return fail("export", "--stage is required", io: io) }
        if let output, DocumentText.format(ofPath: output) == .yaml { yaml = true }
        guard format == "oas30" || format == "swagger" else { return fail("export", "--format is oas30 or swagger, not \(format)", io: io) }
        return run(common, "export", io: io, readOnly: true) { (session) throws(CommandFailure) in
            let apiId = try session.apiId()
            let answer = try session.call(
                "apigateway", "GET", "/restapis/\(encode(apiId))/stages/\(encode(stage))/exports/\(format)" + (extensions ? "?extensions=apigateway" : ""),
                headers: [("Accept", yaml ? "application/yaml" : "application/json")])
            // JSON text ends without a line break, YAML with one.
            let text = yaml ? answer.body : answer.body + [0x0A]
            guard let output else {
                io.writeOutput(text)
                return 0
            }
            if let failure = FileSystem.writeFile(text, to: output) {
                throw CommandFailure(message: "cannot write \(output): \(failure)")
            }
            io.printError("gateway export: stage \(stage) as \(format) (\(yaml ? "YAML" : "JSON")) written to \(output)\n")
            return 0
        }
    }
}
