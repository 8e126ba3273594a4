// SeededPermutation: random permutations that are the same on every platform
// and every Swift version.
//
// Design note. The standard library's `shuffle(using:)` and
// `Int.random(in:using:)` do not promise a fixed algorithm, so a seed could
// give another order after a toolchain update, and a checkpointed run would
// no longer resume onto the same batches. Everything here is spelled out:
// - bounded integers: Lemire's multiply-and-reject method (Lemire, "Fast
//   random integer generation in an interval", ACM TOMACS 29(1), 2019), which
//   is exactly uniform and draws one 64-bit word except with probability < n/2⁶⁴;
// - shuffling: Durstenfeld's Fisher–Yates, i = n−1 down to 1, swapping i with
//   a uniform j ∈ 0…i;
// - per-epoch streams: the seed and the epoch are mixed by SplitMix64's
//   finalizer, seed ⊕ (epoch·φ·2⁶⁴) → mix64, before seeding xoshiro256**, so
//   epoch e's order depends on (seed, e) alone and neighbouring epochs (or
//   seeds) give unrelated streams rather than shifted copies of one.
// scripts/dataset_permutations.py reimplements all of it in Python; the tests
// compare with its output.

import DescentLinalg

/// Seeded, platform-independent permutations.
enum SeededPermutation {
    /// 2⁶⁴/φ rounded to odd: the golden-ratio increment of SplitMix64.
    static let goldenGamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// SplitMix64's output function: a bijection of 64-bit words that
    /// scatters nearby inputs (Steele, Lea & Flood, OOPSLA 2014).
    static func mix64(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The generator for one epoch: a function of (seed, epoch) alone.
    static func generator(seed: UInt64, epoch: Int) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: mix64(seed ^ (UInt64(bitPattern: Int64(epoch)) &* goldenGamma)))
    }

    /// A uniform integer in 0..<bound (Lemire's method).
    /// - Precondition: `bound` ≥ 1.
    static func uniformIndex(below bound: Int, using generator: inout Xoshiro256StarStar) -> Int {
        precondition(bound >= 1, "uniformIndex(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = generator.next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range  // 2⁶⁴ mod range: the low words that would bias the draw
            while product.low < threshold {
                product = generator.next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `values` in place (Fisher–Yates); n − 1 draws for n values.
    static func shuffle(_ values: inout [Int], using generator: inout Xoshiro256StarStar) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = uniformIndex(below: i + 1, using: &generator)
            values.swapAt(i, j)
        }
    }

    /// A uniformly random permutation of 0..<count.
    static func permutation(count: Int, using generator: inout Xoshiro256StarStar) -> [Int] {
        var values = Array(0..<count)
        shuffle(&values, using: &generator)
        return values
    }
}
