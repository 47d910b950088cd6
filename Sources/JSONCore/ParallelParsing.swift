import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Parsing a large top-level array on several cores.
///
/// Split points are guessed near even offsets, at a comma between `}` and `{` (or `]` and
/// `[`), without scanning the text. Each chunk is then parsed on its own core by the
/// ordinary reader, which verifies the guesses: chunk 0 starts at a true element boundary,
/// and if it parses to exactly its end, the comma after it is a true separator, so chunk 1
/// starts at a true boundary too, and so on. Any chunk that fails sends the whole text to
/// the sequential parser, so errors (with line and column) are exactly a sequential parse's.
public enum ParallelParsing {
    /// The number of cores to use.
    public static var cores: Int { max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// A comma at or after `target` (within a window) that sits between `}`/`]` and `{`/`[`.
    static func guessSplit(_ bytes: UnsafeBufferPointer<UInt8>, from target: Int, before limit: Int) -> Int? {
        var index = target
        let end = min(limit, target + 1 << 16)
        while index < end {
            if bytes[index] == UInt8(ascii: ",") {
                var before = index - 1
                while before > 0, isSpace(bytes[before]) { before -= 1 }
                var after = index + 1
                while after < end, isSpace(bytes[after]) { after += 1 }
                if after < end {
                    let left = bytes[before], right = bytes[after]
                    if (left == UInt8(ascii: "}") && right == UInt8(ascii: "{")) || (left == UInt8(ascii: "]") && right == UInt8(ascii: "[")) {
                        return index
                    }
                }
            }
            index += 1
        }
        return nil
    }

    /// The byte ranges of `parts` runs of comma-separated elements between the brackets of a
    /// top-level array (guessed, see above); nil when the text is not one array or does not split.
    static func chunks(_ bytes: UnsafeBufferPointer<UInt8>, parts: Int) -> [Range<Int>]? {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, isSpace(bytes[start]) { start += 1 }
        var close = bytes.count - 1
        while close > start, isSpace(bytes[close]) { close -= 1 }
        guard start < close, bytes[start] == UInt8(ascii: "["), bytes[close] == UInt8(ascii: "]"), parts > 1 else { return nil }
        var chunks: [Range<Int>] = []
        var chunkStart = start + 1
        for part in 1..<parts {
            let target = start + (close - start) * part / parts
            guard target > chunkStart, let split = guessSplit(bytes, from: target, before: close) else { continue }
            chunks.append(chunkStart..<split)
            chunkStart = split + 1
        }
        chunks.append(chunkStart..<close)
        return chunks.count > 1 ? chunks : nil
    }

    /// The array, or `nil` to ask for a sequential parse.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) -> JSONValue? {
        guard let ranges = chunks(bytes, parts: cores) else { return nil }
        let results = ChunkResults(count: ranges.count)
        let shared = ReadOnlyBytes(buffer: bytes)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            let range = ranges[part]
            var reader = JSONReader(bytes: UnsafeBufferPointer(rebasing: shared.buffer[0..<range.upperBound]), options: options)
            reader.index = range.lowerBound
            reader.depth = 1
            results.store(part, reader.parseElementList())
        }
        guard let stacks = results.all() else { return nil }
        let total = stacks.reduce(0) { $0 + $1.count }
        let elements = [JSONValue](unsafeUninitializedCapacity: total) { buffer, initialized in
            for stack in stacks {
                stack.moveAll(to: buffer.baseAddress! + initialized)
                initialized += stack.count
                stack.forgetAll()
            }
        }
        return .array(elements)
    }
}

/// The input, shared read-only by the workers for the duration of one parse or walk.
private struct ReadOnlyBytes: @unchecked Sendable {
    // Safety: the buffer is only read, and the caller keeps it alive until
    // `concurrentPerform` returns.
    let buffer: UnsafeBufferPointer<UInt8>
}

/// Per-chunk results, each slot written by exactly one worker.
private final class ChunkResults: @unchecked Sendable {
    // Safety: `store` writes slot `part` from the single worker that owns it, and `all()` reads
    // only after `concurrentPerform` has returned (which orders the writes before the read).
    private var slots: [MoveStack<JSONValue>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ part: Int, _ value: MoveStack<JSONValue>?) { slots[part] = value }

