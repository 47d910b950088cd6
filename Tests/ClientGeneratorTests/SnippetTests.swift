import ClientGenerator
import JSONCore
import Testing

/// Renders the types of a tiny API whose `components/schemas` are `schemas`, without the header.
func types(_ schemas: String, files: [String: String] = [:], options: GeneratorOptions = GeneratorOptions()) throws -> String {
    var documents = [
        "API.json": try JSONParser().parse(#"{"openapi": "3.0.1", "info": {"title": "TestAPI"}, "paths": {}, "components": {"schemas": \#(schemas)}}"#)
    ]
    for (name, text) in files { documents[name] = try JSONParser().parse(text) }
    let files = try ClientGenerator.generate(documents: documents, apiFile: "API.json", options: options, command: "test")
    let text = files.first { $0.name == "Types.swift" }!.contents
    return String(text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(6).joined(separator: "\n"))
}

/// The client methods of a tiny API with `paths`.
func methods(_ paths: String, schemas: String = "{}") throws -> String {
    let document = try JSONParser().parse(
        #"{"openapi": "3.0.1", "info": {"title": "TestAPI"}, "paths": \#(paths), "components": {"securitySchemes": {"k": {"type": "apiKey", "name": "x-api-key", "in": "header"}}, "schemas": \#(schemas)}}"#)
    let files = try ClientGenerator.generate(documents: ["API.json": document], apiFile: "API.json", command: "test")
    let text = files.first { $0.name == "Client.swift" }!.contents
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let start = lines.firstIndex { $0.contains("responseValidator: responseValidator, middlewares: middlewares))") }! + 3
    return lines[start..<(lines.count - 2)].joined(separator: "\n")
}

@Suite("generator snippets: small schemas in, exact Swift out")
struct SnippetTests {
    @Test("required properties are plain, the rest optional; wire names are the coder's keys")
    func optionalAndRequired() throws {
        let text = try types(##"{"Item": {"type": "object", "required": ["ID"], "properties": {"ID": {"type": "integer"}, "unit-price": {"type": "number"}}}}"##)
        #expect(
            text == """
                public struct Item: Codable, Sendable, Hashable {
                    public var id: Int
                    public var unitPrice: Double?

                    /// A value with every property given.
                    public init(id: Int, unitPrice: Double? = nil) {
                        self.id = id
                        self.unitPrice = unitPrice
                    }

                    /// Decodes the members.
                    public init(from decoder: any Decoder) throws {
                        let container = try decoder.container(keyedBy: MemberKey.self)
                        self.id = try container.decode(Int.self, forKey: "ID")
                        self.unitPrice = try container.decodeIfPresent(Double.self, forKey: "unit-price")
                    }

                    /// Encodes the members.
                    public func encode(to encoder: any Encoder) throws {
                        var container = encoder.container(keyedBy: MemberKey.self)
                        try container.encode(self.id, forKey: "ID")
                        try container.encodeIfPresent(self.unitPrice, forKey: "unit-price")
                    }
                }

                """)
    }

    @Test("nested anonymous objects and string enums become nested types; Decimal on request")
    func nestedAndEnums() throws {
        let text = try types(
            ##"{"Box": {"type": "object", "properties": {"size": {"type": "object", "properties": {"w": {"type": "number"}}}, "colour": {"enum": ["dark-red", "blue"]}}}}"##,
            options: GeneratorOptions(numbersAsDecimal: true))
        #expect(
            text == """
                public struct Box: Codable, Sendable, Hashable {
                    public var size: Size?
                    public var colour: Colour?

                    /// A value with every property given.
                    public init(size: Size? = nil, colour: Colour? = nil) {
                        self.size = size
                        self.colour = colour
                    }

                    /// Decodes the members.
                    public init(from decoder: any Decoder) throws {
                        let container = try decoder.container(keyedBy: MemberKey.self)
                        self.size = try container.decodeIfPresent(Size.self, forKey: "size")
                        self.colour = try container.decodeIfPresent(Colour.self, forKey: "colour")
                    }

                    /// Encodes the members.
                    public func encode(to encoder: any Encoder) throws {
                        var container = encoder.container(keyedBy: MemberKey.self)
                        try container.encodeIfPresent(self.size, forKey: "size")
                        try container.encodeIfPresent(self.colour, forKey: "colour")
                    }

                    public struct Size: Codable, Sendable, Hashable {
                        public var w: Decimal?

                        /// A value with every property given.
                        public init(w: Decimal? = nil) {
                            self.w = w
                        }

                        /// Decodes the members.
                        public init(from decoder: any Decoder) throws {
                            let container = try decoder.container(keyedBy: MemberKey.self)
                            self.w = try container.decodeIfPresent(Decimal.self, forKey: "w")
                        }

                        /// Encodes the members.
                        public func encode(to encoder: any Encoder) throws {
                            var container = encoder.container(keyedBy: MemberKey.self)
                            try container.encodeIfPresent(self.w, forKey: "w")
                        }
                    }

                    public enum Colour: RawRepresentable, Codable, Sendable, Hashable, CaseIterable {
                        case darkRed
                        case blue
                        /// A value the definition does not list, kept as it came.
                        case undocumented(String)

                        /// The case for a value on the wire (`.undocumented` for one the definition does not list).
                        public init(rawValue: String) {
                            switch rawValue {
                            case "dark-red": self = .darkRed
                            case "blue": self = .blue
                            default: self = .undocumented(rawValue)
                            }
                        }

                        /// The value on the wire.
                        public var rawValue: String {
                            switch self {
                            case .darkRed: return "dark-red"
                            case .blue: return "blue"
                            case .undocumented(let value): return value
                            }
                        }

                        /// The values the definition lists.
                        public static var allCases: [Colour] { [.darkRed, .blue] }
                    }
                }

                """)
    }

    @Test("a string enum repeated in several models is declared once; the repeats are typealiases to the first")
    func sharedStringEnums() throws {
        let text = try types(
            ##"{"Order": {"type": "object", "properties": {"state": {"enum": ["open", "closed"]}, "kind": {"enum": ["a"]}}}, "State": {"enum": ["open", "closed"]}, "Ticket": {"type": "object", "properties": {"state": {"enum": ["open", "closed"]}, "kind": {"enum": ["a"]}, "mode": {"enum": ["closed", "open"]}}}}"##)
        // State (top-level, first of its values), Order.Kind (first of its), Ticket.Mode (other order).
        #expect(text.components(separatedBy: ": RawRepresentable, Codable").count - 1 == 3)
        #expect(text.contains("    public typealias State2 = State\n"))
        #expect(text.contains("    public typealias Kind = Order.Kind\n"))
        #expect(text.contains("    public enum Mode: RawRepresentable"))
    }

    @Test("keywords are back-quoted, self gets an underscore, digits a leading underscore")
    func reservedWords() throws {
        let text = try types(##"{"K": {"type": "object", "properties": {"class": {"type": "string"}, "self": {"type": "boolean"}, "3d": {"type": "boolean"}}}}"##)
        #expect(text.contains("    public var `class`: String?\n    public var self_: Bool?\n    public var _3d: Bool?\n"))
        #expect(text.contains("    public init(`class`: String? = nil, self_: Bool? = nil, _3d: Bool? = nil) {\n        self.`class` = `class`\n"))
        #expect(text.contains("        self.`class` = try container.decodeIfPresent(String.self, forKey: \"class\")\n        self.self_ = try container.decodeIfPresent(Bool.self, forKey: \"self\")\n"))
        #expect(text.contains("        try container.encodeIfPresent(self._3d, forKey: \"3d\")\n"))
    }

    @Test("$ref, arrays of refs (Items becomes [Item]), API Gateway model URLs and files resolve to named types")
    func references() throws {
        let text = try types(
            ##"{"Item": {"$ref": "Item.json"}, "Items": {"type": "array", "items": {"$ref": "https://apigateway.amazonaws.com/restapis/abc/models/Item"}}, "Cart": {"type": "object", "properties": {"items": {"$ref": "#/components/schemas/Items"}, "first": {"$ref": "Item.json"}}}}"##,
            files: ["Item.json": ##"{"type": "object", "properties": {"name": {"type": "string"}}}"##])
        #expect(text.contains("public typealias Items = [Item]"))
        #expect(text.contains("    public var items: Items?\n    public var first: Item?\n"))
        #expect(text.contains("public struct Item: Codable, Sendable, Hashable {\n    public var name: String?\n"))
    }

    @Test("allOf merges; additionalProperties alone is a dictionary; Error is renamed")
    func allOfAndDictionaries() throws {
        let text = try types(
            ##"{"Base": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}, "Both": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"b": {"type": "boolean"}}, "required": ["b"]}]}, "Tags": {"type": "object", "additionalProperties": {"type": "integer"}}, "Error": {"type": "object", "properties": {"message": {"type": "string"}}}}"##
        )
        #expect(text.contains("public struct Both: Codable, Sendable, Hashable {\n    public var a: String\n    public var b: Bool\n"))
        #expect(text.contains("public typealias Tags = [String: Int]"))
        #expect(text.contains("public struct ErrorModel: Codable, Sendable, Hashable {"))
    }

    @Test("oneOf: an enum with associated values when the alternatives can be told apart, AnyJSON otherwise")
    func alternatives() throws {
        let text = try types(
            ##"{"A": {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}, "Either": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "integer"}]}, "Vague": {"oneOf": [{"type": "integer"}, {"type": "number"}]}}"##
        )
        #expect(text.contains("public enum Either: Codable, Sendable, Hashable {\n    case a(A)\n    case int(Int)\n"))
        #expect(text.contains("        if let value = try? container.decode(A.self) {\n            self = .a(value)\n            return\n        }"))
        #expect(text.contains("public typealias Vague = AnyJSON"))
    }

    @Test("one method per operation: typed path, query and header parameters, key, body, result")
    func operation() throws {
        let text = try methods(
            ##"{"/things/{thing-id}": {"get": {"operationId": "getThing", "security": [{"k": []}], "parameters": [{"name": "thing-id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "expand", "in": "query", "required": true, "schema": {"type": "boolean"}}, {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}], "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}}}"##
        )
        #expect(
            text == """
                    /// `GET /things/{thing-id}` (sends the API key)
                    public func getThing(thingId: Int, expand: Bool, xTrace: String? = nil) async throws(ClientError) -> [String] {
                        var request = ClientRequest(method: "GET", path: "/things/" + PathEncoding.encodeSegment(thingId), query: [(name: "expand", value: String(describing: expand))])
                        if let xTrace { request.headers.append((name: "X-Trace", value: xTrace)) }
                        let response = try await core.send(request, requiresAPIKey: true)
                        return try core.decode([String].self, from: response, model: nil)
                    }
                """)
    }

    @Test("errors name the file and the JSON Pointer")
    func errors() throws {
        #expect {
            _ = try types(##"{"A": {"$ref": "#/components/schemas/Missing"}}"##)
        } throws: { error in
            "\(error)" == "API.json: #/components/schemas/A/$ref: #/components/schemas/Missing does not name a model (#/components/schemas/NAME)"
        }
        #expect {
            _ = try types(##"{"A": {"$ref": "Other.json"}}"##)
        } throws: { error in
            "\(error)".contains("Other.json is not among the loaded files")
        }
        #expect {
            _ = try methods(##"{"/a/{id}": {"get": {"responses": {}}}}"##)
        } throws: { error in
            "\(error)" == "API.json: #/paths/~1a~1{id}/get: path parameter {id} is not declared"
        }
    }
}
