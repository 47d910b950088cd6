#if canImport(Glibc)
import Glibc
#endif
import CommandSupport
import YAMLCore

/// `schema-check`'s payload operands → files: a directory is every `*.json`, `*.yaml` and `*.yml` below it, a glob
/// pattern every file matching it (both in sorted order), anything else itself; `--exclude`
/// patterns leave files out; a file named twice is checked once. Below a directory or a
/// glob's root, names starting with `.` are skipped unless the glob spells a leading `.`
/// itself (as shells do: `'**/*.json'` does not search `.git` or `.build`).
enum PayloadFiles {
    /// An operand that gave no files: where its result goes among the files (before the file
    /// at `position`), the operand, and why.
    struct Unmatched {
        let position: Int
        let operand: String
        let message: String
    }

    /// - Parameter checkingJSONNames: whether an operand named `*.json` (no glob characters)
    ///   is checked for being a directory too; without it such operands are taken as files
    ///   (one `stat` less per file for the thousands a shell glob gives; the caller expands
    ///   again with it when one of them turns out to be a directory).
    static func expand(_ operands: [String], excluding excludes: [PathGlob], checkingJSONNames: Bool = true) -> (files: [String], unmatched: [Unmatched]) {
        var files: [String] = []
        var unmatched: [Unmatched] = []
        var seen = Set<String>()
        func add(_ file: String) {
            guard file == "-" || !excluded(file, by: excludes) else { return }
            if seen.insert(file).inserted { files.append(file) }
        }
        for operand in operands {
            if operand == "-" || (!checkingJSONNames && DocumentText.isDocumentName(operand) && !PathGlob.isPattern(operand)) {
                add(operand)
            } else if FileSystem.isDirectory(operand) {
                var found: [String] = []
                walk(operand.hasSuffix("/") && operand.count > 1 ? String(operand.dropLast()) : operand, hidden: false) { path in
                    if DocumentText.isDocumentName(path) { found.append(path) }
                }
                guard !found.isEmpty else {
                    unmatched.append(Unmatched(position: files.count, operand: operand, message: "no *.json, *.yaml or *.yml file below \(operand)"))
                    continue
                }
                found.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                found.forEach(add)
            } else if PathGlob.isPattern(operand), !FileSystem.isFile(operand) {
                let glob = PathGlob(operand)
                var found: [String] = []
                let root = glob.root
                if FileSystem.isDirectory(root) {
                    // Without `**` a match is a fixed number of directories below the root.
                    walk(root, depth: glob.directoryDepth, hidden: glob.namesHiddenEntries) { path in
                        if glob.matches(path) { found.append(path) }
                    }
                }
                guard !found.isEmpty else {
                    unmatched.append(Unmatched(position: files.count, operand: operand, message: "no file matches \(operand)"))
                    continue
                }
                found.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                found.forEach(add)
            } else {
                add(operand)
            }
        }
        return (files, unmatched)
    }

    /// Whether an `--exclude` glob matches the file or a directory it is in (`--exclude
    /// fixtures/broken` leaves out everything below it, as `.gitignore` would).
    static func excluded(_ file: String, by excludes: [PathGlob]) -> Bool {
        guard !excludes.isEmpty else { return false }
        var path = Substring(file)
        while true {
            if excludes.contains(where: { $0.matches(String(path)) }) { return true }
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return false }
            path = path[..<slash]
        }
    }

    /// Every regular file below `directory` (symbolic links to files included, links to
    /// directories not followed, so a loop cannot trap the walk), as `directory/…` paths;
    /// `depth` levels of directories down at most (nil: all). One directory is open at a time,
    /// however deep the tree.
    /// - Parameter hidden: whether files and directories whose names start with `.` (`.git`,
    ///   `.build`, `.venv`) are looked at; shells leave them out of `*` and `**` too.
    static func walk(_ directory: String, depth: Int? = nil, hidden: Bool = true, _ visit: (String) -> Void) {
        var subdirectories: [String] = []
        readEntries(of: directory, hidden: hidden, visit: visit, subdirectories: &subdirectories)
        if let depth, depth <= 0 { return }
        for subdirectory in subdirectories { walk(subdirectory, depth: depth.map { $0 - 1 }, hidden: hidden, visit) }
    }

    private static func readEntries(of directory: String, hidden: Bool, visit: (String) -> Void, subdirectories: inout [String]) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || (!hidden && name.hasPrefix(".")) { continue }
            let path = directory == "." ? name : (directory == "/" ? "/" + name : directory + "/" + name)
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): subdirectories.append(path)
            case Int32(DT_REG): visit(path)
            default:
                // Unknown type or a symbolic link: stat without following into directories.
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR {
                    subdirectories.append(path)
                } else if info.st_mode & S_IFMT == S_IFLNK {
                    var target = stat()
                    if stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFREG { visit(path) }
                } else if info.st_mode & S_IFMT == S_IFREG {
                    visit(path)
                }
            }
        }
    }
}
