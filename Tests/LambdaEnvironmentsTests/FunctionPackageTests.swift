import AWSSignature
import ControlPlane
import Foundation
import JSONCore
import LambdaEnvironments
import TestSupport
import Testing

/// CreateFunction, UpdateFunctionCode and DeleteFunction with zip packages, and the
/// resource-based policy, through Lambda's API as the SDKs call it: the package unpacked by
/// our own reader into the state directory, run, kept across a restart, and hostile packages
/// refused before anything is written.
@Suite("Lambda: functions from zip packages", .enabled(if: pythonAvailable, "python3 is not on PATH: the packages are written and run with it"))
struct FunctionPackageTests {
    /// A zip of `files` (path → text; a path ending in `bootstrap` is executable), written by
    /// Python's zipfile, deflated.
    static func zip(_ files: [String: String]) throws -> [UInt8] {
        let program = """
            import io, json, sys, zipfile
            files = json.loads(sys.argv[1])
            out = io.BytesIO()
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
                for name, text in sorted(files.items()):
                    info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.create_system = 3
                    info.external_attr = (0o100755 if name.endswith('bootstrap') else 0o100644) << 16
                    z.writestr(info, text)
            sys.stdout.write(out.getvalue().hex())
            """
        let listing = JSONWriter.compact.string(.object(JSONObject(files.map { JSONObject.Member(key: $0.key, value: .string($0.value)) })))
        return try pythonBytes(program, [listing])
    }

    /// What a Python program writes to standard output as hex, as bytes.
    static func pythonBytes(_ program: String, _ arguments: [String] = []) throws -> [UInt8] {
        let result = try runCommand(["python3", "-c", program] + arguments)
        guard result.status == 0 else { throw PackageTestError(message: result.error) }
        let digits = Array(result.output.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0 }
    }

    struct PackageTestError: Error {
        var message: String
    }

    static func client(_ fixture: FunctionFixture) -> ControlClient {
        ControlClient(transport: .inProcess(FrontDoor(control: fixture.control)), credentials: StateDirectory.Credentials(accessKeyId: "test", secretAccessKey: "test"))
    }

    static func python(_ answer: String) -> [String: String] {
        ["app.py": "def handler(event, context):\n    return {'answer': '\(answer)', 'event': event}\n"]
    }

    static func createBody(_ name: String, package: [UInt8], runtime: String = "python3.13", handler: String = "app.handler", publish: Bool = false) -> JSONValue {
        [
            "FunctionName": .string(name), "Runtime": .string(runtime), "Handler": .string(handler), "Publish": .bool(publish),
            "Role": "arn:aws:iam::123456789012:role/lambda-role", "Code": ["ZipFile": .string(Data(package).base64EncodedString())],
            "Environment": ["Variables": ["GREETING": "hello"]],
        ]
    }

