// Dataset+Splitting: seeded training / validation / test splits, optionally
// stratified by class.
//
// Design note. Goals, in order: (1) the three parts are disjoint and cover
// every example; (2) a seed gives the same split on every platform (our own
// Fisher–Yates on xoshiro256**, see SeededPermutation.swift); (3) a
// stratified split gives each class its share of every part to within one
// example, with the part sizes equal to the unstratified ones.
//
// Sizes: n_train = round(N·f_train), n_val = round(N·f_val) (at most what is
// left), n_test = N − n_train − n_val; halves round away from zero.
// Stratification: class c (n_c examples) should put x_cs = n_c·n_s/N examples
// in part s. Each count is rounded down or up so that every class total is
// n_c and every part total is n_s; such a rounding always exists (the x_cs
// are a fractional flow between classes and parts; integral flows exist
// whenever fractional ones do), and a small augmenting-path search finds it.

import DescentLinalg

/// A data set cut into training, validation and test parts.
///
/// Each part keeps its examples in their original relative order; the
/// `…Indices` arrays say which examples of the original data set each part
/// holds (ascending, from 0).
public struct DatasetSplits<Scalar: BLASScalar>: Sendable, Equatable {
    /// The examples to fit the parameters on.
    public var training: Dataset<Scalar>
    /// The examples to choose hyperparameters and stop early on (may be empty).
    public var validation: Dataset<Scalar>
    /// The examples held out for the final estimate (may be empty).
    public var test: Dataset<Scalar>
    /// The original positions of ``training``'s examples, ascending.
    public let trainingIndices: [Int]
    /// The original positions of ``validation``'s examples, ascending.
    public let validationIndices: [Int]
    /// The original positions of ``test``'s examples, ascending.
    public let testIndices: [Int]
}

extension Dataset {
    // MARK: - Splitting

    /// Splits the examples at random into training, validation and test
    /// parts; the test part takes what the other two leave.
    ///
    /// n_train = round(N·`trainingFraction`), n_val = round(N·`validationFraction`)
    /// (capped at N − n_train), n_test = N − n_train − n_val. When the two
    /// fractions add up to 1 the test part is empty.
    ///
    /// ```swift
    /// let splits = try digits.split(trainingFraction: 0.7, validationFraction: 0.15, seed: 1, stratified: true)
    /// // 1258 / 270 / 269 examples, each class within one example of its share in every part
    /// ```
    /// - Parameters:
    ///   - trainingFraction: in (0, 1].
    ///   - validationFraction: in [0, 1); `trainingFraction + validationFraction` ≤ 1.
    ///   - seed: the same seed gives the same split on every platform.
    ///   - stratified: whether every class gets its share of each part: with
    ///     n_c examples of class c, part s holds ⌊n_c·n_s/N⌋ or ⌈n_c·n_s/N⌉ of them.
    /// - Throws: ``DatasetError/invalidFraction(name:value:requirement:)`` for a
    ///   fraction outside its range, NaN, or a sum above 1;
    ///   ``DatasetError/needsLabels(operation:)`` for a stratified split of a regression data set.
    /// - Complexity: O(N·(d + k)): one shuffle and one copy of the data.
    public func split(
        trainingFraction: Double, validationFraction: Double = 0, seed: UInt64, stratified: Bool = false
    ) throws(DatasetError) -> DatasetSplits<Scalar> {
        let sizes = try Self.splitSizes(count: count, training: trainingFraction, validation: validationFraction)
        var generator = Xoshiro256StarStar(seed: seed)
        var parts: [[Int]] = [[], [], []]
        if stratified {
            guard let labels, let classCounts else { throw .needsLabels(operation: "a stratified split") }
            var members = [[Int]](repeating: [], count: classCounts.count)
            for (index, label) in labels.enumerated() { members[label].append(index) }
            let allocation = stratifiedAllocation(classSizes: classCounts, partSizes: sizes)
            for (label, var indices) in members.enumerated() {
                SeededPermutation.shuffle(&indices, using: &generator)
                var start = 0
                for part in 0..<3 {
                    let end = start + allocation[label][part]
                    parts[part] += indices[start..<end]
                    start = end
                }
            }
        } else {
            let order = SeededPermutation.permutation(count: count, using: &generator)
            parts[0] = Array(order[0..<sizes[0]])
            parts[1] = Array(order[sizes[0]..<sizes[0] + sizes[1]])
            parts[2] = Array(order[(sizes[0] + sizes[1])...])
        }
        for part in 0..<3 { parts[part].sort() }
        return DatasetSplits(
            training: subset(parts[0]), validation: subset(parts[1]), test: subset(parts[2]),
            trainingIndices: parts[0], validationIndices: parts[1], testIndices: parts[2])
    }

