// swift-tools-version: 6.1
import PackageDescription

/// The toolkit has no package dependencies: everything here builds with the Swift toolchain alone.
let package = Package(
    name: "ItemsAPIToolkit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JSONCore", targets: ["JSONCore"]),
        .library(name: "YAMLCore", targets: ["YAMLCore"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "SchemaTesting", targets: ["SchemaTesting"]),
        .library(name: "Velocity", targets: ["Velocity"]),
        .library(name: "MappingTemplates", targets: ["MappingTemplates"]),
        .executable(name: "schema-check", targets: ["schema-check"]),
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "generate-client", targets: ["generate-client"]),
        .library(name: "ClientRuntime", targets: ["ClientRuntime"]),
        .library(name: "ItemsClient", targets: ["ItemsClient"]),
        .library(name: "GatewayTesting", targets: ["GatewayTesting"]),
        // The gateway and its control plane in process, and the lab's function, for your tests
        // and tools (the README's in-process examples).
        .library(name: "HTTPCore", targets: ["HTTPCore"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "LambdaRuntime", targets: ["LambdaRuntime"]),
        .library(name: "ControlPlane", targets: ["ControlPlane"]),
        .library(name: "LocalGateway", targets: ["LocalGateway"]),
        .library(name: "ItemsService", targets: ["ItemsService"]),
        // Generate a client from your API definition at build time, or on demand.
        .plugin(name: "GenerateClientPlugin", targets: ["GenerateClientPlugin"]),
        .plugin(name: "GenerateClientCommand", targets: ["GenerateClientCommand"]),
    ],
    targets: [
        // Layer 0: values and text, no dependencies.
        .target(name: "JSONCore", dependencies: ["TextAndFiles"]),
        // YAML 1.2 into JSON values (and JSON values written as YAML): beside JSONCore, on it alone.
        .target(name: "YAMLCore", dependencies: ["JSONCore"]),
        .target(name: "ECMARegex"),
        // Zip archives (Lambda's code packages): a bounded reader with an inflate of its own.
        .target(name: "Archives"),
        .target(name: "HTTPCore", dependencies: ["TextAndFiles"]),
        // SHA-256, HMAC and AWS Signature Version 4 (the control plane's requests).
        .target(name: "AWSSignature", dependencies: ["TextAndFiles"]),
        // JSON Web Tokens signed with RS256: RSA written here (Montgomery arithmetic, key
        // generation), key sets, the Cognito authorizer's verification and the local issuer.
        .target(name: "JSONWebTokens", dependencies: ["AWSSignature", "JSONCore", "TextAndFiles"]),
        // The Linux system calls (epoll, eventfd, stack bounds) that Glibc's Swift module leaves out: headers only.
        .target(name: "CSystemCalls"),
        // Layer 1: the HTTP/1.1 server; it knows requests and responses, not the gateway.
        .target(name: "HTTPServer", dependencies: ["HTTPCore", "CSystemCalls", "TextAndFiles"]),
        // Layer 1: Velocity templates (API Gateway flavour).
        .target(name: "Velocity", dependencies: ["JSONCore", "ECMARegex"]),
        .target(name: "MappingTemplates", dependencies: ["Velocity", "JSONCore"]),
        .target(name: "LambdaRuntime", dependencies: ["JSONCore"]),
        // Layer 2: function code run as local processes behind the Lambda Runtime API (served by
        // the HTTP server); it knows Lambda, not API Gateway.
        .target(name: "LambdaEnvironments", dependencies: ["LambdaRuntime", "JSONCore", "HTTPServer", "HTTPCore", "AWSSignature", "CSystemCalls", "CommandSupport", "Archives"]),
        // Layer 2: the bundled function and the API definition.
        .target(name: "ItemsService", dependencies: ["LambdaRuntime", "JSONCore"]),
        .target(name: "APIModel", dependencies: ["JSONCore", "YAMLCore", "JSONSchema"]),
        // SAM and CloudFormation templates read into the deployment's model.
        .target(name: "Templates", dependencies: ["JSONCore", "YAMLCore", "ECMARegex", "TextAndFiles", "Archives"]),
        // Layer 3: the gateway runtime.
        .target(
            name: "APIGateway",
            dependencies: [
                "APIModel", "AWSSignature", "CSystemCalls", "JSONCore", "JSONSchema", "MappingTemplates", "Velocity", "LambdaRuntime", "HTTPCore", "ECMARegex",
                "TextAndFiles", "JSONWebTokens",
            ]),
        // Layer 3: the control plane (state, the AWS APIs, the one port for both).
        .target(
            name: "ControlPlane",
            dependencies: [
                "APIGateway", "APIModel", "AWSSignature", "CSystemCalls", "ECMARegex", "HTTPCore", "JSONCore", "JSONSchema", "JSONWebTokens", "LambdaRuntime",
                "MappingTemplates", "YAMLCore",
            ]),
        // The client side: the tiny runtime generated code depends on (and on the SigV4 signer
        // alone), the
        // generator, the generated ItemsAPI client, and transports to the bundled runtime.
        .target(name: "ClientRuntime", dependencies: ["AWSSignature", "TextAndFiles"]),
        .target(name: "ClientGenerator", dependencies: ["JSONCore", "JSONSchema", "APIModel"]),
        .target(name: "ItemsClient", dependencies: ["ClientRuntime"], path: "Generated/ItemsClient"),
        .target(
            name: "GatewayTesting",
            dependencies: ["ClientRuntime", "APIGateway", "HTTPCore", "HTTPServer", "JSONCore", "JSONSchema"]),
        // Layer 1: schema loading, compilation and validation.
        .target(name: "JSONSchema", dependencies: ["JSONCore", "YAMLCore", "ECMARegex", "CSystemCalls", "TextAndFiles"]),
        // Layer 2: test-suite helpers and command-line logic.
        .target(name: "SchemaTesting", dependencies: ["JSONCore", "YAMLCore", "JSONSchema"]),
        // The leaf for text and files (bounded whole-file reads and writes): no dependencies.
        .target(name: "TextAndFiles"),
        // What every command shares: standard streams and files, argument scanning.
        .target(name: "CommandSupport", dependencies: ["TextAndFiles"]),
        // schema-check on its own (no gateway, no full Foundation: it starts in a few ms).
        .target(name: "SchemaCheck", dependencies: ["JSONCore", "YAMLCore", "JSONSchema", "CommandSupport"]),
        // generate-client on its own: the generator's dependencies only (what the SwiftPM plugins build).
        .target(name: "GenerateClientCLI", dependencies: ["APIModel", "ClientGenerator", "CommandSupport", "JSONCore", "YAMLCore"]),
        // A gateway served on a port: state directory lock, functions' code runner, control
        // plane, HTTP server, watched files (what `gateway serve` composes, as a library).
        .target(
            name: "LocalGateway",
            dependencies: ["APIGateway", "ControlPlane", "HTTPServer", "LambdaEnvironments", "LambdaRuntime"]),
        // The gateway's commands (serve, keys, stages, lambda, render, export, …).
        .target(
            name: "CommandLineTools",
            dependencies: [
                "JSONCore", "MappingTemplates", "APIGateway", "ControlPlane", "LambdaRuntime", "HTTPCore", "HTTPServer", "CSystemCalls",
                "CommandSupport", "ItemsService", "AWSSignature", "YAMLCore", "Templates", "LocalGateway", "JSONWebTokens",
            ]),
        // Thin executables.
        .executableTarget(name: "schema-check", dependencies: ["SchemaCheck", "CommandSupport"]),
        .executableTarget(name: "gateway", dependencies: ["CommandLineTools", "ItemsService"]),
        .executableTarget(name: "generate-client", dependencies: ["GenerateClientCLI"]),
        // SwiftPM plugins around generate-client: a build tool (generate-client.json in a
        // target) and a command (`swift package generate-client …`).
        .plugin(name: "GenerateClientPlugin", capability: .buildTool(), dependencies: ["generate-client"]),
        .plugin(
            name: "GenerateClientCommand",
            capability: .command(
                intent: .custom(verb: "generate-client", description: "Generate a typed Swift client from an API definition"),
                permissions: [.writeToPackageDirectory(reason: "generate-client writes the client's sources where --output says")]),
            dependencies: ["generate-client"]),
        .executableTarget(
            name: "benchmarks",
            dependencies: [
                "JSONCore", "JSONSchema", "CommandLineTools", "MappingTemplates", "APIGateway", "ControlPlane", "HTTPCore", "ItemsService", "ClientGenerator",
                "ItemsClient", "GatewayTesting", "LambdaEnvironments", "LambdaRuntime", "YAMLCore", "APIModel", "Templates",
            ]
        ),
        // Fuzzing: the targets (a library the tests replay corpora through) and the program
        // that is a libFuzzer binary when built with -sanitize=fuzzer -DFUZZING (.ci/fuzz).
        .target(
            name: "FuzzTargets",
            dependencies: [
                "JSONCore", "YAMLCore", "JSONSchema", "MappingTemplates", "Velocity", "HTTPCore", "HTTPServer", "Archives", "APIGateway", "JSONWebTokens",
                "TextAndFiles",
            ]),
        .executableTarget(name: "fuzz", dependencies: ["FuzzTargets"]),
        // Tests.
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "JSONCoreTests", dependencies: ["TestSupport", "JSONCore"]),
        .testTarget(name: "YAMLCoreTests", dependencies: ["TestSupport", "YAMLCore", "JSONCore"]),
        .testTarget(
            name: "LambdaEnvironmentsTests",
            dependencies: [
                "LambdaEnvironments", "LambdaRuntime", "ControlPlane", "APIGateway", "HTTPServer", "HTTPCore", "JSONCore", "CommandSupport", "TestSupport",
                "AWSSignature",
            ]),
        .testTarget(name: "AWSSignatureTests", dependencies: ["TestSupport", "AWSSignature"]),
        .testTarget(name: "JSONWebTokensTests", dependencies: ["TestSupport", "JSONWebTokens", "JSONCore", "TextAndFiles"]),
        .testTarget(name: "ECMARegexTests", dependencies: ["TestSupport", "ECMARegex"]),
        .testTarget(name: "ArchivesTests", dependencies: ["TestSupport", "Archives"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["TestSupport", "HTTPServer", "HTTPCore"]),
        .testTarget(
            name: "ClientGeneratorTests", dependencies: ["ClientGenerator", "GenerateClientCLI", "APIModel", "JSONCore", "ClientRuntime", "StoreClient", "TestSupport", "HTTPServer", "HTTPCore"],
            exclude: ["Fixtures"]),
        // A second, richer generated API (Tests/ClientGeneratorTests/Fixtures/StoreAPI.json), compiled.
        .target(name: "StoreClient", dependencies: ["ClientRuntime"], path: "Tests/StoreClient"),
        // What the test targets share: a seeded random-number generator.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ItemsClientTests", dependencies: ["ItemsClient", "GatewayTesting", "APIGateway", "ControlPlane", "ItemsService"]),
        // The README's Swift examples: each is a file here, shown verbatim in the README (a test
        // checks they match), compiled with the tests and run by them.
        .testTarget(
            name: "ReadmeExamplesTests",
            dependencies: [
                "ItemsClient", "ClientRuntime", "GatewayTesting", "ControlPlane", "ItemsService", "HTTPCore", "MappingTemplates", "JSONCore", "JSONSchema",
                "SchemaTesting", "YAMLCore", "LocalGateway", "HTTPServer",
            ]),
        .testTarget(name: "VelocityTests", dependencies: ["Velocity", "MappingTemplates", "JSONCore", "TestSupport"]),
        .testTarget(
            name: "APIGatewayTests",
            dependencies: [
                "APIGateway", "APIModel", "AWSSignature", "ClientGenerator", "ControlPlane", "ItemsService", "LambdaRuntime", "HTTPCore", "JSONCore",
                "MappingTemplates", "TestSupport", "YAMLCore", "JSONWebTokens", "TextAndFiles",
            ]),
        .testTarget(
            name: "JSONSchemaTests", dependencies: ["TestSupport", "JSONCore", "JSONSchema", "SchemaTesting"], exclude: ["KnownFailures.txt"]),
        .testTarget(
            name: "CommandLineToolsTests",
            dependencies: ["TestSupport", "CommandLineTools", "GenerateClientCLI", "CommandSupport", "SchemaCheck", "ControlPlane", "AWSSignature", "ItemsService", "JSONCore", "JSONSchema", "LambdaRuntime", "MappingTemplates", "APIModel",
                "Templates", "LocalGateway", "HTTPServer", "JSONWebTokens",
            ]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.name != "CSystemCalls" && target.type != .plugin {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
