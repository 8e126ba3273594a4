// HessianAnalysis: the Hessian of a network's training loss, exact or matrix-free.
//
// Design note. Goals, in order:
// 1. One object per (model, data, loss) point, holding the exact Hessian-vector
//    product operator of the mean loss (DescentAutograd's forward-over-reverse
//    `HessianOperator`, recorded once), from which every tool runs: the exact
//    P×P matrix and its eigen-decomposition for small models (the oracle), and
//    Lanczos, Hutchinson and SLQ for any size, each reporting its HVP count.
// 2. The parameter vector is flattened exactly as `HessianOperator` flattens
//    `model.parameters` (each tensor row by row, in `namedParameters` order),
//    and named, so per-layer blocks and eigenvectors can be read back.
// 3. Nothing a user passes traps: shapes are checked before the first forward
//    pass, and the exact mode refuses, before allocating, a P² beyond its limit.
// Sources: Pearlmutter 1994 (exact HVPs); Ghorbani, Krishnan & Xiao, ICML 2019,
// and Yao et al., "PyHessian", 2020 (which tools to offer); THEORY.md §9.

import DescentAutograd
import DescentNN
import DescentTraining

/// The Hessian of a model's mean training loss at its current parameters.
///
/// ```swift
/// let analysis = try HessianAnalysis(model: model, data: digits, loss: .softmaxCrossEntropy)
/// let exact = try analysis.exactSpectrum()                    // small models: all P eigenvalues
/// let top = try analysis.extremeEigenpairs(.largest(5))       // any size: Lanczos, with residual bounds
/// let trace = try analysis.trace(HutchinsonTrace(probes: 100))
/// print(top.largest[0].value, top.products, trace.confidenceInterval)
/// ```
public struct HessianAnalysis {
    /// P, the number of scalar parameters.
    public let parameterCount: Int
    /// Each parameter tensor's name (as in `namedParameters`) and its coordinates
    /// in the flattened vector (row by row), in order.
    public let parameters: [(name: String, range: Range<Int>)]
    /// The mean loss L at the current parameters.
    public let lossValue: Double
    /// ∇L flattened (P×1).
    public let gradient: Matrix<Double>
    /// The Hessian as an operator: exact products H·V; its `productCount` is the
    /// number of Hessian-vector products every tool of this analysis has used.
    public let hessian: SymmetricOperator

    /// The model, data and loss the Hessian belongs to (for exact fast paths).
    let model: any Layer<Double>
    let inputs: Matrix<Double>
    let targets: Matrix<Double>
    let loss: Loss
    let mode: LayerMode
    let hessianOperator: HessianOperator<Double>

    // MARK: - Creating an analysis

