import JSONCore

/// Tags (the core schema's, CloudFormation's short forms, the rest refused or dropped as the
/// options say) and the composer's messages.
extension YAMLComposer {
    // MARK: - Tags

    func resolveTag(_ token: YAMLScanner.Token) throws(YAMLSyntaxError) -> Tag {
        let full: String
        if token.value.isEmpty {
            full = token.second
        } else if token.value == "!" && token.second.isEmpty {
            return .nonSpecific
        } else {
            guard let prefix = handles[token.value] else {
                throw error("the tag handle \(token.value) is not declared (add %TAG \(token.value) prefix)", at: token.start, .tag)
            }
            full = prefix + token.second
        }
        if full.hasPrefix("tag:yaml.org,2002:") { return .core(String(full.dropFirst("tag:yaml.org,2002:".count))) }
        if full.hasPrefix("!"), options.cloudFormationTags, YAMLComposer.cloudFormationTags.contains(String(full.dropFirst())) {
            return .cloudFormation(String(full.dropFirst()))
        }
        return .other(full)
    }

    /// A collection's tag checked against what it is.
    func applyTag(_ tag: Tag?, to value: JSONValue, at mark: YAMLMark) throws(YAMLSyntaxError) -> JSONValue {
        guard let tag else { return value }
        switch tag {
        case .nonSpecific: return value
        case .core(let name):
            let isMap = value.objectValue != nil
            let fits = isMap ? ["map", "set", "omap", "pairs"].contains(name) : ["seq", "omap", "pairs"].contains(name)
            guard fits else { throw error("!!\(name) does not fit a \(isMap ? "mapping" : "sequence")", at: mark, .tag) }
            return value
        case .cloudFormation:
            return try applyCloudFormation(tag, to: value, at: mark)
        case .other(let name):
            if options.unknownTags == .untagged { return value }
            throw error(
                "unknown tag \(name): this reader knows the core schema's (!!str, !!int, …) and CloudFormation's short forms (!Ref, !Sub, …)",
                at: mark, .tag)
        }
    }

    /// `!Ref x` → `{"Ref": "x"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, `!Sub …` → `{"Fn::Sub": …}`.
    func applyCloudFormation(_ tag: Tag?, to value: JSONValue, at mark: YAMLMark) throws(YAMLSyntaxError) -> JSONValue {
        guard case .cloudFormation(let name)? = tag else { return value }
        switch name {
        case "Ref", "Condition":
            return .object(JSONObject(uncheckedUniqueMembers: [JSONObject.Member(key: name, value: value)]))
        case "GetAtt":
            if case .string(let text) = value {
                guard let dot = text.firstIndex(of: ".") else {
                    throw error("!GetAtt \(text): expected Resource.Attribute", at: mark, .tag)
                }
                let parts: JSONValue = .array([.string(String(text[..<dot])), .string(String(text[text.index(after: dot)...]))])
                return .object(JSONObject(uncheckedUniqueMembers: [JSONObject.Member(key: "Fn::GetAtt", value: parts)]))
            }
            return .object(JSONObject(uncheckedUniqueMembers: [JSONObject.Member(key: "Fn::GetAtt", value: value)]))
        default:
            return .object(JSONObject(uncheckedUniqueMembers: [JSONObject.Member(key: "Fn::" + name, value: value)]))
        }
    }

    // MARK: - Messages

    func error(_ message: String, at mark: YAMLMark, _ kind: YAMLSyntaxError.Kind = .syntax) -> YAMLSyntaxError {
        YAMLSyntaxError(kind, line: mark.line, column: mark.column, message)
    }

    func describe(_ token: YAMLScanner.Token) -> String {
        switch token.kind {
        case .streamStart: return "the start of the text"
        case .streamEnd: return "the end of the text"
        case .versionDirective, .tagDirective, .reservedDirective: return "a directive"
        case .documentStart: return "'---'"
        case .documentEnd: return "'...'"
        case .blockSequenceStart, .blockEntry: return "'- ' (a sequence entry)"
        case .blockMappingStart: return "a mapping"
        case .blockEnd: return "less indentation (the end of a block)"
        case .flowSequenceStart: return "'['"
        case .flowSequenceEnd: return "']'"
        case .flowMappingStart: return "'{'"
        case .flowMappingEnd: return "'}'"
        case .flowEntry: return "','"
        case .key: return "'? ' (a key)"
        case .value: return "':' (a value)"
        case .alias: return "an alias (*\(token.value))"
        case .anchor: return "an anchor (&\(token.value))"
        case .tag: return "a tag"
        case .scalar:
            let text = token.value.count > 30 ? String(token.value.prefix(30)) + "…" : token.value
            return "the scalar \(JSONWriter.quoted(text))"
        }
    }
}
