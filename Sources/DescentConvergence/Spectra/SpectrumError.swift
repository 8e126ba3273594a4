// SpectrumError: what the Hessian spectrum tools report instead of trapping.

import DescentLinalg

/// A problem with the input of a spectrum tool (power iteration, Lanczos,
/// Hutchinson, stochastic Lanczos quadrature, network Hessians), with the
/// values a person needs to fix it.
public enum SpectrumError: Error, Equatable, Sendable {
    /// An explicit operator matrix is not square.
    case notSquare(rows: Int, columns: Int)
    /// An explicit operator matrix is not symmetric: the worst pair (row, column),
    /// its difference |aᵢⱼ − aⱼᵢ|, and the accepted difference.
    case notSymmetric(row: Int, column: Int, difference: Double, tolerance: Double)
    /// An option is outside its range (`name` = `value`, which must satisfy `requirement`).
    case invalidOption(name: String, value: String, requirement: String)
    /// A given start vector (or deflation vector) does not have the operator's shape n×1.
    case vectorShape(expected: Int, rows: Int, columns: Int)
    /// A given start vector is zero, or contains NaN or ±∞.
    case unusableStartVector(reason: String)
    /// The operator returned NaN or ±∞ (`what` names the product, e.g. "H·q at Lanczos step 3").
    case nonFiniteProduct(what: String)
    /// LAPACK failed on a tridiagonal or dense eigenproblem.
    case eigensolver(LinalgError)
    /// The exact P×P Hessian would need `bytes` bytes, more than `limit`; nothing was allocated.
    case hessianTooLarge(parameterCount: Int, bytes: Int, limit: Int)
    /// The data cannot feed the model: no examples, or shapes that disagree.
    case incompatibleData(String)
}

extension SpectrumError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .notSquare(rows, columns):
            return "a symmetric operator needs a square matrix, got \(rows)×\(columns)"
        case let .notSymmetric(row, column, difference, tolerance):
            return "the matrix is not symmetric: |a[\(row), \(column)] − a[\(column), \(row)]| = \(difference) "
                + "(indices from 0) exceeds \(tolerance); pass a symmetric matrix, or symmetrize it with symmetrized()"
        case let .invalidOption(name, value, requirement):
            return "\(name) = \(value) is not allowed: \(requirement)"
        case let .vectorShape(expected, rows, columns):
            return "the vector is \(rows)×\(columns) but the operator needs a column of \(expected) values (\(expected)×1)"
        case let .unusableStartVector(reason):
            return "the start vector cannot be used: \(reason); pass a finite, nonzero vector or a random start"
        case let .nonFiniteProduct(what):
            return "\(what) contains NaN or ±∞; the operator (or the model's loss at this point) is not finite"
        case let .eigensolver(error):
            return "eigensolver failed: \(error)"
        case let .hessianTooLarge(parameterCount, bytes, limit):
            return "the exact Hessian of \(parameterCount) parameters needs \(bytes) bytes (P² doubles), "
                + "more than the limit of \(limit) bytes; use the matrix-free tools (Lanczos, Hutchinson, "
                + "stochastic Lanczos quadrature) or raise the limit"
        case let .incompatibleData(reason):
            return "the data cannot be used: \(reason)"
        }
    }
}

// MARK: - Option checks

/// Throws ``SpectrumError/invalidOption(name:value:requirement:)`` unless `condition` holds.
func requireOption(
    _ condition: Bool, _ name: String, _ value: @autoclosure () -> String, _ requirement: String
) throws(SpectrumError) {
    if !condition { throw .invalidOption(name: name, value: value(), requirement: requirement) }
}
