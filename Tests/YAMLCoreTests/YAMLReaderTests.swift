import Foundation
import JSONCore
import Synchronization
import TestSupport
import Testing
@testable import YAMLCore

@Suite("YAMLReader and YAMLWriter")
struct YAMLReaderTests {
    func read(_ text: String, options: YAMLReader.Options = YAMLReader.Options()) throws -> JSONValue { try YAMLReader(options: options).parse(text) }

    func refusal(_ text: String, options: YAMLReader.Options = YAMLReader.Options()) -> YAMLSyntaxError? {
        do {
            _ = try YAMLReader(options: options).documents(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("the core schema: null, booleans, integers (0o, 0x), floats; everything else a string (yes, on, dates, 1_000)")
    func coreSchema() throws {
        let value = try read(
            """
            a: ~
            b: null
            c:
            d: true
            e: False
            f: 0o17
            g: 0x1F
            h: -012
            i: 1.5e3
            j: .5
            k: yes
            l: on
            m: 2010-09-09
            n: 1_000
            o: '12'
            p: !!str 12
            q: !!int "7"
            r: +3
            """)
        #expect(value["a"] == .null && value["b"] == .null && value["c"] == .null)
        #expect(value["d"] == true && value["e"] == false)
        #expect(value["f"] == 15 && value["g"] == 31 && value["h"] == -12 && value["r"] == 3)
        #expect(value["i"] == .number(JSONNumber(text: "1500")!) && value["j"] == .number(JSONNumber(text: "0.5")!))
        for key in ["k", "l", "m", "n"] { #expect(value[key]?.stringValue != nil, "\(key)") }
        #expect(value["m"] == "2010-09-09" && value["n"] == "1_000")
        #expect(value["o"] == "12" && value["p"] == "12" && value["q"] == 7)
    }

    @Test("CloudFormation's short forms read as their long forms, nested")
    func cloudFormationTags() throws {
        let value = try read(
            """
            A: !Ref Bucket
            B: !GetAtt Role.Arn
            C: !GetAtt [Role, Arn]
            D: !Sub '${AWS::StackName}-x'
            E: !Join ['', [!Ref P, !Sub 'y']]
            F: !If [IsProd, !Ref X, !Ref AWS::NoValue]
            G: !Condition IsProd
            H: !Split [",", "a,b"]
            """)
        #expect(value["A"] == ["Ref": "Bucket"])
        #expect(value["B"] == ["Fn::GetAtt": ["Role", "Arn"]])
        #expect(value["C"] == ["Fn::GetAtt": ["Role", "Arn"]])
        #expect(value["D"] == ["Fn::Sub": "${AWS::StackName}-x"])
        #expect(value["E"] == ["Fn::Join": ["", [["Ref": "P"], ["Fn::Sub": "y"]]]])
        #expect(value["F"] == ["Fn::If": ["IsProd", ["Ref": "X"], ["Ref": "AWS::NoValue"]]])
        #expect(value["G"] == ["Condition": "IsProd"])
        #expect(value["H"] == ["Fn::Split": [",", "a,b"]])
    }

    @Test("refusals name their line and column and what is wrong")
    func refusals() throws {
        let duplicate = refusal("a: 1\nb: 2\na: 3\n")
        #expect(duplicate?.kind == .duplicateKey)
        #expect(duplicate?.description == #"3:1: the key "a" is already in this mapping, at 1:1: a key may appear once"#)
        #expect(refusal("? [a, b]\n: c\n")?.kind == .complexKey)
        #expect(refusal("x: .inf\n")?.kind == .notJSON)
        #expect(refusal("x: !Custom 1\n")?.kind == .tag)
        #expect(refusal("x: !Custom 1\n")?.description.hasPrefix("1:4: unknown tag !Custom") == true)
        #expect(try read("x: !Custom 1\n", options: YAMLReader.Options(unknownTags: .untagged))["x"] == 1)
        #expect(refusal("a: *nothing\n")?.kind == .undefinedAlias)
        #expect(refusal("key: \"unclosed\n")?.line == 1)
        #expect(refusal("a:\n\tb: 1\n")?.line == 2)
        #expect(refusal("[1, 2\n")?.description.contains("expected ',' or ']'") == true)
        #expect(refusal("a: b: c\n") != nil)
        #expect(refusal(String(decoding: [0x61, 0x3A, 0x20, 0xFF, 0x0A], as: UTF8.self)) == nil)  // replaced, not bytes
        #expect(throws: YAMLSyntaxError.self) { try YAMLReader().documents([0x61, 0x3A, 0x20, 0xFF, 0x0A]) }
    }

    @Test("bounded: a billion laughs is refused by the expansion limit; deep nesting by the depth limit; neither crashes")
    func limits() throws {
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in "bcdefghij" {
            laughs += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = String(level)
        }
        let refused = refusal(laughs)
        #expect(refused?.kind == .limit)
        #expect(refused?.message.contains("expansion limit") == true)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(refusal(deep)?.kind == .limit)
        let deepBlock = (0..<2000).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n") + "x\n"
        #expect(refusal(deepBlock)?.kind == .limit)
        // Aliases within the limit are fine, and read as copies.
        #expect(try read("a: &x [1, 2]\nb: *x\n")["b"] == [1, 2])
    }

    @Test("the merge key, as ruamel.yaml and PyYAML read it: the mapping's own keys win, then earlier merged mappings")
    func mergeKey() throws {
        let value = try read(
            """
            defaults: &defaults {timeout: 3, memory: 128}
            big: &big {memory: 1024, arch: arm64}
            one:
              <<: *defaults
              timeout: 10
            two:
              <<: [*big, *defaults]
              name: two
            quoted:
              "<<": literal
            """)
        #expect(value["one"] == ["timeout": 10, "memory": 128])
        #expect(value["two"] == ["memory": 1024, "arch": "arm64", "timeout": 3, "name": "two"])
        #expect(value["quoted"] == ["<<": "literal"])
        #expect(refusal("a: 1\nb:\n  <<: 5\n")?.message.contains("'<<' merges a mapping") == true)
        // Beside PyYAML itself when it is here.
        if let python = try? runCommand(["python3", "-c", "import yaml, json, sys; print(json.dumps(yaml.safe_load(sys.argv[1]), sort_keys=True))", "a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\n"]),
            python.status == 0
        {
            #expect(try JSONParser.parse(python.output) == read("a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\n"))
        }
    }

    @Test("positions of every value, on request")
    func positions() throws {
        let documents = try YAMLReader(options: YAMLReader.Options(recordPositions: true)).documents(
            Array("items:\n  - ID: 1\n    price: \"x\"\n  - ID: 2\n".utf8))
        let positions = documents[0].positions
        #expect(positions["/items/0/price"] == JSONPositions.Position(line: 3, column: 12))
        #expect(positions["/items/1/ID"] == JSONPositions.Position(line: 4, column: 9))
        #expect(positions["/items"] == JSONPositions.Position(line: 2, column: 3))
    }

    @Test("several documents")
    func documents() throws {
        let documents = try YAMLReader().documents(Array("a: 1\n---\nb: 2\n...\n--- 3\n".utf8))
        #expect(documents.map(\.value) == [["a": 1], ["b": 2], 3])
        #expect(documents[1].start.line == 3)
        #expect(try YAMLReader().documents([]).isEmpty)
    }

    @Test("seeded random values: written as YAML, they read back the same")
    func roundTrip() throws {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        let pieces = [
            "", " ", "a", "yes", "No", "on", "null", "~", "true", "1", "0x1F", "1_000", "2010-09-09", "-", "- a", "a: b", "#", "a #b", "'", "\"",
            "\n", "line\nline", " lead", "trail ", "tab\t", "\u{7}", "é", "🙂", "!Ref", "&x", "*x", "%", "@", "[", "{", ",", "?", ":", "|", ">",
            ".inf", "1e3", "+1", ".5", "\u{8D}", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{FFFE}", "\u{0}", "\r\n", "\t\n", " \u{61A}", "\n \u{301}",
        ]
        func string() -> String {
            (0..<Int.random(in: 1...3, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &generator) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .number(JSONNumber(Int.random(in: -1000...1000, using: &generator)))
            case 3: return .number(JSONNumber(text: "\(Int.random(in: -99...99, using: &generator)).\(Int.random(in: 1...99, using: &generator))")!)
            case 4: return .string(string())
            case 5: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in value(depth + 1) })
            default:
                var members: [JSONObject.Member] = []
                var seen = Set<String>()
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    let key = string()
                    if seen.insert(key).inserted { members.append(JSONObject.Member(key: key, value: value(depth + 1))) }
                }
                return .object(JSONObject(members))
            }
        }
        for round in 0..<2000 {
            let original = value(0)
            let text = YAMLWriter.string(original)
            let reread: JSONValue
            do {
                reread = try read(text)
            } catch {
                Issue.record("seed \(seed), round \(round): \(error)\n\(text)")
                return
            }
            #expect(reread == original, "seed \(seed) (TEST_SEED=\(seed) replays it), round \(round):\n\(text)")
            if reread != original { return }
        }
    }
}

@Suite("The fast path reads what the full reader reads")
struct YAMLFastPathTests {
    func both(_ bytes: [UInt8]) -> (Result<[JSONValue], YAMLSyntaxError>, Result<[JSONValue], YAMLSyntaxError>) {
        let reader = YAMLReader()
        let fast = Result { () throws(YAMLSyntaxError) in try reader.documents(bytes, fastPath: true).map(\.value) }
        let full = Result { () throws(YAMLSyntaxError) in try reader.documents(bytes, fastPath: false).map(\.value) }
        return (fast, full)
    }

