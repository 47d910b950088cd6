import Foundation
import APIModel
import JSONCore
import Templates
import TestSupport
import Testing

/// Our reading of SAM templates against AWS's own translator (the aws-sam-translator package,
/// offline): for each template of `Tests/Templates/sam`, the routes (stage, method, path → the
/// function or MOCK, whether an API key is needed), the usage plans and the API keys must be
/// the translator's; a template the translator refuses (`error-*.yaml`) is refused here too.
@Suite(
    "SAM templates as AWS's translator routes them",
    .enabled(if: PythonModules.available("samtranslator"), "python3 with aws-sam-translator is needed (pip install aws-sam-translator; .ci/run installs it)"))
struct TemplateTranslatorTests {
    /// The team's corpus; `TEMPLATE_CORPUS=DIR` runs the comparison over another directory
    /// (AWS's translator test inputs, a project's templates).
    static let corpus = ProcessInfo.processInfo.environment["TEMPLATE_CORPUS"] ?? SchemaCheckCommandTests.packageRoot + "/Tests/Templates/sam"

    /// Routes, plans and keys in the form `tools/sam_translator_routes.py` prints.
    static func ours(_ project: TemplateProject) -> JSONValue {
        var routes: [String] = []
        for stage in project.deployment["stages"]?.objectValue ?? JSONObject() {
            guard let file = stage.value["definition"]?.stringValue, let definition = project.definitions[file] else { continue }
            // Authorization as the gateway reads it (the importer), not as the text says.
            let imported = try? OpenAPIImporter.importAPI(definition, file: file, uri: "file:///template/" + file)
            for path in definition["paths"]?.objectValue ?? JSONObject() {
                for operation in path.value.objectValue ?? JSONObject() {
                    let method = operation.key
                    if method == "parameters" || (method.hasPrefix("x-") && method != "x-amazon-apigateway-any-method") { continue }
                    let verb = method == "x-amazon-apigateway-any-method" ? "ANY" : method.uppercased()
                    let integration = operation.value["x-amazon-apigateway-integration"] ?? .null
                    var target = "?"
                    if integration["type"]?.stringValue?.lowercased() == "mock" {
                        target = "MOCK"
                    } else if let uri = integration["uri"]?.stringValue, let match = uri.firstMatch(of: /function:([A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)?)\/invocations/) {
                        target = String(match.1)
                    }
                    let key = (operation.value["security"]?.arrayValue ?? []).contains { $0["api_key"] != nil }
                    let authorization = imported?.resources.first { $0.path == path.key }?.methods[verb]?.authorization
                    let auth: String
                    switch authorization {
                    case .none?: auth = "NONE"
                    case .custom(let name)?: auth = "CUSTOM/" + name
                    case .cognito(let name, _)?: auth = "COGNITO_USER_POOLS/" + name
                    case .iam?: auth = "AWS_IAM"
                    case nil: auth = "?"
                    }
                    routes.append("\(stage.key) \(verb) \(path.key) -> \(target) key=\(key) auth=\(auth)")
                }
            }
        }
        func number(_ value: JSONValue?) -> String {
            guard let double = value?.numberValue?.doubleValue else { return "?" }
            return double == double.rounded() ? String(Int(double)) : String(double)
        }
        var plans: [String] = []
        for plan in project.deployment["usagePlans"]?.objectValue ?? JSONObject() {
            let stages = (plan.value["stages"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            let quota = plan.value["quota"].map { "\(number($0["limit"]))/\($0["period"]?.stringValue ?? "?")" } ?? "-"
            let throttle = plan.value["throttle"].map { "\(number($0["rateLimit"]))/\(number($0["burstLimit"]))" } ?? "-"
            plans.append("\(plan.key) stages=\(stages) quota=\(quota) throttle=\(throttle)")
        }
        var keys: [String] = []
        for key in project.deployment["apiKeys"]?.objectValue ?? JSONObject() {
            for plan in key.value["usagePlans"]?.arrayValue ?? [] { keys.append("\(key.key) plan=\(plan.stringValue ?? "?")") }
        }
        return ["routes": .array(routes.sorted().map(JSONValue.string)), "plans": .array(plans.sorted().map(JSONValue.string)), "keys": .array(keys.sorted().map(JSONValue.string))]
    }

    @Test("every template of the corpus: the same routes, API-key settings, usage plans and keys as the translator's; its refusals refused")
    func sameAsTheTranslator() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TemplateTranslatorTests.corpus).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count >= 30, "the corpus has \(names.count) templates")
        let paths = names.map { TemplateTranslatorTests.corpus + "/" + $0 }
        let script = SchemaCheckCommandTests.packageRoot + "/tools/sam_translator_routes.py"
        let result = try runCommand(["env", "AWS_DEFAULT_REGION=us-east-1", "python3", script] + paths)
        #expect(result.status == 0, "\(result.error)")
        let translated = try JSONParser().parse(Array(result.output.utf8))
        let scratch = try TemporaryDirectory()
        for (name, path) in zip(names, paths) {
            let expected = try #require(translated[path], "\(name): the translator said nothing")
            let source = try TemplateSource(file: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            let transform = TemplateTransform(source: source, baseDirectory: TemplateTranslatorTests.corpus, generatedDirectory: scratch.path + "/" + name)
            if expected["crash"] != nil { continue }  // the translator failed by itself: nothing to compare
            if let refusal = expected["error"]?.stringValue {
                #expect(throws: TemplateErrors.self, "\(name): the translator refuses it (\(refusal)); we served it") { _ = try transform.project() }
                continue
            }
            let project: TemplateProject
            do {
                project = try transform.project()
            } catch {
                Issue.record("\(name): the translator accepts it; we refused it: \(error)")
                continue
            }
            let ours = TemplateTranslatorTests.ours(project)
            for part in ["routes", "plans", "keys"] {
                #expect(ours[part] == expected[part], "\(name) \(part): ours \(ours[part].map { JSONWriter.compact.string($0) } ?? "-") translator \(expected[part].map { JSONWriter.compact.string($0) } ?? "-")")
            }
        }
    }

    @Test("the SAM property lists are what tools/sam-properties.py makes of the installed translator")
    func propertyListsAreCurrent() throws {
        let scratch = try TemporaryDirectory()
        let output = scratch.path + "/SAMProperties.swift"
        let regenerated = try runCommand(["python3", SchemaCheckCommandTests.packageRoot + "/tools/sam-properties.py", output])
        #expect(regenerated.status == 0, "\(regenerated.error)")
        let made = try String(contentsOfFile: output, encoding: .utf8)
        let committed = try String(contentsOfFile: SchemaCheckCommandTests.packageRoot + "/Sources/Templates/SAMProperties.swift", encoding: .utf8)
        #expect(made == committed, "regenerate with: python3 tools/sam-properties.py")
    }
}
