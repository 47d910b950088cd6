import JSONCore
import YAMLCore

enum YAMLFuzzing {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let input = Array(bytes)
        let reader = YAMLReader(options: YAMLReader.Options(maximumDepth: 128, recordPositions: true))
        let documents: [YAMLDocument]
        do {
            documents = try reader.documents(input)
        } catch {
            // A refusal names a place inside the input.
            invariant(error.line >= 1 && error.column >= 1, "syntax error without a position: \(error)")
            let lines = input.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } + input.reduce(0) { $0 + ($1 == 0x0D ? 1 : 0) }
            invariant(error.line <= lines + 1, "an error past the last line: \(error) (\(lines) lines)")
            return
        }
        // The line-by-line reader of the common shape gives what the full reader gives.
        let plain = YAMLReader(options: YAMLReader.Options(maximumDepth: 128))
        let fast = Result { () throws(YAMLSyntaxError) in try plain.documents(input, fastPath: true).map(\.value) }
        let full = Result { () throws(YAMLSyntaxError) in try plain.documents(input, fastPath: false).map(\.value) }
        switch (fast, full) {
        case (.success(let a), .success(let b)): invariant(a == b, "the fast path reads \(a), the full reader \(b)")
        case (.failure(let a), .failure(let b)): invariant(a == b, "the fast path fails with \(a), the full reader with \(b)")
        default: invariant(false, "the fast path gives \(fast), the full reader \(full)")
        }
        for document in documents {
            // What the reader returns, written as JSON and read back by JSONParser, is the same value.
            let json = JSONWriter.compact.bytes(document.value)
            let reread: JSONValue
            do {
                reread = try JSONParser(options: JSONParser.Options(maximumDepth: 1024)).parse(json)
            } catch {
                invariant(false, "the value does not read back as JSON: \(error)")
                return
            }
            invariant(reread == document.value, "JSON round trip changed \(document.value) into \(reread)")
            // Written as YAML, it reads back to the same value.
            let yaml = YAMLWriter.bytes(document.value)
            do {
                let again = try YAMLReader(options: YAMLReader.Options(maximumDepth: 1024, maximumAliasExpansion: Int.max)).parse(yaml)
                invariant(again == document.value, "YAML round trip changed \(document.value) into \(again) (written as \(String(decoding: yaml, as: UTF8.self)))")
            } catch {
                invariant(false, "the written YAML does not read back: \(error) (written as \(String(decoding: yaml, as: UTF8.self)))")
            }
            for position in document.positions.values { invariant(position.line >= 1 && position.column >= 1, "a position before the start") }
        }
    }
}
