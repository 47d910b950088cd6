// Benchmarks for the toolkit. Run with a release build:
//
//     swift run -c release benchmarks [schema] [cli] [templates] [gateway] [sdk] [http] [functions] [yaml] [sam] [--runs N] [--items N]
//
// Every figure is the median of N runs (default 7). Nothing here is part of `swift test`.
import CommandLineTools
import Dispatch
import Foundation
import JSONCore
import JSONSchema
import MappingTemplates
import APIGateway
import ControlPlane
import HTTPCore
import ItemsService
import LambdaRuntime

struct Settings: Sendable {
    var runs = 7
    var items = 100_000
    var suites: Set<String> = []
    var only: String? = nil
    /// Requests per run in the gateway suite.
    var requests = 200_000
}

let settings: Settings = {
    var settings = Settings()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        switch argument {
        case "--runs": settings.runs = Int(arguments.next() ?? "") ?? settings.runs
        case "--items": settings.items = Int(arguments.next() ?? "") ?? settings.items
        case "--only": settings.only = arguments.next()
        case "--requests": settings.requests = Int(arguments.next() ?? "") ?? settings.requests
        case "-h", "--help":
            print("usage: benchmarks [schema] [cli] [templates] [gateway] [sdk] [http] [functions] [yaml] [sam] [--runs N] [--items N] [--requests N] [--only TEXT]")
            print("  (http is not in the default set: it needs wrk and nginx and takes about a minute per run;")
            print("   functions runs the lab's Python function: it needs python3, and wrk for its HTTP figure)")
            exit(0)
        default: settings.suites.insert(argument)
        }
    }
    if settings.suites.isEmpty { settings.suites = ["schema", "cli", "templates", "gateway", "sdk"] }
    return settings
}()

