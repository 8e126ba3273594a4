// LARS against THEORY.md §12 (λ = 0.005/0.5025, w₁ = (2.997, 3.996)), the
// norm identity ‖Δw‖ = γη‖w‖ when g ∥ w, the ratio-1 rule at zero norms under
// the paper's and optax's trust ratios, the two momentum storage forms, the
// plain-SGD limit without adaptation, Nesterov, and resuming.
//
// Tolerances: closed forms at 1e-14 relative (a handful of roundings), 1e-11
// for step norms recovered as w₁ − w₀ (the step is 1e−3 of w);
// THEORY.md's printed λ = 0.0099502488 at half a unit of its last digit.

import DescentLinalg
import DescentOptimizers
import Testing

@Suite("LARS (You, Gitman & Ginsburg 2017)")
struct LARSTests {
    typealias Check = AdaptiveChecks

    @Test("THEORY.md §12: w = (3, 4), g = (0.3, 0.4), η = 1e−3, β = 5e−4, γ = 1 → λ = 0.0099502488, w₁ = (2.997, 3.996)")
    func theoryExample() throws {
        for convention in [Convention.paper, .pytorch, .keras] {
            var lars = try LARS<Double>(
                learningRate: 1, weightDecay: 5e-4, trustCoefficient: 1e-3, epsilon: 0, convention: convention)
            var w = [Matrix<Double>(row: [3, 4])]
            try lars.update(&w, with: [Matrix(row: [0.3, 0.4])])
            let ratio = try #require(lars.trustRatios.first)
            Check.expectClose(ratio, 0.005 / 0.5025, relative: 1e-14, "λ \(convention)")
            Check.expectWithin(ratio, 0.0099502488, absolute: 5e-11, "λ as printed")
            Check.expectClose(w[0][0, 0], 2.997, relative: 1e-14, "w₁[0] \(convention)")
            Check.expectClose(w[0][0, 1], 3.996, relative: 1e-14, "w₁[1] \(convention)")
            // The state holds v = −(0.003, 0.004) (velocity, w ← w + v) or b = (0.003, 0.004) (buffer, w ← w − γb).
            let slot = convention == .pytorch ? "buffer" : "velocity"
            let stored = try #require(lars.state().buffers[slot]?.first)
            let sign = convention == .pytorch ? 1.0 : -1.0
            Check.expectClose(stored[0, 0], sign * 0.003, relative: 1e-13, "state[0]")
            Check.expectClose(stored[0, 1], sign * 0.004, relative: 1e-13, "state[1]")
        }
    }

    @Test("When g ∥ w, every tensor moves by γ·η·‖w‖ on the first step, whatever the scales")
    func normIdentity() throws {
        let weights: [Matrix<Double>] = [Matrix([[0.3, -1.1], [2.5, 0.7], [-0.2, 0.9]]), Matrix(column: [40, -30])]
        let factors = [7.3, 0.002]  // g = c·w, with gradients of very different sizes
        for convention in [Convention.paper, .pytorch, .keras] {
            var lars = try LARS<Double>(
                learningRate: 0.5, weightDecay: 0.01, trustCoefficient: 1e-3, epsilon: 0, convention: convention)
            var w = weights
            try lars.update(&w, with: zip(weights, factors).map { weight, c in weight.map { c * $0 } })
            for index in weights.indices {
                let step = (w[index] - weights[index]).frobeniusNorm
                // Δw is 1e−3 of w, so the subtraction leaves ≈ 1e3 ulps of relative error.
                Check.expectClose(step, 0.5 * 1e-3 * weights[index].frobeniusNorm, relative: 1e-11, "tensor \(index)")
            }
        }
    }

    @Test("λ = 1 when ‖w‖ = 0 or ‖g‖ = 0; optax's ratio uses ‖g + βw‖ instead of ‖g‖ + β‖w‖")
    func zeroNorms() throws {
        // w = 0: λ = 1, so w₁ = −γg under every convention.
        for convention in Convention.allCases {
            var lars = try LARS<Double>(learningRate: 0.5, momentum: 0, weightDecay: 0.1, convention: convention)
            var w = [Matrix<Double>(row: [0, 0])]
            try lars.update(&w, with: [Matrix(row: [0.3, -0.4])])
            #expect(lars.trustRatios == [1])
            #expect(w[0] == Matrix(row: [-0.15, 0.2]))
        }
        // g = 0, w ≠ 0, β > 0. Paper, timm: ‖g‖ = 0 → λ = 1, a plain decay step w − γβw.
        // optax: ‖g + βw‖ = β‖w‖ > 0 → λ = η/β, and the step is γη·w.
        let w0 = Matrix<Double>(row: [3, 4])
        for convention in Convention.allCases {
            var lars = try LARS<Double>(
                learningRate: 0.5, momentum: 0, weightDecay: 0.1, trustCoefficient: 1e-3, convention: convention)
            var w = [w0]
            try lars.update(&w, with: [Matrix(row: [0, 0])])
            let shrink = convention == .optax ? 0.5 * 1e-3 : 0.5 * 0.1
            Check.expectClose(w[0][0, 0], 3 * (1 - shrink), relative: 1e-14, "w₁[0] \(convention)")
            Check.expectClose(w[0][0, 1], 4 * (1 - shrink), relative: 1e-14, "w₁[1] \(convention)")
        }
        // optax's ratio against the paper's on an ordinary step: η‖w‖/‖g + βw‖ vs η‖w‖/(‖g‖ + β‖w‖).
        var optax = try LARS<Double>(learningRate: 1, weightDecay: 0.5, convention: .optax)
        var paper = try LARS<Double>(learningRate: 1, weightDecay: 0.5)
        var a = [w0], b = [w0]
        let g = [Matrix<Double>(row: [0.4, -0.3])]
        try optax.update(&a, with: g)
        try paper.update(&b, with: g)
        let decayed = Matrix<Double>(row: [0.4 + 1.5, -0.3 + 2]).frobeniusNorm
        Check.expectClose(optax.trustRatios[0], 1e-3 * 5 / decayed, relative: 1e-14, "optax λ")
        Check.expectClose(paper.trustRatios[0], 1e-3 * 5 / (0.5 + 2.5), relative: 1e-14, "paper λ")
    }

