import Foundation
import SchemaTesting
import Testing

/// Your own test suite, checking what your code produces against the API's models.
@Suite struct ModelTests {
    let models: ModelValidator

    init() throws { models = try ModelValidator(schemasDirectory: "Schemas") }

    @Test func aListMatchesTheModel() throws {
        let body = Data(#"[{"ID": 1, "name": "Pen", "price": 2.5}]"#.utf8)   // e.g. a recorded response
        expectValid(body, against: "Items", in: models)    // fails the test, listing every error
    }
}
