#if canImport(Glibc)
import Glibc
#endif
import JSONCore
import JSONSchema
import Synchronization

/// The text and JSON renderings of a `schema-check` run.
public struct SchemaCheckReport: Sendable {
    /// Per-payload results in input order.
    public let results: [PayloadChecker.Result]

    /// A report.
    public init(results: [PayloadChecker.Result]) { self.results = results }

    /// 0 all valid, 1 some invalid, 2 some payload unreadable or malformed.
    public var exitStatus: Int32 {
        var status: Int32 = 0
        for result in results {
            switch result.outcome {
            case .failed: return 2
            case .checked(let errors): if !errors.isEmpty { status = 1 }
            }
        }
        return status
    }

    /// `{"results":[{"file":…,"valid":…,"errors":[…]}]}` on one line, plus a newline.
    public func json() -> String {
        var output: [UInt8] = []
        output.reserveCapacity(results.count * 64)
        output.append(contentsOf: #"{"results":["#.utf8)
        for (position, result) in results.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"file":"#.utf8)
            JSONWriter.writeString(result.name, into: &output)
            if let document = result.document { output.append(contentsOf: #","document":\#(document)"#.utf8) }
            switch result.outcome {
            case .checked(let errors):
                output.append(contentsOf: (errors.isEmpty ? #","valid":true,"errors":["# : #","valid":false,"errors":["#).utf8)
                SchemaCheckReport.writeErrors(errors, positions: result.positions, into: &output)
                output.append(contentsOf: "]}".utf8)
            case .failed(let message):
                output.append(contentsOf: #","valid":false,"errors":[],"error":"#.utf8)
                JSONWriter.writeString(message, into: &output)
                if let position = result.failurePosition {
                    output.append(contentsOf: #","line":\#(position.line),"column":\#(position.column)"#.utf8)
                }
                output.append(UInt8(ascii: "}"))
            }
        }
        output.append(contentsOf: "]}\n".utf8)
        return String(decoding: output, as: UTF8.self)
    }

    static func writeErrors(_ errors: [ValidationError], positions: [JSONPointer: JSONPositions.Position], into output: inout [UInt8]) {
        for (position, error) in errors.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"instanceLocation":"#.utf8)
            JSONWriter.writeString(error.instanceLocation.description, into: &output)
            output.append(contentsOf: #","keywordLocation":"#.utf8)
            JSONWriter.writeString(error.keywordLocation.description, into: &output)
            output.append(contentsOf: #","absoluteKeywordLocation":"#.utf8)
            JSONWriter.writeString(error.absoluteKeywordLocation, into: &output)
            output.append(contentsOf: #","message":"#.utf8)
            JSONWriter.writeString(error.message, into: &output)
            if let position = positions[error.instanceLocation] {
                output.append(contentsOf: #","line":\#(position.line),"column":\#(position.column)"#.utf8)
            }
            if let best = error.bestBranch { output.append(contentsOf: #","bestBranch":\#(best.index)"#.utf8) }
            if !error.causes.isEmpty {
                output.append(contentsOf: #","causes":["#.utf8)
                writeErrors(error.causes, positions: positions, into: &output)
                output.append(UInt8(ascii: "]"))
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// `N files checked: V valid, I invalid (E errors), U unreadable or malformed`.
    public func summary() -> String {
        var valid = 0, invalid = 0, failed = 0, errorCount = 0
        for result in results {
            switch result.outcome {
            case .checked(let errors):
                if errors.isEmpty { valid += 1 } else { invalid += 1 }
                errorCount += errors.count
            case .failed:
                failed += 1
            }
        }
        let files = results.count == 1 ? "1 file" : "\(results.count) files"
        var summary = "\(files) checked: \(valid) valid, \(invalid) invalid"
        if errorCount > 0 { summary += " (\(errorCount) error\(errorCount == 1 ? "" : "s"))" }
        if failed > 0 { summary += ", \(failed) unreadable or malformed" }
        return summary
    }

    /// One line per error (`FILE:LINE:COL: /2/price: message  [keyword/location]`, the shape
    /// compilers print, so editors and terminals link it), then a summary. Control and
    /// bidirectional-override characters in file names, locations and messages are shown as
    /// `\uXXXX` escapes.
    public func text(colour: Bool) -> String {
        let red = colour ? "\u{1B}[31m" : "", dim = colour ? "\u{1B}[2m" : "", bold = colour ? "\u{1B}[1m" : ""
        let reset = colour ? "\u{1B}[0m" : ""
        var output = ""
        func line(_ file: String, _ error: ValidationError, positions: [JSONPointer: JSONPositions.Position], indent: String) {
            let location = error.instanceLocation.tokens.isEmpty ? "(root)" : error.instanceLocation.description
            let keyword = String(error.keywordLocation.description.dropFirst())
            let place = positions[error.instanceLocation].map { ":\($0.line):\($0.column)" } ?? ""
            var message = error.message
            var causes = error.causes
            // anyOf/oneOf: name the branch most likely meant, and list its errors first.
            if let best = error.bestBranch, let first = best.errors.first {
                message += "; closest: \(error.kind.keyword)/\(best.index) (\(first.description))"
                causes = best.errors + error.branches.filter { $0.index != best.index }.flatMap(\.errors)
            }
            // Payload keys and schema keys are shown, never obeyed (see `visible`); `file` already is.
            output += "\(indent)\(bold)\(file)\(place)\(reset): \(red)\(Self.visible(location))\(reset): "
            output += "\(Self.visible(message))  \(dim)[\(Self.visible(keyword))]\(reset)\n"
            for cause in causes { line(file, cause, positions: positions, indent: indent + "    ") }
        }
        for result in results {
            if case .checked(let errors) = result.outcome {
                let file = Self.visible(Self.displayName(result.file)) + (result.document.map { "#\($0)" } ?? "")
                for error in errors { line(file, error, positions: result.positions, indent: "") }
            }
        }
        output += summary() + "\n"
        return output
    }
}

/// Write-once slots filled from several threads, each index by exactly one writer.
final class ResultSlots: Sendable {
    private let storage: Mutex<[[PayloadChecker.Result]?]>

    init(count: Int) { storage = Mutex([[PayloadChecker.Result]?](repeating: nil, count: count)) }

    /// The results of job `index` (several for a YAML file of several documents).
    func set(_ index: Int, _ value: [PayloadChecker.Result]) { storage.withLock { $0[index] = value } }

    func values() -> [PayloadChecker.Result] { storage.withLock { $0.flatMap { $0! } } }
}

/// Facts about the machine and files.
enum System {
    static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// This machine's host name, or `localhost` when it cannot be read.
    static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// The current time in UTC as `YYYY-MM-DDTHH:MM:SS` (no zone: what JUnit's `timestamp` takes).
    static var utcTimestamp: String {
        var now = time(nil)
        var parts = tm()
        guard gmtime_r(&now, &parts) != nil else { return "1970-01-01T00:00:00" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