/// Seconds for each run of `body`, median reported.
func measure(_ runs: Int, _ body: () -> Void) -> Double {
    if let only = settings.only, !currentName.contains(only) { return .nan }
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

nonisolated(unsafe) var currentName = ""

/// Names the measurement that follows (used by `--only`).
func named(_ name: String) -> String {
    currentName = name
    return name
}

func report(_ name: String, seconds: Double, items: Int? = nil, bytes: Int? = nil) {
    if seconds.isNaN { return }
    var line = name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", seconds * 1000)
    if let items { line += String(format: "  %8.2f M items/s", Double(items) / seconds / 1e6) }
    if let bytes { line += String(format: "  %8.1f MB/s", Double(bytes) / seconds / 1e6) }
    print(line)
}

let names = ["Pen", "Pencil", "Highlighter", "Ruler", "Eraser", "Stapler", "Notebook", "Marker"]

/// `[{"ID": 1, "name": "Pen 1", "price": 2.5}, …]`, deterministic.
func itemsPayload(count: Int) -> [UInt8] {
    var text = "["
    text.reserveCapacity(count * 60)
    for index in 1...count {
        if index > 1 { text += ",\n" }
        let price = "\(index % 97 + 1).\(index % 10)\(index % 7)"
        text += "{\"ID\": \(index), \"name\": \"\(names[index % names.count]) \(index)\", \"price\": \(price)}"
    }
    text += "]\n"
    return Array(text.utf8)
}

func schemaBenchmarks() throws {
    let root = FileManager.default.currentDirectoryPath
    var registry = SchemaRegistry()
    try registry.addDirectory(atPath: root + "/Schemas")
    var compiler = SchemaCompiler(registry: registry)
    let items = try compiler.compile(model: "Items")
    let strictItem: JSONValue = try JSONParser.parse(
        """
        {"type": "object", "required": ["ID", "name", "price"], "additionalProperties": false,
         "properties": {"ID": {"type": "integer", "minimum": 1},
                        "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z][A-Za-z0-9 ]*$"},
                        "price": {"type": "number", "minimum": 0, "exclusiveMinimum": true}}}
        """)
    registry.add(["type": "array", "items": strictItem], uri: "urn:bench:strict")
    compiler = SchemaCompiler(registry: registry)
    let strict = try compiler.compile(uri: "urn:bench:strict")

    let bytes = itemsPayload(count: settings.items)
    let count = settings.items
    print("payload: \(count) items, \(bytes.count) bytes; median of \(settings.runs) runs")
    print(
        "sizes: JSONValue \(MemoryLayout<JSONValue>.size)/\(MemoryLayout<JSONValue>.stride) bytes, "
            + "JSONNumber \(MemoryLayout<JSONNumber>.size), member \(MemoryLayout<JSONObject.Member>.stride)\n")

    let data = Data(bytes)
    var parsedCount = 0
    _ = named("parse: Foundation JSONSerialization")
    let foundation = measure(settings.runs) {
        let object = try! JSONSerialization.jsonObject(with: data)
        parsedCount = (object as! [Any]).count
    }
    report("parse: Foundation JSONSerialization", seconds: foundation, items: parsedCount, bytes: bytes.count)

    var document: JSONValue = .null
    _ = named("parse: JSONParser")
    let parse = measure(settings.runs) { document = try! JSONParser.parse(bytes) }
    if parse.isNaN { document = try! JSONParser.parse(bytes) }
    report("parse: JSONParser", seconds: parse, items: count, bytes: bytes.count)
    if !foundation.isNaN && !parse.isNaN {
        print(String(format: "  parse speed-up over JSONSerialization: %.1fx", foundation / parse))
    }

    var tape = try JSONTape.parse([UInt8]("[]".utf8))
    _ = named("parse: JSONTape")
    let parseTape = measure(settings.runs) { tape = try! JSONTape.parse(bytes) }
    if parseTape.isNaN { tape = try JSONTape.parse(bytes) }
    report("parse: JSONTape", seconds: parseTape, items: count, bytes: bytes.count)

    var valid = false
    _ = named("validate only: Items -> Item")
    let validate = measure(settings.runs) { valid = try! items.isValid(document) }
    precondition(valid || validate.isNaN, "the generated payload must be valid")
    report("validate only: Items -> Item", seconds: validate, items: count)

    _ = named("validate only, on a tape: Items -> Item")
    let validateTape = measure(settings.runs) { valid = try! items.isValid(tape) }
    precondition(valid || validateTape.isNaN, "the generated payload must be valid")
    report("validate only, on a tape: Items -> Item", seconds: validateTape, items: count)

    _ = named("floor: hand-written Item check")
    let floor = measure(settings.runs) {
        guard case .array(let elements) = document else { return }
        var ok = true
        for element in elements {
            guard case .object(let object) = element else { ok = false; continue }
            for member in object.members {
                switch member.key {
                case "ID", "price": if case .number = member.value {} else { ok = false }
                case "name": if case .string = member.value {} else { ok = false }
                default: break
                }
            }
        }
        valid = ok
    }
    report("floor: hand-written Item check", seconds: floor, items: count)
    _ = named("validate only: strict Item")
    // The strict schema takes more steps per item than the default budget allows for --items 1000000.
    let strictLimits = ValidationLimits(steps: max(ValidationLimits.default.steps, count * 100))
    let validateStrict = measure(settings.runs) { valid = try! strict.isValid(document, limits: strictLimits) }
    precondition(valid || validateStrict.isNaN, "the generated payload must satisfy the strict schema")
    report("validate only: strict Item", seconds: validateStrict, items: count)

    _ = named("parse + validate from bytes: Items")
    let both = measure(settings.runs) { valid = try! items.isValid(try! JSONParser.parse(bytes)) }
    report("parse + validate from bytes: Items", seconds: both, items: count, bytes: bytes.count)

    _ = named("parse + validate from bytes, on a tape: Items")
    let bothTape = measure(settings.runs) { valid = try! items.isValid(try! JSONTape.parse(bytes)) }
    report("parse + validate from bytes, on a tape: Items", seconds: bothTape, items: count, bytes: bytes.count)

    _ = named("all-errors path on a valid payload")
    let errors = measure(settings.runs) { _ = try! items.validate(document) }
    report("all-errors path on a valid payload", seconds: errors, items: count)

    // The peers on the same payload, in the same run.
    _ = named("peers: ajv and jsonschema-rs")
    if settings.only.map({ currentName.contains($0) }) ?? true {
        // Three rounds; in each, our validate-only is measured again just before each peer
        // runs, and the ratio is taken within the round (the machine's speed drifts).
        var rounds: [[PeerFigures]] = []
        var notes: [String] = []
        for _ in 0..<3 {
            let (figures, skipped) = try Peers.inProcess(payload: bytes, runs: settings.runs) {
                _ = measure(settings.runs) { valid = try! items.isValid(document) }  // warm up again after the last peer
                let tree = measure(settings.runs) { valid = try! items.isValid(document) }
                _ = measure(settings.runs) { valid = try! items.isValid(tape) }
                return (tree, measure(settings.runs) { valid = try! items.isValid(tape) })
            }
            rounds.append(figures)
            notes = skipped
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("\npeers, same payload, same run (Items with Item inlined; each times itself, median of \(settings.runs) runs; three rounds):")
        for name in rounds.first?.map(\.name) ?? [] {
            let figures = rounds.compactMap { $0.first { $0.name == name } }
            report("  \(name): parse", seconds: median(figures.map(\.parseSeconds)), items: count, bytes: bytes.count)
            report("  \(name): validate only", seconds: median(figures.map(\.validateSeconds)), items: count)
            // Ours on the tree and on a tape, each against this peer within each round.
            for (what, ours) in [("validate only", \PeerFigures.oursValidateSeconds), ("validate only on a tape", \PeerFigures.oursTapeValidateSeconds)] {
                let ratios = figures.map { $0.validateSeconds / $0[keyPath: ours] }
                print(
                    "    \(what), ours / \(name), each round back to back: "
                        + ratios.map { String(format: "%.2fx", $0) }.joined(separator: ", ")
                        + String(format: " (median %.2fx the speed); ours in those rounds: ", median(ratios))
                        + figures.map { String(format: "%.0f", Double(count) / $0[keyPath: ours] / 1e6) }.joined(separator: ", ") + " M items/s")
            }
            if !parse.isNaN {
                print(String(format: "    parse, ours / %@: %.2fx the speed", name, median(figures.map(\.parseSeconds)) / parse))
            }
        }
        for note in notes { print("  (\(note))") }
    }
}

/// Runs a program with posix_spawn (stdout and stderr to /dev/null) and waits for it.
/// The child's own peak RSS in bytes (`VmHWM`), polled from /proc until it exits: `ru_maxrss`
/// would include this (large) parent's high-water mark, which Linux carries across `exec`.
final class PeakMemory: @unchecked Sendable {
    var bytes = 0
}

@discardableResult
func spawnAndWait(_ tool: String, _ arguments: [String], in directory: String, peak: PeakMemory? = nil) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let previous = FileManager.default.currentDirectoryPath
    _ = FileManager.default.changeCurrentDirectoryPath(directory)
    defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, tool, &actions, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    guard let peak else {
        waitpid(pid, &status, 0)
        return status
    }
    while waitpid(pid, &status, WNOHANG) == 0 {
        if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        {
            peak.bytes = max(peak.bytes, kilobytes * 1024)
        }
        usleep(1000)
    }
    return status
}

func commandLineBenchmarks() throws {
    let root = FileManager.default.currentDirectoryPath
    let tool = root + "/.build/release/schema-check"
    guard FileManager.default.isExecutableFile(atPath: tool) else {
        print("\n(skipping schema-check process timings: build it with `swift build -c release` first)")
        return
    }
    let directory = NSTemporaryDirectory() + "schema-check-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var files: [String] = []
    for index in 1...10_000 {
        let path = directory + "/item-\(index).json"
        let text = "{\"ID\": \(index), \"name\": \"\(names[index % names.count])\", \"price\": \(index % 50).5}\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        files.append(path)
    }
    func run(_ arguments: [String], tool: String = tool) -> Double {
        measure(settings.runs) { spawnAndWait(tool, arguments, in: root) }
    }
    print("")
    _ = named("schema-check 10,000")
    report("schema-check -s Item, 10,000 files, JSON output", seconds: run(["-s", "Item", "--format", "json"] + files))
    _ = named("schema-check one")
    report("schema-check -s Item, one small file", seconds: run(["-s", "Item", files[0]]))
    // The README's static build, when it is there (`--static-swift-stdlib --scratch-path .build-static`).
    let staticTool = root + "/.build-static/release/schema-check"
    if FileManager.default.isExecutableFile(atPath: staticTool) {
        _ = named("schema-check one static")
        report("  the same, --static-swift-stdlib build", seconds: run(["-s", "Item", files[0]], tool: staticTool))
    }

    // The 1M-item payload: in process (parse + validate, and the streaming check schema-check
    // uses), then the whole schema-check process on the same file.
    let large = directory + "/large.json"
    let largeBytes = itemsPayload(count: 1_000_000)
    _ = FileManager.default.createFile(atPath: large, contents: Data(largeBytes))
    var registry = SchemaRegistry()
    try registry.addDirectory(atPath: root + "/Schemas")
    var compiler = SchemaCompiler(registry: registry)
    let items = try compiler.compile(model: "Items")
    var agreed = true
    _ = named("1M in process parse+validate")
    let inProcess = measure(settings.runs) {
        let value = try? JSONParser().parse(largeBytes)
        agreed = agreed && value.flatMap { try? items.isValid($0) } == true
    }
    report("in process: parse + validate, 1M items", seconds: inProcess, items: 1_000_000, bytes: largeBytes.count)
    _ = named("1M in process streaming")
    let streaming = measure(settings.runs) {
        agreed = agreed && largeBytes.withUnsafeBufferPointer { items.elementwise?.isValid(streaming: $0) } == true
    }
    report("in process: streaming check (schema-check's path), 1M", seconds: streaming, items: 1_000_000, bytes: largeBytes.count)
    _ = named("1M whole process")
    let whole = run(["-s", "Items", large])
    report("whole process: schema-check -s Items, 1M items", seconds: whole, items: 1_000_000, bytes: largeBytes.count)
    precondition(agreed, "the 1M-item payload must be valid")
    if !whole.isNaN && !inProcess.isNaN {
        print(String(format: "  whole process / in-process parse+validate: %.2fx", whole / inProcess))
    }
    _ = named("1M whole process peers")
    if settings.only.map({ currentName.contains($0) }) ?? true {
        for (name, seconds) in try Peers.wholeProcess(path: large, runs: settings.runs) {
            report("whole process: \(name), 1M items", seconds: seconds, items: 1_000_000, bytes: largeBytes.count)
            if !whole.isNaN { print(String(format: "  schema-check is %.2fx as fast", seconds / whole)) }
        }
    }
    let memory = PeakMemory()
    spawnAndWait(tool, ["-s", "Items", large], in: root, peak: memory)
    let peak = Double(memory.bytes)
    print(
        String(
            format: "peak RSS validating a %.0f MB payload: %.0f MB (%.2fx the file)", Double(largeBytes.count) / 1e6,
            peak / 1e6, peak / Double(largeBytes.count)))
}

/// The whole pipeline in process: a deployment like the lab's with limits high enough not to
/// throttle the benchmark (the account default of 10,000 rps would).
func gatewayBenchmarks() throws {
    let root = FileManager.default.currentDirectoryPath + "/Schemas"
    let directory = NSTemporaryDirectory() + "gateway-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for name in ["Item.json", "Items.json", "ItemsAPI.json", "ItemsAPI.mock.json"] {
        try FileManager.default.copyItem(atPath: root + "/" + name, toPath: directory + "/" + name)
    }
    let deployment = """
        {"apiId": "itemsapi01", "accountThrottle": {"rateLimit": 1e9, "burstLimit": 1000000000},
         "stages": {"prod": {"definition": "ItemsAPI.json", "variables": {"lambdaAlias": "prod"}, "throttle": {"rateLimit": 1e9, "burstLimit": 1000000000}},
                    "cached": {"definition": "ItemsAPI.json", "variables": {"lambdaAlias": "prod"}, "throttle": {"rateLimit": 1e9, "burstLimit": 1000000000},
                               "cache": {"enabled": true, "ttlInSeconds": 3600}}},
         "functions": {"ItemsFunction": {"handler": "items.handler", "versions": [{"version": 1, "handler": "items.handler"}],
                       "aliases": {"prod": {"version": "1"}}}},
         "usagePlans": {"BenchPlan": {"stages": ["prod", "cached"], "throttle": {"rateLimit": 1e9, "burstLimit": 1000000000},
                        "quota": {"limit": 1000000000, "period": "DAY"}}},
         "apiKeys": {"BenchKey": {"value": "bench-key-0123456789abcdefghij", "enabled": true, "usagePlans": ["BenchPlan"]}}}
        """
    // The same API with a TOKEN authorizer (a built-in Swift function) on GET /items/{ID}.
    var authorized = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: directory + "/ItemsAPI.json"))).objectValue!
    var components = authorized["components"]?.objectValue ?? JSONObject()
    var schemes = components["securitySchemes"]?.objectValue ?? JSONObject()
    schemes["tokenAuth"] = [
        "type": "apiKey", "name": "Authorization", "in": "header",
        "x-amazon-apigateway-authorizer": [
            "type": "token", "authorizerResultTtlInSeconds": 300,
            "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:BenchAuthorizer/invocations",
        ],
    ]
    components["securitySchemes"] = .object(schemes)
    authorized["components"] = .object(components)
    var paths = authorized["paths"]!.objectValue!
    var item = paths["/items/{ID}"]!.objectValue!
    var operation = item["get"]!.objectValue!
    operation["security"] = .array((operation["security"]?.arrayValue ?? []) + [["tokenAuth": []]])
    item["get"] = .object(operation)
    paths["/items/{ID}"] = .object(item)
    authorized["paths"] = .object(paths)
    _ = FileManager.default.createFile(atPath: directory + "/ItemsAPI.authorized.json", contents: Data(JSONWriter.compact.bytes(.object(authorized))))
    _ = FileManager.default.createFile(
        atPath: directory + "/bench.deployment.json",
        contents: Data(
            deployment.replacingOccurrences(
                of: #""stages": {"#,
                with: #""stages": {"authorized": {"definition": "ItemsAPI.authorized.json", "variables": {"lambdaAlias": "prod"}, "throttle": {"rateLimit": 1e9, "burstLimit": 1000000000}}, "#
            ).replacingOccurrences(of: #""stages": ["prod", "cached"]"#, with: #""stages": ["prod", "cached", "authorized"]"#)
                .replacingOccurrences(of: #""functions": {"#, with: #""functions": {"BenchAuthorizer": {"handler": "bench.authorizer"}, "#).utf8))
    let gateway = try ControlPlane.load(
        deploymentFile: directory + "/bench.deployment.json", stateDirectory: nil,
        handlers: [ItemsFunction.handlerName: ItemsFunction(), "bench.authorizer": BenchAuthorizer()]
    ).gateway
    let headers: HTTPHeaders = ["x-api-key": "bench-key-0123456789abcdefghij", "Host": "localhost"]
    let uncached = HTTPRequest(method: "GET", target: "/prod/items/3", headers: headers)
    let cached = HTTPRequest(method: "GET", target: "/cached/items/3", headers: headers)
    var tokenHeaders = headers
    tokenHeaders.add("Authorization", "Bearer bench")
    let withAuthorizer = HTTPRequest(method: "GET", target: "/authorized/items/3", headers: tokenHeaders)
    precondition(gateway.respond(to: uncached).status == 200 && gateway.respond(to: cached).status == 200)
    precondition(gateway.respond(to: withAuthorizer).status == 200)
    let requests = settings.requests
    print("\ngateway in process: \(requests) requests per run, one thread, median of \(settings.runs) runs")
    var statusSum = 0
    let cases = [
        ("GET /prod/items/3 (key, quota, Lambda, templates)", uncached), ("GET /authorized/items/3 (the same + TOKEN authorizer, cache hit)", withAuthorizer),
        ("GET /cached/items/3 (cache hit)", cached),
    ]
    // The cases take turns within each run (the machine's noise then falls on all of them
    // alike); each one's median, and the authorizer's cost as the ratio of the first two.
    var times = Array(repeating: [Double](), count: cases.count)
    for _ in 0..<settings.runs {
        for (index, (name, request)) in cases.enumerated() {
            _ = named("gateway: " + name)
            let seconds = measure(1) {
                for _ in 0..<requests { statusSum &+= gateway.respond(to: request).status }
            }
            if !seconds.isNaN { times[index].append(seconds) }
        }
    }
    for (index, (name, _)) in cases.enumerated() where !times[index].isEmpty {
        let seconds = times[index].sorted()[times[index].count / 2]
        print(String(format: "%@%9.0f requests/s", ("gateway: " + name).padding(toLength: 52, withPad: " ", startingAt: 0), Double(requests) / seconds))
    }
    if !times[0].isEmpty, !times[1].isEmpty {
        let ratios = zip(times[1], times[0]).map { $0 / $1 }.sorted()
        print(String(format: "%@%9.3f (median of the runs' ratios; 1.000 = no cost)", "gateway: authorizer cache hit / same route without".padding(toLength: 52, withPad: " ", startingAt: 0), ratios[ratios.count / 2]))
    }
    precondition(statusSum > 0)
}

/// A TOKEN authorizer allowing every method (what the authorizer benchmark keeps in its cache).
struct BenchAuthorizer: LambdaHandler {
    func handle(_ event: JSONValue, context: LambdaContext) throws(LambdaFunctionError) -> JSONValue {
        ["principalId": "bench", "policyDocument": ["Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"]]]]
    }
}

/// The lab's mock templates, compiled once and rendered many times.
func templateBenchmarks() throws {
    // The lab's mock templates, as the mock stage's definition holds them.
    let mock = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/Schemas/ItemsAPI.mock.json")))
    func responseTemplate(_ path: String) throws -> MappingTemplate {
        let text = mock["paths"]?[path]?["get"]?["x-amazon-apigateway-integration"]?["responses"]?["default"]?["responseTemplates"]?["application/json"]
        return try MappingTemplate(text?.stringValue ?? "")
    }
    let list = try responseTemplate("/items")
    let item = try responseTemplate("/items/{ID}")
    let renders = 100_000
    print("\nmapping templates: \(renders) renders per run, median of \(settings.runs) runs")
    var context = RequestContext()
    context.requestId = "c0ffee00-0000-4000-8000-000000000000"
    context.stage = "prod"
    let listInput = MappingTemplateInput(context: context)
    let itemInput = MappingTemplateInput(parameters: RequestParameters(path: [("ID", "1")]), context: context)
    var length = 0
    _ = named("render: lab list template")
    let listTime = measure(settings.runs) {
        for _ in 0..<renders { length &+= (try! list.render(listInput)).body.utf8.count }
    }
    if !listTime.isNaN {
        print(String(format: "%@%9.0f renders/s", "render: lab /items list template".padding(toLength: 52, withPad: " ", startingAt: 0), Double(renders) / listTime))
    }
    _ = named("render: lab item template")
    let itemTime = measure(settings.runs) {
        for _ in 0..<renders { length &+= (try! item.render(itemInput)).body.utf8.count }
    }
    if !itemTime.isNaN {
        print(String(format: "%@%9.0f renders/s", "render: lab /items/{ID} template".padding(toLength: 52, withPad: " ", startingAt: 0), Double(renders) / itemTime))
    }
    precondition(length > 0)
}

// Every suite reads the lab's files by paths relative to the repository root.
guard FileManager.default.fileExists(atPath: "Schemas/ItemsAPI.json") else {
    FileHandle.standardError.write(
        Data("benchmarks: run from the repository root (no Schemas/ItemsAPI.json in \(FileManager.default.currentDirectoryPath))\n".utf8))
    exit(2)
}
let unknown = settings.suites.subtracting(["schema", "cli", "templates", "gateway", "sdk", "http", "functions", "yaml", "yaml-profile", "sam"])
guard unknown.isEmpty else {
    FileHandle.standardError.write(Data("benchmarks: unknown suite \(unknown.sorted().joined(separator: ", ")) (see --help)\n".utf8))
    exit(2)
}
if settings.suites.contains("schema") { try schemaBenchmarks() }
if settings.suites.contains("templates") { try templateBenchmarks() }
if settings.suites.contains("gateway") { try gatewayBenchmarks() }
if settings.suites.contains("cli") { try commandLineBenchmarks() }
if settings.suites.contains("sdk") { try sdkBenchmarks() }
if settings.suites.contains("http") { try httpBenchmarks() }
if settings.suites.contains("functions") { try functionBenchmarks() }
if settings.suites.contains("yaml") { try yamlBenchmarks() }
if settings.suites.contains("yaml-profile") { try yamlProfile() }
if settings.suites.contains("sam") { try samBenchmarks() }
