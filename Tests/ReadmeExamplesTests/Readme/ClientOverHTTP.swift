import Foundation
import ItemsClient

/// The lab's walkthrough through the generated client, over HTTP.
func walkThroughTheLab(invokeURL: URL, apiKey: String) async throws -> (items: Items, missing: String?) {
    let client = ItemsClient(invokeURL: invokeURL, apiKey: apiKey)   // invokeURL: http://127.0.0.1:8080/prod
    let items = try await client.listItems()                         // the four items
    do {
        _ = try await client.getItem(id: 5)
        return (items, nil)
    } catch {
        // `error` is a ClientError (typed throws): switch over it, or match one case.
        guard case .notFound(let body) = error else { throw error }
        return (items, body.message)                                 // "NotFoundError"
    }
}
