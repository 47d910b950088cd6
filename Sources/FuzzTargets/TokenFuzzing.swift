import JSONWebTokens
import TextAndFiles

/// JSON Web Tokens as the Cognito authorizer reads them: a token is read or refused, the same
/// twice, within its length limit; its parts decode to what the text carries; and no token
/// verifies against the seed key (whose private half is not here) unless it is the seed token
/// itself — same signed text, same signature bytes. `alg` other than RS256 never verifies.
enum TokenFuzzing {
    /// A 2048-bit public key; the seed corpus's `signed` token is the one token it verifies.
    static let key = RSAPublicKey(modulus: Base64.decodeURL(
        "mXpxnY37WicYI1h9yJmAjnJFg-ofYmxJeljAblRNmy9JevFdMGOkJu197i93DLFdKPJIBizsHoGQpCKGoCa2kIMCrGn6OMvWUwklKmGF-kdsQm21Gln5V2KwkrDRhiIG8KgEUFuUX075lJv6THythyJn5JEagF7igflBSWFMlFCCPzQax1gtByk7qIrgwft3BjjCSaBmmEGB-3F7sl8HeIQt6P6wNwbqqSrIp7soVa-GhsQcUGbhyPuPHO6batJwcauHHV4o-85uoBkILnjyImodNbmueFDwEydlQwxM2Eq_2AMIdHrgoDcasvY3O3jAJ9P9A-GzVCO4A8BV8ZNV5w")!, exponent: [0x01, 0x00, 0x01])!
    /// The one token `key` verifies (made with PyJWT when the target was written).
    static let signed = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNlZWQiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhYWFhYWFhYS1iYmJiLWNjY2MtZGRkZC1lZWVlZWVlZWVlZWUiLCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLnVzLWVhc3QtMS5hbWF6b25hd3MuY29tL3VzLWVhc3QtMV9GdXp6MSIsInRva2VuX3VzZSI6ImlkIiwiYXVkIjoiZnV6emNsaWVudCIsImNvZ25pdG86dXNlcm5hbWUiOiJmdXp6IiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3NjQwMjg4MDB9.IxZjIGHC8Ytucxh4Zp-Q5kRww1urR01aXqp9GC3MGO_8pwE0UWdjqbsCa8HPbJqQ_DhupSkiUJ5-mtiQ-N2LxdI1t0KRihV4LtNbg51tw2_x0onpskQH-XaQRahZ1E-UVy8qpTzY-xZpO3IpoeX9dcMftHp0GLxk2c9WkToRw6GB4McQzbHszmvFyeHG_t6Pyq0Ky-eqbVkFhv-zYFbmrD1wjlQUHj_VNf24-1jz7suDzrh94khy-LPIy2XLJO5XHibLb8he9EZbO6YmGJFN5FmyNDxxzF6lLfYmvqUO03U6g9dAMyH-fx4avrsjWTKvm4ID75TGRbUeCracbgkkag"

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        let first = try? JSONWebToken(text)
        let second = try? JSONWebToken(text)
        invariant((first == nil) == (second == nil), "the same text read twice differently")
        guard let token = first else { return }
        invariant(text.utf8.count <= JSONWebToken.maximumLength, "a token over the length limit was read")
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        invariant(parts.count == 3 && token.signingInput == Array((parts[0] + "." + parts[1]).utf8), "the signed text is not the token's first two parts")
        invariant(token.signature == Base64.decodeURL(String(parts[2])), "the signature is not the third part decoded")
        guard (try? token.verify(keys: ["seed": key])) != nil else { return }
        let seed = try! JSONWebToken(signed)
        invariant(token.header["alg"] == "RS256", "a token with alg \(String(describing: token.header["alg"])) verified")
        invariant(token.signingInput == seed.signingInput && token.signature == seed.signature, "a token the key never signed verified")
    }
}
