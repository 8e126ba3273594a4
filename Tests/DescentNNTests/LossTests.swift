// Losses against the closed forms of the lecture notes (THEORY.md §13 items 1, 2, 4).

import Testing

@testable import DescentNN

/// The single sigmoid neuron of the notes: x = 1, target y = 0, a = w·x + b.
private func neuron(_ p: [Tensor<Double>]) -> Tensor<Double> { p[0] * 1 + p[1] }

@Suite("Losses")
struct LossTests {
    let zero = Matrix<Double>(column: [0])

    @Test(
        "quadratic cost of the sigmoid neuron: C = z²/2, ∂C/∂w = ∂C/∂b = zσ′(a)",
        arguments: [(0.6, 0.9, 0.3342140121, 0.1219383324), (2, 2, 0.4821755419, 0.0173450211)])
    func quadraticCost(_ example: (Double, Double, Double, Double)) {
        let (w, b, cost, slope) = example
        let (value, g) = valueWithGradient(at: [Matrix(column: [w]), Matrix(column: [b])]) { p in
            Loss.quadratic(neuron(p).sigmoid(), zero)
        }
        #expect(abs(value - cost) < 1e-10)
        #expect(abs(g[0][0, 0] - slope) < 1e-10 && abs(g[1][0, 0] - slope) < 1e-10)
    }

    @Test(
        "cross-entropy of the sigmoid neuron: ∂C/∂w = x(σ(a) − y), on probabilities and on logits",
        arguments: [(0.6, 0.9, 1.7014132780, 0.8175744762), (2, 2, 4.0181499279, 0.9820137900)])
    func crossEntropy(_ example: (Double, Double, Double, Double)) {
        let (w, b, cost, slope) = example
        let point = [Matrix(column: [w]), Matrix(column: [b])]
        let onProbabilities = valueWithGradient(at: point) { p in Loss.binaryCrossEntropy(neuron(p).sigmoid(), zero) }
        let onLogits = valueWithGradient(at: point) { p in Loss.binaryCrossEntropyWithLogits(neuron(p), zero) }
        for (value, g) in [onProbabilities, onLogits] {
            #expect(abs(value - cost) < 1e-10)
            #expect(abs(g[0][0, 0] - slope) < 1e-10 && abs(g[1][0, 0] - slope) < 1e-10)
        }
        // The notes' ratio CE/quadratic = 1/σ′(a): 56.6165 at a = 4.
        if w == 2 {
            let quadratic = valueWithGradient(at: point) { p in Loss.quadratic(neuron(p).sigmoid(), zero) }.gradient[0][0, 0]
            #expect(abs(onLogits.gradient[0][0, 0] / quadratic - 56.6165) < 1e-4)
        }
    }

