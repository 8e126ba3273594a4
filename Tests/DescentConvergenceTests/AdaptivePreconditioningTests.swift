// Adaptive methods on diagonal and rotated bowls (THEORY.md §6), run through
// DescentOptimizers' AdaGrad and Adam: they are diagonal preconditioners, so a
// rotation that leaves gradient descent unchanged slows them by orders of magnitude.

import DescentConvergence
import DescentOptimizers
import Testing

@Suite struct AdaptivePreconditioningTests {
    static let half = (0.5 as Double).squareRoot()
    static let rotation = Matrix<Double>([[half, -half], [half, half]])

    /// H_d = diag(1, 100) from (1, 1) and H_r = R·H_d·Rᵀ from R·(1, 1): the same problem, rotated.
    static func bowls() throws -> (diagonal: QuadraticBowl, rotated: QuadraticBowl, start: Matrix<Double>, rotatedStart: Matrix<Double>) {
        let diagonal = try QuadraticBowl(eigenvalues: [1, 100], eigenvectors: .identity(2))
        let rotated = try QuadraticBowl(eigenvalues: [1, 100], eigenvectors: rotation)
        let start = Matrix<Double>(column: [1, 1])
        return (diagonal, rotated, start, rotation * start)
    }

    static func iterations<Method: Optimizer>(_ make: () throws -> Method) throws -> (Int?, Int?) where Method.Scalar == Double {
        let b = try bowls()
        var first = try make()
        var second = try make()
        let d = try b.diagonal.iterate(with: &first, from: b.start, until: .relativeExcessLoss(1e-6), maximumSteps: 5000)
        let r = try b.rotated.iterate(with: &second, from: b.rotatedStart, until: .relativeExcessLoss(1e-6), maximumSteps: 5000)
        return (d.ending == .reachedTolerance ? d.steps : nil, r.ending == .reachedTolerance ? r.steps : nil)
    }

    @Test func rotatedHessianIsTheOneInTheTheory() throws {
        let b = try Self.bowls()
        #expect(b.rotated.hessian.maxAbsoluteDifference(Matrix([[50.5, -49.5], [-49.5, 50.5]])) < 1e-12)
    }

    @Test func jacobiPreconditioning() throws {
        let b = try Self.bowls()
        #expect(abs(try DiagonalPreconditioning.jacobi(b.diagonal.hessian).preconditionedConditionNumber - 1) < 1e-12)
        #expect(abs(try DiagonalPreconditioning.jacobi(b.rotated.hessian).preconditionedConditionNumber - 100) < 1e-9)
    }

    /// Iterations until f/f₀ < 1e−6: GD at 2/101 346 on both; AdaGrad (lr 0.5, ε 1e−10) 13 vs 683; Adam (lr 0.01) 269 vs 2818.
    @Test func iterationCountsDiagonalVersusRotated() throws {
        let gd = try Self.iterations { try SGD<Double>(learningRate: 2.0 / 101) }
        #expect(gd.0 == 346 && gd.1 == 346, "\(gd)")
        let adagrad = try Self.iterations { try AdaGrad<Double>(learningRate: 0.5, epsilon: 1e-10) }
        #expect(adagrad.0 == 13 && adagrad.1 == 683, "\(adagrad)")
        let adam = try Self.iterations { try Adam<Double>(learningRate: 0.01, epsilon: 1e-8) }
        #expect(adam.0 == 269 && adam.1 == 2818, "\(adam)")
    }

    /// The divisor read from Adam's state after one step with ε = 0 is |g| (v̂₁ = g²).
    @Test func adaptiveDivisorFromTheOptimizerState() throws {
        var adam = try Adam<Double>(learningRate: 0.1, epsilon: 0)
        var w = [Matrix<Double>(column: [1, 2])]
        try adam.update(&w, with: [Matrix(column: [3, -0.5])])
        let divisor = try DiagonalPreconditioning.adaptiveDivisor(of: adam.state())
        #expect(abs(divisor[0] - 3) < 1e-12 && abs(divisor[1] - 0.5) < 1e-12)
        #expect(throws: ConvergenceError.self) { try DiagonalPreconditioning.adaptiveDivisor(of: SGD<Double>(learningRate: 1).state()) }
    }
}
