// The notes' slow-learning neuron (THEORY.md §13 items 1–3; Nielsen ch. 3).

import Testing

@testable import DescentNN

@Suite("The sigmoid neuron of the slow-learning example")
struct SigmoidNeuronTests {
    static let example = [SigmoidNeuron.Example(input: 1, target: 0)]

    @Test(
        "Cost and gradient at the two starts: quadratic zσ′(a), cross-entropy z (THEORY.md §13 items 1, 2)",
        arguments: [
            (0.6, 0.9, Loss.quadratic, 0.3342140121, 0.1219383324), (2, 2, .quadratic, 0.4821755419, 0.0173450211),
            (0.6, 0.9, .binaryCrossEntropyWithLogits, 1.7014132780, 0.8175744762),
            (2, 2, .binaryCrossEntropyWithLogits, 4.0181499279, 0.9820137900),
            (0.6, 0.9, .binaryCrossEntropy, 1.7014132780, 0.8175744762), (2, 2, .binaryCrossEntropy, 4.0181499279, 0.9820137900),
        ])
    func costAndGradientAtTheStarts(_ example: (Double, Double, Loss, Double, Double)) {
        let (w, b, loss, cost, slope) = example
        let result = SigmoidNeuron(weight: w, bias: b).costAndGradient(loss, on: Self.example)
        // Expected values are given to 10 decimals.
        #expect(abs(result.cost - cost) < 1e-10)
        #expect(abs(result.weight - slope) < 1e-10 && abs(result.bias - slope) < 1e-10)
    }

    @Test(
        "Cross-entropy's gradient is 1/σ′(a) times the quadratic cost's: 6.7048 at (0.6, 0.9), 56.6165 at (2, 2)",
        arguments: [(0.6, 0.9, 6.7048), (2, 2, 56.6165)])
    func gradientRatio(_ example: (Double, Double, Double)) {
        let neuron = SigmoidNeuron(weight: example.0, bias: example.1)
        let ratio =
            neuron.costAndGradient(.binaryCrossEntropyWithLogits, on: Self.example).weight
            / neuron.costAndGradient(.quadratic, on: Self.example).weight
        // Expected values are given to 4 decimals.
        #expect(abs(ratio - example.2) < 1e-4)
    }

    @Test(
        "Output after 300 epochs of full-batch gradient descent (THEORY.md §13 item 3)",
        arguments: [
            (0.6, 0.9, Loss.quadratic, 0.15, 0.0939557), (2, 2, .quadratic, 0.15, 0.2028484),
            (0.6, 0.9, .binaryCrossEntropyWithLogits, 0.005, 0.4176793), (2, 2, .binaryCrossEntropyWithLogits, 0.005, 0.7795871),
            (0.6, 0.9, .binaryCrossEntropyWithLogits, 0.15, 0.0116382), (2, 2, .binaryCrossEntropyWithLogits, 0.15, 0.0120087),
        ])
    func outputAfterTraining(_ example: (Double, Double, Loss, Double, Double)) {
        let (w, b, loss, rate, expected) = example
        let trajectory = SigmoidNeuron(weight: w, bias: b).gradientDescentTrajectory(
            loss, on: Self.example, learningRate: rate, epochs: 300)
        #expect(trajectory.count == 301)
        #expect(trajectory[0] == SigmoidNeuron(weight: w, bias: b))
        // Expected values are given to 7 decimals.
        #expect(abs(trajectory[300].output(for: 1) - expected) < 1e-7)
        // With x = 1, ∂C/∂w = ∂C/∂b, so w − b never changes.
        #expect(abs((trajectory[300].weight - trajectory[300].bias) - (w - b)) < 1e-12)
    }

    @Test("The quadratic cost's slow start from (2, 2): the output barely moves for the first 100 epochs")
    func slowStart() {
        let quadratic = SigmoidNeuron(weight: 2, bias: 2).gradientDescentTrajectory(
            .quadratic, on: Self.example, learningRate: 0.15, epochs: 300)
        let crossEntropy = SigmoidNeuron(weight: 2, bias: 2)
            .gradientDescentTrajectory(.binaryCrossEntropyWithLogits, on: Self.example, learningRate: 0.15, epochs: 300)
        // Quadratic: z falls from 0.982 to only about 0.95 in 100 epochs; cross-entropy reaches 0.04 by then.
        #expect(quadratic[100].output(for: 1) > 0.94)
        #expect(crossEntropy[100].output(for: 1) < 0.05)
    }

    @Test("Edges: zero epochs, saturated outputs, several examples average")
    func edges() {
        let neuron = SigmoidNeuron(weight: 0.6, bias: 0.9)
        #expect(neuron.gradientDescentTrajectory(.quadratic, on: Self.example, learningRate: 0.15, epochs: 0) == [neuron])
        #expect(SigmoidNeuron(weight: 1000, bias: 0).output(for: 1) == 1)
        #expect(SigmoidNeuron(weight: -1000, bias: 0).output(for: 1) == 0)
        let twice = neuron.costAndGradient(.quadratic, on: Self.example + Self.example)
        let once = neuron.costAndGradient(.quadratic, on: Self.example)
        #expect(abs(twice.cost - once.cost) < 1e-15 && abs(twice.weight - once.weight) < 1e-15)
    }

    @Test("Softmax cross-entropy on one output is a precondition failure")
    func softmaxIsRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = SigmoidNeuron(weight: 1, bias: 0).costAndGradient(.softmaxCrossEntropy, on: [.init(input: 1, target: 0)])
        }
    }
}