    @Test func softmaxLogLikelihoodDeltaIsZMinusY() {
        // THEORY.md §13 item 4: logits (1, 2, 3), class 0.
        let logits = Matrix<Double>(row: [1, 2, 3])
        let byLabel = valueWithGradient(at: [logits]) { p in Loss.softmaxCrossEntropy(p[0], labels: [0]) }
        let byOneHot = valueWithGradient(at: [logits]) { p in Loss.softmaxCrossEntropy(p[0], Matrix(row: [1, 0, 0])) }
        let delta = [-0.9099694268, 0.2447284711, 0.6652409558]
        for (value, g) in [byLabel, byOneHot] {
            #expect(abs(value - 2.4076059644) < 1e-10)
            for (computed, expected) in zip(g[0].elements, delta) { #expect(abs(computed - expected) < 1e-10) }
        }
        // A batch averages: each row's δ is divided by the batch size.
        let batch = Matrix<Double>([[1, 2, 3], [1, 2, 3]])
        let g = valueWithGradient(at: [batch]) { p in Loss.softmaxCrossEntropy(p[0], labels: [0, 0]) }.gradient[0]
        #expect(abs(g[1, 0] - delta[0] / 2) < 1e-10)
    }

    @Test func denseSoftmaxGradientEqualsTheBackpropagationFormula() {
        // ∂C/∂W = δᵀ·x/n with δ = softmax(xWᵀ + b) − y: the notes' ∂C/∂w_jk = z_k(z_j − y_j), averaged.
        let x = randomMatrix(6, 4, seed: 31)
        let w = randomMatrix(3, 4, seed: 32)
        let b = randomMatrix(1, 3, seed: 33)
        let labels = [0, 2, 1, 1, 0, 2]
        let (_, g) = valueWithGradient(at: [w, b]) { p in
            Loss.softmaxCrossEntropy(matmul(Tensor(x), p[0], transposingB: true) + p[1], labels: labels)
        }
        let logits = gemm(x, w, transposingB: true) + Matrix(rows: 6, columns: 3) { _, j in b[0, j] }
        let softmax = Tensor(logits).softmax().value
        let delta = (softmax - oneHot(labels, classes: 3)) / 6
        #expect(g[0].maxAbsoluteDifference(gemm(delta, x, transposingA: true)) < 1e-15)
        #expect(g[1].maxAbsoluteDifference(delta.sum(alongAxis: 0)) < 1e-15)
    }

    @Test func stableAtExtremeInputs() {
        // Logits far out: no overflow, exact limits.
        let far = Matrix<Double>(column: [-800, 800])
        let target = Matrix<Double>(column: [1, 0])
        let (value, g) = valueWithGradient(at: [far]) { p in Loss.binaryCrossEntropyWithLogits(p[0], target) }
        #expect(value == 800)  // (800 + 800)/2
        #expect(g[0].elements == [-0.5, 0.5])
        let softmax = valueWithGradient(at: [Matrix<Double>(row: [1000, -1000])]) { p in
            Loss.softmaxCrossEntropy(p[0], labels: [1])
        }
        #expect(softmax.value == 2000 && softmax.gradient[0].elements == [1, -1])
        // Probabilities of exactly 0 and 1: PyTorch's clamp of the log at −100.
        let clamped = Loss.binaryCrossEntropy(Tensor(Matrix<Double>(column: [0, 1])), Matrix(column: [1, 0]))
        #expect(clamped.scalarValue == 100)
    }

    @Test func quadraticAveragesOverExamplesAndSumsOverOutputs() {
        let output = Tensor(Matrix<Double>([[1, 2], [3, 4]]))
        let target = Matrix<Double>([[0, 0], [1, 1]])
        // (½(1 + 4) + ½(4 + 9)) / 2 = 4.5
        #expect(Loss.quadratic(output, target).scalarValue == 4.5)
    }

    @Test func l2PenaltyGradientIsLambdaW() {
        let w = randomMatrix(3, 2, seed: 41)
        let v = randomMatrix(1, 2, seed: 42)
        let (value, g) = valueWithGradient(at: [w, v]) { p in l2Penalty(p, strength: 0.1) }
        #expect(abs(value - 0.05 * (w.elements + v.elements).reduce(0) { $0 + $1 * $1 }) < 1e-15)
        #expect(g[0].maxAbsoluteDifference(w * 0.1) < 1e-16 && g[1].maxAbsoluteDifference(v * 0.1) < 1e-16)
    }

    @Test func lossDerivativesMatchFiniteDifferences() {
        let z = randomMatrix(4, 3, seed: 51)
        let probabilities = randomMatrix(4, 3, in: 0.1...0.9, seed: 52)
        let target = Matrix<Double>(rows: 4, columns: 3) { i, j in Double((i + j) % 2) }
        for errors in [
            derivativeErrors({ p in Loss.quadratic(p[0], target) }, at: [z]),
            derivativeErrors({ p in Loss.binaryCrossEntropy(p[0], target) }, at: [probabilities]),
            derivativeErrors({ p in Loss.binaryCrossEntropyWithLogits(p[0], target) }, at: [z]),
            derivativeErrors({ p in Loss.softmaxCrossEntropy(p[0], labels: [0, 2, 1, 1]) }, at: [z]),
        ] {
            #expect(errors.withinStandardBounds(), "\(errors)")
        }
    }
}
