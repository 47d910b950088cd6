import Foundation

/// The part of a generated client that is the same for every API: sending (with the API key),
/// mapping error statuses to `ClientError`, validating and decoding.
public struct ClientCore: Sendable {
    /// How requests travel.
    public let transport: any ClientTransport
    /// Stage, key, timeout, validation.
    public let configuration: ClientConfiguration

    /// A core.
    public init(transport: any ClientTransport, configuration: ClientConfiguration) {
        self.transport = transport
        self.configuration = configuration
    }

    /// A declared error status's model decoder (the generated client gives one per status).
    public typealias ErrorModelDecoder = @Sendable ([UInt8]) -> (any Sendable)?

    /// Decodes `body` as `type`, or nil.
    public static func errorModel<T: Decodable & Sendable>(_ type: T.Type) -> ErrorModelDecoder {
        { body in try? WireJSON.decoder().decode(type, from: Data(body)) }
    }

    /// Sends a request and returns a 2xx answer. An error status the definition declares
    /// throws `.declared` with the body decoded by its decoder: the status in `declaredErrors`,
    /// else its class in `errorClasses` (4 for `4XX`), else `defaultError` (`default`) — but
    /// 403, 404 and 429 keep their own cases unless declared exactly. Any other status throws
    /// its `ClientError`.
    public func send(
        _ request: ClientRequest, requiresAPIKey: Bool, declaredErrors: [Int: ErrorModelDecoder], errorClasses: [Int: ErrorModelDecoder] = [:],
        defaultError: ErrorModelDecoder? = nil
    ) async throws(ClientError) -> ClientResponse {
        do {
            return try await send(request, requiresAPIKey: requiresAPIKey)
        } catch {
            guard case .unexpectedStatus(let status, let body) = error else { throw error }
            let keepsItsCase = [403, 404, 429].contains(status)
            guard let decoder = declaredErrors[status] ?? (keepsItsCase ? nil : errorClasses[status / 100] ?? defaultError) else { throw error }
            throw .declared(DeclaredError(status: status, body: body, model: decoder(body.bytes)))
        }
    }

    /// Sends a request and returns a 2xx answer; any other status throws its `ClientError`.
    public func send(_ request: ClientRequest, requiresAPIKey: Bool) async throws(ClientError) -> ClientResponse {
        var request = request
        if requiresAPIKey, let key = configuration.apiKey { request.headers.append((name: "x-api-key", value: key)) }
        if request.body != nil || request.bodyFile != nil, !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            request.headers.append((name: "Content-Type", value: "application/json"))
        }
        let response: ClientResponse
        do {
            let transport = self.transport
            let stagePath = configuration.stagePath
            let timeout = configuration.timeoutSeconds
            var next: @Sendable (ClientRequest) async throws -> ClientResponse = { request in
                var request = request
                // A transport that cannot send a file as it reads it gets the bytes.
                if let file = request.bodyFile, !(transport is any FileUploadTransport) {
                    request.body = Array(try Data(contentsOf: file))
                    request.bodyFile = nil
                }
                return try await transport.send(request, stagePath: stagePath, timeout: timeout)
            }
            for middleware in configuration.middlewares.reversed() {
                let inner = next
                next = { request in try await middleware.intercept(request, next: inner) }
            }
            response = try await next(request)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientCore.failure(error)
        }
        guard (200..<300).contains(response.status) else {
            // A streamed error answer is read whole, for its message.
            guard response.bodyStream != nil else { throw ClientError.from(response) }
            do {
                throw ClientError.from(try await response.collected())
            } catch let error as ClientError {
                throw error
            } catch {
                throw ClientCore.failure(error)
            }
        }
        return response
    }

    /// A thrown error as a `ClientError`: cancellation is `.cancelled`, anything else a
    /// transport failure keeping the error.
    static func failure(_ error: any Error) -> ClientError {
        if error is CancellationError { return .cancelled }
        if let url = error as? URLError, url.code == .cancelled { return .cancelled }
        return .transport(TransportFailure(error))
    }

    /// Decodes a 2xx body as `model`, validating it first when a validator is configured.
    public func decode<T: Decodable>(_ type: T.Type, from response: ClientResponse, model: String?) throws(ClientError) -> T {
        if let validator = configuration.responseValidator, let model {
            let problems = validator.problems(in: response.body, model: model)
            if !problems.isEmpty { throw .invalidResponse(model: model, problems: problems) }
        }
        do {
            return try WireJSON.decoder().decode(type, from: Data(response.body))
        } catch {
            throw .decoding(String(describing: error))
        }
    }

    /// Encodes a request body as `application/x-www-form-urlencoded`: each member of the value's
    /// JSON object a `name=value` pair (strings as they are, other values as JSON text, an
    /// array's elements each a pair of their own; null members left out).
    public func encodeForm<T: Encodable>(_ value: T) throws(ClientError) -> [UInt8] {
        var pairs: [String] = []
        for (name, element) in try ClientCore.members(of: value, encoder: WireJSON.encoder()) {
            pairs.append(PathEncoding.encodeQueryComponent(name) + "=" + PathEncoding.encodeQueryComponent(ParameterText.text(element)))
        }
        return Array(pairs.joined(separator: "&").utf8)
    }

    /// A body's members as form fields and multipart parts take them: in name order, an array's
    /// elements each a member of its own, nulls left out.
    static func members<T: Encodable>(of value: T, encoder: JSONEncoder) throws(ClientError) -> [(name: String, value: AnyJSON)] {
        let object: [String: AnyJSON]
        do {
            object = try WireJSON.decoder().decode([String: AnyJSON].self, from: encoder.encode(value))
        } catch {
            throw .decoding("the request body is not an object of members: \(error)")
        }
        var members: [(name: String, value: AnyJSON)] = []
        for name in object.keys.sorted() {
            switch object[name]! {
            case .null: continue
            case .array(let elements): members += elements.filter { $0 != .null }.map { (name, $0) }
            case let other: members.append((name, other))
            }
        }
        return members
    }

    /// Encodes a request body as JSON.
    public func encode<T: Encodable>(_ value: T) throws(ClientError) -> [UInt8] {
        do {
            return Array(try WireJSON.encoder().encode(value))
        } catch {
            throw .decoding("the request body does not encode: \(error)")
        }
    }
}

/// Any JSON value, for schemas a Swift type cannot express (no type, mixed types, or
/// alternatives that cannot be told apart).
public enum AnyJSON: Codable, Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([AnyJSON])
    /// An object.
    case object([String: AnyJSON])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    /// Encodes the value as it is.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
