import AWSSignature
import Foundation
import TestSupport
import Testing

@Suite("SHA-256 and HMAC")
struct DigestTests {
    @Test("FIPS 180-4 examples", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(_ sample: (String, String)) {
        #expect(Hex.encode(SHA256.hash(sample.0)) == sample.1)
    }

    @Test("a million a's, fed in uneven pieces")
    func millionA() {
        var hasher = SHA256()
        var fed = 0
        var piece = 1
        while fed < 1_000_000 {
            let count = min(piece, 1_000_000 - fed)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: count))
            fed += count
            piece = piece * 3 % 977 + 1
        }
        #expect(Hex.encode(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("RFC 4231 test cases 1, 2 and 6")
    func hmac() {
        #expect(
            Hex.encode(HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            Hex.encode(HMACSHA256.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            Hex.encode(
                HMACSHA256.authenticationCode(
                    key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

@Suite("Signature Version 4")
struct SigV4Tests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    struct Vector: Sendable, CustomStringConvertible {
        let method: String, target: String, headers: [(String, String)], body: String, service: String, signed: [String], signature: String
        var description: String { "\(method) \(target)" }
    }

    /// AWS's published suite (get-vanilla, get-vanilla-query-order-key-case) and requests shaped
    /// like the control plane's, signed by botocore.
    static let vectors: [Vector] = [
        Vector(method: "GET", target: "/", headers: [], body: "", service: "service", signed: ["host", "x-amz-date"],
               signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(method: "GET", target: "/?Param2=value2&Param1=value1", headers: [], body: "", service: "service", signed: ["host", "x-amz-date"],
               signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(method: "POST", target: "/2015-03-31/functions/ItemsFunction%3Aprod/invocations?Qualifier=prod",
               headers: [("Content-Type", "application/json"), ("X-Amz-Log-Type", "Tail")], body: #"{"ID": 3}"#, service: "lambda",
               signed: ["content-type", "host", "x-amz-date", "x-amz-log-type"],
               signature: "f4b2103a2785672e314a00aaba023178b39c9207c0a50be1b65865b5e3547bf4"),
        Vector(method: "PATCH", target: "/apikeys/abc123", headers: [("Content-Type", "application/json")],
               body: #"{"patchOperations":[{"op":"replace","path":"/enabled","value":"false"}]}"#, service: "apigateway",
               signed: ["content-type", "host", "x-amz-date"], signature: "e1c86bf5ea9d6689a56d96a6a18bbeb01d84e3dbf4837d2ec40f4f41473c6ecc"),
        Vector(method: "GET", target: "/usageplans/p1/usage?startDate=2026-12-01&endDate=2026-12-02&keyId=a%20b", headers: [], body: "",
               service: "apigateway", signed: ["host", "x-amz-date"], signature: "13a2164bdbf75d72775927e970fa2e5006c26934f4ba90b04d7e72be51f78ab0"),
    ]

    func request(_ vector: Vector) -> SigV4.Request {
        SigV4.Request(
            method: vector.method, target: vector.target,
            headers: vector.headers + [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")], body: Array(vector.body.utf8))
    }

    @Test("signatures match AWS's test suite and botocore", arguments: vectors)
    func signs(_ vector: Vector) throws {
        let computed = SigV4.signature(
            request(vector), signedHeaders: vector.signed, amzDate: "20150830T123600Z", secret: SigV4Tests.secret, region: "us-east-1",
            service: vector.service)
        #expect(computed == vector.signature)
        let header = SigV4.authorize(
            request(vector), accessKeyId: "AKIDEXAMPLE", secret: SigV4Tests.secret, region: "us-east-1", service: vector.service,
            amzDate: "20150830T123600Z")
        let parsed = try #require(SigV4.Authorization(header: header))
        #expect(parsed.service == vector.service)
        #expect(parsed.signature == vector.signature)
        #expect(SigV4.verify(request(vector), authorization: parsed, secret: SigV4Tests.secret))
        #expect(!SigV4.verify(request(vector), authorization: parsed, secret: SigV4Tests.secret + "x"))
        var tampered = request(vector)
        tampered.payloadHash = Hex.encode(SHA256.hash("other"))
        #expect(!SigV4.verify(tampered, authorization: parsed, secret: SigV4Tests.secret))
    }

    @Test("authorization headers are parsed strictly", arguments: [
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + String(repeating: "a", count: 64),
    ])
    func parses(_ header: String) throws {
        let parsed = try #require(SigV4.Authorization(header: header))
        #expect(parsed.accessKeyId == "AKID")
        #expect(parsed.service == "lambda")
        #expect(parsed.scope == "20150830/us-east-1/lambda/aws4_request")
    }

    @Test("malformed authorization headers are refused", arguments: [
        "AWS4-HMAC-SHA256 Credential=AKID/2015/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=" + String(repeating: "a", count: 64),
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=zz",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda, SignedHeaders=host, Signature=" + String(repeating: "a", count: 64),
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + String(repeating: "a", count: 64), "Basic dXNlcjpwYXNz", "AWS4-HMAC-SHA256",
    ])
    func refuses(_ header: String) {
        #expect(SigV4.Authorization(header: header) == nil)
    }

    @Test(
        "random requests are signed exactly as botocore signs them",
        .enabled(if: PythonModules.available("botocore"), "python3 with botocore is not available (pip install boto3; .ci/run installs it)"))
    func matchesBotocore() throws {
        let script = """
            import json, sys
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            class S(SigV4Auth):
                def sign(self, request):
                    request.context['timestamp'] = '20261202T101500Z'
                    request.headers['X-Amz-Date'] = '20261202T101500Z'
                    return self.signature(self.string_to_sign(request, self.canonical_request(request)), request)
            out = []
            for case in json.load(sys.stdin):
                r = AWSRequest(method=case['method'], url='http://127.0.0.1:8080' + case['target'], headers=dict(case['headers'], Host='127.0.0.1:8080'), data=case['body'].encode())
                out.append(S(Credentials('AKID', 'secret'), case['service'], 'us-east-1').sign(r))
            print(json.dumps(out))
            """
        let seed = TestSeed.value()
        print("SigV4 botocore cross-check seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        let pieces = ["items", "a b", "x%3Ay", "%C3%A9", "~tilde", "2015-03-31", "functions", "."]
        var cases: [[String: Any]] = []
        for _ in 0..<40 {
            var target = "/" + (0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: "/").replacingOccurrences(of: " ", with: "%20")
            if Bool.random(using: &generator) {
                target += "?" + (0..<Int.random(in: 1...3, using: &generator)).map { index in "k\(index)=v%20\(Int.random(in: 0...9, using: &generator))" }
                    .joined(separator: "&")
            }
            cases.append([
                "method": ["GET", "POST", "PATCH", "DELETE"].randomElement(using: &generator)!, "target": target,
                "headers": ["Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"],
                "body": Bool.random(using: &generator) ? "" : #"{"k": "v \#(Int.random(in: 0...99, using: &generator))"}"#,
                "service": Bool.random(using: &generator) ? "lambda" : "apigateway",
            ])
        }
        let input = try JSONSerialization.data(withJSONObject: cases)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "botocore's signer did not run")
        let expected = try #require(try JSONSerialization.jsonObject(with: output) as? [String], "botocore's signer printed no list")
        for (index, item) in cases.enumerated() {
            let headers = (item["headers"] as! [String: String]).map { ($0.key, $0.value) } + [("Host", "127.0.0.1:8080"), ("X-Amz-Date", "20261202T101500Z")]
            let request = SigV4.Request(method: item["method"] as! String, target: item["target"] as! String, headers: headers, body: Array((item["body"] as! String).utf8))
            let computed = SigV4.signature(
                request, signedHeaders: ["content-type", "host", "x-amz-date", "x-amz-invocation-type"], amzDate: "20261202T101500Z", secret: "secret",
                region: "us-east-1", service: item["service"] as! String)
            #expect(computed == expected[index], "seed \(seed): \(item["method"]!) \(item["target"]!)")
        }
    }
}

