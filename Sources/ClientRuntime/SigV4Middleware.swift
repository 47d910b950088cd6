import AWSSignature
import Foundation
import TextAndFiles

/// Signs every request with AWS Signature Version 4, as the AWS SDKs sign a call to an API
/// Gateway method whose authorization is `AWS_IAM` (`x-amazon-apigateway-authtype: awsSigv4`):
/// `X-Amz-Date`, `X-Amz-Security-Token` for temporary credentials, and `Authorization` over
/// the host, the full path and query, the `x-amz-*` headers, `Content-Type` and the body.
///
/// The signature covers the URL the request goes to, so the middleware is given the base URL
/// the client was built on (the invoke URL with its stage: `https://…/prod`). Put it last in
/// `middlewares:` so that it signs the request as the other middlewares left it (and each
/// retry afresh).
public struct SigV4Middleware: ClientMiddleware {
    /// An access key, its secret and, for temporary credentials, the session token.
    public struct Credentials: Sendable, Equatable {
        /// `AKIA…` or `ASIA…`.
        public var accessKeyId: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The session token of temporary credentials (sent as `X-Amz-Security-Token`).
        public var sessionToken: String?

        /// Credentials.
        public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    let baseURL: URL
    let region: String
    let service: String
    let credentials: @Sendable () async throws -> Credentials
    let now: @Sendable () -> Date

    /// Signs for `region` and `service` (`execute-api` for API Gateway), the credentials asked
    /// for on each request (so that temporary ones can be refreshed). `now` is the clock (a
    /// test can fix it).
    public init(
        baseURL: URL, region: String, service: String = "execute-api", credentials: @escaping @Sendable () async throws -> Credentials,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = baseURL
        self.region = region
        self.service = service
        self.credentials = credentials
        self.now = now
    }

    /// Signs with fixed credentials.
    public init(baseURL: URL, region: String, service: String = "execute-api", credentials: Credentials) {
        self.init(baseURL: baseURL, region: region, service: service, credentials: { credentials })
    }

    /// The hex SHA-256 of a file's bytes, read a mebibyte at a time.
    static func hash(of file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var digest = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { digest.update(Array(chunk)) }
        return Hex.encode(digest.finalize())
    }

    /// `20150830T123600Z`: the signing time, in UTC.
    static func amzDate(_ date: Date) -> String { UTCCalendar.amzDate(date.timeIntervalSince1970) }

    public func intercept(_ request: ClientRequest, next: @Sendable (ClientRequest) async throws -> ClientResponse) async throws -> ClientResponse {
        let credentials = try await self.credentials()
        var request = request
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        request.headers.removeAll { replaced.contains($0.name.lowercased()) }
        let amzDate = SigV4Middleware.amzDate(now())
        request.headers.append((name: "X-Amz-Date", value: amzDate))
        if let token = credentials.sessionToken { request.headers.append((name: "X-Amz-Security-Token", value: token)) }
        var host = baseURL.host ?? ""
        if let port = baseURL.port { host += ":\(port)" }
        var prefix = baseURL.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        let headers = request.headers.map { ($0.name, $0.value) } + [("host", host)]
        var signable = SigV4.Request(method: request.method, target: prefix + request.target, headers: headers, body: request.body ?? [])
        if let file = request.bodyFile, !headers.contains(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            signable.payloadHash = try SigV4Middleware.hash(of: file)
        }
        let authorization = SigV4.authorize(
            signable, accessKeyId: credentials.accessKeyId, secret: credentials.secretAccessKey, region: region, service: service, amzDate: amzDate)
        request.headers.append((name: "Authorization", value: authorization))
        return try await next(request)
    }
}
