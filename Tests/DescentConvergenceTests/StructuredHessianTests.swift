// The structured Hessian of one-hidden-layer networks against the generic
// forward-over-reverse Hessian of the autograd (`HessianOperator.fullHessian`),
// which DescentAutogradTests checks against finite differences.
//
// Tolerances. Both sides compute the same sums in different orders: N terms
// per entry, each a product of a few O(1) factors, so they differ by a few
// ulps times N relative to the largest entry. 1e-12 relative to max|H| holds
// with a margin of 100× for the small models (N = 9) and 10× for the digits
// model (N = 1797); a wrong sign, index or missing term changes entries at
// the 1e-2 level or more.

import DescentConvergence
import DescentNN
import DescentTestSupport
import DescentTraining
import Testing

@Suite struct StructuredHessianTests {
    // MARK: - Small models, every activation, loss and bias combination

    static let activations: [ActivationFunction] = [
        .tanh, .sigmoid, .relu, .leakyReLU(slope: 0.1), .elu(alpha: 0.7), .softplus, .gelu, .identity,
    ]
    static let losses: [Loss] = [.quadratic, .softmaxCrossEntropy, .binaryCrossEntropyWithLogits]
    static let biasCombinations: [(first: Bool, second: Bool)] = [(true, true), (false, false), (true, false), (false, true)]

    @Test(arguments: activations)
    func equalsTheGenericHessian(activation: ActivationFunction) throws {
        for loss in Self.losses {
            for (seed, biases) in Self.biasCombinations.enumerated() {
                let problem = SmallProblem(
                    inputs: 3, hidden: 4, outputs: 3, examples: 9, activation: activation, loss: loss,
                    firstBias: biases.first, secondBias: biases.second, seed: UInt64(seed + 1))
                let structured = try #require(OneHiddenLayerHessian(model: problem.model, loss: loss))
                let hessian = try structured.hessian(inputs: problem.inputs, targets: problem.targets)
                let reference = problem.genericHessian()
                #expect(structured.parameterCount == reference.rows)
                let difference = relativeDifference(hessian, reference)
                #expect(
                    difference <= 1e-12,
                    "\(activation), \(loss), biases \(biases): structured and generic Hessians differ by \(difference)")
                #expect(hessian == hessian.transposed(), "the assembled Hessian is exactly symmetric")
            }
        }
    }

    /// Softmax cross-entropy with targets that are probabilities, not one-hot
    /// (Σₖ yₖ ≠ 1 in general): Λ carries the factor Σₖ yₖ.
    @Test func softmaxWithSoftTargets() throws {
        var problem = SmallProblem(
            inputs: 2, hidden: 5, outputs: 4, examples: 6, activation: .tanh, loss: .softmaxCrossEntropy,
            firstBias: true, secondBias: true, seed: 11)
        problem.targets = randomMatrix(6, 4, in: 0...1, seed: 12)
        let hessian = try #require(
            try structuredHessian(of: problem.model, loss: .softmaxCrossEntropy, inputs: problem.inputs, targets: problem.targets)
        )
        #expect(relativeDifference(hessian, problem.genericHessian()) <= 1e-12)
    }

    // MARK: - The digits model of the issue

    /// 64-16-10 tanh on all 1797 standardized digits (P = 1210): sixteen exact
    /// columns (identity directions in each parameter group) and four random
    /// directions against the autograd's products, for both losses.
    @Test(arguments: [Loss.quadratic, .softmaxCrossEntropy])
    func digitsModel(loss: Loss) throws {
        let data = try Dataset<Double>.load(.digits)
        let inputs = try Standardizer(fittedTo: data.features).standardized(data.features)
        let targets = try #require(data.oneHotTargets)
        var generator = testGenerator(5)
        let model = Sequential<Double>([
            try Dense(inputs: 64, outputs: 16, biasInitializer: .uniform(bound: 0.1), using: &generator),
            Activation(.tanh),
            try Dense(inputs: 16, outputs: 10, biasInitializer: .uniform(bound: 0.1), using: &generator),
        ])
        let structured = try #require(OneHiddenLayerHessian(model: model, loss: loss))
        #expect(structured.parameterCount == 1210)
        let hessian = try structured.hessian(inputs: inputs, targets: targets)

        let parameters = model.parameters
        let operator_ = HessianOperator(of: loss(model(Tensor(inputs)), targets), withRespectTo: parameters)
        // W₁[0,0], W₁[7,33] (a constant-zero pixel: its row is zero), W₁[15,63], b₁[0], b₁[15],
        // W₂[0,0], W₂[9,15], b₂[0], b₂[9], and a spread of others.
        let columns = [
            0, 7 * 64 + 33, 15 * 64 + 63, 1024, 1039, 1040, 1040 + 9 * 16 + 15, 1200, 1209, 100, 500, 777, 1030, 1100, 1150, 1205,
        ]
        let p = structured.parameterCount
        var directions = Matrix<Double>(rows: p, columns: columns.count + 4)
        for (index, column) in columns.enumerated() { directions[column, index] = 1 }
        let random = randomMatrix(p, 4, seed: 6)
        for row in 0..<p {
            for index in 0..<4 { directions[row, columns.count + index] = random[row, index] }
        }
        let difference = relativeDifference(hessian * directions, operator_.apply(to: directions))
        #expect(difference <= 1e-12, "\(loss): H·V differs from the autograd's products by \(difference)")
    }

    // MARK: - Not applicable, and refused data

    @Test func otherModelsAreNotRecognized() throws {
        var generator = testGenerator(3)
        let dense = { (inputs: Int, outputs: Int) throws in try Dense<Double>(inputs: inputs, outputs: outputs, using: &generator)
        }
        let twoHidden = Sequential<Double>([
            try dense(2, 3), Activation(.tanh), try dense(3, 3), Activation(.tanh), try dense(3, 2),
        ])
        let noActivation = Sequential<Double>([try dense(2, 3), try dense(3, 2), Activation(.tanh)])
        let oneHidden = Sequential<Double>([try dense(2, 3), Activation(.tanh), try dense(3, 2)])
        #expect(OneHiddenLayerHessian(model: twoHidden, loss: .quadratic) == nil)
        #expect(OneHiddenLayerHessian(model: noActivation, loss: .quadratic) == nil)
        #expect(OneHiddenLayerHessian(model: oneHidden, loss: .binaryCrossEntropy) == nil)
        #expect(OneHiddenLayerHessian(model: oneHidden, loss: .quadratic) != nil)
        #expect(
            try structuredHessian(
                of: twoHidden, loss: .quadratic, inputs: Matrix(rows: 1, columns: 2), targets: Matrix(rows: 1, columns: 2)) == nil
        )
    }

    @Test func refusesDataThatDoesNotFit() throws {
        let problem = SmallProblem(
            inputs: 3, hidden: 2, outputs: 2, examples: 4, activation: .tanh, loss: .quadratic, firstBias: true,
            secondBias: true, seed: 9)
        let structured = try #require(OneHiddenLayerHessian(model: problem.model, loss: .quadratic))
        #expect(throws: StructuredHessianError.emptyBatch) {
            try structured.hessian(inputs: Matrix(rows: 0, columns: 3), targets: Matrix(rows: 0, columns: 2))
        }
        #expect(throws: StructuredHessianError.shapeMismatch(what: "inputs", expected: "N×3", actual: "4×2")) {
            try structured.hessian(inputs: Matrix(rows: 4, columns: 2), targets: problem.targets)
        }
        #expect(throws: StructuredHessianError.shapeMismatch(what: "targets", expected: "4×2", actual: "4×3")) {
            try structured.hessian(inputs: problem.inputs, targets: Matrix(rows: 4, columns: 3))
        }
        var poisoned = problem.inputs
        poisoned[2, 1] = .nan
        #expect(throws: StructuredHessianError.nonFinite(what: "inputs", row: 2, column: 1)) {
            try structured.hessian(inputs: poisoned, targets: problem.targets)
        }
        let message = StructuredHessianError.nonFinite(what: "inputs", row: 2, column: 1).description
        #expect(message.contains("row 2, column 1"))
    }
}

