import APIGateway
import JSONCore

/// IAM policies as the gateway evaluates them (an authorizer's answer, a resource policy): the
/// input's first part is the document, the second a method ARN. A policy is read or refused;
/// its decision is the same twice; one whose shortcut says it allows every invoke allows this
/// one; an unconditional Deny of everything added makes it an
/// explicit deny, an unconditional Allow of everything an allow unless a Deny matched, and
/// without its Deny statements it never denies explicitly.
enum PolicyFuzzing {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let (documentBytes, arnBytes) = split(bytes)
        guard let document = try? JSONParser().parse(documentBytes), case .object(var object) = document else { return }
        let arn = String(decoding: arnBytes.prefix(1600), as: UTF8.self)
        guard let decision = PolicyProbe.decide(document, arn: arn) else { return }
        invariant(PolicyProbe.decide(document, arn: arn) == decision, "the same policy decided twice differently")
        if PolicyProbe.allowsEveryInvoke(document) == true {
            invariant(decision == "allow", "a policy said to allow every invoke decided \(decision)")
        }
        let statements: [JSONValue]
        switch object["Statement"] {
        case .array(let list)?: statements = list
        case let single?: statements = [single]
        case nil: return
        }
        let denyAll: JSONValue = ["Effect": "Deny", "Action": "*", "Resource": "*"]
        let allowAll: JSONValue = ["Effect": "Allow", "Action": "*", "Resource": "*"]
        object["Statement"] = .array(statements + [denyAll])
        invariant(PolicyProbe.decide(.object(object), arn: arn) == "explicitDeny", "a Deny of everything did not deny")
        object["Statement"] = .array(statements + [allowAll])
        let opened = PolicyProbe.decide(.object(object), arn: arn)
        invariant(opened == (decision == "explicitDeny" ? "explicitDeny" : "allow"), "an Allow of everything decided \(opened ?? "nil") after \(decision)")
        let allows = statements.filter { $0["Effect"] != "Deny" }
        if !allows.isEmpty {
            object["Statement"] = .array(allows)
            invariant(PolicyProbe.decide(.object(object), arn: arn) != "explicitDeny", "a policy without Deny statements denied explicitly")
        }
    }
}
