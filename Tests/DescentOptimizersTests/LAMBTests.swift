// LAMB against THEORY.md §12: the first step with and without bias
// correction, the clamp of ‖w‖ (not of the ratio) at 10, the notes' ε inside
// the square root; the ratio-1 rule, Keras's decoupled decay outside the
// ratio, per-tensor ratios, and resuming.
//
// Tolerances: THEORY.md's 10–13 digit values at 1e-9 relative (their
// printing error is < 5e-10 relative); closed forms evaluated here at 1e-14.

import DescentLinalg
import DescentOptimizers
import Testing

@Suite("LAMB (You et al. 2020)")
struct LAMBTests {
    typealias Check = AdaptiveChecks

    static let g = [Matrix<Double>(row: [0.3, 0.4])]

    /// One LAMB step from w with THEORY.md's g, β₁ = 0.9, β₂ = 0.999, λ = 0.01, η = 0.01.
    static func firstStep(
        from w: [Double], epsilon: Double = 1e-6, epsilonInsideRoot: Double = 0, biasCorrection: Bool? = nil,
        clamp: Double? = nil, convention: Convention = .paper
    ) throws -> (w: [Double], ratio: Double) {
        var lamb = try LAMB<Double>(
            learningRate: 0.01, epsilon: epsilon, epsilonInsideRoot: epsilonInsideRoot, weightDecay: 0.01,
            biasCorrection: biasCorrection, weightNormClamp: clamp, convention: convention)
        var parameters = [Matrix<Double>(row: w)]
        try lamb.update(&parameters, with: g)
        return (parameters[0].elements, lamb.trustRatios[0])
    }

    @Test(
        "With bias correction: trust = 3.4159445478, w₁ = (2.964815885022, 3.964474262101)",
        arguments: [Convention.paper, .optax])
    func biasCorrected(convention: Convention) throws {
        let step = try Self.firstStep(from: [3, 4], convention: convention)
        Check.expectClose(step.ratio, 3.4159445478, relative: 1e-9, "trust")
        Check.expectClose(step.w[0], 2.964815885022, relative: 1e-9, "w₁[0]")
        Check.expectClose(step.w[1], 3.964474262101, relative: 1e-9, "w₁[1]")
        // m̂ = g and v̂ = g² on the first step: r = g/(|g| + ε), u = r + λw, trust = ‖w‖/‖u‖.
        let u = [0.3 / 0.300001 + 0.03, 0.4 / 0.400001 + 0.04]
        let norm = (u[0] * u[0] + u[1] * u[1]).squareRoot()
        Check.expectClose(norm, 1.4637239949, relative: 1e-9, "‖u‖")
        Check.expectClose(step.ratio, 5 / norm, relative: 1e-14, "trust, closed form")
        Check.expectClose(step.w[0], 3 - 0.01 * 5 / norm * u[0], relative: 1e-14, "w₁[0], closed form")
    }

    @Test("Without bias correction (cybertronai, .pytorch): trust = 1.1058945790, w₁ = (2.964700460337, 3.964588949471)")
    func uncorrected() throws {
        for (biasCorrection, convention) in [(false, Convention.paper), (nil, .pytorch)] {
            let step = try Self.firstStep(from: [3, 4], biasCorrection: biasCorrection, convention: convention)
            Check.expectClose(step.ratio, 1.1058945790, relative: 1e-9, "trust \(convention)")
            Check.expectClose(step.w[0], 2.964700460337, relative: 1e-9, "w₁[0] \(convention)")
            Check.expectClose(step.w[1], 3.964588949471, relative: 1e-9, "w₁[1] \(convention)")
            // r = 0.1g/(√0.001·|g| + ε) = (3.161944361968, 3.162027679931).
            let r0 = 0.1 * 0.3 / (0.001.squareRoot() * 0.3 + 1e-6)
            Check.expectClose(r0, 3.161944361968, relative: 1e-9, "r[0]")
        }
    }

    @Test("‖w‖ = 50: trust 26.1712522960 unclamped; φ clamps ‖w‖ at 10, giving 10/1.9104932173 = 5.2342504592")
    func clamp() throws {
        let free = try Self.firstStep(from: [30, 40])
        Check.expectClose(free.ratio, 26.1712522960, relative: 1e-9, "unclamped")
        let clamped = try Self.firstStep(from: [30, 40], clamp: 10)
        Check.expectClose(clamped.ratio, 5.2342504592, relative: 1e-9, "clamped")
        Check.expectClose(clamped.ratio, 10 / 1.9104932173, relative: 1e-9, "10/‖u‖")
        // The clamp is on ‖w‖, not on the ratio: a ratio of 26 clamped at 10 would be 10.
        #expect(clamped.ratio < 10)
        // .pytorch clamps at 10 by default; .infinity turns the clamp off.
        #expect(try LAMB<Double>(convention: .pytorch).weightNormClamp == 10)
        #expect(try LAMB<Double>(weightNormClamp: .infinity, convention: .pytorch).weightNormClamp == nil)
        // Below the clamp nothing changes.
        let small = try Self.firstStep(from: [3, 4], clamp: 10)
        Check.expectClose(small.ratio, 3.4159445478, relative: 1e-9, "‖w‖ = 5 < 10")
    }

