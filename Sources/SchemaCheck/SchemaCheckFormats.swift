import JSONCore
import JSONSchema

/// The renderings CI systems read: GitHub Actions workflow commands, JUnit XML and SARIF 2.1.0.
extension SchemaCheckReport {
    /// Every error of a result with its position, causes after their parent (depth first).
    static func flattened(_ errors: [ValidationError]) -> [ValidationError] {
        var all: [ValidationError] = []
        func add(_ error: ValidationError) {
            all.append(error)
            error.causes.forEach(add)
        }
        errors.forEach(add)
        return all
    }

    /// The keyword an error breaks (`type`, `required`): the last token of its keyword location.
    static func keyword(_ error: ValidationError) -> String {
        error.keywordLocation.tokens.last ?? "schema"
    }

    /// The instance location as printed (`/0/price`, or `(root)`).
    static func location(_ error: ValidationError) -> String {
        error.instanceLocation.tokens.isEmpty ? "(root)" : error.instanceLocation.description
    }

    static func displayName(_ file: String) -> String { file == "-" ? "<stdin>" : file }

    // MARK: - GitHub Actions

    /// One `::error file=…,line=…,col=…,title=…::message` workflow command per error (GitHub
    /// shows each as an annotation on the file's line), one per unreadable or malformed file,
    /// then the summary line. Control and bidirectional-override characters are shown as
    /// `\uXXXX` escapes, so a payload cannot inject a workflow command or terminal sequence.
    public func github() -> String {
        var output = ""
        for result in results {
            let file = SchemaCheckReport.visible(SchemaCheckReport.displayName(result.file))
            switch result.outcome {
            case .checked(let errors):
                // Causes are folded into their parent's message: an annotation per branch is noise.
                for error in errors {
                    var properties = "file=" + SchemaCheckReport.githubProperty(file)
                    if let position = result.positions[error.instanceLocation] {
                        properties += ",line=\(position.line),col=\(position.column)"
                    }
                    let location = SchemaCheckReport.visible(SchemaCheckReport.location(error))
                    let keyword = SchemaCheckReport.visible(SchemaCheckReport.keyword(error))
                    properties += ",title=" + SchemaCheckReport.githubProperty("schema-check: \(keyword) at \(location)")
                    let keywordLocation = SchemaCheckReport.visible(String(error.keywordLocation.description.dropFirst()))
                    var message = (result.document.map { "document \($0): " } ?? "") + "\(location): \(SchemaCheckReport.visible(error.message)) [\(keywordLocation)]"
                    var causes = error.causes
                    if let best = error.bestBranch {
                        message += "\nclosest: \(error.kind.keyword)/\(best.index)"
                        causes = best.errors + error.branches.filter { $0.index != best.index }.flatMap(\.errors)
                    }
                    for cause in SchemaCheckReport.flattened(causes) {
                        message += "\n  \(SchemaCheckReport.visible(SchemaCheckReport.location(cause))): \(SchemaCheckReport.visible(cause.message))"
                    }
                    output += "::error \(properties)::\(SchemaCheckReport.githubData(message))\n"
                }
            case .failed(let message):
                var properties = "file=" + SchemaCheckReport.githubProperty(file)
                if let position = result.failurePosition { properties += ",line=\(position.line),col=\(position.column)" }
                output += "::error \(properties),title=schema-check::\(SchemaCheckReport.githubData(SchemaCheckReport.visible(message)))\n"
            }
        }
        return output + summary() + "\n"
    }

