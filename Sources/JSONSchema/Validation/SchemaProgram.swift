import Dispatch
import JSONCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A compiled schema, ready to validate any number of instances from any thread.
public struct CompiledSchema: Sendable {
    let program: SchemaProgram
    let root: NodeID

    /// Arrays with at least this many elements are checked on all cores when the schema
    /// allows element-by-element validation (same answer as a sequential check).
    public static let parallelThreshold = 4096

    /// Whether `instance` is valid (the fast path: no error values are built).
    public func isValid(_ instance: JSONValue) -> Bool {
        if case .array(let elements) = instance, elements.count >= CompiledSchema.parallelThreshold,
            let elementwise
        {
            return elementwise.isValid(elements)
        }
        return program.isValid(root, instance)
    }

    /// Every error in `instance`, in schema order; empty when valid.
    public func validate(_ instance: JSONValue) -> [ValidationError] {
        if program.isValid(root, instance) { return [] }
        var errors: [ValidationError] = []
        program.collect(root, instance, instance: [], keyword: [], into: &errors)
        return errors
    }
}

extension CompiledSchema {
    /// Element-by-element validation of a top-level array, when the schema allows it: the
    /// root (after `$ref`s) constrains arrays only through `type`, a single `items` schema,
    /// `minItems` and `maxItems`. Then each element can be checked as it is parsed and
    /// dropped (see `JSONParser.forEachElement`), and the errors are exactly those of
    /// `validate` on the whole array. `nil` for other schemas.
    public var elementwise: ElementwiseValidation? {
        var keyword: [String] = []
        var node = program.nodes[root]
        while let target = node.reference {
            keyword.append("$ref")
            node = program.nodes[target]
        }
        guard node.types.map({ $0.contains(.array) }) ?? true, node.anyType.isEmpty else { return nil }
        var items: NodeID? = nil
        var minimum = 0, maximum = Int.max
        for rule in node.array {
            switch rule {
            case .items(let id): items = id
            case .minItems(let limit): minimum = limit
            case .maxItems(let limit): maximum = limit
            default: return nil
            }
        }
        return ElementwiseValidation(program: program, node: node, items: items, keywordPrefix: keyword, minimum: minimum, maximum: maximum)
    }
}

/// Validates the elements of a top-level array one at a time (see `CompiledSchema.elementwise`).
public struct ElementwiseValidation: Sendable {
    let program: SchemaProgram
    let node: CompiledNode
    let items: NodeID?
    let keywordPrefix: [String]
    let minimum: Int
    let maximum: Int

    /// Whether a whole array is valid, checking its elements on all cores.
    public func isValid(_ elements: [JSONValue]) -> Bool {
        guard elements.count >= minimum, elements.count <= maximum else { return false }
        guard let items else { return true }
        let cores = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        if cores == 1 || elements.count < 2 * 1024 {
            return elements.withUnsafeBufferPointer { program.plan.allValid(items, $0) }
        }
        let failed = Atomic<Bool>(false)
        let compiled = self.program
        elements.withUnsafeBufferPointer { buffer in
            let shared = SharedElements(buffer: buffer)
            let chunk = (buffer.count + cores - 1) / cores
            DispatchQueue.concurrentPerform(iterations: cores) { part in
                let start = part * chunk
                let end = min(shared.buffer.count, start + chunk)
                guard start < end else { return }
                let slice = UnsafeBufferPointer(rebasing: shared.buffer[start..<end])
                if !compiled.plan.allValid(items, slice, stop: { failed.load(ordering: .relaxed) }) {
                    failed.store(true, ordering: .relaxed)
                }
            }
        }
        return !failed.load(ordering: .relaxed)
    }

    /// The errors of element `index`; empty when valid.
    public func errors(element: JSONValue, at index: Int) -> [ValidationError] {
        guard let items, !program.isValid(items, element) else { return [] }
        var errors: [ValidationError] = []
        program.collect(items, element, instance: [String(index)], keyword: keywordPrefix + ["items"], into: &errors)
        return errors
    }

