// RMSProp (plain, centered, momentum, Nesterov Alg. 8.6) against closed
// forms, the first-steps fixture (paper, PyTorch, optax, Keras) and the
// equivalences between its momentum forms.

import DescentLinalg
import DescentOptimizers
import Testing

@Suite("RMSProp")
struct RMSPropTests {
    static func make<S: BLASScalar>(_ options: AdaptiveFirstSteps.Options, _ convention: Convention) throws -> RMSProp<S> {
        try RMSProp<S>(
            learningRate: S(options.learningRate), decay: options.decay.map { S($0) }, epsilon: S(options.epsilon),
            momentum: S(options.momentum ?? 0), centered: options.centered ?? false, nesterov: options.nesterov ?? false,
            weightDecay: S(options.weightDecay ?? 0), convention: convention)
    }

    @Test("First three steps match the fixture: plain, centered, momentum, Nesterov, decay, every convention")
    func fixtureCases() throws {
        try expectFixtureCases(
            of: "RMSProp", double: { try Self.make($0, $1) as RMSProp<Double> },
            float: { try Self.make($0, $1) as RMSProp<Float> })
    }

    @Test("Goodfellow Alg. 8.5: θ₁ = θ₀ − ηg/√(δ + (1−ρ)g²); PyTorch: θ₀ − ηg/(√((1−ρ)g²) + ε)")
    func firstStepClosedForms() throws {
        var paper = try RMSProp<Double>(learningRate: 0.01, epsilon: 0.04)
        var theta = [Matrix<Double>(column: [1])]
        try paper.update(&theta, with: [Matrix(column: [2])])
        #expect(abs(theta[0][0, 0] - (1 - 0.01 * 2 / (0.04 + 0.1 * 4 as Double).squareRoot())) <= 1e-15)

        var pytorch = try RMSProp<Double>(learningRate: 0.01, epsilon: 0.04, convention: .pytorch)
        var other = [Matrix<Double>(column: [1])]
        try pytorch.update(&other, with: [Matrix(column: [2])])
        #expect(abs(other[0][0, 0] - (1 - 0.01 * 2 / ((0.01 * 4 as Double).squareRoot() + 0.04))) <= 1e-15)

        // Centered (Graves): r = 0.1g², ḡ = 0.1g, r − ḡ² = 0.09g².
        var centered = try RMSProp<Double>(learningRate: 0.01, epsilon: 0, centered: true)
        var third = [Matrix<Double>(column: [1])]
        try centered.update(&third, with: [Matrix(column: [2])])
        #expect(abs(third[0][0, 0] - (1 - 0.01 / (0.09 as Double).squareRoot())) <= 1e-15)
    }

    @Test("Defaults: ρ 0.9 (PyTorch 0.99); ε 1e−6 (PyTorch and optax 1e−8, Keras 1e−7); where ε goes")
    func defaults() throws {
        let expected: [(Convention, Double, Double, EpsilonPlacement, MomentumForm)] = [
            (.paper, 0.9, 1e-6, .insideRoot, .velocity), (.pytorch, 0.99, 1e-8, .outsideRoot, .buffer),
            (.optax, 0.9, 1e-8, .insideRoot, .velocity), (.keras, 0.9, 1e-7, .insideRoot, .velocity),
        ]
        for (convention, decay, epsilon, placement, form) in expected {
            let optimizer = try RMSProp<Double>(convention: convention)
            #expect(optimizer.decay == decay && optimizer.epsilon == epsilon, "\(convention)")
            #expect(optimizer.epsilonPlacement == placement && optimizer.momentumForm == form, "\(convention)")
        }
        let nesterov = try RMSProp<Double>(momentum: 0.9, nesterov: true)
        #expect(nesterov.nesterov == .lookAhead && nesterov.epsilonPlacement == .outsideRoot)
        #expect(try RMSProp<Double>(momentum: 0.9, nesterov: true, convention: .optax).nesterov == .reformulated)
    }

    // MARK: - Nesterov (Alg. 8.6)

