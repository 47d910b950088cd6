#if canImport(Glibc)
import Glibc
#endif
import AWSSignature
import CommandSupport
import ItemsService
import YAMLCore

/// Where a `gateway` command finds its deployment file and its state: one rule for every
/// command.
///
/// - The deployment file is `--deployment FILE`; without it, `Schemas/ItemsAPI.deployment.json`
///   when the current directory has one (the repository), otherwise the copy of ItemsAPI
///   embedded in the executable (so a copied `gateway` serves it from anywhere).
/// - The state directory is `--state DIR`; without it, `.gateway/NAME` beside the deployment
///   file, NAME being the file's name without `.json` and `.deployment`
///   (`Schemas/ItemsAPI.deployment.json` → `Schemas/.gateway/ItemsAPI`), so that the state goes
///   with the project wherever the command runs; for the embedded ItemsAPI, `.gateway/ItemsAPI`
///   in the current directory.
enum ProjectLocation {
    /// The repository's deployment file, used when the current directory has it.
    static let repositoryDeployment = "Schemas/ItemsAPI.deployment.json"

    /// The default state directory for a deployment file.
    static func stateDirectory(forDeployment file: String) -> String {
        let slash = file.lastIndex(of: "/")
        let directory = slash.map { $0 == file.startIndex ? "/" : String(file[..<$0]) } ?? "."
        var name = DocumentText.stem(slash.map { String(file[file.index(after: $0)...]) } ?? file)
        if name.hasSuffix(".deployment") && name.count > ".deployment".count { name.removeLast(".deployment".count) }
        return (directory == "." ? "" : directory == "/" ? "/" : directory + "/") + ".gateway/" + name
    }

    /// Why the embedded ItemsAPI cannot be written where it is read from, or nil.
    struct Unwritable: Error {
        let message: String
    }

    /// Writes the embedded ItemsAPI's files to a directory of this user's (made once per
    /// content, in `$TMPDIR`, mode 0700, refused when someone else made it or it is a link) and
    /// returns its deployment file.
    static func bundledDeployment() throws(Unwritable) -> String {
        var digestInput: [UInt8] = []
        for file in BundledItemsAPI.files { digestInput += Array(file.name.utf8) + [0] + Array(file.text.utf8) + [0] }
        let digest = SHA256.hash(digestInput).prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        guard let directory = PrivateFiles.directory(preferring: "\(temporary)/itemsapi-bundled-\(getuid())-\(digest)") else {
            throw Unwritable(message: "\(temporary): no private directory for the bundled ItemsAPI")
        }
        for file in BundledItemsAPI.files {
            let path = directory + "/" + file.name
            let bytes = Array((file.text + "\n").utf8)
            if let existing = try? readSmall(path), existing == bytes { continue }
            if let problem = PrivateFiles.store(bytes, at: path, mode: 0o600) {
                throw Unwritable(message: "cannot write the bundled ItemsAPI: \(problem)")
            }
        }
        return directory + "/" + BundledItemsAPI.deploymentFile
    }

    static func readSmall(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Unwritable(message: path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 1 << 22 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}
