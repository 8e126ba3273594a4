// Nesterov's worst function for first-order methods (Introductory Lectures on
// Convex Optimization, 2004, §2.1.4): a quadratic with a tridiagonal Hessian
// on which no method whose iterates stay in x₀ + span{∇f(x₀), …, ∇f(x_{k−1})}
// can beat ‖x_k − x*‖ ≥ qᵏ‖x₀ − x*‖, q = (√κ − 1)/(√κ + 1) (THEORY.md §3).

import DescentLinalg
import RealModule

extension QuadraticBowl {
    /// Nesterov's worst-case quadratic in d dimensions:
    /// f(x) = ((L − μ)/8)·(x₁² + Σᵢ (xᵢ − xᵢ₊₁)² + x_d² − 2x₁) + (μ/2)‖x‖²,
    /// so H = μI + ((L − μ)/4)·tridiag(−1, 2, −1) and b = ((L − μ)/4)·e₁.
    ///
    /// The eigen-decomposition is closed-form: λₖ = μ + (L − μ)(1 − cos(kπ/(d+1)))/2
    /// with eigenvectors √(2/(d+1))·sin(ikπ/(d+1)); all λ lie strictly inside
    /// (μ, L), so the nominal κ bounds the bowl's. The minimizer
    /// x*ᵢ ≈ qⁱ decays geometrically; a first-order method started at 0 has
    /// xₖ zero beyond coordinate k, hence ‖xₖ − x*‖ ≥ ‖(x*ₖ₊₁, …, x*_d)‖.
    /// - Parameters:
    ///   - dimension: d ≥ 1 (take d ≫ the number of steps for the bound to bite).
    ///   - conditionNumber: the nominal κ = L/μ ≥ 1.
    ///   - smallest: μ > 0.
    /// - Throws: `ConvergenceError.invalidParameter` for values out of range.
    /// - References: Nesterov 2004, Thm 2.1.13.
    public static func nesterovWorstCase(
        dimension: Int, conditionNumber: Double, smallest: Double = 1
    ) throws(ConvergenceError) -> QuadraticBowl {
        try require(Double(dimension), "dimension", "at least 1") { $0 >= 1 }
        try require(conditionNumber, "condition number", "a finite number ≥ 1") { $0 >= 1 }
        try require(smallest, "smallest eigenvalue", "a finite number > 0") { $0 > 0 }
        let d = dimension
        let mu = smallest
        let scale = (conditionNumber - 1) * mu / 4
        let angle = Double.pi / Double(d + 1)
        let values = (1...d).map { k in mu + scale * (2 - 2 * Double.cos(Double(k) * angle)) }
        let norm = (2 / Double(d + 1)).squareRoot()
        let vectors = Matrix<Double>(rows: d, columns: d) { i, k in norm * Double.sin(Double((i + 1) * (k + 1)) * angle) }
        let hessian = Matrix<Double>(rows: d, columns: d) { i, j in
            i == j ? mu + 2 * scale : (abs(i - j) == 1 ? -scale : 0)
        }
        // x* = U·diag(1/λ)·Uᵀ·b with b = scale·e₁.
        let coefficients = (0..<d).map { k in vectors[0, k] * scale / values[k] }
        let minimizer = gemv(vectors, Matrix(column: coefficients))
        let minimum = -0.5 * scale * minimizer[0, 0]  // f(x*) = −½ bᵀx*
        return try QuadraticBowl(
            hessian: hessian, eigenvalues: values, eigenvectors: vectors, minimizer: minimizer, minimumValue: minimum)
    }
}
