#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: a small seeded random-number generator for the tests, so that a randomised run
/// that fails can be replayed from the seed it printed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The current state (the seed, to begin with).
    public var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seed of a randomised test: `TEST_SEED` from the environment when set (to replay a
/// failure), else a fresh random one. Put it in every expectation's message, so that a failure
/// prints it: `"seed \(seed) (TEST_SEED=\(seed) replays it)"`.
public enum TestSeed {
    /// The seed for this run.
    public static func value() -> UInt64 {
        if let text = getEnvironment("TEST_SEED"), let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }

    private static func getEnvironment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
