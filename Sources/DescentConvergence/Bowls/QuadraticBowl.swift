// QuadraticBowl: E(w) = E* + ½ (w − w*)ᵀ H (w − w*), the model problem of
// every convergence result in the notes (S0 "Convergence", S4 "Conditioning").
//
// Design note. A bowl keeps its eigen-decomposition H = U·diag(λ)·Uᵀ next to
// H, because every prediction is made in eigen-coordinates αᵢ = uᵢᵀ(w − w*).
// A bowl built from a prescribed spectrum keeps the prescribed λ and U (no
// decomposition, no rounding from LAPACK); a bowl built from a matrix is
// decomposed once with `syevd`. Parameters are a single d×1 column, so any
// `Optimizer` of DescentOptimizers runs on a bowl as `[w]`.

import DescentLinalg

/// The quadratic E(w) = E* + ½ (w − w*)ᵀ H (w − w*) with H symmetric.
///
/// ```swift
/// let bowl = try QuadraticBowl(dimension: 100, conditionNumber: 1e3, shape: .logUniform, basis: .random(seed: 1))
/// bowl.gradient(at: w)            // H(w − w*)
/// bowl.eigenCoordinates(of: w)    // αᵢ = uᵢᵀ(w − w*)
/// ```
public struct QuadraticBowl: Sendable {
    /// H, d×d and symmetric.
    public let hessian: Matrix<Double>
    /// λ₁ ≤ … ≤ λ_d, the eigenvalues of H.
    public let eigenvalues: [Double]
    /// U, whose column i is the unit eigenvector uᵢ of `eigenvalues[i]`.
    public let eigenvectors: Matrix<Double>
    /// w*, a d×1 column (a minimizer when H is positive semidefinite).
    public let minimizer: Matrix<Double>
    /// E* = E(w*).
    public let minimumValue: Double

    /// d, the number of parameters.
    public var dimension: Int { eigenvalues.count }
    /// μ = λmin.
    public var smallestEigenvalue: Double { eigenvalues.first! }
    /// L = λmax.
    public var largestEigenvalue: Double { eigenvalues.last! }
    /// κ = L/μ (∞ when μ = 0; meaningless when H is indefinite — see ``isPositiveDefinite``).
    public var conditionNumber: Double { smallestEigenvalue == 0 ? .infinity : largestEigenvalue / smallestEigenvalue }
    /// Whether every eigenvalue is > 0 (the bowl has a unique minimum).
    public var isPositiveDefinite: Bool { smallestEigenvalue > 0 }

    /// The orthonormal basis of a bowl built from a spectrum.
    public enum Basis: Sendable, Hashable {
        /// U = I: H is diagonal (an axis-aligned bowl).
        case axisAligned
        /// A Haar-random orthogonal U drawn with `Xoshiro256StarStar(seed:)`: a rotated bowl.
        case random(seed: UInt64)
    }

    // MARK: - Building

    /// A bowl with the given eigenvalues and orthonormal eigenvectors (columns of `eigenvectors`).
    /// - Throws: `ConvergenceError.invalidProblem` when shapes disagree or the
    ///   basis is not orthonormal to 1e-10; `.linearAlgebra` for a non-finite eigenvalue.
    public init(
        eigenvalues: [Double], eigenvectors: Matrix<Double>, minimizer: Matrix<Double>? = nil, minimumValue: Double = 0
    ) throws(ConvergenceError) {
        let d = eigenvalues.count
        guard d >= 1 else { throw .invalidParameter(name: "dimension", value: 0, requirement: "at least 1") }
        guard eigenvectors.rows == d, eigenvectors.columns == d else {
            throw .invalidProblem("\(d) eigenvalues need a \(d)×\(d) basis, got \(eigenvectors.shapeDescription)")
        }
        let gram = gemm(eigenvectors, eigenvectors, transposingA: true)
        let deviation = gram.maxAbsoluteDifference(Matrix.identity(d))
        guard deviation <= 1e-10 else {
            throw .invalidProblem("the eigenvector basis is not orthonormal: UᵀU differs from I by \(deviation)")
        }
        let order = eigenvalues.indices.sorted { eigenvalues[$0] < eigenvalues[$1] }
        let sortedBasis = Matrix<Double>(rows: d, columns: d) { i, j in eigenvectors[i, order[j]] }
        let hessian: Matrix<Double>
        do { hessian = try Matrix.symmetric(eigenvalues: order.map { eigenvalues[$0] }, basis: sortedBasis) } catch {
            throw .linearAlgebra(error)
        }
        try self.init(
            hessian: hessian, eigenvalues: order.map { eigenvalues[$0] }, eigenvectors: sortedBasis,
            minimizer: minimizer, minimumValue: minimumValue)
    }

