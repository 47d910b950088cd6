import HTTPCore

/// What a cached response is filed under: the method's cache namespace and key parameter
/// names (`items-id|method.request.path.ID`), then the HTTP method and the parameter values.
struct CacheKey: Hashable, Sendable {
    let base: String
    /// `base`'s hash, computed once per method: a lookup hashes only `request`.
    let baseHash: Int
    /// The HTTP method and the parameter values (`GET`, U+0001, `3`).
    let request: String

    var byteCount: Int { base.utf8.count + request.utf8.count }

    func hash(into hasher: inout Hasher) {
        hasher.combine(baseHash)
        hasher.combine(request)
    }

    static func == (lhs: CacheKey, rhs: CacheKey) -> Bool {
        lhs.baseHash == rhs.baseHash && lhs.request == rhs.request && lhs.base == rhs.base
    }
}

/// A stage's response cache: entries expire after their TTL, the total size is bounded by the
/// cluster size, and the least recently used entries are evicted first. Counts hits and misses.
struct ResponseCache: Sendable {
    /// One cached response. A reference, so that a hit reads it and marks it used in place
    /// (changed only through the cache, which its owner keeps behind a lock).
    final class Entry: @unchecked Sendable {
        let response: HTTPResponse
        let expires: Double
        let size: Int
        var lastUsed: UInt64

        init(response: HTTPResponse, expires: Double, size: Int, lastUsed: UInt64) {
            self.response = response
            self.expires = expires
            self.size = size
            self.lastUsed = lastUsed
        }
    }

    /// The largest cacheable response (1 MB).
    static let maximumEntryBytes = 1_048_576

    let capacityBytes: Int
    private(set) var entries: [CacheKey: Entry] = [:]
    private(set) var usedBytes = 0
    private var tick: UInt64 = 0
    private(set) var hits = 0
    private(set) var misses = 0

    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    mutating func lookup(_ key: CacheKey, now: Double) -> HTTPResponse? {
        guard let entry = entries[key] else {
            misses += 1
            return nil
        }
        if entry.expires <= now {
            remove(key)
            misses += 1
            return nil
        }
        tick += 1
        entry.lastUsed = tick
        hits += 1
        return entry.response
    }

    mutating func store(_ key: CacheKey, _ response: HTTPResponse, ttl: Int, now: Double) {
        let size = response.body.count + response.headers.fields.reduce(64 + key.byteCount) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard ttl > 0, response.body.count <= ResponseCache.maximumEntryBytes, size <= capacityBytes else { return }
        remove(key)
        while usedBytes + size > capacityBytes, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            remove(oldest)
        }
        tick += 1
        entries[key] = Entry(response: response, expires: now + Double(ttl), size: size, lastUsed: tick)
        usedBytes += size
    }

    mutating func remove(_ key: CacheKey) {
        if let entry = entries.removeValue(forKey: key) { usedBytes -= entry.size }
    }

    mutating func flush() {
        entries.removeAll()
        usedBytes = 0
    }
}
