#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes through POSIX calls (no Foundation overhead per file).
public enum FileReader {
    /// The most `CommandIO.standard.readStandardInput` takes (1 GiB); more is "cannot read".
    public static let standardInputLimit = 1 << 30

    /// The most `read(path:)` takes (1 GiB): a larger file, or a device that goes on past it
    /// (`/dev/zero`), is "cannot read" (`whyUnreadable` says which).
    public static let fileLimit = 1 << 30

    /// The bytes of a file, or `nil` when it cannot be opened or read, is a directory, or holds
    /// more than `fileLimit` bytes.
    public static func read(path: String) -> [UInt8]? {
        read(path: path, atMost: fileLimit).bytes
    }

    /// A regular file's bytes by its size, and whatever it grew by meanwhile up to `limit`.
    private static func readRegular(_ descriptor: Int32, size: Int, limit: Int) -> BoundedRead {
        // One byte more than the size: reading it means the file grew while being read.
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
            var filled = 0
            while filled < size + 1 {
                let count = Glibc.read(descriptor, buffer.baseAddress! + filled, size + 1 - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    break
                }
                if count == 0 { break }
                filled += count
            }
            initialized = filled
        }
        guard !failed else { return .unreadable }
        guard bytes.count > size else { return .bytes(bytes) }
        guard bytes.count <= limit else { return .tooLarge }
        switch readAll(descriptor: descriptor, atMost: limit - bytes.count) {
        case .bytes(let rest): return .bytes(bytes + rest)
        case let other: return other
        }
    }

    /// Why `read(path:)` found nothing, for a message after "cannot read the file": `no such
    /// file`, `it is a directory`, `permission denied`, or that its name is not valid UTF-8
    /// (the name arrived with U+FFFD in place of bytes, so no file of that name exists).
    public static func whyUnreadable(path: String) -> String {
        var info = stat()
        if stat(path, &info) != 0 {
            let missing = errno == ENOENT || errno == ENOTDIR
            if missing && path.unicodeScalars.contains("\u{FFFD}") {
                return "its name is not valid UTF-8 (shown with U+FFFD); rename it"
            }
            return missing ? "no such file" : String(cString: strerror(errno)).lowercased()
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
        if access(path, R_OK) != 0 { return "permission denied" }
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size > fileLimit { return "it is larger than 1 GiB, the most read" }
        if (info.st_mode & S_IFMT) != S_IFREG { return "it is not a regular file, and reading it failed or gave more than 1 GiB" }
        return "reading it failed"
    }

    /// Everything readable from a descriptor until end of file.
    public static func readAll(descriptor: Int32) -> [UInt8]? {
        readAll(descriptor: descriptor, atMost: .max).bytes
    }

    /// What a bounded read gave.
    public enum BoundedRead: Sendable, Equatable {
        /// The whole contents.
        case bytes([UInt8])
        /// It could not be opened or read, or is a directory.
        case unreadable
        /// It holds more than the limit (only the limit and one byte more were read).
        case tooLarge

        /// The contents, or nil when unreadable or too large.
        public var bytes: [UInt8]? {
            if case .bytes(let bytes) = self { return bytes }
            return nil
        }
    }

    /// The bytes of a file, refusing one larger than `limit` bytes without reading it whole (a
    /// regular file by its size; a device, pipe or growing file once `limit + 1` bytes came).
    public static func read(path: String, atMost limit: Int) -> BoundedRead {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .unreadable }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return .unreadable }
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 0 {
            guard info.st_size <= limit else { return .tooLarge }
            return readRegular(descriptor, size: Int(info.st_size), limit: limit)
        }
        return readAll(descriptor: descriptor, atMost: limit)
    }

    /// Everything readable from a descriptor until end of file, or `.tooLarge` as soon as
    /// more than `limit` bytes came (an endless stream costs `limit` bytes of memory, no more).
    public static func readAll(descriptor: Int32, atMost limit: Int) -> BoundedRead {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 { if errno == EINTR { continue }; return .unreadable }
            if count == 0 { return .bytes(result) }
            if count > limit - result.count { return .tooLarge }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes every byte, retrying short writes.
    public static func writeAll(_ bytes: [UInt8], descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 { if errno == EINTR { continue }; return }
                offset += count
            }
        }
    }
}

/// Whether paths are files or directories.
public enum FileSystem {
    /// Whether `path` is a directory (links followed).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` exists and is not a directory (links followed).
    public static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
    }

    /// `path` made absolute against the working directory, without `.` segments or a trailing `/`.
    public static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: 4096)
            let directory = getcwd(&buffer, buffer.count).map { _ in String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) } ?? "."
            full = directory + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Writes `bytes` to `path` through a temporary file beside it; the system's reason on failure.
    public static func writeFile(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        FileReader.writeAll(bytes, descriptor: descriptor)
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }

    /// Creates `path` and any missing parents (as `mkdir -p`); the system's reason on failure.
    public static func makeDirectories(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return "\(prefix): " + String(cString: strerror(errno)) }
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return "not a directory" }
        return nil
    }
}
