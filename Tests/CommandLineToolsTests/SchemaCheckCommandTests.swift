import Foundation
import CommandLineTools
import CommandSupport
@testable import SchemaCheck
import JSONSchema
import JSONCore
import Synchronization
import TestSupport
import Testing

/// Captures what a command writes.
final class CapturedIO: Sendable {
    let output = Mutex<[UInt8]>([])
    let error = Mutex<[UInt8]>([])
    let input: [UInt8]

    init(input: String = "") { self.input = Array(input.utf8) }

    var io: CommandIO {
        CommandIO(
            readStandardInput: { [input] in input },
            writeOutput: { bytes in self.output.withLock { $0 += bytes } },
            writeError: { bytes in self.error.withLock { $0 += bytes } },
            outputIsTerminal: false)
    }

    var stdout: String { output.withLock { String(decoding: $0, as: UTF8.self) } }
    var stderr: String { error.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// A temporary directory removed at the end of the test.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "schema-check-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }
}

@Suite("schema-check")
struct SchemaCheckCommandTests {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let schemas = packageRoot + "/Schemas"

    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    func run(_ arguments: [String], input: String = "") -> (Int32, String, String) {
        let captured = CapturedIO(input: input)
        let status = SchemaCheckCommand.run(arguments: arguments, io: captured.io)
        return (status, captured.stdout, captured.stderr)
    }

    @Test("the lab's valid list: exit 0 and a summary")
    func validList() {
        let file = directory.write(
            "items.json", #"[{"ID":1,"name":"Pen","price":2.5},{"ID":2,"name":"Pencil","price":1.5}]"#)
        let (status, output, _) = run(["-d", Self.schemas, "-s", "Items", file])
        #expect(status == 0)
        #expect(output == "1 file checked: 1 valid, 0 invalid\n")
    }

    @Test("a string price: exit 1, one line per error in the documented form")
    func stringPrice() {
        let file = directory.write("bad.json", #"[{"ID":1,"name":"Pen","price":2.5},{"ID":2,"name":"Pencil","price":"3"}]"#)
        let (status, output, _) = run(["--schemas", Self.schemas, "--schema", "Items", file])
        #expect(status == 1)
        #expect(
            output == """
                \(file):1:68: /1/price: expected number, found string "3"  [items/$ref/properties/price/type]
                1 file checked: 0 valid, 1 invalid (1 error)

                """)
    }

    @Test("--format json prints one object with a result per payload, in input order")
    func jsonOutput() throws {
        var files: [String] = []
        for index in 0..<40 {
            let price = index % 3 == 0 ? "\"x\"" : "1.5"
            files.append(directory.write("item\(index).json", "{\"ID\": \(index), \"price\": \(price)}"))
        }
        let (status, output, _) = run(["-d", Self.schemas, "-s", "Item", "--format", "json"] + files)
        #expect(status == 1)
        let report = try JSONParser.parse(output)
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.count == 40)
        for (index, result) in results.enumerated() {
            #expect(result["file"] == .string(files[index]))
            #expect(result["valid"] == .bool(index % 3 != 0))
        }
        let error = try #require(results[0]["errors"]?[0])
        #expect(error["instanceLocation"] == "/price")
        #expect(error["keywordLocation"] == "/properties/price/type")
        #expect(error["message"] == #"expected number, found string "x""#)
    }

