// AdaDelta against Zeiler's Alg. 1 in closed form and the first-steps fixture
// (paper, PyTorch, optax, Keras).

import DescentLinalg
import DescentOptimizers
import Testing

@Suite("AdaDelta")
struct AdaDeltaTests {
    static func make<S: BLASScalar>(_ options: AdaptiveFirstSteps.Options, _ convention: Convention) throws -> AdaDelta<S> {
        try AdaDelta<S>(
            learningRate: S(options.learningRate), decay: options.decay.map { S($0) }, epsilon: S(options.epsilon),
            weightDecay: S(options.weightDecay ?? 0), convention: convention)
    }

    @Test("First three steps match the fixture under every convention, in Double and Float")
    func fixtureCases() throws {
        try expectFixtureCases(
            of: "AdaDelta", double: { try Self.make($0, $1) as AdaDelta<Double> },
            float: { try Self.make($0, $1) as AdaDelta<Float> })
    }

    @Test("Zeiler Alg. 1, two steps in closed form (ρ = 0.95, ε = 1e−6, no learning rate)")
    func zeilerClosedForm() throws {
        var optimizer = try AdaDelta<Double>()
        #expect(optimizer.learningRate == 1 && optimizer.decay == 0.95 && optimizer.epsilon == 1e-6)
        var theta = [Matrix<Double>(column: [2, -1])]
        let g1 = [4.0, -0.5]
        try optimizer.update(&theta, with: [Matrix(column: g1)])
        // E[g²] = 0.05g², Δ₁ = √ε/√(0.05g² + ε)·g, E[Δ²] = 0.05Δ₁².
        let squares1 = g1.map { 0.05 * $0 * $0 }
        let delta1 = zip(g1, squares1).map { g, s in (1e-6 as Double).squareRoot() / (s + 1e-6).squareRoot() * g }
        let theta1 = zip([2.0, -1.0], delta1).map { $0 - $1 }
        for i in 0..<2 { #expect(abs(theta[0][i, 0] - theta1[i]) <= 1e-15 * abs(theta1[i])) }
        // The first step is ≈ √(ε/0.05) = 0.00447 in magnitude, whatever |g| is.
        #expect(abs(abs(delta1[0]) - (1e-6 / 0.05 as Double).squareRoot()) < 1e-7)

        let g2 = [1.0, 3.0]
        try optimizer.update(&theta, with: [Matrix(column: g2)])
        for i in 0..<2 {
            let squares2 = 0.95 * squares1[i] + 0.05 * g2[i] * g2[i]
            let updates1 = 0.05 * delta1[i] * delta1[i]
            let delta2 = (updates1 + 1e-6).squareRoot() / (squares2 + 1e-6).squareRoot() * g2[i]
            #expect(abs(theta[0][i, 0] - (theta1[i] - delta2)) <= 1e-15)
        }
    }

    @Test("Defaults: η 1 (Keras 1e−3), ρ 0.95 (PyTorch and optax 0.9), ε 1e−6 (Keras 1e−7); optax needs η")
    func defaults() throws {
        let expected: [(Convention, Double, Double, Double)] = [
            (.paper, 1, 0.95, 1e-6), (.pytorch, 1, 0.9, 1e-6), (.keras, 1e-3, 0.95, 1e-7),
        ]
        for (convention, rate, decay, epsilon) in expected {
            let optimizer = try AdaDelta<Double>(convention: convention)
            #expect(optimizer.learningRate == rate && optimizer.decay == decay && optimizer.epsilon == epsilon, "\(convention)")
        }
        let optax = try AdaDelta<Double>(learningRate: 0.5, convention: .optax)
        #expect(optax.decay == 0.9 && optax.epsilon == 1e-6)
        let error = #expect(throws: OptimizerError.self) { try AdaDelta<Double>(convention: .optax) }
        guard case .invalidHyperparameter(_, "learningRate", _, _) = error else {
            Issue.record("expected invalid learningRate, got \(String(describing: error))")
            return
        }
    }

    @Test("η scales the step but not E[Δθ²]: η = 2 moves exactly twice as far as η = 1 on a fixed gradient sequence")
    func learningRateScalesOnlyTheStep() throws {
        var one = try AdaDelta<Double>(learningRate: 1, convention: .pytorch)
        var two = try AdaDelta<Double>(learningRate: 2, convention: .pytorch)
        var a = [Matrix<Double>(column: [0])]
        var b = [Matrix<Double>(column: [0])]
        for g in [1.0, -2.0, 0.5, 3.0] {
            try one.update(&a, with: [Matrix(column: [g])])
            try two.update(&b, with: [Matrix(column: [g])])
            #expect(b[0][0, 0] == 2 * a[0][0, 0])
        }
        #expect(one.state().buffers == two.state().buffers)
    }

    @Test("Keras decays decoupled (θ ← θ(1 − ηλ) under a zero loss gradient); the others add λθ to g")
    func weightDecayForms() throws {
        try expectDecoupledDecay(
            of: { try AdaDelta<Double>(learningRate: 0.1, weightDecay: 0.1, convention: .keras) }, factor: 0.99, absolute: 1e-15)
        var paper = try AdaDelta<Double>(weightDecay: 0.1)
        var coupled = [Matrix<Double>(column: [1])]
        try paper.update(&coupled, with: [Matrix(column: [0])])
        let g = 0.1, step = (1e-6 as Double).squareRoot() / (0.05 * g * g + 1e-6).squareRoot() * g
        #expect(abs(coupled[0][0, 0] - (1 - step)) <= 1e-15)
    }

    @Test("Save, restore and continue equals an uninterrupted run, bit for bit")
    func resume() throws {
        for convention in Convention.allCases {
            try expectResumeIsBitIdentical { try AdaDelta<Double>(learningRate: 1, weightDecay: 0.01, convention: convention) }
        }
    }

    @Test("Invalid hyperparameters throw")
    func invalidHyperparameters() throws {
        #expect(throws: OptimizerError.self) { try AdaDelta<Double>(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try AdaDelta<Double>(decay: 1.5) }
        #expect(throws: OptimizerError.self) { try AdaDelta<Double>(epsilon: 0) }
        #expect(throws: OptimizerError.self) { try AdaDelta<Double>(weightDecay: -0.1) }
        var optimizer = try AdaDelta<Float>()
        #expect(throws: OptimizerError.self) { try optimizer.setValue(.nan, for: .decay) }
        #expect(throws: OptimizerError.self) { try optimizer.setValue(0.9, for: .beta1) }
        try optimizer.setValue(0.5, for: .decay)
        #expect(optimizer.value(of: .decay) == 0.5)
    }

    @Test("Wrong gradient counts or shapes throw and do not count as a step; foreign states are refused")
    func shapes() throws {
        try expectShapeChecks { try AdaDelta<Double>() }
        try expectRefusesForeignState { try AdaDelta<Double>() }
    }
}
