#if canImport(Glibc)
import CommandSupport
import Glibc
#endif
import YAMLCore

extension GatewayManagement {
    static let exportHelp = """
        Usage: gateway export --stage NAME [--format oas30|swagger] [--no-extensions] [--yaml] [--output FILE] [options]
               gateway export --format cloudformation|sam [--yaml] [--output FILE] [options]

        Writes the API as deployed to a stage, as API Gateway's GetExport does with
        extensions=apigateway: one self-contained document (models inlined under
        components.schemas, or definitions for swagger; every $ref inside it), every path
        parameter declared, the stage's invoke URL as the server, and the
        x-amazon-apigateway-* extensions (--no-extensions leaves them out). The same export
        answers `aws apigateway get-export`. Writes to standard output unless --output is given;
        as YAML with --yaml or an --output named *.yaml or *.yml (GetExport's Accept:
        application/yaml), JSON otherwise.

        --format cloudformation or sam writes the whole project as a template instead (every
        stage; no --stage): one AWS::ApiGateway::RestApi per definition with its body, a Stage
        per stage (variables, cache, throttles), the functions that run from a code directory
        with their local code path (relative to the output file), versions, aliases, usage
        plans and API keys without their values. `gateway serve --template` serves it; `sam
        deploy` or `aws cloudformation package` + `deploy` deploys it. Built-in handlers have
        no code to export: they are named under Metadata.NotExported.

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
        if let output, DocumentText.format(ofPath: output) == .yaml { yaml = true }
        let isTemplate = format == "cloudformation" || format == "sam"
        guard format == "oas30" || format == "swagger" || isTemplate else {
            return fail("export", "--format is oas30, swagger, cloudformation or sam, not \(format)", io: io)
        }
        guard let stage = stage ?? (isTemplate ? "" : nil) else { return fail("export", "--stage is required", io: io) }
        return run(common, "export", io: io, readOnly: true) { (session) throws(CommandFailure) in
            let apiId = try session.apiId()
            var stageName = stage
            var query = extensions ? "?extensions=apigateway" : ""
            if isTemplate {
                stageName = try session.call("apigateway", "GET", "/restapis/\(encode(apiId))/stages").json["item"]?.arrayValue?.first?["stageName"]?.stringValue ?? "-"
                let target = FileSystem.absolute(output.map { path in path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "." } ?? ".")
                query = "?relativeTo=" + PercentEncoding.encode(target, keeping: .unreserved)
            }
            let answer = try session.call(
                "apigateway", "GET", "/restapis/\(encode(apiId))/stages/\(encode(stageName))/exports/\(format)" + query,
                headers: [("Accept", yaml ? "application/yaml" : "application/json")])
            // JSON text ends without a line break, YAML with one.
            let text = yaml ? answer.body : answer.body + [0x0A]
            guard let output else {
                io.writeOutput(text)
                return 0
            }
            if let slash = output.lastIndex(of: "/"), slash != output.startIndex, let problem = FileSystem.makeDirectories(String(output[..<slash])) {
                throw CommandFailure(message: "cannot create the directory of \(output): \(problem)")
            }
            if let failure = FileSystem.writeFile(text, to: output) {
                throw CommandFailure(message: "cannot write \(output): \(failure)")
            }
            io.printError("gateway export: \(isTemplate ? "the project" : "stage \(stage)") as \(format) (\(yaml ? "YAML" : "JSON")) written to \(output)\n")
            return 0
        }
    }
}
