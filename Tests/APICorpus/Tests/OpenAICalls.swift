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

    @Test("createFile uploads multipart/form-data: the file part with its name and type, the purpose as text, an object as JSON")
    func fileUpload() async throws {
        let stored = #"{"id": "file-1", "object": "file", "bytes": 26, "created_at": 1741569952, "filename": "train.jsonl", "purpose": "fine-tune", "status": "processed"}"#
        let mock = try MockServer { _ in MockServer.json(stored) }
        defer { mock.stop() }
        let client = OpenAIClient(invokeURL: mock.url("/v1"))
        let lines = Data(#"{"prompt": "a", "x": 1}"#.utf8 + [0x0A])
        let file = try await client.createFile(
            body: CreateFileRequest(
                file: FileContent(lines, filename: "train.jsonl", contentType: "application/jsonl"), purpose: .fineTune,
                expiresAfter: FileExpirationAfter(anchor: .createdAt, seconds: 3600)))
        #expect(file.id == "file-1" && file.purpose == .fineTune)
        let sent = try #require(mock.last)
        #expect(sent.method == "POST" && sent.target == "/v1/files")
        let contentType = try #require(sent.headers["Content-Type"])
        let boundary = try #require(contentType.components(separatedBy: "boundary=").last)
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        let parts = OpenAICalls.parts(sent.body, boundary: boundary)
        #expect(parts.map(\.head) == [
            #"Content-Disposition: form-data; name="expires_after"\#r\#nContent-Type: application/json"#,
            #"Content-Disposition: form-data; name="file"; filename="train.jsonl"\#r\#nContent-Type: application/jsonl"#,
            #"Content-Disposition: form-data; name="purpose""#,
        ])
        #expect(parts.map(\.body) == [Array(#"{"anchor":"created_at","seconds":3600}"#.utf8), Array(lines), Array("fine-tune".utf8)])
    }

    @Test("createChatCompletionEvents asks for text/event-stream and yields each chunk, typed, up to [DONE]")
    func streamedCompletion() async throws {
        let chunk = { (text: String) in
            #"{"id": "c1", "object": "chat.completion.chunk", "created": 1741569952, "model": "gpt-4.1", "choices": [{"index": 0, "delta": {"content": "\#(text)"}, "finish_reason": null}]}"#
        }
        let stream = "data: \(chunk("Hel"))\n\ndata: \(chunk("lo"))\n\ndata: [DONE]\n\n"
        let mock = try MockServer { _ in
            var headers = HTTPHeaders()
            headers.add("Content-Type", "text/event-stream")
            return HTTPResponse(status: 200, headers: headers, body: Array(stream.utf8))
        }
        defer { mock.stop() }
        let client = OpenAIClient(invokeURL: mock.url("/v1"))
        var request = CreateChatCompletionRequest(messages: [.chatCompletionRequestUserMessage(ChatCompletionRequestUserMessage(content: .string("Hi"), role: .user))], model: .gpt41)
        request.stream = true
        var text = ""
        for try await event in try await client.createChatCompletionEvents(body: request) {
            if event.data == "[DONE]" { break }
            let part = try event.decode(CreateChatCompletionStreamResponse.self)
            text += part.choices.first?.delta.content ?? ""
        }
        #expect(text == "Hello")
        #expect(mock.last?.headers["Accept"] == "text/event-stream")
    }

    /// The parts of a multipart body: each one's header lines and bytes (RFC 2046's framing).
    static func parts(_ body: [UInt8], boundary: String) -> [(head: String, body: [UInt8])] {
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while index + delimiter.count <= body.count {
            if Array(body[index..<index + delimiter.count]) == delimiter { starts.append(index) }
            index += 1
        }
        var result: [(head: String, body: [UInt8])] = []
        for (start, end) in zip(starts, starts.dropFirst()) {
            let part = Array(body[(start + delimiter.count + 2)..<(end - 2)])
            guard let split = (0..<max(0, part.count - 3)).first(where: { part[$0..<$0 + 4] == [13, 10, 13, 10] }) else { continue }
            result.append((String(decoding: part[..<split], as: UTF8.self), Array(part[(split + 4)...])))
        }
        return result
    }
}
