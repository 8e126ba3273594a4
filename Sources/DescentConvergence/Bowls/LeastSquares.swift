// Least squares as a bowl: E(w) = (1/2N) Σₙ (xₙᵀw − tₙ)², whose Hessian is
// H = XᵀX/N (LeCun et al. 1998, §5: the Hessian of a linear unit is the input
// second-moment matrix), plus its mini-batch stochastic gradients (§5 of THEORY.md).
//
// Design note. Preprocessing is part of the problem, because that is the
// point of LeCun's §4.3: raw inputs give H = Σ + mmᵀ (an outlier of order
// ‖m‖²), centring gives the covariance Σ, standardizing the correlation
// matrix. Constant columns are dropped by default (they make H singular in
// every preprocessing, which hides the effect being measured). The minimizer
// is the minimum-norm solution, so a singular H is allowed.

import DescentLinalg

/// A least-squares problem and its quadratic bowl.
public struct LeastSquaresProblem: Sendable {
    /// How the inputs are transformed before H = XᵀX/N is formed.
    public enum Preprocessing: String, Sendable, Hashable, Codable, CaseIterable {
        /// The inputs as given: H = Σ + mmᵀ.
        case raw
        /// Each column minus its mean: H = Σ, the covariance.
        case centered
        /// Each column minus its mean, divided by its (population) standard deviation: H = the correlation matrix.
        case standardized
    }

    /// How a mini-batch of m examples is drawn.
    public enum Sampling: String, Sendable, Hashable, Codable {
        /// m independent uniform draws: Cov = Σ₁/m.
        case withReplacement
        /// A uniform random m-subset (one batch of a shuffle-and-split epoch): Cov = (Σ₁/m)·(N − m)/(N − 1).
        case withoutReplacement
    }

    /// X, N×p after preprocessing (and with the bias column of ones last when `intercept` is on).
    public let features: Matrix<Double>
    /// t, N×1.
    public let targets: Matrix<Double>
    /// The preprocessing applied.
    public let preprocessing: Preprocessing
    /// Whether a column of ones was appended (a bias weight).
    public let intercept: Bool
    /// Indices (in the input) of the columns dropped because they were constant.
    public let droppedColumns: [Int]
    /// The bowl: H = XᵀX/N, w* the minimum-norm least-squares solution, E* = E(w*).
    public let bowl: QuadraticBowl

    /// N, the number of examples.
    public var count: Int { features.rows }

    /// Builds the problem from N×p inputs and N targets.
    ///
    /// - Parameters:
    ///   - features: N×p inputs, N ≥ 1.
    ///   - targets: N×1 targets.
    ///   - preprocessing: raw, centred or standardized columns.
    ///   - intercept: append a column of ones (after preprocessing).
    ///   - dropConstantColumns: drop columns whose values are all equal (default `true`).
    /// - Throws: `ConvergenceError.invalidProblem` for mismatched shapes, no
    ///   examples, NaN/∞ (naming row and column) or no column left;
    ///   `.linearAlgebra` if the eigen-decomposition fails.
    public init(
        features: Matrix<Double>, targets: Matrix<Double>, preprocessing: Preprocessing = .raw,
        intercept: Bool = false, dropConstantColumns: Bool = true
    ) throws(ConvergenceError) {
        let n = features.rows
        guard n >= 1 else { throw .invalidProblem("least squares needs at least one example, got none") }
        guard targets.rows == n, targets.columns == 1 else {
            throw .invalidProblem("targets must be \(n)×1 (one per example), got \(targets.shapeDescription)")
        }
        if let bad = features.firstNonFiniteElement() {
            throw .invalidProblem("feature at row \(bad.row + 1), column \(bad.column + 1) is \(bad.value); remove or impute it first")
        }
        if let bad = targets.firstNonFiniteElement() {
            throw .invalidProblem("target at row \(bad.row + 1) is \(bad.value); remove or impute it first")
        }
        let means = features.mean(alongAxis: 0)
        var kept: [Int] = []
        var dropped: [Int] = []
        for j in 0..<features.columns {
            let constant = (0..<n).allSatisfy { features[$0, j] == features[0, j] }
            if constant && dropConstantColumns { dropped.append(j) } else { kept.append(j) }
        }
        guard !kept.isEmpty || intercept else {
            throw .invalidProblem("every feature column is constant; there is nothing to fit")
        }
        let deviations = kept.map { j in
            ((0..<n).reduce(0.0) { $0 + (features[$1, j] - means[0, j]) * (features[$1, j] - means[0, j]) } / Double(n))
                .squareRoot()
        }
        let p = kept.count + (intercept ? 1 : 0)
        let x = Matrix<Double>(rows: n, columns: p) { i, k in
            guard k < kept.count else { return 1 }
            let j = kept[k]
            switch preprocessing {
            case .raw: return features[i, j]
            case .centered: return features[i, j] - means[0, j]
            case .standardized:
                return deviations[k] > 0 ? (features[i, j] - means[0, j]) / deviations[k] : 0
            }
        }
        self.features = x
        self.targets = targets
        self.preprocessing = preprocessing
        self.intercept = intercept
        self.droppedColumns = dropped
        let scale = 1 / Double(n)
        let hessian = syrk(x, transposing: true, alpha: scale).symmetrized()
        let moment = gemv(x, targets, transposing: true, alpha: scale)  // Xᵀt/N
        let eigen: SymmetricEigen<Double>
        do { eigen = try SymmetricEigen(of: hessian) } catch { throw .linearAlgebra(error) }
        // Minimum-norm solution: w* = Σ_{λᵢ > tol} uᵢ (uᵢᵀ b)/λᵢ.
        let vectors = eigen.vectors!
        let projections = gemv(vectors, moment, transposing: true).elements
        let cutoff = (eigen.values.last.map { abs($0) } ?? 0) * Double(p) * .ulpOfOne
        let scaled = zip(projections, eigen.values).map { c, λ in λ > cutoff ? c / λ : 0 }
        let minimizer = gemv(vectors, Matrix(column: scaled))
        let residual = gemv(x, minimizer) - targets
        let minimum = 0.5 * scale * dot(residual, residual)
        self.bowl = try QuadraticBowl(
            hessian: hessian, eigenvalues: eigen.values, eigenvectors: vectors, minimizer: minimizer,
            minimumValue: minimum)
    }

