#if canImport(Glibc)
import Glibc
#endif
import AWSSignature
import Foundation
import LambdaRuntime
import Synchronization

/// A function's code directory: its digest, its snapshot for a published version, and (for
/// `$LATEST`) a generation number that changes whenever a file under it changes (inotify,
/// read without blocking at each invocation: no thread, no polling of the tree).
final class CodeWatch: @unchecked Sendable {
    // Safety: every field is read and written under `lock`.
    private let lock = Mutex(())
    private var descriptor: Int32
    private var watches: [Int32: String] = [:]
    private var generation = 0
    private var events = [UInt8](repeating: 0, count: 16384)
    let directory: String

    init(directory: String) {
        self.directory = directory
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        lock.withLock { _ in addTree(directory) }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    private static let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF)

    private func addTree(_ root: String) {
        guard descriptor >= 0 else { return }
        var pending = [root]
        while let path = pending.popLast(), watches.count < 8192 {
            let watch = inotify_add_watch(descriptor, path, CodeWatch.mask)
            if watch >= 0 { watches[watch] = path }
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { continue }
            for entry in entries where entry != "__pycache__" {
                var info = stat()
                let child = path + "/" + entry
                if lstat(child, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { pending.append(child) }
            }
        }
    }

    /// The current generation: it goes up when something under the directory changed since
    /// the last call (compiled-bytecode caches aside).
    func currentGeneration() -> Int {
        lock.withLock { _ in
            guard descriptor >= 0 else { return generation }
            var changed = false
            var newDirectories: [String] = []
            while true {
                let count = events.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                let buffer = events
                var offset = 0
                while offset + 16 <= count {
                    let watch = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Int32.self) }
                    let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                    let nameLength = Int(buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) })
                    let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + nameLength)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset += 16 + nameLength
                    if name == "__pycache__" || name.hasSuffix(".pyc") { continue }
                    changed = true
                    if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, let parent = watches[watch] {
                        newDirectories.append(parent + "/" + name)
                    }
                }
            }
            for directory in newDirectories { addTree(directory) }
            if changed { generation += 1 }
            return generation
        }
    }

    // MARK: - Digests and snapshots

    /// The files under `directory` (relative paths, sorted), caches of compiled bytecode aside.
    static func files(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix("__pycache__") || relative.contains("__pycache__/") { continue }
            var info = stat()
            if lstat(directory + "/" + relative, &info) == 0, info.st_mode & S_IFMT != S_IFDIR { files.append(relative) }
        }
        return files.sorted()
    }

    /// A base64 SHA-256 over the files' names, modes and contents (the shape of `CodeSha256`).
    static func digest(_ directory: String) -> String? {
        var hasher = SHA256()
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        for relative in files(directory) {
            let path = directory + "/" + relative
            _ = lstat(path, &info)
            hasher.update(Array(relative.utf8) + [0] + Array(String(info.st_mode & 0o111 != 0 ? 1 : 0).utf8) + [0])
            if let data = FileManager.default.contents(atPath: path) { hasher.update([UInt8](data)) }
            hasher.update([0])
        }
        return Data(hasher.finalize()).base64EncodedString()
    }

    /// Copies `directory` to `destination` (replacing what is there), through a temporary name
    /// beside it, so that a crash never leaves half a snapshot under the final name.
    static func snapshot(_ directory: String, to destination: String) throws(LambdaServiceError) {
        let manager = FileManager.default
        let parent = (destination as NSString).deletingLastPathComponent
        let temporary = destination + ".tmp-\(getpid())"
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if manager.fileExists(atPath: temporary) { try manager.removeItem(atPath: temporary) }
            try manager.copyItem(atPath: directory, toPath: temporary)
            if manager.fileExists(atPath: destination) { try manager.removeItem(atPath: destination) }
            try manager.moveItem(atPath: temporary, toPath: destination)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw LambdaServiceError(status: 500, type: "ServiceException", message: "cannot copy \(directory) to \(destination): \(error)")
        }
    }
}
