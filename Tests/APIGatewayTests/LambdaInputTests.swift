import ControlPlane
import ECMARegex
import Foundation
import JSONCore
import TestSupport
import Testing

@testable import ControlPlane

/// Whether python3 with botocore runs here (the check that the generated table is current needs it).
let botocoreAvailable: Bool = (try? runCommand(["python3", "-c", "import botocore"]).status) == 0

@Suite("Lambda's input constraints (botocore's model and Lambda's documented rules)")
struct LambdaInputTests {
    /// One request and what Lambda answers: the status, the error type and a part of the message
    /// (nil: accepted).
    struct Case: CustomStringConvertible, Sendable {
        let method: String
        let target: String
        let body: JSONValue?
        let headers: [(String, String)]
        let expected: (status: Int, type: String, message: String)?
        var description: String { "\(method) \(target)" }

        init(_ method: String, _ target: String, _ body: JSONValue? = nil, headers: [(String, String)] = [], _ expected: (Int, String, String)?) {
            self.method = method
            self.target = target
            self.body = body
            self.headers = headers
            self.expected = expected
        }
    }

    static let long = String(repeating: "a", count: 200)
    static let pattern = "satisfy regular expression pattern"

    static let cases: [Case] = [
        // CreateAlias: Name (1–128, not all digits, [a-zA-Z0-9-_]), FunctionVersion, Description (≤ 256), RoutingConfig weights (0–1).
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": .string(long), "FunctionVersion": "1"],
             (400, "ValidationException", "Value '\(long)' at 'name' failed to satisfy constraint: Member must have length less than or equal to 128")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "123", "FunctionVersion": "1"], (400, "ValidationException", "at 'name' failed to satisfy constraint: Member must \(pattern)")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "has space", "FunctionVersion": "1"], (400, "ValidationException", pattern)),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "", "FunctionVersion": "1"], (400, "ValidationException", "have length greater than or equal to 1")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "live"], (400, "ValidationException", "Value null at 'functionVersion' failed to satisfy constraint: Member must not be null")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "live", "FunctionVersion": "latest"], (400, "ValidationException", "at 'functionVersion'")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "live", "FunctionVersion": "1", "Description": .string(String(repeating: "d", count: 257))],
             (400, "ValidationException", "at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "live", "FunctionVersion": "1", "RoutingConfig": ["AdditionalVersionWeights": ["1": 1.5]]],
             (400, "ValidationException", "at 'routingConfig.additionalVersionWeights.1' failed to satisfy constraint: Member must have value less than or equal to 1.0")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "live", "FunctionVersion": "1"], nil),
        // Two broken members: both are listed.
        Case("POST", "/2015-03-31/functions/ItemsFunction/aliases", ["Name": "9", "FunctionVersion": "x"], (400, "ValidationException", "2 validation errors detected: ")),
        // UpdateAlias, GetAlias, DeleteAlias: the alias in the path.
        Case("PUT", "/2015-03-31/functions/ItemsFunction/aliases/\(long)", ["Description": "x"], (400, "ValidationException", "at 'name'")),
        Case("GET", "/2015-03-31/functions/ItemsFunction/aliases/42", nil, (400, "ValidationException", "at 'name'")),
        Case("DELETE", "/2015-03-31/functions/ItemsFunction/aliases/a%20b", nil, (400, "ValidationException", "Value 'a b' at 'name'")),
        // The function name in the path (1–140 for most operations, a pattern).
        Case("GET", "/2015-03-31/functions/\(long)/aliases", nil, (400, "ValidationException", "at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140")),
        Case("GET", "/2015-03-31/functions/bad%20name/configuration", nil, (400, "ValidationException", "at 'functionName'")),
        // UpdateFunctionConfiguration: Handler (≤ 128, no whitespace), Timeout (1–900), MemorySize (128–32768),
        // Description, Runtime (an enum), Environment (key pattern, reserved keys, 4 KB).
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Handler": "a b"], (400, "ValidationException", "at 'handler'")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Handler": .string(String(repeating: "h", count: 129))], (400, "ValidationException", "at 'handler'")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Timeout": 0], (400, "ValidationException", "Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Timeout": 901], (400, "ValidationException", "Member must have value less than or equal to 900")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Timeout": "30"], (400, "ValidationException", "at 'timeout' failed to satisfy constraint: Member must be a whole number")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["MemorySize": 64], (400, "ValidationException", "at 'memorySize'")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["MemorySize": 40000], (400, "ValidationException", "at 'memorySize'")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Runtime": "cobol85"], (400, "ValidationException", "at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Environment": ["Variables": ["1BAD": "x"]]],
             (400, "ValidationException", "Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must \(pattern)")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Environment": ["Variables": ["AWS_LAMBDA_RUNTIME_API": "x"]]],
             (400, "InvalidParameterValueException", "Reserved keys used in this request: AWS_LAMBDA_RUNTIME_API")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Environment": ["Variables": ["BIG": .string(String(repeating: "x", count: 4100))]]],
             (400, "InvalidParameterValueException", "exceeded the 4KB limit")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Description": .string(String(repeating: "d", count: 300))], (400, "ValidationException", "at 'description'")),
        Case("PUT", "/2015-03-31/functions/ItemsFunction/configuration", ["Timeout": 10, "Environment": ["Variables": ["TABLE": "items"]]], nil),
        // PublishVersion: Description ≤ 256.
        Case("POST", "/2015-03-31/functions/ItemsFunction/versions", ["Description": .string(String(repeating: "d", count: 257))], (400, "ValidationException", "at 'description'")),
        // PutFunctionConcurrency: required, ≥ 0.
        Case("PUT", "/2017-10-31/functions/ItemsFunction/concurrency", [:], (400, "ValidationException", "Value null at 'reservedConcurrentExecutions'")),
        Case("PUT", "/2017-10-31/functions/ItemsFunction/concurrency", ["ReservedConcurrentExecutions": -1], (400, "ValidationException", "at 'reservedConcurrentExecutions'")),
        // Invoke: the headers' enums and the qualifier's pattern.
        Case("POST", "/2015-03-31/functions/ItemsFunction/invocations", ["ID": 1], headers: [("X-Amz-Invocation-Type", "Later")],
             (400, "ValidationException", "Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/invocations", ["ID": 1], headers: [("X-Amz-Log-Type", "Everything")], (400, "ValidationException", "at 'logType'")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/invocations?Qualifier=a%20b", ["ID": 1], (400, "ValidationException", "at 'qualifier'")),
        Case("POST", "/2015-03-31/functions/ItemsFunction/invocations", ["ID": 1], nil),
        // List operations: MaxItems 1–10000.
        Case("GET", "/2015-03-31/functions?MaxItems=0", nil, (400, "ValidationException", "Value '0' at 'maxItems'")),
        Case("GET", "/2015-03-31/functions/ItemsFunction/versions?MaxItems=20000", nil, (400, "ValidationException", "at 'maxItems'")),
    ]

    @Test("each member of each implemented operation is checked as Lambda checks it", arguments: cases)
    func constraint(_ sample: Case) throws {
        let api = try ControlFixture()
        let answer = try api.call("lambda", sample.method, sample.target, body: sample.body, headers: sample.headers)
        guard let expected = sample.expected else {
            #expect((200..<300).contains(answer.status), "\(answer.json)")
            return
        }
        #expect(answer.status == expected.status, "\(answer.json)")
        #expect(answer.headers["x-amzn-ErrorType"] == expected.type)
        let message = answer.json["Message"]?.stringValue ?? answer.json["message"]?.stringValue ?? ""
        #expect(message.contains(expected.message), "\(message)")
    }

    @Test("a refused change changes nothing")
    func refusedChangesNothing() throws {
        let api = try ControlFixture()
        let before = try api.call("lambda", "GET", "/2015-03-31/functions/ItemsFunction/configuration").json
        let refused = try api.call(
            "lambda", "PUT", "/2015-03-31/functions/ItemsFunction/configuration", body: ["Timeout": 10, "Environment": ["Variables": ["AWS_REGION": "x"]]])
        #expect(refused.status == 400)
        #expect(try api.call("lambda", "GET", "/2015-03-31/functions/ItemsFunction/configuration").json["Timeout"] == before["Timeout"])
    }

    @Test("every pattern of the table compiles (none is skipped unchecked)")
    func patternsCompile() {
        var patterns = Set<String>()
        func collect(_ shape: LambdaInput.Shape) {
            switch shape {
            case .string(_, _, let pattern, _): if let pattern { patterns.insert(pattern) }
            case .list(_, _, let member): collect(member)
            case .map(let key, let value):
                collect(key)
                collect(value)
            case .structure(let members, _): for (_, member) in members { collect(member) }
            default: break
            }
        }
        for members in LambdaInput.operations.values { for member in members { collect(member.shape) } }
        #expect(patterns.count > 5)
        for pattern in patterns { #expect(LambdaInput.compiled(pattern) != nil, "\(pattern)") }
    }

    @Test(
        "the table is what tools/lambda-constraints.py makes of botocore's model here",
        .enabled(if: botocoreAvailable, "python3 with botocore is needed to regenerate the table (pip install botocore)"))
    func tableIsCurrent() throws {
        let output = NSTemporaryDirectory() + "lambda-constraints-\(UUID().uuidString).swift"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let regenerated = try runCommand(["python3", GatewayFixture.packageRoot + "/tools/lambda-constraints.py", output])
        #expect(regenerated.status == 0, "\(regenerated.error)")
        let made = try String(contentsOfFile: output, encoding: .utf8)
        let committed = try String(contentsOfFile: GatewayFixture.packageRoot + "/Sources/ControlPlane/LambdaInputShapes.swift", encoding: .utf8)
        #expect(made == committed, "regenerate with: python3 tools/lambda-constraints.py")
    }
}