    // MARK: - Stochastic gradients

    /// The per-example gradients gₙ(w) = xₙ(xₙᵀw − tₙ), one per row (N×p).
    public func perExampleGradients(at w: Matrix<Double>) -> Matrix<Double> {
        let residuals = gemv(features, w) - targets
        return Matrix(rows: count, columns: features.columns) { i, j in features[i, j] * residuals[i, 0] }
    }

    /// The mean gradient over the examples `indices` (repeats allowed): (1/m) Σ_{n ∈ batch} gₙ(w).
    /// - Precondition: `indices` is not empty and every index is below N.
    public func gradient(at w: Matrix<Double>, over indices: [Int]) -> Matrix<Double> {
        precondition(!indices.isEmpty, "gradient(at:over:): an empty batch has no gradient")
        let batch = Matrix<Double>(rows: indices.count, columns: features.columns) { i, j in features[indices[i], j] }
        let batchTargets = Matrix<Double>(column: indices.map { targets[$0, 0] })
        let residuals = gemv(batch, w) - batchTargets
        return gemv(batch, residuals, transposing: true, alpha: 1 / Double(indices.count))
    }

    /// A mini-batch gradient of m examples drawn with `generator`.
    /// - Throws: `ConvergenceError.invalidParameter` when m < 1, or m > N without replacement.
    public func stochasticGradient<G: RandomNumberGenerator>(
        at w: Matrix<Double>, batchSize m: Int, sampling: Sampling, using generator: inout G
    ) throws(ConvergenceError) -> Matrix<Double> {
        try gradient(at: w, over: batchIndices(size: m, sampling: sampling, using: &generator))
    }

    /// The indices of one mini-batch of m examples.
    /// - Throws: `ConvergenceError.invalidParameter` when m < 1, or m > N without replacement.
    public func batchIndices<G: RandomNumberGenerator>(
        size m: Int, sampling: Sampling, using generator: inout G
    ) throws(ConvergenceError) -> [Int] {
        let n = count
        try require(Double(m), "batch size", "at least 1") { $0 >= 1 }
        switch sampling {
        case .withReplacement:
            return (0..<m).map { _ in Int.random(in: 0..<n, using: &generator) }
        case .withoutReplacement:
            try require(Double(m), "batch size", "at most N = \(n) without replacement") { Int($0) <= n }
            var pool = Array(0..<n)
            for i in 0..<m { pool.swapAt(i, Int.random(in: i..<n, using: &generator)) }  // partial Fisher–Yates
            return Array(pool[0..<m])
        }
    }

    /// Σ₁(w) = (1/N) Σₙ (gₙ − ∇E)(gₙ − ∇E)ᵀ, the covariance of one example's gradient.
    public func perExampleGradientCovariance(at w: Matrix<Double>) -> Matrix<Double> {
        let gradients = perExampleGradients(at: w)
        let mean = gradients.mean(alongAxis: 0)
        let centered = Matrix<Double>(rows: count, columns: features.columns) { i, j in gradients[i, j] - mean[0, j] }
        return syrk(centered, transposing: true, alpha: 1 / Double(count))
    }
}
