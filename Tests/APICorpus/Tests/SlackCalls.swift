import CorpusSlack
import Foundation
import HTTPCore
import Testing

/// Slack's Web API (Swagger 2.0, 174 operations): a form-encoded method with its arguments.
@Suite("Corpus: Slack's Web API against a mock server")
struct SlackCalls {
    @Test("chat.postMessage sends its channel and text as a form, with the token header, and decodes the answer")
    func postMessage() async throws {
        let mock = try MockServer { _ in
            MockServer.json(#"{"ok": true, "channel": "C024BE91L", "ts": "1503435956.000247", "message": {"type": "message", "text": "Hello & welcome", "ts": "1503435956.000247"}}"#)
        }
        defer { mock.stop() }
        let client = SlackClient(invokeURL: mock.url("/api"))
        let answer = try await client.chatPostMessage(token: "xoxb-1", body: ChatPostMessageBody(channel: "C024BE91L", text: "Hello & welcome"))
        let request = try #require(mock.last)
        #expect(request.method == "POST")
        #expect(request.target == "/api/chat.postMessage")
        #expect(request.headers["token"] == "xoxb-1")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        let fields = Set(String(decoding: request.body, as: UTF8.self).split(separator: "&").map(String.init))
        #expect(fields == ["channel=C024BE91L", "text=Hello%20%26%20welcome"])
        #expect(answer.ok && answer.channel == "C024BE91L" && answer.message.text == "Hello & welcome")
    }

    @Test("a query method: conversations.list with its optional arguments")
    func conversationsList() async throws {
        let mock = try MockServer { _ in MockServer.json(#"{"ok": true, "channels": []}"#) }
        defer { mock.stop() }
        let client = SlackClient(invokeURL: mock.url("/api"))
        let answer = try await client.conversationsList(token: "xoxb-1", excludeArchived: true, limit: 20)
        let target = try #require(mock.last?.target)
        #expect(target.hasPrefix("/api/conversations.list?"))
        #expect(target.contains("exclude_archived=true") && target.contains("limit=20"))
        #expect(answer.ok)
    }
}
