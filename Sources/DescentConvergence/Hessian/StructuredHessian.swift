// StructuredHessian: the exact Hessian of a one-hidden-layer network's mean
// training loss, assembled from per-example quantities in a few large GEMMs.
//
// Design note. Goals, in order:
// 1. Exact: the same matrix as `HessianOperator.fullHessian()` (up to
//    rounding), with the parameters in the same order — each layer's weight
//    row by row, then its bias, in `namedParameters` order.
// 2. Fast. Forward-over-reverse (JAX's `jax.hessian`, our `fullHessian`)
//    costs P Hessian-vector products, each a pass over all N examples:
//    O(N·P·cost of one example) ≈ O(N·P²·const). Here the Kronecker structure
//    of a dense layer is used instead. For the network
//    a = W₁x + b₁, z = f(a), o = W₂z + b₂ and per-example loss ℓ(o),
//    write x̃ = (x, 1), z̃ = (z, 1), g = ∂L/∂o and Λ = ∂²L/∂o² per example
//    (L the mean loss, so both carry the 1/N), D = diag(f′(a)). Then
//      W₁–W₁: H[(j,i),(j′,i′)] = Σₙ Cₙ[j,j′]·x̃ₙᵢ·x̃ₙᵢ′,
//             C = D·W₂ᵀΛW₂·D + diag((W₂ᵀg) ⊙ f″(a));
//      W₂–W₂: H[(k,j),(k′,j′)] = Σₙ Λₙ[k,k′]·z̃ₙⱼ·z̃ₙⱼ′;
//      W₂–W₁: H[(k,j),(j′,i′)] = Σₙ Mₙ[k,j′]·z̃ₙⱼ·x̃ₙᵢ′ + δⱼⱼ′·Σₙ gₙₖ·f′(aₙⱼ)·x̃ₙᵢ′,
//             M = ΛW₂D (the second term: z's own dependence on W₁).
//    Each sum over n is one GEMM of tall N-row matrices. The symmetric ones
//    (C and Λ are symmetric, and so are x̃x̃ᵀ, z̃z̃ᵀ) keep only the pairs
//    j ≤ j′ and i ≤ i′ ("packed"): the W₁ block is Uᵀ·V with U = N × h(h+1)/2
//    and V = N × d̃(d̃+1)/2, about N·h²·d̃²/2 multiply-adds, against
//    forward-over-reverse's ≈ 4·N·P² for P ≈ h·d̃. The assembled matrix is
//    exactly symmetric (each entry is written from one sum).
// 3. Honest scope: only Dense → Activation → Dense in `Double` with the
//    quadratic, softmax cross-entropy or binary cross-entropy-with-logits loss.
//    Anything else gives `nil` at recognition, and callers use the generic path.
// Sources: Pearlmutter 1994 (what the generic path computes); Martens & Grosse
// 2015 §3 (the Kronecker form of dense-layer curvature blocks; here exact,
// with no K-FAC independence assumption); Bishop, Pattern Recognition and
// Machine Learning, §5.4 (exact Hessians of two-layer networks).

import DescentNN

/// The exact Hessian of the mean training loss of a one-hidden-layer network
/// `Dense(d→h) → Activation(f) → Dense(h→c)`, assembled from per-example
/// quantities with a few large matrix products instead of P Hessian-vector
/// products.
///
/// ```swift
/// guard let structured = OneHiddenLayerHessian(model: model, loss: .quadratic) else {
///     // Not of this form: use HessianOperator(of:withRespectTo:).fullHessian().
/// }
/// let hessian = try structured.hessian(inputs: x, targets: y)   // P × P
/// ```
///
/// The parameters are ordered as `HessianOperator(of:withRespectTo: model.parameters)`
/// flattens them: W₁ (h×d) row by row, b₁, W₂ (c×h) row by row, b₂; a layer
/// without bias simply has no bias entries.
///
/// - Complexity: for N examples, about N·(h²·d̃²/2 + c·h·h̃·d̃ + c²·h̃²/2)
///   multiply-adds in GEMMs (d̃ = d + 1 with a first-layer bias, h̃ = h + 1 with
///   a second-layer bias), plus P² writes; memory P² for the result plus
///   about N·(h²/2 + d̃²/2 + h̃·d̃) doubles of workspace.
public struct OneHiddenLayerHessian: Sendable {
    /// d, the number of input features.
    public let inputCount: Int
    /// h, the number of hidden units.
    public let hiddenUnits: Int
    /// c, the number of outputs.
    public let outputCount: Int
    /// The hidden layer's activation f.
    public let activation: ActivationFunction
    /// The loss whose mean over the examples is differentiated.
    public let loss: Loss

