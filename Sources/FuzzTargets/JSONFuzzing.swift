import JSONCore

enum JSONFuzzing {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let parser = JSONParser(options: JSONParser.Options(maximumDepth: 128))
        // A tape holds exactly what the parser gives, or fails with the same error.
        let onTape: Result<JSONValue, JSONSyntaxError>
        do { onTape = .success(try JSONTape.parse(bytes, options: parser.options).value()) } catch { onTape = .failure(error) }
        let value: JSONValue
        do {
            value = try parser.parse(bytes)
        } catch {
            invariant(onTape == .failure(error), "the tape parse gives \(onTape), the parser \(error)")
            // A refusal names a place inside the input.
            invariant(error.line >= 1 && error.column >= 1, "syntax error without a position: \(error)")
            invariant(error.offset <= bytes.count, "syntax error past the end: \(error.offset) > \(bytes.count)")
            // Positions in text that is not JSON: no crash, nothing past the end.
            let positions = JSONPositions.locate(["", "/0", "/a/0/b"], in: Array(bytes))
            invariant(positions.values.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "a position before the start")
            return
        }
        if case .success(let tapeValue) = onTape {
            invariant(tapeValue.description == value.description, "the tape holds \(tapeValue), the parser gives \(value)")
        } else {
            invariant(false, "the tape parse failed where the parser did not: \(onTape)")
        }
        // Every value's position points at its first character: its opening bracket, quote,
        // digit, sign or letter, the same one its own writing starts with.
        var pointers: [(JSONPointer, JSONValue)] = []
        func collect(_ value: JSONValue, _ pointer: JSONPointer) {
            guard pointers.count < 256 else { return }
            pointers.append((pointer, value))
            switch value {
            case .object(let object): for member in object { collect(member.value, pointer.appending(member.key)) }
            case .array(let elements): for (index, element) in elements.enumerated() { collect(element, pointer.appending(index: index)) }
            default: break
            }
        }
        collect(value, .root)
        let input = Array(bytes)
        let found = JSONPositions.locate(pointers.map(\.0), in: input)
        for (pointer, expected) in pointers {
            guard let position = found[pointer] else {
                // Duplicate keys: the parse keeps the last, the scan finds the first; both are the key's values.
                continue
            }
            let offset = JSONPositions.offset(of: position, in: input)
            invariant(offset < input.count, "position \(position) of \(pointer) is past the end")
            let actual = input[offset]
            let starts: Bool
            switch expected {
            case .object: starts = actual == UInt8(ascii: "{")
            case .array: starts = actual == UInt8(ascii: "[")
            case .string: starts = actual == UInt8(ascii: "\"")
            case .number: starts = actual == UInt8(ascii: "-") || (actual >= 0x30 && actual <= 0x39)
            case .bool(let flag): starts = actual == (flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .null: starts = actual == UInt8(ascii: "n")
            }
            invariant(starts, "position \(position) of \(pointer) points at byte \(actual), not the start of \(expected)")
        }
    }
}

