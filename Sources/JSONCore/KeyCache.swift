/// The keys a parse read most recently, by nesting level and position in their object: a list
/// of records repeats the same keys object after object, and a key whose bytes match the one
/// remembered for its place is taken as that `String` without decoding it again (and shares
/// its storage). The same bytes between quotes always decode to the same text, escapes
/// included, and a remembered body ends with a whole escape, so the `"` after it closes the key.
///
/// Its tables are made when a document starts its fourth object: a small document costs one
/// empty object.
final class KeyCache {
    /// Levels × positions remembered; keys of at most `maximumLength` bytes.
    static let levels = 4
    static let positions = 16
    static let maximumLength = 32
    private static let slots = levels * positions

    private static let enablingObject = 4

    /// Placeholders until the tables are made.
    private var bytes = UnsafeMutablePointer<UInt8>(bitPattern: MemoryLayout<UInt8>.alignment)!
    private var lengths = UnsafeMutablePointer<Int>(bitPattern: MemoryLayout<Int>.alignment)!
    private var keys = UnsafeMutablePointer<String>(bitPattern: MemoryLayout<String>.alignment)!
    /// Objects started, counted up to `enablingObject`.
    private var objects = 0
    private var isEnabled: Bool { objects == KeyCache.enablingObject }

    init() {}

    /// Counts an object the parser starts; whether its keys go through the cache (from the
    /// document's fourth object on).
    @inline(__always)
    func objectStarts() -> Bool {
        if objects < KeyCache.enablingObject {
            objects += 1
            if isEnabled { makeTables() }
        }
        return isEnabled
    }

    private func makeTables() {
        bytes = .allocate(capacity: KeyCache.slots * KeyCache.maximumLength)
        lengths = .allocate(capacity: KeyCache.slots)
        lengths.initialize(repeating: -1, count: KeyCache.slots)
        keys = .allocate(capacity: KeyCache.slots)
        keys.initialize(repeating: "", count: KeyCache.slots)
    }

    deinit {
        guard isEnabled else { return }
        keys.deinitialize(count: KeyCache.slots)
        keys.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    @inline(__always)
    private static func slot(depth: Int, position: Int) -> Int? {
        guard position < positions else { return nil }
        return (depth & (levels - 1)) * positions + position
    }

    /// The remembered key and its length in bytes when `input` holds its bytes then a `"` from
    /// `start` (just after the opening quote); nil otherwise. Only once `objectStarts()` said so.
    @inline(__always)
    func key(depth: Int, position: Int, in input: UnsafeBufferPointer<UInt8>, at start: Int) -> (String, Int)? {
        guard let slot = KeyCache.slot(depth: depth, position: position) else { return nil }
        let length = lengths[slot]
        guard length >= 0, start + length < input.count, input[start + length] == UInt8(ascii: "\"") else { return nil }
        let remembered = bytes + slot * KeyCache.maximumLength
        var offset = 0
        while offset < length {
            if input[start + offset] != remembered[offset] { return nil }
            offset += 1
        }
        return (keys[slot], length)
    }

    /// Remembers `key`, read from `raw` (the bytes between its quotes), when they are short
    /// enough. Only once `objectStarts()` said so.
    @inline(__always)
    func remember(_ key: String, raw: UnsafeBufferPointer<UInt8>, depth: Int, position: Int) {
        guard let slot = KeyCache.slot(depth: depth, position: position), raw.count <= KeyCache.maximumLength else { return }
        if let source = raw.baseAddress { (bytes + slot * KeyCache.maximumLength).update(from: source, count: raw.count) }
        lengths[slot] = raw.count
        keys[slot] = key
    }
}
