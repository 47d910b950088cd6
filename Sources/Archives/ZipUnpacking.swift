#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension ZipArchive {
    /// Why unpacking failed: the archive's own problem (`ArchiveError`, a 400 for an upload),
    /// or the file system's (a 500).
    public enum UnpackFailure: Error, Sendable, CustomStringConvertible {
        /// The archive is refused, or an entry cannot take its place (a file where a directory
        /// of the archive goes).
        case archive(ArchiveError)
        /// The directory could not be written.
        case fileSystem(String)

        public var description: String {
            switch self {
            case .archive(let error): return error.description
            case .fileSystem(let message): return message
            }
        }
    }

    /// Writes every entry under `directory`, which must not exist yet: into a temporary
    /// directory beside it, renamed into place at the end, so that a crash never leaves half
    /// an archive under the final name. Executable entries are written 0755, others 0644.
    public func unpack(into directory: String) throws(UnpackFailure) {
        let manager = FileManager.default
        let temporary = directory + ".tmp-\(getpid())"
        try? manager.removeItem(atPath: temporary)
        do {
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem("cannot create \(temporary): \(error)")
        }
        do throws(UnpackFailure) {
            for entry in entries {
                let path = temporary + "/" + entry.path
                let contents: [UInt8]
                do {
                    contents = entry.isDirectory ? [] : try self.contents(of: entry)
                } catch {
                    throw .archive(error)
                }
                do {
                    let parent = entry.isDirectory ? path : (path as NSString).deletingLastPathComponent
                    try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                } catch {
                    throw .archive(ArchiveError(.malformed, entry: entry.path, offset: entry.localHeader, "a file of the archive is in the way of this path"))
                }
                if entry.isDirectory { continue }
                guard manager.createFile(atPath: path, contents: Data(contents), attributes: [.posixPermissions: entry.isExecutable ? 0o755 : 0o644]) else {
                    throw .archive(ArchiveError(.malformed, entry: entry.path, offset: entry.localHeader, "cannot be written: a directory of the archive has this path"))
                }
            }
            do {
                try manager.moveItem(atPath: temporary, toPath: directory)
            } catch {
                throw .fileSystem("cannot move \(temporary) to \(directory): \(error)")
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }
}