    let firstWeight: Matrix<Double>
    let firstBias: Matrix<Double>?
    let secondWeight: Matrix<Double>
    let secondBias: Matrix<Double>?

    /// P, the number of parameters (the Hessian is P×P).
    public var parameterCount: Int { firstLayout.count + secondLayout.count }

    /// Where the first layer's parameters sit in the flat parameter vector.
    var firstLayout: DenseLayout {
        DenseLayout(offset: 0, units: hiddenUnits, fanIn: inputCount, hasBias: firstBias != nil)
    }
    /// Where the second layer's parameters sit in the flat parameter vector.
    var secondLayout: DenseLayout {
        DenseLayout(offset: firstLayout.count, units: outputCount, fanIn: hiddenUnits, hasBias: secondBias != nil)
    }

    /// Recognizes `model` as Dense → Activation → Dense with `loss`, reading its
    /// current weights.
    ///
    /// - Parameters:
    ///   - model: the network; it must have exactly three layers: a `Dense`, an
    ///     `Activation` and a `Dense` whose inputs match the first's outputs.
    ///   - loss: `.quadratic`, `.softmaxCrossEntropy` or `.binaryCrossEntropyWithLogits`.
    /// - Returns: `nil` when the model or the loss is not of this form
    ///   (`.binaryCrossEntropy` on probabilities is not: its clamping makes the
    ///   curvature piecewise); use `HessianOperator` then.
    ///   ReLU-like activations are handled with the autograd's conventions at the
    ///   kink (f′(0) = 0 for ReLU, f″ = 0 everywhere), so the result equals
    ///   `fullHessian()` at every point, kinks included.
    public init?(model: Sequential<Double>, loss: Loss) {
        guard loss != .binaryCrossEntropy, model.layers.count == 3,
            let first = model.layers[0] as? Dense<Double>,
            let activation = model.layers[1] as? Activation<Double>,
            let second = model.layers[2] as? Dense<Double>,
            second.inputs == first.outputs
        else { return nil }
        self.inputCount = first.inputs
        self.hiddenUnits = first.outputs
        self.outputCount = second.outputs
        self.activation = activation.function
        self.loss = loss
        self.firstWeight = first.weight.value
        self.firstBias = first.bias?.value
        self.secondWeight = second.weight.value
        self.secondBias = second.bias?.value
    }

    // MARK: - The Hessian

    /// The exact P×P Hessian of the loss averaged over the examples, at the
    /// model's current weights.
    ///
    /// - Parameters:
    ///   - inputs: N×d, one example per row, N ≥ 1.
    ///   - targets: N×c, in the form `loss` takes (one-hot rows for the
    ///     classification losses; any finite values are accepted).
    /// - Returns: a symmetric P×P matrix, exactly symmetric.
    /// - Throws: ``StructuredHessianError/emptyBatch``,
    ///   ``StructuredHessianError/shapeMismatch(what:expected:actual:)`` for inputs or
    ///   targets of the wrong shape, ``StructuredHessianError/nonFinite(what:row:column:)``
    ///   for a NaN or ±∞ in the data or in the forward pass (an overflowing network).
    public func hessian(inputs: Matrix<Double>, targets: Matrix<Double>) throws(StructuredHessianError) -> Matrix<Double> {
        let examples = try ExampleQuantities(of: self, inputs: inputs, targets: targets)
        let p = parameterCount
        // Every entry is written exactly once by the three blocks (the cross
        // block's own term adds to an entry written just before), so the
        // buffer is not zeroed first: that pass alone cost a third of the
        // assembly of the 64-64-10 model.
        let elements = [Double](unsafeUninitializedCapacity: p * p) { buffer, count in
            let hessian = SymmetricAssembly(elements: buffer.baseAddress!, order: p)
            firstLayerBlock(examples, into: hessian)
            secondLayerBlock(examples, into: hessian)
            crossBlock(examples, into: hessian)
            count = p * p
        }
        return Matrix(rows: p, columns: p, elements: elements)
    }