    @Test("CreateFunction runs the package; UpdateFunctionCode replaces $LATEST's code, not a version's; both survive a restart")
    func createUpdateRestart() throws {
        let fixture = try FunctionFixture(files: [:], functions: "{}")
        let client = FunctionPackageTests.client(fixture)
        let package = try FunctionPackageTests.zip(FunctionPackageTests.python("one"))
        let created = try client.send("lambda", "POST", "/2015-03-31/functions", body: FunctionPackageTests.createBody("Made", package: package))
        #expect(created.status == 201, "\(created.json)")
        #expect(created.json["CodeSha256"]?.stringValue == Data(SHA256.hash(package)).base64EncodedString())
        #expect(created.json["CodeSize"]?.numberValue?.intValue == package.count)
        #expect(created.json["Runtime"] == "python3.13")
        #expect(created.json["Version"] == "$LATEST")
        #expect(try fixture.invoke("Made", #"{"n": 1}"#).json?["answer"] == "one")

        let again = try client.send("lambda", "POST", "/2015-03-31/functions", body: FunctionPackageTests.createBody("Made", package: package))
        #expect(again.status == 409)
        #expect(again.json["Type"] == "User" || again.headers["x-amzn-ErrorType"]?.hasPrefix("ResourceConflictException") == true)

        let second = try FunctionPackageTests.zip(FunctionPackageTests.python("two"))
        let updated = try client.send(
            "lambda", "PUT", "/2015-03-31/functions/Made/code", body: ["ZipFile": .string(Data(second).base64EncodedString()), "Publish": true])
        #expect(updated.status == 200, "\(updated.json)")
        #expect(updated.json["Version"] == "1")
        #expect(try fixture.invoke("Made").json?["answer"] == "two")
        let third = try FunctionPackageTests.zip(FunctionPackageTests.python("three"))
        _ = try client.send("lambda", "PUT", "/2015-03-31/functions/Made/code", body: ["ZipFile": .string(Data(third).base64EncodedString())])
        #expect(try fixture.invoke("Made").json?["answer"] == "three")
        #expect(try fixture.invoke("Made:1").json?["answer"] == "two")

        // A restart: the function, its code and its version come back from the state directory.
        let restarted = try ControlPlane.load(
            deploymentFile: fixture.directory + "/deployment.json", stateDirectory: fixture.directory + "/state", handlers: [:], codeRunner: fixture.runner)
        let answer = try JSONParser().parse(try restarted.lambda.invoke("Made", payload: Array("{}".utf8)).payload)
        #expect(answer["answer"] == "three")
        #expect(try JSONParser().parse(try restarted.lambda.invoke("Made:1", payload: Array("{}".utf8)).payload)["answer"] == "two")
        #expect(try restarted.lambda.function("Made").configuration.environment == ["GREETING": "hello"])
    }

