// RAdam: the length of the approximated SMA ρₜ and the rectification rₜ
// against 30-digit values, the step at which each convention switches from
// the momentum step to the rectified adaptive step, the first seven iterates
// on f = ½θ² against a scalar transcription of Liu et al.'s Alg. 2, ε
// placement, decay and resuming.
//
// Constants: ρₜ and rₜ at β₂ = 0.999 were computed with mpmath at 30 digits by
// scripts/make_framework_convention_fixtures.py (printed at the end of its run).
// Tolerances: ρₜ is a difference of two numbers near 2000, so Double loses
// about 3 digits: 1e-9 relative. Iterates: 1e-12 relative (a few roundings
// per step, plus rₜ's 1e-12 error times a step of 0.1·rₜ). Float: 1e-6.

import DescentLinalg
import DescentOptimizers
import Foundation
import Testing

@Suite("RAdam (Liu et al. 2020)")
struct RAdamTests {
    typealias Check = AdaptiveChecks

    /// ρₜ and rₜ at β₂ = 0.999 (mpmath, 30 digits).
    static let rho: [Int: Double] = [
        1: 1, 2: 1.999499749874937468734367, 3: 2.998665999777777851925975, 4: 3.997498749875437968984367,
        5: 4.995998000401601199999119, 6: 5.994163751656717318656341, 7: 6.991996004008002277417429,
    ]
    static let rectification: [Int: Double] = [
        5: 0.01731150316637955625098125, 6: 0.02582111280186521637784351, 7: 0.03273881441005946975736216,
    ]

