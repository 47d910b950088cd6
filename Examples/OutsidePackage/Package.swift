// swift-tools-version: 6.1
import PackageDescription

// Your package, depending on the toolkit (here by path; or `.package(url: …, branch: "main")`).
let package = Package(
    name: "MyService",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ItemsAPIToolkit", path: "../..")],
    targets: [
        // A client generated at build time from the API definition in its directory.
        .target(
            name: "PetStoreClient",
            dependencies: [.product(name: "ClientRuntime", package: "ItemsAPIToolkit")],
            exclude: ["generate-client.json", "PetStoreAPI.json"],
            plugins: [.plugin(name: "GenerateClientPlugin", package: "ItemsAPIToolkit")]),
        .executableTarget(
            name: "outside-demo",
            dependencies: [
                .product(name: "ItemsClient", package: "ItemsAPIToolkit"),
                .product(name: "ClientRuntime", package: "ItemsAPIToolkit"),
                .product(name: "GatewayTesting", package: "ItemsAPIToolkit"),
                .product(name: "ControlPlane", package: "ItemsAPIToolkit"),
                .product(name: "ItemsService", package: "ItemsAPIToolkit"),
                .product(name: "HTTPCore", package: "ItemsAPIToolkit"),
                .product(name: "MappingTemplates", package: "ItemsAPIToolkit"),
                .product(name: "JSONSchema", package: "ItemsAPIToolkit"),
                .product(name: "JSONCore", package: "ItemsAPIToolkit"),
                "PetStoreClient",
            ]),
        .testTarget(
            name: "ReadmeExamplesTests",
            dependencies: [.product(name: "SchemaTesting", package: "ItemsAPIToolkit")]),
    ]
)
