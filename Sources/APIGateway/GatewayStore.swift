#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import JSONCore
import Synchronization

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

/// The state directory (`.gateway/`): one JSON file written atomically, so a crash leaves
/// either the old state or the new, never a mix. The new text goes to `state.json.tmp` (one
/// fixed name: an interrupted save leaves at most that file, which the next load or save
/// removes), is flushed to disk, then renamed over `state.json`; the directory is flushed
/// too. The file is readable by its owner only (it holds API key values).
struct GatewayStore: Sendable {
    let directory: String
    var file: String { directory + "/state.json" }
    var temporaryFile: String { directory + "/state.json.tmp" }
    private static let saving = Mutex(())

    func load() throws(GatewayLoadError) -> PersistedState? {
        removeLeftovers()
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
        } catch {
            throw .other("\(directory): cannot create the state directory: \(error)")
        }
        let bytes = JSONWriter.pretty.bytes(state.json) + [0x0A]
        // One save at a time in this process: they share the temporary file's name.
        if let problem = GatewayStore.saving.withLock({ _ in AtomicFile.write(bytes, to: file, temporary: temporaryFile) }) {
            throw .other("\(file): cannot write the state: \(problem)")
        }
    }

    /// Removes what an interrupted save left: the fixed temporary file, and the randomly
    /// named ones earlier versions (Foundation's atomic writes) could leave.
    func removeLeftovers() {
        try? FileManager.default.removeItem(atPath: temporaryFile)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".state.json") || name.hasPrefix("state.json.tmp") {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}

/// Whole-file replacement that survives a crash at any point: write a temporary file beside
/// the target, flush it, rename it over the target, flush the directory.
enum AtomicFile {
    /// Writes `bytes` to `path` through `temporary`; nil on success, otherwise what failed.
    static func write(_ bytes: [UInt8], to path: String, temporary: String, mode: mode_t = 0o600) -> String? {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return "cannot create \(temporary): \(String(cString: strerror(errno)))" }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw -> String? in
            while written < raw.count {
                let result = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return "cannot write \(temporary): \(String(cString: strerror(errno)))"
                }
                written += result
            }
            return nil
        }
        if let failure {
            close(descriptor)
            unlink(temporary)
            return failure
        }
        fchmod(descriptor, mode)
        if fsync(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            return "cannot flush \(temporary): \(reason)"
        }
        close(descriptor)
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return "cannot rename \(temporary) to \(path): \(reason)"
        }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return nil
    }
}
