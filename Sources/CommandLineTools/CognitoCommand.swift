import APIGateway
import CommandSupport
import ControlPlane
import JSONCore
import JSONWebTokens

#if canImport(Glibc)
import Glibc
#endif

/// `gateway cognito token|jwks`: the local issuer of Cognito user pool tokens, for methods with
/// a `COGNITO_USER_POOLS` authorizer.
enum CognitoCommand {
    static let help = """
        Usage: gateway cognito token --pool ARN --username NAME [options]
               gateway cognito jwks --pool ARN

        token prints a token of the user pool ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID)
        signed with the pool's key in the state directory (made on first use, RSA 2048): an ID
        token, or with --access an access token, with the claims Cognito puts in them. The
        gateway (gateway serve, over the same state directory) accepts it for methods whose
        Cognito authorizer names the pool, as API Gateway accepts the pool's own tokens:
          curl -H "Authorization: $(gateway cognito token --pool ARN --username ada)" URL
        jwks prints the pool's key set, as the running server serves it at
        http://HOST:PORT/_gateway/cognito/POOL_ID/.well-known/jwks.json.

        To check tokens of a real user pool instead, give its published keys to the server:
        gateway serve --jwks POOL=FILE.

        Options:
          --pool ARN           the user pool (its ARN, as the authorizer's providerARNs name it)
          --username NAME      cognito:username (ID token) or username (access token)
          --group NAME         a group (cognito:groups); repeatable
          --scope SCOPE        an access token's scope; repeatable (implies --access)
          --access             an access token (for methods with authorization scopes)
          --expires SECONDS    lifetime (default 3600; 0 or less makes an expired token)
          --client-id ID       the app client: aud of an ID token, client_id of an access token
                               (default localclient)
          --claim NAME=VALUE   another claim of an ID token (email, custom:role, …); repeatable
        \(GatewayManagement.commonOptions)

        Exit status: 0 with the token printed, 2 on a usage error or an ARN that is not a pool's.

        """

    static func run(_ arguments: [String], io: CommandIO, functions: BuiltInFunctions) -> Int32 {
        if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
            io.print(help)
            return arguments.isEmpty ? 2 : 0
        }
        let action = arguments[0]
        guard action == "token" || action == "jwks" else {
            return GatewayManagement.fail("cognito", "unknown action '\(action)' (token or jwks)", io: io)
        }
        guard let common = GatewayManagement.common(Array(arguments.dropFirst()), command: "cognito", io: io, functions: functions) else { return 2 }
        var pool: String?
        var request = CognitoIssuer.Request(poolARN: "", username: "")
        var scanner = ArgumentScanner(common.rest)
        while let argument = scanner.next() {
            let (name, inline) = ArgumentScanner.split(argument)
            guard ["--pool", "--username", "--group", "--scope", "--expires", "--client-id", "--claim", "--access"].contains(name) else {
                return GatewayManagement.fail("cognito", "unexpected argument \(argument)", io: io)
            }
            if name == "--access" {
                request.access = true
                continue
            }
            guard let value = inline ?? scanner.value() else { return GatewayManagement.fail("cognito", "\(name) needs a value", io: io) }
            switch name {
            case "--pool": pool = value
            case "--username": request.username = value
            case "--group": request.groups.append(value)
            case "--scope":
                request.scopes.append(value)
                request.access = true
            case "--expires":
                guard let seconds = Int(value), seconds < 10 * 365 * 86400 else { return GatewayManagement.fail("cognito", "--expires needs a number of seconds", io: io) }
                request.expiresIn = seconds
            case "--client-id": request.clientId = value
            default:
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    return GatewayManagement.fail("cognito", "--claim needs NAME=VALUE", io: io)
                }
                request.extraClaims.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
            }
        }
        guard let pool else { return GatewayManagement.fail("cognito", "--pool ARN is required", io: io) }
        guard let parsed = CognitoPool(arn: pool) else {
            return GatewayManagement.fail("cognito", "\(pool) is not a user pool's ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID)", io: io)
        }
        let directory = StateDirectory(common.stateDirectory)
        do {
            if action == "jwks" {
                let (keyId, key) = try directory.cognitoSigningKey(pool: parsed.id)
                io.print(JSONWriter.pretty.string(JSONWebKeySet(keys: [keyId: key.publicKey]).json) + "\n")
                return 0
            }
            guard !request.username.isEmpty else { return GatewayManagement.fail("cognito", "--username NAME is required", io: io) }
            request.poolARN = pool
            io.print(try CognitoIssuer.token(request, stateDirectory: directory, now: Double(time(nil))) + "\n")
            return 0
        } catch {
            io.printError("gateway cognito: \(error.description)\n")
            return 2
        }
    }
}
