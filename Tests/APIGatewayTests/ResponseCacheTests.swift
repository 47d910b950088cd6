import HTTPCore
import Testing

@testable import APIGateway

/// The stage cache's own rules: TTL, the size bound, least-recently-used eviction, counters.
@Suite("ResponseCache")
struct ResponseCacheTests {
    static func key(_ value: String) -> CacheKey {
        CacheKey(base: HashedName("items-id|method.request.path.ID"), request: "GET\u{1}" + value)
    }

    static func response(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    /// The bytes an entry of `response(text)` under `key(value)` counts against the capacity.
    static func size(_ value: String, _ text: String) -> Int {
        let key = key(value), response = response(text)
        return response.body.count + 64 + key.byteCount + response.headers.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    }

    @Test("a hit within the TTL, a miss after it; counters follow")
    func ttl() {
        var cache = ResponseCache(capacityBytes: 1_000_000)
        cache.store(Self.key("1"), Self.response("one"), ttl: 300, now: 1000)
        #expect(cache.lookup(Self.key("1"), now: 1299.9)?.bodyText == "one")
        #expect(cache.lookup(Self.key("1"), now: 1300) == nil)  // expired: gone
        #expect(cache.lookup(Self.key("2"), now: 1000) == nil)
        #expect(cache.hits == 1)
        #expect(cache.misses == 2)
        #expect(cache.entries.isEmpty)
        #expect(cache.usedBytes == 0)
    }

    @Test("over the size bound, the least recently used entries go first")
    func evictsLeastRecentlyUsed() {
        let each = Self.size("1", "xxxxxxxxxx")
        var cache = ResponseCache(capacityBytes: each * 3)
        for id in ["1", "2", "3"] { cache.store(Self.key(id), Self.response("xxxxxxxxxx"), ttl: 300, now: 0) }
        #expect(cache.keysByRecency == [Self.key("1"), Self.key("2"), Self.key("3")])
        _ = cache.lookup(Self.key("1"), now: 1)  // 1 becomes the most recent; 2 is now the oldest
        cache.store(Self.key("4"), Self.response("xxxxxxxxxx"), ttl: 300, now: 2)
        #expect(cache.lookup(Self.key("2"), now: 3) == nil)
        #expect(cache.keysByRecency == [Self.key("3"), Self.key("1"), Self.key("4")])
        #expect(cache.usedBytes == each * 3)
        // Replacing an entry keeps one copy and makes it the most recent.
        cache.store(Self.key("3"), Self.response("yyyyyyyyyy"), ttl: 300, now: 4)
        #expect(cache.keysByRecency == [Self.key("1"), Self.key("4"), Self.key("3")])
        #expect(cache.lookup(Self.key("3"), now: 5)?.bodyText == "yyyyyyyyyy")
        // A larger entry evicts as many as it needs.
        cache.store(Self.key("big"), Self.response(String(repeating: "z", count: each * 2 - Self.size("big", "") )), ttl: 300, now: 6)
        #expect(cache.keysByRecency == [Self.key("3"), Self.key("big")])
        #expect(cache.usedBytes <= each * 3)
    }

    @Test("too large for the cache, or over 1 MB, or no TTL: not stored")
    func refusals() {
        var cache = ResponseCache(capacityBytes: 2_000_000)
        cache.store(Self.key("1"), Self.response(String(repeating: "a", count: ResponseCache.maximumEntryBytes + 1)), ttl: 300, now: 0)
        cache.store(Self.key("2"), Self.response("b"), ttl: 0, now: 0)
        var small = ResponseCache(capacityBytes: 10)
        small.store(Self.key("3"), Self.response("c"), ttl: 300, now: 0)
        #expect(cache.entries.isEmpty)
        #expect(small.entries.isEmpty)
    }

    @Test("flush empties the cache and keeps the counters; the list starts afresh")
    func flush() {
        var cache = ResponseCache(capacityBytes: 1_000_000)
        for id in 0..<1000 { cache.store(Self.key(String(id)), Self.response("v"), ttl: 300, now: 0) }
        _ = cache.lookup(Self.key("5"), now: 1)
        cache.flush()
        #expect(cache.entries.isEmpty && cache.usedBytes == 0 && cache.keysByRecency.isEmpty)
        #expect(cache.hits == 1)
        cache.store(Self.key("x"), Self.response("v"), ttl: 300, now: 2)
        #expect(cache.keysByRecency == [Self.key("x")])
    }

    @Test("a full cache stays bounded and consistent through many distinct keys")
    func churn() {
        let each = Self.size("00000", "payload")
        var cache = ResponseCache(capacityBytes: each * 100)
        for id in 0..<20_000 {
            let name = String(id + 10_000)
            cache.store(Self.key(name), Self.response("payload"), ttl: 300, now: Double(id))
            if id % 7 == 0 { _ = cache.lookup(Self.key(String(id + 10_000 - 50)), now: Double(id)) }
        }
        #expect(cache.entries.count == 100)
        #expect(cache.keysByRecency.count == 100)
        #expect(Set(cache.keysByRecency.map(\.request)) == Set(cache.entries.keys.map(\.request)))
        #expect(cache.usedBytes == each * 100)
    }
}
