/// A zip archive read from bytes in memory (PKWARE APPNOTE): its central directory is read
/// and checked when the archive is opened — every name, size and offset against the bytes and
/// the `ArchiveLimits` — and each entry is inflated on request, its size and CRC-32 checked.
/// Stored and deflated entries are read; encrypted, ZIP64, multi-disk archives and other
/// compression methods are refused with a typed error naming the entry.
public struct ZipArchive: Sendable {
    /// One file or directory of the archive.
    public struct Entry: Sendable, Equatable {
        /// The path inside the archive (`/`-separated, relative, no `.` or `..` segment).
        public let path: String
        /// True for a directory entry (its name ends with `/`).
        public let isDirectory: Bool
        /// True when the Unix permissions the archive records make the file executable.
        public let isExecutable: Bool
        /// The size once inflated.
        public let size: Int
        /// The size as stored.
        public let compressedSize: Int
        let method: Int
        let crc: UInt32
        let localHeader: Int
    }

    /// The archive's entries, in central-directory order.
    public let entries: [Entry]
    let bytes: [UInt8]
    let limits: ArchiveLimits

    /// Reads the central directory of `bytes`.
    public init(_ bytes: [UInt8], limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) {
        self.bytes = bytes
        self.limits = limits
        guard bytes.count <= limits.maximumArchiveBytes else {
            throw ArchiveError(.tooLarge, entry: nil, offset: 0, "the archive is \(bytes.count) bytes, over the limit of \(limits.maximumArchiveBytes) bytes")
        }
        let end = try ZipArchive.endOfCentralDirectory(bytes)
        let count = Int(ZipArchive.uint16(bytes, end + 10))
        let directorySize = Int(ZipArchive.uint32(bytes, end + 12))
        let directoryOffset = Int(ZipArchive.uint32(bytes, end + 16))
        if ZipArchive.uint16(bytes, end + 4) != 0 || ZipArchive.uint16(bytes, end + 6) != 0 || ZipArchive.uint16(bytes, end + 8) != count {
            throw ArchiveError(.unsupported, entry: nil, offset: end, "the archive spans several disks")
        }
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw ArchiveError(.unsupported, entry: nil, offset: end, "ZIP64 archives are not read (an archive within Lambda's limits does not need ZIP64)")
        }
        guard count <= limits.maximumEntries else {
            throw ArchiveError(.tooLarge, entry: nil, offset: end, "the archive has \(count) entries, over the limit of \(limits.maximumEntries)")
        }
        guard directoryOffset + directorySize <= end else {
            throw ArchiveError(.malformed, entry: nil, offset: end, "the central directory lies outside the archive")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var seen = Set<String>()
        var total = 0
        var cursor = directoryOffset
        for _ in 0..<count {
            let entry = try ZipArchive.centralEntry(bytes, at: &cursor, limit: directoryOffset + directorySize)
            guard seen.insert(entry.path).inserted else {
                throw ArchiveError(.malformed, entry: entry.path, offset: cursor, "the archive holds two entries of this name")
            }
            total += entry.size
            if total > limits.maximumUnpackedBytes {
                throw ArchiveError(
                    .tooLarge, entry: entry.path, offset: cursor, "the archive unpacks to more than the limit of \(limits.maximumUnpackedBytes) bytes")
            }
            if entry.size > limits.ratioFloorBytes, entry.size > entry.compressedSize * limits.maximumRatio {
                throw ArchiveError(
                    .tooLarge, entry: entry.path, offset: cursor,
                    "it inflates \(entry.compressedSize) bytes to \(entry.size), past the compression ratio limit of \(limits.maximumRatio):1")
            }
            entries.append(entry)
        }
        self.entries = entries
    }

