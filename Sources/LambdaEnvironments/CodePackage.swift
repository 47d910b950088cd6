#if canImport(Glibc)
import Glibc
#endif
import Archives
import AWSSignature
import Foundation
import LambdaRuntime

/// A deployment package (a zip, as `CreateFunction` and `UpdateFunctionCode` receive it)
/// unpacked into a directory of its own, named after the package's digest — the same package
/// always unpacks to the same directory, and a directory, once complete, never changes.
enum CodePackage {
    /// Unpacks `package` into `<root>/<function>/package-<digest>` (nothing to do when that
    /// directory exists) and returns the directory. The files are written under a temporary
    /// name and renamed into place, so a crash never leaves half a package under the final
    /// name. Executable entries are written 0755, others 0644.
    static func unpack(_ package: [UInt8], function: String, root: String, limits: ArchiveLimits = ArchiveLimits()) throws(LambdaServiceError)
        -> (directory: String, sha256: String, size: Int)
    {
        let digest = SHA256.hash(package)
        let sha256 = Data(digest).base64EncodedString()
        let directory = root + "/" + function + "/package-" + Hex.encode(Array(digest.prefix(12)))
        let archive: ZipArchive
        do {
            archive = try ZipArchive(package, limits: limits)
        } catch {
            throw LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: "Could not unzip uploaded file. \(error.description)")
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: directory) { return (directory, sha256, package.count) }
        let temporary = directory + ".tmp-\(getpid())"
        do {
            try? manager.removeItem(atPath: temporary)
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            for entry in archive.entries {
                let path = temporary + "/" + entry.path
                let contents = entry.isDirectory ? [] : try archive.contents(of: entry)
                do {
                    if entry.isDirectory {
                        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
                        continue
                    }
                    try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                } catch {
                    throw CodePackageFailure(message: "entry '\(entry.path)': a file of the package is in the way of this path")
                }
                guard manager.createFile(atPath: path, contents: Data(contents), attributes: [.posixPermissions: entry.isExecutable ? 0o755 : 0o644]) else {
                    throw CodePackageFailure(message: "entry '\(entry.path)': cannot be written (a directory of the package has this path)")
                }
            }
            try manager.moveItem(atPath: temporary, toPath: directory)
        } catch let error as ArchiveError {
            try? manager.removeItem(atPath: temporary)
            throw LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: "Could not unzip uploaded file. \(error.description)")
        } catch let error as CodePackageFailure {
            try? manager.removeItem(atPath: temporary)
            throw LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: "Could not unzip uploaded file. \(error.message)")
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw LambdaServiceError(status: 500, type: "ServiceException", message: "cannot unpack the package into \(directory): \(error)")
        }
        return (directory, sha256, package.count)
    }

    struct CodePackageFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
