import ECMARegex
import JSONCore
import TextAndFiles

/// A template's `Parameters` with their values: `--parameter-overrides` over `Default`, each
/// checked against `Type`, `AllowedValues`, `AllowedPattern`, `MinLength`/`MaxLength` and
/// `MinValue`/`MaxValue` as CloudFormation checks them; and the pseudo parameters with the
/// local values the SAM CLI uses.
enum TemplateParameters {
    /// The pseudo parameters (`AWS::Region`, …).
    static func pseudo(region: String, accountId: String, stackName: String) -> [String: JSONValue] {
        [
            "AWS::Region": .string(region), "AWS::AccountId": .string(accountId), "AWS::StackName": .string(stackName),
            "AWS::StackId": .string("arn:aws:cloudformation:\(region):\(accountId):stack/\(stackName)/00000000-0000-0000-0000-000000000000"),
            "AWS::Partition": "aws", "AWS::URLSuffix": "localhost", "AWS::NotificationARNs": .array([]),
        ]
    }

    /// Reads `--parameter-overrides` in either of the SAM CLI's syntaxes, space separated:
    /// `Key=Value` or `ParameterKey=Key,ParameterValue=Value` (values may be quoted).
    static func overrides(_ text: String) throws(TemplateError) -> [String: String] {
        var result: [String: String] = [:]
        for word in words(text) {
            if word.hasPrefix("ParameterKey=") {
                let parts = word.dropFirst("ParameterKey=".count)
                guard let comma = parts.range(of: ",ParameterValue=") else {
                    throw TemplateError(file: "--parameter-overrides", path: [], message: "\(word): expected ParameterKey=Key,ParameterValue=Value")
                }
                result[String(parts[..<comma.lowerBound])] = String(parts[comma.upperBound...])
            } else if let equals = word.firstIndex(of: "="), equals != word.startIndex {
                result[String(word[..<equals])] = String(word[word.index(after: equals)...])
            } else {
                throw TemplateError(file: "--parameter-overrides", path: [], message: "\(word): expected Key=Value or ParameterKey=Key,ParameterValue=Value")
            }
        }
        return result
    }

    /// Splits at spaces outside single or double quotes, removing the quotes.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character? = nil
        var started = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                started = true
            } else if character == " " || character == "\t" || character == "\n" {
                if started || !current.isEmpty { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
            }
        }
        if started || !current.isEmpty { words.append(current) }
        return words
    }

    /// Each declared parameter's value (an override, else its `Default`), checked.
    static func values(_ source: TemplateSource, overrides: [String: String], unset: inout Set<String>, errors: inout [TemplateError]) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        var declared = JSONObject()
        do { declared = try source.members(source.document["Parameters"], at: ["Parameters"]) } catch { errors.append(error) }
        for member in declared {
            let path = ["Parameters", member.key]
            let definition = member.value
            let type = definition["Type"]?.stringValue ?? "String"
            let text: String
            if let override = overrides[member.key] {
                text = override
            } else if let value = definition["Default"] {
                text = value.plainText
            } else {
                // Without a value: an error only where something refers to it (`Intrinsics.unset`).
                unset.insert(member.key)
                continue
            }
            if type.hasPrefix("AWS::SSM::Parameter::Value") && overrides[member.key] == nil {
                errors.append(source.error(path + ["Type"], "\(type) reads Systems Manager, which cannot be read locally: give the value with --parameter-overrides \(member.key)=VALUE"))
                continue
            }
            if let problem = problem(text, definition: definition, type: type) {
                errors.append(source.error(path, "parameter \(member.key) = \"\(text)\": \(problem)"))
                continue
            }
            switch type {
            case "CommaDelimitedList", "List<Number>":
                values[member.key] = .array(text.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0).trimmingSpacesAndTabs()) })
            default:
                values[member.key] = .string(text)
            }
        }
        return values
    }

    /// What `text` breaks of `definition`'s constraints, or nil.
    static func problem(_ text: String, definition: JSONValue, type: String) -> String? {
        if type == "Number", Double(text) == nil { return "not a number" }
        if type == "List<Number>", text.split(separator: ",").contains(where: { Double(String($0).trimmingSpacesAndTabs()) == nil }) { return "not a list of numbers" }
        if let allowed = definition["AllowedValues"]?.arrayValue, !allowed.map(\.plainText).contains(text) {
            return "not one of the AllowedValues (\(allowed.map(\.plainText).joined(separator: ", ")))"
                + Suggestion.didYouMean(text, among: allowed.map(\.plainText))
        }
        if let pattern = definition["AllowedPattern"]?.stringValue {
            guard let regex = try? ECMARegex(wholeInput: pattern, stepLimit: 100_000) else { return "its AllowedPattern \(pattern) does not compile" }
            if !regex.matches(text) { return definition["ConstraintDescription"]?.stringValue ?? "does not match AllowedPattern \(pattern)" }
        }
        if let minimum = definition["MinLength"]?.numberValue?.intValue, text.count < minimum { return "shorter than MinLength \(minimum)" }
        if let maximum = definition["MaxLength"]?.numberValue?.intValue, text.count > maximum { return "longer than MaxLength \(maximum)" }
        if let number = Double(text) {
            if let minimum = definition["MinValue"]?.numberValue?.doubleValue, number < minimum { return "less than MinValue \(minimum)" }
            if let maximum = definition["MaxValue"]?.numberValue?.doubleValue, number > maximum { return "more than MaxValue \(maximum)" }
        }
        return nil
    }
}
