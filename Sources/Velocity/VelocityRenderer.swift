/// Limits that keep any template bounded in time and memory. One render shares them: every
/// method call, regular expression, string and recursion of the render draws from the same
/// `RenderBudget`.
public struct VelocityLimits: Sendable {
    /// `#foreach` stops after this many iterations (API Gateway: 1,000).
    public var foreachIterations = 1000
    /// Rendering fails once the output, or any one string, passes this many bytes.
    public var outputBytes = 10 * 1024 * 1024
    /// Rendering fails after this many evaluation steps.
    public var steps = 2_000_000
    /// Steps of every regular-expression method of one render together.
    public var regexSteps = 10_000_000
    /// Bytes of text one render may build in all: output, interpolated strings, method
    /// results and printed collections.
    public var textBytes = 64 * 1024 * 1024
    /// `#macro` calls and `#define` blocks nested deeper than this fail, and so does printing
    /// a collection nested deeper (one that contains itself).
    public var macroDepth = 64

    /// The API Gateway defaults.
    public init() {}
}

/// Renders a compiled template with a set of variables.
struct VelocityRenderer {
    /// Variable values by slot.
    var variables: [VelocityValue]
    let macros: [String: Macro]
    var budget: RenderBudget
    var output = ""
    /// `output.utf8.count`, kept as it grows.
    var outputCount = 0

    enum Flow { case normal, breakLoop, stop }

    init(variables: [VelocityValue], macros: [String: Macro], limits: VelocityLimits) {
        self.variables = variables
        self.macros = macros
        self.budget = RenderBudget(limits: limits)
    }

    var limits: VelocityLimits { budget.limits }

    @inline(__always)
    mutating func step(_ location: SourceLocation? = nil) throws(VelocityRuntimeError) {
        try budget.step(location)
    }

    @inline(__always)
    mutating func emit(_ text: String) throws(VelocityRuntimeError) {
        let count = text.utf8.count
        outputCount += count
        budget.textBytesLeft -= count
        if outputCount > limits.outputBytes || budget.textBytesLeft < 0 { throw emitFailure() }
        output += text
    }

    private func emitFailure() -> VelocityRuntimeError {
        if outputCount > limits.outputBytes { return VelocityRuntimeError(.outputTooLarge(limit: limits.outputBytes)) }
        return VelocityRuntimeError(.textBudgetExceeded(limit: limits.textBytes))
    }

    // MARK: - Nodes

    mutating func render(_ nodes: [VelocityNode]) throws(VelocityRuntimeError) -> Flow {
        for node in nodes {
            try step()
            switch node {
            case .text(let text):
                try emit(text)
            case .reference(let reference):
                let value = try evaluate(reference)
                if case .block(let block) = value {
                    try budget.enter(reference.location)
                    let flow = try render(block.nodes)
                    budget.leave()
                    if flow == .stop { return .stop }
                } else {
                    try emit(try budget.text(of: value))
                }
            case .set(let target, let expression):
                let value = try evaluate(expression)
                // Velocity 1.7: a null right-hand side leaves the target unchanged.
                if !value.isNull { try assign(value, to: target) }
            case .conditional(let branches, let otherwise):
                var chosen: [VelocityNode]? = otherwise
                for (condition, body) in branches where try evaluate(condition).isTruthy {
                    chosen = body
                    break
                }
                if let chosen {
                    let flow = try render(chosen)
                    if flow != .normal { return flow }
                }
            case .foreach(let variable, let iterable, let body, let location):
                if try renderForeach(variable: variable, iterable: iterable, body: body, location: location) == .stop { return .stop }
            case .breakLoop:
                return .breakLoop
            case .stop:
                return .stop
            case .define(let slot, let body):
                variables[slot] = .block(DefinedBlock(nodes: body))
            case .macroCall(let name, let arguments, let source, let location):
                guard let macro = macros[name] else {
                    try emit(source)  // not a macro: the text stays
                    continue
                }
                if try renderMacro(macro, arguments: arguments, location: location) == .stop { return .stop }
            }
        }
        return .normal
    }

    mutating func renderForeach(variable: Int, iterable: Expression, body: [VelocityNode], location: SourceLocation) throws(VelocityRuntimeError)
        -> Flow
    {
        let elements: [VelocityValue]
        switch try evaluate(iterable) {
        case .list(let list): elements = list.elements
        case .map(let map): elements = map.entries.map(\.value)  // Velocity iterates a map's values
        default: elements = []
        }
        let savedVariable = variables[variable]
        let savedScope = variables[ReservedSlot.foreach]
        let savedCount = variables[ReservedSlot.velocityCount]
        defer {
            variables[variable] = savedVariable
            variables[ReservedSlot.foreach] = savedScope
            variables[ReservedSlot.velocityCount] = savedCount
        }
        let scope = ForeachScope(count: elements.count, parent: savedScope)
        variables[ReservedSlot.foreach] = .object(scope)
        for (position, element) in elements.enumerated() {
            if position >= limits.foreachIterations { break }
            try step(location)
            scope.index = position
            variables[variable] = element
            variables[ReservedSlot.velocityCount] = .int(position + 1)
            let flow = try render(body)
            if flow == .breakLoop { break }
            if flow == .stop { return .stop }
        }
        return .normal
    }

