import Foundation
import JSONCore
import Templates
import TestSupport
import Testing

/// `gateway serve --template`: SAM and CloudFormation templates served as AWS's translator
/// routes them, and refused, with every problem at its line, column and resource path, when
/// AWS would refuse them.
@Suite("gateway serve --template", .serialized, .enabled(if: (try? runCommand(["python3", "--version"]))?.status == 0, "python3 is not on PATH: the templates' functions are Python"))
struct TemplateServeTests {
    static let helloWorld = """
        AWSTemplateFormatVersion: 2010-09-09
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Timeout: 3
            Tracing: Active
            Environment:
              Variables:
                STAGE_NOTE: global
        Parameters:
          Greeting:
            Type: String
            Default: hello
            AllowedValues: [hello, hi]
        Resources:
          HelloWorldFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: hello_world/
              Handler: app.lambda_handler
              Runtime: python3.12
              Environment:
                Variables:
                  GREETING: !Ref Greeting
              Events:
                HelloWorld:
                  Type: Api
                  Properties:
                    Path: /hello/{name}
                    Method: get
        Outputs:
          HelloWorldApi:
            Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/hello/"
        """

    static let helloCode = """
        import json, os
        def lambda_handler(event, context):
            return {"statusCode": 200, "body": json.dumps({"message": os.environ["GREETING"] + " " + event["pathParameters"]["name"],
                                                            "note": os.environ["STAGE_NOTE"], "stage": event["requestContext"]["stage"]})}
        """

    func project(_ files: [String: String]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for (name, text) in files {
            let path = directory.path + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            directory.write(name, text)
        }
        return directory
    }

    @Test("a SAM hello world: the implicit API at Prod and Stage, Globals merged, the parameter's default, Outputs with local URLs")
    func helloWorld() async throws {
        let files = try project(["template.yaml": TemplateServeTests.helloWorld, "hello_world/app.py": TemplateServeTests.helloCode])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        for stage in ["Prod", "Stage"] {
            let (status, _, body) = try await served.request("/\(stage)/hello/sam")
            #expect(status == 200, "\(body)")
            let json = try JSONParser().parse(Array(body.utf8))
            #expect(json["message"] == "hello sam")
            #expect(json["note"] == "global")
            #expect(json["stage"] == .string(stage))
        }
        #expect(served.captured.stdout.contains("HelloWorldApi: http://127.0.0.1:\(served.port)/Prod/hello/"), "\(served.captured.stdout)")
        #expect(served.captured.stderr.contains("not emulated locally: Resources/HelloWorldFunction/Properties/Tracing"), "\(served.captured.stderr)")
    }

