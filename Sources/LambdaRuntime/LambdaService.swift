#if canImport(Glibc)
import Glibc
#endif
import JSONCore
import Synchronization

/// Lambda, in process: functions with a mutable `$LATEST`, immutable numbered versions,
/// aliases with weighted routing, qualified invocation, log lines and metrics.
/// Thread-safe; handlers run on the caller's thread.
public final class LambdaService: Sendable {
    /// One function: what persists (`record`, the catalog's entry) and its warm environments,
    /// metrics and calls in flight. A reference, so that invoking reads the fields it needs in
    /// place (a dictionary of structs would copy the whole state on every read); mutated only
    /// while holding `state`'s lock.
    final class FunctionState: @unchecked Sendable {
        init(_ record: LambdaCatalog.Function) { self.record = record }

        var record: LambdaCatalog.Function
        var warm: Set<String> = []
        var metrics = FunctionMetrics()
        /// Invocations in flight (against `record.reservedConcurrency`).
        var running = 0
    }

    private let handlers: Mutex<[String: any LambdaHandler]>
    private let state: Mutex<[String: FunctionState]>
    /// The account id in ARNs.
    public let accountId: String
    /// The region in ARNs.
    public let region: String
    /// `arn:aws:lambda:REGION:ACCOUNT:function:`.
    let arnPrefix: String
    /// Runs functions whose configuration names a runtime (code in a directory); nil when only
    /// built-in handlers can run.
    public let codeRunner: (any FunctionCodeRunner)?

    /// An empty service; `codeRunner` runs functions with a `runtime`.
    public init(accountId: String = "123456789012", region: String = "us-east-1", codeRunner: (any FunctionCodeRunner)? = nil) {
        self.accountId = accountId
        self.region = region
        self.codeRunner = codeRunner
        arnPrefix = "arn:aws:lambda:\(region):\(accountId):function:"
        handlers = Mutex([:])
        state = Mutex([:])
    }

    /// Makes `handler` available as code named `name`.
    public func register(handler: any LambdaHandler, named name: String) {
        handlers.withLock { $0[name] = handler }
    }

    /// The function ARN, with a qualifier when given.
    public func arn(_ function: String, qualifier: String? = nil) -> String {
        arnPrefix + function + (qualifier.map { ":" + $0 } ?? "")
    }

    // MARK: - Functions and versions

    /// The functions' persistent facts, copied: a draft to change and `install`.
    public func catalog() -> LambdaCatalog {
        state.withLock { catalog(of: $0) }
    }

    private func catalog(of functions: [String: FunctionState]) -> LambdaCatalog {
        var catalog = LambdaCatalog(arnPrefix: arnPrefix, clock: LambdaService.wallClock)
        catalog.functions = functions.mapValues(\.record)
        return catalog
    }

    /// Makes `catalog` (a changed draft) what invocations see; sandboxes, metrics and calls in
    /// flight are kept (a changed `$LATEST` starts cold).
    public func install(_ catalog: LambdaCatalog) {
        state.withLock { install(catalog, into: &$0) }
    }

    private func install(_ catalog: LambdaCatalog, into functions: inout [String: FunctionState]) {
        for name in functions.keys where catalog.functions[name] == nil { functions[name] = nil }
        for (name, record) in catalog.functions {
            guard let state = functions[name] else {
                functions[name] = FunctionState(record)
                continue
            }
            if state.record.latest != record.latest { state.warm.remove("$LATEST") }
            state.record = record
        }
    }

    /// Applies `change` to the catalog and installs it, under the lock (one change at a time;
    /// nothing changes when it throws).
    @discardableResult
    public func change<T>(_ change: (inout LambdaCatalog) throws(LambdaServiceError) -> T) throws(LambdaServiceError) -> T {
        try state.withLock { (functions) throws(LambdaServiceError) -> T in
            var draft = catalog(of: functions)
            let result = try change(&draft)
            install(draft, into: &functions)
            return result
        }
    }

