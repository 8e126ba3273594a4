// The two heavy-ball forms and the two Nesterov forms of SGD: equal at a
// constant learning rate, and exactly how they part when η changes.
//
// Heavy ball: the notes' velocity form v ← μv − ηg, w ← w + v (`.paper`) and
// PyTorch's buffer form b ← μb + g, w ← w − ηb (`.pytorch`) are the same
// iteration while η is constant (v = −ηb). When η changes to η′ after step k,
// the buffer form rescales the whole accumulated momentum, the velocity form
// only new gradients, so step k + 1 differs by exactly
//     w_buffer − w_velocity = μ·vₖ·(η′/η − 1).
//
// Nesterov: the look-ahead form (notes, Goodfellow et al. Alg. 8.3) keeps w
// and takes the gradient at w̃ = w + μv; the reformulated form keeps y = w + μv
// itself (Sutskever et al. 2013; Bengio et al. 2013). So "the same trajectory"
// means: the reformulated form's parameters equal the look-ahead form's w + μv
// at every step (not its w). In the velocity form that change of variables is
// exact for any sequence of η (y′ = w′ + μv′ = y + μv′ − η′g either way). In
// PyTorch's buffer form (b ← μb + g, y ← y − η(g + μb)) it holds only while η
// is constant: after a change to η′ at step k, step k + 1 is off by
//     y_buffer − (w + μv) = μ²·vₖ·(η′/η − 1).
//
// Problem: the rotated quadratic of the golden trajectories, f = ½(w − w*)ᵀH(w − w*),
// H = R·diag(1, 10)·Rᵀ (R the 30° rotation), w* = (1, −2), from w₀ = 0;
// ∇f in closed form. Tolerance 1e−12 relative for iterates: the compared runs do
// the same arithmetic up to rounding order, about 1e−16 per step over 20 steps.
// The predicted gaps (≥ 1e−3) are checked to 1e−10 relative: the gap is a
// difference of O(1) iterates, so it carries about 1e−15 absolute rounding.

import DescentLinalg
import DescentOptimizers
import Foundation
import Testing

@Suite("Momentum forms: velocity vs buffer, look-ahead vs reformulated Nesterov")
struct MomentumFormTests {
    static let learningRate = 0.05
    static let changedRate = 0.02
    static let momentum = 0.9
    static let tolerance = 1e-12

    static let hessian: Matrix<Double> = {
        let (c, s) = (cos(Double.pi / 6), sin(Double.pi / 6))
        let rotation = Matrix([[c, -s], [s, c]])
        return rotation * Matrix([[1, 0], [0, 10]]) * rotation.transposed()
    }()
    static let minimizer = Matrix<Double>(column: [1, -2])
    static let start = [Matrix<Double>(column: [0, 0])]

    static func gradient(_ parameters: [Matrix<Double>]) -> [Matrix<Double>] {
        [hessian * (parameters[0] - minimizer)]
    }

    /// The iterates w₁ … w_steps; from step `changeAfter + 1` on, η is `changedRate`.
    static func run(_ optimizer: SGD<Double>, steps: Int = 20, changeAfter: Int? = nil) throws -> [[Double]] {
        var optimizer = optimizer
        var parameters = start
        var iterates: [[Double]] = []
        for step in 1...steps {
            if step - 1 == changeAfter { try optimizer.setValue(changedRate, for: .learningRate) }
            try optimizer.step(&parameters) { gradient($0) }
            iterates.append(parameters[0].elements)
        }
        return iterates
    }

    /// max_i |a_i − b_i| / max(max_i |b_i|, 1e−12).
    static func relativeDistance(_ a: [Double], _ b: [Double]) -> Double {
        let difference = zip(a, b).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        return difference / max(b.reduce(0.0) { max($0, abs($1)) }, 1e-12)
    }

    static func combination(_ a: [Double], _ b: [Double], _ scale: Double) -> [Double] {
        zip(a, b).map { $0 + scale * $1 }
    }

    // MARK: - Heavy ball

    @Test("Velocity and buffer heavy ball give the same iterates at a constant η")
    func heavyBallFormsAgreeAtConstantRate() throws {
        let velocity = try Self.run(SGD(learningRate: Self.learningRate, momentum: Self.momentum, convention: .paper))
        let buffer = try Self.run(SGD(learningRate: Self.learningRate, momentum: Self.momentum, convention: .pytorch))
        #expect(try SGD<Double>(learningRate: 0.1, momentum: 0.9, convention: .paper).momentumForm == .velocity)
        #expect(try SGD<Double>(learningRate: 0.1, momentum: 0.9, convention: .pytorch).momentumForm == .buffer)
        for (step, (a, b)) in zip(velocity, buffer).enumerated() {
            #expect(Self.relativeDistance(b, a) <= Self.tolerance, "step \(step + 1): \(b) vs \(a)")
        }
        // The run really moves: w₂₀ is at a third of w₀'s distance from w* = (1, −2) (w₀ = 0 is at 1).
        #expect(Self.relativeDistance(velocity[19], [1, -2]) < 0.35)
    }