    @Test("Alg. 8.6 takes the gradient at θ + μv: update(_:with:) throws; the frameworks without it refuse")
    func nesterovNeedsTheOracle() throws {
        var optimizer = try RMSProp<Double>(momentum: 0.9, nesterov: true)
        var theta = [Matrix<Double>(column: [1])]
        let error = #expect(throws: OptimizerError.self) { try optimizer.update(&theta, with: [Matrix(column: [1])]) }
        guard case .incompatibleState = error else {
            Issue.record("expected incompatibleState, got \(String(describing: error))")
            return
        }
        #expect(optimizer.stepCount == 0)
        for convention in [Convention.pytorch, .keras] {
            let refusal = #expect(throws: OptimizerError.self) {
                try RMSProp<Double>(momentum: 0.9, nesterov: true, convention: convention)
            }
            guard case .invalidHyperparameter(_, "nesterov", _, let requirement) = refusal else {
                Issue.record("expected invalid nesterov, got \(String(describing: refusal))")
                continue
            }
            #expect(requirement.contains(convention.rawValue))
        }
        #expect(throws: OptimizerError.self) { try RMSProp<Double>(nesterov: true) }
    }

    @Test("Alg. 8.6 by hand: two steps, gradients asked at θ₀ and θ₁ + μv₁")
    func nesterovByHand() throws {
        // f = 2θ², ∇f = 4θ; η = 0.1, ρ = 0.9, μ = 0.5, δ = 0.01 outside the root.
        var optimizer = try RMSProp<Double>(learningRate: 0.1, epsilon: 0.01, momentum: 0.5, nesterov: true)
        var theta = [Matrix<Double>(column: [1])]
        var asked: [Double] = []
        for _ in 0..<2 {
            try optimizer.step(&theta) { point in
                asked.append(point[0][0, 0])
                return [point[0] * 4]
            }
        }
        let g1 = 4.0, r1 = 0.1 * g1 * g1
        let v1 = -0.1 * g1 / (r1.squareRoot() + 0.01), theta1 = 1 + v1
        let lookAhead = theta1 + 0.5 * v1, g2 = 4 * lookAhead
        let r2 = 0.9 * r1 + 0.1 * g2 * g2
        let v2 = 0.5 * v1 - 0.1 * g2 / (r2.squareRoot() + 0.01)
        #expect(asked.count == 2 && asked[0] == 1 && abs(asked[1] - lookAhead) <= 1e-15)
        #expect(abs(theta[0][0, 0] - (theta1 + v2)) <= 1e-15)
        #expect(abs(optimizer.state().buffers["velocity"]![0][0, 0] - v2) <= 1e-15)
    }

    @Test("With δ = 0, Alg. 8.6's look-ahead point θ + μv is optax's reformulated iterate, step by step")
    func lookAheadEqualsReformulated() throws {
        let fixture = try AdaptiveFirstSteps.load()
        var lookAhead = try RMSProp<Double>(learningRate: 0.01, epsilon: 0, momentum: 0.9, nesterov: true)
        var reformulated = try RMSProp<Double>(learningRate: 0.01, epsilon: 0, momentum: 0.9, nesterov: true, convention: .optax)
        var theta = try AdaptiveFirstSteps.start(Double.self)
        var y = theta
        for step in 1...30 {
            try lookAhead.step(&theta) { fixture.gradient($0) }
            try reformulated.update(&y, with: fixture.gradient(y))
            let velocity = try #require(lookAhead.state().buffers["velocity"])
            let point = zip(theta, velocity).flatMap { w, v in zip(w.elements, v.elements).map { $0 + 0.9 * $1 } }
            let error = relativeDifference(point, y.flatMap(\.elements))
            #expect(error <= 1e-13, "step \(step): \(error)")
        }
    }

    // MARK: - Momentum forms

    @Test("Buffer (PyTorch) and velocity (optax, Keras) forms agree at constant η and part when η changes")
    func momentumForms() throws {
        let fixture = try AdaptiveFirstSteps.load()
        // ε = 0 makes PyTorch's √r + ε and optax's √(r + ε) the same denominator.
        var buffer = try RMSProp<Double>(learningRate: 0.01, decay: 0.9, epsilon: 0, momentum: 0.9, convention: .pytorch)
        var velocity = try RMSProp<Double>(learningRate: 0.01, epsilon: 0, momentum: 0.9, convention: .optax)
        var keras = try RMSProp<Double>(learningRate: 0.01, epsilon: 0, momentum: 0.9, convention: .keras)
        var a = try AdaptiveFirstSteps.start(Double.self)
        var b = a
        var c = a
        for step in 1...10 {
            if step == 6 {
                try buffer.setValue(0.005, for: .learningRate)
                try velocity.setValue(0.005, for: .learningRate)
                try keras.setValue(0.005, for: .learningRate)
            }
            try buffer.update(&a, with: fixture.gradient(a))
            try velocity.update(&b, with: fixture.gradient(b))
            try keras.update(&c, with: fixture.gradient(c))
            let error = relativeDifference(a.flatMap(\.elements), b.flatMap(\.elements))
            // At constant η: v = −ηb, so the iterates agree to rounding.
            if step <= 5 { #expect(error <= 1e-14, "step \(step): \(error)") }
            // Halving η rescales PyTorch's whole buffer, but only new gradients in the velocity.
            if step == 6 { #expect(error >= 1e-4, "step 6: \(error)") }
            #expect(relativeDifference(c.flatMap(\.elements), b.flatMap(\.elements)) <= 1e-14, "Keras vs optax, step \(step)")
        }
    }

    @Test("Momentum scheduled to 0 runs plain RMSProp and keeps its buffer in the state")
    func momentumToZero() throws {
        var optimizer = try RMSProp<Double>(momentum: 0.5)
        var theta = [Matrix<Double>(column: [1])]
        try optimizer.update(&theta, with: [Matrix(column: [1])])
        try optimizer.setValue(0, for: .momentum)
        let before = theta[0][0, 0]
        try optimizer.update(&theta, with: [Matrix(column: [1])])
        let r2 = 0.9 * 0.1 + 0.1
        #expect(abs(theta[0][0, 0] - (before - 0.01 / (r2 + 1e-6).squareRoot())) <= 1e-15)
        #expect(optimizer.state().buffers.keys.sorted() == ["meanSquare", "velocity"])
    }

    // MARK: - State and errors

    @Test("Save, restore and continue equals an uninterrupted run, bit for bit (all buffers, Nesterov too)")
    func resume() throws {
        for convention in Convention.allCases {
            try expectResumeIsBitIdentical {
                try RMSProp<Double>(learningRate: 0.01, momentum: 0.8, centered: true, weightDecay: 0.01, convention: convention)
            }
        }
        try expectResumeIsBitIdentical {
            try RMSProp<Double>(learningRate: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        }
        try expectResumeIsBitIdentical {
            try RMSProp<Double>(learningRate: 0.01, momentum: 0.9, nesterov: true, convention: .optax)
        }
        try expectResumeIsBitIdentical { try RMSProp<Double>(learningRate: 0.01) }
        // A centered state does not fit a plain RMSProp.
        var centered = try RMSProp<Double>(centered: true)
        var theta = [Matrix<Double>(column: [1])]
        try centered.update(&theta, with: [Matrix(column: [1])])
        var plain = try RMSProp<Double>()
        #expect(throws: OptimizerError.self) { try plain.restore(from: centered.state()) }
    }

    @Test("Invalid hyperparameters throw")
    func invalidHyperparameters() throws {
        #expect(throws: OptimizerError.self) { try RMSProp<Double>(learningRate: -0.01) }
        #expect(throws: OptimizerError.self) { try RMSProp<Double>(decay: 1) }
        #expect(throws: OptimizerError.self) { try RMSProp<Double>(epsilon: -1) }
        #expect(throws: OptimizerError.self) { try RMSProp<Double>(momentum: 1) }
        #expect(throws: OptimizerError.self) { try RMSProp<Double>(weightDecay: .infinity) }
        var optimizer = try RMSProp<Float>()
        #expect(throws: OptimizerError.self) { try optimizer.setValue(-0.5, for: .momentum) }
        #expect(throws: OptimizerError.self) { try optimizer.setValue(0.5, for: .dampening) }
        try optimizer.setValue(0.95, for: .decay)
        #expect(optimizer.decay == 0.95)
    }

    @Test("Wrong gradient counts or shapes throw and do not count as a step; foreign states are refused")
    func shapes() throws {
        try expectShapeChecks { try RMSProp<Double>(momentum: 0.9, centered: true, convention: .pytorch) }
        try expectShapeChecks { try RMSProp<Double>(momentum: 0.9, nesterov: true) }
        try expectRefusesForeignState { try RMSProp<Double>() }
    }
}
