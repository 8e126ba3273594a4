// The lecture notes' worked examples, reproduced (values from THEORY.md §§10, 13).

import Testing

@testable import DescentNN

@Suite("The notes' worked examples")
struct WorkedExampleTests {
    // Slow learning (THEORY.md §13 item 3) is reproduced by SigmoidNeuronTests,
    // through the library's `SigmoidNeuron`.

    // MARK: - Exploding and vanishing products

    @Test(
        "hⁿ = diag(a, b)ⁿ·(1, 1) and ∂hⁿ/∂(a, b) = n·(aⁿ⁻¹, bⁿ⁻¹) (THEORY.md §13 item 13)",
        arguments: [
            (1.0, 2.0, 10, [1, 1024], [10, 5120]), (1, 2, 20, [1, 1_048_576], [20, 10_485_760]),
            (0.5, 0.9, 10, [9.765625e-4, 0.3486784401], [0.01953125, 3.87420489]),
            (0.5, 0.9, 50, [8.881784197e-16, 0.005153775207], [8.8818e-14, 0.2863208449]),
        ])
    func explodingAndVanishing(_ example: (Double, Double, Int, [Double], [Double])) {
        let (a, b, n, h, slope) = example
        let w = Tensor(variable: Matrix<Double>([[a, 0], [0, b]]))
        var state = Tensor(Matrix<Double>(column: [1, 1]))
        for _ in 0..<n { state = matmul(w, state) }
        for (computed, expected) in zip(state.value.elements, h) { #expect(abs(computed - expected) <= 1e-9 * expected) }
        let first = gradient(of: state.rows(0..<1).sum(), withRespectTo: [w])[0].value
        let second = gradient(of: state.rows(1..<2).sum(), withRespectTo: [w])[0].value
        #expect(abs(first[0, 0] - slope[0]) <= 1e-4 * slope[0] && first[1, 1] == 0)
        #expect(abs(second[1, 1] - slope[1]) <= 1e-9 * slope[1] && second[0, 0] == 0)
    }

    // MARK: - Activation variance through deep networks (THEORY.md §10)

    /// E[(zˡ)²] per layer of a width-n, `depth`-layer network on x ~ N(0, I), biases zero.
    static func secondMoments(
        width: Int, depth: Int, batch: Int, activation: ActivationFunction, initializer: Initializer, seed: UInt64
    ) throws -> (preActivationVariance: [Double], activationSecondMoment: [Double]) {
        var generator = testGenerator(seed)
        var z = Tensor(Matrix<Double>.randomNormal(rows: batch, columns: width, using: &generator))
        var variances: [Double] = []
        var moments: [Double] = []
        for _ in 0..<depth {
            let layer = try Dense<Double>(
                inputs: width, outputs: width, weightInitializer: initializer, biasInitializer: nil, using: &generator)
            let a = layer(z)
            let mean = a.value.mean()
            variances.append(a.value.map { ($0 - mean) * ($0 - mean) }.mean())
            z = activation.apply(to: a)
            moments.append(z.value.map { $0 * $0 }.mean())
        }
        return (variances, moments)
    }

    @Test func heInitializationKeepsTheReLUSecondMomentNearOne() throws {
        // Theory: E[(zˡ)²] = 1 at every layer. Finite-width spread is large (std ≈ 0.29 per
        // draw at n = 256, L = 10), so average 40 seeds: std of the mean ≈ 0.045; band ±15%.
        var last: [Double] = []
        for seed in 0..<40 {
            last.append(
                try Self.secondMoments(
                    width: 256, depth: 10, batch: 200, activation: .relu, initializer: .heNormal, seed: UInt64(seed)
                )
                .activationSecondMoment[9])
        }
        let mean = last.reduce(0, +) / Double(last.count)
        #expect(abs(mean - 1) < 0.15, "mean E[z₁₀²] over 40 seeds = \(mean)")
    }

    @Test func badScalesExplodeOrCollapseAndGlorotHalvesPerReLULayer() throws {
        let large = try Self.secondMoments(
            width: 256, depth: 10, batch: 100, activation: .relu, initializer: .normal(standardDeviation: 1), seed: 1)
        let small = try Self.secondMoments(
            width: 256, depth: 10, batch: 100, activation: .relu, initializer: .normal(standardDeviation: 0.01), seed: 1)
        // Factor per layer ½·n·σ² = 128 and 0.0128: after 10 layers ≈ 1e21 and ≈ 1e−19.
        #expect(large.activationSecondMoment[9] > 1e18)
        #expect(small.activationSecondMoment[9] < 1e-16)
        // Glorot N(0, 1/n) with fan-in = fan-out: E[(zˡ)²] = 2⁻ˡ; layer 1 observed 0.5006 (tolerance 5%).
        let glorot = try Self.secondMoments(
            width: 512, depth: 5, batch: 1000, activation: .relu, initializer: .glorotNormal, seed: 3)
        #expect(abs(glorot.activationSecondMoment[0] / 0.5 - 1) < 0.05)
        #expect(abs(glorot.activationSecondMoment[4] / 0.03125 - 1) < 0.35)  // finite-width spread, as for He
    }

    @Test func tanhWithLeCunVarianceFollowsTheMeanFieldRecursion() throws {
        // q₁ = 1, q_{l+1} = E[tanh²(√q_l Z)] (Gauss–Hermite); THEORY.md §10 table, tolerance 5%.
        let result = try Self.secondMoments(
            width: 512, depth: 10, batch: 1000, activation: .tanh, initializer: .lecunNormal, seed: 4)
        for (layer, q) in [(1, 1.0), (2, 0.394294), (3, 0.236450), (5, 0.127905), (10, 0.058012)] {
            #expect(abs(result.preActivationVariance[layer - 1] / q - 1) < 0.05, "layer \(layer)")
        }
    }

    // MARK: - A network's exact Hessian

    @Test func twoLayerMLPHessianMatchesFiniteDifferencesAndIsSymmetric() throws {
        var generator = testGenerator(12)
        let x = Matrix<Double>.randomNormal(rows: 7, columns: 3, using: &generator)
        let labels = [0, 1, 1, 0, 1, 0, 0]
        let model = Sequential<Double>([
            try Dense(inputs: 3, outputs: 5, using: &generator), Activation(.tanh),
            try Dense(inputs: 5, outputs: 2, using: &generator),
        ])
        let point = model.parameters.map(\.value)
        let loss: Function = { p in
            var copy = model
            copy.parameters = p  // the model computes with the given tensors
            return Loss.softmaxCrossEntropy(copy(Tensor(x), mode: .training), labels: labels)
        }
        let variables = point.map { Tensor(variable: $0) }
        let hessian = HessianOperator(of: loss(variables), withRespectTo: variables).fullHessian(directionsPerSweep: 8)
        let p = hessian.rows
        #expect(p == model.parameterCount && p == 32)
        // Finite-difference Hessian: column j is (∇f(w + h·eⱼ) − ∇f(w − h·eⱼ)) / 2h.
        var columns: [[Double]] = []
        for j in 0..<p {
            var unit = [Double](repeating: 0, count: p)
            unit[j] = 1
            var offset = 0
            let direction = point.map { m -> Matrix<Double> in
                defer { offset += m.count }
                return Matrix(rows: m.rows, columns: m.columns, elements: Array(unit[offset..<offset + m.count]))
            }
            columns.append(finiteDifferenceHessianVectorProduct(loss, at: point, along: direction).flatMap(\.elements))
        }
        let reference = Matrix(rows: p, columns: p) { i, j in columns[j][i] }
        #expect(relativeError([hessian], [reference]) < 1e-6)
        #expect(nrm2(hessian - hessian.transposed()) <= 1e-14 * nrm2(hessian))
    }
}
