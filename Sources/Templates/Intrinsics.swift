import Foundation
import JSONCore

/// CloudFormation's intrinsic functions and pseudo parameters, resolved as the SAM CLI resolves
/// them locally: `Ref` (parameters, pseudo parameters, resources), `Fn::GetAtt`, `Fn::Sub`
/// (both forms, `${!Literal}`), `Fn::Join`, `Fn::Split`, `Fn::Select`, `Fn::FindInMap`,
/// `Fn::If` with `Conditions` (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`),
/// `Fn::Base64`, `Fn::GetAZs`, `Fn::Transform` (`AWS::Include` of a local file) and
/// `AWS::NoValue` (the member goes away). A value that cannot exist from one template
/// (`Fn::ImportValue`) is an error naming its place.
struct Intrinsics {
    /// Parameter values after overrides, pseudo parameters included (`AWS::Region`…).
    var parameters: [String: JSONValue]
    /// Parameters with neither a `Default` nor an override: a `Ref` to one is an error there.
    var unset: Set<String> = []
    /// Values of other stacks' exports (`Fn::ImportValue`), from overrides of those names.
    var imports: [String: String] = [:]
    /// `Ref` of each resource: its local id (a function's name, an API's id, …).
    var references: [String: String]
    /// `Fn::GetAtt` of each resource attribute that has a local value (`Fn.Arn`, `Api.RootResourceId`).
    var attributes: [String: String]
    /// The template's `Mappings`.
    var mappings: JSONValue
    /// The template's `Conditions`, evaluated on demand.
    var conditions: JSONObject
    /// Reads `Fn::Transform` `AWS::Include` locations (relative to the template).
    var include: (String) throws(TemplateError) -> JSONValue
    /// Where errors point.
    var source: TemplateSource

    /// How deep values and condition references nest at most (a cycle is an error, not a hang).
    static let maximumDepth = 64
    /// How many `AWS::Include`s one template may read in all (an include that includes itself
    /// twice would otherwise double the work at each level).
    static let maximumIncludes = 256

    /// What evaluation remembers: each condition's truth once known (conditions that refer to
    /// each other are evaluated once each, not once per path to them), and the includes read.
    final class Memory {
        var conditions: [String: Bool] = [:]
        var includes = 0
    }
    let memory = Memory()

