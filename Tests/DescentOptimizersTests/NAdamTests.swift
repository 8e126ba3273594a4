// NAdam against THEORY.md §12's table (Dozat's schedule as PyTorch implements
// it), closed-form first steps for optax's constant-μ form and Keras's 0.96ᵗ
// schedule, decoupled decay, the saved running product Πμᵢ, and resuming.
//
// Tolerances as in AdamTests: 1e-9 relative against THEORY.md's 12-digit
// values (printing error < 5e-12 relative), 1e-14 against closed forms
// evaluated here, 1e-6 in Float.

import DescentLinalg
import DescentOptimizers
import Foundation
import Testing

@Suite("NAdam (THEORY.md §12)")
struct NAdamTests {
    typealias Check = AdaptiveChecks

    /// THEORY.md §12: f = ½θ², θ₀ = 1, lr = 0.1, β = (0.9, 0.999), ε = 1e−8, ψ = 0.004.
    static let table: [(mu: Double, muNext: Double, mHat: Double, theta: Double)] = [
        (0.450073473591, 0.450146935186, 1.056451778355, 0.894354823221),
        (0.450146935186, 0.450220384787, 0.705602263331, 0.819973071532),
        (0.450220384787, 0.450293822395, 0.610389389449, 0.752729267616),
    ]

    @Test("μₜ, μₜ₊₁, m̂ₜ and θₜ for t = 1…3", arguments: [Convention.paper, .pytorch])
    func table(convention: Convention) throws {
        var nadam = try NAdam<Double>(learningRate: 0.1, convention: convention)
        #expect(nadam.learningRate == 0.1 && nadam.epsilon == 1e-8 && nadam.momentumDecay == 0.004)
        var theta = [Matrix<Double>(column: [1])]
        var product = 1.0
        for (index, row) in Self.table.enumerated() {
            let t = index + 1
            Check.expectClose(nadam.momentum(atStep: t), row.mu, relative: 1e-9, "μ\(t)")
            Check.expectClose(nadam.momentum(atStep: t + 1), row.muNext, relative: 1e-9, "μ\(t + 1)")
            let gradient = theta[0][0, 0]
            try nadam.update(&theta, with: theta)
            Check.expectClose(theta[0][0, 0], row.theta, relative: 1e-9, "θ\(t)")
            // m̂ₜ rebuilt from the saved state: Πₜ is a scalar, m a buffer.
            let state = nadam.state()
            let saved = try #require(state.scalars["momentumProduct"])
            product *= row.mu
            Check.expectClose(saved, product, relative: 1e-9, "Π\(t)")
            let m = try #require(state.buffers["firstMoment"]?.first)[0, 0]
            let mHat = row.muNext * m / (1 - saved * row.muNext) + (1 - row.mu) * gradient / (1 - saved)
            Check.expectClose(mHat, row.mHat, relative: 1e-9, "m̂\(t)")
        }
    }

    @Test("The table in Float")
    func tableFloat() throws {
        try Check.expectHalfSquareIterates(of: { try NAdam<Float>(learningRate: 0.1) }, Self.table.map(\.theta), relative: 1e-6)
    }

    @Test("The schedule starts near β₁/2 and approaches β₁; ψ = 0 holds it at β₁/2")
    func schedule() throws {
        let nadam = try NAdam<Double>()
        #expect(nadam.momentum(atStep: 1) < 0.46)
        Check.expectClose(nadam.momentum(atStep: 100_000), 0.9, relative: 1e-6, "μ∞")
        let flat = try NAdam<Double>(momentumDecay: 0)
        #expect(flat.momentum(atStep: 1) == 0.45 && flat.momentum(atStep: 50) == 0.45)
    }

    @Test("optax: constant μ = β₁, so θ₁ = 1 − 0.1·(1 + 2β₁)/(1 + β₁)/(1 + ε)")
    func optaxFirstStep() throws {
        // m₁ = (1−β₁)g, m̂₁ = β₁m₁/(1−β₁²) + (1−β₁)g/(1−β₁) = g(1 + 2β₁)/(1 + β₁); v̂₁ = g².
        var nadam = try NAdam<Double>(learningRate: 0.1, convention: .optax)
        #expect(nadam.momentum(atStep: 1) == 0.9 && nadam.momentum(atStep: 7) == 0.9)
        var theta = [Matrix<Double>(column: [1])]
        try nadam.update(&theta, with: theta)
        Check.expectClose(theta[0][0, 0], 1 - 0.1 * (2.8 / 1.9) / (1 + 1e-8), relative: 1e-14, "θ₁")
    }

