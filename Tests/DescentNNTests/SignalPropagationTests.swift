// Mean-field predictions of the per-layer second moments (THEORY.md §10), and
// the per-layer statistics a network's forward pass gives.

import Testing

@testable import DescentNN

@Suite("Signal propagation at initialization")
struct SignalPropagationTests {
    @Test("tanh with Var(W) = 1/n: q = 1, 0.394294, 0.236450, 0.127905, 0.058012, 0.027286 at layers 1, 2, 3, 5, 10, 20")
    func tanhMeanField() {
        let q = SignalPropagation(gains: Array(repeating: 1, count: 20), activation: .tanh).preActivationVariances
        // THEORY.md §10 gives 6 decimals (101-node Gauss–Hermite).
        for (layer, expected) in [(1, 1.0), (2, 0.394294), (3, 0.236450), (5, 0.127905), (10, 0.058012), (20, 0.027286)] {
            #expect(abs(q[layer - 1] - expected) < 1e-6, "layer \(layer): \(q[layer - 1])")
        }
    }

    @Test("tanh with the standard U[±1/√n] (gain 1/3) and with Var(W) = 2/n (gain 2), layers 1–6; the gain-2 fixed point")
    func tanhOtherGains() {
        let standard = SignalPropagation(gains: Array(repeating: 1.0 / 3, count: 6), activation: .tanh).preActivationVariances
        for (computed, expected) in zip(standard, [0.333333, 0.070625, 0.020750, 0.006645, 0.002186, 0.000726]) {
            #expect(abs(computed - expected) < 1e-6)
        }
        let doubled = SignalPropagation(gains: Array(repeating: 2, count: 200), activation: .tanh).preActivationVariances
        for (computed, expected) in zip(doubled, [2.0, 1.03995, 0.80285, 0.70944, 0.66572]) {
            #expect(abs(computed - expected) < 1e-5)
        }
        #expect(abs(doubled[199] - 0.6179648) < 1e-7)
    }

    @Test("ReLU: He keeps E[z²] = 1, Glorot with equal fans halves it per layer, N(0, 1) and N(0, 0.01²) explode and vanish")
    func reluFromInitializers() {
        let widths = Array(repeating: 256, count: 11)
        let he = SignalPropagation(widths: widths, initializer: .heNormal, activation: .relu)
        #expect(he.activationSecondMoments.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(he.preActivationVariances.allSatisfy { abs($0 - 2) < 1e-12 })
        let glorot = SignalPropagation(widths: widths, initializer: .glorotUniform, activation: .relu)
        for (l, moment) in glorot.activationSecondMoments.enumerated() {
            #expect(abs(moment / Double.pow(2, -Double(l + 1)) - 1) < 1e-12)
        }
        let large = SignalPropagation(widths: widths, initializer: .normal(standardDeviation: 1), activation: .relu)
        #expect(abs(large.activationSecondMoments[9] / Double.pow(128, 10) - 1) < 1e-12)
        let small = SignalPropagation(widths: widths, initializer: .normal(standardDeviation: 0.01), activation: .relu)
        #expect(abs(small.activationSecondMoments[9] / Double.pow(0.0128, 10) - 1) < 1e-12)
        // PyTorch's nn.Linear default U[±1/√n] (Var 1/(3n)): gain 1/3, so E[z²] shrinks by 1/6 per ReLU layer.
        let pytorch = SignalPropagation(widths: widths, initializer: .pytorchLinearDefault, activation: .relu)
        #expect(abs(pytorch.activationSecondMoments[9] / Double.pow(1.0 / 6, 10) - 1) < 1e-12)
    }

