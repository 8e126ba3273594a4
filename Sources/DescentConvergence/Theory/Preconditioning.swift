// What the adaptive methods see: a diagonal preconditioner P and the
// preconditioned Hessian P^{−1/2}·H·P^{−1/2} (THEORY.md §6).
//
// Design note. AdaGrad, RMSProp and Adam divide each coordinate of the
// gradient by its own scale, so near a point they behave like gradient
// descent on the preconditioned Hessian. On an axis-aligned bowl a diagonal P
// can equalise the curvatures (κ(PHP) = 1 with Jacobi's P = diag(H)); on a
// rotated bowl the diagonal of H carries no eigen-information and κ can stay
// at κ(H). The preconditioner an optimizer actually built is read from its
// saved state, not recomputed.

import DescentLinalg
import DescentOptimizers

/// A diagonal preconditioner and the condition number it leaves.
public struct DiagonalPreconditioning: Sendable, Hashable, Codable {
    /// The diagonal pᵢ > 0 (the per-coordinate divisor of the gradient).
    public var diagonal: [Double]
    /// κ(H).
    public var originalConditionNumber: Double
    /// κ(P^{−1/2}·H·P^{−1/2}) on |λ|.
    public var preconditionedConditionNumber: Double
    /// The eigenvalues of P^{−1/2}·H·P^{−1/2}, ascending.
    public var preconditionedEigenvalues: [Double]

    /// Preconditions `hessian` by the diagonal `diagonal`.
    /// - Throws: `ConvergenceError.invalidProblem` when sizes disagree or a pᵢ is not a finite number > 0;
    ///   `.linearAlgebra` when the eigen-decomposition fails.
    public init(hessian: Matrix<Double>, diagonal: [Double]) throws(ConvergenceError) {
        let d = hessian.rows
        guard diagonal.count == d, hessian.columns == d else {
            throw .invalidProblem("a \(hessian.shapeDescription) Hessian needs \(d) preconditioner values, got \(diagonal.count)")
        }
        if let i = diagonal.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw .invalidProblem("preconditioner value \(i) is \(diagonal[i]); every value must be a finite number > 0")
        }
        let scale = diagonal.map { 1 / $0.squareRoot() }
        let preconditioned = Matrix<Double>(rows: d, columns: d) { i, j in scale[i] * hessian[i, j] * scale[j] }
        do {
            let original = try SymmetricEigen(of: hessian, computeVectors: false)
            let after = try SymmetricEigen(of: preconditioned.symmetrized(), computeVectors: false)
            self.diagonal = diagonal
            self.originalConditionNumber = original.absoluteConditionNumber
            self.preconditionedConditionNumber = after.absoluteConditionNumber
            self.preconditionedEigenvalues = after.values
        } catch {
            throw .linearAlgebra(error)
        }
    }

    /// Jacobi's preconditioner P = diag(H): κ = 1 for a diagonal H.
    /// - Throws: `ConvergenceError.invalidProblem` when a diagonal entry of H is ≤ 0.
    public static func jacobi(_ hessian: Matrix<Double>) throws(ConvergenceError) -> DiagonalPreconditioning {
        try DiagonalPreconditioning(hessian: hessian, diagonal: (0..<hessian.rows).map { hessian[$0, $0] })
    }

    /// The preconditioner an adaptive optimizer has built, read from its state:
    /// √v̂ + ε for Adam (v̂ = v/(1 − β₂ᵗ)), √r + ε for RMSProp, √(Σg²) + ε for AdaGrad
    /// (the divisor of each coordinate's step, for a single d×1 parameter).
    /// - Throws: `ConvergenceError.invalidProblem` when the state has none of
    ///   those buffers (another method, or no step taken yet).
    public static func adaptiveDivisor(of state: OptimizerState<Double>) throws(ConvergenceError) -> [Double] {
        let epsilon = state.hyperparameters["epsilon"] ?? 0
        if let second = state.buffers["secondMoment"]?.first {
            let beta2 = state.hyperparameters["beta2"] ?? 0.999
            var t = 1.0
            for _ in 0..<state.stepCount { t *= beta2 }
            let correction = 1 - t
            return second.elements.map { ($0 / correction).squareRoot() + epsilon }
        }
        if let square = state.buffers["meanSquare"]?.first ?? state.buffers["sumOfSquares"]?.first {
            return square.elements.map { $0.squareRoot() + epsilon }
        }
        throw .invalidProblem(
            "the \(state.optimizer) state after \(state.stepCount) steps has no second-moment buffer; "
                + "run Adam, RMSProp or AdaGrad for at least one step first")
    }
}
