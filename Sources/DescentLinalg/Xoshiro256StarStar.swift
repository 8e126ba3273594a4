// Xoshiro256StarStar: the seedable generator behind every random draw in Descent.
//
// Design note. Goals: the same seed gives the same numbers on every machine and
// every run; fast (a few shifts and a multiply per 64 bits); good enough
// statistically for initializers, shuffling and probes (it passes BigCrush).
// The 256-bit state is filled from the 64-bit seed with SplitMix64, as the
// authors recommend, so nearby seeds give unrelated streams.
// Source: Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 47(4), 2021; reference code at prng.di.unimi.it.

import RealModule

/// The xoshiro256** pseudorandom generator, seeded with a 64-bit integer.
///
/// ```swift
/// var generator = Xoshiro256StarStar(seed: 42)
/// let w = Matrix<Float>.randomNormal(rows: 784, columns: 100, standardDeviation: 0.05, using: &generator)
/// ```
/// Not for cryptography.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.state.0 == rhs.state.0 && lhs.state.1 == rhs.state.1
            && lhs.state.2 == rhs.state.2 && lhs.state.3 == rhs.state.3
    }
}

extension UInt64 {
    @inlinable
    func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

// MARK: - Sampling

extension RandomNumberGenerator {
    /// A uniform draw from (0, 1] with 53 random bits (never 0, so its logarithm is finite).
    @inlinable
    mutating func nextUnitIntervalExcludingZero() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Two independent standard normal draws (Box–Muller transform).
    ///
    /// Box–Muller is exact (no rejection), so every call consumes exactly two
    /// 64-bit outputs: streams stay aligned whatever the values.
    /// Reproducibility: the 64-bit stream and uniform draws are bit-identical
    /// everywhere; normal draws go through the C library's `log`, `sin` and
    /// `cos`, so they are bit-identical on one platform (Linux/glibc here) and
    /// may differ in the last bit between C libraries.
    /// Source: Box & Muller, Ann. Math. Stat. 29(2), 1958.
    @inlinable
    public mutating func nextStandardNormalPair() -> (Double, Double) {
        let radius = (-2 * Double.log(nextUnitIntervalExcludingZero())).squareRoot()
        let angle = 2 * Double.pi * nextUnitIntervalExcludingZero()
        return (radius * Double.cos(angle), radius * Double.sin(angle))
    }
}