    /// W₁–W₁: Σₙ Cₙ ⊗ x̃ₙx̃ₙᵀ as one GEMM of packed pairs.
    private func firstLayerBlock(_ examples: ExampleQuantities, into hessian: SymmetricAssembly) {
        let pairs = gemm(
            examples.packedHiddenCurvatures(), examples.packedInputProducts(),
            transposingA: true)
        hessian.scatterPackedKronecker(pairs, layout: firstLayout)
    }

    /// W₂–W₂: Σₙ Λₙ ⊗ z̃ₙz̃ₙᵀ as one GEMM of packed pairs.
    private func secondLayerBlock(_ examples: ExampleQuantities, into hessian: SymmetricAssembly) {
        let pairs = gemm(examples.packedOutputCurvatures(), examples.packedHiddenProducts(), transposingA: true)
        hessian.scatterPackedKronecker(pairs, layout: secondLayout)
    }

    /// W₂–W₁: Σₙ vec(Mₙ)·(z̃ₙ ⊗ x̃ₙ)ᵀ plus the hidden units' own term, then mirrored.
    private func crossBlock(_ examples: ExampleQuantities, into hessian: SymmetricAssembly) {
        let curvatureTerm = gemm(
            examples.curvatureThroughLayer, examples.hiddenInputProducts(),
            transposingA: true)
        let ownTerm = gemm(examples.gradientSlopeProducts(), examples.augmentedInputs, transposingA: true)
        hessian.fillCross(
            curvatureTerm: curvatureTerm, ownTerm: ownTerm, secondLayer: secondLayout, firstLayer: firstLayout)
    }
}

// MARK: - Convenience

/// The exact Hessian of `loss` averaged over the examples, by the structured
/// assembly of ``OneHiddenLayerHessian`` when `model` is Dense → Activation →
/// Dense, or `nil` when it is not (then use `HessianOperator`).
///
/// - Throws: what ``OneHiddenLayerHessian/hessian(inputs:targets:)`` throws.
public func structuredHessian(
    of model: Sequential<Double>, loss: Loss, inputs: Matrix<Double>, targets: Matrix<Double>
) throws(StructuredHessianError) -> Matrix<Double>? {
    guard let structured = OneHiddenLayerHessian(model: model, loss: loss) else { return nil }
    return try structured.hessian(inputs: inputs, targets: targets)
}

// MARK: - Errors

/// Why a structured Hessian could not be computed from the given data.
public enum StructuredHessianError: Error, Equatable, Sendable {
    /// No examples.
    case emptyBatch
    /// `what` ("inputs" or "targets") has shape `actual` (rows×columns) where `expected` was needed.
    case shapeMismatch(what: String, expected: String, actual: String)
    /// A NaN or ±∞ in `what` at `row`, `column` (from 0): in the data, or
    /// produced by the forward pass (weights or inputs so large that it overflows).
    case nonFinite(what: String, row: Int, column: Int)
}

extension StructuredHessianError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .emptyBatch:
            return "the Hessian of a mean loss needs at least one example; pass a non-empty inputs matrix"
        case let .shapeMismatch(what, expected, actual):
            return "\(what) are \(actual) but the network needs \(expected); pass one example per row"
        case let .nonFinite(what, row, column):
            return "\(what) contains NaN or ±∞ at row \(row), column \(column) (from 0); "
                + "check the data, or the weights if the forward pass overflows"
        }
    }
}
