import ECMARegex
import Synchronization

/// Java-style methods and properties on template values. An unknown method or property is
/// null (renders empty), as in API Gateway; a method that would throw in Java throws.
enum VelocityMethods {
    // MARK: - Properties and indexes

    /// `$value.name`: a map key, a host object's property, or a Java getter (`getX`/`isX`).
    static func property(_ name: String, of value: VelocityValue) -> VelocityValue {
        switch value {
        case .map(let map): return map.get(name)
        case .object(let object): return object.property(name) ?? .null
        default:
            let capitalised = name.prefix(1).uppercased() + name.dropFirst()
            if let result = try? call("get" + capitalised, on: value, []) { return result }
            if let result = try? call("is" + capitalised, on: value, []) { return result }
            return .null
        }
    }

    /// `$value[key]`.
    static func index(_ value: VelocityValue, _ key: VelocityValue) -> VelocityValue {
        switch (value, key) {
        case (.list(let list), .int(let position)):
            return list.elements.indices.contains(position) ? list.elements[position] : .null
        case (.map(let map), _):
            return map.get(key.text())
        case (.object(let object), .string(let name)):
            return object.property(name) ?? .null
        default:
            return .null
        }
    }

    // MARK: - Calls

    static func call(_ name: String, on receiver: VelocityValue, _ arguments: [VelocityValue]) throws(VelocityRuntimeError) -> VelocityValue? {
        switch receiver {
        case .string(let text): return try stringMethod(name, text, arguments)
        case .list(let list): return listMethod(name, list, arguments)
        case .map(let map): return mapMethod(name, map, arguments)
        case .int, .double: return try numberMethod(name, receiver, arguments)
        case .bool(let flag):
            switch (name, arguments.count) {
            case ("toString", 0): return .string(flag ? "true" : "false")
            case ("booleanValue", 0): return .bool(flag)
            case ("equals", 1): return .bool(VelocityOperators.equal(receiver, arguments[0]))
            default: return nil
            }
        case .object(let object): return try object.call(name, arguments)
        case .null, .block: return nil
        }
    }

    static func int(_ value: VelocityValue) -> Int? {
        switch value {
        case .int(let integer): return integer
        case .double(let double): return double.isFinite && double == double.rounded() ? Int(exactly: double) : nil
        default: return nil
        }
    }

    // MARK: - Strings (Java `String`, indexed in UTF-16 units)

    static func stringMethod(_ name: String, _ text: String, _ arguments: [VelocityValue]) throws(VelocityRuntimeError) -> VelocityValue? {
        let units = Array(text.utf16)
        func string(_ slice: ArraySlice<UInt16>) -> VelocityValue { .string(String(decoding: slice, as: UTF16.self)) }
        func outOfBounds(_ detail: String) -> VelocityRuntimeError {
            VelocityRuntimeError(.methodFailed(method: name, message: "StringIndexOutOfBoundsException: \(detail)"))
        }
        switch (name, arguments.count) {
        case ("length", 0): return .int(units.count)
        case ("isEmpty", 0): return .bool(units.isEmpty)
        case ("toString", 0): return .string(text)
        case ("trim", 0):
            var start = 0, end = units.count
            while start < end, units[start] <= 0x20 { start += 1 }
            while end > start, units[end - 1] <= 0x20 { end -= 1 }
            return string(units[start..<end])
        case ("toLowerCase", 0): return .string(text.lowercased())
        case ("toUpperCase", 0): return .string(text.uppercased())
        case ("equals", 1):
            if case .string(let other) = arguments[0] { return .bool(other == text) }
            return .bool(false)
        case ("equalsIgnoreCase", 1): return .bool(arguments[0].text().lowercased() == text.lowercased())
        case ("contains", 1): return .bool(indexOf(units, Array(arguments[0].text().utf16), from: 0) != nil)
        case ("startsWith", 1): return .bool(units.starts(with: Array(arguments[0].text().utf16)))
        case ("endsWith", 1): return .bool(units.reversed().starts(with: Array(arguments[0].text().utf16).reversed()))
        case ("indexOf", 1), ("indexOf", 2):
            let from = arguments.count == 2 ? max(0, int(arguments[1]) ?? 0) : 0
            return .int(indexOf(units, Array(arguments[0].text().utf16), from: from) ?? -1)
        case ("lastIndexOf", 1):
            let needle = Array(arguments[0].text().utf16)
            var found = -1
            var position = 0
            while let next = indexOf(units, needle, from: position) {
                found = next
                position = next + 1
            }
            return .int(found)
        case ("charAt", 1):
            guard let position = int(arguments[0]), units.indices.contains(position) else { throw outOfBounds("index \(arguments[0].text())") }
            return string(units[position...position])
        case ("substring", 1), ("substring", 2):
            guard let begin = int(arguments[0]) else { return nil }
            let end = arguments.count == 2 ? int(arguments[1]) ?? -1 : units.count
            guard begin >= 0, end <= units.count, begin <= end else { throw outOfBounds("begin \(begin), end \(end), length \(units.count)") }
            return string(units[begin..<end])
        case ("concat", 1): return .string(text + arguments[0].text())
        case ("replace", 2):
            let target = Array(arguments[0].text().utf16), replacement = Array(arguments[1].text().utf16)
            guard !target.isEmpty else { return .string(text) }
            var result: [UInt16] = []
            var position = 0
            while let next = indexOf(units, target, from: position) {
                result += units[position..<next]
                result += replacement
                position = next + target.count
            }
            result += units[position...]
            return .string(String(decoding: result, as: UTF16.self))
        case ("replaceAll", 2), ("replaceFirst", 2):
            let expression = try regex(arguments[0].text(), method: name)
            return .string(replace(text, expression, with: arguments[1].text(), all: name == "replaceAll"))
        case ("matches", 1):
            return .bool(try regex(arguments[0].text(), method: name).matchesEntirely(text))
        case ("split", 1), ("split", 2):
            let expression = try regex(arguments[0].text(), method: name)
            let limit = arguments.count == 2 ? int(arguments[1]) ?? 0 : 0
            return .list(VelocityList(split(text, expression, limit: limit).map { .string($0) }))
        case ("hashCode", 0):
            var hash: Int32 = 0
            for unit in units { hash = hash &* 31 &+ Int32(unit) }
            return .int(Int(hash))
        case ("compareTo", 1):
            let other = arguments[0].text()
            return .int(text == other ? 0 : (text < other ? -1 : 1))
        default:
            return nil
        }
    }