// MARK: - Helpers

/// A random one-hidden-layer network, data and targets suited to its loss.
private struct SmallProblem {
    var model: Sequential<Double>
    var inputs: Matrix<Double>
    var targets: Matrix<Double>
    let loss: Loss

    init(
        inputs d: Int, hidden h: Int, outputs c: Int, examples n: Int, activation: ActivationFunction, loss: Loss,
        firstBias: Bool, secondBias: Bool, seed: UInt64
    ) {
        self.loss = loss
        model = Sequential([
            Dense(
                weight: randomMatrix(h, d, seed: seed * 10 + 1), bias: firstBias ? randomMatrix(1, h, seed: seed * 10 + 2) : nil),
            Activation(activation),
            Dense(
                weight: randomMatrix(c, h, seed: seed * 10 + 3), bias: secondBias ? randomMatrix(1, c, seed: seed * 10 + 4) : nil),
        ])
        inputs = randomMatrix(n, d, in: -2...2, seed: seed * 10 + 5)
        switch loss {
        case .softmaxCrossEntropy:
            targets = oneHot((0..<n).map { ($0 * 7 + Int(seed)) % c }, classes: c)
        case .binaryCrossEntropyWithLogits:
            targets = randomMatrix(n, c, in: 0...1, seed: seed * 10 + 6).map { $0 > 0.5 ? 1 : 0 }
        default:
            targets = randomMatrix(n, c, seed: seed * 10 + 6)
        }
    }

    /// The reference: forward-over-reverse Hessian-vector products of the autograd.
    func genericHessian() -> Matrix<Double> {
        let parameters = model.parameters
        return HessianOperator(of: loss(model(Tensor(inputs)), targets), withRespectTo: parameters).fullHessian()
    }
}

/// max|a − b| / max|b|.
private func relativeDifference(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    a.maxAbsoluteDifference(b) / b.maxAbsoluteElement()
}
