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
