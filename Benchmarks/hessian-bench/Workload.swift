// Workload: the data and the networks, drawn so that scripts/bench_hessian_jax.py
// builds bit-for-bit the same weights (and, up to libm rounding, the same
// random inputs), so both sides differentiate the same function and their
// eigenvalues can be compared.
//
// Weights: every layer's weight (row by row, outputs × inputs) then its bias,
// uniform in ±1/√fan_in (PyTorch's nn.Linear default), from one SplitMix64
// stream per network (digits models: seed S; Lanczos model: seed S + 1, whose
// stream then gives the Gaussian inputs and the labels).

import BenchmarkSupport
import DescentConvergence
import DescentNN
import DescentTraining
import Foundation

// MARK: - SplitMix64

/// Steele, Lea & Flood's SplitMix64 (OOPSLA 2014): output i is mix(seed + (i + 1)·γ).
/// The Python side vectorizes exactly this sequence.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func nextWord() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits times 2⁻⁵³.
    mutating func uniform() -> Double { Double(nextWord() >> 11) * 0x1p-53 }

    /// Uniform in [−bound, bound): bound·(2u − 1).
    mutating func symmetricUniform(bound: Double) -> Double { bound * (2 * uniform() - 1) }

    /// Box–Muller, cos branch: √(−2 log(1 − u₁))·cos(2π u₂).
    mutating func normal() -> Double {
        let (first, second) = (uniform(), uniform())
        return (-2 * log(1 - first)).squareRoot() * cos(2 * Double.pi * second)
    }
}

// MARK: - Networks

/// A tanh MLP with the given layer sizes, weights from `generator`.
func tanhNetwork(sizes: [Int], using generator: inout SplitMix64) -> Sequential<Double> {
    var layers: [any Layer<Double>] = []
    for (index, (fanIn, fanOut)) in zip(sizes.dropLast(), sizes.dropFirst()).enumerated() {
        let bound = 1 / Double(fanIn).squareRoot()
        let weight = Matrix<Double>(
            rows: fanOut, columns: fanIn,
            elements: (0..<fanOut * fanIn).map { _ in generator.symmetricUniform(bound: bound) })
        let bias = Matrix<Double>(row: (0..<fanOut).map { _ in generator.symmetricUniform(bound: bound) })
        layers.append(Dense(weight: weight, bias: bias))
        if index < sizes.count - 2 { layers.append(Activation(.tanh)) }
    }
    return Sequential(layers)
}

/// "64-16-10".
func sizeLabel(_ sizes: [Int]) -> String { sizes.map(String.init).joined(separator: "-") }

// MARK: - The digits data

/// All 1797 digits, inputs standardized per feature (population standard
/// deviation; the constant columns stay 0), one-hot targets.
struct DigitsProblem {
    let inputs: Matrix<Double>
    let targets: Matrix<Double>

    /// - Throws: a message when the bundled data cannot be loaded.
    static func load() throws(InputError) -> DigitsProblem {
        do {
            let data = try Dataset<Double>.load(.digits)
            guard let targets = data.oneHotTargets else { throw InputError("the digits data set has no labels") }
            let inputs = try Standardizer(fittedTo: data.features).standardized(data.features)
            return DigitsProblem(inputs: inputs, targets: targets)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError("cannot load the digits data: \(error)")
        }
    }
}

// MARK: - The Lanczos problem

/// The 784-256-256-10 tanh MLP on 1000 random Gaussian inputs with random labels.
struct LanczosProblem {
    static let sizes = [784, 256, 256, 10]
    static let samples = 1000

    let network: Sequential<Double>
    let inputs: Matrix<Double>
    let targets: Matrix<Double>

    init(seed: UInt64) {
        var generator = SplitMix64(seed: seed &+ 1)
        network = tanhNetwork(sizes: Self.sizes, using: &generator)
        let features = Self.sizes[0]
        inputs = Matrix(
            rows: Self.samples, columns: features,
            elements: (0..<Self.samples * features).map { _ in generator.normal() })
        let labels = (0..<Self.samples).map { _ in Int(generator.nextWord() % 10) }
        targets = oneHot(labels, classes: Self.sizes.last!)
    }
}

/// The loss names as the JSON spells them.
func lossName(_ loss: Loss) -> String {
    switch loss {
    case .quadratic: "quadratic"
    case .softmaxCrossEntropy: "softmaxCrossEntropy"
    case .binaryCrossEntropy: "binaryCrossEntropy"
    case .binaryCrossEntropyWithLogits: "binaryCrossEntropyWithLogits"
    }
}
