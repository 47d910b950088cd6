import APIGateway
import HTTPCore
import ItemsService
import JSONCore
import Testing

@Suite("The lab, step by step")
struct LabWalkthroughTests {
    @Test("the mock stage returns the generated 3-item list and the generated item")
    func mockStage() throws {
        let fixture = try GatewayFixture()
        let list = fixture.get("/mock/items")
        #expect(list.status == 200)
        #expect(fixture.json(list) == [["ID": 1, "name": "foo1", "price": 1.5], ["ID": 2, "name": "foo2", "price": 3.0], ["ID": 3, "name": "foo3", "price": 4.5]])
        let item = fixture.get("/mock/items/1")
        #expect(item.bodyText == #"{"ID" : 1, "name" : "foo1", "price" : 1.5}"#)
    }

    @Test("with the Lambda integration, /prod/items lists the four items and /prod/items/3 is the Highlighter")
    func lambda() throws {
        let fixture = try GatewayFixture()
        let list = fixture.get("/prod/items", key: fixture.labKey)
        #expect(list.status == 200)
        #expect(fixture.json(list) == .array(ItemsFunction.items.map(\.json)))
        #expect(list.headers["Access-Control-Allow-Origin"] == "*")
        #expect(list.headers["Content-Type"] == "application/json")
        #expect(list.headers["x-amzn-RequestId"]?.count == 36)
        let item = fixture.get("/prod/items/3", key: fixture.labKey)
        #expect(item.status == 200)
        #expect(fixture.json(item) == ["ID": 3, "name": "Highlighter", "price": 3.0])
    }

    @Test("an unknown item is 404 with the NotFoundError body")
    func notFound() throws {
        let fixture = try GatewayFixture()
        let response = fixture.get("/prod/items/5", key: fixture.labKey)
        #expect(response.status == 404)
        #expect(fixture.json(response)?["errorMessage"] == "NotFoundError")
        #expect(fixture.json(response)?["errorType"] == "Exception")
    }

    @Test("without x-api-key: 403 Forbidden; with the generated key: 200; the header name is case-insensitive")
    func apiKey() throws {
        let fixture = try GatewayFixture()
        let missing = fixture.get("/prod/items")
        #expect(missing.status == 403)
        #expect(missing.bodyText == #"{"message":"Forbidden"}"#)
        #expect(missing.headers["x-amzn-ErrorType"] == "ForbiddenException")
        #expect(fixture.get("/prod/items", key: "wrong-key-value-0123456789").status == 403)
        #expect(fixture.labKey.count == 40)
        #expect(fixture.get("/prod/items", headers: [("X-API-KEY", fixture.labKey)]).status == 200)
    }
}
