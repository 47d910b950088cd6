/// A position in a template: 1-based line and column (in Unicode scalars).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int
    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// A position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A template that cannot be compiled: what is wrong and where.
public struct VelocitySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where.
    public let location: SourceLocation
    /// What is wrong.
    public let reason: String
    /// The source line, for the caret report.
    public let sourceLine: String

    /// `line:column: reason` followed by the source line and a caret under the column.
    public var description: String {
        let caret = String(repeating: " ", count: max(0, location.column - 1)) + "^"
        return "\(location): \(reason)\n\(sourceLine)\n\(caret)"
    }
}

/// A failure while rendering: a method that threw, a limit reached. The gateway turns it into
/// a 500 with this reason logged.
public struct VelocityRuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// A method threw, as Java would (`parseInt` of a non-number, …).
        case methodFailed(method: String, message: String)
        /// The output outgrew the bound.
        case outputTooLarge(limit: Int)
        /// Too many evaluation steps (nested loops, recursion).
        case tooManySteps(limit: Int)
        /// `#macro` calls or `#define` blocks nested deeper than the bound.
        case recursionTooDeep(limit: Int)
        /// One string (a method result, a printed collection) would outgrow the bound.
        case stringTooLarge(limit: Int)
        /// The render built more text in all than its budget allows.
        case textBudgetExceeded(limit: Int)
        /// The render's regular-expression methods together took more steps than allowed.
        case regexBudgetExceeded(limit: Int, pattern: String)
        /// A collection nested deeper than the bound (one that contains itself) was printed.
        case valueTooDeep(limit: Int)
        /// An invalid `#set` target or another misuse detected only while rendering.
        case invalid(String)
    }

    /// What went wrong.
    public let kind: Kind
    /// Where in the template, when known.
    public var location: SourceLocation?

    /// A failure.
    public init(_ kind: Kind, at location: SourceLocation? = nil) {
        self.kind = kind
        self.location = location
    }

    /// `line:column: message`.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        switch kind {
        case .methodFailed(let method, let message): return prefix + "\(method) failed: \(message)"
        case .outputTooLarge(let limit): return prefix + "rendered output exceeds \(limit) bytes"
        case .tooManySteps(let limit): return prefix + "rendering took more than \(limit) steps"
        case .recursionTooDeep(let limit): return prefix + "#macro or #define recursion deeper than \(limit) levels"
        case .stringTooLarge(let limit): return prefix + "a string would exceed \(limit) bytes"
        case .textBudgetExceeded(let limit): return prefix + "rendering built more than \(limit) bytes of text"
        case .regexBudgetExceeded(let limit, let pattern):
            return prefix + "regular expressions took more than \(limit) steps in this render (at /\(pattern)/)"
        case .valueTooDeep(let limit): return prefix + "a collection nested deeper than \(limit) levels (does it contain itself?)"
        case .invalid(let message): return prefix + message
        }
    }
}

/// `$name.property`, `$name.method(args)`, `$name[index]`.
struct Reference: Sendable {
    let name: String
    /// The variable's slot (names are resolved to slots when the template compiles).
    let slot: Int
    let accessors: [Accessor]
    let location: SourceLocation
}

/// Slots reserved in every template for the loop helpers.
enum ReservedSlot {
    static let foreach = 0
    static let velocityCount = 1
    static let names = ["foreach", "velocityCount"]
}

enum Accessor: Sendable {
    case property(String)
    case method(String, [Expression])
    case index(Expression)
}

enum UnaryOperator: Sendable { case not, negate }

enum BinaryOperator: Sendable {
    case or, and, equal, notEqual, less, lessOrEqual, greater, greaterOrEqual, add, subtract, multiply, divide, remainder
}

indirect enum Expression: Sendable {
    case reference(Reference)
    case literal(String)
    case interpolated([VelocityNode])
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([Expression])
    case range(Expression, Expression)
    case map([(Expression, Expression)])
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression, SourceLocation)
}

indirect enum VelocityNode: Sendable {
    case text(String)
    case reference(Reference)
    case set(Reference, Expression)
    case conditional([(Expression, [VelocityNode])], otherwise: [VelocityNode]?)
    case foreach(variable: Int, iterable: Expression, body: [VelocityNode], location: SourceLocation)
    case breakLoop
    case stop
    case define(slot: Int, body: [VelocityNode])
    case macroCall(name: String, arguments: [Expression], source: String, location: SourceLocation)
}

/// A `#macro` definition.
struct Macro: Sendable {
    let name: String
    /// Parameter slots.
    let parameters: [Int]
    let body: [VelocityNode]
}