    /// `body` with the function's state, under the lock (Lambda's 404 when there is none).
    private func read<T>(_ name: String, _ body: (FunctionState) -> T) throws(LambdaServiceError) -> T {
        try state.withLock { (functions) throws(LambdaServiceError) -> T in
            guard let function = functions[name] else { throw .notFound("Function not found: \(arn(name))") }
            return body(function)
        }
    }

    /// Names of the functions.
    public var functionNames: [String] { state.withLock { $0.keys.sorted() } }

    /// `$LATEST`'s configuration.
    public func latest(_ name: String) throws(LambdaServiceError) -> FunctionConfiguration {
        try read(name) { function in
            return function.record.latest
        }
    }

    /// The function's reserved concurrency.
    public func reservedConcurrency(_ name: String) -> Int? { state.withLock { $0[name]?.record.reservedConcurrency } }

    /// Published versions, in order.
    public func versions(_ name: String) throws(LambdaServiceError) -> [(String, FunctionConfiguration)] {
        try read(name) { function in
            return function.record.versions.sorted { $0.key < $1.key }.map { (String($0.key), $0.value) }
        }
    }

    // MARK: - Aliases

    /// When `$LATEST` (nil) or a version last changed, in seconds since 1970.
    public func lastModified(_ name: String, version: Int? = nil) throws(LambdaServiceError) -> Double {
        try read(name) { function in
            if let version { return function.record.published[version] ?? function.record.lastModified }
            return function.record.lastModified
        }
    }

    /// An alias's description.
    public func aliasDescription(_ name: String, _ alias: String) -> String? {
        state.withLock { $0[name]?.record.aliasDescriptions[alias] }
    }

    /// The aliases of a function.
    public func aliases(_ name: String) throws(LambdaServiceError) -> [(String, FunctionAlias)] {
        try read(name) { function in
            return function.record.aliases.sorted { $0.key < $1.key }
        }
    }

    // MARK: - Invocation

