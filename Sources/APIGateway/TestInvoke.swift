import HTTPCore

/// The result of the console's Test button.
public struct TestInvokeResult: Sendable {
    /// The response.
    public let response: HTTPResponse
    /// Milliseconds spent.
    public let latencyMilliseconds: Double
    /// The execution log: mapping-template output, integration request and response, the
    /// selected pattern, Lambda's START/END/REPORT lines.
    public let log: [String]
}

extension Gateway {
    /// Runs one request through a stage's deployment as the console's Test button does (no
    /// API key, usage plan, throttling or cache), with the execution log.
    public func testInvoke(
        stage: String, method: String, path: String, query: [(String, String)] = [], headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) -> TestInvokeResult {
        var target = "/" + stage + (path.hasPrefix("/") ? path : "/" + path)
        if !query.isEmpty {
            target += "?" + query.map { "\(URLEncoding.encodeQueryComponent($0.0))=\(URLEncoding.encodeQueryComponent($0.1))" }.joined(separator: "&")
        }
        let start = clock.now()
        let (response, arrived) = handle(HTTPRequest(method: method.uppercased(), target: target, headers: headers, body: body), testInvoke: true)
        return TestInvokeResult(response: response, latencyMilliseconds: (clock.now() - start) * 1000, log: arrived.lines)
    }
}
