// The per-example quantities of a structured Hessian: one forward pass, the
// loss's first and second derivatives with respect to the outputs, and the
// activation's first and second derivatives, then the tall N-row matrices
// whose products (Uᵀ·V) are the Hessian's blocks.
//
// Design note. All derivatives are closed forms, written with the same
// conventions as the autograd's recorded derivatives (Tensor+Functions.swift):
// f′ and f″ from the output y where the autograd uses it (tanh′ = 1 − y²,
// σ′ = y(1 − y)), ReLU′(0) = 0, ELU′(x) = y + α for x ≤ 0. So at a kink the
// result is what `HessianOperator.fullHessian()` returns, not a different
// one-sided value.

import DescentNN
import Foundation  // erf, tanh, exp, log1p, expm1

/// Per-example values of one network on one batch; the loss's 1/N is inside
/// the gradients g and curvatures Λ.
struct ExampleQuantities {
    /// N.
    let count: Int
    /// N×d̃: the inputs, with a column of ones when the first layer has a bias.
    let augmentedInputs: Matrix<Double>
    /// N×h̃: the hidden activations z = f(a), with a column of ones when the second layer has a bias.
    let augmentedHidden: Matrix<Double>
    /// N×h: f′(aₙⱼ).
    let slopes: Matrix<Double>
    /// N×h: (W₂ᵀgₙ)ⱼ·f″(aₙⱼ), the diagonal term of Cₙ.
    let curvatureDiagonal: Matrix<Double>
    /// N×c: gₙ = ∂L/∂oₙ.
    let outputGradients: Matrix<Double>
    /// N·c·c: Λₙ = ∂²L/∂oₙ², row-major per example.
    let outputCurvatures: [Double]
    /// N×(c·h): Mₙ = ΛₙW₂Dₙ row by row (Dₙ = diag(f′(aₙ))).
    let curvatureThroughLayer: Matrix<Double>
    /// W₂ (c×h).
    let secondWeight: Matrix<Double>

    /// One forward pass of `network` on `inputs` and the derivatives of its loss against `targets`.
    init(of network: OneHiddenLayerHessian, inputs: Matrix<Double>, targets: Matrix<Double>)
        throws(StructuredHessianError)
    {
        let n = inputs.rows
        let (h, c) = (network.hiddenUnits, network.outputCount)
        guard n > 0 else { throw .emptyBatch }
        guard inputs.columns == network.inputCount else {
            throw .shapeMismatch(what: "inputs", expected: "N×\(network.inputCount)", actual: inputs.shapeDescription)
        }
        guard targets.rows == n && targets.columns == c else {
            throw .shapeMismatch(what: "targets", expected: "\(n)×\(c)", actual: targets.shapeDescription)
        }
        try requireFinite(inputs, "inputs")
        try requireFinite(targets, "targets")

        var preactivations = gemm(inputs, network.firstWeight, transposingB: true)
        if let bias = network.firstBias { addRow(bias, to: &preactivations) }
        var hidden = Matrix<Double>(rows: n, columns: h)
        var slopes = Matrix<Double>(rows: n, columns: h)
        var secondSlopes = Matrix<Double>(rows: n, columns: h)
        let function = network.activation
        preactivations.withUnsafeElements { a in
            hidden.withUnsafeMutableElements { z in
                slopes.withUnsafeMutableElements { first in
                    secondSlopes.withUnsafeMutableElements { second in
                        for index in 0..<n * h {
                            (z[index], first[index], second[index]) = function.valueAndDerivatives(at: a[index])
                        }
                    }
                }
            }
        }
        try requireFinite(hidden, "the hidden activations")
        var outputs = gemm(hidden, network.secondWeight, transposingB: true)
        if let bias = network.secondBias { addRow(bias, to: &outputs) }
        try requireFinite(outputs, "the network's outputs")

        let (gradients, curvatures) = outputDerivatives(of: network.loss, outputs: outputs, targets: targets)
        try requireFinite(gradients, "the loss gradient")
        var curvatureDiagonal = gemm(gradients, network.secondWeight)  // (W₂ᵀgₙ)ⱼ
        curvatureDiagonal.withUnsafeMutableElements { values in
            secondSlopes.withUnsafeElements { second in
                for index in 0..<n * h { values[index] *= second[index] }
            }
        }

        self.count = n
        self.augmentedInputs = network.firstBias == nil ? inputs : appendingOnes(to: inputs)
        self.augmentedHidden = network.secondBias == nil ? hidden : appendingOnes(to: hidden)
        self.slopes = slopes
        self.curvatureDiagonal = curvatureDiagonal
        self.outputGradients = gradients
        self.outputCurvatures = curvatures
        self.secondWeight = network.secondWeight
        self.curvatureThroughLayer = Self.curvatureThroughLayer(
            curvatures, secondWeight: network.secondWeight, slopes: slopes)
    }