    /// Workflow-command data: `%`, CR and LF escaped.
    static func githubData(_ text: String) -> String {
        var output = ""
        for character in text.unicodeScalars {
            switch character {
            case "%": output += "%25"
            case "\r": output += "%0D"
            case "\n": output += "%0A"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// A workflow-command property: also `:` and `,`.
    static func githubProperty(_ text: String) -> String {
        githubData(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }

    // MARK: - JUnit XML

    /// JUnit XML as Jenkins, GitLab and test-report actions read it: a `testsuite` per schema,
    /// a `testcase` per payload, a `failure` listing an invalid payload's errors, an `error` for
    /// a payload that could not be read or parsed.
    ///
    /// The document is valid against each of the JUnit schemas CI tools go by: Ant's (the
    /// strictest: a bare `testsuites`, and `package`, `id`, `timestamp`, `hostname`, `time`,
    /// `properties`, `system-out` and `system-err` on every suite) and the Jenkins xUnit
    /// plugin's junit-4 and junit-10 (no `file` on a test case; the file is its `name`).
    /// - Parameters:
    ///   - timestamp: when the run happened, `YYYY-MM-DDTHH:MM:SS` in UTC (`nil`: now).
    ///   - hostname: the machine it ran on (`nil`: this one's host name).
    public func junit(timestamp: String? = nil, hostname: String? = nil) -> String {
        let timestamp = timestamp ?? System.utcTimestamp, hostname = hostname ?? System.hostname
        var order: [String] = []
        var bySchema: [String: [PayloadChecker.Result]] = [:]
        for result in results {
            if bySchema[result.schema] == nil { order.append(result.schema) }
            bySchema[result.schema, default: []].append(result)
        }
        let xml = SchemaCheckReport.xml
        var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        for (id, schema) in order.enumerated() {
            let members = bySchema[schema]!
            var failures = 0, errors = 0, seconds = 0.0
            for result in members {
                seconds += result.seconds
                switch result.outcome {
                case .checked(let found): if !found.isEmpty { failures += 1 }
                case .failed: errors += 1
                }
            }
            output += "  <testsuite name=\"\(xml(schema))\" package=\"schema-check\" id=\"\(id)\" timestamp=\"\(xml(timestamp))\""
            output += " hostname=\"\(xml(hostname))\" tests=\"\(members.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\""
            output += " time=\"\(SchemaCheckReport.decimal(seconds, places: 3))\">\n"
            output += "    <properties>\n      <property name=\"schema-check.version\" value=\"\(xml(SchemaCheckCommand.version))\"/>\n    </properties>\n"
            for result in members {
                let file = SchemaCheckReport.displayName(result.file) + (result.document.map { "#\($0)" } ?? "")
                let head = "    <testcase classname=\"\(xml(schema))\" name=\"\(xml(file))\" time=\"\(SchemaCheckReport.decimal(result.seconds, places: 6))\""
                switch result.outcome {
                case .checked(let errors) where errors.isEmpty:
                    output += head + "/>\n"
                case .checked(let errors):
                    let all = SchemaCheckReport.flattened(errors)
                    let first = errors[0]
                    let summary = "\(errors.count) error\(errors.count == 1 ? "" : "s"); first: \(SchemaCheckReport.location(first)): \(first.message)"
                    output += head + ">\n"
                    output += "      <failure type=\"\(xml(SchemaCheckReport.keyword(first)))\" message=\"\(xml(summary))\">"
                    for error in all {
                        let position = result.positions[error.instanceLocation].map { ":\($0.line):\($0.column)" } ?? ""
                        output += xml("\(file)\(position): \(SchemaCheckReport.location(error)): \(error.message)  [\(String(error.keywordLocation.description.dropFirst()))]\n")
                    }
                    output += "</failure>\n    </testcase>\n"
                case .failed(let message):
                    output += head + ">\n      <error type=\"unreadable\" message=\"\(xml(message))\"/>\n    </testcase>\n"
                }
            }
            output += "    <system-out/>\n    <system-err/>\n  </testsuite>\n"
        }
        return output + "</testsuites>\n"
    }

    /// `value` with exactly `places` decimals (`0.004`), as JUnit's `time` attributes take it.
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let units = value.isFinite && value > 0 ? Int(min(value * Double(scale), 1e15).rounded()) : 0
        let fraction = String(units % scale)
        return "\(units / scale)." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// Text for XML attributes and content: the five entities escaped, characters XML 1.0
    /// cannot hold replaced by U+FFFD.
    static func xml(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\n": output += "&#10;"
            case "\t", "\r": output.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    output += "\u{FFFD}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    // MARK: - SARIF 2.1.0

    /// SARIF 2.1.0 (what GitHub code scanning and other static-analysis viewers read): one run,
    /// a rule per keyword, a result per error with the file, line and column, and the instance
    /// pointer as a logical location.
    public func sarif() -> String {
        var rules: [String] = []
        var ruleIndex: [String: Int] = [:]
        var resultsJSON: [JSONValue] = []
        func rule(_ id: String) -> Int {
            if let index = ruleIndex[id] { return index }
            ruleIndex[id] = rules.count
            rules.append(id)
            return rules.count - 1
        }
        func location(_ file: String, _ position: JSONPositions.Position?, pointer: String?) -> JSONValue {
            let artifact: JSONValue = ["uri": .string(SchemaCheckReport.artifactURI(file))]
            var physical = JSONObject()
            physical["artifactLocation"] = artifact
            if let position {
                let region: JSONValue = ["startLine": .number(JSONNumber(position.line)), "startColumn": .number(JSONNumber(position.column))]
                physical["region"] = region
            }
            var object = JSONObject()
            object["physicalLocation"] = .object(physical)
            if let pointer {
                // "value": SARIF's kind for a value in a JSON document (beside object, array, property).
                let logical: JSONValue = [["fullyQualifiedName": .string(pointer), "kind": "value"]]
                object["logicalLocations"] = logical
            }
            return .object(object)
        }
        for result in results {
            let file = SchemaCheckReport.displayName(result.file)
            switch result.outcome {
            case .checked(let errors):
                for error in SchemaCheckReport.flattened(errors) {
                    let id = SchemaCheckReport.keyword(error)
                    let index = rule(id)
                    let pointer = error.instanceLocation.description
                    resultsJSON.append(
                        [
                            "ruleId": .string(id), "ruleIndex": .number(JSONNumber(index)), "level": "error",
                            "message": ["text": .string((result.document.map { "document \($0): " } ?? "") + "\(SchemaCheckReport.location(error)): \(error.message)")],
                            "locations": [location(file, result.positions[error.instanceLocation], pointer: pointer.isEmpty ? "/" : pointer)],
                            "properties": [
                                "schema": .string(result.schema), "keywordLocation": .string(error.keywordLocation.description),
                                "absoluteKeywordLocation": .string(error.absoluteKeywordLocation),
                            ],
                        ])
                }
            case .failed(let message):
                let index = rule("unreadable")
                resultsJSON.append(
                    [
                        "ruleId": "unreadable", "ruleIndex": .number(JSONNumber(index)), "level": "error", "message": ["text": .string(message)],
                        "locations": [location(file, result.failurePosition, pointer: nil)],
                    ])
            }
        }
        let ruleObjects: [JSONValue] = rules.map { id in
            [
                "id": .string(id),
                "shortDescription": ["text": .string(id == "unreadable" ? "the payload cannot be read or parsed as JSON" : "the payload breaks the schema's \"\(id)\" keyword")],
                "helpUri": .string(id == "unreadable" ? "https://www.rfc-editor.org/rfc/rfc8259" : "https://json-schema.org/draft-04/json-schema-validation"),
            ]
        }
        let document: JSONValue = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "schema-check", "version": .string(SchemaCheckCommand.version), "semanticVersion": .string(SchemaCheckCommand.version),
                            "informationUri": "https://json-schema.org/specification-links#draft-4", "rules": .array(ruleObjects),
                        ]
                    ],
                    "results": .array(resultsJSON),
                ]
            ],
        ]
        return String(decoding: JSONWriter.pretty.bytes(document), as: UTF8.self) + "\n"
    }

    /// A path as a URI: a relative reference for a relative path (each segment percent-encoded
    /// where URIs need it), a `file://` URI for an absolute one.
    static func artifactURI(_ path: String) -> String {
        (path.hasPrefix("/") ? "file://" : "") + PercentEncoding.encode(path, keeping: .unreservedAndSlash)
    }
}