    @Test("After η changes, the buffer form is off by μ·vₖ·(η′/η − 1) at the next step")
    func heavyBallFormsPartWhenTheRateChanges() throws {
        let k = 10
        let velocity = try Self.run(
            SGD(learningRate: Self.learningRate, momentum: Self.momentum, convention: .paper), changeAfter: k)
        let buffer = try Self.run(
            SGD(learningRate: Self.learningRate, momentum: Self.momentum, convention: .pytorch), changeAfter: k)
        for step in 0..<k {
            #expect(Self.relativeDistance(buffer[step], velocity[step]) <= Self.tolerance)
        }
        // vₖ = wₖ − wₖ₋₁ in the velocity form (w ← w + v); iterates[k − 1] is wₖ.
        let velocityK = Self.combination(velocity[k - 1], velocity[k - 2], -1)
        let predicted = velocityK.map { Self.momentum * $0 * (Self.changedRate / Self.learningRate - 1) }
        let actual = Self.combination(buffer[k], velocity[k], -1)
        #expect(Self.relativeDistance(actual, predicted) <= 1e-10, "difference \(actual), predicted \(predicted)")
        #expect(predicted.map(abs).max()! > 1e-3, "the change must be visible")
        // Afterwards the runs stay apart.
        #expect(Self.relativeDistance(buffer[19], velocity[19]) > 1e-4)
    }

    // MARK: - Nesterov

    /// The look-ahead form's w + μv at every step, with v = wₖ − wₖ₋₁ (w₀ = 0).
    static func lookAheadPoints(_ iterates: [[Double]]) -> [[Double]] {
        iterates.indices.map { step in
            let previous = step == 0 ? start[0].elements : iterates[step - 1]
            return combination(iterates[step], combination(iterates[step], previous, -1), momentum)
        }
    }

    /// With coupled L2 decay λ the correspondence holds too, because the look-ahead
    /// form takes the L2 gradient λw̃ at w̃ = y (Keras's decay is decoupled, a
    /// different method, so it is compared without decay only).
    @Test(
        "Reformulated Nesterov's parameters are the look-ahead form's w + μv at a constant η",
        arguments: [0.0, 0.1])
    func nesterovFormsAgreeAtConstantRate(weightDecay: Double) throws {
        let lookAhead = try Self.run(
            SGD(
                learningRate: Self.learningRate, momentum: Self.momentum, weightDecay: weightDecay,
                nesterov: .lookAhead, convention: .paper))
        let points = Self.lookAheadPoints(lookAhead)
        let conventions: [Convention] = weightDecay == 0 ? [.paper, .pytorch, .optax, .keras] : [.paper, .pytorch, .optax]
        for convention in conventions {
            let reformulated = try Self.run(
                SGD(
                    learningRate: Self.learningRate, momentum: Self.momentum, weightDecay: weightDecay,
                    nesterov: .reformulated, convention: convention))
            for step in points.indices {
                #expect(
                    Self.relativeDistance(reformulated[step], points[step]) <= Self.tolerance,
                    "\(convention) step \(step + 1): \(reformulated[step]) vs w + μv = \(points[step])")
            }
            // y is not w itself: the two forms store different points.
            #expect(Self.relativeDistance(reformulated[4], lookAhead[4]) > 1e-3)
        }
    }

    @Test(
        "After η changes, the velocity-form reformulation still equals w + μv; PyTorch's buffer form is off by μ²·vₖ·(η′/η − 1)")
    func nesterovFormsWhenTheRateChanges() throws {
        let k = 10
        let lookAhead = try Self.run(
            SGD(learningRate: Self.learningRate, momentum: Self.momentum, nesterov: .lookAhead, convention: .paper),
            changeAfter: k)
        let points = Self.lookAheadPoints(lookAhead)
        let velocityForm = try Self.run(
            SGD(learningRate: Self.learningRate, momentum: Self.momentum, nesterov: .reformulated, convention: .paper),
            changeAfter: k)
        for step in points.indices {
            #expect(Self.relativeDistance(velocityForm[step], points[step]) <= Self.tolerance, "step \(step + 1)")
        }

        let bufferForm = try Self.run(
            SGD(learningRate: Self.learningRate, momentum: Self.momentum, nesterov: .reformulated, convention: .pytorch),
            changeAfter: k)
        for step in 0..<k {
            #expect(Self.relativeDistance(bufferForm[step], points[step]) <= Self.tolerance)
        }
        let velocityK = Self.combination(lookAhead[k - 1], lookAhead[k - 2], -1)
        let scale = Self.momentum * Self.momentum * (Self.changedRate / Self.learningRate - 1)
        let predicted = velocityK.map { scale * $0 }
        let actual = Self.combination(bufferForm[k], points[k], -1)
        #expect(Self.relativeDistance(actual, predicted) <= 1e-10, "difference \(actual), predicted \(predicted)")
        #expect(predicted.map(abs).max()! > 1e-3, "the change must be visible")
        #expect(Self.relativeDistance(bufferForm[19], points[19]) > 1e-4)
    }
}
