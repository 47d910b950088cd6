import CommandLineTools
import Foundation
import Testing

@Suite("gateway management commands")
struct GatewayManagementTests {
    let state: TemporaryDirectory
    let deployment = SchemaCheckCommandTests.packageRoot + "/Schemas/ItemsAPI.deployment.json"

    init() throws { state = try TemporaryDirectory() }

    func run(_ arguments: [String]) -> (Int32, String, String) {
        let captured = CapturedIO()
        let status = runGateway(arguments: arguments + ["--deployment", deployment, "--state", state.path + "/.gateway"], io: captured.io)
        return (status, captured.stdout, captured.stderr)
    }

    @Test("test-invoke prints status, headers, body and the execution log")
    func testInvoke() {
        let (status, output, _) = run(["test-invoke", "--stage", "prod", "GET", "/items/3"])
        #expect(status == 0)
        #expect(output.hasPrefix("Status: 200\nLatency: "))
        #expect(output.contains(#"{"ID":3,"name":"Highlighter","price":3.0}"#))
        #expect(output.contains("  x-amzn-RequestId: "))
        #expect(output.contains("Endpoint request body after transformations: {\"ID\": 3}"))
        #expect(output.contains("START RequestId: "))
        let (_, notFound, _) = run(["test-invoke", "--stage", "prod", "GET", "/items/8"])
        #expect(notFound.hasPrefix("Status: 404"))
        #expect(run(["test-invoke", "GET", "/items"]).0 == 2)
    }

    @Test("keys: list hides values, show reveals one, create, disable and enable persist; reading makes no state directory")
    func keys() {
        let (_, list, _) = run(["keys", "list"])
        #expect(list.hasPrefix("LabKey\tid="))
        #expect(list.contains("enabled\tplans=CloudAcademyPlan"))
        // Before the state exists, a generated value is not known: said, and nothing is made.
        let (early, _, why) = run(["keys", "show", "LabKey"])
        #expect(early == 2)
        #expect(why.contains("LabKey has no value yet: it is generated when the state directory"), "\(why)")
        #expect(!FileManager.default.fileExists(atPath: state.path + "/.gateway"))
        #expect(run(["keys", "enable", "LabKey"]).0 == 0)  // a change: the state directory is made
        let (_, shown, _) = run(["keys", "show", "LabKey"])
        let value = shown.split(separator: "\n").first { $0.hasPrefix("value: ") }?.dropFirst(7) ?? ""
        #expect(value.count == 40)
        #expect(run(["keys", "show", "LabKey"]).1 == shown)  // the generated value is kept
        #expect(run(["keys", "disable", "LabKey"]).0 == 0)
        #expect(run(["keys", "list"]).1.contains("LabKey\tid=") && run(["keys", "list"]).1.contains("disabled"))
        #expect(run(["keys", "create", "Second", "--value", "0123456789abcdefghij-second", "--plan", "CloudAcademyPlan"]).0 == 0)
        #expect(run(["keys", "list"]).1.contains("Second\tid="))
        #expect(run(["keys", "create", "Short", "--value", "tooshort"]).0 == 2)
        #expect(run(["keys", "show", "Nobody"]).0 == 2)
    }

    @Test("usage reports used and remaining per key")
    func usage() {
        let (status, output, _) = run(["usage"])
        #expect(status == 0)
        #expect(output.contains("CloudAcademyPlan (1000/DAY, stages: dev,prod)"))
        #expect(output.contains("used=0\tremaining=1000"))
    }

    @Test("lambda publish, alias and invoke; versions and aliases persist")
    func lambda() {
        // $LATEST is unchanged since version 1: publishing returns version 1 again.
        #expect(run(["lambda", "publish", "ItemsFunction"]).1 == "published ItemsFunction version 1\n")
        #expect(run(["lambda", "update", "ItemsFunction", "--env", "STAGE=next", "--memory", "256"]).0 == 0)
        #expect(run(["lambda", "publish", "ItemsFunction"]).1 == "published ItemsFunction version 2\n")
        #expect(run(["lambda", "update", "ItemsFunction", "--handler", "missing.handler"]).0 == 2)
        #expect(run(["lambda", "alias", "ItemsFunction", "prod", "2", "--weight", "1=0.25"]).0 == 0)
        #expect(run(["lambda", "list"]).1.contains("prod→2 (+1 at 0.25)"))
        let (status, output, errors) = run(["lambda", "invoke", "ItemsFunction:dev", "--payload", #"{"ID": 2}"#])
        #expect(status == 0)
        #expect(output == #"{"ID":2,"name":"Pencil","price":1.5}"# + "\n")
        #expect(errors.contains("X-Amz-Executed-Version: $LATEST"))
        #expect(errors.contains("REPORT RequestId: "))
        let (failed, _, failure) = run(["lambda", "invoke", "ItemsFunction", "--payload", #"{"ID": 9}"#])
        #expect(failed == 1)
        #expect(failure.contains("X-Amz-Function-Error: Unhandled"))
        #expect(run(["lambda", "alias", "ItemsFunction", "prod", "$LATEST", "--weight", "2=0.5"]).0 == 2)
    }

    @Test("deploy re-snapshots a stage; unknown stages and bad files are errors")
    func deploy() {
        let (status, output, errors) = run(["deploy", "--stage", "dev"])
        #expect(status == 0 && errors.isEmpty)
        #expect(output.hasPrefix("deployed stage dev (deployment "))
        #expect(run(["deploy", "--stage", "nope"]).0 == 2)
        let captured = CapturedIO()
        #expect(runGateway(arguments: ["keys", "--deployment", "/nonexistent.json", "--state", state.path], io: captured.io) == 2)
        #expect(captured.stderr.contains("/nonexistent.json"))
    }
}