    @Test("DeleteFunction: a version an alias points at is kept (409); the function goes with its versions, and stays gone after a restart")
    func delete() throws {
        let fixture = try FunctionFixture(
            files: ["f/m.py": "def h(e, c):\n    return 'declared'\n"], functions: #"{"Declared": {"runtime": "python3.13", "handler": "m.h", "code": "f"}}"#)
        let client = FunctionPackageTests.client(fixture)
        let package = try FunctionPackageTests.zip(FunctionPackageTests.python("x"))
        #expect(try client.send("lambda", "POST", "/2015-03-31/functions", body: FunctionPackageTests.createBody("Temp", package: package, publish: true)).status == 201)
        #expect(try client.send("lambda", "POST", "/2015-03-31/functions/Temp/aliases", body: ["Name": "live", "FunctionVersion": "1"]).status == 201)
        let blocked = try client.send("lambda", "DELETE", "/2015-03-31/functions/Temp?Qualifier=1")
        #expect(blocked.status == 409)
        #expect(blocked.errorMessage.contains("[live]"))
        #expect(try client.send("lambda", "DELETE", "/2015-03-31/functions/Temp/aliases/live").status == 204)
        #expect(try client.send("lambda", "DELETE", "/2015-03-31/functions/Temp?Qualifier=1").status == 204)
        #expect(try client.send("lambda", "GET", "/2015-03-31/functions/Temp?Qualifier=1").status == 404)
        #expect(FileManager.default.fileExists(atPath: fixture.directory + "/state/code/Temp"))
        #expect(try client.send("lambda", "DELETE", "/2015-03-31/functions/Temp").status == 204)
        #expect(try client.send("lambda", "GET", "/2015-03-31/functions/Temp").status == 404)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/state/code/Temp"), "the deleted function's packages are left behind")
        #expect(try client.send("lambda", "DELETE", "/2015-03-31/functions/Temp").status == 404)
        // A function the deployment file declares, deleted: gone after a restart too.
        #expect(try client.send("lambda", "DELETE", "/2015-03-31/functions/Declared").status == 204)
        let restarted = try ControlPlane.load(
            deploymentFile: fixture.directory + "/deployment.json", stateDirectory: fixture.directory + "/state", handlers: [:], codeRunner: fixture.runner)
        #expect(restarted.lambda.functions.isEmpty)
        #expect(restarted.startupReport.contains("Declared"), "\(restarted.startupReport)")
    }

    @Test("hostile or unusable packages are refused, naming the problem, and nothing is written outside the code directory")
    func refusals() throws {
        let fixture = try FunctionFixture(files: [:], functions: "{}")
        let client = FunctionPackageTests.client(fixture)
        func create(_ body: JSONValue) throws -> ControlClient.Answer { try client.send("lambda", "POST", "/2015-03-31/functions", body: body) }

        let escape = try FunctionPackageTests.zip(["../../escaped.py": "x = 1\n", "app.py": "def handler(e, c): return 1\n"])
        let escaped = try create(FunctionPackageTests.createBody("Escape", package: escape))
        #expect(escaped.status == 400)
        #expect(escaped.errorMessage.contains("'../../escaped.py'"), "\(escaped.errorMessage)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/state/escaped.py"))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/escaped.py"))

        let bomb = try FunctionFixture.zipOfZeros(megabytes: 20)
        let bombed = try create(FunctionPackageTests.createBody("Bomb", package: bomb))
        #expect(bombed.status == 400)
        #expect(bombed.errorMessage.contains("ratio limit of 200:1"), "\(bombed.errorMessage)")

        let notZip = try create(FunctionPackageTests.createBody("NotZip", package: Array("hello".utf8)))
        #expect(notZip.status == 400)
        #expect(notZip.errorMessage.contains("Could not unzip uploaded file"))

        let package = try FunctionPackageTests.zip(FunctionPackageTests.python("x"))
        let java = try create(FunctionPackageTests.createBody("Java", package: package, runtime: "java21", handler: "example.Handler"))
        #expect(java.status == 400)
        #expect(java.errorMessage.contains("java21"))

        var s3 = FunctionPackageTests.createBody("S3", package: package)
        s3 = .object(JSONObject(s3.objectValue!.members.map { $0.key == "Code" ? JSONObject.Member(key: "Code", value: ["S3Bucket": "my-bucket", "S3Key": "f.zip"]) : $0 }))
        let fromS3 = try create(s3)
        #expect(fromS3.status == 400)
        #expect(fromS3.errorMessage.contains("--zip-file fileb://"), "\(fromS3.errorMessage)")

        var noRole = FunctionPackageTests.createBody("NoRole", package: package)
        noRole = .object(JSONObject(noRole.objectValue!.members.filter { $0.key != "Role" }))
        let roleless = try create(noRole)
        #expect(roleless.status == 400)
        #expect(roleless.errorMessage.contains("'role'"), "\(roleless.errorMessage)")

        #expect(fixture.control.lambda.functions.isEmpty)
    }

    @Test("a provided.al2023 package keeps its bootstrap executable and runs")
    func customRuntimePackage() throws {
        let fixture = try FunctionFixture(files: [:], functions: "{}")
        let package = try FunctionPackageTests.zip(["bootstrap": CustomRuntimeTests.bootstrap])
        let created = try FunctionPackageTests.client(fixture).send(
            "lambda", "POST", "/2015-03-31/functions", body: FunctionPackageTests.createBody("Custom", package: package, runtime: "provided.al2023", handler: "x"))
        #expect(created.status == 201, "\(created.json)")
        #expect(try fixture.invoke("Custom", #"{"hello": 1}"#).json?["event"]?["hello"] == 1)
    }

    @Test("AddPermission, GetPolicy, RemovePermission: Lambda's statements, 409 for a taken id, kept across a restart")
    func permissions() throws {
        let fixture = try FunctionFixture(files: [:], functions: "{}")
        let client = FunctionPackageTests.client(fixture)
        let package = try FunctionPackageTests.zip(FunctionPackageTests.python("x"))
        _ = try client.send("lambda", "POST", "/2015-03-31/functions", body: FunctionPackageTests.createBody("F", package: package))
        #expect(try client.send("lambda", "GET", "/2015-03-31/functions/F/policy").status == 404)
        let permission: JSONValue = [
            "StatementId": "apigateway", "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com",
            "SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/items",
        ]
        let added = try client.send("lambda", "POST", "/2015-03-31/functions/F/policy", body: permission)
        #expect(added.status == 201, "\(added.json)")
        let statement = try JSONParser().parse(Array((added.json["Statement"]?.stringValue ?? "").utf8))
        #expect(statement["Principal"] == ["Service": "apigateway.amazonaws.com"])
        #expect(statement["Condition"]?["ArnLike"]?["AWS:SourceArn"] == "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/items")
        #expect(statement["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:F")
        #expect(try client.send("lambda", "POST", "/2015-03-31/functions/F/policy", body: permission).status == 409)

        let restarted = try ControlPlane.load(
            deploymentFile: fixture.directory + "/deployment.json", stateDirectory: fixture.directory + "/state", handlers: [:], codeRunner: fixture.runner)
        let again = ControlClient(transport: .inProcess(FrontDoor(control: restarted)), credentials: StateDirectory.Credentials(accessKeyId: "test", secretAccessKey: "test"))
        let policy = try again.send("lambda", "GET", "/2015-03-31/functions/F/policy")
        #expect(policy.status == 200)
        let document = try JSONParser().parse(Array((policy.json["Policy"]?.stringValue ?? "").utf8))
        #expect(document["Statement"]?.arrayValue?.first?["Sid"] == "apigateway")
        #expect(try again.send("lambda", "DELETE", "/2015-03-31/functions/F/policy/apigateway").status == 204)
        #expect(try again.send("lambda", "DELETE", "/2015-03-31/functions/F/policy/apigateway").status == 404)
        #expect(try again.send("lambda", "GET", "/2015-03-31/functions/F/policy").status == 404)
    }

    @Test(
        "a nodejs20.x package: CreateFunction and UpdateFunctionCode with Node's ES modules and CommonJS",
        .enabled(if: (try? runCommand(["node", "--version"]))?.status == 0, "node is not on PATH"))
    func nodePackage() throws {
        let fixture = try FunctionFixture(files: [:], functions: "{}")
        let client = FunctionPackageTests.client(fixture)
        let module = try FunctionPackageTests.zip(["index.mjs": "export const handler = async (event) => ({answer: 'esm', got: event.n});\n"])
        let created = try client.send(
            "lambda", "POST", "/2015-03-31/functions", body: FunctionPackageTests.createBody("Node", package: module, runtime: "nodejs20.x", handler: "index.handler"))
        #expect(created.status == 201, "\(created.json)")
        #expect(try fixture.invoke("Node", #"{"n": 5}"#).json == ["answer": "esm", "got": 5])
        let common = try FunctionPackageTests.zip(["index.js": "exports.handler = async () => ({answer: 'cjs'});\n"])
        let updated = try client.send("lambda", "PUT", "/2015-03-31/functions/Node/code", body: ["ZipFile": .string(Data(common).base64EncodedString())])
        #expect(updated.status == 200, "\(updated.json)")
        #expect(try fixture.invoke("Node").json == ["answer": "cjs"])
    }

}

extension FunctionFixture {
    /// A zip of one file of `megabytes` MB of zeros (a zip bomb's shape: about 1000:1).
    static func zipOfZeros(megabytes: Int) throws -> [UInt8] {
        let program = """
            import io, sys, zipfile
            out = io.BytesIO()
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('zeros.py', b'\\0' * (\(megabytes) * 1000000))
            sys.stdout.write(out.getvalue().hex())
            """
        return try FunctionPackageTests.pythonBytes(program)
    }
}