    static func indexOf(_ haystack: [UInt16], _ needle: [UInt16], from start: Int) -> Int? {
        if needle.isEmpty { return start <= haystack.count ? start : nil }
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var position = start
        while position <= haystack.count - needle.count {
            if haystack[position] == needle[0] && haystack[position..<position + needle.count].elementsEqual(needle) { return position }
            position += 1
        }
        return nil
    }

    /// Compiled patterns, shared across renders (bounded).
    private static let regexCache = Mutex<[String: ECMARegex]>([:])

    static func regex(_ pattern: String, method: String) throws(VelocityRuntimeError) -> ECMARegex {
        if let cached = regexCache.withLock({ $0[pattern] }) { return cached }
        do {
            let expression = try ECMARegex(pattern, stepLimit: 1_000_000)
            regexCache.withLock { cache in
                if cache.count > 256 { cache.removeAll() }
                cache[pattern] = expression
            }
            return expression
        } catch {
            throw VelocityRuntimeError(.methodFailed(method: method, message: "PatternSyntaxException: \(error.reason)"))
        }
    }

    /// `Matcher.replaceAll` / `replaceFirst`: `$n` inserts group n, `\x` inserts x.
    static func replace(_ text: String, _ expression: ECMARegex, with replacement: String, all: Bool) -> String {
        let scalars = text.unicodeScalars.map(\.value)
        var matches = expression.allMatches(in: scalars)
        if !all { matches = Array(matches.prefix(1)) }
        guard !matches.isEmpty else { return text }
        let template = Array(replacement.unicodeScalars)
        var result = String.UnicodeScalarView()
        func append(_ range: Range<Int>) {
            for value in scalars[range] { if let scalar = Unicode.Scalar(value) { result.append(scalar) } }
        }
        var position = 0
        for match in matches {
            append(position..<match.range.lowerBound)
            var index = 0
            while index < template.count {
                let scalar = template[index]
                if scalar == "\\", index + 1 < template.count {
                    result.append(template[index + 1])
                    index += 2
                } else if scalar == "$", index + 1 < template.count, let digit = Int(String(template[index + 1])) {
                    if digit == 0 {
                        append(match.range)
                    } else if digit <= match.groups.count, let group = match.groups[digit - 1] {
                        append(group)
                    }
                    index += 2
                } else {
                    result.append(scalar)
                    index += 1
                }
            }
            position = match.range.upperBound
        }
        append(position..<scalars.count)
        return String(result)
    }

    /// `String.split(regex[, limit])` with Java's rules: trailing empty strings removed when
    /// the limit is 0; a zero-width match at the start yields no leading empty string.
    static func split(_ text: String, _ expression: ECMARegex, limit: Int) -> [String] {
        let scalars = text.unicodeScalars.map(\.value)
        func string(_ range: Range<Int>) -> String {
            var result = String.UnicodeScalarView()
            for value in scalars[range] { if let scalar = Unicode.Scalar(value) { result.append(scalar) } }
            return String(result)
        }
        var parts: [String] = []
        var position = 0
        for match in expression.allMatches(in: scalars) {
            if limit > 0 && parts.count == limit - 1 { break }
            if match.range.isEmpty && match.range.lowerBound == 0 { continue }
            if match.range.isEmpty && match.range.lowerBound >= scalars.count { break }
            parts.append(string(position..<match.range.lowerBound))
            position = match.range.upperBound
        }
        parts.append(string(position..<scalars.count))
        if limit == 0 { while let last = parts.last, last.isEmpty, parts.count > 0 { parts.removeLast() } }
        if parts.isEmpty && scalars.isEmpty { return [""] }
        return parts
    }

