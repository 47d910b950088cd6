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
        if FileManager.default.fileExists(atPath: directory) { return (directory, sha256, package.count) }
        do {
            try archive.unpack(into: directory)
        } catch {
            switch error {
            case .archive(let problem):
                throw LambdaServiceError(status: 400, type: "InvalidParameterValueException", message: "Could not unzip uploaded file. \(problem.description)")
            case .fileSystem(let problem):
                throw LambdaServiceError(status: 500, type: "ServiceException", message: "cannot unpack the package into \(directory): \(problem)")
            }
        }
        return (directory, sha256, package.count)
    }
}
