import ECMARegex
import Synchronization

/// Java-style methods and properties on template values. An unknown method or property is
/// null (renders empty), as in API Gateway; a method that would throw in Java throws.
enum VelocityMethods {
    // MARK: - Properties and indexes

    /// `$value.name`: a map key, a host object's property, or a Java getter (`getX`/`isX`).
    static func property(_ name: String, of value: VelocityValue, _ budget: inout RenderBudget) -> VelocityValue {
        switch value {
        case .map(let map): return map.get(name)
        case .object(let object): return object.property(name) ?? .null
        default:
            let capitalised = name.prefix(1).uppercased() + name.dropFirst()
            if let result = try? call("get" + capitalised, on: value, [], &budget) { return result }
            if let result = try? call("is" + capitalised, on: value, [], &budget) { return result }
            return .null
        }
    }

    /// `$value[key]`.
    static func index(_ value: VelocityValue, _ key: VelocityValue, _ budget: inout RenderBudget) throws(VelocityRuntimeError) -> VelocityValue {
        switch (value, key) {
        case (.list(let list), .int(let position)):
            return list.elements.indices.contains(position) ? list.elements[position] : .null
        case (.map(let map), _):
            return map.get(try budget.text(of: key))
        case (.object(let object), .string(let name)):
            return object.property(name) ?? .null
        default:
            return .null
        }
    }

    // MARK: - Calls