    /// Invokes `function` (`Name`, `Name:3`, `Name:alias`).
    public func invoke(_ function: String, payload: JSONValue, collectLogs: Bool = false) throws(LambdaServiceError) -> InvocationResult {
        // `name` or `name:qualifier`, split on bytes (a Character search costs grapheme breaking).
        var functionName = function
        var qualifier: String? = nil
        var text = function
        text.withUTF8 { bytes in
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
            functionName = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
            qualifier = String(decoding: UnsafeBufferPointer(rebasing: bytes[(colon + 1)...]), as: UTF8.self)
        }
        let resolveStart = LambdaService.monotonicNanoseconds()
        // Resolve the version and the configuration that runs.
        let (version, configuration, cold, functionState, counted) = try state.withLock {
            (functions) throws(LambdaServiceError) -> (String, FunctionConfiguration, Bool, FunctionState, Bool) in
            guard let function = functions[functionName] else { throw .notFound("Function not found: \(arn(functionName, qualifier: qualifier))") }
            var version = "$LATEST"
            var configuration = function.record.latest
            if let qualifier, qualifier != "$LATEST" {
                if let number = Int(qualifier) {
                    guard let published = function.record.versions[number] else { throw .notFound("Function not found: \(arn(functionName, qualifier: qualifier))") }
                    version = qualifier
                    configuration = published
                } else {
                    guard let alias = function.record.aliases[qualifier] else {
                        throw .notFound("Cannot find alias arn: \(arn(functionName, qualifier: qualifier))")
                    }
                    version = alias.version
                    if let extra = alias.additionalVersion, Double(RequestIdentifier.next() >> 11) / 9_007_199_254_740_992 < extra.weight {
                        version = extra.version
                    }
                    if version != "$LATEST" { configuration = function.record.versions[Int(version)!]! }
                }
            }
            if let reserved = function.record.reservedConcurrency {
                guard function.running < reserved else {
                    throw LambdaServiceError(status: 429, type: "TooManyRequestsException", message: "Rate Exceeded.")
                }
                function.running += 1
            }
            let cold = !function.warm.contains(version)
            if cold { function.warm.insert(version) }
            return (version, configuration, cold, function, function.record.reservedConcurrency != nil)
        }
        // Counted in flight only when the function has a reserved concurrency (decided under the lock).
        defer { if counted { state.withLock { _ in functionState.running -= 1 } } }
        if configuration.runtime != nil {
            return try invokeCode(
                functionName: functionName, qualifiedName: function, version: version, configuration: configuration, payload: payload,
                collectLogs: collectLogs, functionState: functionState)
        }
        guard let handler = handlers.withLock({ $0[configuration.handler] }) else {
            throw LambdaServiceError(status: 502, type: "ServiceException", message: "no handler registered as \(configuration.handler)")
        }
        // The id's text is made only if something reads it (an error payload, the log lines).
        let requestIdentifier = RequestIdentifier.Value.random()
        let context = LambdaContext(
            requestIdentifier: requestIdentifier, functionName: functionName, functionVersion: version,
            arnPrefix: arnPrefix, qualifiedName: function, memoryLimitInMB: configuration.memorySize,
            environment: configuration.environment)
        // A cold start's init: resolving the version and its handler (there is no runtime to boot).
        let start = LambdaService.monotonicNanoseconds()
        let initMilliseconds = Double(start &- resolveStart) / 1e6
        var result: JSONValue
        var failed = false
        do {
            result = try handler.handle(payload, context: context)
        } catch {
            failed = true
            result = [
                "errorMessage": .string(error.errorMessage), "errorType": .string(error.errorType), "requestId": .string(requestIdentifier.text),
                "stackTrace": [],
            ]
        }
        let milliseconds = Double(LambdaService.monotonicNanoseconds() &- start) / 1e6
        if milliseconds > configuration.timeout * 1000 {
            failed = true
            let message = "Task timed out after \(LambdaService.twoDecimals(configuration.timeout)) seconds"
            result = ["errorMessage": .string(message), "errorType": "Sandbox.Timedout", "requestId": .string(requestIdentifier.text)]
        }
        state.withLock { _ in functionState.metrics.record(milliseconds: milliseconds, failed: failed) }
        var lines: [String] = []
        if collectLogs {
            let requestId = requestIdentifier.text
            lines.append("START RequestId: \(requestId) Version: \(version)")
            lines.append("END RequestId: \(requestId)")
            var report = "REPORT RequestId: \(requestId)\tDuration: \(LambdaService.twoDecimals(milliseconds)) ms"
            report += "\tBilled Duration: \(Int(milliseconds.rounded(.up)).clamped(minimum: 1)) ms"
            report += "\tMemory Size: \(configuration.memorySize) MB\tMax Memory Used: \(LambdaService.maxMemoryUsedMB()) MB\t"
            if cold { report += "Init Duration: \(LambdaService.twoDecimals(initMilliseconds)) ms\t" }
            lines.append(report)
        }
        return InvocationResult(
            requestIdentifier: requestIdentifier, payload: result, functionError: failed ? "Unhandled" : nil, executedVersion: version, logLines: lines,
            durationMilliseconds: milliseconds)
    }