    /// A test bowl with a prescribed spectrum shape and condition number.
    /// - Parameters:
    ///   - dimension: d ≥ 1.
    ///   - conditionNumber: κ ≥ 1.
    ///   - shape: how the eigenvalues spread between μ and L = μκ.
    ///   - smallest: μ > 0 (1 by default).
    ///   - basis: axis-aligned or a seeded random rotation.
    ///   - minimizer: w* (zeros by default).
    /// - Throws: `ConvergenceError.invalidParameter` for values out of range.
    public init(
        dimension: Int, conditionNumber: Double, shape: SpectrumShape = .logUniform, smallest: Double = 1,
        basis: Basis = .random(seed: 0), minimizer: Matrix<Double>? = nil, minimumValue: Double = 0
    ) throws(ConvergenceError) {
        let values = try shape.eigenvalues(dimension: dimension, conditionNumber: conditionNumber, smallest: smallest)
        let vectors: Matrix<Double>
        switch basis {
        case .axisAligned:
            vectors = Matrix.identity(dimension)
        case let .random(seed):
            var generator = Xoshiro256StarStar(seed: seed)
            do { vectors = try Matrix.randomOrthogonal(dimension, using: &generator) } catch { throw .linearAlgebra(error) }
        }
        try self.init(eigenvalues: values, eigenvectors: vectors, minimizer: minimizer, minimumValue: minimumValue)
    }

    /// A bowl with Hessian `hessian`, decomposed with LAPACK (`syevd`).
    /// - Throws: `ConvergenceError.linearAlgebra` for a non-square, non-finite
    ///   or non-symmetric matrix (naming the entry) or a LAPACK failure;
    ///   `.invalidProblem` when `minimizer` is not d×1.
    public init(hessian: Matrix<Double>, minimizer: Matrix<Double>? = nil, minimumValue: Double = 0) throws(ConvergenceError) {
        let eigen: SymmetricEigen<Double>
        do { eigen = try SymmetricEigen(of: hessian) } catch { throw .linearAlgebra(error) }
        guard hessian.rows >= 1 else { throw .invalidParameter(name: "dimension", value: 0, requirement: "at least 1") }
        try self.init(
            hessian: hessian.symmetrized(), eigenvalues: eigen.values, eigenvectors: eigen.vectors!,
            minimizer: minimizer, minimumValue: minimumValue)
    }

    /// Reads H from a `.npy`, `.csv` or `.mtx` file and builds the bowl with w* = 0.
    /// - Throws: `ConvergenceError.linearAlgebra` with the file's problem, or the matrix's.
    public init(contentsOf path: String) throws(ConvergenceError) {
        let matrix: Matrix<Double>
        do { matrix = try Matrix<Double>.load(from: path) } catch let error as LinalgError {
            throw .linearAlgebra(error)
        } catch {
            throw .invalidProblem("cannot read \(path): \(error)")
        }
        try self.init(hessian: matrix)
    }

    /// The stored parts, checked for shape.
    init(
        hessian: Matrix<Double>, eigenvalues: [Double], eigenvectors: Matrix<Double>, minimizer: Matrix<Double>?,
        minimumValue: Double
    ) throws(ConvergenceError) {
        let d = eigenvalues.count
        let center = minimizer ?? Matrix(rows: d, columns: 1)
        guard center.rows == d, center.columns == 1 else {
            throw .invalidProblem("the minimizer must be a \(d)×1 column, got \(center.shapeDescription)")
        }
        guard center.isFinite, minimumValue.isFinite else {
            throw .invalidProblem("the minimizer and the minimum value must be finite")
        }
        self.hessian = hessian
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        self.minimizer = center
        self.minimumValue = minimumValue
    }

    // MARK: - Evaluation

    /// E(w) = E* + ½ (w − w*)ᵀ H (w − w*).
    public func value(at w: Matrix<Double>) -> Double {
        let e = w - minimizer
        return minimumValue + 0.5 * dot(e, gemv(hessian, e))
    }

    /// E(w) − E*, computed from the error so that it stays accurate near the minimum.
    public func excessValue(at w: Matrix<Double>) -> Double {
        let e = w - minimizer
        return 0.5 * dot(e, gemv(hessian, e))
    }

    /// ∇E(w) = H (w − w*), exact.
    public func gradient(at w: Matrix<Double>) -> Matrix<Double> {
        gemv(hessian, w - minimizer)
    }

    /// α = Uᵀ (w − w*): the error in each eigendirection, in the order of ``eigenvalues``.
    public func eigenCoordinates(of w: Matrix<Double>) -> [Double] {
        gemv(eigenvectors, w - minimizer, transposing: true).elements
    }

    /// The point w* + U·α with eigen-coordinates `coordinates`.
    /// - Precondition: `coordinates.count == dimension`.
    public func point(withEigenCoordinates coordinates: [Double]) -> Matrix<Double> {
        precondition(coordinates.count == dimension, "point(withEigenCoordinates:): \(coordinates.count) coordinates for dimension \(dimension)")
        return minimizer + gemv(eigenvectors, Matrix(column: coordinates))
    }

    /// ‖w − w*‖_H = √((w − w*)ᵀ H (w − w*)), the energy norm of the error (conjugate gradient's optimality norm).
    public func energyNorm(ofErrorAt w: Matrix<Double>) -> Double {
        (2 * excessValue(at: w)).squareRoot()
    }
}
