import ItemsService
import JSONCore
import LambdaRuntime
import Testing

@Suite("Lambda runtime")
struct LambdaServiceTests {
    func service() -> LambdaService {
        let service = LambdaService()
        service.register(handler: ItemsFunction(), named: ItemsFunction.handlerName)
        service.install({ var catalog = service.catalog(); catalog.createFunction("ItemsFunction", configuration: FunctionConfiguration(handler: ItemsFunction.handlerName)); return catalog }())
        return service
    }

    @Test("ItemsFunction: the list, one item, NotFoundError")
    func items() throws {
        let lambda = service()
        #expect(try lambda.invoke("ItemsFunction", payload: [:]).payload.arrayValue?.count == 4)
        #expect(try lambda.invoke("ItemsFunction", payload: ["ID": "4"]).payload["name"] == "Ruler")
        let missing = try lambda.invoke("ItemsFunction", payload: ["ID": 5])
        #expect(missing.functionError == "Unhandled")
        #expect(missing.payload["errorMessage"] == "NotFoundError")
        #expect(missing.payload["errorType"] == "Exception")
        #expect(missing.payload["requestId"]?.stringValue == missing.requestId)
        #expect(missing.payload["stackTrace"] == [])
    }

    @Test("versions are numbered, immutable, and not re-created for an unchanged $LATEST")
    func versions() throws {
        let lambda = service()
        #expect(try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.publishVersion("ItemsFunction", codeRunner: nil) } == "1")
        #expect(try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.publishVersion("ItemsFunction", codeRunner: nil) } == "1")
        try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.updateFunction("ItemsFunction", configuration: FunctionConfiguration(handler: ItemsFunction.handlerName, memorySize: 256)) }
        #expect(try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.publishVersion("ItemsFunction", codeRunner: nil) } == "2")
        #expect(try lambda.versions("ItemsFunction").map(\.1.memorySize) == [128, 256])
        #expect(throws: LambdaServiceError.self) { try lambda.invoke("ItemsFunction:7", payload: [:]) }
        #expect(throws: LambdaServiceError.self) { try lambda.invoke("Nope", payload: [:]) }
    }

    @Test("alias routing rules: one extra version, weights 0–1, never $LATEST")
    func aliasRules() throws {
        let lambda = service()
        try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.publishVersion("ItemsFunction", codeRunner: nil) }
        try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.updateFunction("ItemsFunction", configuration: FunctionConfiguration(handler: ItemsFunction.handlerName, memorySize: 512)) }
        try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.publishVersion("ItemsFunction", codeRunner: nil) }
        #expect(throws: LambdaServiceError.self) { try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.setAlias("a", of: "ItemsFunction", to: FunctionAlias(version: "1", additionalVersion: ("2", 1.5))) } }
        #expect(throws: LambdaServiceError.self) { try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.setAlias("a", of: "ItemsFunction", to: FunctionAlias(version: "$LATEST", additionalVersion: ("2", 0.5))) } }
        #expect(throws: LambdaServiceError.self) { try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.setAlias("a", of: "ItemsFunction", to: FunctionAlias(version: "1", additionalVersion: ("1", 0.5))) } }
        #expect(throws: LambdaServiceError.self) { try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.setAlias("a", of: "ItemsFunction", to: FunctionAlias(version: "1", additionalVersion: ("$LATEST", 0.5))) } }
        #expect(throws: LambdaServiceError.self) { try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.setAlias("123", of: "ItemsFunction", to: FunctionAlias(version: "1")) } }
        try lambda.change { (catalog) throws(LambdaServiceError) in try catalog.setAlias("canary", of: "ItemsFunction", to: FunctionAlias(version: "1", additionalVersion: ("2", 0.3))) }
        var counts: [String: Int] = [:]
        for _ in 0..<2000 { counts[try lambda.invoke("ItemsFunction:canary", payload: [:]).executedVersion, default: 0] += 1 }
        #expect((400...800).contains(counts["2"] ?? 0))  // about 30 %
        #expect((counts["1"] ?? 0) + (counts["2"] ?? 0) == 2000)
    }

    @Test("START, END and REPORT lines; Init Duration only on a cold start; metrics")
    func logs() throws {
        let lambda = service()
        let first = try lambda.invoke("ItemsFunction", payload: [:], collectLogs: true)
        #expect(first.logLines[0] == "START RequestId: \(first.requestId) Version: $LATEST")
        #expect(first.logLines[1] == "END RequestId: \(first.requestId)")
        let report = first.logLines[2]
        #expect(report.hasPrefix("REPORT RequestId: \(first.requestId)\tDuration: "))
        #expect(report.contains(" ms\tBilled Duration: "))
        #expect(report.contains("\tMemory Size: 128 MB\tMax Memory Used: "))
        #expect(report.contains("Init Duration: "))
        #expect(report.hasSuffix("\t"))
        let warm = try lambda.invoke("ItemsFunction", payload: [:], collectLogs: true)
        #expect(!warm.logLines[2].contains("Init Duration"))
        _ = try lambda.invoke("ItemsFunction", payload: ["ID": 99])
        let metrics = try #require(lambda.metrics("ItemsFunction"))
        #expect(metrics.invocations == 3)
        #expect(metrics.errors == 1)
        #expect(metrics.durationPercentile(0.99) >= metrics.durationPercentile(0.5))
    }
}
