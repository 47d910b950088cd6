import APIGateway
import JSONCore
import LambdaRuntime
import Synchronization
import TextAndFiles

/// The one path every change takes, whichever service asks: drafted on a copy, written durably
/// to the state directory (the API Gateway model and Lambda's catalog in one file), then made
/// visible — the request path's snapshot published, Lambda's catalog installed. A change that
/// could not be written was never visible. Changes are written in the order they are made
/// (under one lock).
final class StateCommitter: Sendable {
    /// API Gateway's state: keys, stages, deployments.
    let model: Mutex<ControlPlane.Model>
    /// Where changes are written (nil: a read-only or state-less control plane).
    let stateFile: StateFile?
    /// Lambda's functions, versions and aliases (its catalog is drafted and installed here).
    let lambda: LambdaService
    /// What the deployment file declared, kept in the state so that the next load knows
    /// whether the file changed.
    let declared: JSONValue
    /// Set when a reload replaced this control plane: a change that reaches it then is refused,
    /// never written over the new one's state.
    let retired = Atomic<Bool>(false)
    /// Makes a committed model visible to the request path.
    private let publish: @Sendable (ControlPlane.Model) -> Void

    init(model: ControlPlane.Model, stateFile: StateFile?, lambda: LambdaService, declared: JSONValue, publish: @escaping @Sendable (ControlPlane.Model) -> Void) {
        self.model = Mutex(model)
        self.stateFile = stateFile
        self.lambda = lambda
        self.declared = declared
        self.publish = publish
    }

    /// `body`'s reading of the model as it is now.
    func read<T>(_ body: (ControlPlane.Model) -> T) -> T { model.withLock { body($0) } }

    /// An API Gateway change: `change` runs on a draft of the model; the draft is written, then
    /// published (nothing changes when `change` or the write throws).
    func change<T>(_ change: (inout ControlPlane.Model) throws(ControlError) -> T) throws(ControlError) -> T {
        try model.withLock { (model) throws(ControlError) -> T in
            var draft = model
            let result = try change(&draft)
            try commit(draft)
            model = draft
            return result
        }
    }

    /// A Lambda change: `change` runs on a draft of the catalog; the draft is written with the
    /// rest of the state, then installed.
    func changeLambda<T>(_ change: (inout LambdaCatalog) throws(LambdaServiceError) -> T) throws(ControlError) -> T {
        try model.withLock { (model) throws(ControlError) -> T in
            var draft = lambda.catalog()
            let result: T
            do throws(LambdaServiceError) {
                result = try change(&draft)
            } catch {
                throw ControlError(error)
            }
            try commit(model, catalog: draft)
            lambda.install(draft)
            return result
        }
    }

    /// Writes the state as it is (after loading) and publishes it.
    func commitAll() throws(ControlError) {
        try model.withLock { (model) throws(ControlError) in try commit(model) }
    }

    /// Makes a change durable, then visible: writes the state file (with `catalog`, Lambda's
    /// draft, when given) and publishes a snapshot. Called with the model's lock held.
    private func commit(_ model: ControlPlane.Model, catalog: LambdaCatalog? = nil) throws(ControlError) {
        if retired.load(ordering: .acquiring) {
            throw ControlError(
                status: 409, type: "ConflictException",
                message: "The API was reloaded from its edited files while this change was in progress; nothing was changed. Retry the request.")
        }
        if let stateFile {
            do {
                try stateFile.save(persisted(model, catalog: catalog ?? lambda.catalog()))
            } catch {
                throw ControlError(status: 500, type: "ServiceException", message: error.description)
            }
        }
        publish(model)
    }

    /// The state file's contents for `model` and Lambda's `catalog`.
    func persisted(_ model: ControlPlane.Model, catalog: LambdaCatalog) -> PersistedState {
        var state = PersistedState()
        state.declared = declared
        for key in model.keys { state.apiKeys[key.name] = key }
        for (name, function) in catalog.functions {
            var versionObject = JSONObject()
            for number in function.versions.keys.sorted() { versionObject[String(number)] = function.versions[number]!.json }
            var aliasObject = JSONObject()
            for alias in function.aliases.keys.sorted() {
                let target = function.aliases[alias]!
                var entry = JSONObject([JSONObject.Member(key: "version", value: .string(target.version))])
                if let extra = target.additionalVersion {
                    entry["additionalVersion"] = .string(extra.version)
                    entry["weight"] = JSONNumber(extra.weight).map(JSONValue.number) ?? 0
                }
                if let description = function.aliasDescriptions[alias], !description.isEmpty { entry["description"] = .string(description) }
                aliasObject[alias] = .object(entry)
            }
            var entry = JSONObject.of(["latest": function.latest.json, "versions": .object(versionObject), "aliases": .object(aliasObject)])
            if let reserved = function.reservedConcurrency { entry["reservedConcurrency"] = .number(JSONNumber(reserved)) }
            if function.createdByAPI { entry["createdByAPI"] = true }
            if !function.policy.isEmpty {
                entry["policy"] = .object(JSONObject(function.policy.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: .array($0.value)) }))
            }
            state.functions[name] = .object(entry)
        }
        // A function the deployment file declares and DeleteFunction deleted stays deleted
        // while its declaration is unchanged.
        state.deletedFunctions = (declared["functions"]?.objectValue?.members.map(\.key) ?? []).filter { catalog.functions[$0] == nil }.sorted()
        for (name, stage) in model.stages {
            let record = stage.deployment
            state.deployments[name] = [
                "id": .string(record.id), "definition": .string(record.definition), "deployedAt": .string(UTCCalendar.date(record.createdDate)),
                "createdDate": .number(JSONNumber(record.createdDate) ?? JSONNumber(0)), "description": .string(record.description),
                "document": record.document ?? .null,
            ]
            let overrides = stage.overrides.json
            if case .object(let object) = overrides, !object.isEmpty { state.stages[name] = overrides }
        }
        state.history = model.history.map { record in
            [
                "id": .string(record.id), "stage": record.stage.map(JSONValue.string) ?? .null,
                "createdDate": .number(JSONNumber(record.createdDate) ?? JSONNumber(0)), "description": .string(record.description),
            ]
        }
        return state
    }
}
