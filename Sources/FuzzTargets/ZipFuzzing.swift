import Archives

enum ZipFuzzing {
    static let limits = ArchiveLimits(maximumArchiveBytes: 65_536, maximumUnpackedBytes: 1_048_576, maximumEntries: 64, maximumRatio: 200, ratioFloorBytes: 4096)

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let input = Array(bytes)
        // The input as a raw DEFLATE stream: inflated within the limit, or refused.
        if let inflated = try? Inflate.decompress(input, range: 0..<input.count, expected: 0, limit: 65_536, entry: "raw") {
            invariant(inflated.count <= 65_536, "inflate produced \(inflated.count) bytes past its limit")
        }
        // The input as a zip archive: every entry read back at its declared size with its
        // CRC-32, or refused; the total never past the limits; paths never leave the directory.
        guard let archive = try? ZipArchive(input, limits: limits) else { return }
        invariant(archive.entries.count <= limits.maximumEntries, "\(archive.entries.count) entries past the limit")
        invariant(archive.entries.reduce(0) { $0 + $1.size } <= limits.maximumUnpackedBytes, "declared sizes past the unpacked limit")
        for entry in archive.entries {
            invariant(!entry.path.hasPrefix("/") && !entry.path.split(separator: "/").contains(".."), "an unsafe path was accepted: \(entry.path)")
            guard !entry.isDirectory, let contents = try? archive.contents(of: entry) else { continue }
            invariant(contents.count == entry.size, "\(entry.path): \(contents.count) bytes read, \(entry.size) declared")
        }
    }
}
