import Dispatch
import Foundation
import ItemsService
import TestSupport
import Testing

/// Runs the built `gateway` in `directory`; (status, standard output, standard error).
func runGatewayBinary(_ arguments: [String], in directory: String) throws -> (Int32, String, String) {
    let binary = SchemaCheckCommandTests.packageRoot + "/.build/debug/gateway"
    try #require(FileManager.default.isExecutableFile(atPath: binary), "no debug build of gateway at \(binary) (swift build)")
    let result = try runProcess(binary, arguments, in: directory)
    return (result.status, result.output, result.error)
}

@Suite("Where the gateway commands find the deployment and the state")
struct ProjectLocationTests {
    @Test("the embedded ItemsAPI is the repository's Schemas files (tools/bundled-itemsapi.py writes it)")
    func embeddedCopyIsCurrent() throws {
        for file in BundledItemsAPI.files {
            let text = try String(contentsOfFile: SchemaCheckCommandTests.packageRoot + "/Schemas/" + file.name, encoding: .utf8)
            #expect(text == file.text + "\n", "\(file.name) differs: python3 tools/bundled-itemsapi.py")
        }
        #expect(BundledItemsAPI.files.first?.name == BundledItemsAPI.deploymentFile)
    }

    @Test("outside the repository the built-in ItemsAPI answers, its state in ./.gateway/ItemsAPI; reading makes no state")
    func bundledFromAnywhere() throws {
        let directory = try TemporaryDirectory()
        let (status, output, errors) = try runGatewayBinary(["test-invoke", "--stage", "prod", "GET", "/items/3"], in: directory.path)
        #expect(status == 0, "\(errors)")
        #expect(output.contains(#"{"ID":3,"name":"Highlighter","price":3.0}"#))
        let (listed, keys, _) = try runGatewayBinary(["keys", "list"], in: directory.path)
        #expect(listed == 0 && keys.hasPrefix("LabKey\tid="))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/.gateway"))
        #expect(try runGatewayBinary(["keys", "enable", "LabKey"], in: directory.path).0 == 0)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/.gateway/ItemsAPI/state.json"))
    }

    @Test("the state goes beside the deployment file, whatever directory the command runs in")
    func stateBesideTheDeployment() throws {
        let project = EditableProject()
        let elsewhere = try TemporaryDirectory()
        #expect(try runGatewayBinary(["deploy", "--stage", "dev", "--deployment", project.deployment], in: elsewhere.path).0 == 0)
        #expect(FileManager.default.fileExists(atPath: project.path + "/.gateway/notes/state.json"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path + "/.gateway"))
        // From the project's own directory, by a relative name: the same state.
        let (status, output, errors) = try runGatewayBinary(["usage", "--deployment", "notes.deployment.json"], in: project.path)
        #expect(status == 0, "\(output)")
        #expect(!errors.contains("no state"), "\(errors)")
    }

    @Test("a YAML deployment file has its state beside it under its name without .deployment.yaml")
    func yamlDeployment() throws {
        let project = EditableProject()
        project.directory.write("notes.deployment.yaml", "apiId: notes00001\nstages:\n  dev:\n    definition: notes.json\n")
        let (status, _, errors) = try runGatewayBinary(["deploy", "--stage", "dev", "--deployment", "notes.deployment.yaml"], in: project.path)
        #expect(status == 0, "\(errors)")
        #expect(FileManager.default.fileExists(atPath: project.path + "/.gateway/notes/state.json"))
    }

    @Test("a --deployment file that is not there: exit 2, 'no such file', and how to name one")
    func missingDeployment() throws {
        let directory = try TemporaryDirectory()
        let (status, _, errors) = try runGatewayBinary(["serve", "--deployment", "nowhere.json"], in: directory.path)
        #expect(status == 2)
        #expect(errors.contains("nowhere.json: no such file; name the deployment file with --deployment FILE"), "\(errors)")
    }
}