    /// The entry's bytes, inflated and checked against its size and CRC-32.
    public func contents(of entry: Entry) throws(ArchiveError) -> [UInt8] {
        let header = entry.localHeader
        guard header + 30 <= bytes.count, ZipArchive.uint32(bytes, header) == 0x0403_4B50 else {
            throw ArchiveError(.malformed, entry: entry.path, offset: header, "the entry's local header is missing")
        }
        let start = header + 30 + Int(ZipArchive.uint16(bytes, header + 26)) + Int(ZipArchive.uint16(bytes, header + 28))
        guard start + entry.compressedSize <= bytes.count else {
            throw ArchiveError(.malformed, entry: entry.path, offset: header, "the entry's data runs past the end of the archive")
        }
        let range = start..<start + entry.compressedSize
        let data: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw ArchiveError(.malformed, entry: entry.path, offset: header, "a stored entry whose sizes differ")
            }
            data = Array(bytes[range])
        default:
            data = try Inflate.decompress(bytes, range: range, expected: entry.size, limit: entry.size, entry: entry.path)
            guard data.count == entry.size else {
                throw ArchiveError(.malformed, entry: entry.path, offset: header, "it inflates to \(data.count) bytes; the archive says \(entry.size)")
            }
        }
        guard CRC32.checksum(data) == entry.crc else {
            throw ArchiveError(.malformed, entry: entry.path, offset: header, "its CRC-32 does not match its contents")
        }
        return data
    }

    // MARK: - Reading the directory

    static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    /// The offset of the end-of-central-directory record: the last one whose comment reaches
    /// exactly to the end of the bytes.
    static func endOfCentralDirectory(_ bytes: [UInt8]) throws(ArchiveError) -> Int {
        guard bytes.count >= 22 else { throw ArchiveError(.malformed, entry: nil, offset: 0, "not a zip archive: \(bytes.count) bytes is too short") }
        var offset = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while offset >= lowest {
            if uint32(bytes, offset) == 0x0605_4B50, offset + 22 + Int(uint16(bytes, offset + 20)) == bytes.count { return offset }
            offset -= 1
        }
        throw ArchiveError(.malformed, entry: nil, offset: 0, "not a zip archive: no end-of-central-directory record")
    }

    static func centralEntry(_ bytes: [UInt8], at cursor: inout Int, limit: Int) throws(ArchiveError) -> Entry {
        let at = cursor
        guard at + 46 <= limit, uint32(bytes, at) == 0x0201_4B50 else {
            throw ArchiveError(.malformed, entry: nil, offset: at, "a central directory entry is missing or cut short")
        }
        let nameLength = Int(uint16(bytes, at + 28))
        let extraLength = Int(uint16(bytes, at + 30))
        let commentLength = Int(uint16(bytes, at + 32))
        let next = at + 46 + nameLength + extraLength + commentLength
        guard next <= limit else { throw ArchiveError(.malformed, entry: nil, offset: at, "a central directory entry runs past the directory") }
        cursor = next
        let name = String(decoding: bytes[at + 46..<at + 46 + nameLength], as: UTF8.self)
        let flags = uint16(bytes, at + 8)
        let method = Int(uint16(bytes, at + 10))
        let compressedSize = Int(uint32(bytes, at + 20))
        let size = Int(uint32(bytes, at + 24))
        let localHeader = Int(uint32(bytes, at + 42))
        if compressedSize == 0xFFFF_FFFF || size == 0xFFFF_FFFF || localHeader == 0xFFFF_FFFF {
            throw ArchiveError(.unsupported, entry: name, offset: at, "ZIP64 entries are not read")
        }
        if flags & 1 != 0 { throw ArchiveError(.unsupported, entry: name, offset: at, "encrypted entries are not read") }
        guard method == 0 || method == 8 else {
            throw ArchiveError(.unsupported, entry: name, offset: at, "compression method \(method) is not read (only stored and deflated)")
        }
        let madeOnUnix = bytes[at + 5] == 3
        let mode = madeOnUnix ? uint32(bytes, at + 38) >> 16 : 0
        if mode & 0o170000 == 0o120000 {
            throw ArchiveError(.unsafePath, entry: name, offset: at, "symbolic links are not unpacked")
        }
        let isDirectory = name.hasSuffix("/")
        try checkPath(name, offset: at)
        return Entry(
            path: isDirectory ? String(name.dropLast()) : name, isDirectory: isDirectory, isExecutable: mode & 0o111 != 0, size: size,
            compressedSize: compressedSize, method: method, crc: uint32(bytes, at + 16), localHeader: localHeader)
    }

    /// A path that stays inside the directory it is unpacked into: relative, with no empty,
    /// `.` or `..` segment and no NUL.
    static func checkPath(_ name: String, offset: Int) throws(ArchiveError) {
        let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
        guard !trimmed.isEmpty, !trimmed.hasPrefix("/"), !trimmed.contains("\0") else {
            throw ArchiveError(.unsafePath, entry: name, offset: offset, "an entry's path must be relative and not empty")
        }
        for segment in trimmed.split(separator: "/", omittingEmptySubsequences: false) where segment.isEmpty || segment == "." || segment == ".." {
            throw ArchiveError(.unsafePath, entry: name, offset: offset, "the path has a '\(segment)' segment: it could reach outside the code directory")
        }
    }
}

/// How much an archive may hold: past any of these it is refused, naming the limit, before
/// (or as soon as) the work is done.
public struct ArchiveLimits: Sendable {
    /// The archive's own size (Lambda: 50 MB for a zip uploaded directly).
    public var maximumArchiveBytes: Int
    /// The unpacked size of all entries together (Lambda: 250 MB).
    public var maximumUnpackedBytes: Int
    /// The number of entries.
    public var maximumEntries: Int
    /// The largest inflated/compressed ratio of one entry (DEFLATE reaches about 1032:1 at
    /// most on real data; a source tree rarely passes 20:1).
    public var maximumRatio: Int
    /// Entries up to this size are not held to the ratio.
    public var ratioFloorBytes: Int

    /// Lambda's limits for a zip sent in the request.
    public init(
        maximumArchiveBytes: Int = 52_428_800, maximumUnpackedBytes: Int = 262_144_000, maximumEntries: Int = 20_000, maximumRatio: Int = 200,
        ratioFloorBytes: Int = 1_048_576
    ) {
        self.maximumArchiveBytes = maximumArchiveBytes
        self.maximumUnpackedBytes = maximumUnpackedBytes
        self.maximumEntries = maximumEntries
        self.maximumRatio = maximumRatio
        self.ratioFloorBytes = ratioFloorBytes
    }
}

/// Why an archive could not be read: what kind of problem, the entry (when one is at fault),
/// the byte offset, and a message.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: Sendable, Equatable {
        /// The bytes are not a well-formed archive or DEFLATE stream.
        case malformed
        /// A limit of `ArchiveLimits` (or the entry's declared size) was reached.
        case tooLarge
        /// A feature this reader does not read (ZIP64, encryption, another method).
        case unsupported
        /// A path that could reach outside the directory, or a symbolic link.
        case unsafePath
    }

    /// The kind.
    public let kind: Kind
    /// The entry's path, when one entry is at fault.
    public let entry: String?
    /// The byte offset in the archive where the problem was found.
    public let offset: Int
    /// What is wrong.
    public let message: String

    init(_ kind: Kind, entry: String?, offset: Int, _ message: String) {
        self.kind = kind
        self.entry = entry
        self.offset = offset
        self.message = message
    }

    /// `entry 'path': message`, or the message alone.
    public var description: String { entry.map { "entry '\($0)': \(message)" } ?? message }
}

/// The CRC-32 of zip entries (ISO 3309, reflected, polynomial 0xEDB88320).
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        let table = CRC32.table
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