    @Test("Keras: μₜ = β₁(1 − ½·0.96ᵗ) (ψ = 1), η = 1e−3 and ε = 1e−7 by default")
    func kerasFirstStep() throws {
        var nadam = try NAdam<Double>(convention: .keras)
        #expect(nadam.learningRate == 1e-3 && nadam.epsilon == 1e-7 && nadam.momentumDecay == 1)
        #expect(nadam.decoupledWeightDecay)
        let mu1 = 0.9 * (1 - 0.5 * 0.96), mu2 = 0.9 * (1 - 0.5 * 0.96 * 0.96)
        Check.expectClose(nadam.momentum(atStep: 1), mu1, relative: 1e-15, "μ₁ = 0.468")
        Check.expectClose(nadam.momentum(atStep: 2), mu2, relative: 1e-15, "μ₂")
        try nadam.setValue(0.1, for: .learningRate)
        var theta = [Matrix<Double>(column: [1])]
        try nadam.update(&theta, with: theta)
        let mHat = mu2 * 0.1 / (1 - mu1 * mu2) + (1 - mu1) / (1 - mu1)
        Check.expectClose(theta[0][0, 0], 1 - 0.1 * mHat / (1 + 1e-7), relative: 1e-14, "θ₁")
    }

    @Test("Decoupled decay shrinks θ by 1 − ηλ under a zero gradient; coupled L2 is normalised")
    func decay() throws {
        let zero = [Matrix<Double>(column: [0])]
        var decoupled = try NAdam<Double>(learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: true)
        var coupled = try NAdam<Double>(learningRate: 0.1, weightDecay: 0.1)
        var a = [Matrix<Double>(column: [1])], b = a
        var expected = 1.0
        for _ in 0..<3 {
            try decoupled.update(&a, with: zero)
            try coupled.update(&b, with: zero)
            expected *= 0.99
            Check.expectClose(a[0][0, 0], expected, relative: 1e-14, "decoupled")
        }
        // Coupled: g = λθ is normalised, so by scale invariance the iterates are
        // THEORY's table (g = θ) up to ε, whose relative weight is 10× larger here (≈ 1e−7).
        Check.expectClose(b[0][0, 0], Self.table[2].theta, relative: 1e-6, "coupled θ₃")
    }

    // MARK: - State and validation

    @Test("Save → restore → continue is bit-identical, Πμᵢ included (Float and Double)")
    func resume() throws {
        try Check.expectResumesBitIdentically { try NAdam<Double>(learningRate: 0.05, weightDecay: 0.01) }
        try Check.expectResumesBitIdentically { try NAdam<Double>(learningRate: 0.05, convention: .keras) }
        try Check.expectResumesBitIdentically { try NAdam<Double>(learningRate: 0.05, convention: .optax) }
        try Check.expectResumesBitIdentically { try NAdam<Float>(learningRate: 0.05, decoupledWeightDecay: true) }
    }

    @Test("A state without Πμᵢ, or from another method, is refused; bad hyperparameters throw")
    func validation() throws {
        var nadam = try NAdam<Double>(learningRate: 0.1)
        var theta = [Matrix<Double>(column: [1])]
        try nadam.update(&theta, with: theta)
        var state = nadam.state()
        state.scalars = [:]
        var other = try NAdam<Double>()
        #expect(throws: OptimizerError.self) { try other.restore(from: state) }
        var adam = try Adam<Double>()
        #expect(throws: OptimizerError.self) { try adam.restore(from: nadam.state()) }
        #expect(throws: OptimizerError.self) { try NAdam<Double>(momentumDecay: -1) }
        #expect(throws: OptimizerError.self) { try NAdam<Double>(beta1: 1) }
        #expect(throws: OptimizerError.self) { try nadam.setValue(.nan, for: .learningRate) }
        #expect(throws: OptimizerError.self) { try nadam.setValue(0.5, for: .momentum) }
    }
}