    @Test("every input of the YAML test suite and of the fuzz seeds: the same value or the same error")
    func sameAsFull() throws {
        var inputs = YAMLSuite.cases().map(\.input)
        let seeds = YAMLSuite.packageRoot + "/Fuzz/corpus/yaml"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: seeds)) ?? [] {
            if let data = FileManager.default.contents(atPath: seeds + "/" + name) { inputs.append(Array(data)) }
        }
        #expect(inputs.count > 400)
        for input in inputs {
            let (fast, full) = both(input)
            #expect(fast == full, "\(String(decoding: input, as: UTF8.self).prefix(200))")
        }
    }

    @Test("block documents the fast path reads, and near misses it leaves to the full reader (seeded)")
    func randomBlocks() throws {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        let pieces = ["a", "b c", "#\r- x", "\u{FEFF}k", "1", "0x1F", "1.5", "yes", "~", "null", "true", "\"q\"", "'s'", "a:b", "a #c", "x:", "- y", "? z", "&a", "*a", "!t", "[1]", "{}", "|", ">", "\"a\\\"b\"", "'it''s'", " ", "é"]
        for round in 0..<3000 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let indent = String(repeating: " ", count: [0, 0, 2, 2, 4, 1, 3].randomElement(using: &generator)!)
                let shape = Int.random(in: 0..<6, using: &generator)
                let key = pieces.randomElement(using: &generator)!
                let value = pieces.randomElement(using: &generator)!
                switch shape {
                case 0: lines.append("\(indent)\(key): \(value)")
                case 1: lines.append("\(indent)\(key):")
                case 2: lines.append("\(indent)- \(value)")
                case 3: lines.append("\(indent)- \(key): \(value)")
                case 4: lines.append("\(indent)# \(value)")
                default: lines.append("\(indent)-")
                }
            }
            let prefix = Int.random(in: 0..<20, using: &generator) == 0 ? "\u{FEFF}" : ""
            let text = Array((prefix + lines.joined(separator: "\n") + (Bool.random(using: &generator) ? "\n" : "")).utf8)
            let (fast, full) = both(text)
            #expect(fast == full, "seed \(seed) (TEST_SEED replays it), round \(round):\n\(String(decoding: text, as: UTF8.self))")
            if fast != full { return }
        }
    }
}

