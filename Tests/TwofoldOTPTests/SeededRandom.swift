import Foundation

/// SplitMix64: a tiny, reproducible generator for randomized tests.
///
/// The seed comes from `TWOFOLD_TEST_SEED` when set, so a failure seen in CI can be
/// replayed; failures print the seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The default seed for randomized tests, overridable from the environment.
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["TWOFOLD_TEST_SEED"].flatMap { UInt64($0) } ?? 0x7F0F_A11D_2F4C_0DE5
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
