import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One `wrk` run's figures.
struct LoadResult {
    var requestsPerSecond: Double
    var p99Milliseconds: Double
    var errors: Int
}

/// `gateway serve` (the release binary next to this one) and `nginx` serving the same JSON as a
/// static file, both loaded with `wrk -t2 -c50 -d10s` over loopback keep-alive connections.
/// The gateway runs twice: with its default event loops (one per core) and with one loop (which
/// leaves a core to the load generator on a 2-core machine).
func httpBenchmarks() throws {
    guard let wrk = findTool("wrk") else {
        print("\nhttp: skipped (wrk is not installed: apt-get install wrk)")
        return
    }
    let duration = ProcessInfo.processInfo.environment["HTTP_BENCH_SECONDS"] ?? "10"
    let key = "loadtest-0123456789-abcdefghijklmnopqrstu"
    print("\nhttp over loopback: wrk -t2 -c50 -d\(duration)s --latency, keep-alive, median of \(settings.runs) runs (release gateway serve, --log-format off)")
    var rows: [(String, LoadResult)] = []
    var items: Data?
    for (label, threads) in [("", nil), (" [--threads 1]", "1")] as [(String, String?)] {
        let base = try startGateway(threads: threads)
        defer {
            base.server.interrupt()
            base.server.waitUntilExit()
            try? FileManager.default.removeItem(atPath: base.state)
        }
        for (name, path) in [("gateway: cached GET /prod/items", "/prod/items"), ("gateway: Lambda GET /dev/items/3 (uncached)", "/dev/items/3")] {
            _ = named("http: " + name + label)
            if let only = settings.only, !currentName.contains(only) { continue }
            let result = medianLoad(wrk: wrk, url: base.url + path, key: key, duration: duration)
            rows.append((name + label, result))
            printLoad(name + label, result)
        }
        if items == nil { items = try fetch(base.url + "/prod/items", key: key) }
        // The control plane on the same port: Lambda's Invoke of the lab function, signed for
        // the lambda service (signatures are not verified by default, so one header serves all).
        let name = "control plane: Lambda Invoke ItemsFunction:prod"
        _ = named("http: " + name + label)
        if settings.only.map({ currentName.contains($0) }) ?? true {
            let script = NSTemporaryDirectory() + "invoke-\(getpid()).lua"
            try invokeScript.write(toFile: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: script) }
            let result = medianLoad(
                wrk: wrk, url: base.url + "/2015-03-31/functions/ItemsFunction/invocations?Qualifier=prod", key: nil, duration: duration, script: script)
            rows.append((name + label, result))
            printLoad(name + label, result)
        }
    }

    // nginx serving the same bytes as a static file.
    _ = named("http: nginx static")
    if settings.only.map({ currentName.contains($0) }) ?? true, let items {
        if let nginx = findTool("nginx") ?? (FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") ? "/usr/sbin/nginx" : nil) {
            if let result = try nginxLoad(nginx: nginx, wrk: wrk, body: items, duration: duration) {
                printLoad("nginx: static /prod/items (same JSON)", result)
                for (name, row) in rows {
                    print(String(format: "%@%9.2f of nginx", ("ratio: " + name).padding(toLength: 66, withPad: " ", startingAt: 0), row.requestsPerSecond / result.requestsPerSecond))
                }
            }
        } else {
            print("nginx: skipped (not installed: apt-get install nginx-light)")
        }
    }
}

/// Starts the release `gateway serve` on a free port with the load-test deployment.
func startGateway(threads: String?, deployment: String = "Schemas/ItemsAPI.loadtest.deployment.json") throws -> (server: Process, url: String, state: String) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gateway").path
    let state = NSTemporaryDirectory() + "http-bench-\(getpid())-\(threads ?? "default")"
    try? FileManager.default.removeItem(atPath: state)
    let server = Process()
    server.executableURL = URL(fileURLWithPath: binary)
    server.arguments =
        // --exit-with-parent: a benchmark stopped by Ctrl-C or a time limit takes its server along.
        ["serve", "--port", "0", "--log-format", "off", "--exit-with-parent", "--deployment", deployment, "--state", state]
        + (threads.map { ["--threads", $0] } ?? [])
    let banner = Pipe()
    server.standardOutput = banner
    server.standardError = FileHandle.nullDevice
    try server.run()
    var text = ""
    while !text.contains("Press Ctrl-C") {
        let data = banner.fileHandleForReading.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
    }
    guard let portText = text.firstMatch(of: /port (\d+)\)/)?.1 else {
        server.interrupt()
        server.waitUntilExit()
        throw BenchmarkError("gateway serve did not start: \(text)")
    }
    return (server, "http://127.0.0.1:\(portText)", state)
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func printLoad(_ name: String, _ result: LoadResult) {
    print(
        String(
            format: "%@%9.0f requests/s  p99 %5.2f ms  errors %d", name.padding(toLength: 66, withPad: " ", startingAt: 0), result.requestsPerSecond,
            result.p99Milliseconds, result.errors))
}