    /// The Hessian of `loss(model(inputs), targets)`, the loss averaged over the rows.
    ///
    /// - Parameters:
    ///   - model: any layer in `Double`; its parameters are the variables.
    ///   - inputs: N×d, one example per row, N ≥ 1.
    ///   - targets: N×k, of the model's output shape.
    ///   - loss: the loss (the Trainer's convention: summed over outputs, averaged over examples).
    ///   - mode: `.training` (default, as the Trainer's loss: batch normalization uses the
    ///     statistics of these N examples) or `.inference`. A model with dropout
    ///     must use `.inference`: the Hessian of one random mask is not the loss's.
    /// - Throws: ``SpectrumError/incompatibleData(_:)`` for empty or mismatched data
    ///   or a model without parameters; ``SpectrumError/nonFiniteProduct(what:)`` for a non-finite loss.
    public init(
        model: some Layer<Double>, inputs: Matrix<Double>, targets: Matrix<Double>, loss: Loss,
        mode: LayerMode = .training
    ) throws(SpectrumError) {
        guard inputs.rows >= 1 else { throw .incompatibleData("there are no examples (0 input rows)") }
        guard targets.rows == inputs.rows else {
            throw .incompatibleData("\(inputs.rows) input rows but \(targets.rows) target rows")
        }
        if let expected = expectedInputCount(of: model), expected != inputs.columns {
            throw .incompatibleData("the model takes \(expected) features per example, the inputs have \(inputs.columns)")
        }
        let named = model.namedParameters
        guard !named.isEmpty else { throw .incompatibleData("the model has no parameters") }
        var copy = model
        let variables = named.map(\.tensor)
        let output = copy.forward(Tensor(inputs), mode: mode)
        guard output.rows == targets.rows && output.columns == targets.columns else {
            throw .incompatibleData(
                "the model's output is \(output.shapeDescription) but the targets are \(targets.shapeDescription); "
                    + "for class labels use one-hot targets (Dataset.oneHotEncoded())")
        }
        let lossTensor = loss(output, targets)
        guard lossTensor.scalarValue.isFinite else {
            throw .nonFiniteProduct(what: "the loss at the current parameters (\(lossTensor.scalarValue))")
        }
        let hessianOperator = HessianOperator(of: lossTensor, withRespectTo: variables)
        var ranges: [(name: String, range: Range<Int>)] = []
        var offset = 0
        for (name, tensor) in named {
            ranges.append((name, offset..<offset + tensor.value.count))
            offset += tensor.value.count
        }
        self.parameterCount = offset
        self.parameters = ranges
        self.lossValue = lossTensor.scalarValue
        self.gradient = Matrix(column: hessianOperator.gradient.flatMap(\.elements))
        self.hessian = SymmetricOperator(hessianOperator)
        self.hessianOperator = hessianOperator
        self.model = model
        self.inputs = inputs
        self.targets = targets
        self.loss = loss
        self.mode = mode
    }

    /// The Hessian of the loss over a data set, with the Trainer's targets: one-hot
    /// labels for `.softmaxCrossEntropy` on a classification set, the targets matrix otherwise.
    /// - Throws: as ``init(model:inputs:targets:loss:mode:)``.
    public init(model: some Layer<Double>, data: Dataset<Double>, loss: Loss, mode: LayerMode = .training)
        throws(SpectrumError)
    {
        let targets = loss == .softmaxCrossEntropy ? (data.oneHotTargets ?? data.targets) : data.targets
        try self.init(model: model, inputs: data.features, targets: targets, loss: loss, mode: mode)
    }

    // MARK: - Matrix-free tools

    /// Extreme eigenpairs by Lanczos with full reorthogonalization: the sharpness
    /// (`.largest`), the most negative curvature (`.smallest`), or both, each with
    /// its residual bound; `products` counts the HVPs.
    /// - Throws: ``SpectrumError``.
    public func extremeEigenpairs(
        _ selection: ExtremeEigenvalues, lanczos: Lanczos = Lanczos(), start: StartVector = .random(seed: 0),
        computeVectors: Bool = false
    ) throws(SpectrumError) -> LanczosResult {
        try lanczos.eigenpairs(of: hessian, selecting: selection, start: start, computeVectors: computeVectors)
    }

    /// tr(H) by Hutchinson's estimator, with its confidence interval.
    /// - Throws: ``SpectrumError``.
    public func trace(_ estimator: HutchinsonTrace = HutchinsonTrace()) throws(SpectrumError) -> TraceEstimate {
        try estimator.estimate(of: hessian)
    }

    /// The spectral density's quadrature by stochastic Lanczos quadrature
    /// (call `density()` on the result for the smoothed curve).
    /// - Throws: ``SpectrumError``.
    public func spectralDensity(_ estimator: StochasticLanczosQuadrature = StochasticLanczosQuadrature())
        throws(SpectrumError) -> SpectralQuadrature
    {
        try estimator.estimate(of: hessian)
    }
}

/// The number of input features `model` takes, when it can be read off its first
/// dense layer (a `Dense`, or a `Sequential` whose first layer with parameters is one).
func expectedInputCount(of model: any Layer<Double>) -> Int? {
    if let dense = model as? Dense<Double> { return dense.inputs }
    if let sequential = model as? Sequential<Double> {
        for layer in sequential.layers {
            if let inner = expectedInputCount(of: layer) { return inner }
            if !layer.namedParameters.isEmpty { return nil }
        }
    }
    return nil
}
