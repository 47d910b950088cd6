import CommandLineTools
import Foundation
import Testing

@Suite("gateway render")
struct RenderCommandTests {
    func run(_ arguments: [String], input: String = "") -> (Int32, String, String) {
        let captured = CapturedIO(input: input)
        let status = runGateway(arguments: ["render"] + arguments, io: captured.io)
        return (status, captured.stdout, captured.stderr)
    }

    @Test("renders the lab's request template with a path parameter")
    func labRequest() {
        let (status, output, _) = run(["-e", #"{"ID": $input.params("ID")}"#, "--path-param", "ID=7"])
        #expect(status == 0)
        #expect(output == "{\"ID\": 7}\n")
    }

    @Test("a template file and a body file; query, header, stage variable and context values")
    func files() throws {
        let directory = try TemporaryDirectory()
        let template = directory.write(
            "t.vtl", "$input.path('$.name') $input.params('q') $input.params('X-Key') $stageVariables.alias $context.stage")
        let body = directory.write("b.json", #"{"name": "Pen"}"#)
        let (status, output, _) = run([
            "--template", template, "--body", body, "--query", "q=1", "--header", "X-Key: k", "--stage-var", "alias=prod",
            "--context", "stage=dev",
        ])
        #expect(status == 0)
        #expect(output == "Pen 1 k prod dev\n")
    }

    @Test("a template from standard input, a payload inline")
    func standardInput() {
        let (status, output, _) = run(["-t", "-", "-b", #"{"a": [1, 2]}"#], input: "$input.json('$.a')")
        #expect(status == 0)
        #expect(output == "[1,2]\n")
    }

    @Test("a syntax error: exit 2 with line:column and a caret")
    func syntaxError() {
        let (status, _, error) = run(["-e", "ok\n#foreach($x in)#end"])
        #expect(status == 2)
        #expect(error.contains("template error at 2:15: unexpected ')' in an expression\n#foreach($x in)#end\n              ^"))
    }

    @Test("a runtime failure: exit 2 with the location")
    func runtimeError() {
        let (status, _, error) = run(["-e", #"#set($I = 1)$I.parseInt("x")"#])
        #expect(status == 2)
        #expect(error.contains("rendering failed at 1:13: parseInt failed: NumberFormatException"))
    }

    @Test("usage errors and help")
    func usage() {
        #expect(run([]).0 == 2)
        #expect(run(["--path-param", "nokey"]).0 == 2)
        #expect(run(["-e", "x", "--context", "nope=1"]).0 == 2)
        #expect(run(["--help"]).1.hasPrefix("Usage: gateway render"))
        let captured = CapturedIO()
        #expect(runGateway(arguments: ["bogus"], io: captured.io) == 2)
        #expect(runGateway(arguments: ["--help"], io: captured.io) == 0)
    }
}