    /// Runs code from a directory through the code runner.
    private func invokeCode(
        functionName: String, qualifiedName: String, version: String, configuration: FunctionConfiguration, payload: JSONValue, collectLogs: Bool,
        functionState: FunctionState
    ) throws(LambdaServiceError) -> InvocationResult {
        guard let codeRunner else {
            throw LambdaServiceError(
                status: 502, type: "ServiceException", message: "no code runner for runtime \(configuration.runtime ?? "") in this process")
        }
        let requestIdentifier = RequestIdentifier.Value.random()
        let requestId = requestIdentifier.text
        let outcome = try codeRunner.invoke(
            CodeInvocation(
                functionName: functionName, version: version, invokedFunctionArn: arnPrefix + qualifiedName, configuration: configuration,
                payload: JSONWriter.compact.bytes(payload), requestId: requestId, region: region, collectLogs: collectLogs))
        let result: JSONValue
        if let parsed = try? JSONParser().parse(outcome.payload) {
            result = parsed
        } else {
            result = .string(String(decoding: outcome.payload, as: UTF8.self))
        }
        state.withLock { _ in functionState.metrics.record(milliseconds: outcome.durationMilliseconds, failed: outcome.failed) }
        var lines: [String] = []
        if collectLogs {
            lines.append("START RequestId: \(requestId) Version: \(version)")
            lines.append(contentsOf: outcome.logLines)
            lines.append("END RequestId: \(requestId)")
            let milliseconds = outcome.durationMilliseconds
            var report = "REPORT RequestId: \(requestId)\tDuration: \(LambdaService.twoDecimals(milliseconds)) ms"
            report += "\tBilled Duration: \(Int((milliseconds + (outcome.initMilliseconds ?? 0)).rounded(.up)).clamped(minimum: 1)) ms"
            report += "\tMemory Size: \(configuration.memorySize) MB\tMax Memory Used: \(outcome.maxMemoryUsedMB) MB\t"
            if let initMilliseconds = outcome.initMilliseconds { report += "Init Duration: \(LambdaService.twoDecimals(initMilliseconds)) ms\t" }
            if let status = outcome.status {
                report += "Status: \(status)"
                if status == "error", let type = outcome.errorType { report += "\tError Type: \(type)" }
            }
            lines.append(report)
        }
        return InvocationResult(
            requestIdentifier: requestIdentifier, payload: result, functionError: outcome.failed ? "Unhandled" : nil, executedVersion: version,
            logLines: lines, durationMilliseconds: outcome.durationMilliseconds, payloadBytes: outcome.payload)
    }

    /// Invocation counts and duration percentiles for a function.
    public func metrics(_ name: String) -> FunctionMetrics? { state.withLock { $0[name]?.metrics } }

    static func twoDecimals(_ value: Double) -> String { LogFormat.twoDecimals(value) }

    /// Seconds since 1970.
    static func wallClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The monotonic clock in nanoseconds (one `clock_gettime`, no `Duration` arithmetic).
    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    static func maxMemoryUsedMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss / 1024)
    }
}

/// Number formatting for log lines (`3.01`).
public enum LogFormat {
    /// A non-negative value with two decimals, as Lambda's REPORT line prints durations.
    public static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// Invocations, errors and duration percentiles (over the last 10,000 invocations).
public struct FunctionMetrics: Sendable {
    /// Invocations.
    public private(set) var invocations = 0
    /// Invocations that failed.
    public private(set) var errors = 0
    private var durations: [Double] = []
    private var next = 0

    mutating func record(milliseconds: Double, failed: Bool) {
        invocations += 1
        if failed { errors += 1 }
        if durations.count < 10_000 { durations.append(milliseconds) } else { durations[next] = milliseconds }
        next = (next + 1) % 10_000
    }

