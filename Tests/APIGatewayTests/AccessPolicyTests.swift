import Foundation
import JSONCore
import TestSupport
import Testing

@testable import APIGateway

/// The IAM policy evaluation of Lambda authorizers' answers, against a reference evaluation:
/// wildcards as anchored regular expressions (`*` → `.*`, `?` → `.`, as AWS's own local tools
/// translate them) and "any matching Deny wins, else any matching Allow, else deny".
@Suite("Access policies")
struct AccessPolicyTests {
    static func reference(_ pattern: String, _ text: String, caseInsensitive: Bool) -> Bool {
        var regex = "^"
        for character in pattern {
            switch character {
            case "*": regex += ".*"
            case "?": regex += "."
            default: regex += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        regex += "$"
        let expression = try! NSRegularExpression(pattern: regex, options: caseInsensitive ? [.caseInsensitive, .dotMatchesLineSeparators] : [.dotMatchesLineSeparators])
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test("wildcards: * crosses / and :, ? is one character; equal to the regular-expression reference on seeded random cases")
    func wildcards() {
        let seed = TestSeed.value()
        print("AccessPolicyTests.wildcards seed: \(seed) (TEST_SEED=\(seed) replays it)")
        var generator = SeededGenerator(seed: seed)
        let patternAlphabet = Array("ab/:*?A")
        let textAlphabet = Array("ab/:A")
        for _ in 0..<20_000 {
            let pattern = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in patternAlphabet.randomElement(using: &generator)! })
            let text = String((0..<Int.random(in: 0...10, using: &generator)).map { _ in textAlphabet.randomElement(using: &generator)! })
            let insensitive = Bool.random(using: &generator)
            #expect(
                Wildcard.matches(pattern, text, caseInsensitive: insensitive) == Self.reference(pattern, text, caseInsensitive: insensitive),
                "seed \(seed): \(pattern) ~ \(text) (case-insensitive: \(insensitive))")
        }
        #expect(Wildcard.matches("arn:aws:execute-api:*:*:api/*/GET/pets/*", "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets/7/toys", caseInsensitive: false))
        #expect(!Wildcard.matches("arn:aws:execute-api:*:*:api/*/GET/pets/*", "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets", caseInsensitive: false))
        #expect(Wildcard.matches("execute-api:*", "execute-api:Invoke", caseInsensitive: true))
        #expect(Wildcard.matches("EXECUTE-API:invoke", "execute-api:Invoke", caseInsensitive: true))
    }

    @Test("the allow-everything shortcut: only an unconditional Allow of invoke on * for anyone, and no Deny anywhere")
    func allowsEveryInvoke() throws {
        func policy(_ statements: JSONValue) throws -> AccessPolicy { try AccessPolicy(document: ["Version": "2012-10-17", "Statement": statements]) }
        #expect(try policy([["Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"]]).allowsEveryInvoke)
        #expect(try policy([["Effect": "Allow", "Action": "*", "Resource": ["arn:x", "*"]]]).allowsEveryInvoke)
        #expect(try policy([["Effect": "Allow", "Action": "execute-api:*", "Resource": "*"]]).allowsEveryInvoke)
        #expect(!(try policy([["Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*/prod/*"]]).allowsEveryInvoke))
        #expect(!(try policy([["Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"], ["Effect": "Deny", "Action": "*", "Resource": "arn:x"]]).allowsEveryInvoke))
        #expect(!(try policy([["Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": "*"]]).allowsEveryInvoke))
        #expect(!(try policy([["Effect": "Allow", "NotAction": "s3:*", "Resource": "*"]]).allowsEveryInvoke))
        #expect(!(try policy([["Effect": "Allow", "Action": "*", "NotResource": "arn:x"]]).allowsEveryInvoke))
        #expect(!(try policy([["Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["IpAddress": ["aws:SourceIp": "10.0.0.0/8"]]]]).allowsEveryInvoke))
        #expect(!(try policy([["Effect": "Allow", "Principal": ["AWS": "arn:aws:iam::1:root"], "Action": "*", "Resource": "*"]]).allowsEveryInvoke))
    }

