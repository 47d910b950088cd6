import JSONCore

/// Path items, operations, parameters, responses, request bodies and headers kept in other
/// files (`$ref: "parameters.yaml#/tagsParam"`), brought into the definition where they are
/// used, as OpenAPI tools bundle a description split across files. Schemas stay where they are: the
/// schema registry reads model files itself.
public enum ExternalReferences {
    /// At most this many references in a row (a chain between files that loops stops here).
    static let maximumHops = 8

    /// `document` (the definition `file`) with every parameter, response, request body and
    /// header that is a `$ref` into another file replaced by what it names. `documents` holds
    /// the files by name relative to the definition's directory. References inside the value
    /// brought in are rewritten to be read from the definition: `#/x` in `other.yaml` becomes
    /// `other.yaml#/x`, and `Pet.yaml` in `spec/params.yaml` becomes `spec/Pet.yaml`.
    public static func inlined(_ document: JSONValue, file: String, documents: [String: JSONValue]) throws(APIDefinitionError) -> JSONValue {
        guard case .object(var root) = document else { return document }
        let inliner = Inliner(file: file, documents: documents)
        // Shared sections: OpenAPI 3's components, Swagger 2.0's top-level parameters and responses.
        if case .object(var components)? = root["components"] {
            for section in ["parameters", "responses", "requestBodies", "headers"] {
                components[section] = try inliner.eachMember(components[section], at: ["components", section], kind: section)
            }
            root["components"] = .object(components)
        }
        for section in ["parameters", "responses"] where root[section] != nil {
            root[section] = try inliner.eachMember(root[section], at: [section], kind: section)
        }
        if case .object(var paths)? = root["paths"] {
            for pathMember in paths {
                let here = ["paths", pathMember.key]
                // A path item may be kept in another file (OpenAPI allows it), and so may an
                // operation (OpenAPI does not, but bundlers accept it and large APIs do it).
                guard case .object(var item) = try inliner.value(pathMember.value, at: here) else { continue }
                item["parameters"] = try inliner.eachElement(item["parameters"], at: here + ["parameters"])
                for member in item where PathTemplate.httpMethods.contains(member.key) {
                    guard case .object(var operation) = try inliner.value(member.value, at: here + [member.key]) else { continue }
                    let place = here + [member.key]
                    operation["parameters"] = try inliner.eachElement(operation["parameters"], at: place + ["parameters"])
                    if let body = operation["requestBody"] {
                        operation["requestBody"] = try inliner.value(body, at: place + ["requestBody"])
                    }
                    operation["responses"] = try inliner.eachMember(operation["responses"], at: place + ["responses"], kind: "responses")
                    item[member.key] = .object(operation)
                }
                paths[pathMember.key] = .object(item)
            }
            root["paths"] = .object(paths)
        }
        return .object(root)
    }

    /// Follows references into other files at one place of the definition.
    struct Inliner {
        let file: String
        let documents: [String: JSONValue]

        /// The value at `here`, or what its chain of references into other files names, with
        /// the references inside it rewritten for the definition; a response's headers too.
        func value(_ value: JSONValue, at here: [String], kind: String = "") throws(APIDefinitionError) -> JSONValue {
            var current = value
            var source = file
            var hops = 0
            while let reference = current["$ref"]?.stringValue, let target = DefinitionFiles.file(of: reference, from: source) {
                guard hops < ExternalReferences.maximumHops else {
                    throw APIDefinitionError(file: file, pointer: JSONPointer(tokens: here + ["$ref"]), message: "\(reference): too many references in a row")
                }
                guard let document = documents[target] else {
                    throw APIDefinitionError(file: file, pointer: JSONPointer(tokens: here + ["$ref"]), message: "\(reference): the file \(target) was not read")
                }
                let fragment = reference.firstIndex(of: "#").map { String(reference[reference.index(after: $0)...]) } ?? ""
                guard let pointer = try? JSONPointer(parsing: fragment), let found = pointer.resolve(in: document) else {
                    throw APIDefinitionError(file: file, pointer: JSONPointer(tokens: here + ["$ref"]), message: "\(reference): \(target) has nothing at #\(fragment)")
                }
                current = rewritten(found, from: target)
                source = target
                hops += 1
            }
            if kind == "responses", case .object(var response) = current, response["headers"] != nil {
                response["headers"] = try eachMember(response["headers"], at: here + ["headers"], kind: "headers")
                current = .object(response)
            }
            return current
        }

        func eachMember(_ value: JSONValue?, at here: [String], kind: String) throws(APIDefinitionError) -> JSONValue? {
            guard case .object(var object)? = value else { return value }
            for member in object {
                object[member.key] = try self.value(member.value, at: here + [member.key], kind: kind)
            }
            return .object(object)
        }

        func eachElement(_ value: JSONValue?, at here: [String]) throws(APIDefinitionError) -> JSONValue? {
            guard case .array(let elements)? = value else { return value }
            var result: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                result.append(try self.value(element, at: here + [String(index)]))
            }
            return .array(result)
        }

        /// `value`, read from `source`, with its references made to read from the definition.
        func rewritten(_ value: JSONValue, from source: String) -> JSONValue {
            guard source != file else { return value }
            switch value {
            case .object(let object):
                return .object(JSONObject(object.map { member in
                    guard member.key == "$ref", case .string(let reference) = member.value else {
                        return JSONObject.Member(key: member.key, value: rewritten(member.value, from: source))
                    }
                    if reference.hasPrefix("#") { return JSONObject.Member(key: "$ref", value: .string(source + reference)) }
                    guard let target = DefinitionFiles.file(of: reference, from: source) else { return member }
                    let fragment = reference.firstIndex(of: "#").map { String(reference[$0...]) } ?? ""
                    return JSONObject.Member(key: "$ref", value: .string(target + fragment))
                }))
            case .array(let elements):
                return .array(elements.map { rewritten($0, from: source) })
            default:
                return value
            }
        }
    }
}