    @Test("The notes' S1 form m̂/√(v̂ + ε) gives r = (0.999994444491, 0.999996875015)")
    func epsilonInsideRoot() throws {
        var lamb = try LAMB<Double>(learningRate: 0.01, epsilon: 0, epsilonInsideRoot: 1e-6, weightDecay: 0)
        // With λ = 0, u = r; w = (3, 4) and trust = 5/‖r‖, so w₁ = w − 0.01·5·r/‖r‖.
        var w = [Matrix<Double>(row: [3, 4])]
        try lamb.update(&w, with: Self.g)
        let r = [0.999994444491, 0.999996875015]
        Check.expectClose(r[0], 0.3 / (0.09 + 1e-6).squareRoot(), relative: 1e-11, "r[0] closed form")
        Check.expectClose(r[1], 0.4 / (0.16 + 1e-6).squareRoot(), relative: 1e-11, "r[1] closed form")
        let norm = (r[0] * r[0] + r[1] * r[1]).squareRoot()
        Check.expectClose(lamb.trustRatios[0], 5 / norm, relative: 1e-9, "trust")
        Check.expectClose(w[0][0, 0], 3 - 0.05 * r[0] / norm, relative: 1e-11, "w₁[0]")
        Check.expectClose(w[0][0, 1], 4 - 0.05 * r[1] / norm, relative: 1e-11, "w₁[1]")
    }

    @Test("The trust ratio is 1 when ‖w‖ = 0 or ‖u‖ = 0 (no NaN)")
    func zeroNorms() throws {
        let zeroWeights = try Self.firstStep(from: [0, 0])
        #expect(zeroWeights.ratio == 1)
        Check.expectClose(zeroWeights.w[0], -0.01 * 0.3 / 0.300001, relative: 1e-14, "w = 0: w₁ = −ηr")
        var lamb = try LAMB<Double>(learningRate: 0.01)
        var w = [Matrix<Double>(row: [3, 4])]
        try lamb.update(&w, with: [Matrix(row: [0, 0])])  // r = 0 and λ = 0: u = 0
        #expect(lamb.trustRatios == [1])
        #expect(w[0] == Matrix(row: [3, 4]))
    }

    @Test("Keras: w ← w(1 − ηλ) first, then u = r with the ratio from the decayed ‖w‖; ε = 1e−7")
    func keras() throws {
        var lamb = try LAMB<Double>(learningRate: 0.01, weightDecay: 0.01, convention: .keras)
        #expect(lamb.epsilon == 1e-7)
        var w = [Matrix<Double>(row: [3, 4])]
        try lamb.update(&w, with: Self.g)
        let keep = 1 - 0.01 * 0.01
        let r = [0.3 / (0.3 + 1e-7), 0.4 / (0.4 + 1e-7)]
        let ratio = 5 * keep / (r[0] * r[0] + r[1] * r[1]).squareRoot()
        Check.expectClose(lamb.trustRatios[0], ratio, relative: 1e-14, "trust")
        Check.expectClose(w[0][0, 0], 3 * keep - 0.01 * ratio * r[0], relative: 1e-14, "w₁[0]")
        Check.expectClose(w[0][0, 1], 4 * keep - 0.01 * ratio * r[1], relative: 1e-14, "w₁[1]")
    }

    @Test("Each tensor gets its own ratio ‖w‖/‖u‖; every tensor moves by η‖w‖ when λ = 0")
    func perTensor() throws {
        let weights: [Matrix<Double>] = [Matrix([[0.3, -1.1], [2.5, 0.7]]), Matrix(column: [40, -30, 12])]
        let gradients: [Matrix<Double>] = [Matrix([[1, -2], [0.5, 3]]), Matrix(column: [1e-3, 2e-3, -5e-4])]
        var lamb = try LAMB<Double>(learningRate: 0.01)
        var w = weights
        try lamb.update(&w, with: gradients)
        #expect(lamb.trustRatios.count == 2)
        for index in weights.indices {
            // ‖Δw‖ = η·(‖w‖/‖u‖)·‖u‖ = η‖w‖.
            let step = (w[index] - weights[index]).frobeniusNorm
            Check.expectClose(step, 0.01 * weights[index].frobeniusNorm, relative: 1e-13, "tensor \(index)")
        }
        #expect(lamb.trustRatios[1] > 10 * lamb.trustRatios[0])
    }

    @Test("Save → restore → continue is bit-identical (Float and Double); bad hyperparameters throw")
    func resumeAndValidation() throws {
        try Check.expectResumesBitIdentically { try LAMB<Double>(learningRate: 0.05, weightDecay: 0.01) }
        try Check.expectResumesBitIdentically { try LAMB<Double>(learningRate: 0.05, convention: .pytorch) }
        try Check.expectResumesBitIdentically { try LAMB<Float>(learningRate: 0.05, weightDecay: 0.01, convention: .keras) }
        #expect(throws: OptimizerError.self) { try LAMB<Double>(weightNormClamp: 0) }
        #expect(throws: OptimizerError.self) { try LAMB<Double>(weightNormClamp: -3) }
        #expect(throws: OptimizerError.self) { try LAMB<Double>(epsilonInsideRoot: -1) }
        var lamb = try LAMB<Double>()
        #expect(throws: OptimizerError.self) { try lamb.setValue(0.1, for: .trustCoefficient) }
    }
}
