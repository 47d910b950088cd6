import ControlPlane
import Foundation
import JSONCore
import LambdaEnvironments
import LambdaRuntime
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether `node` runs here (the Node tests need it and say so when it is missing).
let nodeAvailable: Bool = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { access(String($0) + "/node", X_OK) == 0 }
}()

/// The machine's Node major version (`20`), for the runtime that matches it.
let nodeRuntime: String = {
    guard nodeAvailable, let output = try? runNode(["-p", "process.versions.node.split('.')[0]"]) else { return "nodejs20.x" }
    return "nodejs" + output.trimmingCharacters(in: .whitespacesAndNewlines) + ".x"
}()

func runNode(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["node"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite("Node.js functions run on the machine's node", .enabled(if: nodeAvailable, "node is not on PATH: the Node function tests are skipped"))
struct NodeFunctionTests {
    func fixture(_ files: [String: String], handler: String, runtime: String = nodeRuntime, code: String = "fn", extra: String = "") throws -> FunctionFixture {
        try FunctionFixture(
            files: files.reduce(into: [:]) { $0[code + "/" + $1.key] = $1.value },
            functions: """
                {"F": {"runtime": "\(runtime)", "handler": "\(handler)", "code": "\(code)", "environment": {"TABLE": "items"}\(extra)}}
                """, paths: FunctionFixture.proxyPaths("F"))
    }

    @Test("CommonJS async handler: the event, every context member, the environment; a proxy answer over the gateway")
    func commonJS() throws {
        let fixture = try fixture(
            [
                "index.js": """
                exports.handler = async (event, context) => ({
                  statusCode: 200, headers: {"X-From": "node"},
                  body: JSON.stringify({
                    path: event.path, name: context.functionName, version: context.functionVersion, arn: context.invokedFunctionArn,
                    memory: context.memoryLimitInMB, id: context.awsRequestId, group: context.logGroupName, stream: context.logStreamName,
                    remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop,
                    table: process.env.TABLE, env: process.env.AWS_EXECUTION_ENV, root: process.env.LAMBDA_TASK_ROOT })
                });
                """
            ], handler: "index.handler")
        let response = fixture.get("/hello")
        #expect(response.status == 200, "\(fixture.lines.all.joined(separator: "\n"))")
        #expect(response.headers["X-From"] == "node")
        let body = try JSONParser().parse(response.body)
        #expect(body["path"] == "/hello" && body["name"] == "F" && body["version"] == "$LATEST" && body["table"] == "items")
        #expect(body["memory"] == "128", "memoryLimitInMB is a string")
        #expect(body["arn"]?.stringValue?.hasSuffix(":function:F") == true)
        #expect(body["group"] == "/aws/lambda/F" && body["waits"] == true && body["env"] == .string("AWS_Lambda_" + nodeRuntime))
        #expect((body["remaining"]?.numberValue?.intValue ?? 0) > 1000)
        #expect(body["id"]?.stringValue?.count == 36)
        // Warm: the same process answers again.
        #expect(fixture.get("/again").status == 200)
    }

    @Test("ES modules: .mjs, and .js under a package.json of type module; a handler in a directory with a nested property")
    func esModules() throws {
        let mjs = try fixture(["app.mjs": "export const handler = async (event) => ({ kind: 'mjs', n: event.n + 1 });"], handler: "app.handler")
        #expect(try mjs.invoke("F", #"{"n": 1}"#).json == ["kind": "mjs", "n": 2])
        let typed = try fixture(
            ["src/package.json": #"{"type": "module"}"#, "src/app.js": "export const api = { v1: { handler: async () => 'esm in a directory' } };"],
            handler: "src/app.api.v1.handler")
        #expect(try typed.invoke("F").json == "esm in a directory")
        let cjs = try fixture(["lib.cjs": "module.exports.handler = async () => 7;"], handler: "lib.handler")
        #expect(try cjs.invoke("F").json == 7)
        let modules = try fixture(
            ["node_modules/greeter/index.js": "module.exports.handler = async () => 'from node_modules';"], handler: "greeter.handler")
        #expect(try modules.invoke("F").json == "from node_modules")
    }

    @Test("callback handlers: a result waits for the event loop unless told not to; context.succeed; a second completion is a warning")
    func callbacks() throws {
        let fixture = try fixture(
            [
                "index.js": """
                exports.waits = (event, context, callback) => {
                  const result = { timerRan: false };
                  setTimeout(() => { result.timerRan = true; }, 50);
                  callback(null, result);
                };
                exports.early = (event, context, callback) => {
                  context.callbackWaitsForEmptyEventLoop = false;
                  setTimeout(() => {}, 3000);
                  callback(null, 'early');
                };
                exports.succeed = (event, context) => { context.succeed('ok'); context.fail(new Error('too late')); };
                exports.fails = (event, context, callback) => callback(new TypeError('bad input'));
                exports.sync = () => 42;
                """
            ], handler: "index.waits")
        // The answer went out once the event loop was empty: after the timer changed it.
        #expect(try fixture.invoke("F").json == ["timerRan": true])
        try fixture.control.lambda.updateFunction("F", handler: "index.early")
        let started = Date()
        #expect(try fixture.invoke("F").json == "early")
        #expect(Date().timeIntervalSince(started) < 2.5, "callbackWaitsForEmptyEventLoop = false answers without waiting for the timer")
        try fixture.control.lambda.updateFunction("F", handler: "index.succeed")
        let succeeded = try fixture.control.lambda.invoke("F", payload: Array("{}".utf8), collectLogs: true)
        #expect(succeeded.functionError == nil && String(decoding: succeeded.payload, as: UTF8.self) == #""ok""#)
        #expect(succeeded.logLines.contains { $0.contains("\tWARN\tInvocation has already been reported as done. Cannot call complete more than once per invocation.") })
        try fixture.control.lambda.updateFunction("F", handler: "index.fails")
        let failed = try fixture.control.lambda.invoke("F", payload: Array("{}".utf8), collectLogs: true)
        #expect(failed.functionError == "Unhandled")
        let error = try JSONParser().parse(failed.payload)
        #expect(error["errorType"] == "TypeError" && error["errorMessage"] == "bad input")
        #expect(error["trace"]?.arrayValue?.first == "TypeError: bad input")
        #expect(failed.logLines.contains { $0.contains("\tERROR\tInvoke Error \t{\"errorType\":\"TypeError\"") })
        // A plain function without a callback ends with null, as on AWS.
        try fixture.control.lambda.updateFunction("F", handler: "index.sync")
        #expect(try fixture.invoke("F").json == .null)
    }

    @Test("init errors carry AWS's types: malformed names, missing modules and handlers, syntax errors, a throw at load")
    func initErrors() throws {
        let cases: [(handler: String, files: [String: String], type: String, message: String)] = [
            ("../x.handler", ["index.js": ""], "Runtime.MalformedHandlerName", "'../x.handler' is not a valid handler name."),
            ("nowhere.handler", ["index.js": ""], "Runtime.ImportModuleError", "Error: Cannot find module 'nowhere'"),
            ("index.missing", ["index.js": "exports.handler = async () => 1;"], "Runtime.HandlerNotFound", "index.missing is undefined or not exported"),
            ("index.value", ["index.js": "exports.value = 3;"], "Runtime.HandlerNotFound", "index.value is not a function"),
            ("index.handler", ["index.js": "exports.handler = async () => {"], "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input"),
            ("index.handler", ["index.js": "throw new RangeError('no config');"], "RangeError", "no config"),
        ]
        for item in cases {
            let fixture = try fixture(item.files, handler: item.handler)
            let outcome = try fixture.control.lambda.invoke("F", payload: Array("{}".utf8), collectLogs: true)
            let error = try JSONParser().parse(outcome.payload)
            #expect(outcome.functionError == "Unhandled", "\(item.handler)")
            #expect(error["errorType"]?.stringValue == item.type, "\(item.handler): \(error)")
            #expect(error["errorMessage"]?.stringValue?.hasPrefix(item.message) == true, "\(item.handler): \(error)")
        }
    }

    @Test("nodejs24.x refuses a callback-style handler at init; an async one runs")
    func node24Callbacks() throws {
        let fixture = try fixture(
            ["index.js": "exports.cb = (event, context, callback) => callback(null, 1);\nexports.ok = async (event, context) => 2;"], handler: "index.cb",
            runtime: "nodejs24.x")
        let refused = try JSONParser().parse(try fixture.control.lambda.invoke("F", payload: Array("{}".utf8)).payload)
        #expect(refused["errorType"] == "Runtime.CallbackHandlerDeprecated")
        try fixture.control.lambda.updateFunction("F", handler: "index.ok")
        #expect(try fixture.invoke("F").json == 2)
    }

    @Test("console lines as AWS writes them: timestamp, request id, level, newlines as \\r; JSON with AWS_LAMBDA_LOG_FORMAT")
    func logs() throws {
        let fixture = try fixture(
            ["index.js": "exports.handler = async () => { console.log('two\\nlines', {a: 1}); console.error('bad'); console.debug('dbg'); return 1; };"],
            handler: "index.handler")
        let outcome = try fixture.control.lambda.invoke("F", payload: Array("{}".utf8), collectLogs: true)
        let line = try #require(outcome.logLines.first { $0.contains("\tINFO\t") })
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == 4)
        #expect(fields[0].hasSuffix("Z") && fields[0].count == 24, "\(line)")
        #expect(fields[1].count == 36 && fields[3] == "two\rlines { a: 1 }", "\(line)")
        #expect(outcome.logLines.contains { $0.hasSuffix("\tERROR\tbad") })
        #expect(outcome.logLines.contains { $0.hasSuffix("\tDEBUG\tdbg") })

        try fixture.control.lambda.updateFunction("F", environment: ["AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"])
        let json = try fixture.control.lambda.invoke("F", payload: Array("{}".utf8), collectLogs: true)
        let record = try #require(json.logLines.compactMap { try? JSONParser().parse(Array($0.utf8)) }.first { $0["level"] == "INFO" })
        #expect(record["message"] == "two\nlines { a: 1 }" && record["requestId"]?.stringValue?.count == 36 && record["timestamp"] != nil)
        #expect(!json.logLines.contains { $0.contains("dbg") }, "AWS_LAMBDA_LOG_LEVEL=INFO drops DEBUG")
    }

    @Test("an uncaught exception or an unhandled rejection during an invocation is its answer (as AWS's runtime client posts it), then the process ends; the next call starts a new one")
    func crash() throws {
        let fixture = try fixture(
            [
                "index.js": """
                    exports.handler = async (event) => {
                      if (event.crash) setTimeout(() => { throw new Error('boom'); }, 0);
                      if (event.reject) setTimeout(() => { Promise.reject(new Error('yikes')); }, 0);
                      return new Promise(() => {});
                    };
                    exports.fine = async () => 'fine';
                    """
            ],
            handler: "index.handler")
        let crashed = try fixture.control.lambda.invoke("F", payload: Array(#"{"crash": true}"#.utf8))
        #expect(crashed.functionError == "Unhandled")
        let crash = try JSONParser().parse(crashed.payload)
        #expect(crash["errorType"] == "Error")
        #expect(crash["errorMessage"] == "boom")
        #expect(fixture.lines.all.contains { $0.contains("Uncaught Exception") && $0.contains("boom") })
        let rejected = try fixture.control.lambda.invoke("F", payload: Array(#"{"reject": true}"#.utf8))
        let rejection = try JSONParser().parse(rejected.payload)
        #expect(rejection["errorType"] == "Runtime.UnhandledPromiseRejection", "\(fixture.lines.all.suffix(12))")
        #expect(rejection["errorMessage"] == "Error: yikes")
        #expect(rejection["trace"]?.arrayValue?.first == "Runtime.UnhandledPromiseRejection: Error: yikes")
        try fixture.control.lambda.updateFunction("F", handler: "index.fine")
        #expect(try fixture.invoke("F").json == "fine")
    }

    @Test("as for Python: a timeout kills the process (Sandbox.Timedout), an oversized answer is refused, $LATEST follows edits")
    func lifecycle() throws {
        let fixture = try fixture(
            ["index.js": "exports.handler = async (event) => event.sleep ? new Promise((r) => setTimeout(r, 5000)) : event.big ? 'x'.repeat(7000000) : 'one';"],
            handler: "index.handler", extra: #", "timeout": 1"#)
        #expect(try fixture.invoke("F").json == "one")
        let slow = try fixture.control.lambda.invoke("F", payload: Array(#"{"sleep": true}"#.utf8))
        #expect(try JSONParser().parse(slow.payload)["errorType"] == "Sandbox.Timedout")
        let big = try fixture.control.lambda.invoke("F", payload: Array(#"{"big": true}"#.utf8))
        #expect(try JSONParser().parse(big.payload)["errorType"] == "Function.ResponseSizeTooLarge")
        try "exports.handler = async () => 'two';".write(toFile: fixture.directory + "/fn/index.js", atomically: true, encoding: .utf8)
        var answer: JSONValue? = nil
        for _ in 0..<50 {
            answer = try fixture.invoke("F").json
            if answer == "two" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(answer == "two", "the edited code answers")
    }

    /// A `bootstrap` written by hand from the Runtime API's documentation: the loop, the headers
    /// and the environment, with none of our client's code.
    static let handWrittenBootstrap = #"""
        #!/usr/bin/env node
        const http = require('http');
        const api = process.env.AWS_LAMBDA_RUNTIME_API;
        const handler = require(process.env.LAMBDA_TASK_ROOT + '/report.js').handler;
        function request(method, path, body) {
          return new Promise((resolve, reject) => {
            const r = http.request('http://' + api + '/2018-06-01/runtime/' + path, { method }, (response) => {
              let data = '';
              response.on('data', (c) => (data += c));
              response.on('end', () => resolve({ headers: response.headers, body: data }));
            });
            r.on('error', reject);
            if (body !== undefined) r.write(body);
            r.end();
          });
        }
        (async () => {
          for (;;) {
            const next = await request('GET', 'invocation/next');
            const h = next.headers;
            const deadline = Number(h['lambda-runtime-deadline-ms']);
            const context = {
              functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
              invokedFunctionArn: h['lambda-runtime-invoked-function-arn'], memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
              awsRequestId: h['lambda-runtime-aws-request-id'], logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
              logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME, getRemainingTimeInMillis: () => deadline - Date.now(),
            };
            const result = await handler(JSON.parse(next.body), context);
            await request('POST', 'invocation/' + context.awsRequestId + '/response', JSON.stringify(result));
          }
        })();
        """#

    @Test("our client and a hand-written bootstrap (provided.al2023) see the same event and context")
    func sameAsHandWrittenBootstrap() throws {
        let report = """
            exports.handler = async (event, context) => ({
              event, functionName: context.functionName, functionVersion: context.functionVersion, arn: context.invokedFunctionArn,
              memory: context.memoryLimitInMB, group: context.logGroupName, idLength: context.awsRequestId.length,
              streamPrefix: context.logStreamName.split('/')[0], remainingPositive: context.getRemainingTimeInMillis() > 0,
              root: process.env.LAMBDA_TASK_ROOT.endsWith('/code'), region: process.env.AWS_REGION, handler: process.env._HANDLER });
            """
        let fixture = try FunctionFixture(
            files: ["code/report.js": report, "code/bootstrap": NodeFunctionTests.handWrittenBootstrap],
            functions: """
                {"Ours": {"runtime": "\(nodeRuntime)", "handler": "report.handler", "code": "code"},
                 "Hand": {"runtime": "provided.al2023", "handler": "report.handler", "code": "code"}}
                """, paths: FunctionFixture.proxyPaths("Ours"))
        let event = #"{"path": "/same", "nested": {"list": [1, 2.5, "three", null, true]}, "unicode": "ünïcødé"}"#
        let ours = try fixture.invoke("Ours", event).json
        let hand = try fixture.invoke("Hand", event).json
        #expect(ours?["event"] == hand?["event"])
        #expect(ours?["event"] == (try JSONParser().parse(Array(event.utf8))))
        #expect(ours?["group"] == "/aws/lambda/Ours" && hand?["group"] == "/aws/lambda/Hand")
        for member in ["memory", "idLength", "streamPrefix", "remainingPositive", "root", "region", "handler", "functionVersion"] {
            #expect(ours?[member] == hand?[member], "\(member): \(String(describing: ours?[member])) vs \(String(describing: hand?[member]))")
        }
        #expect(ours?["functionName"] == "Ours" && hand?["functionName"] == "Hand")
        #expect(ours?["arn"]?.stringValue?.hasSuffix(":function:Ours") == true && hand?["arn"]?.stringValue?.hasSuffix(":function:Hand") == true)
    }
}
