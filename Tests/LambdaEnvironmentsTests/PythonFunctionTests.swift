import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import HTTPServer
import JSONCore
import LambdaEnvironments
import LambdaRuntime
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Python functions run as local processes", .enabled(if: pythonAvailable, "python3 is not on PATH: the Python function tests are skipped"))
struct PythonFunctionTests {
    static let proxyCode = """
        import json, os, time

        def handler(event, context):
            path = event.get("path", "")
            if path == "/malformed":
                return {"statusCode": "not a number", "body": 42, "extra": True}
            if path == "/context":
                return {"statusCode": 200, "body": json.dumps({
                    "memory": context.memory_limit_in_mb, "name": context.function_name, "version": context.function_version,
                    "arn": context.invoked_function_arn, "remaining": context.get_remaining_time_in_millis(),
                    "root": os.environ["LAMBDA_TASK_ROOT"], "cwd": os.getcwd(), "table": os.environ.get("TABLE"),
                    "region": os.environ.get("AWS_REGION"), "api": os.environ.get("AWS_LAMBDA_RUNTIME_API"),
                    "tz": os.environ.get("TZ"), "env": os.environ.get("AWS_EXECUTION_ENV")})}
            return {"statusCode": 201, "headers": {"X-From": "python"}, "body": json.dumps({"method": event["httpMethod"], "path": path})}
        """

    func proxyFixture(extra: String = "") throws -> FunctionFixture {
        try FunctionFixture(
            files: ["proxy/app.py": PythonFunctionTests.proxyCode],
            functions: """
                {"Proxy": {"runtime": "python3.13", "handler": "app.handler", "code": "proxy", "environment": {"TABLE": "items"}\(extra)}}
                """)
    }

    @Test("the lab end to end over HTTP against the Python function")
    func labOverHTTP() throws {
        let lines = LogLines()
        let runner = LocalCodeRunner(snapshotDirectory: NSTemporaryDirectory() + "lab-python-" + UUID().uuidString)
        defer { runner.shutdown() }
        let control = try ControlPlane.load(
            deploymentFile: FunctionFixture.packageRoot + "/Schemas/ItemsAPI.python.deployment.json", stateDirectory: nil, handlers: [:],
            logSink: { lines.append($0.text) }, codeRunner: runner)
        let server = try HTTPServer.start(ServerConfiguration(host: "127.0.0.1", port: 0), responder: FrontDoor(control: control))
        defer { server.stop(gracePeriod: 0) }
        let key = control.apiGateway.apiKeys.first { $0.name == "LabKey" }!.value
        let list = try httpGet(port: server.port, "/prod/items", key: key)
        #expect(list.status == 200)
        let items = try JSONParser().parse(Array(list.body.utf8))
        #expect(items.arrayValue?.count == 4)
        #expect(items[0]?["name"]?.stringValue == "Pen")
        let three = try httpGet(port: server.port, "/prod/items/3", key: key)
        #expect(three.status == 200)
        #expect(try JSONParser().parse(Array(three.body.utf8))["name"]?.stringValue == "Highlighter")
        let missing = try httpGet(port: server.port, "/prod/items/5", key: key)
        #expect(missing.status == 404)
        // The function's own print line reaches the server's log, inside START/END.
        let log = lines.all
        #expect(log.contains { $0.hasPrefix("Event: ") && $0.contains("\"ID\": 3") })
        #expect(log.contains { $0.hasPrefix("REPORT RequestId: ") && $0.contains("Max Memory Used: ") && $0.contains("Init Duration: ") })
    }

    @Test("AWS_PROXY: statusCode, headers and body from Python; a malformed result is 502")
    func proxy() throws {
        let fixture = try proxyFixture()
        let response = fixture.get("/hello")
        #expect(response.status == 201)
        #expect(response.headers["X-From"] == "python")
        #expect(try JSONParser().parse(response.body) == ["method": "GET", "path": "/hello"])
        let malformed = fixture.get("/malformed")
        #expect(malformed.status == 502)
        #expect(try JSONParser().parse(malformed.body) == ["message": "Internal server error"])
        // The same environment answers again (warm), and the context is Lambda's.
        let context = try JSONParser().parse(Array(fixture.get("/context").body))
        #expect(context["memory"] == "128")
        #expect(context["name"] == "Proxy")
        #expect(context["version"] == "$LATEST")
        #expect(context["arn"]?.stringValue?.hasSuffix(":function:Proxy") == true)
        #expect((context["remaining"]?.numberValue?.intValue ?? 0) > 2000)
        #expect(context["root"] == context["cwd"])
        #expect(context["table"] == "items")
        #expect(context["region"] == "us-east-1")
        #expect(context["tz"] == ":UTC")
        #expect(context["env"] == "AWS_Lambda_python3.13")
        #expect(context["api"]?.stringValue?.hasPrefix("127.0.0.1:") == true)
        #expect(fixture.runner.environmentCount == 1)
    }