    @Test("ρ∞ = 1999, ρ₁ = 1, and ρₜ, rₜ against mpmath")
    func rectificationTerms() throws {
        let radam = try RAdam<Double>()
        for t in 1...7 {
            Check.expectClose(radam.smaLength(atStep: t), Self.rho[t]!, relative: 1e-9, "ρ\(t)")
        }
        Check.expectClose(radam.smaLength(atStep: 1_000_000), 1999, relative: 1e-12, "ρ∞")
        for t in 5...7 {
            Check.expectClose(try #require(radam.rectification(atStep: t)), Self.rectification[t]!, relative: 1e-9, "r\(t)")
        }
    }

    @Test(
        "The adaptive step starts at t = 5 under the paper's ρₜ > 4 and at t = 6 under the frameworks' 5",
        arguments: [(Convention.paper, 5), (.pytorch, 6), (.optax, 6), (.keras, 6)])
    func switchOver(convention: Convention, firstAdaptiveStep: Int) throws {
        let radam = try RAdam<Double>(convention: convention)
        #expect(radam.threshold == (convention == .paper ? 4 : 5))
        for t in 1..<firstAdaptiveStep { #expect(radam.rectification(atStep: t) == nil, "t = \(t)") }
        for t in firstAdaptiveStep...(firstAdaptiveStep + 3) { #expect(radam.rectification(atStep: t) != nil, "t = \(t)") }
    }

    @Test("optax and TF-Addons compare ρₜ ≥ threshold, the paper and PyTorch ρₜ > threshold")
    func comparison() throws {
        let rho6 = try RAdam<Double>().smaLength(atStep: 6)
        for convention in Convention.allCases {
            let radam = try RAdam<Double>(threshold: rho6, convention: convention)
            let inclusive = convention == .optax || convention == .keras
            #expect((radam.rectification(atStep: 6) != nil) == inclusive, "\(convention)")
        }
    }

    /// θ₁…θ₇ on f = ½θ² from θ₀ = 1 by Alg. 2 written out for one scalar, with
    /// rₜ from the mpmath table; `pytorchEpsilon` adds ε to √v instead of √v̂.
    static func reference(firstAdaptiveStep: Int, epsilon: Double, pytorchEpsilon: Bool) -> [Double] {
        var theta = 1.0, m = 0.0, v = 0.0
        var result: [Double] = []
        for t in 1...7 {
            let g = theta
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - pow(0.9, Double(t)))
            let c2 = 1 - pow(0.999, Double(t))
            if t >= firstAdaptiveStep, let r = rectification[t] {
                let denominator = pytorchEpsilon ? (v.squareRoot() + epsilon) / c2.squareRoot() : (v / c2).squareRoot() + epsilon
                theta -= 0.1 * r * mHat / denominator
            } else {
                theta -= 0.1 * mHat
            }
            result.append(theta)
        }
        return result
    }

    @Test(
        "θ₁…θ₇ on f = ½θ²: momentum steps, then rectified steps (ε = 0.1 to expose its placement)",
        arguments: [(Convention.paper, 5), (.pytorch, 6), (.optax, 6)])
    func iterates(convention: Convention, firstAdaptiveStep: Int) throws {
        for epsilon in [1e-8, 0.1] {
            var radam = try RAdam<Double>(learningRate: 0.1, epsilon: epsilon, convention: convention)
            var theta = [Matrix<Double>(column: [1])]
            let expected = Self.reference(
                firstAdaptiveStep: firstAdaptiveStep, epsilon: epsilon, pytorchEpsilon: convention == .pytorch)
            for t in 1...7 {
                try radam.update(&theta, with: theta)
                Check.expectClose(theta[0][0, 0], expected[t - 1], relative: 1e-12, "θ\(t), ε = \(epsilon)")
            }
        }
        // The first two steps in closed form: θ₁ = 1 − 0.1·1, θ₂ = 0.9 − 0.1·(0.09 + 0.09)/0.19.
        var radam = try RAdam<Double>(learningRate: 0.1, convention: convention)
        var theta = [Matrix<Double>(column: [1])]
        try radam.update(&theta, with: theta)
        Check.expectClose(theta[0][0, 0], 0.9, relative: 1e-15, "θ₁")
        try radam.update(&theta, with: theta)
        Check.expectClose(theta[0][0, 0], 0.9 - 0.1 * 0.18 / 0.19, relative: 1e-15, "θ₂")
    }

    @Test("PyTorch's ε on √vₜ and optax's ε on √v̂ₜ agree until the first rectified step, then differ")
    func epsilonPlacement() throws {
        var pytorch = try RAdam<Double>(learningRate: 0.1, epsilon: 0.1, convention: .pytorch)
        var optax = try RAdam<Double>(learningRate: 0.1, epsilon: 0.1, convention: .optax)
        var a = [Matrix<Double>(column: [1])], b = a
        for t in 1...6 {
            try pytorch.update(&a, with: a)
            try optax.update(&b, with: b)
            if t < 6 {
                #expect(a == b, "t = \(t)")
            } else {
                #expect(abs(a[0][0, 0] - b[0][0, 0]) > 1e-4, "t = 6")
            }
        }
    }

    @Test("The iterates in Float")
    func iteratesFloat() throws {
        let expected = Self.reference(firstAdaptiveStep: 5, epsilon: 1e-8, pytorchEpsilon: false)
        try Check.expectHalfSquareIterates(of: { try RAdam<Float>(learningRate: 0.1) }, expected, relative: 1e-6)
    }

    @Test("Decoupled decay (Keras's default) shrinks θ by 1 − ηλ under a zero gradient in both regimes")
    func decoupledDecay() throws {
        var radam = try RAdam<Double>(learningRate: 0.1, weightDecay: 0.1, convention: .keras)
        #expect(radam.decoupledWeightDecay && radam.epsilon == 1e-7)
        var theta = [Matrix<Double>(column: [1])]
        for t in 1...8 {
            try radam.update(&theta, with: [Matrix(column: [0])])
            Check.expectClose(theta[0][0, 0], pow(0.99, Double(t)), relative: 1e-14, "θ\(t)")
        }
        // Coupled: the first step is the momentum step with g = λθ₀.
        var coupled = try RAdam<Double>(learningRate: 0.1, weightDecay: 0.1)
        var other = [Matrix<Double>(column: [1])]
        try coupled.update(&other, with: [Matrix(column: [0])])
        Check.expectClose(other[0][0, 0], 0.99, relative: 1e-15, "coupled θ₁")
    }

    @Test("Save → restore → continue is bit-identical across the switch-over (Float and Double)")
    func resume() throws {
        try Check.expectResumesBitIdentically { try RAdam<Double>(learningRate: 0.05, weightDecay: 0.01) }
        try Check.expectResumesBitIdentically(
            { try RAdam<Double>(learningRate: 0.05, weightDecay: 0.01, convention: .pytorch) }, before: 5, after: 4)
        try Check.expectResumesBitIdentically { try RAdam<Float>(learningRate: 0.05, convention: .keras) }
    }

    @Test("A threshold below 4 (rₜ not real) and out-of-range hyperparameters throw")
    func validation() throws {
        #expect(throws: OptimizerError.self) { try RAdam<Double>(threshold: 3) }
        #expect(throws: OptimizerError.self) { try RAdam<Double>(beta2: 1) }
        #expect(throws: OptimizerError.self) { try RAdam<Double>(epsilon: -1) }
        var radam = try RAdam<Double>()
        #expect(throws: OptimizerError.self) { try radam.setValue(0.1, for: .momentum) }
    }
}
