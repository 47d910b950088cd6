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
    public func select(in document: JSONValue, visits: inout Int) -> [JSONValue]? { selectNodes(in: document, visits: &visits) }

    /// The selection over any tree of objects and arrays: a JSON document, or the template's
    /// own values (the payload as `$input.path` hands it out, which a template may change;
    /// the values selected are the tree's own).
    func selectNodes<Node: JSONPathNode>(in document: Node, visits: inout Int) -> [Node]? {
        var current = [document]
        for step in steps {
            var next: [Node] = []
            for value in current {
                visits -= 1
                if visits < 0 { return nil }
                switch step {
                case .member(let name):
                    if let member = value.member(name) { next.append(member) }
                case .index(let position):
                    if let elements = value.elements {
                        let resolved = position < 0 ? elements.count + position : position
                        if elements.indices.contains(resolved) { next.append(elements[resolved]) }
                    }
                case .wildcard:
                    next += value.elements ?? value.memberValues ?? []
                case .descendant(let name):
                    if !JSONPath.collect(name, in: value, into: &next, visits: &visits) { return nil }
                }
                if next.count > visits { return nil }
            }
            current = next
        }
        return current
    }

    /// Appends every member called `name` at any depth under `value`; false when the visits
    /// ran out.
    static func collect<Node: JSONPathNode>(_ name: String, in value: Node, into results: inout [Node], visits: inout Int) -> Bool {
        visits -= 1
        if visits < 0 { return false }
        if let values = value.memberValues {
            if let member = value.member(name) { results.append(member) }
            for child in values where !collect(name, in: child, into: &results, visits: &visits) { return false }
        } else if let elements = value.elements {
            for element in elements where !collect(name, in: element, into: &results, visits: &visits) { return false }
        }
        return true
    }
}

/// A value JSONPath walks: an object's members by name, an array's elements.
protocol JSONPathNode {
    /// The member `name` of an object (nil: not an object, or no such member).
    func member(_ name: String) -> Self?
    /// An object's member values in order; nil when not an object.
    var memberValues: [Self]? { get }
    /// An array's elements; nil when not an array.
    var elements: [Self]? { get }
}

extension JSONValue: JSONPathNode {
    func member(_ name: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[name]
    }

    var memberValues: [JSONValue]? {
        guard case .object(let object) = self else { return nil }
        return object.members.map(\.value)
    }

    var elements: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }
}

extension VelocityValue: JSONPathNode {
    func member(_ name: String) -> VelocityValue? {
        guard case .map(let map) = self, map.containsKey(name) else { return nil }
        return map.get(name)
    }

    var memberValues: [VelocityValue]? {
        guard case .map(let map) = self else { return nil }
        return map.entries.map(\.value)
    }

    var elements: [VelocityValue]? {
        guard case .list(let list) = self else { return nil }
        return list.elements
    }
}
