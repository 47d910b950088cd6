import JSONCore
import Velocity

/// The JSONPath subset API Gateway templates use: `$`, `.name`, `['name']`, `["name"]`,
/// `[n]` (negative counts from the end), `[*]` and `.*`, and `..name` (recursive descent).
public struct JSONPath: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case member(String)
        case index(Int)
        case wildcard
        case descendant(String)
    }

    let steps: [Step]

    /// Whether the path can select several values (then results come as a list).
    public var isDefinite: Bool {
        !steps.contains { if case .member = $0 { return false } else if case .index = $0 { return false } else { return true } }
    }

    /// Parses a path; nil when it is not one.
    public init?(_ text: String) {
        let scalars = Array(text.trimmingSpacesTabsAndLineFeeds().unicodeScalars)
        guard scalars.first == "$" else { return nil }
        var steps: [Step] = []
        var index = 1
        func name() -> String {
            var result = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != ".", scalars[index] != "[" {
                result.append(scalars[index])
                index += 1
            }
            return String(result)
        }
        while index < scalars.count {
            switch scalars[index] {
            case ".":
                index += 1
                if index < scalars.count, scalars[index] == "." {
                    index += 1
                    let member = name()
                    guard !member.isEmpty else { return nil }
                    steps.append(.descendant(member))
                } else if index < scalars.count, scalars[index] == "*" {
                    index += 1
                    steps.append(.wildcard)
                } else {
                    let member = name()
                    guard !member.isEmpty else { return nil }
                    steps.append(.member(member))
                }
            case "[":
                index += 1
                guard index < scalars.count else { return nil }
                if scalars[index] == "'" || scalars[index] == "\"" {
                    let quote = scalars[index]
                    index += 1
                    var member = String.UnicodeScalarView()
                    while index < scalars.count, scalars[index] != quote {
                        member.append(scalars[index])
                        index += 1
                    }
                    guard index + 1 < scalars.count, scalars[index + 1] == "]" else { return nil }
                    index += 2
                    steps.append(.member(String(member)))
                } else if scalars[index] == "*" {
                    guard index + 1 < scalars.count, scalars[index + 1] == "]" else { return nil }
                    index += 2
                    steps.append(.wildcard)
                } else {
                    var digits = ""
                    while index < scalars.count, scalars[index] != "]" {
                        digits.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    guard index < scalars.count, let position = Int(digits.trimmingSpacesTabsAndLineFeeds()) else { return nil }
                    index += 1
                    steps.append(.index(position))
                }
            default:
                return nil
            }
        }
        self.steps = steps
    }

    /// Every value the path selects in `document`, in document order.
    public func select(in document: JSONValue) -> [JSONValue] {
        var visits = Int.max
        return select(in: document, visits: &visits) ?? []
    }

    /// Every value the path selects, visiting at most `visits` values (each step's input
    /// and every value a recursive descent walks count one); nil when that is not enough.
    /// The visits used are taken from `visits`.
    public func select(in document: JSONValue, visits: inout Int) -> [JSONValue]? {
        var current = [document]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                visits -= 1
                if visits < 0 { return nil }
                switch (step, value) {
                case (.member(let name), .object(let object)):
                    if let member = object[name] { next.append(member) }
                case (.index(let position), .array(let elements)):
                    let resolved = position < 0 ? elements.count + position : position
                    if elements.indices.contains(resolved) { next.append(elements[resolved]) }
                case (.wildcard, .array(let elements)):
                    next += elements
                case (.wildcard, .object(let object)):
                    next += object.members.map(\.value)
                case (.descendant(let name), _):
                    if !JSONPath.collect(name, in: value, into: &next, visits: &visits) { return nil }
                default:
                    break
                }
                if next.count > visits { return nil }
            }
            current = next
        }
        return current
    }

    /// Appends every member called `name` at any depth under `value`; false when the visits
    /// ran out.
    static func collect(_ name: String, in value: JSONValue, into results: inout [JSONValue], visits: inout Int) -> Bool {
        visits -= 1
        if visits < 0 { return false }
        switch value {
        case .object(let object):
            if let member = object[name] { results.append(member) }
            for member in object where !collect(name, in: member.value, into: &results, visits: &visits) { return false }
        case .array(let elements):
            for element in elements where !collect(name, in: element, into: &results, visits: &visits) { return false }
        default:
            break
        }
        return true
    }
}


extension JSONPath {
    /// `select(in:visits:)` over a template's values: the payload as `$input.path` hands it
    /// out, whose maps and lists a template may have changed. The values selected are the
    /// tree's own (a map changed through one is changed in the tree).
    func select(in tree: VelocityValue, visits: inout Int) -> [VelocityValue]? {
        var current = [tree]
        for step in steps {
            var next: [VelocityValue] = []
            for value in current {
                visits -= 1
                if visits < 0 { return nil }
                switch (step, value) {
                case (.member(let name), .map(let map)):
                    if map.containsKey(name) { next.append(map.get(name)) }
                case (.index(let position), .list(let list)):
                    let resolved = position < 0 ? list.elements.count + position : position
                    if list.elements.indices.contains(resolved) { next.append(list.elements[resolved]) }
                case (.wildcard, .list(let list)):
                    next += list.elements
                case (.wildcard, .map(let map)):
                    next += map.entries.map(\.value)
                case (.descendant(let name), _):
                    if !JSONPath.collect(name, in: value, into: &next, visits: &visits) { return nil }
                default:
                    break
                }
                if next.count > visits { return nil }
            }
            current = next
        }
        return current
    }

    /// `collect(_:in:into:visits:)` over a template's values.
    static func collect(_ name: String, in value: VelocityValue, into results: inout [VelocityValue], visits: inout Int) -> Bool {
        visits -= 1
        if visits < 0 { return false }
        switch value {
        case .map(let map):
            if map.containsKey(name) { results.append(map.get(name)) }
            for entry in map.entries where !collect(name, in: entry.value, into: &results, visits: &visits) { return false }
        case .list(let list):
            for element in list.elements where !collect(name, in: element, into: &results, visits: &visits) { return false }
        default:
            break
        }
        return true
    }
}
