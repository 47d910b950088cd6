#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command reads and writes: the real process streams, or buffers in tests.
public struct CommandIO: Sendable {
    /// Reads all of standard input (`nil` when it cannot be read).
    public var readStandardInput: @Sendable () -> [UInt8]?
    /// Writes to standard output.
    public var writeOutput: @Sendable ([UInt8]) -> Void
    /// Writes to standard error.
    public var writeError: @Sendable ([UInt8]) -> Void
    /// Whether standard output is a terminal (colour is used only then).
    public var outputIsTerminal: Bool

    /// Streams of your own.
    public init(
        readStandardInput: @escaping @Sendable () -> [UInt8]?, writeOutput: @escaping @Sendable ([UInt8]) -> Void,
        writeError: @escaping @Sendable ([UInt8]) -> Void, outputIsTerminal: Bool
    ) {
        self.readStandardInput = readStandardInput
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.outputIsTerminal = outputIsTerminal
    }

    /// The process's own standard streams.
    public static var standard: CommandIO {
        CommandIO(
            readStandardInput: { FileReader.readAll(descriptor: 0) },
            writeOutput: { FileReader.writeAll($0, descriptor: 1) },
            writeError: { FileReader.writeAll($0, descriptor: 2) },
            outputIsTerminal: isatty(1) != 0)
    }

    /// Writes text to standard output.
    public func print(_ text: String) { writeOutput(Array(text.utf8)) }
    /// Writes text to standard error.
    public func printError(_ text: String) { writeError(Array(text.utf8)) }
}

/// Whole-file reads and writes through POSIX calls (no Foundation overhead per file).
public enum FileReader {
    /// The bytes of a file, or `nil` when it cannot be opened or read (or is a directory).
    public static func read(path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { return nil }
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 0 {
            // One byte more than the size: reading it means the file grew while being read.
            let size = Int(info.st_size)
            var failed = false
            var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
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
            guard !failed else { return nil }
            if bytes.count > size, let rest = readAll(descriptor: descriptor) { bytes += rest }
            return bytes
        }
        return readAll(descriptor: descriptor)
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
        return "reading it failed"
    }

    /// Everything readable from a descriptor until end of file.
    public static func readAll(descriptor: Int32) -> [UInt8]? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 { if errno == EINTR { continue }; return nil }
            if count == 0 { return result }
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