/// A wrk script for Lambda's Invoke: POST, a JSON payload, a SigV4 header for the lambda service.
let invokeScript = """
    wrk.method = "POST"
    wrk.body = '{"ID": 3}'
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["X-Amz-Date"] = "20261202T120000Z"
    wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=\(String(repeating: "0", count: 64))"
    """

/// Runs wrk `settings.runs` times: the median requests/s, the median p99 and all errors.
func medianLoad(wrk: String, url: String, key: String?, duration: String, script: String? = nil) -> LoadResult {
    var results: [LoadResult] = []
    for _ in 0..<settings.runs { results.append(runWrk(wrk, url: url, key: key, duration: duration, script: script)) }
    // Each figure's own median (the run with the median throughput need not have the median p99).
    let rates = results.map(\.requestsPerSecond).sorted()
    let tails = results.map(\.p99Milliseconds).sorted()
    return LoadResult(requestsPerSecond: rates[rates.count / 2], p99Milliseconds: tails[tails.count / 2], errors: results.map(\.errors).reduce(0, +))
}

/// Runs wrk and reads its summary: requests/s, the 99th percentile, errors and non-2xx answers.
func runWrk(_ wrk: String, url: String, key: String?, duration: String, script: String? = nil) -> LoadResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: wrk)
    process.arguments =
        ["-t2", "-c50", "-d\(duration)s", "--latency"] + (key.map { ["-H", "x-api-key: \($0)"] } ?? []) + (script.map { ["-s", $0] } ?? []) + [url]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return LoadResult(requestsPerSecond: 0, p99Milliseconds: .nan, errors: 1) }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    var result = LoadResult(requestsPerSecond: 0, p99Milliseconds: .nan, errors: 0)
    for line in text.split(separator: "\n") {
        let words = line.split(separator: " ")
        if line.hasPrefix("Requests/sec:"), let value = words.last.flatMap({ Double($0) }) { result.requestsPerSecond = value }
        if words.first == "99%", let value = words.last { result.p99Milliseconds = milliseconds(String(value)) }
        if line.contains("Non-2xx") || line.contains("Socket errors") {
            result.errors += line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
        }
    }
    return result
}

/// `1.23ms`, `456.00us`, `1.01s` → milliseconds.
func milliseconds(_ text: String) -> Double {
    if text.hasSuffix("us") { return (Double(text.dropLast(2)) ?? .nan) / 1000 }
    if text.hasSuffix("ms") { return Double(text.dropLast(2)) ?? .nan }
    if text.hasSuffix("s") { return (Double(text.dropLast(1)) ?? .nan) * 1000 }
    return .nan
}

func fetch(_ url: String, key: String) throws -> Data {
    var request = URLRequest(url: URL(string: url)!)
    request.setValue(key, forHTTPHeaderField: "x-api-key")
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var body = Data()
    URLSession.shared.dataTask(with: request) { data, _, _ in
        body = data ?? Data()
        done.signal()
    }.resume()
    done.wait()
    return body
}

/// nginx with two workers and no access log, serving `body` at /prod/items.
func nginxLoad(nginx: String, wrk: String, body: Data, duration: String) throws -> LoadResult? {
    let directory = NSTemporaryDirectory() + "nginx-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory + "/root/prod", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try body.write(to: URL(fileURLWithPath: directory + "/root/prod/items"))
    let port = 20000 + Int(getpid() % 20000)
    let configuration = """
        worker_processes 2;
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log;
        events { worker_connections 1024; }
        http {
            access_log off;
            keepalive_requests 1000000;
            client_body_temp_path \(directory)/body;
            proxy_temp_path \(directory)/proxy;
            fastcgi_temp_path \(directory)/fastcgi;
            uwsgi_temp_path \(directory)/uwsgi;
            scgi_temp_path \(directory)/scgi;
            server {
                listen 127.0.0.1:\(port);
                root \(directory)/root;
                default_type application/json;
            }
        }
        """
    try configuration.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: nginx)
    process.arguments = ["-c", directory + "/nginx.conf", "-p", directory, "-g", "daemon off;"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
        process.terminate()
        process.waitUntilExit()
    }
    usleep(300_000)
    guard process.isRunning else {
        print("nginx: did not start (see \(directory)/error.log)")
        return nil
    }
    return medianLoad(wrk: wrk, url: "http://127.0.0.1:\(port)/prod/items", key: nil, duration: duration)
}

func findTool(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}