    @Test("a payload from standard input")
    func standardInput() {
        let (status, output, _) = run(["-d", Self.schemas, "-s", "Item", "-"], input: #"{"ID": "one"}"#)
        #expect(status == 1)
        #expect(output.hasPrefix("<stdin>:1:8: /ID: expected number, found string \"one\"  [properties/ID/type]\n"))
    }

    @Test("malformed JSON: exit 2 with file:line:column")
    func malformed() {
        let file = directory.write("broken.json", "[\n  {\"ID\": 1,}\n]")
        let (status, _, error) = run(["-d", Self.schemas, "-s", "Items", file])
        #expect(status == 2)
        #expect(error.contains("\(file):2:12: expected a string key but found '}'"))
    }

    @Test("an unreadable payload file: exit 2 naming it")
    func unreadable() {
        let (status, _, error) = run(["-d", Self.schemas, "-s", "Items", directory.path + "/missing.json"])
        #expect(status == 2)
        #expect(error.contains("missing.json: cannot read the file: no such file"), "\(error)")
    }

    @Test("--max-bytes: a larger file or standard input is refused unread (exit 2 naming the limit); sizes take K, M and G")
    func maximumBytes() throws {
        let file = directory.write("twenty.json", "[1, 2, 3, 4, 5, 6]  ")
        let (status, _, error) = run(["-d", Self.schemas, "-s", "Items", "--max-bytes", "19", file])
        #expect(status == 2)
        #expect(error.contains("\(file): larger than 19 bytes, the most --max-bytes lets a payload be"), "\(error)")
        let (fits, _, _) = run(["-d", Self.schemas, "-s", "Items", "--max-bytes", "20", file])
        #expect(fits == 1)
        let (piped, _, pipedError) = run(["-d", Self.schemas, "-s", "Items", "--max-bytes", "4", "-"], input: "[  ]")
        #expect(piped == 0, "\(pipedError)")
        let (tooMuch, _, tooMuchError) = run(["-d", Self.schemas, "-s", "Items", "--max-bytes", "4", "-"], input: "[   ]")
        #expect(tooMuch == 2)
        #expect(tooMuchError.contains("<stdin>: larger than 4 bytes"), "\(tooMuchError)")
        for bad in ["0", "-1", "K", "1T", "1.5M", "99999999999G", ""] {
            let (usage, _, message) = run(["-d", Self.schemas, "-s", "Items", "--max-bytes", bad, file])
            #expect(usage == 2)
            #expect(message.contains("--max-bytes needs a positive number of bytes"), "\(bad): \(message)")
        }
        #expect(SchemaCheckCommand.byteCount("3K") == 3072)
        #expect(SchemaCheckCommand.byteCount("2m") == 2 << 20)
        #expect(SchemaCheckCommand.byteCount("1G") == 1 << 30)
        // An endless device costs the limit, no more.
        #expect(FileReader.read(path: "/dev/zero", atMost: 1 << 20) == .tooLarge)
        #expect(FileReader.read(path: file, atMost: 20) == .bytes(Array("[1, 2, 3, 4, 5, 6]  ".utf8)))
        #expect(FileReader.read(path: directory.path, atMost: 20) == .unreadable)
        // A schema that never ends (a device or an endless pipe) stops at the schema limit.
        let (endless, _, endlessError) = run(["-d", Self.schemas, "-s", "/dev/zero", file])
        #expect(endless == 2)
        #expect(endlessError.contains("/dev/zero: #: cannot read the file: larger than 67108864 bytes, the most a schema file may be"), "\(endlessError)")
    }

    @Test(
        "an endless standard input (/dev/zero) ends in exit 2 naming --max-bytes, in the real process",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: packageRoot + "/.build/debug/schema-check"),
            "the schema-check executable is not built (swift build --product schema-check)"))
    func endlessStandardInput() throws {
        let binary = Self.packageRoot + "/.build/debug/schema-check"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", Self.schemas, "-s", "Items", "--max-bytes", "8M", "-"]
        process.standardInput = FileHandle(forReadingAtPath: "/dev/zero")
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.contains("<stdin>: larger than 8388608 bytes, the most --max-bytes lets a payload be"), "\(message)")
    }

    @Test("a pipe named *.json in the schema directory is not read (it would block the load); regular models are")
    func pipeInSchemaDirectory() throws {
        let models = directory.path + "/models"
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        for name in ["Item.json", "Items.json"] {
            try FileManager.default.copyItem(atPath: Self.schemas + "/" + name, toPath: models + "/" + name)
        }
        try #require(mkfifo(models + "/Pipe.json", 0o600) == 0)
        let payload = directory.write("list.json", #"[{"ID": 1, "name": "Pen", "price": 2.5}]"#)
        let (status, output, error) = run(["-d", models, "-s", "Items", payload])
        #expect(status == 0, "\(error)")
        #expect(output.contains("1 valid"))
    }

    @Test("a directory without a *.json file in it: exit 2 naming it (not a crash, not an empty success)")
    func emptyDirectory() throws {
        let folder = directory.path + "/empty/inner"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        directory.write("empty/notes.txt", "not a payload")
        let (status, output, error) = run(["-d", Self.schemas, "-s", "Items", directory.path + "/empty"])
        #expect(status == 2)
        #expect(output.contains("1 file checked: 0 valid, 0 invalid, 1 unreadable or malformed"), "\(output)")
        #expect(error.contains("no *.json, *.yaml or *.yml file below \(directory.path)/empty"), "\(error)")
        // The library takes an empty list too.
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: Self.schemas)
        var compiler = SchemaCompiler(registry: registry)
        let schema = try compiler.compile(model: "Items")
        #expect(PayloadChecker.check(files: [], schema: schema, standardInput: nil).isEmpty)
    }

    @Test("-s FILE resolves the schema's relative $refs beside it (and further up); a model that is not there says why, with a did-you-mean")
    func schemaFileReferences() throws {
        try FileManager.default.createDirectory(atPath: directory.path + "/models/common", withIntermediateDirectories: true)
        directory.write("models/Notes.json", #"{"type": "array", "items": {"$ref": "Note.json"}}"#)
        directory.write("models/Note.json", #"{"type": "object", "required": ["text"], "properties": {"tag": {"$ref": "common/Tag.json"}}}"#)
        directory.write("models/common/Tag.json", #"{"type": "string", "maxLength": 3}"#)
        let payload = directory.write("notes.json", #"[{"text": "a", "tag": "toolong"}, {}]"#)
        let (status, output, error) = run(["-s", directory.path + "/models/Notes.json", payload])
        #expect(status == 1, "\(error)")
        #expect(output.contains("/0/tag: "), "\(output)")
        #expect(output.contains("/1: missing required property \"text\""), "\(output)")
        // A model name where there is no models directory (outside the repository): the message
        // says so and what to do. The built command, run in a directory without `Schemas`.
        let binary = SchemaCheckCommandTests.packageRoot + "/.build/debug/schema-check"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "no debug build of schema-check at \(binary)")
        let (missing, _, why) = try runProcess(binary, ["-s", "NewNote", payload], in: directory.path)
        #expect(missing == 2)
        #expect(why.contains("no model named \"NewNote\": there is no Schemas directory here"), "\(why)")
        let (misspelt, _, hint) = run(["-d", directory.path + "/models", "-s", "note", payload])
        #expect(misspelt == 2)
        #expect(hint.contains("(did you mean \"Note\"?)"), "\(hint)")
    }

    @Test("YAML payloads: by name in directories and globs, positions in every format, one result per document (FILE#N), standard input by --input-format")
    func yamlPayloads() throws {
        try FileManager.default.createDirectory(atPath: directory.path + "/fixtures", withIntermediateDirectories: true)
        directory.write("fixtures/good.yaml", "- ID: 1\n  name: Pen\n  price: 1.5\n")
        directory.write("fixtures/bad.yml", "# a comment\n- ID: 2\n  name: Pencil\n  price: \"x\"\n")
        directory.write("fixtures/two.yaml", "- ID: 3\n  name: A\n---\n- ID: oops\n")
        directory.write("fixtures/broken.yaml", "- ID: 4\n  name: [\n")
        let (status, output, _) = run(["-d", Self.schemas, "-s", "Items", "--format", "json", directory.path + "/fixtures"])
        #expect(status == 2)  // the broken file
        let results = try JSONParser.parse(output)["results"]?.arrayValue ?? []
        let names = results.map { ($0["file"]?.stringValue ?? "").replacingOccurrences(of: directory.path + "/fixtures/", with: "") }
        #expect(names == ["bad.yml", "broken.yaml", "good.yaml", "two.yaml#1", "two.yaml#2"])
        #expect(results[0]["errors"]?[0]?["line"] == 4 && results[0]["errors"]?[0]?["column"] == 10)
        #expect(results[1]["line"] == 3)
        #expect(results[4]["errors"]?[0]?["line"] == 4)
        #expect(results[4]["document"] == 2 && results[0]["document"] == nil)
        // Named FILE#N where a result is named by text; at FILE's own line where a format points
        // an editor or a pull request at a file, with "document N:" in the message.
        for format in ["text", "junit"] {
            let (_, text, _) = run(["-d", Self.schemas, "-s", "Items", "--format", format, directory.path + "/fixtures/*.y*ml"])
            #expect(text.contains("two.yaml#2"), "\(format)")
        }
        for format in ["github", "sarif"] {
            let (_, text, _) = run(["-d", Self.schemas, "-s", "Items", "--format", format, directory.path + "/fixtures/*.y*ml"])
            #expect(text.contains("document 2: /0/ID") && !text.contains("two.yaml#2"), "\(format): \(text)")
        }
        let (textStatus, text, _) = run(["-d", Self.schemas, "-s", "Items", directory.path + "/fixtures/bad.yml"])
        #expect(textStatus == 1)
        #expect(text.contains("bad.yml:4:10: /0/price: expected number, found string \"x\""), "\(text)")
        // Standard input: JSON first, then YAML; or as told.
        #expect(run(["-d", Self.schemas, "-s", "Item", "-"], input: "ID: 1\nname: Pen\n").0 == 0)
        #expect(run(["-d", Self.schemas, "-s", "Item", "-"], input: #"{"ID": 1}"#).0 == 0)
        #expect(run(["-d", Self.schemas, "-s", "Item", "--input-format", "json", "-"], input: "ID: 1\n").0 == 2)
        #expect(run(["-d", Self.schemas, "-s", "Item", "--input-format", "yaml", "-"], input: "ID: one\n").0 == 1)
        // A schema in YAML, and models in a directory of YAML files.
        try FileManager.default.createDirectory(atPath: directory.path + "/yaml-models", withIntermediateDirectories: true)
        directory.write("yaml-models/Note.yaml", "type: object\nrequired: [text]\nproperties:\n  tag: {$ref: 'Tag.yml'}\n")
        directory.write("yaml-models/Tag.yml", "type: string\nmaxLength: 3\n")
        let note = directory.write("note.json", #"{"tag": "long"}"#)
        let (modelStatus, modelOutput, modelError) = run(["-d", directory.path + "/yaml-models", "-s", "Note", note])
        #expect(modelStatus == 1, "\(modelError)")
        #expect(modelOutput.contains("missing required property \"text\"") && modelOutput.contains("/tag: "), "\(modelOutput)")
        #expect(run(["-s", directory.path + "/yaml-models/Note.yaml", note]).0 == 1)
    }

    @Test("a large YAML payload: valid streams on all cores; an invalid element deep in it gets the exact report with its line")
    func largeYAML() throws {
        let items = (1...30_000).map { "- ID: \($0)\n  name: Pen \($0)\n  price: \($0 % 9 + 1).5\n" }
        let valid = directory.write("large.yaml", items.joined())
        #expect(FileManager.default.fileExists(atPath: valid) && items.joined().utf8.count > 1 << 20)
        let (status, output, error) = run(["-d", Self.schemas, "-s", "Items", valid])
        #expect(status == 0, "\(output)\(error)")
        var broken = items
        broken[25_000] = "- ID: 25001\n  name: Pen\n  price: \"free\"\n"
        let invalid = directory.write("broken.yaml", broken.joined())
        let (brokenStatus, brokenOutput, _) = run(["-d", Self.schemas, "-s", "Items", invalid])
        #expect(brokenStatus == 1)
        #expect(brokenOutput.contains("broken.yaml:75003:10: /25000/price: expected number, found string \"free\""), "\(brokenOutput.prefix(500))")
    }

    @Test("an operand that gives no payload is a result of its own in every format; the other files' results are all there; exit 2")
    func operandWithoutPayloads() throws {
        try FileManager.default.createDirectory(atPath: directory.path + "/adir", withIntermediateDirectories: true)
        let good = directory.write("good.json", #"[{"ID": 1, "name": "Pen", "price": 1.5}]"#)
        let operands = [good, directory.path + "/missing.json", directory.path + "/adir", directory.path + "/nothing/*.json"]
        let (status, output, error) = run(["-d", Self.schemas, "-s", "Items", "--format", "json"] + operands)
        #expect(status == 2)
        let results = try JSONParser.parse(output)["results"]?.arrayValue ?? []
        #expect(results.map { $0["file"]?.stringValue ?? "" } == operands)
        #expect(results.map { $0["valid"] } == [true, false, false, false])
        #expect(results[2]["error"]?.stringValue == "no *.json, *.yaml or *.yml file below \(directory.path)/adir")
        #expect(results[3]["error"]?.stringValue == "no file matches \(directory.path)/nothing/*.json")
        #expect(error.contains("no *.json, *.yaml or *.yml file below"))
        for format in ["junit", "sarif", "github", "text"] {
            let (formatStatus, formatOutput, _) = run(["-d", Self.schemas, "-s", "Items", "--format", format] + operands)
            #expect(formatStatus == 2)
            #expect(formatOutput.contains("good.json") || format != "junit", "\(format)")  // SARIF and GitHub list problems only
            #expect(formatOutput.contains("nothing/*.json") || format == "text", "\(format): \(formatOutput)")
        }
    }

    @Test("a file whose name is not valid UTF-8, found in a directory: exit 2, and the message says why it cannot be read")
    func nameNotUTF8() throws {
        let folder = directory.path + "/names"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // "bad\xFFname.json": the byte 0xFF never occurs in UTF-8.
        let path = Array((folder + "/bad").utf8) + [0xFF] + Array("name.json".utf8) + [0]
        let descriptor = path.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        }
        try #require(descriptor >= 0)
        close(descriptor)
        let (status, _, error) = run(["-d", Self.schemas, "-s", "Items", folder])
        #expect(status == 2)
        #expect(error.contains("name.json: cannot read the file: its name is not valid UTF-8"), "\(error)")
    }

    @Test("usage errors exit 2 with a hint", arguments: [
        [String](), ["-s", "Items"], ["payload.json"], ["--format", "xml", "-s", "Items", "x.json"], ["--bogus"],
        ["-s"], ["--map-url", "nodirectory", "-s", "Items", "x.json"],
    ])
    func usage(_ arguments: [String]) {
        let (status, _, error) = run(arguments)
        #expect(status == 2)
        #expect(error.contains("Try 'schema-check --help'"))
    }

    @Test("--help and --version")
    func helpAndVersion() {
        let (status, output, _) = run(["--help"])
        #expect(status == 0)
        #expect(output.hasPrefix("Usage: schema-check [options] FILE|DIR|GLOB..."))
        #expect(output.contains("--map-url PREFIX=DIR"))
        let (versionStatus, version, _) = run(["--version"])
        #expect(versionStatus == 0)
        #expect(version == "schema-check \(SchemaCheckCommand.version)\n")
    }

    @Test("an unknown model, an invalid schema and an unresolvable $ref exit 2 with the file and pointer")
    func schemaErrors() {
        let payload = directory.write("p.json", "{}")
        let (unknown, _, unknownError) = run(["-d", Self.schemas, "-s", "Nope", payload])
        #expect(unknown == 2)
        #expect(unknownError.contains(#"no model named "Nope""#))
        let invalid = directory.write("invalid.json", #"{"properties": {"a": {"minimum": "1"}}}"#)
        let (invalidStatus, _, invalidError) = run(["-s", invalid, payload])
        #expect(invalidStatus == 2)
        #expect(invalidError.contains("\(invalid): #/properties/a/minimum: not a valid draft-04 schema"))
        let dangling = directory.write("dangling.json", #"{"items": {"$ref": "other.json#/x"}}"#)
        let (danglingStatus, _, danglingError) = run(["-s", dangling, payload])
        #expect(danglingStatus == 2)
        #expect(danglingError.contains("\(dangling): #/items/$ref: cannot resolve $ref"))
    }

    @Test("--map-url reads remote $refs from a directory, never the network")
    func mapURL() {
        directory.write("remote/price.json", "")
        try? FileManager.default.createDirectory(atPath: directory.path + "/remote", withIntermediateDirectories: true)
        directory.write("remote/price.json", #"{"type": "number", "minimum": 0}"#)
        let schema = directory.write("schema.json", #"{"properties": {"price": {"$ref": "https://models.example.test/price.json"}}}"#)
        let good = directory.write("good.json", #"{"price": 1}"#)
        let bad = directory.write("bad.json", #"{"price": -1}"#)
        let (status, output, _) = run([
            "-s", schema, "--map-url", "https://models.example.test/=\(directory.path)/remote/", good, bad,
        ])
        #expect(status == 1)
        #expect(output.contains("\(bad):1:11: /price: -1 is less than the minimum 0  [properties/price/$ref/minimum]"))
        let (unmapped, _, _) = run(["-s", schema, good])
        #expect(unmapped == 2)
    }

    @Test("--no-format-assertions makes format an annotation")
    func formats() {
        let schema = directory.write("schema.json", #"{"format": "email"}"#)
        let payload = directory.write("p.json", #""not an address""#)
        #expect(run(["-s", schema, payload]).0 == 1)
        #expect(run(["-s", schema, "--no-format-assertions", payload]).0 == 0)
    }
}

@Suite("PayloadChecker")
struct PayloadCheckerTests {
    @Test("large arrays validated element by element report exactly what whole-document validation does")
    func streamingMatchesWholeDocument() throws {
        let directory = try TemporaryDirectory()
        var registry = SchemaRegistry()
        try registry.addDirectory(atPath: SchemaCheckCommandTests.schemas)
        var compiler = SchemaCompiler(registry: registry)
        let items = try compiler.compile(model: "Items")
        let files = [
            directory.write("a.json", #"[{"ID":1,"name":"Pen","price":2.5},{"ID":"2"},{"price":[]}]"#),
            directory.write("b.json", #"{"not": "an array"}"#),
            directory.write("c.json", "[1,\n2,]"),
        ]
        let streamed = PayloadChecker.check(files: files, schema: items, standardInput: nil, streamingThreshold: 0)
        let whole = PayloadChecker.check(files: files, schema: items, standardInput: nil, streamingThreshold: .max)
        #expect(SchemaCheckReport(results: streamed).json() == SchemaCheckReport(results: whole).json())
        #expect(SchemaCheckReport(results: streamed).exitStatus == 2)
        #expect(SchemaCheckReport(results: streamed).json().contains(#""instanceLocation":"/1/ID""#))
    }
}
