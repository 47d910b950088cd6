import Foundation

/// The validators users compare us with, on the same payload in the same run: ajv 6 (Node,
/// compiled validators; Debian's `node-ajv`, found through `NODE_PATH=/usr/share/nodejs`) and
/// jsonschema-rs (Rust, through Python: `pip install jsonschema-rs`). Each runs as a child
/// process that times its own parse and validate-only (median of runs) and prints them.
struct PeerFigures {
    var name: String
    var parseSeconds: Double
    var validateSeconds: Double
    /// Our validate-only figure, taken just before this peer ran (this machine's speed drifts,
    /// so a ratio is only fair between measurements taken back to back).
    var oursValidateSeconds: Double
    /// Ours on the same payload parsed onto a `JSONTape`, taken just before this peer ran.
    var oursTapeValidateSeconds: Double
}

enum Peers {
    /// The Items schema with Item inlined (the peers resolve no API Gateway model URL).
    static let itemsSchema = #"{"type": "array", "items": {"type": "object", "properties": {"ID": {"type": "number"}, "name": {"type": "string"}, "price": {"type": "number"}}}}"#

    static let ajvScript = """
        const Ajv = require('ajv'); const fs = require('fs');
        const [schemaPath, payloadPath, runsText] = process.argv.slice(2);
        const ajv = new Ajv({schemaId: 'id', meta: false});
        ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
        const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
        const text = fs.readFileSync(payloadPath, 'utf8');
        const runs = Number(runsText);
        function median(body) { const times = []; for (let i = 0; i < runs; i++) { const t = process.hrtime.bigint(); body(); times.push(Number(process.hrtime.bigint() - t) / 1e9); } times.sort((a, b) => a - b); return times[Math.floor(times.length / 2)]; }
        let value;
        const parse = median(() => { value = JSON.parse(text); });
        let ok = true;
        const check = median(() => { ok = validate(value) && ok; });
        if (!ok) { console.error('invalid'); process.exit(1); }
        console.log(parse + ' ' + check);
        """

    static let jsonschemaRsScript = """
        import json, sys, time, jsonschema_rs
        schema_path, payload_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
        validator = jsonschema_rs.Draft4Validator(json.load(open(schema_path)))
        text = open(payload_path).read()
        def median(body):
            times = []
            for _ in range(runs):
                t = time.perf_counter(); body(); times.append(time.perf_counter() - t)
            times.sort(); return times[len(times) // 2]
        value = None
        def parse():
            global value
            value = json.loads(text)
        p = median(parse)
        ok = [True]
        def check(): ok[0] = validator.is_valid(value) and ok[0]
        c = median(check)
        if not ok[0]: sys.exit("invalid")
        print(p, c)
        """

    /// Whole-process scripts: read, parse and validate a file once.
    static let ajvWhole = """
        const Ajv = require('ajv'); const fs = require('fs');
        const ajv = new Ajv({schemaId: 'id', meta: false});
        ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
        const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
        process.exit(validate(JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))) ? 0 : 1);
        """

    static let jsonschemaRsWhole = """
        import json, sys, jsonschema_rs
        sys.exit(0 if jsonschema_rs.Draft4Validator(json.load(open(sys.argv[1]))).is_valid(json.load(open(sys.argv[2]))) else 1)
        """

    static var nodeEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_PATH"] = ["/usr/share/nodejs", environment["NODE_PATH"]].compactMap { $0 }.joined(separator: ":")
        return environment
    }

    /// Which peers can run here, each with the command that runs a script file and the reason
    /// when one cannot.
    static func available() -> (runners: [(name: String, command: [String], script: String, whole: String, environment: [String: String])], skipped: [String]) {
        var runners: [(String, [String], String, String, [String: String])] = []
        var skipped: [String] = []
        if let node = findTool("node") {
            if runCommand([node, "-e", "require('ajv')"], environment: nodeEnvironment).status == 0 {
                runners.append(("ajv 6 (Node)", [node], ajvScript, ajvWhole, nodeEnvironment))
            } else {
                skipped.append("ajv: node has no ajv (apt-get install node-ajv)")
            }
        } else {
            skipped.append("ajv: node is not on PATH")
        }
        if let python = findTool("python3") {
            if runCommand([python, "-c", "import jsonschema_rs"], environment: ProcessInfo.processInfo.environment).status == 0 {
                runners.append(("jsonschema-rs (Python)", [python], jsonschemaRsScript, jsonschemaRsWhole, ProcessInfo.processInfo.environment))
            } else {
                skipped.append("jsonschema-rs: python3 has no jsonschema_rs (pip install jsonschema-rs)")
            }
        } else {
            skipped.append("jsonschema-rs: python3 is not on PATH")
        }
        return (runners, skipped)
    }

    /// Each peer's parse and validate-only figures on `payload` (median of `runs`), each with
    /// `ours()` measured just before it.
    static func inProcess(payload: [UInt8], runs: Int, ours: () -> (tree: Double, tape: Double)) throws -> (figures: [PeerFigures], skipped: [String]) {
        let (runners, skipped) = available()
        guard !runners.isEmpty else { return ([], skipped) }
        let directory = NSTemporaryDirectory() + "peer-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try itemsSchema.write(toFile: directory + "/items-schema.json", atomically: true, encoding: .utf8)
        try Data(payload).write(to: URL(fileURLWithPath: directory + "/payload.json"))
        for (index, runner) in runners.enumerated() {
            try runner.script.write(toFile: directory + "/peer-\(index)", atomically: true, encoding: .utf8)
        }
        sync()  // the files' writeback would otherwise run on the other core while we measure
        var figures: [PeerFigures] = []
        var notes = skipped
        for (index, runner) in runners.enumerated() {
            let script = directory + "/peer-\(index)"
            let mine = ours()
            let result = runCommand(runner.command + [script, directory + "/items-schema.json", directory + "/payload.json", String(runs)], environment: runner.environment)
            let numbers = result.output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
            guard result.status == 0, numbers.count == 2 else {
                notes.append("\(runner.name): failed (\(result.error.prefix(200)))")
                continue
            }
            figures.append(PeerFigures(name: runner.name, parseSeconds: numbers[0], validateSeconds: numbers[1], oursValidateSeconds: mine.tree, oursTapeValidateSeconds: mine.tape))
        }
        return (figures, notes)
    }

    /// Each peer's whole process (start, read, parse, validate, exit) on the file at `path`: the median of `runs`.
    static func wholeProcess(path: String, runs: Int) throws -> [(name: String, seconds: Double)] {
        let (runners, _) = available()
        let directory = NSTemporaryDirectory() + "peer-whole-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try itemsSchema.write(toFile: directory + "/items-schema.json", atomically: true, encoding: .utf8)
        var results: [(String, Double)] = []
        for (index, runner) in runners.enumerated() {
            let script = directory + "/whole-\(index)"
            try runner.whole.write(toFile: script, atomically: true, encoding: .utf8)
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                let result = runCommand(runner.command + [script, directory + "/items-schema.json", path], environment: runner.environment)
                guard result.status == 0 else { break }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            times.sort()
            if !times.isEmpty { results.append((runner.name, times[times.count / 2])) }
        }
        return results
    }
}

/// Runs a command to its end: exit status, standard output, standard error.
func runCommand(_ command: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.environment = environment
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    guard (try? process.run()) != nil else { return (-1, "", "cannot start \(command[0])") }
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