    @Test("a long pathological pattern against a long ARN stays bounded")
    func bounded() {
        let pattern = String(repeating: "*a", count: 256)
        let text = String(repeating: "a", count: 1600) + "b"
        let start = Date()
        #expect(!Wildcard.matches(pattern, text, caseInsensitive: false))
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("decisions: explicit Deny wins, else an Allow, else an implicit deny; equal to the reference on seeded random policies")
    func decisions() throws {
        let seed = TestSeed.value()
        print("AccessPolicyTests.decisions seed: \(seed) (TEST_SEED=\(seed) replays it)")
        var generator = SeededGenerator(seed: seed)
        let resources = ["*", "arn:*", "arn:aws:execute-api:*:*:api/prod/GET/*", "arn:aws:execute-api:*:*:api/*/POST/*", "*/pets/?", "*/pets/*", "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets/1"]
        let actions = ["execute-api:Invoke", "execute-api:*", "*", "s3:GetObject", "execute-api:invoke"]
        let arns = ["arn:aws:execute-api:us-east-1:1:api/prod/GET/pets/1", "arn:aws:execute-api:us-east-1:1:api/prod/POST/pets/12", "arn:aws:execute-api:us-east-1:1:api/dev/GET/"]
        for _ in 0..<3_000 {
            var statements: [JSONValue] = []
            var expected: [(allows: Bool, actions: [String], resources: [String])] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let allows = Bool.random(using: &generator)
                let chosenActions = (0..<Int.random(in: 1...2, using: &generator)).map { _ in actions.randomElement(using: &generator)! }
                let chosenResources = (0..<Int.random(in: 1...3, using: &generator)).map { _ in resources.randomElement(using: &generator)! }
                statements.append([
                    "Effect": .string(allows ? "Allow" : "Deny"),
                    "Action": chosenActions.count == 1 ? .string(chosenActions[0]) : .array(chosenActions.map(JSONValue.string)),
                    "Resource": .array(chosenResources.map(JSONValue.string)),
                ])
                expected.append((allows, chosenActions, chosenResources))
            }
            let policy = try AccessPolicy(document: ["Version": "2012-10-17", "Statement": .array(statements)])
            for arn in arns {
                let matching = expected.filter { statement in
                    statement.actions.contains { Self.reference($0, "execute-api:Invoke", caseInsensitive: true) }
                        && statement.resources.contains { Self.reference($0, arn, caseInsensitive: false) }
                }
                let reference: AccessPolicy.Decision =
                    matching.contains { !$0.allows } ? .explicitDeny : matching.contains { $0.allows } ? .allow : .implicitDeny
                #expect(policy.decide(resource: arn) == reference, "seed \(seed): \(statements) for \(arn)")
            }
        }
    }

    @Test("NotAction, NotResource, a single statement object, and conditions (an Allow with one never matches, a Deny always does)")
    func shapes() throws {
        let arn = "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets"
        let single = try AccessPolicy(document: ["Statement": ["Effect": "Allow", "Action": "*", "Resource": "*"]])
        #expect(single.decide(resource: arn) == .allow)
        let notResource = try AccessPolicy(document: ["Statement": [["Effect": "Allow", "Action": "*", "NotResource": "*/GET/*"]]])
        #expect(notResource.decide(resource: arn) == .implicitDeny)
        let notAction = try AccessPolicy(document: ["Statement": [["Effect": "Deny", "NotAction": "s3:*", "Resource": "*"], ["Effect": "Allow", "Action": "*", "Resource": "*"]]])
        #expect(notAction.decide(resource: arn) == .explicitDeny)
        let conditionalAllow = try AccessPolicy(document: ["Statement": [["Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["IpAddress": ["aws:SourceIp": "10.0.0.0/8"]]]]])
        #expect(conditionalAllow.decide(resource: arn) == .implicitDeny)
        let conditionalDeny = try AccessPolicy(document: ["Statement": [["Effect": "Allow", "Action": "*", "Resource": "*"], ["Effect": "Deny", "Action": "*", "Resource": "*", "Condition": ["Bool": ["x": "y"]]]]])
        #expect(conditionalDeny.decide(resource: arn) == .explicitDeny)
        for bad: JSONValue in [
            "text", ["Statement": []], ["Statement": [["Effect": "Allow", "Resource": "*"]]], ["Statement": [["Effect": "Maybe", "Action": "*", "Resource": "*"]]],
            ["Statement": [["Effect": "Allow", "Action": "*", "Resource": [1]]]], ["Statement": [["Effect": "Allow", "Action": "*", "Resource": .string(String(repeating: "a", count: 513))]]],
            ["Statement": [["Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"]]],
        ] {
            #expect(throws: AccessPolicy.ParseError.self) { try AccessPolicy(document: bad) }
        }
    }
}
