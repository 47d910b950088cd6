import Foundation
import JSONCore
import TestSupport
import Testing

/// `gateway export --format cloudformation|sam`: the deployed project as a template that
/// cfn-lint accepts without errors and that `gateway serve --template` serves with the same
/// answers as the deployment it came from.
@Suite("gateway export --format cloudformation|sam", .serialized, .enabled(if: (try? runCommand(["python3", "--version"]))?.status == 0, "python3 is not on PATH: the project's function is Python"))
struct TemplateExportTests {
    static let api = """
        {"openapi": "3.0.1", "info": {"title": "Shop", "version": "1"},
         "components": {"securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
           "gate": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
             "x-amazon-apigateway-authorizer": {"type": "token", "authorizerResultTtlInSeconds": 0,
               "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Gate/invocations"}}}},
         "paths": {"/things/{id}": {"get": {"security": [{"api_key": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
           "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
             "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Shop:${stageVariables.alias}/invocations"}}},
          "/private": {"get": {"security": [{"gate": []}], "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\\"statusCode\\": 200}"},
             "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\\"who\\": \\"$context.authorizer.principalId\\"}"}}}}}},
          "/health": {"get": {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\\"statusCode\\": 200}"},
             "responses": {"default": {"statusCode": "200", "responseTemplates": {"application/json": "{\\"ok\\": true}"}}}}}}}}
        """
    static let deployment = """
        {"apiId": "shop000001",
         "stages": {"dev": {"definition": "shop.json", "variables": {"alias": "dev"}},
                    "prod": {"definition": "shop.json", "variables": {"alias": "live"}, "cache": {"enabled": true, "clusterSizeGB": 0.5}}},
         "functions": {"Shop": {"runtime": "python3.12", "handler": "app.handler", "code": "code", "environment": {"COLOR": "blue"},
                                "versions": [{"version": 1}], "aliases": {"dev": {"version": "$LATEST"}, "live": {"version": "1"}}},
                       "Gate": {"runtime": "python3.12", "handler": "gate.handler", "code": "code"}},
         "usagePlans": {"Basic": {"stages": ["dev", "prod"], "quota": {"limit": 100, "period": "DAY"}, "throttle": {"rateLimit": 10, "burstLimit": 20}}},
         "apiKeys": {"Customer": {"enabled": true, "usagePlans": ["Basic"]}}}
        """
    static let code = """
        import json, os
        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps({"id": event["pathParameters"]["id"], "color": os.environ["COLOR"],
                                                            "version": context.function_version, "stage": event["requestContext"]["stage"]})}
        """

    static let gate = """
        def handler(event, context):
            if event["authorizationToken"] != "Bearer open-sesame":
                raise Exception("Unauthorized")
            return {"principalId": "ali", "policyDocument": {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}}
        """

    func answers(_ served: ServedGateway, key: String) async throws -> [String] {
        var answers: [String] = []
        for stage in ["dev", "prod"] {
            let withKey = try await served.request("/\(stage)/things/7", key: key)
            let withoutKey = try await served.request("/\(stage)/things/7")
            let health = try await served.request("/\(stage)/health")
            let allowed = try await served.request("/\(stage)/private", headers: ["Authorization": "Bearer open-sesame"])
            let refused = try await served.request("/\(stage)/private", headers: ["Authorization": "Bearer guess"])
            answers.append(
                "\(stage): \(withKey.0) \(withKey.2) | no key \(withoutKey.0) | health \(health.0) \(health.2) | authorized \(allowed.0) \(allowed.2) | refused \(refused.0) \(refused.2)")
        }
        return answers
    }

    @Test("both formats: cfn-lint finds no error, and the template serves what the deployment serves", arguments: ["sam", "cloudformation"])
    func roundTrip(format: String) async throws {
        let files = try TemporaryDirectory()
        files.write("shop.json", TemplateExportTests.api)
        let deployment = files.write("shop.deployment.json", TemplateExportTests.deployment)
        try FileManager.default.createDirectory(atPath: files.path + "/code", withIntermediateDirectories: true)
        files.write("code/app.py", TemplateExportTests.code)
        files.write("code/gate.py", TemplateExportTests.gate)

        let original = try ServedGateway(deployment: deployment)
        let originalKey = try #require(original.captured.stdout.firstMatch(of: /Customer  (\S+)/).map { String($0.1) })
        let expected = try await answers(original, key: originalKey)
        #expect(expected[0].hasPrefix("dev: 200 ") && expected[0].contains("\"version\": \"$LATEST\""), "\(expected)")
        #expect(expected[1].hasPrefix("prod: 200 ") && expected[1].contains("\"version\": \"1\""), "\(expected)")
        #expect(expected[0].contains(#"authorized 200 {"who": "ali"} | refused 401"#), "\(expected)")
        #expect(original.shutdown() == 0)

        let output = files.path + "/exported.\(format == "sam" ? "yaml" : "json")"
        let exported = CapturedIO()
        let status = runGateway(
            arguments: ["export", "--format", format, "--deployment", deployment, "--state", original.state.path + "/.gateway", "--output", output], io: exported.io)
        #expect(status == 0, "\(exported.stderr)")
        let template = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!template.contains(originalKey), "an API key's value was exported")
        #expect(template.contains("\"./code\"") || template.contains("./code"), "the code path is not relative to the template: \(template)")

        if (try? runCommand(["cfn-lint", "--version"]))?.status == 0 {
            let lint = try runCommand(["env", "AWS_DEFAULT_REGION=us-east-1", "cfn-lint", output])
            // 0: clean; 4: warnings only (W3002, a local Code path that `aws cloudformation package` uploads).
            #expect(lint.status == 0 || lint.status == 4, "cfn-lint: \(lint.output)\(lint.error)")
            #expect(!lint.output.contains("\nE"), "cfn-lint errors: \(lint.output)")
        } else {
            Issue.record("cfn-lint is not installed (pip install cfn-lint; .ci/run installs it): the export was not linted")
        }

        let served = try ServedGateway(template: output)
        defer { _ = served.shutdown() }
        let key = try #require(served.captured.stdout.firstMatch(of: /Customer  (\S+)/).map { String($0.1) }, "\(served.captured.stdout)\(served.captured.stderr)")
        #expect(try await answers(served, key: key) == expected)
        #expect(served.captured.stdout.contains("Basic: 10 req/s, burst 20, 100 per DAY"), "\(served.captured.stdout)")
        #expect(served.captured.stdout.contains("cache on"), "\(served.captured.stdout)")
    }
}
