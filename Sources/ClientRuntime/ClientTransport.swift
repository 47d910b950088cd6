import Foundation
import TextAndFiles

/// One request as a generated client builds it: the path below the stage, already encoded.
public struct ClientRequest: Sendable, Equatable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path below the stage, percent-encoded (`/items/3`).
    public var path: String
    /// Query parameters, in order, not yet encoded.
    public var query: [(name: String, value: String)]
    /// Header fields.
    public var headers: [(name: String, value: String)]
    /// The body (JSON), if any.
    public var body: [UInt8]?
    /// The caller reads the answer's body as it arrives (server-sent events): a transport that
    /// can stream gives the response as soon as its head arrives, with `bodyStream`; others
    /// may ignore it.
    public var streamsResponse = false
    /// A body sent from this file as it is read (instead of `body`): by a `FileUploadTransport`
    /// (`URLSessionTransport`) without holding the file in memory; `ClientCore` reads it whole
    /// for other transports.
    public var bodyFile: URL?

    /// A request.
    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The path and query as one request target (`/items?limit=2`).
    public var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { PathEncoding.encodeQueryComponent($0.name) + "=" + PathEncoding.encodeQueryComponent($0.value) }.joined(separator: "&")
    }

    /// Same method, path, query, headers and body.
    public static func == (lhs: ClientRequest, rhs: ClientRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body && lhs.bodyFile == rhs.bodyFile
            && lhs.query.map { [$0.name, $0.value] } == rhs.query.map { [$0.name, $0.value] }
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
    }
}

/// A response as a transport received it.
public struct ClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields, as received.
    public var headers: [(name: String, value: String)]
    /// The body bytes (empty while `bodyStream` delivers them).
    public var body: [UInt8]
    /// For a request that `streamsResponse`, from a transport that streams: the body's bytes
    /// as they arrive.
    public var bodyStream: AsyncThrowingStream<[UInt8], any Error>?

    /// A response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], bodyStream: AsyncThrowingStream<[UInt8], any Error>? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyStream = bodyStream
    }

    /// The response with its whole body in `body` (a streamed body read to its end).
    public func collected() async throws -> ClientResponse {
        guard let bodyStream else { return self }
        var whole = self
        whole.bodyStream = nil
        for try await chunk in bodyStream { whole.body += chunk }
        return whole
    }

    /// The first value of a header (names compared without case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// How a generated client reaches the API: over HTTP (`URLSessionTransport`), or in process.
public protocol ClientTransport: Sendable {
    /// Sends a request to `stagePath + request.path` and returns the answer. Throws only when
    /// no answer arrived (connection refused, timeout); HTTP error statuses are answers.
    func send(_ request: ClientRequest, stagePath: String, timeout: Double) async throws -> ClientResponse
}

/// A transport that sends `ClientRequest.bodyFile` from the file as it reads it.
public protocol FileUploadTransport: ClientTransport {}

/// The text of a parameter whose type is not a plain scalar (`AnyJSON`, an enum with
/// associated values, an array, a struct): its JSON, with a JSON string written without its
/// quotes — so `AnyJSON.string("dog")` is `dog`, `.number(3)` is `3`, `[1, 2]` is `[1,2]`.
public enum ParameterText {
    /// The text of `value`.
    public static func text(_ value: some Encodable) -> String {
        guard let data = try? WireJSON.encoder().encode(value) else { return String(describing: value) }
        if let string = try? JSONDecoder().decode(String.self, from: data) { return string }
        return String(decoding: data, as: UTF8.self)
    }

    /// An object as OpenAPI's `deepObject` style sends it: one query item per member,
    /// `name[member]=value` (`filter[state]=open`); a nested object's members as
    /// `name[member][inner]`, an array's elements as one item each under the same name; null
    /// members are left out. A value that is not an object is one item, its text.
    public static func deepObject(_ name: String, _ value: some Encodable) -> [(name: String, value: String)] {
        guard let data = try? WireJSON.encoder().encode(value), let tree = try? JSONDecoder().decode(DeepValue.self, from: data) else {
            return [(name: name, value: text(value))]
        }
        guard case .object = tree else { return [(name: name, value: text(value))] }
        var items: [(name: String, value: String)] = []
        tree.items(named: name, into: &items)
        return items
    }

    /// A JSON value that keeps integers apart from other numbers (`5`, not `5.0`).
    enum DeepValue: Decodable {
        case null, bool(Bool), integer(Int), number(Double), string(String), array([DeepValue]), object([(String, DeepValue)])

        init(from decoder: any Decoder) throws {
            if let container = try? decoder.container(keyedBy: MemberKey.self) {
                self = .object(try container.allKeys.sorted { $0.stringValue < $1.stringValue }.map { ($0.stringValue, try container.decode(DeepValue.self, forKey: $0)) })
                return
            }
            if var container = try? decoder.unkeyedContainer() {
                var elements: [DeepValue] = []
                while !container.isAtEnd { elements.append(try container.decode(DeepValue.self)) }
                self = .array(elements)
                return
            }
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let value = try? single.decode(Bool.self) { self = .bool(value) }
            else if let value = try? single.decode(Int.self) { self = .integer(value) }
            else if let value = try? single.decode(Double.self) { self = .number(value) }
            else { self = .string(try single.decode(String.self)) }
        }

        func items(named name: String, into items: inout [(name: String, value: String)]) {
            switch self {
            case .null: break
            case .bool(let value): items.append((name: name, value: String(value)))
            case .integer(let value): items.append((name: name, value: String(value)))
            case .number(let value): items.append((name: name, value: String(value)))
            case .string(let value): items.append((name: name, value: value))
            case .array(let elements): for element in elements { element.items(named: name, into: &items) }
            case .object(let members): for (key, member) in members { member.items(named: name + "[" + key + "]", into: &items) }
            }
        }
    }
}

extension ParameterText {
    /// A path parameter in OpenAPI's `label` style: `.value`; several values `.a,b`, or
    /// exploded `.a.b` (each value percent-encoded, the separators not).
    public static func label(_ values: [String], explode: Bool) -> String {
        "." + values.map(PathEncoding.encodeSegment).joined(separator: explode ? "." : ",")
    }

    /// A path parameter in OpenAPI's `matrix` style: `;name=value`; several values
    /// `;name=a,b`, or exploded `;name=a;name=b` (each value percent-encoded, the separators not).
    public static func matrix(_ name: String, _ values: [String], explode: Bool) -> String {
        let key = ";" + PathEncoding.encodeSegment(name)
        let encoded = values.map(PathEncoding.encodeSegment)
        if explode { return encoded.map { key + "=" + $0 }.joined() }
        return key + "=" + encoded.joined(separator: ",")
    }
}

/// Percent-encoding for path segments and query components.
public enum PathEncoding {
    /// A path parameter as one segment: everything but unreserved characters is encoded.
    public static func encodeSegment(_ value: some CustomStringConvertible) -> String {
        PercentEncoding.encode(value.description, keeping: .unreserved)
    }

    /// A query name or value (`application/x-www-form-urlencoded` rules, space as `%20`).
    public static func encodeQueryComponent(_ value: String) -> String {
        PercentEncoding.encode(value, keeping: .unreserved)
    }
}
