import CorpusNetlify
import Foundation
import HTTPCore
import Testing

/// Netlify's API (Swagger 2.0, YAML, 174 operations).
@Suite("Corpus: Netlify's API against a mock server")
struct NetlifyCalls {
    @Test("listSites sends its enum and integer query parameters under the base path; createSite sends its body")
    func sites() async throws {
        let mock = try MockServer { request in
            request.method == "GET"
                ? MockServer.json(#"[{"id": "s1", "name": "docs", "url": "https://docs.example"}]"#)
                : MockServer.json(#"{"id": "s2", "name": "new-site"}"#, status: 201)
        }
        defer { mock.stop() }
        #expect(NetlifyClient.Servers.server1()?.absoluteString == "https://api.netlify.com/api/v1")
        let client = NetlifyClient(invokeURL: mock.url("/api/v1"))
        let sites = try await client.listSites(filter: .all, page: 2, perPage: 50)
        let target = try #require(mock.last?.target)
        #expect(target.hasPrefix("/api/v1/sites?"))
        #expect(Set(target.split(separator: "?")[1].split(separator: "&")) == ["filter=all", "page=2", "per_page=50"])
        #expect(sites.map(\.name) == ["docs"])
        let site = try await client.createSite(body: SiteSetup(name: "new-site"))
        let sent = try #require(mock.last)
        #expect(sent.method == "POST" && sent.target == "/api/v1/sites")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
        #expect(body.keys.sorted() == ["name"] && body["name"] as? String == "new-site")
        #expect(site.id == "s2")
    }
}
