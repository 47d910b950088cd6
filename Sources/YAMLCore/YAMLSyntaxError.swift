import JSONCore

/// Why a YAML text was refused, and where: the line and column (1-based, columns in Unicode
/// scalars, as `JSONSyntaxError` counts them) and what was expected there.
public struct YAMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem (stable for tests and tools; the message says it in words).
    public enum Kind: Sendable, Equatable {
        /// The text breaks YAML's grammar.
        case syntax
        /// A mapping or sequence used as a key: JSON keys are strings.
        case complexKey
        /// A key written twice in one mapping.
        case duplicateKey
        /// A tag this reader does not know (`!Custom`), or a value its tag refuses (`!!int x`).
        case tag
        /// A value JSON cannot hold (`.inf`, `.nan`).
        case notJSON
        /// An alias of an anchor not defined before it.
        case undefinedAlias
        /// A limit was reached: nesting depth, alias expansion, document size.
        case limit
        /// Bytes that are not UTF-8.
        case encoding
    }

    /// The kind of problem.
    public let kind: Kind
    /// 1-based line.
    public let line: Int
    /// 1-based column, in Unicode scalars.
    public let column: Int
    /// What went wrong, and what was expected.
    public let message: String

    /// An error at `line`:`column`.
    public init(_ kind: Kind, line: Int, column: Int, _ message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }

    /// `LINE:COLUMN: message`.
    public var description: String { "\(line):\(column): \(message)" }

    /// The position as `JSONPositions` gives positions in JSON text.
    public var position: JSONPositions.Position { JSONPositions.Position(line: line, column: column) }
}

/// A place in the text.
struct YAMLMark: Sendable, Equatable {
    var index: Int
    var line: Int
    var column: Int

    static let start = YAMLMark(index: 0, line: 1, column: 1)

    var position: JSONPositions.Position { JSONPositions.Position(line: line, column: column) }
}
