import APIModel
import JSONCore
import LambdaRuntime

/// What the gateway reports while it works, for an access log.
public enum GatewayLogEvent: Sendable {
    /// One request answered.
    case access(AccessRecord)
    /// A line from a Lambda function (START, END, REPORT and what it printed), or a warning
    /// from the pipeline (a response that breaks its model).
    case message(String)

    /// The event as one line of text.
    public var text: String {
        switch self {
        case .access(let record): return record.text
        case .message(let line): return line
        }
    }

    /// The event as text for a terminal: a function's line whose parts are joined by `\r`
    /// (CloudWatch's convention for a multi-line message, a Python traceback) becomes one line
    /// per part, the later ones indented, so that no part overwrites the one before it.
    public var terminalText: String {
        let line = text
        guard line.utf8.contains(0x0D) else { return line }
        return line.split(separator: "\r", omittingEmptySubsequences: true).enumerated().map { index, part in
            index == 0 ? String(part) : "    " + part
        }.joined(separator: "\n")
    }

    /// The event as one JSON object (no line break).
    public var json: String {
        switch self {
        case .access(let record): return record.json
        case .message(let line): return "{\"message\":\(JSONWriter.quoted(line))}"
        }
    }
}

/// One answered request. It names the API key by id, never by value.
public struct AccessRecord: Sendable, Equatable {
    /// The request id (`x-amzn-RequestId`).
    public var requestId: String
    /// The client's address.
    public var remoteAddress: String
    /// The HTTP method as sent.
    public var method: String
    /// The request path, without the query.
    public var path: String
    /// The status answered.
    public var status: Int
    /// Milliseconds spent in the gateway.
    public var latencyMilliseconds: Double
    /// The id of the API key that was accepted, if any.
    public var apiKeyId: String?

    /// Why the request failed, when the gateway knows: the execution log's line (a
    /// configuration error, a body that breaks its model).
    public var reason: String? = nil

    /// `<request id> GET /prod/items 200 0.12 ms key=<key id>`, then `: <reason>` when the
    /// request failed for a known reason.
    public var text: String {
        "\(requestId) \(method) \(path) \(status) \(LogFormat.twoDecimals(latencyMilliseconds)) ms" + (apiKeyId.map { " key=\($0)" } ?? "")
            + (reason.map { ": \($0)" } ?? "")
    }

    /// `{"requestId":…,"ip":…,"method":…,"path":…,"status":…,"latencyMs":…,"apiKeyId":…}`.
    public var json: String {
        "{\"requestId\":\(JSONWriter.quoted(requestId)),\"ip\":\(JSONWriter.quoted(remoteAddress)),\"method\":\(JSONWriter.quoted(method)),"
            + "\"path\":\(JSONWriter.quoted(path)),\"status\":\(status),\"latencyMs\":\(LogFormat.twoDecimals(latencyMilliseconds)),"
            + "\"apiKeyId\":\(apiKeyId.map(JSONWriter.quoted) ?? "null")" + (reason.map { ",\"reason\":\(JSONWriter.quoted($0))" } ?? "") + "}"
    }
}

/// What one deployed stage serves, for a startup banner.
public struct StageSummary: Sendable, Equatable {
    /// The stage name (`prod`).
    public var name: String
    /// What its methods call: Lambda targets (`ItemsFunction:prod`) and `MOCK`, sorted.
    public var integrations: [String]
    /// Whether any method asks for an API key.
    public var requiresAPIKey: Bool
    /// Whether the stage cache is on.
    public var cacheEnabled: Bool
    /// The deployed API's `info.title`.
    public var apiTitle: String = "API"
    /// A GET (or ANY) path of the API to try: the shortest without parameters, else the
    /// shortest with each parameter written as `1`; nil when the API has none.
    public var samplePath: String? = nil

    /// The path `StageSummary.samplePath` describes, for `api`.
    static func examplePath(of api: RestAPI) -> String? {
        let readable = api.resources.filter { $0.methods["GET"] != nil || $0.methods["ANY"] != nil }
        func written(_ resource: Resource) -> String {
            resource.path.split(separator: "/").map { part in
                part.hasPrefix("{") && part.hasSuffix("}") ? "1" : String(part)
            }.joined(separator: "/")
        }
        let plain = readable.filter { !$0.path.contains("{") }.min { ($0.path.count, $0.path) < ($1.path.count, $1.path) }
        if let plain { return plain.path }
        return readable.min { ($0.path.count, $0.path) < ($1.path.count, $1.path) }.map { "/" + written($0) }
    }
}

extension Gateway {
    /// Every deployed stage, by name.
    public var stageSummaries: [StageSummary] {
        snapshot.stages.mapValues(\.deployment).sorted { $0.key < $1.key }.map { name, deployment in
            var integrations = Set<String>()
            var requiresKey = false
            for table in deployment.methods {
                for (_, method) in table {
                    if method.method.apiKeyRequired { requiresKey = true }
                    integrations.insert(method.lambdaTarget ?? method.method.integration.kind.rawValue)
                }
            }
            return StageSummary(
                name: name, integrations: integrations.sorted(), requiresAPIKey: requiresKey, cacheEnabled: deployment.stage.cache.enabled,
                apiTitle: deployment.api.title, samplePath: StageSummary.examplePath(of: deployment.api))
        }
    }
}