    /// `value` with every intrinsic function replaced by its value; nil for `AWS::NoValue`.
    func resolve(_ value: JSONValue, at tokens: [String], depth: Int = 0) throws(TemplateError) -> JSONValue? {
        guard depth < Intrinsics.maximumDepth else { throw source.error(tokens, "intrinsic functions nest deeper than \(Intrinsics.maximumDepth) levels") }
        switch value {
        case .array(let elements):
            var resolved: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                if let value = try resolve(element, at: tokens + [String(index)], depth: depth + 1) { resolved.append(value) }
            }
            return .array(resolved)
        case .object(let object):
            if object.count == 1, let member = object.members.first, member.key == "Ref" || member.key.hasPrefix("Fn::") || member.key == "Condition" && tokens.count > 2 {
                return try function(member.key, member.value, at: tokens + [member.key], depth: depth + 1)
            }
            var resolved = JSONObject()
            for member in object {
                if let value = try resolve(member.value, at: tokens + [member.key], depth: depth + 1) { resolved[member.key] = value }
            }
            return .object(resolved)
        default:
            return value
        }
    }

    /// `resolve` where a value must remain (`AWS::NoValue` is an error there).
    func value(_ value: JSONValue, at tokens: [String], depth: Int) throws(TemplateError) -> JSONValue {
        guard let resolved = try resolve(value, at: tokens, depth: depth) else { throw source.error(tokens, "AWS::NoValue cannot be used here") }
        return resolved
    }

    func string(_ value: JSONValue, at tokens: [String], depth: Int) throws(TemplateError) -> String {
        let resolved = try self.value(value, at: tokens, depth: depth)
        guard let text = JSONShape.scalarText(resolved) else { throw source.error(tokens, "expected a string, found \(resolved.typeName)") }
        return text
    }

    /// Whether `value` is one intrinsic function (`{"Ref": …}`, `{"Fn::Join": …}`).
    static func isFunction(_ value: JSONValue?) -> Bool {
        guard case .object(let object)? = value, object.count == 1, let key = object.members.first?.key else { return false }
        return key == "Ref" || key.hasPrefix("Fn::")
    }

    func list(_ value: JSONValue, at tokens: [String], depth: Int, count: Int? = nil, name: String) throws(TemplateError) -> [JSONValue] {
        guard case .array(let elements) = try self.value(value, at: tokens, depth: depth), count.map({ elements.count == $0 }) ?? true else {
            throw source.error(tokens, "\(name) takes a list" + (count.map { " of \($0) values" } ?? ""))
        }
        return elements
    }

    func function(_ name: String, _ argument: JSONValue, at tokens: [String], depth: Int) throws(TemplateError) -> JSONValue? {
        switch name {
        case "Ref":
            let target = try string(argument, at: tokens, depth: depth)
            if target == "AWS::NoValue" { return nil }
            if let value = parameters[target] { return value }
            if unset.contains(target) {
                throw source.error(tokens, "parameter \(target) has no Default: give it with --parameter-overrides \(target)=VALUE")
            }
            if let value = references[target] { return .string(value) }
            throw source.error(tokens, "Ref to \"\(target)\", which is neither a parameter nor a resource of the template" + didYouMean(target))
        case "Fn::GetAtt":
            let parts: [String]
            switch try self.value(argument, at: tokens, depth: depth) {
            case .string(let text): parts = text.split(separator: ".", maxSplits: 1).map(String.init)
            case .array(let elements): parts = try elements.enumerated().map { (index, element) throws(TemplateError) in try string(element, at: tokens + [String(index)], depth: depth) }
            default: parts = []
            }
            guard parts.count == 2 else { throw source.error(tokens, "Fn::GetAtt takes [LogicalId, Attribute]") }
            if let value = attributes[parts[0] + "." + parts[1]] { return .string(value) }
            guard references[parts[0]] != nil else {
                throw source.error(tokens, "Fn::GetAtt of \"\(parts[0])\", which is not a resource of the template" + didYouMean(parts[0]))
            }
            // An attribute with no local meaning: a made-up ARN-like value, as the SAM CLI does.
            return .string("arn:aws:local:\(regionText):\(accountText):\(parts[0])/\(parts[1])")
        case "Fn::Sub":
            let template: String
            var variables: [String: String] = [:]
            switch argument {
            case .array(let elements) where elements.count == 2:
                template = try string(elements[0], at: tokens + ["0"], depth: depth)
                guard case .object(let object) = elements[1] else { throw source.error(tokens + ["1"], "Fn::Sub's variables are a map") }
                for member in object { variables[member.key] = try string(member.value, at: tokens + ["1", member.key], depth: depth) }
            default:
                template = try string(argument, at: tokens, depth: depth)
            }
            return .string(try substitute(template, variables: variables, at: tokens, depth: depth))
        case "Fn::Join":
            let arguments = try list(argument, at: tokens, depth: depth, count: 2, name: "Fn::Join")
            let separator = try string(arguments[0], at: tokens + ["0"], depth: depth)
            let parts = try list(arguments[1], at: tokens + ["1"], depth: depth, name: "Fn::Join's second value")
            return .string(try parts.enumerated().map { (index, part) throws(TemplateError) in try string(part, at: tokens + ["1", String(index)], depth: depth) }.joined(separator: separator))
        case "Fn::Split":
            let arguments = try list(argument, at: tokens, depth: depth, count: 2, name: "Fn::Split")
            let separator = try string(arguments[0], at: tokens + ["0"], depth: depth)
            let text = try string(arguments[1], at: tokens + ["1"], depth: depth)
            guard !separator.isEmpty else { throw source.error(tokens + ["0"], "Fn::Split needs a separator") }
            return .array(text.split(separator: separator, omittingEmptySubsequences: false).map { .string(String($0)) })
        case "Fn::Select":
            let arguments = try list(argument, at: tokens, depth: depth, count: 2, name: "Fn::Select")
            let indexText = try string(arguments[0], at: tokens + ["0"], depth: depth)
            let elements = try list(arguments[1], at: tokens + ["1"], depth: depth, name: "Fn::Select's second value")
            guard let index = Int(indexText), elements.indices.contains(index) else {
                throw source.error(tokens + ["0"], "Fn::Select index \(indexText) is outside the list of \(elements.count)")
            }
            return elements[index]
        case "Fn::FindInMap":
            let arguments = try list(argument, at: tokens, depth: depth, count: 3, name: "Fn::FindInMap")
            var keys: [String] = []
            for (index, element) in arguments.enumerated() { keys.append(try string(element, at: tokens + [String(index)], depth: depth)) }
            guard let found = mappings[keys[0]]?[keys[1]]?[keys[2]] else {
                throw source.error(tokens, "Fn::FindInMap: Mappings has no \(keys.joined(separator: "/"))")
            }
            return found
        case "Fn::If":
            let arguments = try list(argument, at: tokens, depth: depth, count: 3, name: "Fn::If")
            let condition = try string(arguments[0], at: tokens + ["0"], depth: depth)
            return try resolve(arguments[try isTrue(condition, at: tokens + ["0"], depth: depth) ? 1 : 2], at: tokens + ["1"], depth: depth)
        case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
            return .bool(try evaluate([name: argument], at: tokens, depth: depth))
        case "Fn::Base64":
            return .string(Data(try string(argument, at: tokens, depth: depth).utf8).base64EncodedString())
        case "Fn::GetAZs":
            return .array(["a", "b", "c"].map { .string(regionText + $0) })
        case "Fn::Transform":
            guard argument["Name"]?.stringValue == "AWS::Include" else { throw source.error(tokens, "Fn::Transform: only AWS::Include is read locally") }
            guard let location = argument["Parameters"]?["Location"] else { throw source.error(tokens, "AWS::Include needs Parameters.Location") }
            let path = try string(location, at: tokens + ["Parameters", "Location"], depth: depth)
            if path.hasPrefix("s3://") {
                throw source.error(tokens + ["Parameters", "Location"], "AWS::Include from \(path): S3 cannot be read locally; give a local file")
            }
            memory.includes += 1
            guard memory.includes <= Intrinsics.maximumIncludes else {
                throw source.error(tokens, "AWS::Include: more than \(Intrinsics.maximumIncludes) includes in one template (a file that includes itself?)")
            }
            return try resolve(try include(path), at: tokens, depth: depth)
        case "Fn::ImportValue":
            // Another stack's export: given locally by an override of that name.
            let name = try string(argument, at: tokens, depth: depth)
            if let value = imports[name] { return .string(value) }
            throw source.error(
                tokens, "Fn::ImportValue of \"\(name)\" reads another stack's export, which cannot exist locally: give it with --parameter-overrides \(name)=VALUE")
        default:
            throw source.error(tokens, "unknown intrinsic function \(name)" + Suggestion.didYouMean(name, among: Intrinsics.functions))
        }
    }

    static let functions = [
        "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Split", "Fn::Select", "Fn::FindInMap", "Fn::If", "Fn::Equals", "Fn::And", "Fn::Or",
        "Fn::Not", "Fn::Base64", "Fn::GetAZs", "Fn::Transform", "Fn::ImportValue", "Fn::Cidr",
    ]

    var regionText: String { parameters["AWS::Region"]?.stringValue ?? "us-east-1" }
    var accountText: String { parameters["AWS::AccountId"]?.stringValue ?? "123456789012" }

    func didYouMean(_ name: String) -> String {
        Suggestion.didYouMean(name, among: Array(parameters.keys.filter { !$0.hasPrefix("AWS::") }) + Array(references.keys))
    }

    /// Whether the condition `name` of `Conditions` holds.
    func isTrue(_ name: String, at tokens: [String], depth: Int) throws(TemplateError) -> Bool {
        guard let definition = conditions[name] else {
            throw source.error(tokens, "no condition \"\(name)\" in Conditions" + Suggestion.didYouMean(name, among: conditions.members.map(\.key)))
        }
        if let known = memory.conditions[name] { return known }
        let value = try evaluate(definition, at: ["Conditions", name], depth: depth + 1)
        memory.conditions[name] = value
        return value
    }

    /// A condition function's truth.
    func evaluate(_ condition: JSONValue, at tokens: [String], depth: Int) throws(TemplateError) -> Bool {
        guard depth < Intrinsics.maximumDepth else { throw source.error(tokens, "conditions refer to each other more than \(Intrinsics.maximumDepth) levels deep") }
        if case .bool(let flag) = condition { return flag }
        guard case .object(let object) = condition, object.count == 1, let member = object.members.first else {
            throw source.error(tokens, "a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")
        }
        let inner = tokens + [member.key]
        switch member.key {
        case "Fn::Equals":
            let pair = try list(member.value, at: inner, depth: depth, count: 2, name: "Fn::Equals")
            return try value(pair[0], at: inner + ["0"], depth: depth + 1).plainText == (try value(pair[1], at: inner + ["1"], depth: depth + 1)).plainText
        case "Fn::And", "Fn::Or":
            guard case .array(let elements) = member.value else { throw source.error(inner, "\(member.key) takes a list of conditions") }
            var results: [Bool] = []
            for (index, element) in elements.enumerated() { results.append(try evaluate(element, at: inner + [String(index)], depth: depth)) }
            return member.key == "Fn::And" ? results.allSatisfy { $0 } : results.contains(true)
        case "Fn::Not":
            let elements = try list(member.value, at: inner, depth: depth, count: 1, name: "Fn::Not")
            return try !evaluate(elements[0], at: inner + ["0"], depth: depth)
        case "Condition":
            return try isTrue(try string(member.value, at: inner, depth: depth), at: inner, depth: depth)
        default:
            return try evaluate(try value(condition, at: tokens, depth: depth + 1), at: tokens, depth: depth + 1)
        }
    }

    /// `Fn::Sub`'s text: `${Name}`, `${Resource.Attribute}`, `${!Literal}`.
    func substitute(_ template: String, variables: [String: String], at tokens: [String], depth: Int) throws(TemplateError) -> String {
        var result = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw source.error(tokens, "Fn::Sub: \"${\" without a closing \"}\"")
            }
            let name = String(rest[start.upperBound..<end])
            rest = rest[rest.index(after: end)...]
            if name.hasPrefix("!") {
                result += "${" + name.dropFirst() + "}"
                continue
            }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if let value = variables[trimmed] {
                result += value
            } else if trimmed.contains("."), !parameters.keys.contains(trimmed) {
                let parts = trimmed.split(separator: ".", maxSplits: 1).map(String.init)
                result += try string(.object(JSONObject.of(["Fn::GetAtt": .array(parts.map(JSONValue.string))])), at: tokens, depth: depth)
            } else {
                result += try string(.object(JSONObject.of(["Ref": .string(trimmed)])), at: tokens, depth: depth)
            }
        }
        return result + rest
    }
}

extension JSONValue {
    /// A scalar as CloudFormation compares and substitutes it (`5`, `true`, the text), compact
    /// JSON for other values.
    public var plainText: String { JSONShape.scalarText(self) ?? JSONWriter.compact.string(self) }
}

extension Intrinsics {
    /// Whether the template imports `name` (`Fn::ImportValue` of that literal name anywhere).
    static func imports(_ name: String, in value: JSONValue) -> Bool {
        switch value {
        case .object(let object):
            if object.count == 1, object.members[0].key == "Fn::ImportValue", object.members[0].value.stringValue == name { return true }
            return object.members.contains { imports(name, in: $0.value) }
        case .array(let elements):
            return elements.contains { imports(name, in: $0) }
        default:
            return false
        }
    }
}
