// RawNetwork: the "raw BLAS" floor — the loss and gradient of an MLP with
// hand-derived backprop, as a careful programmer writes it without autograd.
//
// Design note. Every buffer is allocated once; a step makes no allocation.
// Matrix products are `gemm(…, into:)` calls on `Matrix` values (the library's
// thinnest layer over `cblas_?gemm`, ≈ 13 ns a call over the C call in
// linalg-bench), bias gradients one `gemv` each (as the library's
// `sum(alongAxis: 0)`), and the element-wise work — bias, activation, softmax,
// activation derivative — one fused loop per layer over the matrices' own
// buffers. Those loops write through pointers taken once from matrices this
// object alone holds (linalg-bench's GEMM baseline does the same); the
// buffers never move, which `checkBuffersDidNotMove()` verifies.
//
// For z = x·Wᵀ + b, a = f(z) and the mean softmax cross-entropy over n rows:
//   δᴸ = (softmax(zᴸ) − y)/n,  ∂W = δᵀ·a_prev,  ∂b = δᵀ·1,
//   δ_prev = (δ·W) ⊙ f′(z_prev), with f′ from the output: ReLU′ = [a > 0], tanh′ = 1 − a².

import BenchmarkSupport
import DescentNN

/// One MLP's loss and gradient by hand, on preallocated buffers.
final class RawNetwork<Scalar: BLASScalar> {
    let activation: HiddenActivation
    let weights: [Matrix<Scalar>]
    let biases: [Matrix<Scalar>]
    let inputs: Matrix<Scalar>
    let labels: [Int]
    /// Layer outputs after the activation (n × width); the last holds the logits.
    private var outputs: [Matrix<Scalar>]
    /// ∂loss/∂z per layer (n × width).
    private var deltas: [Matrix<Scalar>]
    /// ∂loss/∂W per layer (outputs × inputs).
    private(set) var weightGradients: [Matrix<Scalar>]
    /// ∂loss/∂b per layer, as columns (outputs × 1).
    private(set) var biasGradients: [Matrix<Scalar>]
    private let ones: Matrix<Scalar>
    private let outputPointers: [UnsafeMutablePointer<Scalar>]
    private let deltaPointers: [UnsafeMutablePointer<Scalar>]
    /// The loss of the last step.
    private(set) var loss: Scalar = 0

    init(
        _ spec: ModelSpec, weights parameters: [(weight: Matrix<Scalar>, bias: Matrix<Scalar>)], batch: Batch<Scalar>
    ) {
        activation = spec.activation
        weights = parameters.map(\.weight)
        biases = parameters.map(\.bias)
        inputs = batch.inputs
        labels = batch.labels
        let n = batch.inputs.rows
        outputs = spec.widths.dropFirst().map { Matrix(rows: n, columns: $0) }
        deltas = spec.widths.dropFirst().map { Matrix(rows: n, columns: $0) }
        weightGradients = parameters.map { Matrix(rows: $0.weight.rows, columns: $0.weight.columns) }
        biasGradients = parameters.map { Matrix(rows: $0.weight.rows, columns: 1) }
        ones = Matrix(rows: n, columns: 1, repeating: 1)
        outputPointers = outputs.map(Self.mutableStart)
        deltaPointers = deltas.map(Self.mutableStart)
    }

    /// The first element of `matrix`'s buffer, for writing. Valid while the
    /// matrix stays uniquely held by this object (its buffer then never moves).
    private static func mutableStart(_ matrix: Matrix<Scalar>) -> UnsafeMutablePointer<Scalar> {
        matrix.elements.withUnsafeBufferPointer { UnsafeMutablePointer(mutating: $0.baseAddress!) }
    }

    /// Stops the run if a buffer moved (a copy-on-write copy would make the
    /// pointer loops write into memory the products no longer read).
    func checkBuffersDidNotMove() {
        precondition(outputs.map(Self.mutableStart) == outputPointers, "RawNetwork: an output buffer moved")
        precondition(deltas.map(Self.mutableStart) == deltaPointers, "RawNetwork: a delta buffer moved")
    }

    /// The gradient of the last step as the library lists it: W₁, b₁, W₂, b₂, … (b as 1×outputs).
    var gradient: [Matrix<Scalar>] {
        zip(weightGradients, biasGradients).flatMap { [$0, $1.reshaped(rows: 1, columns: $1.rows)] }
    }

    // MARK: - One step

    /// Forward pass, loss, and the gradient of every parameter.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    func step() {
        let layers = weights.count
        let n = inputs.rows
        for layer in 0..<layers {
            let input = layer == 0 ? inputs : outputs[layer - 1]
            gemm(input, weights[layer], transposingB: true, into: &outputs[layer])
            addBias(layer, applyingActivation: layer < layers - 1)
        }
        loss = softmaxCrossEntropy(logits: outputPointers[layers - 1], into: deltaPointers[layers - 1], rows: n)
        for layer in (0..<layers).reversed() {
            let input = layer == 0 ? inputs : outputs[layer - 1]
            gemm(deltas[layer], input, transposingA: true, into: &weightGradients[layer])
            gemv(deltas[layer], ones, transposing: true, into: &biasGradients[layer])
            if layer > 0 {
                gemm(deltas[layer], weights[layer], into: &deltas[layer - 1])
                multiplyByActivationDerivative(layer - 1)
            }
        }
    }

    /// z ← z + b, then a = f(z) in place when `applyingActivation`.
    private func addBias(_ layer: Int, applyingActivation: Bool) {
        let z = outputPointers[layer]
        let width = biases[layer].columns
        let rows = inputs.rows
        let relu = activation == .relu
        biases[layer].elements.withUnsafeBufferPointer { bias in
            for i in 0..<rows {
                let row = z + i * width
                if !applyingActivation {
                    for j in 0..<width { row[j] += bias[j] }
                } else if relu {
                    for j in 0..<width { row[j] = Swift.max(row[j] + bias[j], 0) }
                } else {
                    for j in 0..<width { row[j] = Scalar.tanh(row[j] + bias[j]) }
                }
            }
        }
    }

    /// δ ← δ ⊙ f′, with f′ from the layer's output a.
    private func multiplyByActivationDerivative(_ layer: Int) {
        let a = outputPointers[layer]
        let delta = deltaPointers[layer]
        let count = outputs[layer].count
        if activation == .relu {
            for index in 0..<count where !(a[index] > 0) { delta[index] = 0 }
        } else {
            for index in 0..<count { delta[index] *= 1 - a[index] * a[index] }
        }
    }

    /// The mean softmax cross-entropy of the logits against `labels`, and
    /// δ = (softmax − one-hot)/n written to `delta`.
    private func softmaxCrossEntropy(
        logits: UnsafeMutablePointer<Scalar>, into delta: UnsafeMutablePointer<Scalar>, rows: Int
    ) -> Scalar {
        let classes = biases[biases.count - 1].columns
        let perExample = 1 / Scalar(rows)
        var total: Scalar = 0
        for i in 0..<rows {
            let z = logits + i * classes
            let d = delta + i * classes
            var largest = z[0]
            for j in 1..<classes { largest = Swift.max(largest, z[j]) }
            var sum: Scalar = 0
            for j in 0..<classes {
                d[j] = Scalar.exp(z[j] - largest)
                sum += d[j]
            }
            let label = labels[i]
            total += Scalar.log(sum) + largest - z[label]
            let scale = perExample / sum
            for j in 0..<classes { d[j] *= scale }
            d[label] -= perExample
        }
        return total * perExample
    }
}
