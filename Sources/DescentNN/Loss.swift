// Losses: quadratic, binary cross-entropy (on probabilities and on logits),
// softmax + negative log-likelihood, and the L2 penalty.
//
// Convention (the notes', and Nielsen's): a loss is summed over the outputs of
// one example and averaged over the examples of the batch (rows). For one
// output unit this equals PyTorch's default `reduction="mean"`; for several it
// differs from PyTorch's element-wise mean by the factor "number of outputs".

/// A loss comparing a network's output with targets, averaged over the examples (rows).
public enum Loss: Sendable, Hashable {
    /// C = (1/n) Σₓ ½‖y − z‖²: the notes' quadratic cost. Its gradient with
    /// respect to the output is (z − y)/n.
    case quadratic
    /// C = −(1/n) Σₓ Σⱼ [yⱼ log pⱼ + (1 − yⱼ) log(1 − pⱼ)] on probabilities p ∈ [0, 1].
    /// Each log is clamped at −100, as PyTorch's `BCELoss` does, so p = 0 or 1 gives
    /// a large finite loss rather than ∞. Prefer ``binaryCrossEntropyWithLogits``.
    case binaryCrossEntropy
    /// Binary cross-entropy on logits a (p = σ(a)), computed stably as
    /// softplus(a) − y·a; its gradient is (σ(a) − y)/n, the notes' ∂C/∂w = x(σ(a) − y).
    case binaryCrossEntropyWithLogits
    /// Softmax followed by the negative log-likelihood, from logits, fused and
    /// stable: C = −(1/n) Σₓ Σⱼ yⱼ·logSoftmax(a)ⱼ with one-hot (or probability)
    /// targets y. Its gradient is δᴸ = (softmax(a) − y)/n.
    case softmaxCrossEntropy

    /// The loss of `output` (batch × outputs) against `target` of the same shape, as a 1×1 tensor.
    /// - Precondition: shapes agree and the batch is not empty.
    public func callAsFunction<Scalar>(_ output: Tensor<Scalar>, _ target: Matrix<Scalar>) -> Tensor<Scalar> {
        precondition(
            output.rows == target.rows && output.columns == target.columns,
            "\(self): output \(output.shapeDescription) and target \(target.shapeDescription) differ")
        precondition(output.rows > 0, "\(self): empty batch")
        let y = Tensor(target)
        let perExample = 1 / Scalar(output.rows)
        switch self {
        case .quadratic:
            return (output - y).squared().sum() * (perExample / 2)
        case .binaryCrossEntropy:
            let logP = clampedLog(output)
            let logOneMinusP = clampedLog(1 - output)
            return -((y * logP + (1 - y) * logOneMinusP).sum() * perExample)
        case .binaryCrossEntropyWithLogits:
            return (output.softplus() - y * output).sum() * perExample
        case .softmaxCrossEntropy:
            return -((y * output.logSoftmax(alongAxis: 1)).sum() * perExample)
        }
    }

    /// Softmax cross-entropy of `logits` (batch × classes) against integer class labels.
    /// - Precondition: `self == .softmaxCrossEntropy`, one label per row, each in 0..<classes.
    public func callAsFunction<Scalar>(_ logits: Tensor<Scalar>, labels: [Int]) -> Tensor<Scalar> {
        precondition(self == .softmaxCrossEntropy, "\(self) takes target matrices, not integer labels")
        return self(logits, oneHot(labels, classes: logits.columns))
    }
}

/// The one-hot matrix (labels.count × classes) of integer labels.
/// - Precondition: every label is in 0..<classes.
public func oneHot<Scalar: BLASScalar>(_ labels: [Int], classes: Int) -> Matrix<Scalar> {
    var elements = [Scalar](repeating: 0, count: labels.count * classes)
    for (row, label) in labels.enumerated() {
        precondition(label >= 0 && label < classes, "label \(label) in row \(row) is outside 0..<\(classes)")
        elements[row * classes + label] = 1
    }
    return Matrix(rows: labels.count, columns: classes, elements: elements)
}

/// The L2 penalty (λ/2)·Σ‖w‖² over `parameters` (coupled weight decay: its
/// gradient λw is added to the loss gradient).
public func l2Penalty<Scalar>(_ parameters: [Tensor<Scalar>], strength lambda: Scalar) -> Tensor<Scalar> {
    var total = Tensor<Scalar>(scalar: 0)
    for parameter in parameters { total = total + parameter.squared().sum() }
    return total * (lambda / 2)
}

/// log p with the result clamped below at −100 (PyTorch's BCELoss rule); the
/// input is masked too, so the clamped branch has a clean zero gradient.
private func clampedLog<Scalar>(_ p: Tensor<Scalar>) -> Tensor<Scalar> {
    let floor = Scalar.exp(-100)
    let inRange = Mask(p.value) { $0 > floor }
    let safe = Tensor.where(inRange, p, Tensor(Matrix(rows: p.rows, columns: p.columns, repeating: 1)))
    return Tensor.where(inRange, safe.log(), Tensor(Matrix(rows: p.rows, columns: p.columns, repeating: -100)))
}