    static func call(_ name: String, on receiver: VelocityValue, _ arguments: [VelocityValue], _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> VelocityValue?
    {
        switch receiver {
        case .string(let text): return try stringMethod(name, text, arguments, &budget)
        case .list(let list): return try listMethod(name, list, arguments, &budget)
        case .map(let map): return try mapMethod(name, map, arguments, &budget)
        case .int, .double: return try numberMethod(name, receiver, arguments, &budget)
        case .bool(let flag):
            switch (name, arguments.count) {
            case ("toString", 0): return .string(flag ? "true" : "false")
            case ("booleanValue", 0): return .bool(flag)
            case ("equals", 1): return .bool(try VelocityOperators.equal(receiver, arguments[0], &budget))
            default: return nil
            }
        case .object(let object):
            let result = try object.call(name, arguments, budget: &budget)
            if case .string(let text)? = result { try budget.build(bytes: text.utf8.count) }
            return result
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

    static func stringMethod(_ name: String, _ text: String, _ arguments: [VelocityValue], _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> VelocityValue?
    {
        func argument(_ index: Int) throws(VelocityRuntimeError) -> String { try budget.text(of: arguments[index]) }
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
        case ("toLowerCase", 0):
            try budget.build(bytes: 3 * text.utf8.count)
            return .string(text.lowercased())
        case ("toUpperCase", 0):
            try budget.build(bytes: 3 * text.utf8.count)
            return .string(text.uppercased())
        case ("equals", 1):
            if case .string(let other) = arguments[0] { return .bool(other == text) }
            return .bool(false)
        case ("equalsIgnoreCase", 1): return .bool(try argument(0).lowercased() == text.lowercased())
        case ("contains", 1): return .bool(indexOf(units, Array(try argument(0).utf16), from: 0) != nil)
        case ("startsWith", 1): return .bool(units.starts(with: Array(try argument(0).utf16)))
        case ("endsWith", 1): return .bool(units.reversed().starts(with: Array(try argument(0).utf16).reversed()))
        case ("indexOf", 1), ("indexOf", 2):
            let from = arguments.count == 2 ? max(0, int(arguments[1]) ?? 0) : 0
            return .int(indexOf(units, Array(try argument(0).utf16), from: from) ?? -1)
        case ("lastIndexOf", 1):
            let needle = Array(try argument(0).utf16)
            var found = -1
            var position = 0
            while let next = indexOf(units, needle, from: position) {
                found = next
                position = next + 1
            }
            return .int(found)
        case ("charAt", 1):
            guard let position = int(arguments[0]), units.indices.contains(position) else { throw outOfBounds("index \(try argument(0))") }
            return string(units[position...position])
        case ("substring", 1), ("substring", 2):
            guard let begin = int(arguments[0]) else { return nil }
            let end = arguments.count == 2 ? int(arguments[1]) ?? -1 : units.count
            guard begin >= 0, end <= units.count, begin <= end else { throw outOfBounds("begin \(begin), end \(end), length \(units.count)") }
            return string(units[begin..<end])
        case ("concat", 1):
            let suffix = try argument(0)
            try budget.build(bytes: text.utf8.count + suffix.utf8.count)
            return .string(text + suffix)
        case ("replace", 2):
            let target = Array(try argument(0).utf16), replacement = Array(try argument(1).utf16)
            guard !target.isEmpty else { return .string(text) }
            var found: [Int] = []
            var position = 0
            while let next = indexOf(units, target, from: position) {
                found.append(next)
                position = next + target.count
            }
            // The size is known before anything is built: refuse it rather than allocate it.
            try budget.build(bytes: 3 * (units.count + found.count * (replacement.count - target.count)))
            var result: [UInt16] = []
            position = 0
            for next in found {
                result += units[position..<next]
                result += replacement
                position = next + target.count
            }
            result += units[position...]
            return .string(String(decoding: result, as: UTF16.self))
        case ("replaceAll", 2), ("replaceFirst", 2):
            let expression = try regex(try argument(0), method: name, &budget)
            return .string(try replace(text, expression, with: try argument(1), all: name == "replaceAll", &budget))
        case ("matches", 1):
            let expression = try regex(try argument(0), method: name, wholeInput: true, &budget)
            switch expression.search(text, budget: &budget.regex) {
            case .match: return .bool(true)
            case .noMatch: return .bool(false)
            case .limitExceeded: throw budget.regexFailure(expression.pattern)
            }
        case ("split", 1), ("split", 2):
            let expression = try regex(try argument(0), method: name, &budget)
            let limit = arguments.count == 2 ? int(arguments[1]) ?? 0 : 0
            let parts = try split(text, expression, limit: limit, &budget)
            try budget.steps(parts.count)
            return .list(VelocityList(parts.map { .string($0) }))
        case ("hashCode", 0):
            var hash: Int32 = 0
            for unit in units { hash = hash &* 31 &+ Int32(unit) }
            return .int(Int(hash))
        case ("compareTo", 1):
            let other = try argument(0)
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

    /// The compiled pattern (`wholeInput`: anchored at both ends, for `matches`), cached.
    /// Compiling costs the render one step per byte of the pattern and one per instruction of
    /// the compiled program (patterns built at run time can be long, repetitions expand, and a
    /// new pattern is compiled on each call).
    static func regex(_ pattern: String, method: String, wholeInput: Bool = false, _ budget: inout RenderBudget) throws(VelocityRuntimeError)
        -> ECMARegex
    {
        try budget.steps(pattern.utf8.count)
        let key = (wholeInput ? "W" : "S") + pattern
        if let cached = regexCache.withLock({ $0[key] }) { return cached }
        let expression: ECMARegex
        do {
            expression = wholeInput ? try ECMARegex(wholeInput: pattern) : try ECMARegex(pattern)
        } catch {
            throw VelocityRuntimeError(.methodFailed(method: method, message: "PatternSyntaxException: \(error.reason)"))
        }
        try budget.steps(expression.programSize)
        regexCache.withLock { cache in
            if cache.count > 256 { cache.removeAll() }
            cache[key] = expression
        }
        return expression
    }

    /// `Matcher.replaceAll` / `replaceFirst`: `$n` inserts group n, `\x` inserts x.
    static func replace(_ text: String, _ expression: ECMARegex, with replacement: String, all: Bool, _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> String
    {
        let scalars = text.unicodeScalars.map(\.value)
        var matches: [RegexMatch]
        do {
            if all {
                matches = try expression.allMatches(in: scalars, budget: &budget.regex)
            } else {
                matches = try expression.firstMatch(in: scalars, from: 0, budget: &budget.regex).map { [$0] } ?? []
            }
        } catch {
            throw budget.regexFailure(expression.pattern)
        }
        guard !matches.isEmpty else { return text }
        let template = Array(replacement.unicodeScalars)
        // Each match adds at most the replacement with every `$n` expanded to the whole text.
        let (perMatch, overflow) = template.count.multipliedReportingOverflow(by: max(1, scalars.count))
        let (added, overflow2) = perMatch.multipliedReportingOverflow(by: matches.count)
        if overflow || overflow2 { throw VelocityRuntimeError(.stringTooLarge(limit: budget.limits.outputBytes)) }
        try budget.build(bytes: 4 * min(scalars.count + added, Int.max / 8))
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
    static func split(_ text: String, _ expression: ECMARegex, limit: Int, _ budget: inout RenderBudget) throws(VelocityRuntimeError)
        -> [String]
    {
        let scalars = text.unicodeScalars.map(\.value)
        let matches: [RegexMatch]
        do {
            matches = try expression.allMatches(in: scalars, budget: &budget.regex)
        } catch {
            throw budget.regexFailure(expression.pattern)
        }
        try budget.build(bytes: text.utf8.count)
        func string(_ range: Range<Int>) -> String {
            var result = String.UnicodeScalarView()
            for value in scalars[range] { if let scalar = Unicode.Scalar(value) { result.append(scalar) } }
            return String(result)
        }
        var parts: [String] = []
        var position = 0
        for match in matches {
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

    static func listMethod(_ name: String, _ list: VelocityList, _ arguments: [VelocityValue], _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> VelocityValue?
    {
        switch (name, arguments.count) {
        case ("size", 0): return .int(list.elements.count)
        case ("isEmpty", 0): return .bool(list.elements.isEmpty)
        case ("get", 1):
            guard let position = int(arguments[0]), list.elements.indices.contains(position) else { return .null }
            return list.elements[position]
        case ("contains", 1):
            for element in list.elements {
                try budget.step()
                if try VelocityOperators.equal(element, arguments[0], &budget) { return .bool(true) }
            }
            return .bool(false)
        case ("indexOf", 1):
            for (position, element) in list.elements.enumerated() {
                try budget.step()
                if try VelocityOperators.equal(element, arguments[0], &budget) { return .int(position) }
            }
            return .int(-1)
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
        case ("toString", 0): return .string(try budget.text(of: .list(list)))
        default: return nil
        }
    }

    static func mapMethod(_ name: String, _ map: VelocityMap, _ arguments: [VelocityValue], _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> VelocityValue?
    {
        switch (name, arguments.count) {
        case ("get", 1): return map.get(try budget.text(of: arguments[0]))
        case ("put", 2): return map.put(try budget.text(of: arguments[0]), arguments[1])
        case ("containsKey", 1): return .bool(map.containsKey(try budget.text(of: arguments[0])))
        case ("remove", 1): return map.remove(try budget.text(of: arguments[0]))
        case ("size", 0): return .int(map.count)
        case ("isEmpty", 0): return .bool(map.count == 0)
        case ("keySet", 0):
            try budget.steps(map.count)
            return .list(VelocityList(map.entries.map { .string($0.key) }))
        case ("values", 0):
            try budget.steps(map.count)
            return .list(VelocityList(map.entries.map(\.value)))
        case ("entrySet", 0):
            try budget.steps(map.count)
            return .list(VelocityList(map.entries.map { .map(VelocityMap([("key", .string($0.key)), ("value", $0.value)])) }))
        case ("toString", 0): return .string(try budget.text(of: .map(map)))
        default: return nil
        }
    }

    // MARK: - Numbers, and static helpers called through an instance

    static func numberMethod(_ name: String, _ number: VelocityValue, _ arguments: [VelocityValue], _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> VelocityValue?
    {
        func numberFormat(_ text: String) -> VelocityRuntimeError {
            VelocityRuntimeError(.methodFailed(method: name, message: "NumberFormatException: For input string: \"\(text)\""))
        }
        let isInteger: Bool
        if case .int = number { isInteger = true } else { isInteger = false }
        switch (name, arguments.count) {
        case ("toString", 0): return .string(number.scalarText(inCollection: false))
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
            let text = try budget.text(of: arguments[0])
            var trimmed = Substring(text)
            if trimmed.hasPrefix("+") { trimmed = trimmed.dropFirst() }
            guard !trimmed.hasPrefix("-+"), let value = Int(trimmed) else { throw numberFormat(text) }
            if name == "parseInt", Int32(exactly: value) == nil { throw numberFormat(text) }
            return .int(value)
        case ("parseDouble", 1) where !isInteger, ("valueOf", 1) where !isInteger:
            if let value = VelocityOperators.number(arguments[0]) { return .double(value) }
            let text = try budget.text(of: arguments[0]).trimmingUnicodeWhitespace()
            guard let value = Double(text) else { throw numberFormat(text) }
            return .double(value)
        case ("toString", 1):
            return .string(try budget.text(of: arguments[0]))
        default:
            return nil
        }
    }
}

