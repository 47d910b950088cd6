import ControlPlane
import Foundation
import JSONCore
import Testing

/// A `provided.al2023` function whose `bootstrap` is a script implementing the Runtime API
/// loop itself (as a Go, Rust, C++ or Swift runtime does), probing the API's answers.
@Suite("Custom runtimes: bootstrap and the Runtime API", .enabled(if: pythonAvailable, "python3 is not on PATH: the bootstrap script needs it"))
struct CustomRuntimeTests {
    static let bootstrap = #"""
        #!/usr/bin/env python3
        import json, os, sys, urllib.request, urllib.error
        api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/"

        def call(method, path, body=None, headers={}):
            request = urllib.request.Request(api + path, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()

        print("bootstrap starting", flush=True)
        while True:
            status, headers, body = call("GET", "invocation/next")
            request_id = headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(body)
            if event.get("fail"):
                call("POST", "invocation/" + request_id + "/error",
                     json.dumps({"errorMessage": "custom failure", "errorType": "Custom.Error"}).encode(),
                     {"Lambda-Runtime-Function-Error-Type": "Custom.Error"})
                continue
            if event.get("text"):
                call("POST", "invocation/" + request_id + "/response", b"plain text, not JSON")
                continue
            unknown = call("POST", "invocation/not-an-id/response", b"{}")
            late_init = call("POST", "init/error", b"{}")
            probes = {
                "unknown": [unknown[0], json.loads(unknown[2])],
                "lateInit": late_init[0],
                "executionEnv": "AWS_EXECUTION_ENV" in os.environ,
                "handler": os.environ["_HANDLER"],
                "taskRoot": os.environ["LAMBDA_TASK_ROOT"] == os.getcwd(),
                "deadline": int(headers["Lambda-Runtime-Deadline-Ms"]),
                "arn": headers["Lambda-Runtime-Invoked-Function-Arn"],
                "trace": headers.get("Lambda-Runtime-Trace-Id", ""),
                "event": event,
            }
            call("POST", "invocation/" + request_id + "/response", json.dumps(probes).encode())
            again = call("POST", "invocation/" + request_id + "/response", b"{}")
            print("answering twice:", again[0], flush=True)
        """#

    func fixture() throws -> FunctionFixture {
        try FunctionFixture(
            files: ["custom/bootstrap": CustomRuntimeTests.bootstrap, "empty/README": "no bootstrap here\n"],
            functions: """
                {"Custom": {"runtime": "provided.al2023", "handler": "function.handler", "code": "custom", "versions": [{"version": 1}]},
                 "NoBootstrap": {"runtime": "provided.al2", "handler": "x", "code": "empty"}}
                """)
    }

    @Test("the loop runs: headers, errors of the API (400 unknown id, 403 late init/error), posted errors verbatim")
    func loop() throws {
        let fixture = try fixture()
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let (outcome, json) = try fixture.invoke("Custom:1", #"{"hello": "world"}"#)
        #expect(outcome.functionError == nil)
        #expect(json?["unknown"] == [400, ["errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"]])
        #expect(json?["lateInit"] == 403)
        #expect(json?["executionEnv"] == false)
        #expect(json?["handler"] == "function.handler")
        #expect(json?["taskRoot"] == true)
        #expect(json?["arn"]?.stringValue == "arn:aws:lambda:us-east-1:123456789012:function:Custom:1")
        #expect(json?["trace"]?.stringValue?.hasPrefix("Root=1-") == true)
        let deadline = Int64(json?["deadline"]?.numberValue?.intValue ?? 0)
        #expect(deadline > before && deadline < before + 20_000)
        #expect(json?["event"] == ["hello": "world"])
        #expect(outcome.logLines.contains("bootstrap starting"))
        // A posted error reaches the caller verbatim; a second answer to one id was refused.
        let failed = try fixture.invoke("Custom:1", #"{"fail": true}"#)
        #expect(failed.outcome.functionError == "Unhandled")
        #expect(failed.json == ["errorMessage": "custom failure", "errorType": "Custom.Error"])
        #expect((outcome.logLines + failed.outcome.logLines).contains("answering twice: 400"))
        // A response that is not JSON comes back byte for byte.
        let text = try fixture.invoke("Custom:1", #"{"text": true}"#)
        #expect(String(decoding: text.outcome.payload, as: UTF8.self) == "plain text, not JSON")
    }

    @Test("a missing bootstrap is Runtime.InvalidEntrypoint")
    func missingBootstrap() throws {
        let fixture = try fixture()
        #expect(fixture.lines.all.contains { $0.contains("NoBootstrap") && $0.contains("bootstrap is missing") })
        let (outcome, json) = try fixture.invoke("NoBootstrap")
        #expect(outcome.functionError == "Unhandled")
        #expect(json?["errorType"] == "Runtime.InvalidEntrypoint")
        #expect(json?["errorMessage"]?.stringValue?.contains("Couldn't find valid bootstrap(s)") == true)
    }

    /// AWS's own Python runtime interface client (pip's `awslambdaric`, which `.ci/run` installs)
    /// runs unchanged as a custom runtime, and answers as the toolkit's Python client does.
    @Test(
        "AWS's awslambdaric runs unchanged against the Runtime API",
        .enabled(if: awsLambdaRICAvailable, "awslambdaric is not installed for python3 (python3 -m pip install awslambdaric; .ci/run installs it)"))
    func awsRuntimeInterfaceClient() throws {
        let handler = "import json\ndef handler(event, context):\n    print('Event: ' + json.dumps(event))\n"
            + "    if event.get('fail'):\n        raise Exception('NotFoundError')\n"
            + "    return {'id': event.get('ID'), 'memory': context.memory_limit_in_mb, 'arn': context.invoked_function_arn}\n"
        let fixture = try FunctionFixture(
            files: [
                "aws/bootstrap": "#!/bin/sh\nexec python3 -m awslambdaric \"$_HANDLER\"\n", "aws/app.py": handler, "ours/app.py": handler,
            ],
            functions: """
                {"AWS": {"runtime": "provided.al2023", "handler": "app.handler", "code": "aws"},
                 "Ours": {"runtime": "python3.13", "handler": "app.handler", "code": "ours"}}
                """)
        for function in ["AWS", "Ours"] {
            let (outcome, json) = try fixture.invoke(function, #"{"ID": 3}"#)
            #expect(outcome.functionError == nil, "\(function)")
            #expect(json?["id"] == 3, "\(function)")
            #expect(json?["memory"] == "128", "\(function)")
            #expect(json?["arn"]?.stringValue?.hasSuffix(":function:" + function) == true, "\(function)")
            #expect(outcome.logLines.contains(#"Event: {"ID": 3}"#), "\(function)")
            let failed = try fixture.invoke(function, #"{"fail": true}"#)
            #expect(failed.outcome.functionError == "Unhandled", "\(function)")
            #expect(failed.json?["errorType"] == "Exception", "\(function)")
            #expect(failed.json?["errorMessage"] == "NotFoundError", "\(function)")
            #expect(failed.json?["stackTrace"]?[0]?.stringValue?.contains("raise Exception('NotFoundError')") == true, "\(function)")
        }
    }
}

/// Whether `python3 -m awslambdaric` can run here.
let awsLambdaRICAvailable: Bool = {
    guard pythonAvailable else { return false }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import awslambdaric"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()
