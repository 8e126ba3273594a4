// SymmetricOperator: a symmetric linear map on Rⁿ known only through products.
//
// Design note. Every spectrum tool (power iteration, Lanczos, Hutchinson,
// stochastic Lanczos quadrature) sees the Hessian as a function V ↦ H·V on
// blocks of columns, so the same code runs on an explicit matrix (one GEMM), on
// a network's exact Hessian-vector products (one forward-over-reverse sweep
// for k directions), or on a block of a Hessian. Products are counted, so
// every report can say how many Hessian-vector products it cost: the unit in
// which matrix-free methods are compared (PyHessian, Ghorbani et al. 2019).

import DescentAutograd
import DescentLinalg

/// A symmetric linear operator H on Rⁿ, given by its action on blocks of vectors.
///
/// ```swift
/// let h = try SymmetricOperator(matrix: Matrix([[2, 1], [1, 3]]))
/// let hv = h.apply(to: Matrix(column: [1, 0]))   // (2, 1)
/// print(h.productCount)                          // 1
/// ```
///
/// Copies share one product counter, so an operator handed to several tools
/// reports their total.
public struct SymmetricOperator {
    /// n, the dimension of the space (the operator is n×n).
    public let dimension: Int
    private let product: (Matrix<Double>) -> Matrix<Double>
    private let counter = ProductCounter()

    /// An operator from its action on blocks.
    ///
    /// - Parameters:
    ///   - dimension: n ≥ 0.
    ///   - product: maps an n×k block V (k ≥ 1) to H·V (n×k). It must be linear
    ///     and symmetric (uᵀ(Hv) = (Hu)ᵀv); nothing checks this.
    public init(dimension: Int, product: @escaping (Matrix<Double>) -> Matrix<Double>) {
        precondition(dimension >= 0, "SymmetricOperator: dimension \(dimension) is negative")
        self.dimension = dimension
        self.product = product
    }

    /// The operator V ↦ A·V of an explicit symmetric matrix (one GEMM per block).
    ///
    /// - Parameters:
    ///   - matrix: an n×n symmetric matrix.
    ///   - symmetryTolerance: the largest accepted |aᵢⱼ − aⱼᵢ| relative to max|aᵢⱼ|;
    ///     default √ε ≈ 1.5e-8. The matrix is used as given (not symmetrized).
    /// - Throws: ``SpectrumError/notSquare(rows:columns:)``,
    ///   ``SpectrumError/notSymmetric(row:column:difference:tolerance:)`` naming the worst pair.
    public init(matrix: Matrix<Double>, symmetryTolerance: Double = Double.ulpOfOne.squareRoot()) throws(SpectrumError) {
        guard matrix.isSquare else { throw .notSquare(rows: matrix.rows, columns: matrix.columns) }
        let asymmetry = Asymmetry(of: matrix)
        let allowed = symmetryTolerance * asymmetry.largestMagnitude
        if !(asymmetry.difference <= allowed) {
            throw .notSymmetric(
                row: asymmetry.row, column: asymmetry.column, difference: asymmetry.difference, tolerance: allowed)
        }
        self.init(dimension: matrix.rows) { block in matrix * block }
    }

    /// The operator of a network's (or any loss's) exact Hessian-vector products:
    /// one forward-over-reverse sweep per block, all k columns at once.
    public init(_ hessian: HessianOperator<Double>) {
        self.init(dimension: hessian.parameterCount) { block in hessian.apply(to: block) }
    }

    // MARK: - Products

    /// H·V for an n×k block V (k ≥ 1).
    /// - Precondition: `block.rows == dimension`, `block.columns ≥ 1`; the
    ///   product closure returns an n×k matrix.
    public func apply(to block: Matrix<Double>) -> Matrix<Double> {
        precondition(
            block.rows == dimension && block.columns >= 1,
            "SymmetricOperator.apply: the block is \(block.shapeDescription), need \(dimension)×k with k ≥ 1")
        let result = product(block)
        precondition(
            result.rows == dimension && result.columns == block.columns,
            "SymmetricOperator: the product returned \(result.shapeDescription) for a \(block.shapeDescription) block")
        counter.vectors += block.columns
        counter.applications += 1
        return result
    }

    /// The number of operator-vector products so far (a block of k columns counts k),
    /// over this operator and all its copies.
    public var productCount: Int { counter.vectors }

    /// The number of calls to ``apply(to:)`` so far (a block counts once).
    public var applicationCount: Int { counter.applications }
}

/// The shared, mutable product count of an operator and its copies.
private final class ProductCounter {
    var vectors = 0
    var applications = 0
}

// MARK: - Asymmetry

/// The largest |aᵢⱼ − aⱼᵢ| of a square matrix, where it occurs, and max|aᵢⱼ|.
struct Asymmetry {
    var difference = 0.0
    var row = 0
    var column = 0
    var largestMagnitude = 0.0

    /// Scans the upper triangle against the lower one, in 64×64 tiles so that the
    /// transposed reads stay in cache on large matrices.
    init(of matrix: Matrix<Double>) {
        let n = matrix.rows
        let tile = 64
        matrix.withUnsafeElements { a in
            for i0 in stride(from: 0, to: n, by: tile) {
                for j0 in stride(from: i0, to: n, by: tile) {
                    for i in i0..<min(i0 + tile, n) {
                        for j in max(j0, i)..<min(j0 + tile, n) {
                            let upper = a[i * n + j], lower = a[j * n + i]
                            largestMagnitude = max(largestMagnitude, abs(upper), abs(lower))
                            let gap = abs(upper - lower)
                            if gap > difference || (gap.isNaN && !difference.isNaN) { (difference, row, column) = (gap, i, j) }
                        }
                    }
                }
            }
        }
    }
}
