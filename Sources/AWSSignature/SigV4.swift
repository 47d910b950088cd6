import TextAndFiles
/// AWS Signature Version 4 for requests, as the AWS SDKs, the aws CLI and boto3 sign them:
/// parse the `Authorization` header, compute a signature, and verify one.
public enum SigV4 {
    /// The algorithm name in the header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// What `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` says.
    public struct Authorization: Sendable, Equatable {
        /// The access key id.
        public var accessKeyId: String
        /// `20150830`.
        public var date: String
        /// `us-east-1`.
        public var region: String
        /// `lambda`, `apigateway`, `execute-api`…
        public var service: String
        /// Lower-case header names, in the order given (sorted by the signer).
        public var signedHeaders: [String]
        /// Lower-case hex.
        public var signature: String

        /// `20150830/us-east-1/lambda/aws4_request`.
        public var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

        /// Parses the header value; nil when it is not a SigV4 authorization.
        public init?(header: String) {
            guard header.hasPrefix(SigV4.algorithm + " ") else { return nil }
            var credential: String?, signed: String?, signature: String?
            for part in header.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
                let trimmed = part.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { return nil }
                let value = String(trimmed[trimmed.index(after: equals)...])
                switch trimmed[..<equals] {
                case "Credential": credential = value
                case "SignedHeaders": signed = value
                case "Signature": signature = value
                default: return nil
                }
            }
            guard let credential, let signed, let signature else { return nil }
            let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty, scope[1].count == 8, scope[1].allSatisfy(\.isNumber),
                !scope[2].isEmpty, !scope[3].isEmpty
            else { return nil }
            let headers = signed.split(separator: ";").map { $0.lowercased() }
            guard !headers.isEmpty, signature.count == 64, signature.allSatisfy({ $0.isHexDigit }) else { return nil }
            self.init(
                accessKeyId: scope[0], date: scope[1], region: scope[2], service: scope[3], signedHeaders: headers,
                signature: signature.lowercased())
        }

        /// An authorization.
        public init(accessKeyId: String, date: String, region: String, service: String, signedHeaders: [String], signature: String) {
            self.accessKeyId = accessKeyId
            self.date = date
            self.region = region
            self.service = service
            self.signedHeaders = signedHeaders
            self.signature = signature
        }

        /// The header value.
        public var header: String {
            "\(SigV4.algorithm) Credential=\(accessKeyId)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        }
    }

    /// The parts of a request a signature covers.
    public struct Request: Sendable {
        /// `GET`.
        public var method: String
        /// The path as sent (percent-encoded once), without the query.
        public var path: String
        /// The query string as sent (after `?`), or empty.
        public var query: String
        /// Header fields as sent (names in any case; repeated names allowed).
        public var headers: [(String, String)]
        /// The hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
        public var payloadHash: String

        /// A request.
        public init(method: String, path: String, query: String, headers: [(String, String)], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }

        /// A request whose body is `body` (hashed here, unless `x-amz-content-sha256` names the hash).
        public init(method: String, target: String, headers: [(String, String)], body: [UInt8]) {
            let (path, query) = SigV4.split(target)
            let declared = headers.first { $0.0.lowercased() == "x-amz-content-sha256" }?.1
            self.init(method: method, path: path, query: query, headers: headers, payloadHash: declared ?? Hex.encode(SHA256.hash(body)))
        }
    }

    /// `/a/b?x=1` → (`/a/b`, `x=1`).
    public static func split(_ target: String) -> (String, String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    // MARK: - Canonical forms

    /// The canonical request (the signing algorithm's first step). Paths are normalised and
    /// encoded once more (as every service but S3 does); query pairs sorted.
    public static func canonicalRequest(_ request: Request, signedHeaders: [String]) -> String {
        let headerLines = signedHeaders.sorted().map { name -> String in
            let values = request.headers.filter { $0.0.lowercased() == name }.map { trimmed($0.1) }
            return name + ":" + values.joined(separator: ",") + "\n"
        }.joined()
        return [
            request.method, canonicalPath(request.path), canonicalQuery(request.query), headerLines, signedHeaders.sorted().joined(separator: ";"),
            request.payloadHash,
        ].joined(separator: "\n")
    }

    static func canonicalPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var normalised = "/" + segments.joined(separator: "/")
        if normalised.count > 1 && path.hasSuffix("/") && !normalised.hasSuffix("/") { normalised += "/" }
        if path.isEmpty { normalised = "/" }
        return encode(normalised, keepingSlash: true)
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = encode(decode(String(parts[0])), keepingSlash: false)
            let value = parts.count > 1 ? encode(decode(String(parts[1])), keepingSlash: false) : ""
            pairs.append((key, value))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// Header values: leading and trailing space removed, runs of spaces made one.
    static func trimmed(_ value: String) -> String {
        var result = ""
        var space = false
        for character in value.trimmingSpacesAndTabs() {
            if character == " " || character == "\t" {
                space = true
            } else {
                if space && !result.isEmpty { result.append(" ") }
                space = false
                result.append(character)
            }
        }
        return result
    }

    /// RFC 3986 encoding: unreserved characters kept, everything else as `%XX` (upper case).
    public static func encode(_ text: String, keepingSlash: Bool) -> String {
        PercentEncoding.encode(text, keeping: keepingSlash ? .unreservedAndSlash : .unreserved)
    }

    /// `%XX` decoded (and `+` kept: SigV4 query encoding never uses it for space).
    public static func decode(_ text: String) -> String {
        PercentEncoding.decodeLeniently(text, plusIsSpace: false)
    }

    // MARK: - Signing

    /// `AWS4-HMAC-SHA256\n<date>\n<scope>\n<hash of the canonical request>`.
    public static func stringToSign(canonicalRequest: String, amzDate: String, scope: String) -> String {
        [algorithm, amzDate, scope, Hex.encode(SHA256.hash(canonicalRequest))].joined(separator: "\n")
    }

    /// The signing key for a date, region and service.
    public static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        var key = HMACSHA256.authenticationCode(key: Array(("AWS4" + secret).utf8), message: Array(date.utf8))
        for part in [region, service, "aws4_request"] { key = HMACSHA256.authenticationCode(key: key, message: Array(part.utf8)) }
        return key
    }