    mutating func renderMacro(_ macro: Macro, arguments: [Expression], location: SourceLocation) throws(VelocityRuntimeError) -> Flow {
        try budget.enter(location)
        defer { budget.leave() }
        var saved: [(Int, VelocityValue)] = []
        for (position, parameter) in macro.parameters.enumerated() {
            saved.append((parameter, variables[parameter]))
            variables[parameter] = position < arguments.count ? try evaluate(arguments[position]) : .null
        }
        defer { for (name, value) in saved { variables[name] = value } }
        let flow = try render(macro.body)
        return flow == .stop ? .stop : .normal
    }

    // MARK: - References

    mutating func evaluate(_ reference: Reference) throws(VelocityRuntimeError) -> VelocityValue {
        var value = variables[reference.slot]
        for accessor in reference.accessors {
            try step(reference.location)
            if value.isNull { return .null }
            switch accessor {
            case .property(let name):
                value = VelocityMethods.property(name, of: value, &budget)
            case .method(let name, let argumentExpressions):
                var arguments: [VelocityValue] = []
                arguments.reserveCapacity(argumentExpressions.count)
                for argument in argumentExpressions { arguments.append(try evaluate(argument)) }
                do {
                    value = try VelocityMethods.call(name, on: value, arguments, &budget) ?? .null
                } catch var error {
                    if error.location == nil { error.location = reference.location }
                    throw error
                }
            case .index(let keyExpression):
                value = try VelocityMethods.index(value, try evaluate(keyExpression), &budget)
            }
        }
        return value
    }

    mutating func assign(_ value: VelocityValue, to target: Reference) throws(VelocityRuntimeError) {
        guard let last = target.accessors.last else {
            variables[target.slot] = value
            return
        }
        let container = try evaluate(
            Reference(name: target.name, slot: target.slot, accessors: Array(target.accessors.dropLast()), location: target.location))
        switch (container, last) {
        case (.map(let map), .property(let key)):
            map.put(key, value)
        case (.map(let map), .index(let keyExpression)):
            map.put(try budget.text(of: try evaluate(keyExpression)), value)
        case (.list(let list), .index(let keyExpression)):
            if case .int(let position) = try evaluate(keyExpression), list.elements.indices.contains(position) {
                list.elements[position] = value
            }
        default:
            // Velocity logs and leaves everything unchanged.
            break
        }
    }

    // MARK: - Expressions

    mutating func evaluate(_ expression: Expression) throws(VelocityRuntimeError) -> VelocityValue {
        try step()
        switch expression {
        case .reference(let reference): return try evaluate(reference)
        case .literal(let text): return .string(text)
        case .interpolated(let nodes):
            let saved = output, savedCount = outputCount
            output = ""
            outputCount = 0
            defer {
                output = saved
                outputCount = savedCount
            }
            _ = try render(nodes)
            return .string(output)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .bool(let value): return .bool(value)
        case .list(let elements):
            var values: [VelocityValue] = []
            for element in elements { values.append(try evaluate(element)) }
            return .list(VelocityList(values))
        case .range(let first, let last):
            guard case .int(let low) = try evaluate(first), case .int(let high) = try evaluate(last) else { return .null }
            // The distance in 64-bit magnitude: `high - low` can overflow (`[1..-9223372036854775807]`).
            let distance = low <= high ? UInt64(bitPattern: Int64(high) &- Int64(low)) : UInt64(bitPattern: Int64(low) &- Int64(high))
            guard distance < UInt64(limits.steps) else { throw VelocityRuntimeError(.tooManySteps(limit: limits.steps)) }
            try budget.steps(Int(distance) + 1)
            return .list(VelocityList(stride(from: low, through: high, by: low <= high ? 1 : -1).map { .int($0) }))
        case .map(let entries):
            let map = VelocityMap()
            for (key, value) in entries { map.put(try budget.text(of: try evaluate(key)), try evaluate(value)) }
            return .map(map)
        case .unary(.not, let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .unary(.negate, let operand):
            switch try evaluate(operand) {
            case .int(let value): return value == Int.min ? .double(-Double(value)) : .int(-value)
            case .double(let value): return .double(-value)
            default: return .null
            }
        case .binary(let op, let left, let right, _):
            switch op {
            case .and:
                guard try evaluate(left).isTruthy else { return .bool(false) }
                return .bool(try evaluate(right).isTruthy)
            case .or:
                if try evaluate(left).isTruthy { return .bool(true) }
                return .bool(try evaluate(right).isTruthy)
            default:
                return try VelocityOperators.apply(op, try evaluate(left), try evaluate(right), &budget)
            }
        }
    }
}

/// `$foreach`: the loop's position.
final class ForeachScope: VelocityObject {
    let count: Int
    var index = 0
    let parent: VelocityValue

