import Archives
import Foundation
import TestSupport
import Testing

/// Zip archives written by Python's `zipfile` (DEFLATE at several levels, stored) read back
/// byte for byte; hostile archives — paths out of the directory, links, bombs, lying sizes,
/// damaged bytes — refused with the kind of problem and the limit named.
@Suite struct ZipArchiveTests {
    /// A file to put in an archive.
    struct File {
        var name: String
        var bytes: [UInt8]
        var executable = false
    }

    /// An archive of `files` written by Python's zipfile with `method` (`ZIP_DEFLATED`,
    /// `ZIP_STORED`) at `level`.
    static func pythonZip(_ files: [File], method: String = "ZIP_DEFLATED", level: Int = 6) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var listing: [String] = []
        for (index, file) in files.enumerated() {
            try Data(file.bytes).write(to: URL(fileURLWithPath: "\(directory)/\(index)"))
            listing.append("\(index)\t\(file.executable ? 1 : 0)\t\(file.name)")
        }
        try listing.joined(separator: "\n").write(toFile: directory + "/listing", atomically: true, encoding: .utf8)
        let program = """
            import sys, zipfile
            d = sys.argv[1]
            with zipfile.ZipFile(d + '/out.zip', 'w', zipfile.\(method), compresslevel=\(level)) as z:
                for line in open(d + '/listing').read().split('\\n'):
                    if not line: continue
                    index, executable, name = line.split('\\t', 2)
                    info = zipfile.ZipInfo(name, (2020, 1, 2, 3, 4, 6))
                    info.compress_type = zipfile.\(method)
                    info.external_attr = (0o100755 if executable == '1' else 0o100644) << 16
                    info.create_system = 3
                    z.writestr(info, open(d + '/' + index, 'rb').read(), compresslevel=\(level))
            """
        let result = try runCommand(["python3", "-c", program, directory])
        guard result.status == 0 else { throw ZipTestError(message: "python3 failed: \(result.error)") }
        return Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/out.zip")))
    }

    struct ZipTestError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A stored (uncompressed) archive built here, byte by byte, for names and modes Python
    /// would not write.
    static func storedZip(_ entries: [(name: String, bytes: [UInt8], mode: UInt32)]) -> [UInt8] {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: UInt32) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)] }
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let crc = CRC32.checksum(entry.bytes)
            let offset = UInt32(archive.count)
            archive += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
            archive += le32(UInt32(entry.bytes.count)) + le32(UInt32(entry.bytes.count)) + le16(name.count) + le16(0) + name + entry.bytes
            directory += le32(0x0201_4B50) + [20, 3] + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
            directory += le32(UInt32(entry.bytes.count)) + le32(UInt32(entry.bytes.count)) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0)
            directory += le32(entry.mode << 16) + le32(offset) + name
        }
        let directoryOffset = UInt32(archive.count)
        archive += directory
        archive += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count) + le32(UInt32(directory.count))
        archive += le32(directoryOffset) + le16(0)
        return archive
    }

    static func randomFiles(_ generator: inout SeededGenerator) -> [File] {
        let words = ["lambda", "handler", "event", "return", "import", "json", "def ", "\n", "    ", "{", "}", "statusCode", "body"]
        var files: [File] = [File(name: "empty.txt", bytes: [])]
        for index in 0..<6 {
            let size = Int.random(in: 0...120_000, using: &generator)
            var bytes: [UInt8] = []
            if index % 2 == 0 {
                while bytes.count < size { bytes += Array(words.randomElement(using: &generator)!.utf8) }
            } else {
                bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            files.append(File(name: "dir\(index % 3)/file\(index).bin", bytes: bytes, executable: index == 3))
        }
        files.append(File(name: "bootstrap", bytes: Array("#!/bin/sh\necho hi\n".utf8), executable: true))
        return files
    }

    @Test(.disabled(if: (try? runCommand(["python3", "-c", "import zipfile, zlib"]))?.status != 0, "needs python3 with zlib"))
    func pythonArchivesReadBackByteForByteAtEveryLevel() throws {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        let files = ZipArchiveTests.randomFiles(&generator)
        for (method, level) in [("ZIP_DEFLATED", 1), ("ZIP_DEFLATED", 6), ("ZIP_DEFLATED", 9), ("ZIP_STORED", 0)] {
            let archive = try ZipArchive(try ZipArchiveTests.pythonZip(files, method: method, level: level))
            #expect(archive.entries.map(\.path) == files.map(\.name), "seed \(seed) (TEST_SEED=\(seed) replays it)")
            for (entry, file) in zip(archive.entries, files) {
                #expect(try archive.contents(of: entry) == file.bytes, "\(file.name), \(method) level \(level), seed \(seed) (TEST_SEED=\(seed) replays it)")
                #expect(entry.isExecutable == file.executable, "\(file.name)")
            }
        }
    }

    @Test(arguments: ["../escape.py", "/etc/passwd", "code/../../escape.py", "a//b", "./x", "code/.."])
    func pathsThatCouldLeaveTheDirectoryAreRefused(name: String) {
        let archive = ZipArchiveTests.storedZip([(name, Array("x".utf8), 0o100644)])
        #expect {
            _ = try ZipArchive(archive)
        } throws: { error in
            guard let error = error as? ArchiveError else { return false }
            return error.kind == .unsafePath && error.entry == name
        }
    }

    @Test func symbolicLinksAreRefused() {
        let archive = ZipArchiveTests.storedZip([("link", Array("/etc/passwd".utf8), 0o120777)])
        #expect(throws: ArchiveError.self) { _ = try ZipArchive(archive) }
        do {
            _ = try ZipArchive(archive)
        } catch {
            #expect(error.kind == .unsafePath)
            #expect(error.description.contains("symbolic link"))
        }
    }

    @Test func storedArchivesBuiltHereReadBack() throws {
        let archive = try ZipArchive(ZipArchiveTests.storedZip([("src/", [], 0o040755), ("src/app.py", Array("print(1)".utf8), 0o100644)]))
        #expect(archive.entries.map(\.path) == ["src", "src/app.py"])
        #expect(archive.entries[0].isDirectory)
        #expect(try archive.contents(of: archive.entries[1]) == Array("print(1)".utf8))
    }

    @Test(.disabled(if: (try? runCommand(["python3", "-c", "import zipfile, zlib"]))?.status != 0, "needs python3 with zlib"))
    func aZipBombIsRefusedNamingTheRatioLimit() throws {
        // 20 MB of zeros deflates to about 20 KB: a ratio near 1000:1.
        let bomb = try ZipArchiveTests.pythonZip([File(name: "zeros", bytes: [UInt8](repeating: 0, count: 20_000_000))], level: 9)
        do {
            _ = try ZipArchive(bomb)
            Issue.record("a 1000:1 entry was accepted")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.description.contains("compression ratio limit of 200:1"), "\(error)")
        }
        // The total and the count of entries have limits of their own.
        let many = try ZipArchiveTests.pythonZip((0..<30).map { File(name: "f\($0)", bytes: [UInt8](repeating: 65, count: 1000)) })
        #expect(throws: ArchiveError.self) { _ = try ZipArchive(many, limits: ArchiveLimits(maximumEntries: 20)) }
        #expect(throws: ArchiveError.self) { _ = try ZipArchive(many, limits: ArchiveLimits(maximumUnpackedBytes: 20_000)) }
        #expect(throws: ArchiveError.self) { _ = try ZipArchive(many, limits: ArchiveLimits(maximumArchiveBytes: 1000)) }
        _ = try ZipArchive(many, limits: ArchiveLimits(maximumUnpackedBytes: 30_000, maximumEntries: 30))
    }

    @Test(.disabled(if: (try? runCommand(["python3", "-c", "import zipfile, zlib"]))?.status != 0, "needs python3 with zlib"))
    func anEntryThatInflatesPastItsDeclaredSizeStopsAtIt() throws {
        var bytes = try ZipArchiveTests.pythonZip([File(name: "data", bytes: Array(String(repeating: "lambda ", count: 2000).utf8))])
        // Lower the central directory's uncompressed size (offset 24 of the entry) to 100.
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let found = (0..<bytes.count - 4).last { (index: Int) -> Bool in Array(bytes[index..<index + 4]) == signature }
        let central = try #require(found)
        bytes.replaceSubrange(central + 24..<central + 28, with: [100, 0, 0, 0])
        let archive = try ZipArchive(bytes)
        do {
            _ = try archive.contents(of: archive.entries[0])
            Issue.record("an entry inflated past its declared size")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.entry == "data")
        }
    }

    /// Damaged archives: every single-byte change and every truncation of a small deflated
    /// archive either reads back the original bytes or throws `ArchiveError` — never crashes,
    /// never returns other bytes (the CRC-32 is checked).
    @Test(.disabled(if: (try? runCommand(["python3", "-c", "import zipfile, zlib"]))?.status != 0, "needs python3 with zlib"))
    func damagedArchivesThrowOrReadBackTheOriginal() throws {
        let seed = TestSeed.value()
        var generator = SeededGenerator(seed: seed)
        let original = Array("def handler(event, context):\n    return {'statusCode': 200, 'body': 'hello'}\n".utf8)
        let bytes = try ZipArchiveTests.pythonZip([File(name: "app.py", bytes: original), File(name: "b.txt", bytes: Array(repeating: 66, count: 300))])
        func check(_ damaged: [UInt8], _ what: String) {
            do {
                let archive = try ZipArchive(damaged)
                for entry in archive.entries {
                    let contents = try archive.contents(of: entry)
                    #expect(contents == original || contents == Array(repeating: 66, count: 300), "\(what), seed \(seed) (TEST_SEED=\(seed) replays it)")
                }
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        for _ in 0..<2000 {
            var damaged = bytes
            let index = Int.random(in: 0..<damaged.count, using: &generator)
            damaged[index] = UInt8.random(in: 0...255, using: &generator)
            check(damaged, "byte \(index) changed")
        }
        for length in 0..<bytes.count { check(Array(bytes[0..<length]), "cut at \(length)") }
    }

    @Test func rawDeflateStreamsWithEveryBlockTypeInflate() throws {
        // A stored block ("abc"), then a fixed-Huffman block ("abcabcabc" with a back-reference).
        let stored: [UInt8] = [0x00, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63]
        #expect(try Inflate.decompress(stored + [0x03, 0x00], range: 0..<10, expected: 3, limit: 100, entry: "s") == Array("abc".utf8))
        // zlib.compressobj(9, zlib.DEFLATED, -15).compress(b"abcabcabc") + flush()
        let fixed: [UInt8] = [0x4B, 0x4C, 0x4A, 0x4E, 0x04, 0x23, 0x00]
        #expect(try Inflate.decompress(fixed, range: 0..<fixed.count, expected: 9, limit: 100, entry: "f") == Array("abcabcabc".utf8))
        #expect(throws: ArchiveError.self) { _ = try Inflate.decompress(fixed, range: 0..<fixed.count, expected: 9, limit: 5, entry: "f") }
        #expect(throws: ArchiveError.self) { _ = try Inflate.decompress([0x07], range: 0..<1, expected: 0, limit: 5, entry: "reserved") }
    }
}