    @Test("Quadrature edges: E[σ(a)²] = ¼ at q = 0, E[tanh²] → 1 as q → ∞, NaN propagates, GELU and ELU bounds")
    func quadrature() {
        // GELU: |a·Φ(a)| < |a|, so E[gelu(a)²] < E[a²] = q. Sums of 4000 weights carry about 1e−15 of rounding.
        #expect(abs(SignalPropagation.secondMoment(of: .sigmoid, preActivationVariance: 0) - 0.25) < 1e-15)
        #expect(SignalPropagation.secondMoment(of: .gelu, preActivationVariance: 4) < 4)
        #expect(abs(SignalPropagation.secondMoment(of: .tanh, preActivationVariance: .infinity) - 1) < 1e-12)
        #expect(SignalPropagation.secondMoment(of: .relu, preActivationVariance: .nan).isNaN)
        // ELU with α = 1 is the identity for a > 0: E[elu(a)²] = q/2 + E[(e^a − 1)²; a < 0].
        let q = 1.0, elu = SignalPropagation.secondMoment(of: .elu(alpha: 1), preActivationVariance: q)
        #expect(elu > q / 2 && elu < q)
    }

    @Test("A 10-layer tanh network of width 512 follows the mean-field prediction within 5% (THEORY.md §10)")
    func simulationFollowsPrediction() throws {
        var generator = testGenerator(4)
        var layers: [any Layer<Double>] = []
        for _ in 0..<10 {
            layers.append(
                try Dense<Double>(
                    inputs: 512, outputs: 512, weightInitializer: .lecunNormal, biasInitializer: nil, using: &generator))
            layers.append(Activation<Double>(.tanh))
        }
        let network = Sequential(layers)
        let x = Matrix<Double>.randomNormal(rows: 1000, columns: 512, using: &generator)
        let outputs = network.layerOutputs(for: x)
        #expect(outputs.count == 20)
        let prediction = SignalPropagation(widths: Array(repeating: 512, count: 11), initializer: .lecunNormal, activation: .tanh)
        for layer in 0..<10 {
            let measured = ActivationStatistics(of: outputs[2 * layer + 1]).secondMoment
            #expect(abs(measured / prediction.activationSecondMoments[layer] - 1) < 0.05, "layer \(layer + 1)")
            let preActivation = ActivationStatistics(of: outputs[2 * layer]).variance
            #expect(abs(preActivation / prediction.preActivationVariances[layer] - 1) < 0.05, "layer \(layer + 1)")
        }
    }
}

@Suite("Activation statistics")
struct ActivationStatisticsTests {
    @Test func knownValues() {
        let stats = ActivationStatistics(of: Matrix<Float>([[0, 1], [2, 0], [3, 0]]))
        #expect(stats.count == 6)
        #expect(stats.mean == 1 && stats.secondMoment == 14.0 / 6 && abs(stats.variance - (14.0 / 6 - 1)) < 1e-15)
        #expect(stats.minimum == 0 && stats.maximum == 3 && stats.fractionOfZeros == 0.5)
    }

    @Test func edges() {
        let empty = ActivationStatistics(of: Matrix<Double>(rows: 0, columns: 3))
        #expect(empty.count == 0 && empty.mean.isNaN && empty.fractionOfZeros.isNaN)
        let withNaN = ActivationStatistics(of: Matrix<Double>(row: [1, .nan, 0]))
        #expect(withNaN.mean.isNaN && withNaN.minimum.isNaN && withNaN.maximum.isNaN && withNaN.fractionOfZeros == 1.0 / 3)
    }

    @Test("layerOutputs returns every layer's output and records nothing on the tape")
    func layerOutputs() throws {
        var generator = testGenerator(1)
        let network = Sequential<Double>([
            try Dense(inputs: 3, outputs: 4, using: &generator), Activation(.relu),
            try Dense(inputs: 4, outputs: 2, using: &generator),
        ])
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, using: &generator)
        let outputs = network.layerOutputs(for: x)
        #expect(outputs.map(\.shapeDescription) == ["5×4", "5×4", "5×2"])
        #expect(outputs[1].elements == outputs[0].elements.map { max($0, 0) })
        #expect(outputs[2].elements == network.predict(x).elements)
        #expect(Sequential<Double>([]).layerOutputs(for: x).isEmpty)
    }
}
