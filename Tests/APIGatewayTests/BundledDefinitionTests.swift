import Foundation
import JSONCore
import Testing

/// Whether `python3 -m openapi_spec_validator` runs here.
let openAPIValidatorAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import openapi_spec_validator"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

@Suite("The bundled ItemsAPI definition")
struct BundledDefinitionTests {
    let root = GatewayFixture.packageRoot

    @Test("its models are those of Schemas/Item.json and Items.json, inlined (self-contained, no placeholder URL)")
    func modelsMatchTheModelFiles() throws {
        let api = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: root + "/Schemas/ItemsAPI.json")))
        var item = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: root + "/Schemas/Item.json"))).objectValue!
        item["$schema"] = nil
        #expect(api["components"]?["schemas"]?["Item"] == .object(item))
        let items = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: root + "/Schemas/Items.json")))
        let inline = api["components"]?["schemas"]?["Items"]
        #expect(inline?["type"] == items["type"])
        #expect(inline?["items"] == ["$ref": "#/components/schemas/Item"])
        #expect(items["items"]?["$ref"]?.stringValue?.hasSuffix("/models/Item") == true)
        let text = try String(contentsOfFile: root + "/Schemas/ItemsAPI.json", encoding: .utf8)
        #expect(!text.contains("YOUR_API_ID"))
        #expect(!text.contains("\"$ref\": \"Item"))
    }

    @Test(
        "openapi-spec-validator accepts the bundled definitions",
        .enabled(if: openAPIValidatorAvailable, "openapi-spec-validator is not installed (pip install openapi-spec-validator): skipped"))
    func validOpenAPI() throws {
        for name in ["ItemsAPI.json", "ItemsAPI.mock.json"] {
            let report = try openAPIValidatorReport(file: root + "/Schemas/" + name)
            #expect(report == nil, "\(name): \(report ?? "")")
        }
    }
}