    // MARK: - Lists and maps

    static func listMethod(_ name: String, _ list: VelocityList, _ arguments: [VelocityValue]) -> VelocityValue? {
        switch (name, arguments.count) {
        case ("size", 0): return .int(list.elements.count)
        case ("isEmpty", 0): return .bool(list.elements.isEmpty)
        case ("get", 1):
            guard let position = int(arguments[0]), list.elements.indices.contains(position) else { return .null }
            return list.elements[position]
        case ("contains", 1): return .bool(list.elements.contains { VelocityOperators.equal($0, arguments[0]) })
        case ("indexOf", 1): return .int(list.elements.firstIndex { VelocityOperators.equal($0, arguments[0]) } ?? -1)
        case ("add", 1):
            list.elements.append(arguments[0])
            return .bool(true)
        case ("add", 2):
            guard let position = int(arguments[0]), position >= 0, position <= list.elements.count else { return .null }
            list.elements.insert(arguments[1], at: position)
            return .null
        case ("set", 2):
            guard let position = int(arguments[0]), list.elements.indices.contains(position) else { return .null }
            let previous = list.elements[position]
            list.elements[position] = arguments[1]
            return previous
        case ("remove", 1):
            guard let position = int(arguments[0]), list.elements.indices.contains(position) else { return .null }
            return list.elements.remove(at: position)
        case ("clear", 0):
            list.elements.removeAll()
            return .null
        case ("toString", 0): return .string(VelocityValue.list(list).text())
        default: return nil
        }
    }

    static func mapMethod(_ name: String, _ map: VelocityMap, _ arguments: [VelocityValue]) -> VelocityValue? {
        switch (name, arguments.count) {
        case ("get", 1): return map.get(arguments[0].text())
        case ("put", 2): return map.put(arguments[0].text(), arguments[1])
        case ("containsKey", 1): return .bool(map.containsKey(arguments[0].text()))
        case ("remove", 1): return map.remove(arguments[0].text())
        case ("size", 0): return .int(map.count)
        case ("isEmpty", 0): return .bool(map.count == 0)
        case ("keySet", 0): return .list(VelocityList(map.entries.map { .string($0.key) }))
        case ("values", 0): return .list(VelocityList(map.entries.map(\.value)))
        case ("entrySet", 0):
            return .list(VelocityList(map.entries.map { .map(VelocityMap([("key", .string($0.key)), ("value", $0.value)])) }))
        case ("toString", 0): return .string(VelocityValue.map(map).text())
        default: return nil
        }
    }

    // MARK: - Numbers, and static helpers called through an instance

    static func numberMethod(_ name: String, _ number: VelocityValue, _ arguments: [VelocityValue]) throws(VelocityRuntimeError) -> VelocityValue? {
        func numberFormat(_ text: String) -> VelocityRuntimeError {
            VelocityRuntimeError(.methodFailed(method: name, message: "NumberFormatException: For input string: \"\(text)\""))
        }
        let isInteger: Bool
        if case .int = number { isInteger = true } else { isInteger = false }
        switch (name, arguments.count) {
        case ("toString", 0): return .string(number.text())
        case ("intValue", 0), ("longValue", 0):
            if case .double(let value) = number { return value.isFinite ? .int(Int(value.rounded(.towardZero))) : .int(0) }
            return number
        case ("doubleValue", 0), ("floatValue", 0):
            return .double(VelocityOperators.number(number) ?? 0)
        case ("equals", 1):
            switch (number, arguments[0]) {
            case (.int(let a), .int(let b)): return .bool(a == b)
            case (.double(let a), .double(let b)): return .bool(a == b)
            default: return .bool(false)
            }
        case ("compareTo", 1):
            return VelocityOperators.compare(number, arguments[0]).map { .int($0) }
        case ("parseInt", 1) where isInteger, ("parseLong", 1) where isInteger,
            ("valueOf", 1) where isInteger:
            if case .int = arguments[0] { return arguments[0] }
            let text = arguments[0].text()
            var trimmed = Substring(text)
            if trimmed.hasPrefix("+") { trimmed = trimmed.dropFirst() }
            guard !trimmed.hasPrefix("-+"), let value = Int(trimmed) else { throw numberFormat(text) }
            if name == "parseInt", Int32(exactly: value) == nil { throw numberFormat(text) }
            return .int(value)
        case ("parseDouble", 1) where !isInteger, ("valueOf", 1) where !isInteger:
            if let value = VelocityOperators.number(arguments[0]) { return .double(value) }
            let text = arguments[0].text().trimmingSpaces
            guard let value = Double(text) else { throw numberFormat(text) }
            return .double(value)
        case ("toString", 1):
            return .string(arguments[0].text())
        default:
            return nil
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
