/// Models that contain each other directly (`next: Node?`, or an enum case holding a struct
/// that holds the enum) would have infinite size in Swift. This pass finds every stored
/// property and every alternatives enum on such a cycle and marks it: the property is kept
/// out of line (`@Indirect`), the enum is `indirect`. Arrays and dictionaries already store
/// their elements out of line, so they break no cycle and make none.
enum RecursionBreaker {
    /// `types` with the members on cycles marked.
    static func apply(to types: [TypeDeclaration]) -> [TypeDeclaration] {
        var graph = Graph()
        let roots = types.map { graph.add($0, parent: nil) }
        graph.link(roots: roots)
        return types.indices.map { graph.marked(roots[$0]) }
    }

    private struct Graph {
        struct Node {
            var declaration: TypeDeclaration
            var parent: Int?
            var children: [String: Int] = [:]
            /// Per property (structs) or case (enums): the node its type names directly.
            var targets: [Int?] = []
        }

        var nodes: [Node] = []

        mutating func add(_ declaration: TypeDeclaration, parent: Int?) -> Int {
            let index = nodes.count
            nodes.append(Node(declaration: declaration, parent: parent))
            let nested: [TypeDeclaration]
            switch declaration.kind {
            case .structure(_, let list), .alternatives(_, let list): nested = list
            case .stringEnum, .alias: nested = []
            }
            for child in nested { nodes[index].children[child.name] = add(child, parent: index) }
            return index
        }

        /// Resolves each member's type name as Swift does: the type's own nested types, then
        /// those of the types around it, then the top level.
        mutating func link(roots: [Int]) {
            var topLevel: [String: Int] = [:]
            for root in roots { topLevel[nodes[root].declaration.name] = root }
            for index in nodes.indices {
                let types: [SwiftType]
                switch nodes[index].declaration.kind {
                case .structure(let properties, _): types = properties.map(\.type)
                case .alternatives(let cases, _): types = cases.map(\.type)
                case .alias(let type): types = [type]
                case .stringEnum: types = []
                }
                nodes[index].targets = types.map { type in
                    guard case .named(let name) = type else { return nil }
                    var scope: Int? = index
                    while let here = scope {
                        if let found = nodes[here].children[name] { return found }
                        scope = nodes[here].parent
                    }
                    return topLevel[name]
                }
            }
        }

        /// Whether `start` reaches `goal` through direct members.
        func reaches(_ start: Int, _ goal: Int) -> Bool {
            var seen: Set<Int> = [start]
            var pending = [start]
            while let next = pending.popLast() {
                if next == goal { return true }
                for case let target? in nodes[next].targets where seen.insert(target).inserted { pending.append(target) }
            }
            return false
        }

        func marked(_ index: Int) -> TypeDeclaration {
            var declaration = nodes[index].declaration
            let onCycle = nodes[index].targets.map { target in target.map { reaches($0, index) } ?? false }
            let children = { (list: [TypeDeclaration]) in list.map { marked(nodes[index].children[$0.name]!) } }
            switch declaration.kind {
            case .structure(var properties, let nested):
                for position in properties.indices where onCycle[position] { properties[position].isIndirect = true }
                declaration.kind = .structure(properties, nested: children(nested))
            case .alternatives(let cases, let nested):
                declaration.isIndirect = onCycle.contains(true)
                declaration.kind = .alternatives(cases, nested: children(nested))
            case .stringEnum, .alias:
                break
            }
            return declaration
        }
    }
}
