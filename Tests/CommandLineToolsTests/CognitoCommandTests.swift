import Foundation
import JSONCore
import JSONWebTokens
import Testing

/// `gateway cognito token|jwks`: the local issuer, as a user runs it.
@Suite("gateway cognito")
struct CognitoCommandTests {
    static let pool = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Shop1"

    @Test("token prints an RS256 token of the pool that its jwks verifies, with the claims asked for; usage errors exit 2 with the reason")
    func tokenAndKeySet() throws {
        let state = try TemporaryDirectory()
        let directory = state.path + "/.gateway"
        let captured = CapturedIO()
        let status = runGateway(
            arguments: ["cognito", "token", "--state", directory, "--pool", Self.pool, "--username", "ada", "--scope", "orders/read", "--group", "admins"],
            io: captured.io, waitForStop: nil)
        #expect(status == 0, "\(captured.stderr)")
        let token = try JSONWebToken(captured.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(token.claims["iss"] == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Shop1")
        #expect(token.claims["token_use"] == "access")
        #expect(token.claims["scope"] == "orders/read")
        #expect(token.claims["username"] == "ada")
        #expect(token.claims["cognito:groups"] == ["admins"])
        // The key file is the owner's alone.
        var info = stat()
        #expect(stat(directory + "/cognito/eu-west-1_Shop1.json", &info) == 0 && info.st_mode & 0o077 == 0)

        let keys = CapturedIO()
        #expect(runGateway(arguments: ["cognito", "jwks", "--state", directory, "--pool", Self.pool], io: keys.io, waitForStop: nil) == 0)
        let set = try JSONWebKeySet(json: JSONParser().parse(Array(keys.stdout.utf8)))
        try token.verify(keys: set.keys)

        for (arguments, reason) in [
            (["cognito", "token", "--state", directory, "--username", "ada"], "--pool ARN is required"),
            (["cognito", "token", "--state", directory, "--pool", "arn:aws:iam::1:role/x", "--username", "ada"], "is not a user pool's ARN"),
            (["cognito", "token", "--state", directory, "--pool", Self.pool], "--username NAME is required"),
            (["cognito", "token", "--state", directory, "--pool", Self.pool, "--username", "a", "--claim", "novalue"], "--claim needs NAME=VALUE"),
            (["cognito", "mint", "--state", directory], "unknown action 'mint'"),
        ] {
            let failed = CapturedIO()
            #expect(runGateway(arguments: arguments, io: failed.io, waitForStop: nil) == 2)
            #expect(failed.stderr.contains(reason), "\(arguments): \(failed.stderr)")
        }
    }

    @Test("serve --jwks needs POOL=FILE, and a key set that does not read stops the start naming the file")
    func serveJWKSOption() throws {
        let state = try TemporaryDirectory()
        let bad = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "0", "--state", state.path + "/s", "--jwks", "nofile"], io: bad.io, waitForStop: {}) == 2)
        #expect(bad.stderr.contains("--jwks needs POOL=FILE"))
        let file = state.write("jwks.json", #"{"keys": "none"}"#)
        let unreadable = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "0", "--state", state.path + "/s", "--jwks", "eu-west-1_Shop1=" + file], io: unreadable.io, waitForStop: {}) == 2)
        #expect(unreadable.stderr.contains("jwks.json"), "\(unreadable.stderr)")
    }
}
