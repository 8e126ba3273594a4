// Conjugate gradient: the Krylov-optimal reference (THEORY.md §4).
//
// CG is not a training method and not in DescentOptimizers; it is written
// here once, as the yardstick every first-order method is compared with:
// its energy error is the smallest any method with iterates in
// x₀ + K_k(H, r₀) can reach (Hestenes & Stiefel 1952; Shewchuk 1994).

import DescentLinalg

extension QuadraticBowl {
    /// Runs conjugate gradient on H·w = H·w* from `start` (the minimizer of the bowl).
    ///
    /// - Parameters:
    ///   - start: w₀, d×1.
    ///   - steps: the number of CG steps (at most this many; it stops early when the residual is exactly 0).
    /// - Returns: the trajectory (errors, excess values), with `optimizer` "conjugate gradient".
    /// - Throws: `ConvergenceError.invalidProblem` when `start` is not d×1.
    public func conjugateGradient(from start: Matrix<Double>, steps: Int) throws(ConvergenceError) -> BowlTrajectory {
        guard start.rows == dimension, start.columns == 1 else {
            throw .invalidProblem("the starting point must be \(dimension)×1, got \(start.shapeDescription)")
        }
        var x = start
        var r = -gradient(at: x)  // r = b − Hx = H(w* − x)
        var p = r
        var rr = dot(r, r)
        var errors = [(x - minimizer).frobeniusNorm]
        var excess = [excessValue(at: x)]
        for _ in 0..<max(steps, 0) {
            guard rr > 0 else { break }
            let hp = gemv(hessian, p)
            let curvature = dot(p, hp)
            guard curvature > 0 else { break }  // H not positive definite along p
            let alpha = rr / curvature
            axpy(alpha, p, &x)
            axpy(-alpha, hp, &r)
            let next = dot(r, r)
            p = r + p * (next / rr)
            rr = next
            errors.append((x - minimizer).frobeniusNorm)
            excess.append(excessValue(at: x))
        }
        return BowlTrajectory(
            optimizer: "conjugate gradient", errorNorms: errors, excessValues: excess, coordinates: [:],
            ending: .reachedStepLimit, secondsPerStep: 0, finalPoint: x.elements)
    }
}
