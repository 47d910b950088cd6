import ControlPlane
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import JSONCore
import GatewayTesting
import ItemsClient
import ItemsService
import Testing

/// The repository's root. `swift test` runs the tests there, so the examples' relative paths
/// (`Schemas/…`, as a user's code names its own files) resolve as they do for a user.
let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Each Swift example of the README, run.
@Suite("The README's Swift examples, run")
struct RunReadmeExamples {

    @Test("the client over HTTP, against the bundled gateway served on 127.0.0.1")
    func clientOverHTTP() async throws {
        let gateway = try ControlPlane.load(
            deploymentFile: packageRoot + "/Schemas/ItemsAPI.deployment.json", stateDirectory: nil,
            handlers: [ItemsFunction.handlerName: ItemsFunction()]
        ).gateway
        let live = try LiveGateway(gateway)
        defer { live.stop() }
        let key = gateway.apiKeys.first { $0.name == "LabKey" }!.value
        let (items, missing) = try await walkThroughTheLab(invokeURL: URL(string: live.baseURL + "/prod")!, apiKey: key)
        #expect(items.map(\.name) == ["Pen", "Pencil", "Highlighter", "Ruler"])
        #expect(missing == "NotFoundError")
    }

    @Test("YAML read as JSON, with CloudFormation's tags and positions")
    func yaml() throws {
        let (template, role) = try readTemplate()
        #expect(template["AWSTemplateFormatVersion"] == "2010-09-09")
        #expect(template["Resources"]?["Items"]?["Properties"]?["Role"] == ["Fn::GetAtt": ["ItemsRole", "Arn"]])
        #expect(template["Resources"]?["Items"]?["Properties"]?["Environment"] == ["Variables": ["TABLE": ["Ref": "Table"], "DEBUG": "yes"]])
        #expect(role?.line == 6 && role?.column == 13)
    }

    @Test("the client in process, with the models checking every answer")
    func clientInProcess() async throws {
        let item = try await itemThreeInProcess()
        #expect(item == Item(id: 3, name: "Highlighter", price: 3.0))
    }

    @Test("the control plane in process: a request, then a published version, durable")
    func controlPlaneInProcess() async throws {
        let state = NSTemporaryDirectory() + "readme-control-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (status, version) = try publishAndCall(stateDirectory: state)
        #expect(status == 200)
        #expect(version == "2")
        // A second load of the same state directory sees the version: it was saved before returning.
        let reloaded = try ControlPlane.load(
            deploymentFile: packageRoot + "/Schemas/ItemsAPI.deployment.json", stateDirectory: state,
            handlers: [ItemsFunction.handlerName: ItemsFunction()])
        #expect(try reloaded.lambda.publishVersion("ItemsFunction").version == "2")  // $LATEST unchanged since: version 2 again
        #expect(try reloaded.lambda.function("ItemsFunction", qualifier: "2").configuration.environment["NOTE"] == "v2")
    }

    @Test("a gateway on a port of its own: served, called over HTTP, stopped; the state directory free again")
    func serveOnAPort() async throws {
        let state = NSTemporaryDirectory() + "readme-serve-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let served = try startGateway(stateDirectory: state)
        let key = served.control.apiGateway.apiKeys.first { $0.name == "LabKey" }!.value
        var request = URLRequest(url: URL(string: served.baseURL + "/prod/items/3")!)
        request.setValue(key, forHTTPHeaderField: "x-api-key")
        let (data, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        served.stop(gracePeriod: 1)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("Highlighter"))
        try startGateway(stateDirectory: state).stop(gracePeriod: 0)
    }

    @Test("the mapping template")
    func template() throws {
        #expect(try renderIDTemplate() == #"{"ID": 7, "stage": "prod"}"#)
    }

    @Test("the libraries: a valid payload has no problems, an invalid one lists each")
    func libraries() async throws {
        let problemsOfValid = try problems(in: Array(#"[{"ID": 1, "name": "Pen", "price": 2.5}]"#.utf8))
        #expect(problemsOfValid.isEmpty)
        let found = try problems(in: Array(#"[{"ID": 1, "price": "4.25"}]"#.utf8))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("/0/price: ") == true, "\(found)")
        let recording = try checkRecording(Array(#"[{"ID": 1, "name": "Pen", "price": 2.5}, {"ID": 2, "name": "Ink", "price": 3}]"#.utf8))
        #expect(recording.valid && recording.first == ["ID": 1, "name": "Pen", "price": 2.5])
        #expect(try !checkRecording(Array(#"[{"ID": 1, "name": "Pen", "price": 2.5}, {"ID": 2, "price": "4.25"}]"#.utf8)).valid)
        #expect(try checkRecording(Array("[]".utf8)) == (true, nil))
    }
}
