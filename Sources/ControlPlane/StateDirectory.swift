import AWSSignature
import APIGateway
import Foundation
import JSONCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The state directory (`.gateway/` by default) and what lives in it:
///
/// - `state.json`: keys, functions, deployments, stage settings (`StateFile`, atomic, 0600);
/// - `usage.ledger`: quota counts, memory-mapped (`UsageLedger`);
/// - `lock`: held (flock) by whoever writes the state — `gateway serve` for its whole life, a
///   `gateway` command working on the state directly for its own — so two writers never race;
/// - `server.json`: where the running server listens and its pid, so commands talk to it;
/// - `credentials.json`: the access key and secret `--require-signature` checks (0600).
public struct StateDirectory: Sendable {
    /// The directory.
    public let path: String

    /// The directory at `path` (made on first write).
    public init(_ path: String) { self.path = path }

    var stateFile: String { path + "/state.json" }
    var ledgerFile: String { path + "/usage.ledger" }
    var lockFile: String { path + "/lock" }
    var serverFile: String { path + "/server.json" }
    var credentialsFile: String { path + "/credentials.json" }

    /// Makes the directory (mode 0700) when it is missing.
    public func create() throws(GatewayLoadError) {
        var info = stat()
        if stat(path, &info) == 0 { return }
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if stat(partial, &info) != 0, mkdir(partial, 0o700) != 0, errno != EEXIST {
                throw .other("\(path): cannot create the state directory: \(String(cString: strerror(errno)))")
            }
        }
    }

    // MARK: - The writer's lock

    /// The exclusive lock on the state; released when the value is dropped (or the process ends).
    public final class Lock: Sendable {
        private let descriptor: Mutex<Int32>
        init(descriptor: Int32) { self.descriptor = Mutex(descriptor) }
        /// Releases the lock now (later calls do nothing).
        public func release() {
            descriptor.withLock { descriptor in
                if descriptor >= 0 { close(descriptor) }
                descriptor = -1
            }
        }
        deinit { release() }
    }

    /// Takes the lock without waiting; nil when another process (or object) holds it.
    public func tryLock() throws(GatewayLoadError) -> Lock? {
        try create()
        let descriptor = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .other("\(lockFile): cannot open: \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        return Lock(descriptor: descriptor)
    }

    // MARK: - The running server

    /// Where a running server listens.
    public struct ServerRecord: Sendable, Equatable {
        /// `http://127.0.0.1:8080`.
        public var url: String
        /// The host to connect to.
        public var host: String
        /// The port.
        public var port: Int
        /// The server's process id.
        public var pid: Int32

        /// A record.
        public init(host: String, port: Int, pid: Int32) {
            self.host = host
            self.port = port
            self.pid = pid
            let urlHost = host.contains(":") ? "[\(host)]" : host
            url = "http://\(urlHost):\(port)"
        }
    }

    /// Records where the server listens (atomically).
    public func writeServer(_ record: ServerRecord) throws(GatewayLoadError) {
        try create()
        let json: JSONValue = ["url": .string(record.url), "host": .string(record.host), "port": .number(JSONNumber(record.port)), "pid": .number(JSONNumber(Int(record.pid)))]
        if let problem = AtomicFile.write(JSONWriter.pretty.bytes(json) + [0x0A], to: serverFile, temporary: serverFile + ".tmp") {
            throw .other("\(serverFile): \(problem)")
        }
    }

    /// The running server's record, when the file is there and its process lives.
    public func runningServer() -> ServerRecord? {
        guard let bytes = FileReader.read(path: serverFile, atMost: 1 << 20).bytes, let json = try? JSONParser().parse(bytes),
            case .string(let host)? = json["host"], let port = json["port"]?.numberValue?.intValue, let pid = json["pid"]?.numberValue?.intValue
        else { return nil }
        guard kill(Int32(pid), 0) == 0 || errno == EPERM else { return nil }
        return ServerRecord(host: host, port: port, pid: Int32(pid))
    }

    /// Removes the server record.
    public func removeServer() { unlink(serverFile) }

    // MARK: - Credentials

    /// The access key and secret the control plane (and AWS_IAM methods) check signatures against.
    public typealias Credentials = SigV4.Credentials

    /// The credentials kept here, made (random, mode 0600) the first time they are asked for.
    public func credentials() throws(GatewayLoadError) -> Credentials {
        if let existing = existingCredentials() { return existing }
        try create()
        let made = Credentials(
            accessKeyId: "AKIA" + RandomText.alphanumeric(16).uppercased(), secretAccessKey: RandomText.alphanumeric(40))
        let json: JSONValue = ["accessKeyId": .string(made.accessKeyId), "secretAccessKey": .string(made.secretAccessKey)]
        if let problem = AtomicFile.write(JSONWriter.pretty.bytes(json) + [0x0A], to: credentialsFile, temporary: credentialsFile + ".tmp") {
            throw .other("\(credentialsFile): \(problem)")
        }
        return made
    }

    /// The credentials kept here, when some were made (nothing is written).
    public func existingCredentials() -> Credentials? {
        guard let bytes = FileReader.read(path: credentialsFile, atMost: 1 << 20).bytes, let json = try? JSONParser().parse(bytes),
            case .string(let id)? = json["accessKeyId"], case .string(let secret)? = json["secretAccessKey"]
        else { return nil }
        return Credentials(accessKeyId: id, secretAccessKey: secret)
    }
}

extension StateDirectory {
    /// What a directory held at one moment, so that a start that fails can remove what it
    /// added since (the whole directory when it did not exist): a failed start writes nothing.
    public struct Entries: Sendable {
        /// The directory.
        public let path: String
        /// The names in it then; nil when it did not exist.
        public let names: Set<String>?

        /// The entries of `path` now.
        public init(of path: String) {
            self.path = path
            names = (try? FileManager.default.contentsOfDirectory(atPath: path)).map(Set.init)
        }

        /// Removes every entry added since (or the directory, if it did not exist).
        public func removeAdded() {
            guard let names else {
                try? FileManager.default.removeItem(atPath: path)
                return
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !names.contains(name) {
                try? FileManager.default.removeItem(atPath: path + "/" + name)
            }
        }
    }
}
