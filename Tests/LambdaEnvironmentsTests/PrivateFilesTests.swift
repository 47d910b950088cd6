import CommandSupport
import Foundation
import LambdaEnvironments
import LambdaRuntime
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Files the gateway writes to shared places are its own")
struct PrivateFilesTests {
    func temporary() throws -> String {
        let path = NSTemporaryDirectory() + "private-files-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a directory someone else made, or left open, is not used: a fresh private one is")
    func plantedDirectory() throws {
        let root = try temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let open = root + "/open"
        #expect(mkdir(open, 0o777) == 0)
        #expect(chmod(open, 0o777) == 0)
        #expect(PrivateFiles.problem(withDirectory: open)?.contains("open to other users") == true)
        let chosen = try #require(PrivateFiles.directory(preferring: open))
        #expect(chosen != open && chosen.hasPrefix(open + "-"))
        #expect(PrivateFiles.problem(withDirectory: chosen) == nil)
        // Owned by another user (as root here, the test can make one).
        let theirs = root + "/theirs"
        #expect(mkdir(theirs, 0o700) == 0)
        if getuid() == 0 {
            #expect(chown(theirs, 65534, 65534) == 0)
            #expect(PrivateFiles.problem(withDirectory: theirs)?.contains("belongs to another user") == true)
        }
        // A link where the directory should be.
        let link = root + "/link"
        #expect(symlink(chosen, link) == 0)
        #expect(PrivateFiles.problem(withDirectory: link)?.contains("symbolic link") == true)
    }

    @Test("a link planted where a file is written is replaced, never written through")
    func plantedLink() throws {
        let root = try temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/mine"
        #expect(PrivateFiles.problem(withDirectory: directory) == nil)
        try "precious".write(toFile: root + "/victim", atomically: true, encoding: .utf8)
        #expect(symlink(root + "/victim", directory + "/client.py") == 0)
        #expect(PrivateFiles.store(Array("print(1)\n".utf8), at: directory + "/client.py") == nil)
        #expect(try String(contentsOfFile: root + "/victim", encoding: .utf8) == "precious")
        var info = stat()
        #expect(lstat(directory + "/client.py", &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_mode & 0o777 == 0o600)
    }

    @Test(
        "the Python runtime client goes into a private directory even when its usual one was planted",
        .enabled(if: pythonAvailable, "python3 is not on PATH"))
    func runtimeClient() throws {
        let root = try temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let planted = root + "/runtime"
        #expect(mkdir(planted, 0o777) == 0 && chmod(planted, 0o777) == 0)
        try FileManager.default.createDirectory(atPath: root + "/code", withIntermediateDirectories: true)
        try "def h(e, c):\n    return 'ok'\n".write(toFile: root + "/code/m.py", atomically: true, encoding: .utf8)
        let runner = LocalCodeRunner(snapshotDirectory: root + "/snapshots", runtimeDirectory: planted)
        defer { runner.shutdown() }
        _ = try runner.prepare(FunctionConfiguration(handler: "m.h", runtime: "python3.13", code: root + "/code"))
        #expect(!FileManager.default.fileExists(atPath: planted + "/itemsapi_lambda_runtime.py"))
        let fresh = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("runtime-") }
        #expect(fresh.count == 1)
        #expect(FileManager.default.fileExists(atPath: root + "/" + (fresh.first ?? "") + "/itemsapi_lambda_runtime.py"))
    }
}
