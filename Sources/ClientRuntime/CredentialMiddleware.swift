import Foundation

/// Adds the credential a security scheme asks for to every request: an API key in a header,
/// the query or a cookie; an HTTP bearer token (OAuth2 and OpenID Connect tokens too), asked
/// for on each request so that it can be refreshed; HTTP basic credentials. A generated
/// client offers one per scheme of its definition, by the scheme's name (`Client.Security`).
public struct CredentialMiddleware: ClientMiddleware {
    /// Where an API key travels.
    public enum Placement: Sendable, Equatable {
        /// A request header of this name.
        case header(String)
        /// A query parameter of this name.
        case query(String)
        /// A cookie of this name.
        case cookie(String)
    }

    let placement: Placement
    let value: @Sendable () async throws -> String

    /// `value` at `placement` on every request, asked for each time.
    public init(_ placement: Placement, value: @escaping @Sendable () async throws -> String) {
        self.placement = placement
        self.value = value
    }

    /// An API key.
    public static func apiKey(_ key: String, in placement: Placement) -> CredentialMiddleware {
        CredentialMiddleware(placement) { key }
    }

    /// `Authorization: Bearer <token>`, the token asked for on each request.
    public static func bearer(token: @escaping @Sendable () async throws -> String) -> CredentialMiddleware {
        CredentialMiddleware(.header("Authorization")) { "Bearer " + (try await token()) }
    }

    /// `Authorization: Basic <base64(user:password)>`.
    public static func basic(user: String, password: String) -> CredentialMiddleware {
        let encoded = Data((user + ":" + password).utf8).base64EncodedString()
        return CredentialMiddleware(.header("Authorization")) { "Basic " + encoded }
    }

    public func intercept(_ request: ClientRequest, next: @Sendable (ClientRequest) async throws -> ClientResponse) async throws -> ClientResponse {
        var request = request
        let text = try await value()
        switch placement {
        case .header(let name):
            request.headers.removeAll { $0.name.lowercased() == name.lowercased() }
            request.headers.append((name: name, value: text))
        case .query(let name):
            request.query.append((name: name, value: text))
        case .cookie(let name):
            let pair = name + "=" + PathEncoding.encodeQueryComponent(text)
            if let index = request.headers.firstIndex(where: { $0.name.lowercased() == "cookie" }) {
                request.headers[index].value += "; " + pair
            } else {
                request.headers.append((name: "Cookie", value: pair))
            }
        }
        return try await next(request)
    }
}