    init(count: Int, parent: VelocityValue) {
        self.count = count
        self.parent = parent
    }

    func property(_ name: String) -> VelocityValue? {
        switch name {
        case "index": return .int(index)
        case "count": return .int(index + 1)
        case "hasNext": return .bool(index + 1 < count)
        case "first": return .bool(index == 0)
        case "last": return .bool(index + 1 == count)
        case "parent": return parent
        default: return nil
        }
    }

    func call(_ name: String, _ arguments: [VelocityValue], budget: inout RenderBudget) throws(VelocityRuntimeError) -> VelocityValue? {
        guard arguments.isEmpty else { return nil }
        switch name {
        case "hasNext", "getHasNext", "isHasNext": return property("hasNext")
        case "getIndex": return property("index")
        case "getCount": return property("count")
        case "isFirst", "getFirst": return property("first")
        case "isLast", "getLast": return property("last")
        case "getParent": return property("parent")
        default: return nil
        }
    }
}

/// Java-semantics operators.
enum VelocityOperators {
    static func apply(_ op: BinaryOperator, _ left: VelocityValue, _ right: VelocityValue, _ budget: inout RenderBudget)
        throws(VelocityRuntimeError) -> VelocityValue
    {
        switch op {
        case .equal: return .bool(try equal(left, right, &budget))
        case .notEqual: return .bool(!(try equal(left, right, &budget)))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = compare(left, right) else { return .bool(false) }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .add:
            if case .string = left { return try concatenate(left, right, &budget) }
            if case .string = right { return try concatenate(left, right, &budget) }
            return arithmetic(left, right, { $0.addingReportingOverflow($1) }, { $0 + $1 })
        case .subtract: return arithmetic(left, right, { $0.subtractingReportingOverflow($1) }, { $0 - $1 })
        case .multiply: return arithmetic(left, right, { $0.multipliedReportingOverflow(by: $1) }, { $0 * $1 })
        case .divide:
            if isZero(right) { return .null }
            return arithmetic(left, right, { $0.dividedReportingOverflow(by: $1) }, { $0 / $1 })
        case .remainder:
            if isZero(right) { return .null }
            return arithmetic(left, right, { $0.remainderReportingOverflow(dividingBy: $1) }, { $0.truncatingRemainder(dividingBy: $1) })
        case .and, .or:
            return .bool(left.isTruthy && right.isTruthy)
        }
    }

    /// `"a" + x`: both printed as inside a collection (null prints `null`, as Java does).
    static func concatenate(_ left: VelocityValue, _ right: VelocityValue, _ budget: inout RenderBudget) throws(VelocityRuntimeError)
        -> VelocityValue
    {
        let a = try budget.collectionText(of: left), b = try budget.collectionText(of: right)
        try budget.build(bytes: a.utf8.count + b.utf8.count)
        return .string(a + b)
    }

    static func isZero(_ value: VelocityValue) -> Bool {
        switch value {
        case .int(let integer): return integer == 0
        case .double(let double): return double == 0
        default: return false
        }
    }

    /// Integer op integer stays integral (widening on overflow); a double operand makes a double.
    static func arithmetic(
        _ left: VelocityValue, _ right: VelocityValue, _ integer: (Int, Int) -> (partialValue: Int, overflow: Bool),
        _ double: (Double, Double) -> Double
    ) -> VelocityValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (result, overflow) = integer(a, b)
            return overflow ? .double(double(Double(a), Double(b))) : .int(result)
        case (.int(let a), .double(let b)): return .double(double(Double(a), b))
        case (.double(let a), .int(let b)): return .double(double(a, Double(b)))
        case (.double(let a), .double(let b)): return .double(double(a, b))
        default: return .null
        }
    }

    static func number(_ value: VelocityValue) -> Double? {
        switch value {
        case .int(let integer): return Double(integer)
        case .double(let double): return double
        default: return nil
        }
    }

    /// API Gateway equality: null equals null and "", numbers compare numerically, values of
    /// different kinds compare by their text (Velocity 1.7).
    static func equal(_ left: VelocityValue, _ right: VelocityValue, _ budget: inout RenderBudget) throws(VelocityRuntimeError) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.null, .string(let text)), (.string(let text), .null): return text.isEmpty
        case (.null, _), (_, .null): return false
        case (.int(let a), .int(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        default:
            if let a = number(left), let b = number(right) { return a == b }
            return try budget.text(of: left) == budget.text(of: right)
        }
    }

    static func compare(_ left: VelocityValue, _ right: VelocityValue) -> Int? {
        if case .int(let a) = left, case .int(let b) = right { return a < b ? -1 : (a == b ? 0 : 1) }
        if let a = number(left), let b = number(right) { return a < b ? -1 : (a == b ? 0 : 1) }
        if case .string(let a) = left, case .string(let b) = right { return a < b ? -1 : (a == b ? 0 : 1) }
        return nil
    }
}
