// Sharpness tracking during training: λmax of the full training loss's Hessian
// every k steps, as a Trainer recorder.
//
// Design note. Goals, in order:
// 1. The quantity of Cohen et al. (ICLR 2021): the top eigenvalue of the
//    Hessian of the FULL training loss (all examples given, not the mini-batch
//    of the step), certified by its Lanczos residual bound.
// 2. Cheap when warm: between two measurements the weights move a little, so
//    Lanczos starts from the previous top eigenvector and converges in a few
//    Hessian-vector products; the count is kept per measurement.
// 3. Plugs into `Trainer.record(_:every:_:)`, so the series lands in the
//    training history next to the loss.
// Sources: Cohen, Kaur, Li, Kolter & Talwalkar, "Gradient descent on neural
// networks typically occurs at the edge of stability", ICLR 2021; THEORY.md §7.

import DescentLinalg
import DescentNN
import DescentOptimizers
import DescentTraining

/// Measures the sharpness λmax(∇²L) of a training loss over fixed data, warm-starting
/// each Lanczos run from the previous top eigenvector.
///
/// ```swift
/// var trainer = Trainer(model: model, optimizer: try SGD<Double>(learningRate: 0.1), configuration: configuration)
/// let tracker = try trainer.trackSharpness(on: training, every: 20)
/// try trainer.fit(training)
/// print(trainer.history.recorded["sharpness"]!, tracker.measurements.map(\.products))
/// ```
public final class SharpnessTracker {
    /// One measurement.
    public struct Measurement: Sendable, Hashable {
        /// The training step it was taken after (0 when measured outside a Trainer).
        public let step: Int
        /// λmax, the largest Ritz value.
        public let sharpness: Double
        /// Its residual bound ‖Hy − λy‖.
        public let residualBound: Double
        /// Hessian-vector products this measurement used.
        public let products: Int
        /// Whether Lanczos met its tolerance.
        public let converged: Bool
    }

    /// The examples whose mean loss is measured.
    public let inputs: Matrix<Double>
    /// Their targets.
    public let targets: Matrix<Double>
    /// The loss.
    public let loss: Loss
    /// The forward mode (`.training`, as the Trainer's loss, by default).
    public let mode: LayerMode
    /// The Lanczos settings of every measurement.
    public var lanczos: Lanczos
    /// Every measurement so far, in order.
    public private(set) var measurements: [Measurement] = []
    /// The previous top eigenvector: the next warm start.
    private var previous: Matrix<Double>?
    private let seed: UInt64

    /// The default solver: relative residual bound 1e-6 (λmax to about 1e-10 relative
    /// when isolated, since the eigenvalue error is ≈ bound²/gap), at least 4 steps, at most 100.
    public static let defaultLanczos = Lanczos(maximumDimension: 100, minimumDimension: 4, tolerance: 1e-6)

    /// A tracker over fixed data.
    /// - Parameters:
    ///   - inputs, targets: the examples (the full training set, for Cohen et al.'s sharpness).
    ///   - loss: the training loss.
    ///   - mode: `.training` by default.
    ///   - lanczos: ``defaultLanczos`` by default.
    ///   - seed: the random start of the first measurement.
    public init(
        inputs: Matrix<Double>, targets: Matrix<Double>, loss: Loss, mode: LayerMode = .training,
        lanczos: Lanczos = SharpnessTracker.defaultLanczos, seed: UInt64 = 0
    ) {
        self.inputs = inputs
        self.targets = targets
        self.loss = loss
        self.mode = mode
        self.lanczos = lanczos
        self.seed = seed
    }

    /// A tracker over a data set, with the Trainer's targets (one-hot labels for softmax cross-entropy).
    public convenience init(
        data: Dataset<Double>, loss: Loss, mode: LayerMode = .training,
        lanczos: Lanczos = SharpnessTracker.defaultLanczos, seed: UInt64 = 0
    ) {
        let targets = loss == .softmaxCrossEntropy ? (data.oneHotTargets ?? data.targets) : data.targets
        self.init(inputs: data.features, targets: targets, loss: loss, mode: mode, lanczos: lanczos, seed: seed)
    }

    /// Measures λmax at the model's current parameters and records it.
    /// - Parameters:
    ///   - model: the network.
    ///   - step: the training step, for the record.
    /// - Returns: λmax.
    /// - Throws: ``SpectrumError``.
    @discardableResult
    public func measure(_ model: some Layer<Double>, step: Int = 0) throws(SpectrumError) -> Double {
        let analysis = try HessianAnalysis(model: model, inputs: inputs, targets: targets, loss: loss, mode: mode)
        var start = StartVector.random(seed: seed)
        if let previous, previous.rows == analysis.parameterCount { start = .vector(previous) }
        let result = try analysis.extremeEigenpairs(.largest(1), lanczos: lanczos, start: start, computeVectors: true)
        let top = result.largest[0]
        previous = top.vector
        measurements.append(
            Measurement(
                step: step, sharpness: top.value, residualBound: top.residualBound, products: result.products,
                converged: result.converged))
        return top.value
    }
}

extension Trainer where Model.Scalar == Double {
    /// Records the sharpness λmax of the loss over `data` as `name` every `k` steps
    /// (and after the last), warm-started from the previous measurement.
    ///
    /// - Parameters:
    ///   - data: the examples of the loss (the full training set for Cohen et al.'s sharpness).
    ///   - k: the interval in steps, ≥ 1.
    ///   - name: the key in `history.recorded`, "sharpness" by default.
    ///   - lanczos: ``SharpnessTracker/defaultLanczos`` by default.
    ///   - seed: the first measurement's random start.
    /// - Returns: the tracker, whose ``SharpnessTracker/measurements`` hold the residual
    ///   bounds and HVP counts behind each recorded value.
    /// - Throws: ``SpectrumError/invalidOption(name:value:requirement:)`` for k < 1. A failed
    ///   measurement during `fit` stops training with `TrainingError.callback`.
    @discardableResult
    public mutating func trackSharpness(
        on data: Dataset<Double>, every k: Int, name: String = "sharpness",
        lanczos: Lanczos = SharpnessTracker.defaultLanczos, seed: UInt64 = 0
    ) throws(SpectrumError) -> SharpnessTracker {
        try requireOption(k >= 1, "every", "\(k)", "measure at least every step (k ≥ 1)")
        let tracker = SharpnessTracker(data: data, loss: configuration.loss, lanczos: lanczos, seed: seed)
        record(name, every: k) { context in try tracker.measure(context.model, step: context.step) }
        return tracker
    }
}
