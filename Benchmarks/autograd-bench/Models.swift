// Models: the multilayer perceptrons measured, their seeded weights and data.
//
// A model is a list of layer widths and one hidden activation (none after the
// last layer, whose outputs are the logits of a softmax cross-entropy loss).
// Both the library network and the hand-written baseline start from the same
// weight matrices, so their gradients can be compared before anything is timed.

import BenchmarkSupport
import DescentNN

/// A multilayer perceptron: widths[0] inputs, widths.last classes.
struct ModelSpec: Sendable {
    /// Inputs, hidden widths, classes.
    var widths: [Int]
    /// The activation after every hidden layer.
    var activation: HiddenActivation

    /// "784-256-256-10".
    var name: String { widths.map(String.init).joined(separator: "-") }
    /// The number of dense layers.
    var layerCount: Int { widths.count - 1 }
    /// Σ (fan-in · fan-out + fan-out).
    var parameterCount: Int { (0..<layerCount).reduce(0) { $0 + widths[$1] * widths[$1 + 1] + widths[$1 + 1] } }
    /// `name` with the activation: "784-256-256-10 ReLU".
    var label: String { "\(name) \(activation.label)" }

    static let small = ModelSpec(widths: [64, 128, 10], activation: .relu)
    static let large = ModelSpec(widths: [784, 256, 256, 10], activation: .relu)
    /// The reference model on the digits data.
    static let digits = ModelSpec(widths: [64, 32, 10], activation: .tanh)
}

/// The hidden activations the benchmark uses (the baseline hand-derives each).
enum HiddenActivation: String, Sendable {
    case relu, tanh

    var label: String { self == .relu ? "ReLU" : "tanh" }
    var function: ActivationFunction { self == .relu ? .relu : .tanh }
}

/// Seeded weights for `spec`: Glorot-uniform weights (outputs × inputs, as
/// `Dense` stores them) and small uniform biases (non-zero, so the bias paths
/// are exercised).
func modelWeights<Scalar: BLASScalar>(
    _ spec: ModelSpec, _: Scalar.Type, using generator: inout Xoshiro256StarStar
) -> [(weight: Matrix<Scalar>, bias: Matrix<Scalar>)] {
    (0..<spec.layerCount).map { layer in
        let (fanIn, fanOut) = (spec.widths[layer], spec.widths[layer + 1])
        let bound = Scalar((6 / Double(fanIn + fanOut)).squareRoot())
        let weight = Matrix<Scalar>.randomUniform(rows: fanOut, columns: fanIn, in: -bound...bound, using: &generator)
        let bias = Matrix<Scalar>.randomUniform(rows: 1, columns: fanOut, in: -0.1...0.1, using: &generator)
        return (weight, bias)
    }
}

/// The library network holding `weights`: Dense, activation, …, Dense.
func makeNetwork<Scalar: BLASScalar>(
    _ spec: ModelSpec, weights: [(weight: Matrix<Scalar>, bias: Matrix<Scalar>)]
) -> Sequential<Scalar> {
    var layers: [any Layer<Scalar>] = []
    for (index, parameters) in weights.enumerated() {
        layers.append(Dense(weight: parameters.weight, bias: parameters.bias))
        if index < weights.count - 1 { layers.append(Activation<Scalar>(spec.activation.function)) }
    }
    return Sequential(layers)
}

/// A batch of inputs and labels.
struct Batch<Scalar: BLASScalar> {
    /// examples × features.
    var inputs: Matrix<Scalar>
    /// One class index per example.
    var labels: [Int]
    /// The labels one-hot (examples × classes), built once outside the timed code.
    var targets: Matrix<Scalar>

    init(inputs: Matrix<Scalar>, labels: [Int], classes: Int) {
        self.inputs = inputs
        self.labels = labels
        self.targets = oneHot(labels, classes: classes)
    }

    /// Standard normal inputs and uniformly drawn labels.
    static func random(_ spec: ModelSpec, size: Int, using generator: inout Xoshiro256StarStar) -> Batch {
        let classes = spec.widths.last!
        let inputs = Matrix<Scalar>.randomNormal(rows: size, columns: spec.widths[0], using: &generator)
        let labels = (0..<size).map { _ in Int.random(in: 0..<classes, using: &generator) }
        return Batch(inputs: inputs, labels: labels, classes: classes)
    }
}

/// The generator for one case's inputs. Each case has its own stream, so its
/// inputs are the same whichever other cases run (`--only`, `--quick`).
func caseGenerator<Scalar>(seed: UInt64, suite: Suite, model: ModelSpec, batch: Int, _: Scalar.Type) -> Xoshiro256StarStar {
    let suiteTag = UInt64(Suite.allCases.firstIndex(of: suite) ?? 0)
    let typeTag: UInt64 = Scalar.self == Float.self ? 1 : Scalar.self == Double.self ? 2 : 3
    let modelTag = UInt64(model.parameterCount % 65_521)
    return Xoshiro256StarStar(
        seed: seed &+ (suiteTag << 56) &+ (typeTag << 48) &+ (modelTag << 24) &+ UInt64(batch))
}

/// What every case of the gradient, hvp and directions suites starts from: the
/// case's own generator (to draw more from), seeded weights, a random batch and
/// the library model on them, drawn in that order.
struct CaseInputs<Scalar: BLASScalar> {
    var generator: Xoshiro256StarStar
    let weights: [(weight: Matrix<Scalar>, bias: Matrix<Scalar>)]
    let batch: Batch<Scalar>
    let library: LibraryModel<Scalar>

    /// Reports the case on standard error and draws its inputs.
    init(_ suite: Suite, model spec: ModelSpec, batch size: Int, seed: UInt64) {
        progress("\(suite.rawValue) \(Scalar.self) \(spec.name) batch \(size)…")
        generator = caseGenerator(seed: seed, suite: suite, model: spec, batch: size, Scalar.self)
        weights = modelWeights(spec, Scalar.self, using: &generator)
        batch = Batch<Scalar>.random(spec, size: size, using: &generator)
        library = LibraryModel(spec, weights: weights, batch: batch)
    }
}
