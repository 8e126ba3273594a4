// Adamax against Kingma & Ba's Alg. 2 in closed form and the first-steps
// fixture (paper, PyTorch, optax, Keras).

import DescentLinalg
import DescentOptimizers
import Testing

@Suite("Adamax")
struct AdamaxTests {
    static func make<S: BLASScalar>(_ options: AdaptiveFirstSteps.Options, _ convention: Convention) throws -> Adamax<S> {
        try Adamax<S>(
            learningRate: S(options.learningRate), beta1: S(options.beta1 ?? 0.9), beta2: S(options.beta2 ?? 0.999),
            epsilon: S(options.epsilon), weightDecay: S(options.weightDecay ?? 0), convention: convention)
    }

    @Test("First three steps match the fixture under every convention, in Double and Float")
    func fixtureCases() throws {
        try expectFixtureCases(
            of: "Adamax", double: { try Self.make($0, $1) as Adamax<Double> }, float: { try Self.make($0, $1) as Adamax<Float> })
    }

    @Test("Alg. 2 by hand: m, u = max(β₂u, |g|) and θ ← θ − (α/(1−β₁ᵗ))·m/u over three steps (ε = 0)")
    func paperClosedForm() throws {
        var optimizer = try Adamax<Double>(learningRate: 0.1, epsilon: 0)
        var theta = [Matrix<Double>(column: [1])]
        var m = 0.0, u = 0.0, expected = 1.0
        for (t, g) in [(1, 2.0), (2, 0.5), (3, -3.0)] {
            try optimizer.update(&theta, with: [Matrix(column: [g])])
            m = 0.9 * m + 0.1 * g
            u = max(0.999 * u, abs(g))
            expected -= 0.1 / (1 - Double.pow(0.9, Double(t))) * m / u
            #expect(abs(theta[0][0, 0] - expected) <= 1e-15, "step \(t)")
        }
        // The first step is exactly −α·sign(g); u remembers the largest |g| (decayed): 0.999·2 at step 2.
        let state = optimizer.state()
        #expect(state.buffers["infinityNorm"]?[0][0, 0] == 3)
        #expect(abs(state.buffers["firstMoment"]![0][0, 0] - m) <= 1e-16)
    }

    @Test("ε: PyTorch and optax put it inside the maximum, the paper form and Keras in the denominator")
    func epsilonPlacement() throws {
        // g₁ = 1, g₂ = 0.5, ε = 0.5: u₂ = max(β₂(1 + ε), 1) = 1.4985 inside, max(β₂, 0.5) + ε = 1.499 outside.
        for (convention, expected) in [(Convention.pytorch, 1.4985), (.optax, 1.4985), (.paper, 0.999), (.keras, 0.999)] {
            var optimizer = try Adamax<Double>(learningRate: 0.1, epsilon: 0.5, convention: convention)
            var theta = [Matrix<Double>(column: [0])]
            try optimizer.update(&theta, with: [Matrix(column: [1])])
            // Step 1 is the same for all: (α/0.1)·0.1·g/(|g| + ε) = α/1.5.
            #expect(abs(theta[0][0, 0] + 0.1 / 1.5) <= 1e-15, "\(convention)")
            try optimizer.update(&theta, with: [Matrix(column: [0.5])])
            let u = try #require(optimizer.state().buffers["infinityNorm"])[0][0, 0]
            #expect(abs(u - expected) <= 1e-15, "\(convention): u = \(u)")
        }
    }

    @Test("With ε = 0, a coordinate that has seen only zero gradients stays put (no 0/0)")
    func zeroGradientCoordinate() throws {
        var optimizer = try Adamax<Double>(learningRate: 0.1, epsilon: 0)
        var theta = [Matrix<Double>(column: [1, 2])]
        try optimizer.update(&theta, with: [Matrix(column: [0, 1])])
        #expect(theta[0][0, 0] == 1 && abs(theta[0][1, 0] - 1.9) <= 1e-15)
    }

    @Test("Defaults: α 2e−3, β (0.9, 0.999), ε 1e−8 (Keras 1e−7)")
    func defaults() throws {
        for convention in Convention.allCases {
            let optimizer = try Adamax<Double>(convention: convention)
            #expect(optimizer.learningRate == 2e-3 && optimizer.beta1 == 0.9 && optimizer.beta2 == 0.999)
            #expect(optimizer.epsilon == (convention == .keras ? 1e-7 : 1e-8), "\(convention)")
        }
    }

    @Test("Keras decays decoupled (θ ← θ(1 − αλ) under a zero loss gradient); the others add λθ to g")
    func weightDecayForms() throws {
        try expectDecoupledDecay(
            of: { try Adamax<Double>(learningRate: 0.1, weightDecay: 0.1, convention: .keras) }, factor: 0.99, absolute: 1e-15)
        // Coupled: g = λθ = 0.1 gives a first step of α·g/(|g| + ε) ≈ α.
        var paper = try Adamax<Double>(learningRate: 0.1, epsilon: 0, weightDecay: 0.1)
        var coupled = [Matrix<Double>(column: [1])]
        try paper.update(&coupled, with: [Matrix(column: [0])])
        #expect(abs(coupled[0][0, 0] - 0.9) <= 1e-15)
    }

    @Test("Save, restore and continue equals an uninterrupted run, bit for bit")
    func resume() throws {
        for convention in Convention.allCases {
            try expectResumeIsBitIdentical { try Adamax<Double>(learningRate: 0.02, weightDecay: 0.01, convention: convention) }
        }
    }

    @Test("Invalid hyperparameters throw")
    func invalidHyperparameters() throws {
        #expect(throws: OptimizerError.self) { try Adamax<Double>(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try Adamax<Double>(beta1: 1) }
        #expect(throws: OptimizerError.self) { try Adamax<Double>(beta2: -0.1) }
        #expect(throws: OptimizerError.self) { try Adamax<Double>(epsilon: -1e-8) }
        #expect(throws: OptimizerError.self) { try Adamax<Double>(weightDecay: .nan) }
        var optimizer = try Adamax<Float>()
        #expect(throws: OptimizerError.self) { try optimizer.setValue(2, for: .beta2) }
        #expect(throws: OptimizerError.self) { try optimizer.setValue(0.1, for: .decay) }
        try optimizer.setValue(0.95, for: .beta1)
        #expect(optimizer.beta1 == 0.95)
    }

    @Test("Wrong gradient counts or shapes throw and do not count as a step; foreign states are refused")
    func shapes() throws {
        try expectShapeChecks { try Adamax<Double>(convention: .optax) }
        try expectRefusesForeignState { try Adamax<Double>() }
        // Another method's state is refused too.
        var adagrad = try AdaGrad<Double>()
        var theta = [Matrix<Double>(column: [1])]
        try adagrad.update(&theta, with: [Matrix(column: [1])])
        var adamax = try Adamax<Double>()
        #expect(throws: OptimizerError.self) { try adamax.restore(from: adagrad.state()) }
    }
}