    func all() -> [MoveStack<JSONValue>]? {
        var result: [MoveStack<JSONValue>] = []
        for slot in slots {
            guard let slot else { return nil }
            result.append(slot)
        }
        return result
    }
}

extension JSONReader {
    /// Parses `value, value, …` up to exactly the end of the buffer; `nil` on any error.
    mutating func parseElementList() -> MoveStack<JSONValue>? {
        let elements = MoveStack<JSONValue>(capacity: 1024)
        while true {
            skipWhitespace()
            guard let element = try? parseValue() else { return nil }
            elements.push(element)
            skipWhitespace()
            if index >= bytes.count { return elements }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}

/// How a concurrent walk over a top-level array's elements ended.
public enum ConcurrentElementWalk: Sendable, Equatable {
    /// Every element was handed over and accepted: this many.
    case completed(count: Int)
    /// The handler refused an element (the walk stopped early).
    case stopped
    /// The text cannot be walked this way (not one array, too small to split, a guessed split
    /// was wrong, or a syntax error): read it sequentially, which also gives exact errors.
    case sequentialNeeded
}

extension JSONParser {
    /// Hands the elements of a large top-level array to `body` on several cores, parsing
    /// each element as it comes and dropping it after, so the document is never held whole.
    /// The array is cut into `parts` runs of elements; `body(part, element)` sees each run's
    /// elements in order, on one thread per run (keep per-part state indexed by `part`), and
    /// returns false to stop the whole walk. `.completed` is only reported when every run
    /// parsed to exactly its end, which proves the cuts were at true element boundaries.
    public func forEachElementConcurrently(
        in bytes: UnsafeBufferPointer<UInt8>, parts: Int = ParallelParsing.cores, _ body: @Sendable (Int, JSONValue) -> Bool
    ) -> ConcurrentElementWalk {
        guard let ranges = ParallelParsing.chunks(bytes, parts: parts) else { return .sequentialNeeded }
        let counts = WalkCounts(count: ranges.count)
        let shared = ReadOnlyBytes(buffer: bytes)
        let options = self.options
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            let range = ranges[part]
            var reader = JSONReader(bytes: UnsafeBufferPointer(rebasing: shared.buffer[0..<range.upperBound]), options: options)
            reader.index = range.lowerBound
            reader.depth = 1
            var count = 0
            while !counts.finished {
                reader.skipWhitespace()
                guard let element = try? reader.parseValue() else { return counts.fail(.sequentialNeeded) }
                count += 1
                guard body(part, element) else { return counts.fail(.stopped) }
                reader.skipWhitespace()
                if reader.index >= reader.bytes.count { return counts.store(part, count) }
                guard reader.bytes[reader.index] == UInt8(ascii: ",") else { return counts.fail(.sequentialNeeded) }
                reader.index += 1
            }
        }
        return counts.outcome
    }
}

/// Per-part element counts and the first reason a walk ended early.
private final class WalkCounts: Sendable {
    private let state: Mutex<(counts: [Int?], failure: ConcurrentElementWalk?)>
    private let stop = Atomic<Bool>(false)

    init(count: Int) { state = Mutex((Array(repeating: nil, count: count), nil)) }

    var finished: Bool { stop.load(ordering: .relaxed) }

    func store(_ part: Int, _ count: Int) { state.withLock { $0.counts[part] = count } }

    func fail(_ reason: ConcurrentElementWalk) {
        stop.store(true, ordering: .relaxed)
        state.withLock { state in
            // A refused element outranks a failed parse elsewhere only if no cut was wrong;
            // either way the caller reads sequentially, so keep the first reason.
            if state.failure == nil { state.failure = reason }
        }
    }

    var outcome: ConcurrentElementWalk {
        state.withLock { state in
            if let failure = state.failure { return failure }
            var total = 0
            for count in state.counts {
                guard let count else { return .sequentialNeeded }
                total += count
            }
            return .completed(count: total)
        }
    }
}
