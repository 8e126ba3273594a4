// Dense, activations, Sequential, Residual and Dropout.

import Testing

@testable import DescentNN

@Suite("Layers")
struct LayerTests {
    let x = Matrix<Double>([[1, 2, 3], [-1, 0, 2]])
    let w = Matrix<Double>([[0.5, -1, 2], [1, 1, -1]])  // 2 outputs × 3 inputs
    let b = Matrix<Double>(row: [0.25, -0.5])

    @Test func denseComputesXWTransposePlusBias() {
        let dense = Dense(weight: w, bias: b)
        #expect(dense.inputs == 3 && dense.outputs == 2 && dense.parameterCount == 8)
        // Row 0: (0.5 − 2 + 6 + 0.25, 1 + 2 − 3 − 0.5) = (4.75, −0.5); row 1: (−0.5 + 0 + 4 + 0.25, −1 + 0 − 2 − 0.5).
        #expect(dense(Tensor(x)).value == Matrix([[4.75, -0.5], [3.75, -3.5]]))
        #expect(dense.namedParameters.map(\.name) == ["weight", "bias"])
        let noBias = Dense(weight: w, bias: nil)
        #expect(noBias.namedParameters.map(\.name) == ["weight"])
        #expect(noBias(Tensor(x)).value == gemm(x, w, transposingB: true))
    }

    @Test func denseDrawsItsWeightsFromTheInitializerWithTheGivenSeed() throws {
        var first = testGenerator(5)
        var second = testGenerator(5)
        let a = try Dense<Float>(inputs: 20, outputs: 30, weightInitializer: .heNormal, using: &first)
        let b = try Dense<Float>(inputs: 20, outputs: 30, weightInitializer: .heNormal, using: &second)
        #expect(a.weight.value == b.weight.value)
        #expect(a.weight.rows == 30 && a.weight.columns == 20)
        #expect(a.bias?.value == Matrix(rows: 1, columns: 30))
    }

    @Test func sequentialNamesAndUpdatesParametersInOrder() throws {
        var generator = testGenerator()
        var model = Sequential<Double>([
            try Dense(inputs: 3, outputs: 4, using: &generator), Activation(.tanh),
            try Dense(inputs: 4, outputs: 2, using: &generator),
        ])
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(model.parameterCount == 3 * 4 + 4 + 4 * 2 + 2)
        let before = model.parameters
        let newValues = before.map { $0.value * 2 }
        model.updateParameterValues(newValues)
        // Values change, identities stay: a gradient taken now refers to the old variables.
        #expect(model.parameters.map(\.value) == newValues)
        let loss = model(Tensor(x)).sum()
        let g = gradient(of: loss, withRespectTo: before)
        #expect(g.allSatisfy { $0.value.maxAbsoluteElement() > 0 })
    }

    @Test func residualAddsTheShortcut() {
        let body = Dense(weight: Matrix<Double>([[1, 0, 0], [0, 2, 0], [0, 0, 3]]), bias: nil)
        let residual = Residual<Double>(body)
        #expect(residual(Tensor(x)).value == Matrix([[2, 6, 12], [-2, 0, 8]]))
        let projected = Residual<Double>(Dense(weight: w, bias: nil), shortcut: Dense(weight: w, bias: b))
        #expect(
            projected(Tensor(x)).value == gemm(x, w, transposingB: true) * 2 + Matrix(rows: 2, columns: 2) { _, j in b[0, j] })
        #expect(projected.namedParameters.map(\.name) == ["body.weight", "shortcut.weight", "shortcut.bias"])
    }

    @Test func dropoutIsInvertedSeededAndOffAtInference() {
        let input = Tensor(Matrix<Double>(rows: 200, columns: 100, repeating: 1))
        var dropout = Dropout<Double>(probability: 0.3, seed: 9)
        #expect(dropout(input).value == input.value)  // inference: identity
        let trained = dropout(input, mode: .training).value
        let zeros = trained.elements.filter { $0 == 0 }.count
        // 20,000 Bernoulli(0.3) draws: standard deviation √(n·p(1−p)) ≈ 65; allow 5σ.
        #expect(abs(Double(zeros) - 6000) < 5 * 65)
        #expect(trained.elements.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-15 })
        // The mean is preserved in expectation (within 5σ of the scaled Bernoulli mean).
        #expect(abs(trained.mean() - 1) < 5 * (0.3 / 0.7 / 20_000).squareRoot())
        var again = Dropout<Double>(probability: 0.3, seed: 9)
        #expect(again(input, mode: .training).value == trained)
        #expect(dropout(input, mode: .training).value != trained)  // the generator advanced
    }

    @Test func activationLayersApplyTheirFunction() {
        let t = Tensor(x)
        for function in [ActivationFunction.relu, .tanh, .sigmoid, .softplus, .gelu, .elu(alpha: 1), .leakyReLU(slope: 0.2)] {
            #expect(Activation<Double>(function)(t).value == function.apply(to: t).value)
        }
        #expect(Activation<Double>(.identity)(t).value == x)
        #expect(Activation<Double>(.leakyReLU(slope: 0.2))(t).value[1, 0] == -0.2)
    }

    @Test func predictRecordsNothing() {
        let dense = Dense(weight: w, bias: b)
        #expect(dense.predict(x) == dense(Tensor(x)).value)
        #expect(dense(Tensor(x)).isTracked)
    }
}

@Suite("Dense initialization")
struct DenseInitializationTests {
    @Test func pytorchDefaultDrawsWeightsAndBiasesWithinOneOverRootFanIn() throws {
        var generator = testGenerator(8)
        let layer = try Dense<Double>.pytorchDefault(inputs: 100, outputs: 400, using: &generator)
        let bound = 0.1  // 1/√100
        #expect(layer.weight.value.maxAbsoluteElement() <= bound && layer.weight.value.maxAbsoluteElement() > 0.99 * bound)
        let bias = try #require(layer.bias).value
        #expect(bias.maxAbsoluteElement() <= bound && bias.maxAbsoluteElement() > 0.95 * bound)
        #expect(bias.rows == 1 && bias.columns == 400)
    }
}
