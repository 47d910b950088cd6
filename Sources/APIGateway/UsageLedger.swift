import CSystemCalls
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Quota counts kept where a crash of the process cannot lose them: a file mapped into memory
/// (`usage.ledger`). A count is a store into the mapping, made before the answer leaves; the
/// kernel keeps the page and writes it to disk whatever happens to the process (`kill -9`
/// included), with no system call per request.
///
/// The file is a 4 KB header (`GWLEDGR1`) and fixed slots of 256 bytes: an 8-byte count, a
/// 2-byte name length (written last: a slot without it is unused), and the name
/// (`plan/keyId@period` for a quota period, `plan/keyId#2026-12-02` for a day). Slots are
/// never moved, so a slot number stays valid for the life of the file.
package final class UsageLedger: @unchecked Sendable {
    // Safety: the mapping is written through `store` (atomic 64-bit stores) and in `slot(for:)`
    // under `names`' lock; it stays mapped for the ledger's lifetime.
    static let headerSize = 4096
    static let slotSize = 256
    static let nameCapacity = slotSize - 10
    static let magic = Array("GWLEDGR1".utf8)

    let path: String?
    let capacity: Int
    private let base: UnsafeMutableRawPointer
    private let mappedBytes: Int
    private let descriptor: Int32
    /// Slot numbers by name, and the next free slot.
    private let names: Mutex<(table: [String: Int], next: Int)>

    /// A ledger in memory only (no state directory): the same behaviour, nothing kept.
    package init(capacity: Int = 4096) {
        path = nil
        self.capacity = capacity
        mappedBytes = UsageLedger.headerSize + capacity * UsageLedger.slotSize
        base = UnsafeMutableRawPointer.allocate(byteCount: mappedBytes, alignment: 4096)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: mappedBytes)
        descriptor = -1
        names = Mutex(([:], 0))
    }

    /// Opens (or creates) the ledger file; its slots are read back.
    package init(path: String, capacity: Int = 65_536) throws(GatewayLoadError) {
        self.path = path
        self.capacity = capacity
        mappedBytes = UsageLedger.headerSize + capacity * UsageLedger.slotSize
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .other("\(path): cannot open the usage ledger: \(String(cString: strerror(errno)))") }
        var info = stat()
        fstat(descriptor, &info)
        let fresh = info.st_size == 0
        if Int(info.st_size) < mappedBytes, ftruncate(descriptor, off_t(mappedBytes)) != 0 {
            close(descriptor)
            throw .other("\(path): cannot size the usage ledger: \(String(cString: strerror(errno)))")
        }
        guard let mapping = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            close(descriptor)
            throw .other("\(path): cannot map the usage ledger: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        base = mapping
        let bytes = mappedBytes
        if fresh {
            for (offset, byte) in UsageLedger.magic.enumerated() { mapping.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
        } else {
            let header = (0..<8).map { mapping.load(fromByteOffset: $0, as: UInt8.self) }
            guard header == UsageLedger.magic else {
                munmap(mapping, bytes)
                close(descriptor)
                throw .other("\(path): not a usage ledger (bad header); refusing to start rather than lose quota counts")
            }
        }
        // Read the slots back: names, until the first unused slot.
        var table: [String: Int] = [:]
        var next = 0
        while next < capacity {
            let slot = mapping + UsageLedger.headerSize + next * UsageLedger.slotSize
            let length = Int(slot.load(fromByteOffset: 8, as: UInt16.self))
            if length == 0 || length > UsageLedger.nameCapacity { break }
            let name = String(decoding: UnsafeRawBufferPointer(start: slot + 10, count: length), as: UTF8.self)
            table[name] = next
            next += 1
        }
        names = Mutex((table, next))
    }

    deinit {
        if path != nil {
            munmap(base, mappedBytes)
            close(descriptor)
        } else {
            base.deallocate()
        }
    }

    @inline(__always)
    private func counter(_ slot: Int) -> UnsafeMutablePointer<Int64> {
        (base + UsageLedger.headerSize + slot * UsageLedger.slotSize).assumingMemoryBound(to: Int64.self)
    }

    /// The slot for `name` (`plan/keyId@period`), made when new; nil when the ledger is full.
    package func slot(for name: String) -> Int? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= UsageLedger.nameCapacity else { return nil }
        return names.withLock { names in
            if let known = names.table[name] { return known }
            guard names.next < capacity else { return nil }
            let number = names.next
            let slot = base + UsageLedger.headerSize + number * UsageLedger.slotSize
            csc_store_int64(slot.assumingMemoryBound(to: Int64.self), 0)
            bytes.withUnsafeBytes { (slot + 10).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            // The length last: until it is there, the slot reads as unused.
            slot.storeBytes(of: UInt16(bytes.count), toByteOffset: 8, as: UInt16.self)
            names.table[name] = number
            names.next += 1
            return number
        }
    }

    /// The count in `slot`.
    package func value(in slot: Int) -> Int { Int(csc_load_int64(counter(slot))) }

    /// Stores `count` in `slot` (an atomic store into the mapping).
    @inline(__always)
    package func store(_ count: Int, in slot: Int) { csc_store_int64(counter(slot), Int64(count)) }

    /// Every named count.
    package var entries: [(name: String, count: Int)] {
        let table = names.withLock { $0.table }
        return table.map { ($0.key, value(in: $0.value)) }
    }

    /// Quota use by client (`plan/keyId`): the latest period each has a count for.
    package var quotaUsage: [String: QuotaUsage] {
        var result: [String: QuotaUsage] = [:]
        for (name, count) in entries {
            guard let at = name.lastIndex(of: "@") else { continue }
            let client = String(name[..<at]), period = String(name[name.index(after: at)...])
            if let known = result[client], known.period >= period { continue }
            result[client] = QuotaUsage(period: period, used: count)
        }
        return result
    }

    /// Requests counted per day for a client (`plan/keyId`): `2026-12-02` → count.
    package func days(of client: String) -> [String: Int] {
        var result: [String: Int] = [:]
        let prefix = client + "#"
        for (name, count) in entries where name.hasPrefix(prefix) { result[String(name.dropFirst(prefix.count))] = count }
        return result
    }
}