    @Test("hot reload: an edit of the template applies within a second; a broken edit keeps the running version and says why")
    func hotReload() async throws {
        let files = try project(["template.yaml": TemplateServeTests.helloWorld, "hello_world/app.py": TemplateServeTests.helloCode])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        #expect(try await served.request("/Prod/hello/a").2.contains("hello a"))
        files.write("template.yaml", TemplateServeTests.helloWorld.replacingOccurrences(of: "Default: hello", with: "Default: hi"))
        var body = ""
        for _ in 0..<40 {
            body = try await served.request("/Prod/hello/a").2
            if body.contains("hi a") { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(body.contains("hi a"), "\(body)")
        files.write("template.yaml", TemplateServeTests.helloWorld.replacingOccurrences(of: "Path: /hello/{name}", with: "Path: hello"))
        for _ in 0..<40 where !served.captured.stderr.contains("kept the running version") { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(served.captured.stderr.contains("kept the running version"), "\(served.captured.stderr)")
        #expect(served.captured.stderr.contains("Resources/HelloWorldFunction/Properties/Events/HelloWorld/Properties/Path: Event with id [HelloWorld] is invalid. Path must start with /."))
        #expect(try await served.request("/Prod/hello/b").2.contains("hi b"))
    }

    @Test("--parameter-overrides in both SAM CLI syntaxes; a value outside AllowedValues is refused at the parameter's line")
    func parameterOverrides() async throws {
        let files = try project(["template.yaml": TemplateServeTests.helloWorld, "hello_world/app.py": TemplateServeTests.helloCode])
        for overrides in ["Greeting=hi", "ParameterKey=Greeting,ParameterValue=hi"] {
            let served = try ServedGateway(["--parameter-overrides", overrides], template: files.path + "/template.yaml")
            let (status, _, body) = try await served.request("/Prod/hello/you")
            #expect(status == 200)
            #expect(body.contains("hi you"), "\(overrides): \(body)")
            #expect(served.shutdown() == 0)
        }
        let captured = CapturedIO()
        let status = runGateway(
            arguments: ["serve", "--port", "0", "--template", files.path + "/template.yaml", "--parameter-overrides", "Greeting=hey"], io: captured.io,
            waitForStop: {})
        #expect(status == 2)
        #expect(captured.stderr.contains("template.yaml:12:5: Parameters/Greeting: parameter Greeting = \"hey\": not one of the AllowedValues (hello, hi)"), "\(captured.stderr)")
    }

    @Test("an explicit Api: API keys and a PER_API usage plan enforced, CORS preflight, OpenApiVersion (no Stage stage), InlineCode, AutoPublishAlias, Method any")
    func explicitAPI() async throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Api:
                OpenApiVersion: 3.0.1
            Resources:
              OrdersApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: v1
                  Cors:
                    AllowOrigin: "'https://example.com'"
                    AllowHeaders: "'Content-Type,X-Api-Key'"
                  Auth:
                    ApiKeyRequired: true
                    AddApiKeyRequiredToCorsPreflight: false
                    UsagePlan:
                      CreateUsagePlan: PER_API
                      Quota: {Limit: 100, Period: DAY}
                      Throttle: {RateLimit: 50, BurstLimit: 10}
              OrdersFunction:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: |
                    import json
                    def handler(event, context):
                        return {"statusCode": 200, "body": json.dumps({"method": event["httpMethod"], "path": event["path"]})}
                  Handler: index.handler
                  Runtime: python3.12
                  AutoPublishAlias: live
                  Events:
                    Any:
                      Type: Api
                      Properties:
                        RestApiId: !Ref OrdersApi
                        Path: /orders/{id}
                        Method: any
                    Open:
                      Type: Api
                      Properties:
                        RestApiId: !Ref OrdersApi
                        Path: /health
                        Method: get
                        Auth:
                          ApiKeyRequired: false
            """
        let files = try project(["template.yaml": template])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        let key = try #require(served.captured.stdout.firstMatch(of: /OrdersApiApiKey  (\S+)/).map { String($0.1) }, "\(served.captured.stdout)")
        #expect(try await served.request("/v1/orders/7").0 == 403)
        let (status, _, body) = try await served.request("/v1/orders/7", method: "DELETE", key: key)
        #expect(status == 200, "\(body)")
        #expect(body.contains("\"DELETE\""))
        #expect(try await served.request("/v1/health").0 == 200)
        #expect(try await served.request("/Stage/health").0 != 200)
        let (preflight, headers, _) = try await served.request("/v1/orders/7", method: "OPTIONS")
        #expect(preflight == 200)
        #expect(headers["Access-Control-Allow-Origin"] as? String == "https://example.com")
        #expect(served.captured.stdout.contains("100 per DAY"), "\(served.captured.stdout)")
        #expect(served.captured.stdout.contains("OrdersFunction:live"), "\(served.captured.stdout)")
    }

    @Test(
        "a Node.js SAM function: InlineCode as index.js, and a CodeUri directory with an ES module",
        .enabled(if: (try? runCommand(["node", "--version"]))?.status == 0, "node is not on PATH"))
    func nodeFunctions() async throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Runtime: nodejs20.x
            Resources:
              Inline:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: index.handler
                  InlineCode: |
                    exports.handler = async (event) => ({statusCode: 200, body: JSON.stringify({inline: event.path})});
                  Events:
                    Get: {Type: Api, Properties: {Path: /inline, Method: get}}
              Module:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: hello-world/
                  Handler: app.lambdaHandler
                  Events:
                    Get: {Type: Api, Properties: {Path: /hello, Method: get}}
            """
        let files = try project([
            "template.yaml": template,
            "hello-world/app.mjs": "export const lambdaHandler = async () => ({statusCode: 200, body: JSON.stringify({message: 'hello world'})});\n",
            "hello-world/package.json": #"{"name": "hello_world", "type": "module", "main": "app.mjs"}"#,
        ])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        #expect(try await served.request("/Prod/inline").2 == #"{"inline":"/inline"}"#)
        #expect(try await served.request("/Prod/hello").2 == #"{"message":"hello world"}"#)
    }

    @Test("an event's RequestModel with ValidateBody: the API's model validates the body (400 Invalid request body), as AWS's translator wires it")
    func requestModel() async throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: Prod
                  Models:
                    Vehicle:
                      type: object
                      required: [make, year]
                      properties:
                        make: {type: string}
                        year: {type: integer, minimum: 2010}
              Process:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: |
                    def handler(event, context):
                        return {"statusCode": 200, "body": event["body"]}
                  Handler: index.handler
                  Runtime: python3.12
                  Events:
                    Post:
                      Type: Api
                      Properties:
                        RestApiId: !Ref Api
                        Path: /vehicle
                        Method: post
                        RequestModel: {Model: Vehicle, Required: true, ValidateBody: true}
            """
        let files = try project(["template.yaml": template])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        let json = ["Content-Type": "application/json"]
        let refused = try await served.request("/Prod/vehicle", method: "POST", headers: json, body: #"{"make": "x", "year": 1999}"#)
        #expect(refused.0 == 400)
        #expect(refused.2 == #"{"message": "Invalid request body"}"# || refused.2 == #"{"message":"Invalid request body"}"#, "\(refused.2)")
        let accepted = try await served.request("/Prod/vehicle", method: "POST", headers: json, body: #"{"make": "x", "year": 2020}"#)
        #expect(accepted.0 == 200)
        // A model the API does not define is refused as the translator refuses it.
        let broken = try project(["template.yaml": template.replacingOccurrences(of: "Model: Vehicle,", with: "Model: Truck,")])
        let captured = CapturedIO()
        #expect(runGateway(arguments: ["serve", "--port", "0", "--template", broken.path + "/template.yaml"], io: captured.io, waitForStop: {}) == 2)
        #expect(captured.stderr.contains("Unable to set RequestModel [Truck] on API method [post] for path [/vehicle] because it wasn't defined in the API's Models."), "\(captured.stderr)")
    }

    @Test("Examples/SAMAuthorizer: a Python TOKEN authorizer as the API's default — 401 without a token or for an unknown user, the context in the proxy event as strings, an explicit Deny 403, NONE open, the reasons in the serve log")
    func lambdaAuthorizer() async throws {
        let example = SchemaCheckCommandTests.packageRoot + "/Examples/SAMAuthorizer/"
        var files: [String: String] = [:]
        for name in ["template.yaml", "src/authorizer.py", "src/app.py"] { files[name] = try String(contentsOfFile: example + name, encoding: .utf8) }
        let directory = try project(files)
        let served = try ServedGateway(template: directory.path + "/template.yaml")
        defer { _ = served.shutdown() }
        #expect(try await served.request("/prod/health").0 == 200)
        let (missing, missingHeaders, missingBody) = try await served.request("/prod/whoami")
        #expect(missing == 401)
        #expect(missingBody == #"{"message":"Unauthorized"}"#)
        #expect(missingHeaders["x-amzn-ErrorType"] as? String == "UnauthorizedException")
        #expect(try await served.request("/prod/whoami", headers: ["Authorization": "Bearer mallory"]).0 == 401)
        #expect(try await served.request("/prod/whoami", headers: ["Authorization": "Token ada"]).0 == 401)
        let (allowed, _, body) = try await served.request("/prod/whoami", headers: ["Authorization": "Bearer grace"])
        #expect(allowed == 200, "\(body)")
        #expect(try JSONParser().parse(Array(body.utf8)) == ["admin": "false", "integrationLatency": 0, "principalId": "grace", "user": "grace"])
        let (denied, _, deniedBody) = try await served.request("/prod/admin", headers: ["Authorization": "Bearer grace"])
        #expect(denied == 403)
        #expect(deniedBody == #"{"Message":"User is not authorized to access this resource with an explicit deny"}"#)
        #expect(try await served.request("/prod/admin", headers: ["Authorization": "Bearer ada"]).0 == 200)
        // The serve log says why a request was refused (written by the log's own thread: waited for).
        let deadline = Date().addingTimeInterval(5)
        while !(served.captured.stdout + served.captured.stderr).contains("policy denies"), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let output = served.captured.stdout + served.captured.stderr
        #expect(output.contains("GET /prod/whoami 401"), "\(output)")
        #expect(output.contains("the identity source method.request.header.Authorization is missing or empty"), "\(output)")
        #expect(output.contains("policy denies arn:aws:execute-api:us-east-1:123456789012:"), "\(output)")
    }

    @Test("SAM Auth.ResourcePolicy as the translator writes it: IpRangeWhitelist and CustomStatements enforced (403 with AWS's text), no longer 'not emulated'")
    func resourcePolicy() async throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Auth:
                    ResourcePolicy:
                      IpRangeWhitelist: ["127.0.0.0/8", "::1/128"]
                      CustomStatements:
                        - Effect: Deny
                          Principal: "*"
                          Action: execute-api:Invoke
                          Resource: execute-api:/*/DELETE/*
              Office:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: office
                  Auth:
                    ResourcePolicy:
                      IpRangeWhitelist: ["10.20.0.0/16"]
              F:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: |
                    def handler(event, context):
                        return {"statusCode": 200, "body": event["httpMethod"]}
                  Handler: index.handler
                  Runtime: python3.12
                  Events:
                    Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/things/{id}", Method: get}}
                    Delete: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/things/{id}", Method: delete}}
                    Office: {Type: Api, Properties: {RestApiId: !Ref Office, Path: /desk, Method: get}}
            """
        let files = try project(["template.yaml": template])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        let (status, _, body) = try await served.request("/prod/things/1")
        #expect(status == 200, "\(body)")
        let (deleted, _, deletedBody) = try await served.request("/prod/things/1", method: "DELETE")
        #expect(deleted == 403)
        #expect(deletedBody.contains("/prod/DELETE/things/1 with an explicit deny"), "\(deletedBody)")
        let (office, _, officeBody) = try await served.request("/office/desk")
        #expect(office == 403)
        #expect(officeBody.hasPrefix(#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:"#), "\(officeBody)")
        #expect(!served.captured.stderr.contains("ResourcePolicy"), "\(served.captured.stderr)")
    }

    @Test("a DefinitionBody included from a local file (AWS::Include), with Fn::Sub integration URIs")
    func definitionBody() async throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: dev
                  DefinitionBody:
                    Fn::Transform:
                      Name: AWS::Include
                      Parameters:
                        Location: ./api.yaml
              Echo:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src
                  Handler: echo.handler
                  Runtime: python3.12
            """
        let api = """
            openapi: 3.0.1
            info: {title: Included, version: "1"}
            paths:
              /echo:
                post:
                  x-amazon-apigateway-integration:
                    type: aws_proxy
                    httpMethod: POST
                    uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations
            """
        let files = try project([
            "template.yaml": template, "api.yaml": api,
            "src/echo.py": "def handler(event, context):\n    return {'statusCode': 200, 'body': event['body']}\n",
        ])
        let served = try ServedGateway(template: files.path + "/template.yaml")
        defer { _ = served.shutdown() }
        let (status, _, body) = try await served.request("/dev/echo", method: "POST", body: "ping")
        #expect(status == 200)
        #expect(body == "ping")
        #expect(served.captured.stdout.hasPrefix("Included is listening"), "\(served.captured.stdout)")
    }

    @Test("a CloudFormation template (JSON): a RestApi with a Body, a Stage, a function with inline Code.ZipFile")
    func cloudFormation() async throws {
        let template = #"""
            {"AWSTemplateFormatVersion": "2010-09-09",
             "Resources": {
               "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "index.handler",
                 "Role": "arn:aws:iam::123456789012:role/x",
                 "Code": {"ZipFile": "def handler(event, context):\n    return {'statusCode': 201, 'body': 'made'}\n"}}},
               "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "Cfn", "Body": {
                 "swagger": "2.0", "info": {"title": "CfnApi", "version": "1"},
                 "paths": {"/things": {"post": {"responses": {}, "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                   "uri": {"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Fn", "Arn"]}, "/invocations"]]}}}}}}}},
               "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}}},
               "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "live", "DeploymentId": {"Ref": "Deployment"}}}
             }}
            """#
        let files = try project(["stack.template": template])
        let served = try ServedGateway(template: files.path + "/stack.template")
        defer { _ = served.shutdown() }
        let (status, _, body) = try await served.request("/live/things", method: "POST", body: "{}")
        #expect(status == 201)
        #expect(body == "made")
    }

    @Test("CloudFormation Methods with AuthorizationType CUSTOM (an AWS::ApiGateway::Authorizer, REQUEST) and AWS_IAM: enforced, never open")
    func cloudFormationAuthorizer() async throws {
        let template = #"""
            {"Resources": {
              "Auth": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:aws:iam::123456789012:role/x",
                "Code": {"ZipFile": "def handler(event, context):\n    if event['queryStringParameters']['user'] != 'ada':\n        raise Exception('Unauthorized')\n    return {'principalId': 'ada', 'policyDocument': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'execute-api:Invoke', 'Resource': event['methodArn']}]}, 'context': {'tier': 3}}\n"}}},
              "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "Guarded"}},
              "Authorizer": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {"RestApiId": {"Ref": "Api"}, "Name": "ByUser", "Type": "REQUEST",
                "IdentitySource": "method.request.querystring.user", "AuthorizerResultTtlInSeconds": 0,
                "AuthorizerUri": {"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Auth", "Arn"]}, "/invocations"]]}}},
              "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}},
              "Secret": {"Type": "AWS::ApiGateway::Resource", "Properties": {"ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "secret", "RestApiId": {"Ref": "Api"}}},
              "SecretGET": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET", "ResourceId": {"Ref": "Secret"}, "RestApiId": {"Ref": "Api"},
                "AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": "Authorizer"},
                "Integration": {"Type": "MOCK", "RequestTemplates": {"application/json": "{\"statusCode\": 200}"},
                  "IntegrationResponses": [{"StatusCode": "200", "ResponseTemplates": {"application/json": "tier $context.authorizer.tier"}}]},
                "MethodResponses": [{"StatusCode": "200"}]}},
              "SignedGET": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "POST", "ResourceId": {"Ref": "Secret"}, "RestApiId": {"Ref": "Api"},
                "AuthorizationType": "AWS_IAM", "Integration": {"Type": "MOCK", "RequestTemplates": {"application/json": "{\"statusCode\": 200}"}}}}
            }}
            """#
        let files = try project(["template.json": template])
        let served = try ServedGateway(template: files.path + "/template.json")
        defer { _ = served.shutdown() }
        #expect(try await served.request("/prod/secret").0 == 401)
        #expect(try await served.request("/prod/secret?user=eve").0 == 401)
        let (status, _, body) = try await served.request("/prod/secret?user=ada")
        #expect(status == 200, "\(body)")
        #expect(body == "tier 3")
        #expect(try await served.request("/prod/secret", method: "POST", body: "{}").0 == 403)
    }

    @Test("a cdk synth template: the API built from Resource and Method resources, a CDK asset directory, an API key with its usage plan")
    func cdkTemplate() async throws {
        let template = #"""
            {"Resources": {
              "ItemsHandlerServiceRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
              "ItemsHandler12AB": {"Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}, "S3Key": "abc123.zip"},
                  "Handler": "index.handler", "Runtime": "python3.12", "Role": {"Fn::GetAtt": ["ItemsHandlerServiceRole", "Arn"]}},
                "Metadata": {"aws:asset:path": "asset.abc123", "aws:asset:property": "Code"}},
              "ItemsApi5E2F": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "ItemsCdk"}},
              "ItemsApiDeployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "ItemsApi5E2F"}}},
              "ItemsApiStageprod": {"Type": "AWS::ApiGateway::Stage",
                "Properties": {"RestApiId": {"Ref": "ItemsApi5E2F"}, "DeploymentId": {"Ref": "ItemsApiDeployment"}, "StageName": "prod"}},
              "ItemsApiitems": {"Type": "AWS::ApiGateway::Resource",
                "Properties": {"ParentId": {"Fn::GetAtt": ["ItemsApi5E2F", "RootResourceId"]}, "PathPart": "items", "RestApiId": {"Ref": "ItemsApi5E2F"}}},
              "ItemsApiitemsid": {"Type": "AWS::ApiGateway::Resource",
                "Properties": {"ParentId": {"Ref": "ItemsApiitems"}, "PathPart": "{id}", "RestApiId": {"Ref": "ItemsApi5E2F"}}},
              "ItemsApiitemsGET": {"Type": "AWS::ApiGateway::Method",
                "Properties": {"HttpMethod": "GET", "ResourceId": {"Ref": "ItemsApiitems"}, "RestApiId": {"Ref": "ItemsApi5E2F"}, "AuthorizationType": "NONE",
                  "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                    "Uri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/",
                                              {"Fn::GetAtt": ["ItemsHandler12AB", "Arn"]}, "/invocations"]]}}}},
              "ItemsApiitemsidGET": {"Type": "AWS::ApiGateway::Method",
                "Properties": {"HttpMethod": "GET", "ResourceId": {"Ref": "ItemsApiitemsid"}, "RestApiId": {"Ref": "ItemsApi5E2F"}, "ApiKeyRequired": true,
                  "RequestParameters": {"method.request.path.id": true},
                  "Integration": {"Type": "MOCK", "RequestTemplates": {"application/json": "{\"statusCode\": 200}"},
                    "IntegrationResponses": [{"StatusCode": "200", "ResponseTemplates": {"application/json": "{\"id\": \"$input.params('id')\"}"}}]},
                  "MethodResponses": [{"StatusCode": "200"}]}},
              "ItemsKey": {"Type": "AWS::ApiGateway::ApiKey", "Properties": {"Name": "CdkKey", "Enabled": true}},
              "ItemsPlan": {"Type": "AWS::ApiGateway::UsagePlan",
                "Properties": {"UsagePlanName": "CdkPlan", "ApiStages": [{"ApiId": {"Ref": "ItemsApi5E2F"}, "Stage": {"Ref": "ItemsApiStageprod"}}],
                  "Quota": {"Limit": 50, "Period": "DAY"}}},
              "ItemsPlanKey": {"Type": "AWS::ApiGateway::UsagePlanKey",
                "Properties": {"KeyId": {"Ref": "ItemsKey"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "ItemsPlan"}}}
            }}
            """#
        let files = try project([
            "cdk.out/ItemsStack.template.json": template,
            "cdk.out/asset.abc123/index.py": "def handler(event, context):\n    return {'statusCode': 200, 'body': 'items from ' + event['resource']}\n",
        ])
        let served = try ServedGateway(template: files.path + "/cdk.out/ItemsStack.template.json")
        defer { _ = served.shutdown() }
        let (status, _, body) = try await served.request("/prod/items")
        #expect(status == 200, "\(body) \(served.captured.stderr)")
        #expect(body == "items from /items")
        #expect(try await served.request("/prod/items/9").0 == 403)
        let key = try #require(served.captured.stdout.firstMatch(of: /CdkKey  (\S+)/).map { String($0.1) }, "\(served.captured.stdout)")
        #expect(try await served.request("/prod/items/9", key: key).2 == #"{"id": "9"}"#)
        #expect(served.captured.stdout.contains("CdkPlan: 50 per DAY"), "\(served.captured.stdout)")
    }

    @Test("a Serverless Framework package: the template in .serverless/, the function's zip beside it unpacked by our own reader")
    func serverlessFrameworkPackage() async throws {
        let template = #"""
            {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
              "ServerlessDeploymentBucket": {"Type": "AWS::S3::Bucket"},
              "HelloLambdaFunction": {"Type": "AWS::Lambda::Function", "Properties": {
                "Code": {"S3Bucket": {"Ref": "ServerlessDeploymentBucket"}, "S3Key": "serverless/svc/dev/1700000000000-2024-01-01T00:00:00.000Z/svc.zip"},
                "Handler": "handler.hello", "Runtime": "python3.12", "FunctionName": "svc-dev-hello", "MemorySize": 1024, "Timeout": 6}},
              "ApiGatewayRestApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "dev-svc"}},
              "ApiGatewayResourceHello": {"Type": "AWS::ApiGateway::Resource",
                "Properties": {"ParentId": {"Fn::GetAtt": ["ApiGatewayRestApi", "RootResourceId"]}, "PathPart": "hello", "RestApiId": {"Ref": "ApiGatewayRestApi"}}},
              "ApiGatewayMethodHelloGet": {"Type": "AWS::ApiGateway::Method", "Properties": {"HttpMethod": "GET", "RequestParameters": {},
                "ResourceId": {"Ref": "ApiGatewayResourceHello"}, "RestApiId": {"Ref": "ApiGatewayRestApi"}, "ApiKeyRequired": false, "AuthorizationType": "NONE",
                "Integration": {"IntegrationHttpMethod": "POST", "Type": "AWS_PROXY",
                  "Uri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/",
                                            {"Fn::GetAtt": ["HelloLambdaFunction", "Arn"]}, "/invocations"]]}}, "MethodResponses": []}},
              "ApiGatewayDeployment1700000000000": {"Type": "AWS::ApiGateway::Deployment",
                "Properties": {"RestApiId": {"Ref": "ApiGatewayRestApi"}, "StageName": "dev"}, "DependsOn": ["ApiGatewayMethodHelloGet"]}
            }}
            """#
        let files = try project([
            ".serverless/cloudformation-template-update-stack.json": template,
            "src/handler.py": "def hello(event, context):\n    return {'statusCode': 200, 'body': 'packaged ' + event['path']}\n",
        ])
        let zipped = try runCommand(["python3", "-m", "zipfile", "-c", files.path + "/.serverless/svc.zip", "handler.py"], in: files.path + "/src")
        #expect(zipped.status == 0, "\(zipped.error)")
        let served = try ServedGateway(template: files.path + "/.serverless/cloudformation-template-update-stack.json")
        defer { _ = served.shutdown() }
        let (status, _, body) = try await served.request("/dev/hello")
        #expect(status == 200, "\(body) \(served.captured.stderr)")
        #expect(body == "packaged /hello")
    }

    @Test("a template AWS would refuse: exit 2 and one line per problem, each at its line:column and resource path")
    func refusals() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Java:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: .
                  Handler: example.Handler
                  Runtime: java21
              NoPath:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: .
                  Handler: app.handler
                  Runtime: python3.12
                  Environment:
                    Variables:
                      TABLE: !Ref Tabel
                  Events:
                    Get:
                      Type: Api
                      Properties:
                        Method: get
              Table:
                Type: AWS::DynamoDB::Table
            """
        let files = try project(["template.yaml": template])
        let captured = CapturedIO()
        let status = runGateway(arguments: ["serve", "--port", "0", "--template", files.path + "/template.yaml"], io: captured.io, waitForStop: {})
        #expect(status == 2)
        let lines = captured.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasSuffix("template.yaml:8:16: Resources/Java/Properties/Runtime: Java has runtime java21, which does not run here (python3.x, nodejs18.x–nodejs24.x, provided.al2023, provided.al2)") }, "\(lines)")
        #expect(lines.contains { $0.contains("template.yaml:17:18: Resources/NoPath/Properties/Environment/Variables/TABLE/Ref: Ref to \"Tabel\"") && $0.contains("did you mean \"Table\"") }, "\(lines)")
        #expect(lines.count == 2, "\(lines)")
        #expect(!FileManager.default.fileExists(atPath: files.path + "/.gateway/template/state.json"))
    }

    @Test("a member of the wrong shape is an error at its line:column and path, never read as empty (Properties, Events, Outputs, Parameters, MethodResponses, a resource without a Type)")
    func wrongShapes() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters: [Stage]
            Resources:
              Listed:
                Type: AWS::Serverless::Function
                Properties: [CodeUri, Handler]
              EventsListed:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: "def h(e, c): return 1"
                  Handler: index.h
                  Runtime: python3.12
                  Events: [Get]
              Untyped:
                Properties: {}
              Method:
                Type: AWS::ApiGateway::Method
                Properties:
                  RestApiId: !Ref Api
                  HttpMethod: GET
                  ResourceId: !GetAtt Api.RootResourceId
                  MethodResponses: {StatusCode: 200}
              Api:
                Type: AWS::ApiGateway::RestApi
                Properties:
                  Name: listed
            Outputs: [Url]
            """
        let source = try TemplateSource(file: "template.yaml", bytes: Array(template.utf8))
        var text = ""
        do {
            _ = try TemplateTransform(source: source, baseDirectory: "/tmp", generatedDirectory: "/tmp/generated").project()
        } catch {
            text = error.description
        }
        let lines = text.split(separator: "\n").map(String.init)
        for expected in [
            "template.yaml:2:13: Parameters: expected an object, found array",
            "template.yaml:6:17: Resources/Listed/Properties: expected an object, found array",
            "template.yaml:13:15: Resources/EventsListed/Properties/Events: expected an object, found array",
            "template.yaml:15:5: Resources/Untyped: Every Resources object must contain a Type member (a string)",
            "template.yaml:27:10: Outputs: expected an object, found array",
        ] {
            #expect(lines.contains(expected), "\(expected) in \(lines)")
        }
        #expect(lines.contains { $0.contains("Resources/Method/Properties/MethodResponses: expected an array, found object") }, "\(lines)")
    }

    @Test("events are checked as the translator checks them: a missing Path names the event")
    func eventWithoutPath() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              F:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: "def h(e, c): return 1"
                  Handler: index.h
                  Runtime: python3.12
                  Events:
                    Get:
                      Type: Api
                      Properties:
                        Method: get
            """
        let source = try TemplateSource(file: "template.yaml", bytes: Array(template.utf8))
        #expect {
            _ = try TemplateTransform(source: source, baseDirectory: "/tmp", generatedDirectory: "/tmp/generated").project()
        } throws: { error in
            let text = (error as? TemplateErrors)?.description ?? ""
            return text.contains("template.yaml:13:13: Resources/F/Properties/Events/Get/Properties/Path: Event with id [Get] is invalid. Property 'Path' is required.")
        }
    }

    @Test("intrinsics: Conditions decide which resources exist, Fn::If, Fn::FindInMap, Fn::Sub with variables and ${!Literal}, Fn::Select/Split/Join")
    func intrinsics() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Env: {Type: String, Default: prod, AllowedValues: [dev, prod]}
            Mappings:
              Sizes: {prod: {Memory: 512}, dev: {Memory: 128}}
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
              IsDev: !Not [!Condition IsProd]
            Resources:
              OnlyDev:
                Type: AWS::Serverless::Function
                Condition: IsDev
                Properties: {InlineCode: "x", Handler: index.h, Runtime: python3.12}
              F:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: "def h(e, c): return 1"
                  Handler: index.h
                  Runtime: python3.12
                  MemorySize: !FindInMap [Sizes, !Ref Env, Memory]
                  Timeout: !If [IsProd, 30, 3]
                  Environment:
                    Variables:
                      SUB: !Sub ["${Prefix}-${AWS::Region}-${!Literal}", {Prefix: !Select [1, !Split [",", "a,b,c"]]}]
                      JOINED: !Join ["/", [!Ref Env, !GetAtt F.Arn]]
            """
        let source = try TemplateSource(file: "template.yaml", bytes: Array(template.utf8))
        let project = try TemplateTransform(source: source, baseDirectory: "/tmp", generatedDirectory: "/tmp/generated").project()
        let functions = project.deployment["functions"]
        #expect(functions?["OnlyDev"] == nil)
        #expect(functions?["F"]?["memorySize"] == 512)
        #expect(functions?["F"]?["timeout"] == 30)
        #expect(functions?["F"]?["environment"]?["SUB"] == "b-us-east-1-${Literal}")
        #expect(functions?["F"]?["environment"]?["JOINED"] == "prod/arn:aws:lambda:us-east-1:123456789012:function:F")

        // Another stack's export: an error naming it, unless an override gives it.
        let importing = template.replacingOccurrences(of: "JOINED: !Join", with: "TABLE: !ImportValue SharedTable\n          JOINED: !Join")
        let importSource = try TemplateSource(file: "template.yaml", bytes: Array(importing.utf8))
        #expect {
            _ = try TemplateTransform(source: importSource, baseDirectory: "/tmp", generatedDirectory: "/tmp/generated").project()
        } throws: { error in
            (error as? TemplateErrors)?.description.contains("Fn::ImportValue of \"SharedTable\"") == true
        }
        var overridden = TemplateTransform(source: importSource, baseDirectory: "/tmp", generatedDirectory: "/tmp/generated")
        overridden.overrides = ["SharedTable": "items-table"]
        #expect(try overridden.project().deployment["functions"]?["F"]?["environment"]?["TABLE"] == "items-table")
    }

    @Test("hostile templates are bounded: conditions that double at each level, an include that includes itself twice, a reference loop")
    func hostileTemplates() throws {
        var conditions = "Conditions:\n  C60: !Equals [a, a]\n"
        for level in (0..<60).reversed() { conditions += "  C\(level): !And [!Condition C\(level + 1), !Condition C\(level + 1)]\n" }
        let doubling = "Transform: AWS::Serverless-2016-10-31\n" + conditions + """
            Resources:
              F:
                Type: AWS::Serverless::Function
                Condition: C0
                Properties: {InlineCode: "x", Handler: index.h, Runtime: python3.12}
            """
        let start = Date()
        let made = try TemplateTransform(source: try TemplateSource(file: "t.yaml", bytes: Array(doubling.utf8)), baseDirectory: "/tmp", generatedDirectory: "/tmp/g").project()
        #expect(made.deployment["functions"]?["F"] != nil)
        #expect(Date().timeIntervalSince(start) < 5, "2^60 condition evaluations were not avoided")

        let files = try project([
            "template.yaml": """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: dev
                      DefinitionBody:
                        Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./loop.yaml}}
                """,
            "loop.yaml": """
                a:
                  Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./loop.yaml}}
                b:
                  Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./loop.yaml}}
                """,
        ])
        let looping = try TemplateSource(file: files.path + "/template.yaml", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: files.path + "/template.yaml"))))
        #expect {
            _ = try TemplateTransform(source: looping, baseDirectory: files.path, generatedDirectory: files.path + "/g").project()
        } throws: { error in
            (error as? TemplateErrors)?.description.contains("includes in one template") == true || (error as? TemplateErrors)?.description.contains("nest deeper") == true
        }

        let cycle = """
            Transform: AWS::Serverless-2016-10-31
            Conditions:
              A: !Condition B
              B: !Condition A
            Resources:
              F:
                Type: AWS::Serverless::Function
                Condition: A
                Properties: {InlineCode: "x", Handler: index.h, Runtime: python3.12}
            """
        #expect(throws: TemplateErrors.self) {
            _ = try TemplateTransform(source: try TemplateSource(file: "t.yaml", bytes: Array(cycle.utf8)), baseDirectory: "/tmp", generatedDirectory: "/tmp/g").project()
        }
    }
}