    /// [n_train, n_val, n_test] for `count` examples, after checking the fractions.
    static func splitSizes(count: Int, training: Double, validation: Double) throws(DatasetError) -> [Int] {
        guard training > 0 && training <= 1 else {
            throw .invalidFraction(name: "trainingFraction", value: training, requirement: "in (0, 1]")
        }
        guard validation >= 0 && validation < 1 else {
            throw .invalidFraction(name: "validationFraction", value: validation, requirement: "in [0, 1)")
        }
        // A little slack so that fractions written as decimals (0.7 + 0.2 + 0.1) are not refused for rounding.
        let slack = 1e-9
        let sum = training + validation
        guard sum <= 1 + slack else {
            throw .invalidFraction(
                name: "trainingFraction + validationFraction", value: sum,
                requirement: "at most 1 (the test part takes the rest)")
        }
        let trainingCount = min(Int((Double(count) * training).rounded()), count)
        let validationCount =
            sum >= 1 - slack ? count - trainingCount : min(Int((Double(count) * validation).rounded()), count - trainingCount)
        return [trainingCount, validationCount, count - trainingCount - validationCount]
    }
}

// MARK: - Stratified allocation

/// Example counts a[c][s] of each class c in each part s, with
/// a[c][s] ∈ {⌊n_c·n_s/N⌋, ⌈n_c·n_s/N⌉}, Σ_s a[c][s] = n_c and Σ_c a[c][s] = n_s.
///
/// Starts from the floors; each class then owes r_c = n_c − Σ_s ⌊·⌋ further
/// examples and each part wants q_s = n_s − Σ_c ⌊·⌋, to be placed one per
/// (class, part) cell whose quota is fractional. That is a bipartite
/// b-matching, solved by augmenting paths (Ford–Fulkerson); the quotas
/// themselves are a fractional solution, so an integral one exists.
/// Quotas are compared in integers (n_c·n_s mod N), so there is no rounding.
/// - Precondition: Σ classSizes = Σ partSizes.
func stratifiedAllocation(classSizes: [Int], partSizes: [Int]) -> [[Int]] {
    let total = classSizes.reduce(0, +)
    precondition(total == partSizes.reduce(0, +), "stratifiedAllocation: class and part sizes have different totals")
    guard total > 0 else { return classSizes.map { _ in partSizes.map { _ in 0 } } }
    var allocation = classSizes.map { size in partSizes.map { size * $0 / total } }
    let canRoundUp = classSizes.map { size in partSizes.map { size * $0 % total != 0 } }
    var roundedUp = classSizes.map { _ in partSizes.map { _ in false } }
    var partNeeds = partSizes.indices.map { part in partSizes[part] - allocation.reduce(0) { $0 + $1[part] } }

    /// Finds room for one more example of `owner`, moving other classes' extra examples along the way.
    func augment(from owner: Int, visited: inout [Bool]) -> Bool {
        for part in partSizes.indices where canRoundUp[owner][part] && !roundedUp[owner][part] && !visited[part] {
            visited[part] = true
            if partNeeds[part] > 0 {
                partNeeds[part] -= 1
                roundedUp[owner][part] = true
                return true
            }
            // The part is full: let a class holding an extra example here place it elsewhere.
            for other in classSizes.indices where roundedUp[other][part] {
                if augment(from: other, visited: &visited) {
                    roundedUp[other][part] = false
                    roundedUp[owner][part] = true
                    return true
                }
            }
        }
        return false
    }

    for owner in classSizes.indices {
        let owed = classSizes[owner] - allocation[owner].reduce(0, +)
        for _ in 0..<owed {
            var visited = [Bool](repeating: false, count: partSizes.count)
            let placed = augment(from: owner, visited: &visited)
            precondition(placed, "stratifiedAllocation: no rounding found (a Descent bug; please report it)")
        }
    }
    for owner in classSizes.indices {
        for part in partSizes.indices where roundedUp[owner][part] { allocation[owner][part] += 1 }
    }
    return allocation
}
