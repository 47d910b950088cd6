import HTTPCore

/// A stage's response cache: entries expire after their TTL, the total size is bounded by the
/// cluster size, and the least recently used entries are evicted first. Counts hits and misses.
struct ResponseCache: Sendable {
    struct Entry: Sendable {
        let response: HTTPResponse
        let expires: Double
        let size: Int
        var lastUsed: UInt64
    }

    /// The largest cacheable response (1 MB).
    static let maximumEntryBytes = 1_048_576

    let capacityBytes: Int
    private(set) var entries: [String: Entry] = [:]
    private(set) var usedBytes = 0
    private var tick: UInt64 = 0
    private(set) var hits = 0
    private(set) var misses = 0

    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    mutating func lookup(_ key: String, now: Double) -> HTTPResponse? {
        guard let index = entries.index(forKey: key) else {
            misses += 1
            return nil
        }
        if entries.values[index].expires <= now {
            remove(key)
            misses += 1
            return nil
        }
        tick += 1
        entries.values[index].lastUsed = tick
        hits += 1
        return entries.values[index].response
    }

    mutating func store(_ key: String, _ response: HTTPResponse, ttl: Int, now: Double) {
        let size = response.body.count + response.headers.fields.reduce(64 + key.utf8.count) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard ttl > 0, response.body.count <= ResponseCache.maximumEntryBytes, size <= capacityBytes else { return }
        remove(key)
        while usedBytes + size > capacityBytes, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            remove(oldest)
        }
        tick += 1
        entries[key] = Entry(response: response, expires: now + Double(ttl), size: size, lastUsed: tick)
        usedBytes += size
    }

    mutating func remove(_ key: String) {
        if let entry = entries.removeValue(forKey: key) { usedBytes -= entry.size }
    }

    mutating func flush() {
        entries.removeAll()
        usedBytes = 0
    }
}