    /// The duration below which `fraction` of invocations finished (0.5, 0.9, 0.99).
    public func durationPercentile(_ fraction: Double) -> Double {
        guard !durations.isEmpty else { return 0 }
        let sorted = durations.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}

/// Random identifiers in the shapes AWS uses. Not for secrets: values come from a
/// splitmix64 sequence seeded once from the system generator (no system call per id).
public enum RequestIdentifier {
    private static let seed: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    /// The next pseudo-random 64-bit value.
    public static func next() -> UInt64 {
        var z = seed &+ counter.wrappingAdd(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Digit tables, read through a buffer pointer (no per-digit branches or bounds checks):
    /// each byte's two hex digits, and the base64 alphabet.
    private static let hexPairs: [UInt16] = (0..<256).map { byte in
        let digits = Array("0123456789abcdef".utf8)
        // Little-endian: the high nibble's digit first in memory.
        return UInt16(digits[byte >> 4]) | UInt16(digits[byte & 0xF]) << 8
    }
    private static let base64Digits: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// A random version-4 UUID as its 128 bits; `text` writes it out.
    public struct Value: Sendable, Hashable {
        let high: UInt64
        let low: UInt64

        /// A new random id.
        public static func random() -> Value {
            Value(high: (next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000, low: (next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
        }

        /// Lower-case, `8-4-4-4-12`.
        public var text: String { RequestIdentifier.uuidText(high: high, low: low) }
    }

    /// A random version-4 UUID, lower-case (`c0ffee00-…`).
    public static func uuid() -> String { Value.random().text }

    static func uuidText(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            // 8-4-4-4-12 hex digits: two digits per byte, dashes after bytes 4, 6, 8 and 10.
            buffer[8] = UInt8(ascii: "-")
            buffer[13] = UInt8(ascii: "-")
            buffer[18] = UInt8(ascii: "-")
            buffer[23] = UInt8(ascii: "-")
            _ = writeHex(high, bytes: 4, into: buffer, at: 0)
            _ = writeHex(high << 32, bytes: 2, into: buffer, at: 9)
            _ = writeHex(high << 48, bytes: 2, into: buffer, at: 14)
            _ = writeHex(low, bytes: 2, into: buffer, at: 19)
            return writeHex(low << 16, bytes: 6, into: buffer, at: 24)
        }
    }

    /// An X-Ray trace id, `Root=1-<epoch seconds: 8 hex>-<96 random bits: 24 hex>`.
    public static func traceIdentifier(epochSeconds: UInt64) -> String {
        let first = next(), second = next()
        return String(unsafeUninitializedCapacity: 40) { buffer in
            var position = 0
            for byte in "Root=1-".utf8 {
                buffer[position] = byte
                position += 1
            }
            position = writeHex(epochSeconds << 32, bytes: 4, into: buffer, at: position)
            buffer[position] = UInt8(ascii: "-")
            position = writeHex(first, bytes: 8, into: buffer, at: position + 1)
            return writeHex(second, bytes: 4, into: buffer, at: position)
        }
    }

    /// Writes the top `bytes` bytes of `word` as lower-case hex at `position`; the position after.
    private static func writeHex(_ word: UInt64, bytes: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at position: Int) -> Int {
        hexPairs.withUnsafeBufferPointer { pairs in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for index in 0..<bytes {
                let byte = Int(truncatingIfNeeded: (word >> UInt64(56 - 8 * index)) & 0xFF)
                raw.storeBytes(of: pairs[byte].littleEndian, toByteOffset: position + 2 * index, as: UInt16.self)
            }
            return position + 2 * bytes
        }
    }

    /// A short id ending in `=` (the shape of `x-amz-apigw-id`): 11 random bytes in base64.
    public static func shortIdentifier() -> String {
        let high = next()
        let low = next()
        return base64Digits.withUnsafeBufferPointer { digits in
            String(unsafeUninitializedCapacity: 16) { buffer in
                // 88 bits: 64 from `high`, 24 from `low`; 14 six-bit digits and one of 4 bits (+ `=`).
                for position in 0..<10 { buffer[position] = digits[Int(truncatingIfNeeded: (high >> UInt64(58 - 6 * position)) & 0x3F)] }
                let rest = (high & 0xF) << 20 | (low >> 44)  // 24 bits
                for position in 0..<4 { buffer[10 + position] = digits[Int(truncatingIfNeeded: (rest >> UInt64(18 - 6 * position)) & 0x3F)] }
                buffer[14] = digits[Int(truncatingIfNeeded: (low >> 38 & 0xF) << 2)]
                buffer[15] = UInt8(ascii: "=")
                return 16
            }
        }
    }
}

extension Int {
    fileprivate func clamped(minimum: Int) -> Int { Swift.max(self, minimum) }
}
