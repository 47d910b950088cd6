#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import APIGateway
import JSONCore
import Synchronization

/// What survives a restart, as `state.json` holds it: API keys, functions (published
/// versions, aliases, `$LATEST`'s configuration), each stage's deployment and settings, and the
/// deployment history. Quota use is not here: it lives in the usage ledger, written as it is
/// counted. (Format 1 files, which kept quota use here, are read and their use moved over.)
struct PersistedState: Sendable {
    var apiKeys: [String: APIKeyRecord] = [:]
    /// Format 1 only: quota use by `plan/keyId`.
    var usage: [String: QuotaUsage] = [:]
    var functions: [String: JSONValue] = [:]
    /// Functions the deployment file declares that DeleteFunction deleted.
    var deletedFunctions: [String] = []
    /// Each stage's deployment: `{id, definition, deployedAt, description, document}`.
    var deployments: [String: JSONValue] = [:]
    /// Each stage's settings changed through UpdateStage: `{variables, methodSettings, cache, description}`.
    var stages: [String: JSONValue] = [:]
    /// Every deployment made: `{id, stage, createdDate, description}`, oldest first.
    var history: [JSONValue] = []
    /// What the deployment file declared when it was last applied: `{stages: {name: …},
    /// functions: {name: …}}`, each the file's own member. A declaration that differs at the
    /// next load is applied again over the changes the AWS APIs made to it.
    var declared: JSONValue = .null

    var json: JSONValue {
        var keys = JSONObject()
        for (name, key) in apiKeys.sorted(by: { $0.key < $1.key }) {
            keys[name] = [
                "id": .string(key.id), "value": .string(key.value), "enabled": .bool(key.enabled),
                "usagePlans": .array(key.usagePlans.map(JSONValue.string)), "description": .string(key.description),
                "createdDate": .number(JSONNumber(key.createdDate) ?? JSONNumber(0)),
                "lastUpdatedDate": .number(JSONNumber(key.lastUpdatedDate) ?? JSONNumber(0)),
            ]
        }
        func sorted(_ table: [String: JSONValue]) -> JSONValue {
            .object(JSONObject(table.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: $0.value) }))
        }
        return [
            "format": 2, "apiKeys": .object(keys), "functions": sorted(functions), "deployments": sorted(deployments),
            "stages": sorted(stages), "history": .array(history), "declared": declared,
            "deletedFunctions": .array(deletedFunctions.map(JSONValue.string)),
        ]
    }

    init() {}

    /// Reads a state file's contents; throws on a format this version does not know.
    init(json: JSONValue, file: String) throws(GatewayLoadError) {
        guard case .object = json else { throw .other("\(file): the state file is not a JSON object") }
        let format = json["format"]?.numberValue?.intValue ?? 1
        guard format == 1 || format == 2 else {
            throw .other("\(file): the state file has format \(format); this version reads formats 1 and 2")
        }
        // Strict: a member of the wrong shape is an error naming it, never silently empty (an
        // empty "usage" would forget every answered request's quota count).
        func failure(_ mismatch: JSONShape.Mismatch, at pointer: String) -> GatewayLoadError {
            .other("\(file): #/\(pointer)\(mismatch.index.map { "/\($0)" } ?? ""): \(mismatch.message)")
        }
        func members(_ name: String) throws(GatewayLoadError) -> JSONObject {
            do { return try JSONShape.members(json[name]) } catch { throw failure(error, at: name) }
        }
        for member in try members("apiKeys") {
            let place = "apiKeys/" + JSONPointer.escape(member.key)
            guard case .string(let id)? = member.value["id"], case .string(let value)? = member.value["value"] else {
                throw .other("\(file): #/\(place): an API key needs an id and a value")
            }
            let usagePlans: [String]
            do { usagePlans = try JSONShape.strings(member.value["usagePlans"]) } catch { throw failure(error, at: place + "/usagePlans") }
            apiKeys[member.key] = APIKeyRecord(
                id: id, name: member.key, value: value, enabled: member.value["enabled"]?.boolValue ?? false,
                usagePlans: usagePlans,
                description: member.value["description"]?.stringValue ?? "",
                createdDate: member.value["createdDate"]?.numberValue?.doubleValue ?? 0,
                lastUpdatedDate: member.value["lastUpdatedDate"]?.numberValue?.doubleValue ?? 0)
        }
        for member in try members("usage") {
            guard case .string(let period)? = member.value["period"], let used = member.value["used"]?.numberValue?.intValue else {
                throw .other("\(file): #/usage/\(JSONPointer.escape(member.key)): a quota count needs a period and a number used")
            }
            usage[member.key] = QuotaUsage(period: period, used: used)
        }
        for member in try members("functions") { functions[member.key] = member.value }
        for member in try members("deployments") { deployments[member.key] = member.value }
        for member in try members("stages") { stages[member.key] = member.value }
        do { history = try JSONShape.elements(json["history"]) } catch { throw failure(error, at: "history") }
        do { deletedFunctions = try JSONShape.strings(json["deletedFunctions"]) } catch { throw failure(error, at: "deletedFunctions") }
        declared = json["declared"] ?? .null
    }
}

/// The state directory (`.gateway/`): one JSON file written atomically, so a crash leaves
/// either the old state or the new, never a mix. The new text goes to `state.json.tmp` (one
/// fixed name: an interrupted save leaves at most that file, which the next load or save
/// removes), is flushed to disk, then renamed over `state.json`; the directory is flushed
/// too. The file is readable by its owner only (it holds API key values).
struct StateFile: Sendable {
    let directory: String
    var file: String { directory + "/state.json" }
    var temporaryFile: String { directory + "/state.json.tmp" }
    private static let saving = Mutex(())
    /// Temporary files the last load removed (for the start-up report).
    let leftoversRemoved = SharedCount()

    /// The state, or nil when there is no file yet. Only the directory's owner (the lock
    /// holder) removes what interrupted saves left (`removingLeftovers`).
    func load(removingLeftovers: Bool = true) throws(GatewayLoadError) -> PersistedState? {
        if removingLeftovers { leftoversRemoved.set(removeLeftovers()) }
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else { throw .other("\(file): cannot read the state file") }
        let json: JSONValue
        do {
            json = try JSONParser().parse(data)
        } catch {
            throw .other(
                "\(file):\(error.line):\(error.column): the state file is not valid JSON (\(error.message)); "
                    + "refusing to start rather than lose it: repair or move it away")
        }
        return try PersistedState(json: json, file: file)
    }

    func save(_ state: PersistedState) throws(GatewayLoadError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .other("\(directory): cannot create the state directory: \(error)")
        }
        let bytes = JSONWriter.pretty.bytes(state.json) + [0x0A]
        // One save at a time in this process: they share the temporary file's name.
        if let problem = StateFile.saving.withLock({ _ in AtomicFile.write(bytes, to: file, temporary: temporaryFile) }) {
            throw .other("\(file): cannot write the state: \(problem)")
        }
    }

    /// Removes what an interrupted save left: the fixed temporary file, and the randomly
    /// named ones earlier versions (Foundation's atomic writes) could leave.
    /// Returns how many files it removed.
    @discardableResult
    func removeLeftovers() -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(".state.json") || name.hasPrefix("state.json.tmp") {
            if (try? FileManager.default.removeItem(atPath: directory + "/" + name)) != nil { removed += 1 }
        }
        return removed
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

/// A count shared by copies of a value type.
final class SharedCount: Sendable {
    private let value = Mutex(0)
    func set(_ count: Int) { value.withLock { $0 = count } }
    var count: Int { value.withLock { $0 } }
}
