#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_exported import TextAndFiles

/// Where a command reads and writes: the real process streams, or buffers in tests.
public struct CommandIO: Sendable {
    /// Reads all of standard input (`nil` when it cannot be read).
    public var readStandardInput: @Sendable () -> [UInt8]?
    /// Reads standard input up to a number of bytes (`.tooLarge` past it).
    public var readStandardInputAtMost: @Sendable (Int) -> FileReader.BoundedRead
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
        self.readStandardInputAtMost = { limit in
            guard let bytes = readStandardInput() else { return .unreadable }
            return bytes.count > limit ? .tooLarge : .bytes(bytes)
        }
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.outputIsTerminal = outputIsTerminal
    }

    /// The process's own standard streams.
    public static var standard: CommandIO {
        var io = CommandIO(
            readStandardInput: {
                // Bounded: `yes | command -` must not take all memory.
                FileReader.readAll(descriptor: 0, atMost: FileReader.standardInputLimit).bytes
            },
            writeOutput: { FileReader.writeAll($0, descriptor: 1) },
            writeError: { FileReader.writeAll($0, descriptor: 2) },
            outputIsTerminal: isatty(1) != 0)
        io.readStandardInputAtMost = { FileReader.readAll(descriptor: 0, atMost: $0) }
        return io
    }

    /// Writes text to standard output.
    public func print(_ text: String) { writeOutput(Array(text.utf8)) }
    /// Writes text to standard error.
    public func printError(_ text: String) { writeError(Array(text.utf8)) }
}
