#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JSONCore

/// An API key as the gateway holds it.
public struct APIKeyRecord: Sendable, Equatable {
    /// The key id (`apiKeyId`).
    public var id: String
    /// The name (`LabKey`).
    public var name: String
    /// The value clients send in `x-api-key`.
    public var value: String
    /// Whether the key works.
    public var enabled: Bool
    /// Usage plans the key belongs to.
    public var usagePlans: [String]
}

/// Quota use of one key in one plan.
struct QuotaUsage: Sendable, Equatable {
    var period: String
    var used: Int

    /// Counts one request in `current`, starting afresh when the period changed.
    mutating func count(in current: String) {
        if period != current {
            period = current
            used = 0
        }
        used += 1
    }
}

/// What survives a restart: keys, quota use, published versions and aliases, deployments.
struct PersistedState: Sendable {
    var apiKeys: [String: APIKeyRecord] = [:]
    var usage: [String: QuotaUsage] = [:]
    var functions: [String: JSONValue] = [:]
    var deployments: [String: JSONValue] = [:]

    var json: JSONValue {
        var keys = JSONObject()
        for (name, key) in apiKeys.sorted(by: { $0.key < $1.key }) {
            keys[name] = [
                "id": .string(key.id), "value": .string(key.value), "enabled": .bool(key.enabled),
                "usagePlans": .array(key.usagePlans.map(JSONValue.string)),
            ]
        }
        var usageObject = JSONObject()
        for (key, value) in usage.sorted(by: { $0.key < $1.key }) {
            usageObject[key] = ["period": .string(value.period), "used": .number(JSONNumber(value.used))]
        }
        return [
            "format": 1, "apiKeys": .object(keys), "usage": .object(usageObject),
            "functions": .object(JSONObject(functions.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: $0.value) })),
            "deployments": .object(JSONObject(deployments.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: $0.value) })),
        ]
    }

    init() {}

    init(json: JSONValue) {
        for member in json["apiKeys"]?.objectValue ?? JSONObject() {
            guard case .string(let id)? = member.value["id"], case .string(let value)? = member.value["value"] else { continue }
            apiKeys[member.key] = APIKeyRecord(
                id: id, name: member.key, value: value, enabled: member.value["enabled"]?.boolValue ?? false,
                usagePlans: (member.value["usagePlans"]?.arrayValue ?? [JSONValue]()).compactMap { $0.stringValue })
        }
        for member in json["usage"]?.objectValue ?? JSONObject() {
            guard case .string(let period)? = member.value["period"], let used = member.value["used"]?.numberValue?.intValue else { continue }
            usage[member.key] = QuotaUsage(period: period, used: used)
        }
        for member in json["functions"]?.objectValue ?? JSONObject() { functions[member.key] = member.value }
        for member in json["deployments"]?.objectValue ?? JSONObject() { deployments[member.key] = member.value }
    }
}

/// The state directory (`.gateway/`): one JSON file written atomically (a temporary file
/// renamed over the old one), so a crash leaves either the old state or the new, never a mix.
struct GatewayStore: Sendable {
    let directory: String
    var file: String { directory + "/state.json" }

    func load() throws(GatewayLoadError) -> PersistedState? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else { throw .other("\(file): cannot read the state file") }
        do {
            return PersistedState(json: try JSONParser().parse(data))
        } catch {
            throw .other("\(file):\(error.line):\(error.column): the state file is not valid JSON: \(error.message)")
        }
    }

    func save(_ state: PersistedState) throws(GatewayLoadError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let bytes = JSONWriter.pretty.bytes(state.json) + [0x0A]
            try Data(bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw .other("\(file): cannot write the state: \(error)")
        }
    }
}
