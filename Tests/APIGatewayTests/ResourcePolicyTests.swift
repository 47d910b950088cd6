import APIGateway
import ControlPlane
import Foundation
import HTTPCore
import JSONCore
import LambdaRuntime
import Testing

@testable import APIGateway

/// `x-amazon-apigateway-policy`: explicit Deny first, an Allow needed when nothing else
/// authorizes, conditions on the source IP and the time, keys without a local meaning treated
/// as "deny when in doubt", and AWS's 403 texts.
@Suite("Resource policies")
struct ResourcePolicyTests {
    static let mock = #"{"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}"#
    static let definition = #"""
        {"openapi": "3.0.1", "info": {"title": "PolicyAPI", "version": "1"},
         "x-amazon-apigateway-policy": {"Version": "2012-10-17", "Statement": [
           {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/*"},
           {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/admin",
            "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::1/128"]}}},
           {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*/*/GET/old",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2025-12-01T00:00:00Z"}}},
           {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/POST/vpc",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123"}}},
           {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/tagged",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}}
         ]},
         "paths": {
           "/open": {"get": {"x-amazon-apigateway-integration": MOCK}},
           "/admin": {"get": {"x-amazon-apigateway-integration": MOCK}},
           "/old": {"get": {"x-amazon-apigateway-integration": MOCK}},
           "/vpc": {"post": {"x-amazon-apigateway-integration": MOCK}},
           "/tagged": {"get": {"x-amazon-apigateway-integration": MOCK}},
           "/other": {"post": {"x-amazon-apigateway-integration": MOCK}}
         }}
        """#

    final class Fixture {
        let directory = NSTemporaryDirectory() + "gateway-policy-" + UUID().uuidString
        let clock = ManualClock()
        let control: ControlPlane
        let warnings = LockedLines()

        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try ResourcePolicyTests.definition.replacingOccurrences(of: "MOCK", with: ResourcePolicyTests.mock)
                .write(toFile: directory + "/api.json", atomically: true, encoding: .utf8)
            try #"{"apiId": "policyapi", "stages": {"prod": {"definition": "api.json"}}}"#.write(toFile: directory + "/d.json", atomically: true, encoding: .utf8)
            let warnings = self.warnings
            control = try ControlPlane.load(
                deploymentFile: directory + "/d.json", stateDirectory: nil, handlers: [:], clock: clock, logSink: { warnings.append($0.text) })
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func send(_ method: String, _ path: String, from address: String = "127.0.0.1") -> HTTPResponse {
            control.gateway.respond(to: HTTPRequest(method: method, target: path, remoteAddress: address))
        }
    }

    func body(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("an Allow lets a method without other authorization in; nothing allowing it is 403 naming the resource-based policy")
    func allowNeeded() throws {
        let fixture = try Fixture()
        #expect(fixture.send("GET", "/prod/open").status == 200)
        let other = fixture.send("POST", "/prod/other")
        #expect(other.status == 403)
        #expect(other.headers["x-amzn-ErrorType"] == "AccessDeniedException")
        #expect(
            body(other)
                == #"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:policyapi/prod/POST/other because no resource-based policy allows the execute-api:Invoke action"}"#)
    }

    @Test("IpAddress conditions: IPv4 and IPv6 ranges, an IPv4-mapped IPv6 client; an explicit Deny wins with AWS's text")
    func sourceIp() throws {
        let fixture = try Fixture()
        let denied = fixture.send("GET", "/prod/admin")
        #expect(denied.status == 403)
        #expect(
            body(denied)
                == #"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:policyapi/prod/GET/admin with an explicit deny"}"#)
        for address in ["10.1.2.3", "::1", "::ffff:10.0.0.5"] {
            #expect(fixture.send("GET", "/prod/admin", from: address).status == 200, "\(address)")
        }
        for address in ["11.0.0.1", "::2", "fe80::1"] {
            #expect(fixture.send("GET", "/prod/admin", from: address).status == 403, "\(address)")
        }
    }

    @Test("DateGreaterThan on aws:CurrentTime follows the clock")
    func currentTime() throws {
        let fixture = try Fixture()
        #expect(fixture.send("GET", "/prod/old").status == 200)
        fixture.clock.advance(by: 10 * 86400)
        #expect(fixture.send("GET", "/prod/old").status == 403)
    }

    @Test("keys without a local meaning: a VPC endpoint never matches an Allow; an unknown key makes a Deny apply, and is a start warning")
    func unknownKeys() throws {
        let fixture = try Fixture()
        #expect(fixture.send("POST", "/prod/vpc").status == 403)
        let tagged = fixture.send("GET", "/prod/tagged")
        #expect(tagged.status == 403)
        #expect(body(tagged).contains("with an explicit deny"))
        #expect(fixture.warnings.lines.contains { $0.contains("StringEquals:aws:PrincipalTag/team has no local meaning") }, "\(fixture.warnings.lines)")
    }

    @Test("IP addresses and ranges")
    func addresses() {
        #expect(IPAddress("192.168.1.1") != nil)
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("2001:db8::1") != nil)
        #expect(IPAddress("2001:db8::1::2") == nil)
        #expect(IPAddress("12345::") == nil)
        #expect(IPAddress.Range("10.0.0.0/8")!.contains(IPAddress("10.255.0.1")!))
        #expect(!IPAddress.Range("10.0.0.0/8")!.contains(IPAddress("11.0.0.1")!))
        #expect(IPAddress.Range("0.0.0.0/0")!.contains(IPAddress("8.8.8.8")!))
        #expect(IPAddress.Range("2001:db8::/32")!.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!IPAddress.Range("2001:db8::/32")!.contains(IPAddress("2001:db9::1")!))
        #expect(IPAddress.Range("10.0.0.0/33") == nil)
        #expect(IPAddress.Range("192.168.0.7")!.contains(IPAddress("::ffff:192.168.0.7")!))
    }
}

/// Lines a log sink received, in order.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