    /// The hex signature of `request` by `secret` for the given scope.
    public static func signature(
        _ request: Request, signedHeaders: [String], amzDate: String, secret: String, region: String, service: String
    ) -> String {
        let date = String(amzDate.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let text = stringToSign(canonicalRequest: canonicalRequest(request, signedHeaders: signedHeaders), amzDate: amzDate, scope: scope)
        return Hex.encode(HMACSHA256.authenticationCode(key: signingKey(secret: secret, date: date, region: region, service: service), message: Array(text.utf8)))
    }

    /// Signs a request as an SDK would: adds `X-Amz-Date`, `x-amz-content-sha256` left as is,
    /// and returns the `Authorization` header value over `host`, `x-amz-date` and every
    /// `x-amz-*` header present.
    public static func authorize(
        _ request: Request, accessKeyId: String, secret: String, region: String, service: String, amzDate: String
    ) -> String {
        var names = Set(["host", "x-amz-date"])
        for (name, _) in request.headers where name.lowercased().hasPrefix("x-amz-") || name.lowercased() == "content-type" { names.insert(name.lowercased()) }
        let signed = names.sorted()
        let value = signature(request, signedHeaders: signed, amzDate: amzDate, secret: secret, region: region, service: service)
        return Authorization(accessKeyId: accessKeyId, date: String(amzDate.prefix(8)), region: region, service: service, signedHeaders: signed, signature: value).header
    }

    /// Whether `authorization` is a valid signature of `request` by `secret` (the signature
    /// compared in constant time).
    public static func verify(_ request: Request, authorization: Authorization, secret: String) -> Bool {
        guard let amzDate = request.headers.first(where: { $0.0.lowercased() == "x-amz-date" })?.1, amzDate.hasPrefix(authorization.date) else {
            return false
        }
        let expected = signature(
            request, signedHeaders: authorization.signedHeaders, amzDate: amzDate, secret: secret, region: authorization.region,
            service: authorization.service)
        let a = Array(expected.utf8), b = Array(authorization.signature.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}


extension SigV4 {
    /// An access key and its secret: what a local endpoint checks signatures against.
    public struct Credentials: Sendable, Equatable {
        /// The access key id.
        public var accessKeyId: String
        /// The secret access key.
        public var secretAccessKey: String

        /// Credentials.
        public init(accessKeyId: String, secretAccessKey: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
        }
    }

    /// Why a signed request is refused (what AWS services answer for each).
    public enum Problem: Sendable, Equatable {
        /// The access key id is not the one credentials hold (403 UnrecognizedClientException,
        /// "The security token included in the request is invalid.").
        case unknownAccessKey
        /// No `X-Amz-Date` (400/403 IncompleteSignatureException).
        case missingDate
        /// Signed more than `clockSkew` from now: the date sent, the earliest accepted and now,
        /// as `X-Amz-Date` texts.
        case expired(signed: String, earliest: String, now: String)
        /// The signature does not match (403 InvalidSignatureException).
        case mismatch
    }

    /// How far a signature's date may be from now: 15 minutes, as AWS allows.
    public static let clockSkew: Double = 15 * 60

    /// Checks a signed request against the one pair of credentials a local endpoint holds: the
    /// access key, the date (within `clockSkew` of `now`, seconds since 1970) and the signature.
    public static func check(
        _ request: Request, authorization: Authorization, accessKeyId: String, secret: String, now: Double
    ) -> Problem? {
        guard authorization.accessKeyId == accessKeyId else { return .unknownAccessKey }
        guard let date = request.headers.first(where: { $0.0.lowercased() == "x-amz-date" })?.1, let signed = seconds(amzDate: date) else {
            return .missingDate
        }
        if abs(now - signed) > clockSkew {
            return .expired(signed: date, earliest: UTCCalendar.amzDate(now - clockSkew), now: UTCCalendar.amzDate(now))
        }
        return verify(request, authorization: authorization, secret: secret) ? nil : .mismatch
    }

    /// `20150830T123600Z` → seconds since 1970; nil when it is not that shape.
    public static func seconds(amzDate text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11), let minute = number(11..<13),
            let second = number(13..<15), let days = UTCCalendar.day("\(year)-\(UTCCalendar.two(month))-\(UTCCalendar.two(day))")
        else { return nil }
        return Double(days * 86400 + hour * 3600 + minute * 60 + second)
    }
}
