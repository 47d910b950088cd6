#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine the server runs on.
public enum System {
    /// Online processor cores.
    public static var coreCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// A monotonic clock in nanoseconds (for timeouts).
    static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// The text of an `errno` value.
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

#if os(Linux)
/// Thin wrappers over the socket calls the server makes: listen, accept, options.
enum Socket {
    /// A listening, non-blocking TCP socket bound to `host:port`, and the port it got.
    static func listen(host: String, port: Int, backlog: Int32 = 1024) throws(ServerError) -> (descriptor: Int32, port: Int) {
        guard (0...65535).contains(port) else { throw ServerError("port \(port) is out of range (0-65535)") }
        let address = host == "localhost" ? "127.0.0.1" : host
        let isIPv6 = address.contains(":")
        let descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ServerError("cannot create a socket: \(System.errorText(errno))", code: errno) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var bound: Int32
        if isIPv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else {
                close(descriptor)
                throw ServerError("'\(host)' is not an IPv4 or IPv6 address")
            }
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
                close(descriptor)
                throw ServerError("'\(host)' is not an IPv4 or IPv6 address")
            }
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        if bound != 0 {
            let code = errno
            close(descriptor)
            let hint = code == EADDRINUSE ? " (another process is listening there; choose another with --port, or --port 0 for a free one)" : ""
            throw ServerError("cannot listen on \(host):\(port): \(System.errorText(code))\(hint)", code: code)
        }
        guard Glibc.listen(descriptor, backlog) == 0 else {
            let code = errno
            close(descriptor)
            throw ServerError("cannot listen on \(host):\(port): \(System.errorText(code))", code: code)
        }
        return (descriptor, localPort(descriptor))
    }

    /// The port a bound socket got.
    static func localPort(_ descriptor: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    enum AcceptResult {
        case connection(Int32, address: String)
        case wouldBlock
        case failed(Int32)
    }

    /// Accepts one pending connection, non-blocking, with `TCP_NODELAY` set.
    static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let descriptor = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listener, $0, &length) }
        }
        if descriptor < 0 {
            let code = errno
            return code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED ? .wouldBlock : .failed(code)
        }
        // (accept4 is not in Glibc's Swift module; accepted sockets do not inherit O_NONBLOCK.)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .connection(descriptor, address: addressText(&storage))
    }

    /// `127.0.0.1` or `::1` for a peer address.
    static func addressText(_ storage: inout sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(storage.ss_family)
        withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var address = $0.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var address = $0.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                }
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
#endif