    @Test("a handler exception is Lambda's error JSON with a stack trace")
    func exception() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(event, context):\n    raise ValueError('bad value ' + str(event['n']))\n"],
            functions: #"{"F": {"runtime": "python3.12", "handler": "m.h", "code": "f"}}"#)
        let (outcome, json) = try fixture.invoke("F", #"{"n": 7}"#)
        #expect(outcome.functionError == "Unhandled")
        #expect(json?["errorType"] == "ValueError")
        #expect(json?["errorMessage"] == "bad value 7")
        #expect(json?["requestId"]?.stringValue?.count == 36)
        #expect(json?["stackTrace"]?[0]?.stringValue?.contains("raise ValueError") == true)
    }

    @Test("an Invoke through Lambda's API logs what the function prints in the server's log; a traceback reads as lines on a terminal, \\r-joined elsewhere")
    func invokeOutputReachesTheLog() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(event, context):\n    print('hello from ' + context.function_name)\n    if event.get('fail'):\n        raise ValueError('bad')\n    return 1\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f"}}"#)
        // Without LogType Tail: the caller gets no log, the server's log has it all.
        let quiet = try fixture.control.lambda.invoke("F", payload: Array("{}".utf8), collectLogs: false)
        #expect(quiet.logLines.isEmpty)
        #expect(fixture.lines.all.contains("hello from F"))
        #expect(fixture.lines.all.contains { $0.hasPrefix("REPORT RequestId: ") })
        let failed = try fixture.control.lambda.invoke("F", payload: Array(#"{"fail": true}"#.utf8), collectLogs: true)
        // Lambda's own log line keeps CloudWatch's \r between the traceback's lines ...
        let traceback = try #require(failed.logLines.first { $0.hasPrefix("[ERROR] ValueError: bad") })
        #expect(traceback.contains("\rTraceback (most recent call last):\r"))
        // ... which a terminal shows one per line, indented under the first.
        let shown = GatewayLogEvent.message(traceback).terminalText.split(separator: "\n").map(String.init)
        #expect(shown.first == "[ERROR] ValueError: bad")
        #expect(shown.count >= 3 && shown.dropFirst().allSatisfy { $0.hasPrefix("    ") } && !shown.joined().contains("\r"))
        #expect(GatewayLogEvent.message(traceback).json.contains("\\r"))
    }

    @Test("what an invocation prints, even without a final newline, is in its own log, before END")
    func outputBelongsToItsInvocation() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(event, context):\n    print('line ' + event['n'])\n    print('partial ' + event['n'], end='')\n    return event['n']\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f"}}"#)
        for n in ["1", "2", "3"] {
            let (outcome, json) = try fixture.invoke("F", #"{"n": "\#(n)"}"#)
            #expect(json == .string(n))
            let output = outcome.logLines.filter { !$0.hasPrefix("START") && !$0.hasPrefix("END") && !$0.hasPrefix("REPORT") && !$0.hasPrefix("INIT") }
            #expect(output == ["line \(n)", "partial \(n)"], "invocation \(n): \(outcome.logLines)")
            #expect(outcome.logLines.firstIndex { $0.hasPrefix("END") } ?? -1 > outcome.logLines.firstIndex(of: "partial \(n)") ?? Int.max)
        }
    }

    @Test("a timeout kills the environment and answers Task timed out; the next invocation starts a new one")
    func timeout() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "import time\ncalls = 0\ndef h(event, context):\n    global calls\n    calls += 1\n    if event.get('sleep'):\n        time.sleep(5)\n    return calls\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f", "timeout": 1}}"#)
        #expect(try fixture.invoke("F").json == 1)
        #expect(try fixture.invoke("F").json == 2)
        let started = Date()
        let (outcome, json) = try fixture.invoke("F", #"{"sleep": true}"#)
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(outcome.functionError == "Unhandled")
        #expect(json?["errorType"] == "Sandbox.Timedout")
        #expect(json?["errorMessage"]?.stringValue?.hasSuffix("Error: Task timed out after 1.00 seconds") == true)
        #expect(outcome.logLines.last?.contains("Status: timeout") == true)
        // A new process: module state starts again.
        #expect(try fixture.invoke("F").json == 1)
    }

    @Test("a crash or an exit is Runtime.ExitError, and the function recovers")
    func crash() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "import os, sys\ndef h(event, context):\n    if event.get('code') is not None:\n        os._exit(event['code'])\n    if event.get('exit'):\n        sys.exit(0)\n    return 'ok'\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f"}}"#)
        let three = try fixture.invoke("F", #"{"code": 3}"#).json
        #expect(three?["errorType"] == "Runtime.ExitError")
        #expect(three?["errorMessage"]?.stringValue?.hasSuffix("Error: Runtime exited with error: exit status 3") == true)
        #expect(try fixture.invoke("F").json == "ok")
        let zero = try fixture.invoke("F", #"{"exit": true}"#).json
        #expect(zero?["errorMessage"]?.stringValue?.hasSuffix("Error: Runtime exited without providing a reason") == true)
        #expect(try fixture.invoke("F").json == "ok")
    }

    @Test("init errors answer the invocation with AWS's types; init is retried next time")
    func initErrors() throws {
        let fixture = try FunctionFixture(
            files: [
                "a/m.py": "import not_a_module_anywhere\ndef h(e, c):\n    return 1\n", "b/m.py": "def other(e, c):\n    return 1\n",
                "c/m.py": "def h(e, c)\n    return 1\n",
            ],
            functions: """
                {"Import": {"runtime": "python3.13", "handler": "m.h", "code": "a"}, "Missing": {"runtime": "python3.13", "handler": "m.h", "code": "b"},
                 "Syntax": {"runtime": "python3.13", "handler": "m.h", "code": "c"}, "Malformed": {"runtime": "python3.13", "handler": "nodot", "code": "b"}}
                """)
        let imported = try fixture.invoke("Import")
        #expect(imported.outcome.functionError == "Unhandled")
        #expect(imported.json?["errorType"] == "Runtime.ImportModuleError")
        #expect(imported.json?["errorMessage"] == "Unable to import module 'm': No module named 'not_a_module_anywhere'")
        // Lambda answers with the id of the invocation that met the failed init.
        let started = imported.outcome.logLines.first { $0.hasPrefix("START RequestId: ") }
        let requestId = started.map { String($0.dropFirst("START RequestId: ".count).prefix(36)) }
        #expect(requestId != nil && imported.json?["requestId"]?.stringValue == requestId)
        #expect(imported.outcome.logLines.contains { $0.hasPrefix("INIT_REPORT Init Duration: ") && $0.contains("Error Type: Runtime.ImportModuleError") })
        #expect(try fixture.invoke("Missing").json?["errorMessage"] == "Handler 'h' missing on module 'm'")
        #expect(try fixture.invoke("Missing").json?["errorType"] == "Runtime.HandlerNotFound")
        #expect(try fixture.invoke("Syntax").json?["errorType"] == "Runtime.UserCodeSyntaxError")
        #expect(try fixture.invoke("Malformed").json?["errorType"] == "Runtime.MalformedHandlerName")
        // A module path that leaves the code directory is malformed, not a TypeError from importlib.
        for handler in ["../../../etc/passwd.x", "/etc/passwd.x", ".hidden.h", "a//b.h", "m."] {
            try fixture.control.lambda.updateFunction("Missing", handler: handler)
            let outcome = try fixture.invoke("Missing")
            #expect(outcome.json?["errorType"] == "Runtime.MalformedHandlerName", "\(handler): \(String(describing: outcome.json))")
        }
        // Fixed, the next invocation inits again and runs.
        try fixture.write("a/m.py", "def h(e, c):\n    return 'fixed'\n")
        #expect(try fixture.invoke("Import").json == "fixed")
    }

    @Test("a response over 6 MB is Function.ResponseSizeTooLarge")
    func responseLimit() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(e, c):\n    return 'x' * (e['n'])\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f"}}"#)
        #expect(try fixture.invoke("F", #"{"n": 6000000}"#).json?.stringValue?.count == 6_000_000)
        let (outcome, json) = try fixture.invoke("F", #"{"n": 7000000}"#)
        #expect(outcome.functionError == "Unhandled")
        #expect(json?["errorType"] == "Function.ResponseSizeTooLarge")
        #expect(json?["errorMessage"] == "Response payload size exceeded maximum allowed payload size (6291556 bytes).")
    }

    @Test("reserved concurrency throttles the invocation past it (429), and API Gateway answers 500")
    func throttling() throws {
        let marker = NSTemporaryDirectory() + "throttle-marker-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let fixture = try FunctionFixture(
            files: [
                "proxy/app.py":
                    "import os, time\ndef handler(e, c):\n    if e.get('path') == '/one':\n        open(os.environ['MARK'], 'w').close()\n        time.sleep(5)\n    return {'statusCode': 200, 'body': 'slow'}\n"
            ],
            functions: """
                {"Proxy": {"runtime": "python3.13", "handler": "app.handler", "code": "proxy", "reservedConcurrency": 1, "timeout": 20,
                           "environment": {"MARK": "\(marker)"}}}
                """)
        #expect(fixture.get("/warm").status == 200)
        // A slow invocation holds the one reserved slot; while it runs (known by the marker its
        // handler leaves, and by its answer not being back), the others are refused. On a
        // machine so busy that it finishes first, the attempt proves nothing and is repeated.
        var conclusive = false
        for _ in 0..<3 where !conclusive {
            try? FileManager.default.removeItem(atPath: marker)
            let done = Mutex<Int?>(nil)
            let first = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                let status = fixture.get("/one").status
                done.withLock { $0 = status }
                first.signal()
            }
            for _ in 0..<1000 where !FileManager.default.fileExists(atPath: marker) { usleep(10_000) }
            let two = fixture.get("/two")
            var throttled: ControlError? = nil
            do {
                _ = try fixture.control.lambda.invoke("Proxy", payload: Array("{}".utf8))
            } catch {
                throttled = error
            }
            let finishedFirst = done.withLock { $0 } != nil
            first.wait()
            #expect(done.withLock { $0 } == 200)
            guard !finishedFirst else { continue }
            conclusive = true
            #expect(two.status == 500, "\(two.bodyText)")
            #expect(throttled?.status == 429)
            #expect(throttled?.type == "TooManyRequestsException")
        }
        #expect(conclusive)
        // Zero throttles everything.
        try fixture.control.lambda.putFunctionConcurrency("Proxy", 0)
        #expect(fixture.get("/zero").status == 500)
    }

    @Test("publishing copies the code: later edits reach $LATEST at once and never the version")
    func publishThenEdit() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(e, c):\n    return 'one'\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f", "versions": [{"version": 1}]}}"#)
        #expect(try fixture.invoke("F").json == "one")
        #expect(try fixture.invoke("F:1").json == "one")
        try fixture.write("f/m.py", "def h(e, c):\n    return 'two'\n")
        #expect(try fixture.invoke("F").json == "two")
        #expect(try fixture.invoke("F:1").json == "one")
        let published = try fixture.control.lambda.publishVersion("F")
        #expect(published.version == "2")
        #expect(try fixture.control.lambda.publishVersion("F").version == "2")
        try FileManager.default.createDirectory(atPath: fixture.directory + "/f/pkg", withIntermediateDirectories: true)
        try fixture.write("f/pkg/__init__.py", "WORD = 'three'\n")
        try fixture.write("f/m.py", "import pkg\ndef h(e, c):\n    return pkg.WORD\n")
        #expect(try fixture.invoke("F").json == "three")
        try fixture.write("f/pkg/__init__.py", "WORD = 'four'\n")
        #expect(try fixture.invoke("F").json == "four")
        #expect(try fixture.invoke("F:2").json == "two")
        #expect(try fixture.invoke("F:1").json == "one")
    }

    @Test("CodeSha256: a version published from unchanged code has $LATEST's; an edit changes $LATEST's only")
    func codeSha256() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(e, c):\n    return 'one'\n"],
            functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "f", "versions": [{"version": 1}]}}"#)
        let client = ControlClient(
            transport: .inProcess(FrontDoor(control: fixture.control)), credentials: StateDirectory.Credentials(accessKeyId: "test", secretAccessKey: "test"))
        func sha(_ qualifier: String) throws -> String? {
            try client.send("lambda", "GET", "/2015-03-31/functions/F?Qualifier=\(qualifier)").json["Configuration"]?["CodeSha256"]?.stringValue
        }
        let latest = try sha("$LATEST")
        let first = try sha("1")
        #expect(latest != nil && latest == first)
        try fixture.write("f/m.py", "def h(e, c):\n    return 'two'\n")
        #expect(try sha("$LATEST") != latest)
        #expect(try sha("1") == latest)
    }

    @Test("no Python code directory or interpreter problem waits for the first request")
    func loadErrors() throws {
        #expect(throws: (any Error).self) {
            _ = try FunctionFixture(files: [:], functions: #"{"F": {"runtime": "python3.13", "handler": "m.h", "code": "nowhere"}}"#)
        }
        #expect(throws: (any Error).self) {
            _ = try FunctionFixture(files: ["f/m.py": ""], functions: #"{"F": {"runtime": "cobol", "handler": "m.h", "code": "f"}}"#)
        }
    }
}

/// A GET over a real socket (the server's own HTTP path).
func httpGet(port: Int, _ path: String, key: String) throws -> (status: Int, body: String) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HTTPGetError() }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: \(key)\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(descriptor, &buffer, buffer.count, 0)
        if count <= 0 { break }
        received.append(contentsOf: buffer[0..<count])
    }
    let text = String(decoding: received, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ")[1]) else { throw HTTPGetError() }
    return (status, String(text[split.upperBound...]))
}

struct HTTPGetError: Error {}
