import CorpusSOGContentTypes
import Foundation
import HTTPCore
import Testing

/// swift-openapi-generator's "various content types" example (OpenAPI 3.1, YAML).
@Suite("Corpus: swift-openapi-generator's content-types example against a mock server")
struct ContentTypesCalls {
    @Test("JSON, plain text, form-urlencoded and raw bytes, each sent and received in its media type")
    func mediaTypes() async throws {
        let mock = try MockServer { request in
            var headers = HTTPHeaders()
            switch (request.method, request.path) {
            case ("GET", "/exampleJSON"): return MockServer.json(#"{"message": "Hello, Ada!"}"#)
            case ("GET", "/examplePlainText"):
                headers.add("Content-Type", "text/plain")
                return HTTPResponse(status: 200, headers: headers, body: Array("line one\nline two".utf8))
            case ("GET", "/exampleRawBytes"):
                headers.add("Content-Type", "application/octet-stream")
                return HTTPResponse(status: 200, headers: headers, body: [0, 1, 254, 255])
            default: return HTTPResponse(status: 202)
            }
        }
        defer { mock.stop() }
        let client = SOGContentTypesClient(invokeURL: mock.url())
        #expect(try await client.getExampleJson(name: "Ada").message == "Hello, Ada!")
        #expect(mock.last?.target == "/exampleJSON?name=Ada")
        #expect(try await client.getExamplePlainText() == "line one\nline two")
        #expect(try await client.getExampleRawBytes() == Data([0, 1, 254, 255]))

        try await client.postExamplePlainText(body: "héllo")
        #expect(mock.last?.headers["Content-Type"]?.hasPrefix("text/plain") == true)
        #expect(mock.last?.body == Array("héllo".utf8))
        try await client.postExampleRawBytes(body: Data([9, 8, 7]))
        #expect(mock.last?.headers["Content-Type"] == "application/octet-stream")
        #expect(mock.last?.body == [9, 8, 7])
        try await client.postExampleUrlEncoded(body: PostExampleUrlEncodedBody(message: "a b&c"))
        #expect(mock.last?.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(String(decoding: mock.last?.body ?? [], as: UTF8.self) == "message=a%20b%26c")
        // A body offered as JSON or text: the caller chooses.
        try await client.postExampleMultipleContentTypes(body: .plain("just text"))
        #expect(mock.last?.headers["Content-Type"] == "text/plain" && mock.last?.body == Array("just text".utf8))
        try await client.postExampleMultipleContentTypes(body: .json(Greeting(message: "hi")))
        #expect(mock.last?.headers["Content-Type"] == "application/json" && mock.last?.body == Array(#"{"message":"hi"}"#.utf8))
    }
}

import CorpusSOGPetstore31

/// swift-openapi-generator's reference pet store (OpenAPI 3.1, YAML): query styles.
@Suite("Corpus: swift-openapi-generator's reference pet store against a mock server")
struct ReferencePetstoreCalls {
    @Test("deepObject query objects go out member by member; an exploded enum array item by item; a header UUID")
    func listPets() async throws {
        let mock = try MockServer { _ in MockServer.json(#"[{"id": 1, "name": "Fluffz"}]"#) }
        defer { mock.stop() }
        let client = SOGPetstore31Client(invokeURL: mock.url("/api"))
        let id = UUID(uuidString: "5E5D5A8C-1111-4C4B-9C6E-2E3F4A5B6C7D")!
        let pets = try await client.listPets(
            limit: 10, feeds: [.omnivore, .herbivore], sort: ListPetsSort(id: "name", name: "asc"), filter: ListPetsFilter(name: "Fluffz", state: "sleeping"),
            myRequestUuid: id)
        let request = try #require(mock.last)
        let items = (request.target.split(separator: "?").last ?? "").split(separator: "&").map { $0.removingPercentEncoding ?? String($0) }
        #expect(Set(items) == ["filter[name]=Fluffz", "filter[state]=sleeping", "limit=10", "feeds=omnivore", "feeds=herbivore", "sort[id]=name", "sort[name]=asc"])
        #expect(request.headers["My-Request-UUID"] == id.uuidString)
        #expect(pets.first?.name == "Fluffz")
    }
}
