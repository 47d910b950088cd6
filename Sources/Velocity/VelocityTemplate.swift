/// A compiled Velocity template: parse once, render many times (from any thread).
///
/// Rendering follows API Gateway's differences from stock Velocity: a null or undefined
/// reference renders as the empty string (so `$!x` and `$x` render alike), null equals `""`,
/// and Java number semantics apply (`7 / 2` is `3`, `2 * 1.5` is `3.0`).
public struct VelocityTemplate: Sendable {
    /// The template text.
    public let source: String
    let nodes: [VelocityNode]
    let macros: [String: Macro]
    /// Variable names by slot.
    let slotNames: [String]

    /// The names of the variables the template can read or set (`input` for `$input`; also
    /// `foreach` and `velocityCount`). No other variable is reachable while it renders.
    public var variableNames: [String] { slotNames }
    /// Bounds applied to every render.
    public var limits: VelocityLimits

    /// Compiles `source`; a syntax error carries line, column and a caret report.
    public init(_ source: String, limits: VelocityLimits = VelocityLimits()) throws(VelocitySyntaxError) {
        var parser = VelocityParser(source)
        self.nodes = try parser.parseTemplate()
        self.macros = parser.macros
        self.slotNames = parser.slotNames
        self.source = source
        self.limits = limits
    }

    /// Renders with `variables` (`$name` → value). Mutations the template makes to maps in
    /// `variables` (for example `$context.responseOverride`) are visible to the caller.
    public func render(_ variables: [String: VelocityValue]) throws(VelocityRuntimeError) -> String {
        try render { variables[$0] }
    }

    /// Renders with the value `binding` gives each variable name the template mentions (nil:
    /// undefined). `binding` is called once per name, in no particular order.
    public func render(binding: (String) -> VelocityValue?) throws(VelocityRuntimeError) -> String {
        var slots = [VelocityValue](repeating: .null, count: slotNames.count)
        for slot in slotNames.indices {
            if let value = binding(slotNames[slot]) { slots[slot] = value }
        }
        var renderer = VelocityRenderer(variables: slots, macros: macros, limits: limits)
        _ = try renderer.render(nodes)
        return renderer.output
    }
}
