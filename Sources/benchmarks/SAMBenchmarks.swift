import ControlPlane
import Dispatch
import Foundation
import HTTPCore
import JSONCore
import LambdaEnvironments
import Templates

/// `gateway serve --template` on a generated SAM template of 100 Python functions and 300
/// routes (issue #30): the time from reading the template to the first answer (the transform,
/// writing the deployment, loading it, the one function's cold start), and a warm request
/// through a template-defined route beside the same function behind a deployment-file route.
func samBenchmarks() throws {
    guard findTool("python3") != nil else {
        print("\nsam: skipped (python3 is not on PATH)")
        return
    }
    let directory = NSTemporaryDirectory() + "sam-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory + "/src", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "def handler(event, context):\n    return {'statusCode': 200, 'body': event['path']}\n".write(
        toFile: directory + "/src/app.py", atomically: true, encoding: .utf8)
    var template = "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\n    Handler: app.handler\n    CodeUri: src/\nResources:\n"
    for function in 0..<100 {
        template += "  Fn\(function):\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n"
        for (index, method) in ["get", "post", "delete"].enumerated() {
            template += "        E\(index):\n          Type: Api\n          Properties:\n            Path: /f\(function)/items/{id}\n            Method: \(method)\n"
        }
    }
    try template.write(toFile: directory + "/template.yaml", atomically: true, encoding: .utf8)
    // The same function behind a deployment file (no template), for the warm comparison.
    try """
        {"stages": {"Prod": {"definition": "api.json"}}, "functions": {"Fn0": {"runtime": "python3.12", "handler": "app.handler", "code": "src"}}}
        """.write(toFile: directory + "/deployment.json", atomically: true, encoding: .utf8)
    try """
        {"swagger": "2.0", "info": {"title": "Direct", "version": "1"}, "paths": {"/f0/items/{id}": {"get": {"responses": {},
         "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
          "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Fn0/invocations"}}}}}
        """.write(toFile: directory + "/api.json", atomically: true, encoding: .utf8)
    print("\nsam: a generated template of 100 functions and 300 routes (python3), median of \(settings.runs) runs")

    let request = HTTPRequest(method: "GET", target: "/Prod/f0/items/7")
    _ = named("sam: template to first answer")
    var loadOnly: [Double] = []
    let first = measure(settings.runs) {
        let state = directory + "/state-\(UUID().uuidString)"
        let runner = LocalCodeRunner(snapshotDirectory: state + "/code")
        defer { runner.shutdown() }
        let start = DispatchTime.now().uptimeNanoseconds
        let bytes = Array(try! Data(contentsOf: URL(fileURLWithPath: directory + "/template.yaml")))
        let source = try! TemplateSource(file: directory + "/template.yaml", bytes: bytes)
        let project = try! TemplateTransform(source: source, baseDirectory: directory, generatedDirectory: state + "/template").project()
        precondition(project.write(into: state + "/template") == nil)
        let control = try! ControlPlane.load(deploymentFile: state + "/template/deployment.json", stateDirectory: state, handlers: [:], codeRunner: runner)
        loadOnly.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        precondition(control.gateway.respond(to: request).status == 200)
    }
    if !first.isNaN {
        loadOnly.sort()
        print(String(format: "%@%8.0f ms", "sam: template read, transformed, written and loaded".padding(toLength: 66, withPad: " ", startingAt: 0), loadOnly[loadOnly.count / 2] * 1000))
        print(String(format: "%@%8.0f ms", "sam: ... and the first answer (one cold start included)".padding(toLength: 66, withPad: " ", startingAt: 0), first * 1000))
    }

    _ = named("sam: warm request, template route vs deployment-file route")
    if settings.only.map({ currentName.contains($0) }) ?? true {
        let state = directory + "/state-warm"
        let runner = LocalCodeRunner(snapshotDirectory: state + "/code")
        defer { runner.shutdown() }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/template.yaml")))
        let project = try TemplateTransform(source: try TemplateSource(file: "template.yaml", bytes: bytes), baseDirectory: directory, generatedDirectory: state + "/template").project()
        precondition(project.write(into: state + "/template") == nil)
        let fromTemplate = try ControlPlane.load(deploymentFile: state + "/template/deployment.json", stateDirectory: nil, handlers: [:], codeRunner: runner)
        let fromFile = try ControlPlane.load(deploymentFile: directory + "/deployment.json", stateDirectory: nil, handlers: [:], codeRunner: runner)
        func p50(_ control: ControlPlane) -> Double {
            for _ in 0..<200 { precondition(control.gateway.respond(to: request).status == 200) }
            var medians: [Double] = []
            for _ in 0..<max(1, settings.runs) {
                var times: [Double] = []
                for _ in 0..<2000 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    precondition(control.gateway.respond(to: request).status == 200)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
                times.sort()
                medians.append(times[times.count / 2])
            }
            medians.sort()
            return medians[medians.count / 2]
        }
        // Alternated, so that the machine's drift falls on both.
        let a1 = p50(fromTemplate), b1 = p50(fromFile), a2 = p50(fromTemplate), b2 = p50(fromFile)
        print(String(format: "%@%8.3f ms  (%.3f, %.3f)", "sam: warm GET through a template route, p50".padding(toLength: 66, withPad: " ", startingAt: 0), (a1 + a2) / 2, a1, a2))
        print(String(format: "%@%8.3f ms  (%.3f, %.3f)", "sam: warm GET through a deployment-file route, p50".padding(toLength: 66, withPad: " ", startingAt: 0), (b1 + b2) / 2, b1, b2))
    }
}