    /// The errors about the array itself (`minItems`, `maxItems`) once `count` elements were seen.
    public func errors(count: Int) -> [ValidationError] {
        var errors: [ValidationError] = []
        if count < minimum {
            errors.append(program.error(.minItems(count: count, limit: minimum), node, instance: [], keyword: keywordPrefix))
        }
        if count > maximum {
            errors.append(program.error(.maxItems(count: count, limit: maximum), node, instance: [], keyword: keywordPrefix))
        }
        return errors
    }
}

/// An array's elements, read concurrently by the validation workers during one call.
private struct SharedElements: @unchecked Sendable {
    // Safety: read-only, and the array outlives `concurrentPerform`.
    let buffer: UnsafeBufferPointer<JSONValue>
}

/// The compiled nodes of one schema and everything it references.
final class SchemaProgram: Sendable {
    let nodes: [CompiledNode]
    let formatAssertions: Bool
    let plan: ValidationPlan

    init(nodes: [CompiledNode], formatAssertions: Bool) {
        self.nodes = nodes
        self.formatAssertions = formatAssertions
        self.plan = ValidationPlan(nodes)
    }

    // MARK: - Yes/no

    func isValid(_ id: NodeID, _ value: JSONValue) -> Bool { plan.isValid(id, value) }

    // MARK: - All errors

    func error(
        _ kind: ValidationErrorKind, _ node: CompiledNode, instance: [String], keyword: [String], suffix: [String]? = nil
    ) -> ValidationError {
        let suffix = suffix ?? [kind.keyword]
        let absolute = node.documentURI + JSONPointer(tokens: node.pointer.tokens + suffix).uriFragment
        return ValidationError(
            kind: kind, instanceLocation: JSONPointer(tokens: instance),
            keywordLocation: JSONPointer(tokens: keyword + suffix), absoluteKeywordLocation: absolute)
    }

    func collect(_ id: NodeID, _ value: JSONValue, instance: [String], keyword: [String], into errors: inout [ValidationError]) {
        let node = nodes[id]
        if let target = node.reference {
            collect(target, value, instance: instance, keyword: keyword + ["$ref"], into: &errors)
            return
        }
        if node.acceptsEverything { return }
        if let types = node.types, !types.admits(value) {
            errors.append(error(.type(expected: types.names, found: ValuePreview.describe(value)), node, instance: instance, keyword: keyword))
        }
        for rule in node.anyType {
            collectAnyType(rule, node, value, instance: instance, keyword: keyword, into: &errors)
        }
        switch value {
        case .number(let number):
            for rule in node.number where !NumberRules.isValid(rule, number) {
                errors.append(error(NumberRules.errorKind(rule, number), node, instance: instance, keyword: keyword))
            }
        case .string(let text):
            for rule in node.string {
                if let kind = StringRules.errorKind(rule, text) { errors.append(error(kind, node, instance: instance, keyword: keyword)) }
            }
        case .array(let elements):
            for rule in node.array {
                collectArray(rule, node, elements, instance: instance, keyword: keyword, into: &errors)
            }
        case .object(let object):
            for rule in node.object {
                collectObject(rule, node, object, instance: instance, keyword: keyword, into: &errors)
            }
        case .null, .bool:
            break
        }
    }

    private func collectAnyType(
        _ rule: Keyword, _ node: CompiledNode, _ value: JSONValue, instance: [String], keyword: [String],
        into errors: inout [ValidationError]
    ) {
        switch rule {
        case .enumeration(let values):
            if !values.contains(value) { errors.append(error(.enumeration(found: ValuePreview.describe(value)), node, instance: instance, keyword: keyword)) }
        case .allOf(let ids):
            for (index, id) in ids.enumerated() where !isValid(id, value) {
                collect(id, value, instance: instance, keyword: keyword + ["allOf", String(index)], into: &errors)
            }
        case .anyOf(let ids):
            guard !ids.contains(where: { isValid($0, value) }) else { return }
            var causes: [ValidationError] = []
            for (index, id) in ids.enumerated() {
                collect(id, value, instance: instance, keyword: keyword + ["anyOf", String(index)], into: &causes)
            }
            errors.append(error(.anyOf(count: ids.count, causes: causes), node, instance: instance, keyword: keyword))
        case .oneOf(let ids):
            let matching = ids.indices.filter { isValid(ids[$0], value) }
            if matching.count > 1 {
                errors.append(error(.oneOfMany(matching: matching), node, instance: instance, keyword: keyword))
            } else if matching.isEmpty {
                var causes: [ValidationError] = []
                for (index, id) in ids.enumerated() {
                    collect(id, value, instance: instance, keyword: keyword + ["oneOf", String(index)], into: &causes)
                }
                errors.append(error(.oneOfNone(count: ids.count, causes: causes), node, instance: instance, keyword: keyword))
            }
        case .not(let id):
            if isValid(id, value) { errors.append(error(.not, node, instance: instance, keyword: keyword)) }
        default:
            break
        }
    }