@Suite("Streaming a large top-level sequence")
struct YAMLStreamingTests {
    static func itemsText(_ count: Int) -> String {
        (1...count).map { "- ID: \($0)\n  name: Pen \($0)\n  price: \($0 % 9).5\n" }.joined()
    }

    @Test("split over several parts, every element is handed over once, as documents reads it")
    func sameElements() throws {
        let text = Array(("# items\n" + Self.itemsText(5000)).utf8)
        let seen = Mutex<[String]>([])
        let outcome = YAMLReader().streamTopLevelSequence(text, parts: 4) { element in
            seen.withLock { $0.append(element.description) }
            return true
        }
        #expect(outcome == .all(count: 5000))
        let expected = try YAMLReader().parse(text).arrayValue?.map(\.description) ?? []
        #expect(seen.withLock { $0.sorted() } == expected.sorted())
    }

    @Test("a large top-level sequence, read in parts on all cores, is what the full reader reads, in order")
    func parallelRead() throws {
        let text = Array(("# items\n\n" + Self.itemsText(40_000)).utf8)
        #expect(text.count > 1 << 20)
        let fast = try YAMLReader().documents(text, fastPath: true)
        let full = try YAMLReader().documents(text, fastPath: false)
        #expect(fast.map(\.value) == full.map(\.value))
        #expect(fast[0].start == full[0].start)
        // A shape the parts cannot read (an alias near the end) goes to the sequential readers.
        let aliased = Array(("- &x {a: 1}\n" + Self.itemsText(40_000) + "- *x\n").utf8)
        #expect(try YAMLReader().documents(aliased, fastPath: true).map(\.value) == YAMLReader().documents(aliased, fastPath: false).map(\.value))
    }

    @Test("another shape is not streamed; a refused element stops the read")
    func notStreamable() {
        #expect(YAMLReader().streamTopLevelSequence(Array("a: 1\n".utf8), parts: 2) { _ in true } == .notStreamable)
        #expect(YAMLReader().streamTopLevelSequence(Array((Self.itemsText(100) + "- &x anchored\n").utf8), parts: 2) { _ in true } == .notStreamable)
        #expect(YAMLReader().streamTopLevelSequence(Array((Self.itemsText(100) + "key: after\n").utf8), parts: 3) { _ in true } == .notStreamable)
        #expect(YAMLReader().streamTopLevelSequence(Array(Self.itemsText(100).utf8), parts: 2) { $0["ID"] != 50 } == .stopped)
    }
}
