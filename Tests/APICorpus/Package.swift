// swift-tools-version: 6.1
import PackageDescription

/// Public API descriptions nobody here wrote (SOURCES.md, with their licences): each directory
/// is a target whose client the toolkit's GenerateClientPlugin generates while it builds, so a
/// client that does not compile fails the build; `APICorpusTests` calls some of them against a
/// mock server. A package of its own, beside the toolkit, so that building the toolkit does not
/// build these (OpenAI's client alone takes minutes in release): run it with
/// `swift test --package-path Tests/APICorpus` (`.ci/run` does).
let corpus = [
    "OAIPetstoreV2",
    "OAIPetstoreExpandedV2",
    "OAIPetstoreSeparateV2",
    "OAIUberV2",
    "OAIApiWithExamplesV2",
    "OAIPetstore30",
    "OAIPetstoreExpanded30",
    "OAIUSPTO30",
    "OAILinkExample30",
    "OAICallbackExample30",
    "OAIApiWithExamples30",
    "OAIWebhook31",
    "OAINonOAuthScopes31",
    "SOGPetstore31",
    "SOGContentTypes",
    "SOGEventStreams",
    "Netlify",
    "Slack",
    "OpenAI",
]

let package = Package(
    name: "APICorpus",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ItemsAPIToolkit", path: "../..")],
    targets: corpus.map { name in
        .target(
            name: "Corpus" + name, dependencies: [.product(name: "ClientRuntime", package: "ItemsAPIToolkit")], path: name, sources: ["Exports.swift"],
            plugins: [.plugin(name: "GenerateClientPlugin", package: "ItemsAPIToolkit")])
    } + [
        .testTarget(
            name: "APICorpusTests",
            dependencies: [
                .product(name: "ClientRuntime", package: "ItemsAPIToolkit"), .product(name: "HTTPServer", package: "ItemsAPIToolkit"),
                .product(name: "HTTPCore", package: "ItemsAPIToolkit"),
            ] + corpus.map { .target(name: "Corpus" + $0) },
            path: "Tests"),
    ],
    swiftLanguageModes: [.v6]
)
