/// DEFLATE decompression (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks, with
/// the output bounded — a stream that would produce more than `limit` bytes stops with
/// `ArchiveError.Kind.tooLarge` as soon as it does, before the bytes are kept.
///
/// Huffman codes are decoded through one lookup table per code, indexed by the next
/// `maximum length` bits of input (bit-reversed codes replicated over the unused bits).
public enum Inflate {
    /// Decompresses `input[range]` (a raw DEFLATE stream, as a zip entry holds it).
    /// `expected` is the size the archive declares (a hint for the buffer: never trusted past
    /// `limit`); `entry` names the stream in errors.
    public static func decompress(
        _ input: [UInt8], range: Range<Int>, expected: Int, limit: Int, entry: String
    ) throws(ArchiveError) -> [UInt8] {
        var state = InflateState(input: input, range: range, limit: limit, entry: entry)
        state.output.reserveCapacity(min(max(expected, 0), limit))
        try state.run()
        return state.output
    }
}

/// A Huffman code as a lookup table: entry = symbol << 4 | code length (0: no such code).
struct HuffmanTable {
    var entries: [UInt32]
    var bits: Int

    /// The canonical code of `lengths` (one per symbol, 0 = unused). Over-subscribed code
    /// lengths are an error; incomplete codes are allowed (a lone distance code is legal).
    init(lengths: [UInt8], entry: String, offset: Int) throws(ArchiveError) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        var left = 1
        for length in 1...15 {
            left = left << 1 - counts[length]
            if left < 0 { throw ArchiveError(.malformed, entry: entry, offset: offset, "a Huffman code has more codes of some length than the lengths allow") }
        }
        self.init(validLengths: lengths)
    }

    /// The canonical code of lengths known to be valid (the fixed codes).
    init(validLengths lengths: [UInt8]) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var maximum = 0
        for length in (1...15).reversed() where counts[length] > 0 {
            maximum = length
            break
        }
        bits = max(maximum, 1)
        entries = [UInt32](repeating: 0, count: 1 << bits)
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let length = Int(length)
            let code = next[length]
            next[length] += 1
            // The stream sends codes most significant bit first: reverse for LSB-first lookup.
            var reversed = 0
            for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
            let value = UInt32(symbol) << 4 | UInt32(length)
            var index = reversed
            while index < entries.count {
                entries[index] = value
                index += 1 << length
            }
        }
    }
}

/// One decompression in progress.
struct InflateState {
    let input: [UInt8]
    var position: Int
    let end: Int
    let limit: Int
    let entry: String
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var output: [UInt8] = []

    init(input: [UInt8], range: Range<Int>, limit: Int, entry: String) {
        self.input = input
        self.position = range.lowerBound
        self.end = range.upperBound
        self.limit = limit
        self.entry = entry
    }

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    /// The order code-length code lengths arrive in.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    func failure(_ message: String) -> ArchiveError { ArchiveError(.malformed, entry: entry, offset: position, message) }

    /// Tops the bit buffer up to at least 56 bits, or to the end of the input.
    @inline(__always)
    mutating func refill() {
        while bitCount <= 56 && position < end {
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    @inline(__always)
    mutating func bits(_ count: Int) throws(ArchiveError) -> Int {
        if count == 0 { return 0 }
        if bitCount < count {
            refill()
            if bitCount < count { throw failure("the compressed data ends in the middle of a block") }
        }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    @inline(__always)
    mutating func decode(_ table: HuffmanTable) throws(ArchiveError) -> Int {
        if bitCount < table.bits { refill() }
        let entry = table.entries[Int(bitBuffer & ((1 << UInt64(table.bits)) - 1))]
        let length = Int(entry & 15)
        guard length > 0, length <= bitCount else {
            throw failure(length == 0 ? "a Huffman code that the block's code table does not define" : "the compressed data ends in the middle of a block")
        }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return Int(entry >> 4)
    }

    mutating func run() throws(ArchiveError) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try huffmanBlock(literals: InflateState.fixedLiterals, distances: InflateState.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffmanBlock(literals: literals, distances: distances)
            default: throw failure("a block of reserved type 3")
            }
        }
    }

    mutating func grow(by count: Int) throws(ArchiveError) {
        if output.count + count > limit {
            throw ArchiveError(.tooLarge, entry: entry, offset: position, "it inflates past the limit of \(limit) bytes")
        }
    }

    mutating func storedBlock() throws(ArchiveError) {
        // Drop to the byte boundary; whole bytes left in the buffer are given back.
        bitBuffer >>= UInt64(bitCount % 8)
        bitCount -= bitCount % 8
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
        guard end - position >= 4 else { throw failure("a stored block's header is cut short") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw failure("a stored block's length and its complement disagree") }
        position += 4
        guard end - position >= length else { throw failure("a stored block is cut short") }
        try grow(by: length)
        output.append(contentsOf: input[position..<position + length])
        position += length
    }

    mutating func huffmanBlock(literals: HuffmanTable, distances: HuffmanTable) throws(ArchiveError) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                try grow(by: 1)
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let index = symbol - 257
            guard index < 29 else { throw failure("an invalid length symbol \(symbol)") }
            let length = InflateState.lengthBase[index] + (try bits(InflateState.lengthExtra[index]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < 30 else { throw failure("an invalid distance symbol \(distanceSymbol)") }
            let distance = InflateState.distanceBase[distanceSymbol] + (try bits(InflateState.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw failure("a back-reference \(distance) bytes back, before the start of the data") }
            try grow(by: length)
            let start = output.count - distance
            if distance >= length {
                output.append(contentsOf: output[start..<start + length])
            } else {
                for offset in 0..<length { output.append(output[start + offset]) }
            }
        }
    }

    mutating func dynamicTables() throws(ArchiveError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw failure("a dynamic block declares more codes than DEFLATE has") }
        var codeLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengths[InflateState.codeLengthOrder[index]] = UInt8(try bits(3)) }
        let lengthCode = try HuffmanTable(lengths: codeLengths, entry: entry, offset: position)
        var lengths: [UInt8] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(lengthCode)
            switch symbol {
            case 0...15: lengths.append(UInt8(symbol))
            case 16:
                guard let previous = lengths.last else { throw failure("a repeat of the previous code length with none before it") }
                lengths.append(contentsOf: repeatElement(previous, count: 3 + (try bits(2))))
            case 17: lengths.append(contentsOf: repeatElement(0, count: 3 + (try bits(3))))
            default: lengths.append(contentsOf: repeatElement(0, count: 11 + (try bits(7))))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw failure("code length repeats run past the number of codes") }
        guard lengths[256] != 0 else { throw failure("a dynamic block without an end-of-block code") }
        let literals = try HuffmanTable(lengths: Array(lengths[0..<literalCount]), entry: entry, offset: position)
        let distances = try HuffmanTable(lengths: Array(lengths[literalCount...]), entry: entry, offset: position)
        return (literals, distances)
    }

    static let fixedLiterals: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for index in 144..<256 { lengths[index] = 9 }
        for index in 256..<280 { lengths[index] = 7 }
        return HuffmanTable(validLengths: lengths)
    }()

    static let fixedDistances: HuffmanTable = {
        HuffmanTable(validLengths: [UInt8](repeating: 5, count: 30))
    }()
}
