import ClientRuntime
import Foundation
import Synchronization
import TestSupport
import Testing

/// Whether python3 with botocore (the AWS SDK for Python's core) runs here.
let botocoreHere: Bool = (try? runCommand(["python3", "-c", "import botocore.auth"]).status) == 0

@Suite("SigV4Middleware signs as the AWS SDKs sign")
struct SigV4MiddlewareTests {
    static let baseURL = URL(string: "https://abc123.execute-api.us-east-1.amazonaws.com/prod")!
    static let credentials = SigV4Middleware.Credentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "FwoGZXIvYXdzEXAMPLE")

    /// The request the middleware hands on.
    static func signed(_ request: ClientRequest, at date: Date) async throws -> ClientRequest {
        let middleware = SigV4Middleware(baseURL: baseURL, region: "us-east-1", credentials: { credentials }, now: { date })
        let seen = Mutex<ClientRequest?>(nil)
        _ = try await middleware.intercept(request) { request in
            seen.withLock { $0 = request }
            return ClientResponse(status: 200)
        }
        return try #require(seen.withLock { $0 })
    }

    @Test(
        "the Authorization header is botocore's for the same request, time and credentials",
        .disabled(if: !botocoreHere, "python3 with botocore is not installed here (pip install botocore; .ci/run installs boto3)"))
    func sameAsBotocore() async throws {
        let date = Date(timeIntervalSince1970: 1_796_619_600)  // 2026-12-07T05:00:00Z
        let request = ClientRequest(
            method: "POST", path: "/pets", query: [(name: "limit", value: "2"), (name: "tag", value: "a b")],
            headers: [(name: "Content-Type", value: "application/json")], body: Array(#"{"name": "Rex"}"#.utf8))
        let signed = try await SigV4MiddlewareTests.signed(request, at: date)
        let ours = try #require(signed.headers.first { $0.name == "Authorization" }?.value)
        #expect(signed.headers.first { $0.name == "X-Amz-Date" }?.value == "20261207T050000Z")
        #expect(signed.headers.first { $0.name == "X-Amz-Security-Token" }?.value == SigV4MiddlewareTests.credentials.sessionToken)
        let script = """
            import datetime, botocore.auth as auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            auth.get_current_datetime = lambda: datetime.datetime(2026, 12, 7, 5, 0, 0)
            request = AWSRequest(method="POST", url="https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?limit=2&tag=a%20b",
                                 data=b'{"name": "Rex"}', headers={"Content-Type": "application/json"})
            auth.SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE"), "execute-api", "us-east-1").add_auth(request)
            print(request.headers["Authorization"])
            """
        let result = try runCommand(["python3", "-c", script])
        #expect(result.status == 0, "\(result.error)")
        #expect(ours == result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("a retry is signed afresh: earlier Authorization, X-Amz-Date and token headers are replaced")
    func resigned() async throws {
        let first = try await SigV4MiddlewareTests.signed(ClientRequest(method: "GET", path: "/items"), at: Date(timeIntervalSince1970: 1_796_619_600))
        let second = try await SigV4MiddlewareTests.signed(first, at: Date(timeIntervalSince1970: 1_796_619_660))
        for name in ["Authorization", "X-Amz-Date", "X-Amz-Security-Token"] {
            #expect(second.headers.filter { $0.name == name }.count == 1, "\(name)")
        }
        #expect(second.headers.first { $0.name == "X-Amz-Date" }?.value == "20261207T050100Z")
        #expect(first.headers.first { $0.name == "Authorization" }?.value != second.headers.first { $0.name == "Authorization" }?.value)
    }
}
