import TestSupport
import FuzzTargets
import Testing

/// Every seed input, and seeded mutations of them, run through the fuzz targets in the
/// ordinary test build: a regression the fuzzer found once (its input added to the corpus)
/// stays found. A broken invariant stops the process with its message.
@Suite("Fuzz targets")
struct CorpusReplayTests {
    static let corpus: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Fuzz/corpus"
    }()

    static func inputs(_ target: FuzzTarget) -> [[UInt8]] {
        FuzzCorpus.files(at: corpus + "/" + target.rawValue).compactMap(FuzzCorpus.read)
    }

    @Test("every seed input passes its target's invariants", arguments: FuzzTarget.allCases)
    func seeds(_ target: FuzzTarget) {
        let inputs = CorpusReplayTests.inputs(target)
        #expect(inputs.count >= 10, "the \(target.rawValue) corpus is missing")
        for input in inputs { target.run(input) }
    }

    @Test("seeded mutations of the seeds pass too", arguments: FuzzTarget.allCases)
    func mutations(_ target: FuzzTarget) {
        let seed = TestSeed.value()
        print("fuzz mutation seed for \(target.rawValue): \(seed)")
        var generator = Mutator(seed: seed)
        let inputs = CorpusReplayTests.inputs(target)
        guard !inputs.isEmpty else { return }
        for _ in 0..<400 {
            target.run(generator.mutate(inputs[Int(generator.next() % UInt64(inputs.count))]))
        }
    }
}

/// Byte-level mutations like libFuzzer's (flip, insert, erase, copy, splice interesting bytes),
/// from a seeded SplitMix64.
struct Mutator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_B9E9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    static let interesting: [[UInt8]] = ["{", "}", "[", "]", "\"", "\\", "0", "-", "e", "1e999999999", "$ref", "#", "$", "#end", "#foreach(",
        "\r\n", ":", " ", "\0", "\u{FF}", "%", "(", ")", "..", "9223372036854775808"].map { Array($0.utf8) }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            switch below(5) {
            case 0 where !bytes.isEmpty: bytes[below(bytes.count)] ^= UInt8(1 << below(8))
            case 1: bytes.insert(contentsOf: Mutator.interesting[below(Mutator.interesting.count)], at: below(bytes.count + 1))
            case 2 where !bytes.isEmpty:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(8)))
            case 3 where !bytes.isEmpty:
                let start = below(bytes.count)
                let piece = bytes[start..<min(bytes.count, start + 1 + below(16))]
                bytes.insert(contentsOf: piece, at: below(bytes.count + 1))
            default: bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
            }
        }
        return bytes
    }
}
