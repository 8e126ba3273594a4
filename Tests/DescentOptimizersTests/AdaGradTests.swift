// AdaGrad against its closed forms, the first-steps fixture (paper, PyTorch,
// optax, Keras) and THEORY.md §6's diagonal-versus-rotated quadratic.

import DescentLinalg
import DescentOptimizers
import Foundation
import Testing

@Suite("AdaGrad")
struct AdaGradTests {
    static func make<S: BLASScalar>(_ options: AdaptiveFirstSteps.Options, _ convention: Convention) throws -> AdaGrad<S> {
        try AdaGrad<S>(
            learningRate: S(options.learningRate), epsilon: S(options.epsilon),
            initialAccumulator: options.initialAccumulator.map { S($0) },
            learningRateDecay: S(options.learningRateDecay ?? 0), weightDecay: S(options.weightDecay ?? 0),
            convention: convention)
    }

    @Test("First three steps match the fixture under every convention, in Double and Float")
    func fixtureCases() throws {
        try expectFixtureCases(
            of: "AdaGrad", double: { try Self.make($0, $1) as AdaGrad<Double> },
            float: { try Self.make($0, $1) as AdaGrad<Float> })
    }

    @Test("Paper: θ₁ = θ₀ − ηg₁/(δ + |g₁|), θ₂ = θ₁ − ηg₂/(δ + √(g₁² + g₂²)) on f = 3θ²/2")
    func paperClosedForm() throws {
        var optimizer = try AdaGrad<Double>(learningRate: 0.5, epsilon: 0.25)
        var theta = [Matrix<Double>(column: [2])]
        try optimizer.update(&theta, with: [theta[0] * 3])
        let g1 = 6.0, theta1 = 2 - 0.5 * g1 / (0.25 + g1)
        #expect(abs(theta[0][0, 0] - theta1) <= 1e-15)
        try optimizer.update(&theta, with: [theta[0] * 3])
        let g2 = 3 * theta1, theta2 = theta1 - 0.5 * g2 / (0.25 + (g1 * g1 + g2 * g2).squareRoot())
        #expect(abs(theta[0][0, 0] - theta2) <= 1e-15)
        #expect(optimizer.state().buffers["sumOfSquares"]?[0][0, 0] == g1 * g1 + g2 * g2)
    }

    @Test("optax and Keras start the accumulator at 0.1 and put ε inside the root")
    func frameworkClosedForms() throws {
        for convention in [Convention.optax, .keras] {
            var optimizer = try AdaGrad<Double>(learningRate: 0.5, epsilon: 0.25, convention: convention)
            var theta = [Matrix<Double>(column: [2])]
            try optimizer.update(&theta, with: [Matrix(column: [6])])
            #expect(abs(theta[0][0, 0] - (2 - 0.5 * 6 / (0.1 + 36 + 0.25).squareRoot())) <= 1e-15, "\(convention)")
        }
        // optax skips coordinates whose sum is 0 (r₀ = 0, g = 0): no NaN.
        var optax = try AdaGrad<Double>(learningRate: 0.5, epsilon: 0, initialAccumulator: 0, convention: .optax)
        var theta = [Matrix<Double>(column: [2, 3])]
        try optax.update(&theta, with: [Matrix(column: [0, 1])])
        #expect(theta[0] == Matrix(column: [2, 2.5]))
    }

    @Test("Defaults: ε 1e−7 (PyTorch 1e−10), r₀ 0 (optax and Keras 0.1)")
    func defaults() throws {
        let expected: [(Convention, Double, Double)] = [
            (.paper, 1e-7, 0), (.pytorch, 1e-10, 0), (.optax, 1e-7, 0.1), (.keras, 1e-7, 0.1),
        ]
        for (convention, epsilon, accumulator) in expected {
            let optimizer = try AdaGrad<Double>(convention: convention)
            #expect(optimizer.epsilon == epsilon && optimizer.initialAccumulator == accumulator, "\(convention)")
            #expect(optimizer.learningRate == 0.01)
        }
    }

    @Test("PyTorch's lr_decay: update t uses η/(1 + (t−1)d); optax and Keras refuse it")
    func learningRateDecay() throws {
        // With ε = 0, r₀ = 0 and a constant gradient g, step t is ηₜ·g/(√t·|g|) = ηₜ/√t.
        var optimizer = try AdaGrad<Double>(learningRate: 0.3, epsilon: 0, learningRateDecay: 0.5, convention: .pytorch)
        var theta = [Matrix<Double>(column: [0])]
        var expected = 0.0
        for t in 1...4 {
            try optimizer.update(&theta, with: [Matrix(column: [-2])])
            expected += 0.3 / (1 + Double(t - 1) * 0.5) / Double(t).squareRoot()
            #expect(abs(theta[0][0, 0] - expected) <= 1e-15)
        }
        for convention in [Convention.optax, .keras] {
            #expect(throws: OptimizerError.self) { try AdaGrad<Double>(learningRateDecay: 0.1, convention: convention) }
            var adagrad = try AdaGrad<Double>(convention: convention)
            #expect(throws: OptimizerError.self) { try adagrad.setValue(0.1, for: .learningRateDecay) }
        }
    }

