import APIModel

/// A token bucket: `burstLimit` tokens, refilled at `rateLimit` per second.
struct TokenBucket: Sendable {
    var tokens: Double
    var updated: Double
    let settings: ThrottleSettings

    init(settings: ThrottleSettings, now: Double) {
        self.settings = settings
        tokens = Double(settings.burstLimit)
        updated = now
    }

    /// Takes one token if there is one.
    mutating func take(now: Double) -> Bool {
        let elapsed = max(0, now - updated)
        tokens = min(Double(settings.burstLimit), tokens + elapsed * settings.rateLimit)
        updated = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
