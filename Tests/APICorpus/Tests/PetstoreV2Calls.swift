import CorpusOAIPetstoreV2
import Foundation
import HTTPCore
import Testing

/// OAI's Swagger 2.0 pet store (`examples/v2.0/json/petstore.json`), called as a new user would.
@Suite("Corpus: OAI's Swagger 2.0 pet store against a mock server")
struct PetstoreV2Calls {
    @Test("the base path, a query parameter, a path parameter and a declared error")
    func calls() async throws {
        let mock = try MockServer { request in
            switch (request.method, request.path) {
            case ("GET", "/v1/pets"):
                var page = MockServer.json(#"[{"id": 1, "name": "Rex", "tag": "dog"}, {"id": 2, "name": "Tom"}]"#)
                page.headers.add("x-next", "/v1/pets?page=2")
                return page
            case ("GET", "/v1/pets/1"): return MockServer.json(#"[{"id": 1, "name": "Rex"}]"#)   // the example answers Pets here
            default: return MockServer.json(#"{"code": 404, "message": "no such pet"}"#, status: 404)
            }
        }
        defer { mock.stop() }
        // Swagger's host and basePath are the server the client offers.
        #expect(OAIPetstoreV2Client.Servers.server1()?.absoluteString == "http://petstore.swagger.io/v1")
        let client = OAIPetstoreV2Client(invokeURL: mock.url("/v1"))
        let pets = try await client.listPets(limit: 2)
        #expect(mock.last?.target == "/v1/pets?limit=2")
        #expect(pets.map(\.name) == ["Rex", "Tom"])
        #expect(pets.first?.tag == "dog" && pets.last?.tag == nil)
        // The declared x-next header, typed, from the method's WithHeaders twin.
        guard case .ok(let page, let headers) = try await client.listPetsWithHeaders(limit: 2) else { Issue.record("not .ok"); return }
        #expect(page == pets && headers.xNext == "/v1/pets?page=2")
        let rex = try await client.showPetById(petId: "1")
        #expect(mock.last?.target == "/v1/pets/1")
        #expect(rex.first?.id == 1)
        do {
            _ = try await client.showPetById(petId: "9")
            Issue.record("a 404 answer returned a pet")
        } catch {
            guard case .notFound = error else { Issue.record("expected .notFound, got \(error)"); return }
        }
    }
}

import CorpusOAIPetstoreSeparateV2

/// OAI's pet store split across five files (`spec/parameters.yaml`, `../common/Error.yaml`).
@Suite("Corpus: OAI's pet store split across files against a mock server")
struct PetstoreSeparateCalls {
    @Test("parameters from another file arrive typed and in their collection format")
    func findPets() async throws {
        let mock = try MockServer { _ in MockServer.json(#"[{"id": 7, "name": "Rex", "tag": "dog"}]"#) }
        defer { mock.stop() }
        let client = OAIPetstoreSeparateV2Client(invokeURL: mock.url("/api"))
        let pets = try await client.findPets(tags: ["dog", "cat"], limit: 5)
        // csv: one value, the items joined by commas (sent percent-encoded, which servers decode).
        #expect(mock.last?.target == "/api/pets?tags=dog%2Ccat&limit=5")
        #expect(pets.map(\.id) == [7])
    }
}
