#if canImport(Glibc)
import Glibc
#endif

/// Reading corpus files, for replaying them outside the fuzzer.
public enum FuzzCorpus {
    /// The regular files at `path`: itself, or those in it (sorted, not recursive).
    public static func files(at path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name.hasPrefix(".") { continue }
            var info = stat()
            if stat(path + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG { names.append(path + "/" + name) }
        }
        return names.sorted()
    }

    /// The bytes of `file`, or nil when it cannot be read.
    public static func read(_ file: String) -> [UInt8]? {
        guard let handle = fopen(file, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
        }
        return ferror(handle) == 0 ? bytes : nil
    }
}