    @Test("Velocity and buffer forms agree at constant γ and differ after γ changes")
    func momentumForms() throws {
        let g1 = [Matrix<Double>(row: [0.3, 0.4])], g2 = [Matrix<Double>(row: [-0.1, 0.2])]
        var velocity = try LARS<Double>(learningRate: 1, momentum: 0.9, trustCoefficient: 0.01, convention: .paper)
        var buffer = try LARS<Double>(
            learningRate: 1, momentum: 0.9, trustCoefficient: 0.01, epsilon: 0, convention: .pytorch)
        #expect(velocity.momentumForm == .velocity && buffer.momentumForm == .buffer)
        var a = [Matrix<Double>(row: [3, 4])], b = a
        try velocity.update(&a, with: g1)
        try buffer.update(&b, with: g1)
        #expect(a == b)
        // Step 1 moved by s₁ = γλ₁g₁. With γ → 0.1 on step 2 (λ₂ computed at w₁):
        // velocity: w₂ = w₁ + 0.9·(−s₁) − 0.1·λ₂g₂; buffer: w₂ = w₁ − 0.1·(0.9·λ₁g₁ + λ₂g₂).
        let w1 = a[0], lambda1 = velocity.trustRatios[0]
        try velocity.setValue(0.1, for: .learningRate)
        try buffer.setValue(0.1, for: .learningRate)
        try velocity.update(&a, with: g2)
        try buffer.update(&b, with: g2)
        let lambda2 = 0.01 * w1.frobeniusNorm / g2[0].frobeniusNorm
        for i in 0..<2 {
            let s1 = lambda1 * g1[0][0, i], s2 = lambda2 * g2[0][0, i]
            Check.expectClose(a[0][0, i], w1[0, i] - 0.9 * s1 - 0.1 * s2, relative: 1e-14, "velocity w₂[\(i)]")
            Check.expectClose(b[0][0, i], w1[0, i] - 0.1 * (0.9 * s1 + s2), relative: 1e-14, "buffer w₂[\(i)]")
        }
    }

    @Test("Without layer adaptation LARS is momentum SGD with coupled decay, bit for bit")
    func withoutAdaptation() throws {
        let (initial, gradient) = Check.problem(Double.self)
        var lars = try LARS<Double>(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01, layerAdaptation: false)
        var sgd = try SGD<Double>(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01)
        var a = initial, b = initial
        try Check.run(&lars, &a, steps: 6, gradient: gradient)
        try Check.run(&sgd, &b, steps: 6, gradient: gradient)
        #expect(a == b)
        #expect(lars.trustRatios == [1, 1])
    }

    @Test("Nesterov (reformulated): the first step is (1 + μ) times the heavy-ball step")
    func nesterov() throws {
        for convention in [Convention.optax, .pytorch] {
            var lars = try LARS<Double>(
                learningRate: 1, momentum: 0.9, epsilon: 0, nesterov: true, convention: convention)
            var w = [Matrix<Double>(row: [3, 4])]
            try lars.update(&w, with: [Matrix(row: [0.3, 0.4])])
            // λ = 1e−3·5/0.5 = 0.01, heavy-ball step λg = (0.003, 0.004).
            Check.expectClose(w[0][0, 0], 3 - 1.9 * 0.003, relative: 1e-14, "w₁[0] \(convention)")
            Check.expectClose(w[0][0, 1], 4 - 1.9 * 0.004, relative: 1e-14, "w₁[1] \(convention)")
        }
    }

    @Test("Save → restore → continue is bit-identical (Float and Double); bad hyperparameters throw")
    func resumeAndValidation() throws {
        try Check.expectResumesBitIdentically { try LARS<Double>(learningRate: 0.5, weightDecay: 0.01) }
        try Check.expectResumesBitIdentically {
            try LARS<Double>(learningRate: 0.5, weightDecay: 0.01, nesterov: true, convention: .pytorch)
        }
        try Check.expectResumesBitIdentically { try LARS<Float>(learningRate: 0.5, convention: .optax) }
        #expect(throws: OptimizerError.self) { try LARS<Double>(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try LARS<Double>(learningRate: 1, momentum: 1) }
        #expect(throws: OptimizerError.self) { try LARS<Double>(learningRate: 1, trustCoefficient: .infinity) }
        #expect(try LARS<Double>(learningRate: 1, convention: .pytorch).epsilon == 1e-8)
    }
}