    private func collectArray(
        _ rule: Keyword, _ node: CompiledNode, _ elements: [JSONValue], instance: [String], keyword: [String],
        into errors: inout [ValidationError]
    ) {
        switch rule {
        case .items(let id):
            for (index, element) in elements.enumerated() where !isValid(id, element) {
                collect(id, element, instance: instance + [String(index)], keyword: keyword + ["items"], into: &errors)
            }
        case .tupleItems(let ids, let additional):
            for (index, element) in elements.enumerated() {
                if index < ids.count {
                    if !isValid(ids[index], element) {
                        collect(ids[index], element, instance: instance + [String(index)], keyword: keyword + ["items", String(index)], into: &errors)
                    }
                } else {
                    switch additional {
                    case .anything: break
                    case .nothing:
                        if index == ids.count { errors.append(error(.additionalItems(count: elements.count, allowed: ids.count), node, instance: instance, keyword: keyword)) }
                    case .schema(let id):
                        if !isValid(id, element) {
                            collect(id, element, instance: instance + [String(index)], keyword: keyword + ["additionalItems"], into: &errors)
                        }
                    }
                }
            }
        case .maxItems(let limit):
            if elements.count > limit { errors.append(error(.maxItems(count: elements.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .minItems(let limit):
            if elements.count < limit { errors.append(error(.minItems(count: elements.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .uniqueItems:
            if let (first, second) = ArrayRules.firstDuplicate(elements) { errors.append(error(.uniqueItems(first: first, second: second), node, instance: instance, keyword: keyword)) }
        default:
            break
        }
    }

    private func collectObject(
        _ rule: Keyword, _ node: CompiledNode, _ object: JSONObject, instance: [String], keyword: [String],
        into errors: inout [ValidationError]
    ) {
        switch rule {
        case .maxProperties(let limit):
            if object.count > limit { errors.append(error(.maxProperties(count: object.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .minProperties(let limit):
            if object.count < limit { errors.append(error(.minProperties(count: object.count, limit: limit), node, instance: instance, keyword: keyword)) }
        case .required(let names):
            for name in names where object[name] == nil { errors.append(error(.required(property: name), node, instance: instance, keyword: keyword)) }
        case .properties(let schemas):
            for member in object {
                var matched = false
                let here = instance + [member.key]
                if let id = schemas.schema(named: member.key) {
                    matched = true
                    if !isValid(id, member.value) {
                        collect(id, member.value, instance: here, keyword: keyword + ["properties", member.key], into: &errors)
                    }
                }
                for (source, expression, id) in schemas.patterns where expression.matches(member.key) {
                    matched = true
                    if !isValid(id, member.value) {
                        collect(id, member.value, instance: here, keyword: keyword + ["patternProperties", source], into: &errors)
                    }
                }
                if !matched {
                    switch schemas.additional {
                    case .anything: break
                    case .nothing:
                        errors.append(
                            error(.additionalProperty(property: member.key), node, instance: here, keyword: keyword, suffix: ["additionalProperties"]))
                    case .schema(let id):
                        if !isValid(id, member.value) {
                            collect(id, member.value, instance: here, keyword: keyword + ["additionalProperties"], into: &errors)
                        }
                    }
                }
            }
        case .dependencies(let entries):
            for (name, dependency) in entries where object[name] != nil {
                switch dependency {
                case .properties(let names):
                    for missing in names where object[missing] == nil {
                        errors.append(error(.dependency(property: name, missing: missing), node, instance: instance, keyword: keyword))
                    }
                case .schema(let id):
                    if !isValid(id, .object(object)) {
                        collect(id, .object(object), instance: instance, keyword: keyword + ["dependencies", name], into: &errors)
                    }
                }
            }
        default:
            break
        }
    }
}
