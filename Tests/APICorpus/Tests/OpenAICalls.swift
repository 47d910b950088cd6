import CorpusOpenAI
import Foundation
import HTTPCore
import Testing

/// OpenAI's API (OpenAPI 3.0, YAML, 2.9 MB, 288 operations): a chat completion, whose messages
/// are a discriminated union.
@Suite("Corpus: OpenAI's API against a mock server")
struct OpenAICalls {
    static let completion = #"""
        {"id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "gpt-4.1",
         "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                      "message": {"role": "assistant", "content": "Hello! How can I help?", "refusal": null, "annotations": []}}],
         "usage": {"prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29}}
        """#

    @Test("createChatCompletion sends the messages as JSON and decodes the completion")
    func chatCompletion() async throws {
        let mock = try MockServer { _ in MockServer.json(OpenAICalls.completion) }
        defer { mock.stop() }
        let client = OpenAIClient(invokeURL: mock.url("/v1"))
        let request = CreateChatCompletionRequest(
            messages: [
                .chatCompletionRequestSystemMessage(ChatCompletionRequestSystemMessage(content: .string("Be brief."), role: .system)),
                .chatCompletionRequestUserMessage(ChatCompletionRequestUserMessage(content: .string("Hello"), role: .user)),
            ],
            model: .gpt41)
        let completion = try await client.createChatCompletion(body: request)
        let sent = try #require(mock.last)
        #expect(sent.method == "POST" && sent.target == "/v1/chat/completions")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
        #expect(body["model"] as? String == "gpt-4.1")
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        #expect(messages.map { $0["content"] as? String } == ["Be brief.", "Hello"])
        #expect(completion.choices.first?.message.content == "Hello! How can I help?")
        #expect(completion.usage?.totalTokens == 29)
    }

    @Test("a message decodes by the role it carries (the discriminator has no mapping: each alternative's one role value names it)")
    func messageByRole() throws {
        let decoder = JSONDecoder()
        let user = try decoder.decode(ChatCompletionRequestMessage.self, from: Data(#"{"role": "user", "content": "Hi"}"#.utf8))
        guard case .chatCompletionRequestUserMessage(let message) = user else { Issue.record("decoded \(user)"); return }
        #expect(message.content == .string("Hi"))
        let tool = try decoder.decode(ChatCompletionRequestMessage.self, from: Data(#"{"role": "tool", "content": "42", "tool_call_id": "call_1"}"#.utf8))
        guard case .chatCompletionRequestToolMessage = tool else { Issue.record("decoded \(tool)"); return }
        #expect(throws: DecodingError.self) { try decoder.decode(ChatCompletionRequestMessage.self, from: Data(#"{"role": "robot", "content": "x"}"#.utf8)) }
    }
}
