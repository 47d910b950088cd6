/// Walks command-line arguments: options with separate or `--name=value` values, `--` ending
/// options, everything else an operand.
public struct ArgumentScanner {
    private let arguments: [String]
    private var position = 0
    /// True once `--` has been seen: every later argument is an operand.
    public private(set) var onlyOperands = false

    /// A scanner over `arguments` (without the program name).
    public init(_ arguments: [String]) { self.arguments = arguments }

    /// The next argument, skipping (and remembering) a first `--`.
    public mutating func next() -> String? {
        guard position < arguments.count else { return nil }
        let argument = arguments[position]
        position += 1
        if argument == "--" && !onlyOperands {
            onlyOperands = true
            return next()
        }
        return argument
    }

    /// The value of the option just read, from the next argument.
    public mutating func value() -> String? {
        guard position < arguments.count else { return nil }
        position += 1
        return arguments[position - 1]
    }

    /// `--name=value` → (`--name`, `value`); anything else → (argument, nil).
    public static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
