import Foundation
import JSONCore
import Testing

@testable import ControlPlane

@Suite("the state file is read strictly: a member of the wrong shape is an error naming it, never silently empty")
struct PersistedStateTests {
    func problem(_ text: String) -> String? {
        do {
            _ = try PersistedState(json: try JSONParser().parse(text), file: "state.json")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a well-formed file reads; absent members are empty")
    func wellFormed() throws {
        let state = try PersistedState(
            json: JSONParser().parse(#"{"format": 2, "apiKeys": {"k": {"id": "a1", "value": "v", "usagePlans": ["p1"]}}, "history": [{"x": 1}]}"#),
            file: "state.json")
        #expect(state.apiKeys["k"]?.usagePlans == ["p1"])
        #expect(state.history.count == 1)
        #expect(state.functions.isEmpty)
    }

    @Test("wrong shapes name the file and the member")
    func wrongShapes() {
        #expect(problem(#"{"format": 2, "functions": []}"#) == "state.json: #/functions: expected an object, found array")
        #expect(problem(#"{"format": 2, "history": {}}"#) == "state.json: #/history: expected an array, found object")
        #expect(
            problem(#"{"format": 2, "apiKeys": {"k": {"id": "a1", "value": "v", "usagePlans": ["p1", 2]}}}"#)
                == "state.json: #/apiKeys/k/usagePlans/1: expected a string, found integer")
        #expect(
            problem(#"{"format": 1, "usage": {"k": {"period": "DAY"}}}"#)
                == "state.json: #/usage/k: a quota count needs a period and a number used")
    }
}

/// The functions' versions, aliases and policies saved in the state directory are read strictly
/// too: one that does not read stops the start, naming it — never skipped (a version or alias
/// dropped would change what runs).
@Suite("saved versions, aliases and policies that do not read stop the start")
struct SavedLambdaStateTests {
    /// Publishes a version and an alias, edits the saved state with `edit`, and loads again.
    func restartAfter(_ edit: (inout JSONValue) -> Void) throws -> String? {
        let fixture = try GatewayFixture()
        try fixture.control.lambda.publishVersion("ItemsFunction")
        try fixture.control.lambda.createAlias("live", of: "ItemsFunction", version: "1")
        let file = fixture.stateDirectory + "/state.json"
        var state = try JSONParser().parse(Array(try #require(FileManager.default.contents(atPath: file))))
        edit(&state)
        try Data(JSONWriter.pretty.bytes(state)).write(to: URL(fileURLWithPath: file))
        do {
            _ = try fixture.restarted()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// `value` with the member at `path` replaced by `new` (objects made on the way).
    static func setting(_ value: JSONValue, _ path: ArraySlice<String>, _ new: JSONValue) -> JSONValue {
        guard let first = path.first else { return new }
        var object = value.objectValue ?? JSONObject()
        object[first] = setting(object[first] ?? .null, path.dropFirst(), new)
        return .object(object)
    }

    @Test("a well-formed state restores the version and the alias")
    func wellFormed() throws {
        #expect(try restartAfter { _ in } == nil)
    }

    @Test("a version numbered wrong, a version that does not read, an alias without its version, a policy entry of the wrong shape")
    func malformed() throws {
        let versionName = try #require(try restartAfter { state in
            var versions = state["functions"]?["ItemsFunction"]?["versions"]?.objectValue ?? JSONObject()
            versions["zero"] = versions["1"]
            state = Self.setting(state, ["functions", "ItemsFunction", "versions"][...], .object(versions))
        })
        #expect(versionName.contains("functions/ItemsFunction/versions/zero") && versionName.contains("a version is a positive number"))
        let version = try #require(try restartAfter { state in
            state = Self.setting(state, ["functions", "ItemsFunction", "versions", "1"][...], "not a configuration")
        })
        #expect(version.contains("functions/ItemsFunction/versions/1") && version.contains("does not read"))
        let alias = try #require(try restartAfter { state in
            state = Self.setting(state, ["functions", "ItemsFunction", "aliases", "live"][...], ["description": "no version"])
        })
        #expect(alias.contains("functions/ItemsFunction/aliases/live") && alias.contains("needs its version"))
        let aliases = try #require(try restartAfter { state in
            state = Self.setting(state, ["functions", "ItemsFunction", "aliases"][...], ["live", "other"])
        })
        #expect(aliases.contains("aliases: expected an object, found array"))
        let policy = try #require(try restartAfter { state in
            state = Self.setting(state, ["functions", "ItemsFunction", "policy"][...], ["sid": "not a list"])
        })
        #expect(policy.contains("functions/ItemsFunction/policy/sid") && policy.contains("a list of statements"))
    }
}