    /// Mₙ = ΛₙW₂Dₙ for every example, row n holding Mₙ (c×h) row by row.
    private static func curvatureThroughLayer(
        _ curvatures: [Double], secondWeight: Matrix<Double>, slopes: Matrix<Double>
    ) -> Matrix<Double> {
        let (n, c, h) = (slopes.rows, secondWeight.rows, secondWeight.columns)
        var result = Matrix<Double>(rows: n, columns: c * h)
        result.withUnsafeMutableElements { m in
            curvatures.withUnsafeBufferPointer { lambda in
                secondWeight.withUnsafeElements { w in
                    slopes.withUnsafeElements { f in
                        for example in 0..<n {
                            let row = m.baseAddress! + example * c * h
                            let slope = f.baseAddress! + example * h
                            for k in 0..<c {
                                let target = row + k * h
                                for other in 0..<c {
                                    let weight = lambda[(example * c + k) * c + other]
                                    if weight == 0 { continue }
                                    let source = w.baseAddress! + other * h
                                    for j in 0..<h { target[j] += weight * source[j] }
                                }
                                for j in 0..<h { target[j] *= slope[j] }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    // MARK: - Tall matrices for the blocks

    /// N × h(h+1)/2: Cₙ[j,j′] for j ≤ j′, with Cₙ = DₙW₂ᵀΛₙW₂Dₙ + diag((W₂ᵀgₙ) ⊙ f″(aₙ)),
    /// computed as Σₖ (W₂[k,j]·f′(aₙⱼ))·Mₙ[k,j′].
    func packedHiddenCurvatures() -> Matrix<Double> {
        let (c, h) = (secondWeight.rows, secondWeight.columns)
        var result = Matrix<Double>(rows: count, columns: packedCount(h))
        result.withUnsafeMutableElements { u in
            curvatureThroughLayer.withUnsafeElements { m in
                secondWeight.withUnsafeElements { w in
                    slopes.withUnsafeElements { f in
                        curvatureDiagonal.withUnsafeElements { diagonal in
                            for example in 0..<count {
                                let row = u.baseAddress! + example * packedCount(h)
                                let through = m.baseAddress! + example * c * h
                                for j in 0..<h {
                                    let target = row + packedIndex(j, j, order: h) - j  // target[j′] for j′ ≥ j
                                    let slope = f[example * h + j]
                                    for k in 0..<c {
                                        let factor = w[k * h + j] * slope
                                        let source = through + k * h
                                        for partner in j..<h { target[partner] += factor * source[partner] }
                                    }
                                    target[j] += diagonal[example * h + j]
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// N × d̃(d̃+1)/2: x̃ₙᵢ·x̃ₙᵢ′ for i ≤ i′.
    func packedInputProducts() -> Matrix<Double> { packedOuterProducts(augmentedInputs) }

    /// N × h̃(h̃+1)/2: z̃ₙⱼ·z̃ₙⱼ′ for j ≤ j′.
    func packedHiddenProducts() -> Matrix<Double> { packedOuterProducts(augmentedHidden) }

    /// N × c(c+1)/2: Λₙ[k,k′] for k ≤ k′.
    func packedOutputCurvatures() -> Matrix<Double> {
        let c = outputGradients.columns
        return Matrix(rows: count, columns: packedCount(c)) { example, pair in
            var (k, remaining) = (0, pair)
            while remaining >= c - k {
                remaining -= c - k
                k += 1
            }
            return outputCurvatures[(example * c + k) * c + k + remaining]
        }
    }

    /// N × (h̃·d̃): z̃ₙⱼ·x̃ₙᵢ at column j·d̃ + i.
    func hiddenInputProducts() -> Matrix<Double> {
        let (hiddenWidth, inputWidth) = (augmentedHidden.columns, augmentedInputs.columns)
        var result = Matrix<Double>(rows: count, columns: hiddenWidth * inputWidth)
        result.withUnsafeMutableElements { b in
            augmentedHidden.withUnsafeElements { z in
                augmentedInputs.withUnsafeElements { x in
                    for example in 0..<count {
                        let input = x.baseAddress! + example * inputWidth
                        for j in 0..<hiddenWidth {
                            let factor = z[example * hiddenWidth + j]
                            let target = b.baseAddress! + (example * hiddenWidth + j) * inputWidth
                            for i in 0..<inputWidth { target[i] = factor * input[i] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// N × (c·h): gₙₖ·f′(aₙⱼ) at column k·h + j.
    func gradientSlopeProducts() -> Matrix<Double> {
        let (c, h) = (outputGradients.columns, slopes.columns)
        return Matrix(rows: count, columns: c * h) { example, column in
            outputGradients[example, column / h] * slopes[example, column % h]
        }
    }
}

// MARK: - Derivatives

extension ActivationFunction {
    /// f(x), f′(x) and f″(x), with the autograd's conventions at kinks
    /// (ReLU and leaky ReLU: the x > 0 branch only for x > 0; f″ = 0).
    @inline(__always)
    func valueAndDerivatives(at x: Double) -> (value: Double, first: Double, second: Double) {
        switch self {
        case .identity:
            return (x, 1, 0)
        case .relu:
            return x > 0 ? (x, 1, 0) : (0, 0, 0)
        case .leakyReLU(let slope):
            return x > 0 ? (x, 1, 0) : (slope * x, slope, 0)
        case .elu(let alpha):
            if x > 0 { return (x, 1, 0) }
            let y = alpha * expm1(x)
            return (y, y + alpha, y + alpha)
        case .tanh:
            let y = Foundation.tanh(x)
            let first = 1 - y * y
            return (y, first, -2 * y * first)
        case .sigmoid:
            let y = logistic(x)
            let first = y * (1 - y)
            return (y, first, first * (1 - 2 * y))
        case .softplus:
            let sigma = logistic(x)
            return (Swift.max(x, 0) + log1p(exp(-abs(x))), sigma, sigma * (1 - sigma))
        case .gelu:
            let cumulative = (1 + erf(x / 2.0.squareRoot())) / 2
            let density = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            return (x * cumulative, cumulative + x * density, density * (2 - x * x))
        }
    }
}

/// σ(x) = 1/(1 + e^{−x}) without overflow.
@inline(__always)
private func logistic(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
}

/// g = ∂L/∂o (N×c) and Λ = ∂²L/∂o² (N·c·c, per example row-major) of the
/// mean loss L = (1/N)·Σₙ ℓ(oₙ, yₙ):
/// quadratic ℓ = ½‖o − y‖²: g = (o − y)/N, Λ = I/N;
/// softmax cross-entropy ℓ = −Σₖ yₖ·log softmax(o)ₖ, with s = softmax(o) and t = Σₖ yₖ:
///   g = (t·s − y)/N, Λ = t·(diag(s) − s·sᵀ)/N;
/// binary cross-entropy on logits ℓ = Σₖ softplus(oₖ) − yₖoₖ: g = (σ(o) − y)/N, Λ = diag(σ(1 − σ))/N.
/// - Precondition: `loss` is not `.binaryCrossEntropy` (rejected at recognition).
func outputDerivatives(of loss: Loss, outputs: Matrix<Double>, targets: Matrix<Double>)
    -> (gradients: Matrix<Double>, curvatures: [Double])
{
    let (n, c) = (outputs.rows, outputs.columns)
    let scale = 1 / Double(n)
    var gradients = Matrix<Double>(rows: n, columns: c)
    var curvatures = [Double](repeating: 0, count: n * c * c)
    var probabilities = [Double](repeating: 0, count: c)
    for example in 0..<n {
        let base = example * c * c
        switch loss {
        case .quadratic:
            for k in 0..<c {
                gradients[example, k] = (outputs[example, k] - targets[example, k]) * scale
                curvatures[base + k * c + k] = scale
            }
        case .softmaxCrossEntropy:
            var largest = -Double.infinity
            for k in 0..<c { largest = Swift.max(largest, outputs[example, k]) }
            var total = 0.0
            var targetTotal = 0.0
            for k in 0..<c {
                probabilities[k] = exp(outputs[example, k] - largest)
                total += probabilities[k]
                targetTotal += targets[example, k]
            }
            for k in 0..<c { probabilities[k] /= total }
            for k in 0..<c {
                gradients[example, k] = (targetTotal * probabilities[k] - targets[example, k]) * scale
                for other in 0..<c {
                    let product = probabilities[k] * probabilities[other]
                    curvatures[base + k * c + other] = targetTotal * scale * ((k == other ? probabilities[k] : 0) - product)
                }
            }
        case .binaryCrossEntropyWithLogits:
            for k in 0..<c {
                let sigma = logistic(outputs[example, k])
                gradients[example, k] = (sigma - targets[example, k]) * scale
                curvatures[base + k * c + k] = sigma * (1 - sigma) * scale
            }
        case .binaryCrossEntropy:
            preconditionFailure("outputDerivatives: binary cross-entropy on probabilities has no structured Hessian")
        }
    }
    return (gradients, curvatures)
}

// MARK: - Small helpers

/// N × m(m+1)/2: aₙᵢ·aₙᵢ′ for i ≤ i′, row n for example n.
private func packedOuterProducts(_ a: Matrix<Double>) -> Matrix<Double> {
    let (n, m) = (a.rows, a.columns)
    let width = packedCount(m)
    var result = Matrix<Double>(rows: n, columns: width)
    result.withUnsafeMutableElements { target in
        a.withUnsafeElements { source in
            for example in 0..<n {
                let row = source.baseAddress! + example * m
                var position = target.baseAddress! + example * width
                for i in 0..<m {
                    let factor = row[i]
                    for other in i..<m { position[other - i] = factor * row[other] }
                    position += m - i
                }
            }
        }
    }
    return result
}

/// `a` with a column of ones appended.
private func appendingOnes(to a: Matrix<Double>) -> Matrix<Double> {
    Matrix(rows: a.rows, columns: a.columns + 1) { i, j in j < a.columns ? a[i, j] : 1 }
}

/// Adds the 1×m (or m×1) `bias` to every row of `a`.
private func addRow(_ bias: Matrix<Double>, to a: inout Matrix<Double>) {
    let m = a.columns
    bias.withUnsafeElements { b in
        a.withUnsafeMutableElements { values in
            for index in 0..<values.count { values[index] += b[index % m] }
        }
    }
}

/// Throws ``StructuredHessianError/nonFinite(what:row:column:)`` at the first NaN or ±∞ of `a`.
private func requireFinite(_ a: Matrix<Double>, _ what: String) throws(StructuredHessianError) {
    let position = a.withUnsafeElements { values in values.firstIndex { !$0.isFinite } }
    if let position { throw .nonFinite(what: what, row: position / a.columns, column: position % a.columns) }
}
