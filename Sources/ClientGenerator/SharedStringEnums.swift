/// Large APIs repeat the same string enum in many models (OpenAI's description declares
/// `type: [list]` 41 times and 1,504 enums with 607 distinct lists of values): each repeat
/// would be a type of its own with its own machine code. This pass keeps the first
/// declaration of each list of values — a top-level model's when there is one — and turns
/// every later one into a `typealias` to it, so `AdditionalToolsItemParam.Type_` still names
/// a type with the same cases (and keeps its own documentation).
enum SharedStringEnums {
    /// `types` with every repeated string enum a `typealias` to the first one.
    static func apply(to types: [TypeDeclaration]) -> [TypeDeclaration] {
        var first: [[String]: String] = [:]
        for type in types {
            if case .stringEnum(let cases) = type.kind, first[key(cases)] == nil { first[key(cases)] = type.name }
        }
        return types.map { fold($0, enclosing: nil, first: &first) }
    }

    /// The identity of a list of cases: names and values, in order.
    private static func key(_ cases: [(name: String, value: String)]) -> [String] {
        cases.flatMap { [$0.name, $0.value] }
    }

    private static func fold(_ type: TypeDeclaration, enclosing: String?, first: inout [[String]: String]) -> TypeDeclaration {
        let path = enclosing.map { $0 + "." + type.name } ?? type.name
        var folded = type
        switch type.kind {
        case .stringEnum(let cases):
            // (Never an alias that would name itself: `typealias State = State` inside a struct.)
            if let existing = first[key(cases)], existing != path, existing.prefix(while: { $0 != "." }) != type.name {
                folded.kind = .alias(.named(existing))
            } else {
                first[key(cases)] = path
            }
        case .structure(let properties, let nested):
            folded.kind = .structure(properties, nested: nested.map { fold($0, enclosing: path, first: &first) })
        case .alternatives(let cases, let nested):
            folded.kind = .alternatives(cases, nested: nested.map { fold($0, enclosing: path, first: &first) })
        case .alias:
            break
        }
        return folded
    }
}
