import HTTPCore

/// What a cached response is filed under: the method's cache namespace and key parameter
/// names (`items-id|method.request.path.ID`), then the HTTP method and the parameter values.
struct CacheKey: Hashable, Sendable {
    /// Shared by every request to the method, hashed once per method: a lookup hashes only
    /// `request`.
    let base: HashedName
    /// The HTTP method and the parameter values (`GET`, U+0001, `3`).
    let request: String

    var byteCount: Int { base.text.utf8.count + request.utf8.count }
}

/// A stage's response cache: entries expire after their TTL, the total size is bounded by the
/// cluster size, and the least recently used entries are evicted first (a recency list: a hit,
/// a store and an eviction are each a constant number of steps). Counts hits and misses.
struct ResponseCache: Sendable {
    /// One cached response, linked to its neighbours in recency order. A reference, so that a
    /// hit reads it and moves it in place; changed only through the cache, which its owner keeps
    /// behind a lock.
    final class Entry: @unchecked Sendable {
        let key: CacheKey
        let response: HTTPResponse
        let expires: Double
        let size: Int
        /// Neighbours in the recency list. Unowned: `entries` keeps every entry alive, and an
        /// entry leaves the list before it leaves `entries` (no chain of references to free).
        unowned(unsafe) var older: Entry?
        unowned(unsafe) var newer: Entry?

        init(key: CacheKey, response: HTTPResponse, expires: Double, size: Int) {
            self.key = key
            self.response = response
            self.expires = expires
            self.size = size
        }
    }

    /// The largest cacheable response (1 MB).
    static let maximumEntryBytes = 1_048_576

    let capacityBytes: Int
    private(set) var entries: [CacheKey: Entry] = [:]
    private(set) var usedBytes = 0
    /// Ends of the recency list: the next to evict, and the last used.
    private unowned(unsafe) var oldest: Entry?
    private unowned(unsafe) var newest: Entry?
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
        if entry !== newest {
            unlink(entry)
            append(entry)
        }
        hits += 1
        return entry.response
    }

    mutating func store(_ key: CacheKey, _ response: HTTPResponse, ttl: Int, now: Double) {
        let size = response.body.count + response.headers.fields.reduce(64 + key.byteCount) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard ttl > 0, response.body.count <= ResponseCache.maximumEntryBytes, size <= capacityBytes else { return }
        remove(key)
        while usedBytes + size > capacityBytes, let victim = oldest { remove(victim.key) }
        let entry = Entry(key: key, response: response, expires: now + Double(ttl), size: size)
        entries[key] = entry
        append(entry)
        usedBytes += size
    }

    mutating func remove(_ key: CacheKey) {
        guard let entry = entries[key] else { return }
        unlink(entry)
        entries.removeValue(forKey: key)
        usedBytes -= entry.size
    }

    mutating func flush() {
        oldest = nil
        newest = nil
        entries.removeAll()
        usedBytes = 0
    }

    /// Keys from the least to the most recently used (for tests and diagnostics).
    var keysByRecency: [CacheKey] {
        var keys: [CacheKey] = []
        var current = oldest
        while let entry = current {
            keys.append(entry.key)
            current = entry.newer
        }
        return keys
    }

    private mutating func append(_ entry: Entry) {
        entry.older = newest
        entry.newer = nil
        if let last = newest { last.newer = entry } else { oldest = entry }
        newest = entry
    }

    private mutating func unlink(_ entry: Entry) {
        if let older = entry.older { older.newer = entry.newer } else { oldest = entry.newer }
        if let newer = entry.newer { newer.older = entry.older } else { newest = entry.older }
        entry.older = nil
        entry.newer = nil
    }
}
