#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files the toolkit writes to shared places (`$TMPDIR`) and later reads or runs: kept in a
/// directory that is this user's alone, written without following links and never over a file
/// someone else placed, so another local user can neither swap what we run nor make us
/// overwrite a file of ours through a link.
public enum PrivateFiles {
    /// Why `path` is not a directory only this user can use (it is made, mode 0700, when it
    /// does not exist), or nil when it is one: it must be a directory, not a link, owned by this
    /// user, and closed to everyone else.
    public static func problem(withDirectory path: String) -> String? {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            return "\(path): cannot create the directory: \(String(cString: strerror(errno)))"
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return "\(path): cannot look at it: \(String(cString: strerror(errno)))" }
        if info.st_mode & S_IFMT == S_IFLNK { return "\(path) is a symbolic link" }
        if info.st_mode & S_IFMT != S_IFDIR { return "\(path) is not a directory" }
        if info.st_uid != getuid() { return "\(path) belongs to another user (uid \(info.st_uid))" }
        if info.st_mode & 0o077 != 0 { return "\(path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8)))" }
        return nil
    }

    /// `preferred` when it is (or can be made) a private directory, else a new one made by
    /// `mkdtemp` beside it; nil only when neither can be had.
    public static func directory(preferring preferred: String) -> String? {
        if problem(withDirectory: preferred) == nil { return preferred }
        var template = Array((preferred + "-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let result = mkdtemp(buffer.baseAddress!) else { return nil }
            return String(cString: result)
        }
        guard let made, problem(withDirectory: made) == nil else { return nil }
        return made
    }

    /// Writes `bytes` to `path` (in a private directory) through a new temporary file opened
    /// exclusively and without following links, then renamed into place; nil on success, else
    /// what failed.
    public static func store(_ bytes: [UInt8], at path: String, mode: mode_t = 0o600) -> String? {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return "cannot create \(temporary): \(String(cString: strerror(errno)))" }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += count
        }
        close(descriptor)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return "cannot write \(path)"
        }
        return nil
    }
}