    @Test("Keras decays decoupled: with a zero loss gradient θ ← θ(1 − ηλ); the paper's coupled L2 is normalised")
    func weightDecayForms() throws {
        try expectDecoupledDecay(
            of: { try AdaGrad<Double>(learningRate: 0.1, weightDecay: 0.1, convention: .keras) }, factor: 0.99, absolute: 1e-15)
        // Paper: g = λθ₀ = 0.1, r = 0.01, step η·0.1/(δ + 0.1) ≈ η: a sign step, as for Adam + L2.
        var paper = try AdaGrad<Double>(learningRate: 0.1, epsilon: 0, weightDecay: 0.1)
        var coupled = [Matrix<Double>(column: [1])]
        try paper.update(&coupled, with: [Matrix(column: [0])])
        #expect(abs(coupled[0][0, 0] - 0.9) <= 1e-15)
    }

    // MARK: - THEORY.md §6

    /// Iterations of AdaGrad (lr 0.5, eps 1e−10) until f/f₀ < 1e−6 on ½wᵀHw.
    static func iterations(
        _ h: Matrix<Double>, from start: Matrix<Double>, epsilon: Double = 1e-10, convention: Convention
    ) throws -> (Int, [[Double]]) {
        var optimizer = try AdaGrad<Double>(learningRate: 0.5, epsilon: epsilon, convention: convention)
        var w = [start]
        func loss(_ w: Matrix<Double>) -> Double { 0.5 * (w.transposed() * h * w)[0, 0] }
        let initial = loss(start)
        var path: [[Double]] = []
        for k in 1...5000 {
            try optimizer.update(&w, with: [h * w[0]])
            path.append(w[0].elements)
            if loss(w[0]) / initial < 1e-6 { return (k, path) }
        }
        return (.max, path)
    }

    @Test("THEORY §6: 13 iterations on diag(1, 100), 683 on its 45° rotation; equal coordinates on the diagonal one")
    func diagonalVersusRotated() throws {
        let diagonal = Matrix<Double>([[1, 0], [0, 100]])
        let c = (0.5 as Double).squareRoot()
        let rotation = Matrix<Double>([[c, -c], [c, c]])
        let rotated = rotation * diagonal * rotation.transposed()
        #expect(abs(rotated[0, 0] - 50.5) < 1e-12 && abs(rotated[0, 1] + 49.5) < 1e-12)
        // δ outside the root, r₀ = 0: the paper's and PyTorch's forms are the same.
        for convention in [Convention.paper, .pytorch] {
            let (diagonalCount, path) = try Self.iterations(diagonal, from: Matrix(column: [1, 1]), convention: convention)
            let (rotatedCount, _) = try Self.iterations(rotated, from: rotation * Matrix(column: [1, 1]), convention: convention)
            #expect(diagonalCount == 13 && rotatedCount == 683, "\(convention): \(diagonalCount), \(rotatedCount)")
            // Each coordinate's update is independent of its curvature λᵢ, up to
            // δ/|gᵢ| (1e−10 against 1e−12 here): the paths agree to 1.2e−9
            // relative (NumPy), and to rounding when δ = 0.
            #expect(path.allSatisfy { abs($0[0] - $0[1]) <= 1e-8 * abs($0[0]) }, "\(convention): coordinates differ")
            let (exactCount, exactPath) = try Self.iterations(
                diagonal, from: Matrix(column: [1, 1]), epsilon: 0, convention: convention)
            #expect(exactCount == 13)
            #expect(exactPath.allSatisfy { abs($0[0] - $0[1]) <= 1e-14 * abs($0[0]) }, "\(convention): δ = 0 paths differ")
        }
    }

    // MARK: - State and errors

    @Test("Save, restore and continue equals an uninterrupted run, bit for bit")
    func resume() throws {
        for convention in Convention.allCases {
            try expectResumeIsBitIdentical {
                try AdaGrad<Double>(
                    learningRate: 0.1, learningRateDecay: convention == .pytorch ? 0.1 : 0, weightDecay: 0.01,
                    convention: convention)
            }
        }
    }

    @Test("Invalid hyperparameters throw, naming the hyperparameter")
    func invalidHyperparameters() throws {
        #expect(throws: OptimizerError.self) { try AdaGrad<Double>(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try AdaGrad<Double>(epsilon: -1e-7) }
        #expect(throws: OptimizerError.self) { try AdaGrad<Double>(weightDecay: .nan) }
        #expect(throws: OptimizerError.self) { try AdaGrad<Double>(learningRateDecay: -0.1) }
        let error = #expect(throws: OptimizerError.self) { try AdaGrad<Double>(initialAccumulator: -0.1) }
        #expect(
            error
                == .invalidHyperparameter(
                    optimizer: "AdaGrad", name: "initialAccumulator", value: -0.1, requirement: "finite and ≥ 0"))
        var optimizer = try AdaGrad<Float>()
        #expect(throws: OptimizerError.self) { try optimizer.setValue(.infinity, for: .learningRate) }
        #expect(throws: OptimizerError.self) { try optimizer.setValue(0.9, for: .momentum) }
        #expect(optimizer.hyperparameterNames.allSatisfy { optimizer.value(of: $0) != nil })
        try optimizer.setValue(0.2, for: .learningRate)
        #expect(optimizer.learningRate == 0.2)
    }

    @Test("Wrong gradient counts or shapes throw and do not count as a step; foreign states are refused")
    func shapes() throws {
        try expectShapeChecks { try AdaGrad<Double>(convention: .keras) }
        try expectShapeChecks { try AdaGrad<Double>() }
        try expectRefusesForeignState { try AdaGrad<Double>() }
    }
}
