// HessianReport: what `eigen hessian` tells about a trained network's loss
// surface, computed with HessianAnalysis's tools and nothing else.
//
// Design note. The report is a plain Codable value (the program prints it and
// writes it as JSON unchanged), computed in one place so the choices are
// tested once: which tool gives the extreme eigenvalues (exact LAPACK or
// Lanczos with residual bounds), where the trace comes from (exact sum or
// Hutchinson with its interval), how the curvature is read (minimum, saddle,
// flat directions; κ only where it means something), and the edge-of-stability
// comparison λmax against 2/η (THEORY §1, §7). Progress is reported through a
// closure, so the library never writes to a terminal.

import DescentLinalg

/// Which tool computes the spectrum.
public enum HessianMethod: String, Sendable, CaseIterable, Codable {
    /// All P eigenvalues of the assembled P×P Hessian (LAPACK).
    case exact
    /// Extreme eigenvalues by Lanczos with residual bounds; trace by Hutchinson.
    case lanczos
    /// Trace only, by Hutchinson's estimator.
    case hutchinson
    /// Spectral density by stochastic Lanczos quadrature; trace by Hutchinson.
    case slq
    /// Exact when P ≤ ``HessianReport/Options/exactParameterLimit`` and P² doubles fit the memory limit, else Lanczos.
    case auto
}

/// The summary of a network Hessian at its weights.
public struct HessianReport: Codable, Sendable {
    /// One eigenvalue; `residualBound` is Lanczos's ‖Hy − θy‖ (nil when exact).
    public struct Eigenvalue: Codable, Sendable, Equatable {
        /// λ (or the Ritz value θ).
        public var value: Double
        /// ‖Hy − θy‖ for a Lanczos pair (|θ − λ| is at most this); nil when exact.
        public var residualBound: Double?
    }

    /// The trace and, when estimated, its confidence interval.
    public struct Trace: Codable, Sendable {
        /// tr(H), exact or the Hutchinson mean.
        public var value: Double
        /// The interval's lower end (= value when exact).
        public var lower: Double
        /// The interval's upper end (= value when exact).
        public var upper: Double
        /// "exact" or "hutchinson".
        public var source: String
        /// Hutchinson's probe count.
        public var probes: Int?
        /// The interval's coverage (0.95).
        public var confidenceLevel: Double?
    }

    /// λmax against the stability limit 2/η of gradient descent with step η.
    public struct Sharpness: Codable, Sendable {
        /// η.
        public var learningRate: Double
        /// 2/η.
        public var threshold: Double
        /// λmax·η/2: below 1 stable, near 1 the edge of stability, above 1 unstable.
        public var ratio: Double
        /// The reading of ``ratio`` in words.
        public var verdict: String
    }

    /// One layer's diagonal block.
    public struct LayerBlock: Codable, Sendable {
        /// The layer's label (its index in a `Sequential`).
        public var name: String
        /// Its parameter tensors' names.
        public var parameters: [String]
        /// P_B, its scalar parameters.
        public var parameterCount: Int
        /// The block's largest eigenvalue (Lanczos, with its residual bound).
        public var top: Eigenvalue
        /// tr(H_BB).
        public var trace: Double
        /// "exact" or "hutchinson".
        public var traceSource: String
    }

    /// The settings of a report.
    public struct Options: Sendable {
        /// The tool (``HessianMethod/auto`` by default).
        public var method: HessianMethod = .auto
        /// k for the k largest eigenvalues (≥ 0).
        public var top = 5
        /// k for the k smallest eigenvalues (≥ 0).
        public var bottom = 5
        /// Hutchinson probes (≥ 1).
        public var probes = 100
        /// The seed of every random start and probe.
        public var seed: UInt64 = 0
        /// The most bytes the exact P×P Hessian may take.
        public var memoryLimit = HessianAnalysis.defaultExactMemoryLimit
        /// `auto` uses the exact method up to this many parameters.
        public var exactParameterLimit = 5_000
        /// Per-layer diagonal blocks.
        public var layers = false
        /// Compute a spectral density (exact eigenvalues smoothed, or SLQ).
        public var density = false
        /// SLQ's Lanczos steps.
        public var densitySteps = 80
        /// SLQ's probes.
        public var densityProbes = 4
        /// Lanczos's largest Krylov dimension.
        public var lanczosDimension = 200
        /// η, for the edge-of-stability comparison.
        public var learningRate: Double?
        /// Relative threshold τ below which |λ| counts as zero (exact method).
        public var zeroThreshold = 1e-9

        /// The defaults: auto, top and bottom 5, 100 probes, seed 0, 2 GiB.
        public init() {}
    }

    /// The tool used (never `auto`).
    public var method: HessianMethod
    /// P.
    public var parameterCount: Int
    /// N, the examples the loss averages over.
    public var sampleCount: Int
    /// The loss's short name.
    public var loss: String
    /// L at the weights.
    public var lossValue: Double
    /// ‖∇L‖ at the weights (0 at a critical point).
    public var gradientNorm: Double
    /// The k largest eigenvalues, largest first.
    public var top: [Eigenvalue]
    /// The k smallest eigenvalues, smallest first.
    public var bottom: [Eigenvalue]
    /// How many eigenvalues are negative (exact), or a lower bound from the bottom k (Lanczos).
    public var negativeCount: Int?
    /// Whether ``negativeCount`` is exact or only a lower bound.
    public var negativeCountIsExact: Bool
    /// Eigenvalues with |λ| ≤ τ·max|λ| (exact method only).
    public var zeroCount: Int?
    /// κ = λmax/λmin for a positive-definite Hessian, ∞ with a zero eigenvalue, nil when indefinite.
    public var conditionNumber: Double?
    /// λmax over the smallest eigenvalue above τ·λmax (exact method, when some is positive).
    public var conditionNumberOfPositivePart: Double?
    /// "positive definite", "positive semidefinite (N zero eigenvalues)", "indefinite: N negative …".
    public var curvature: String
    /// tr(H) with its interval; nil when not computed.
    public var trace: Trace?
    /// λmax against 2/η, when η was given.
    public var sharpness: Sharpness?
    /// The per-layer blocks, when asked for.
    public var layers: [LayerBlock]?
    /// Hessian-vector products used (0 for the structured exact assembly).
    public var hessianVectorProducts: Int
    /// Lanczos steps.
    public var lanczosSteps: Int?
    /// Whether every wanted Lanczos pair met its tolerance.
    public var lanczosConverged: Bool?
    /// The smallest and largest SLQ node (density only).
    public var densityRange: [Double]?

    /// The method `auto` resolves to for `parameterCount` parameters.
    public static func resolve(_ method: HessianMethod, parameterCount: Int, options: Options) -> HessianMethod {
        guard method == .auto else { return method }
        let (square, overflow) = parameterCount.multipliedReportingOverflow(by: parameterCount)
        let fits = !overflow && square <= options.memoryLimit / MemoryLayout<Double>.stride
        return fits && parameterCount <= options.exactParameterLimit ? .exact : .lanczos
    }

    /// Computes the report.
    /// - Parameters:
    ///   - analysis: the Hessian of the loss at the model's weights.
    ///   - sampleCount: N, for the report.
    ///   - lossName: the loss's name, for the report.
    ///   - options: what to compute.
    ///   - progress: called with a stage name and the Hessian-vector products so far.
    /// - Returns: the report and, when `options.density`, the density curve.
    /// - Throws: ``SpectrumError`` (an exact Hessian beyond the memory limit before allocating,
    ///   options out of range, a non-finite product, a LAPACK failure).
    public static func compute(
        _ analysis: HessianAnalysis, sampleCount: Int, lossName: String, options: Options,
        progress: @escaping (String, Int) -> Void = { _, _ in }
    ) throws(SpectrumError) -> (report: HessianReport, density: SpectralDensity?) {
        try requireOption(options.top >= 0, "--top", "\(options.top)", "must be ≥ 0")
        try requireOption(options.bottom >= 0, "--bottom", "\(options.bottom)", "must be ≥ 0")
        try requireOption(options.probes >= 1, "--probes", "\(options.probes)", "must be ≥ 1")
        if let eta = options.learningRate {
            try requireOption(eta > 0 && eta.isFinite, "--learning-rate", "\(eta)", "must be a positive number")
        }
        let method = resolve(options.method, parameterCount: analysis.parameterCount, options: options)
        try requireBasisFits(method, parameterCount: analysis.parameterCount, options: options)
        // Products go through a counting view of the analysis's operator, so long runs can report progress.
        let base = analysis.hessian
        let stage = StageBox()
        let hessian = SymmetricOperator(dimension: base.dimension) { block in
            let product = base.apply(to: block)
            progress(stage.name, base.productCount)
            return product
        }
        let productsBefore = base.productCount
        var report = HessianReport(
            method: method, parameterCount: analysis.parameterCount, sampleCount: sampleCount, loss: lossName,
            lossValue: analysis.lossValue, gradientNorm: analysis.gradient.frobeniusNorm, top: [], bottom: [],
            negativeCount: nil, negativeCountIsExact: false, zeroCount: nil, conditionNumber: nil,
            conditionNumberOfPositivePart: nil, curvature: "not computed (trace only)", trace: nil, sharpness: nil,
            layers: nil, hessianVectorProducts: 0, lanczosSteps: nil, lanczosConverged: nil, densityRange: nil)
        var density: SpectralDensity? = nil

        switch method {
        case .exact, .auto:
            stage.name = "exact Hessian"
            progress(stage.name, 0)
            let spectrum = try analysis.exactSpectrum(
                negativeThreshold: options.zeroThreshold, memoryLimit: options.memoryLimit)
            report.describe(exact: spectrum, options: options)
            if options.density { density = try exactDensity(spectrum.eigenvalues) }
        case .lanczos:
            try report.describeLanczos(hessian, stage: stage, options: options)
        case .hutchinson, .slq:
            break
        }
        if method != .exact && method != .auto {
            stage.name = "Hutchinson"
            let estimate = try HutchinsonTrace(probes: options.probes, seed: options.seed &+ 1).estimate(of: hessian)
            report.trace = Trace(
                value: estimate.mean, lower: estimate.confidenceInterval.lowerBound,
                upper: estimate.confidenceInterval.upperBound, source: "hutchinson", probes: estimate.probes,
                confidenceLevel: estimate.confidenceLevel)
            if options.density || method == .slq {
                stage.name = "SLQ"
                let quadrature = try StochasticLanczosQuadrature(
                    steps: options.densitySteps, probes: options.densityProbes, seed: options.seed &+ 2
                ).estimate(of: hessian)
                report.densityRange = [quadrature.nodeRange.lowerBound, quadrature.nodeRange.upperBound]
                if options.density { density = try quadrature.density() }
            }
        }
        if options.layers {
            stage.name = "layer blocks"
            progress(stage.name, base.productCount)
            let traceMethod: BlockTraceMethod =
                method == .exact ? .exact : .hutchinson(HutchinsonTrace(probes: options.probes, seed: options.seed &+ 3))
            report.layers = try analysis.blockSpectra(
                lanczos: Lanczos(maximumDimension: options.lanczosDimension), traceMethod: traceMethod
            ).map { block in
                LayerBlock(
                    name: block.block.name, parameters: block.block.parameterNames, parameterCount: block.block.count,
                    top: Eigenvalue(value: block.top.value, residualBound: block.top.residualBound), trace: block.trace,
                    traceSource: method == .exact ? "exact" : "hutchinson")
            }
        }
        if let eta = options.learningRate, let largest = report.top.first?.value {
            report.sharpness = Sharpness(learningRate: eta, sharpness: largest)
        }
        report.hessianVectorProducts = base.productCount - productsBefore
        return (report, density)
    }

    /// Refuses, before any product, a Lanczos or SLQ basis (m vectors of P doubles) beyond the memory limit.
    static func requireBasisFits(_ method: HessianMethod, parameterCount: Int, options: Options) throws(SpectrumError) {
        let vectors: Int
        switch method {
        case .lanczos: vectors = min(options.lanczosDimension, parameterCount)
        case .slq: vectors = min(options.densitySteps, parameterCount)
        default: return
        }
        let (product, overflow) = vectors.multipliedReportingOverflow(by: parameterCount)
        let (bytes, overflowBytes) = product.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        guard overflow || overflowBytes || bytes > options.memoryLimit else { return }
        throw .invalidOption(
            name: "memory limit", value: "\(options.memoryLimit) bytes",
            requirement: "the \(method.rawValue) basis of \(vectors) vectors of \(parameterCount) parameters needs "
                + "\(overflow || overflowBytes ? "more than \(Int.max)" : "\(bytes)") bytes; raise the limit")
    }

    /// The exact eigenvalues smoothed by a Gaussian kernel on a grid spanning them (SLQ's normalization).
    static func exactDensity(_ eigenvalues: [Double]) throws(SpectrumError) -> SpectralDensity {
        let low = eigenvalues.first ?? 0, high = eigenvalues.last ?? 0
        let width = max(high - low, 1e-12)
        let variance = 1e-5 * max(1, width)
        let (start, end) = (low - 0.01 * width - 3 * variance.squareRoot(), high + 0.01 * width + 3 * variance.squareRoot())
        let grid = (0..<10_000).map { start + (end - start) * Double($0) / 9_999 }
        return try SpectralDensity(eigenvalues: eigenvalues, grid: grid, kernelVariance: variance)
    }
}

/// The name of the stage running, shared with the progress closure.
final class StageBox: @unchecked Sendable {
    var name = ""
}

// MARK: - Reading the spectrum

extension HessianReport {
    mutating func describe(exact spectrum: HessianSpectrum, options: Options) {
        top = spectrum.top(options.top).map { Eigenvalue(value: $0, residualBound: nil) }
        bottom = spectrum.bottom(options.bottom).map { Eigenvalue(value: $0, residualBound: nil) }
        let scale = spectrum.eigenvalues.map { abs($0) }.max() ?? 0
        let zeroLevel = options.zeroThreshold * scale
        let negatives = spectrum.negativeCount
        let zeros = spectrum.eigenvalues.filter { abs($0) <= zeroLevel }.count
        negativeCount = negatives
        negativeCountIsExact = true
        zeroCount = zeros
        if let smallestPositive = spectrum.eigenvalues.first(where: { $0 > zeroLevel }), spectrum.largest > 0 {
            conditionNumberOfPositivePart = spectrum.largest / smallestPositive
        }
        if negatives > 0 {
            conditionNumber = nil
            curvature = "indefinite: \(negatives) negative eigenvalue\(negatives == 1 ? "" : "s") (negative curvature: not a minimum)"
        } else if zeros > 0 {
            conditionNumber = .infinity
            curvature =
                "positive semidefinite: \(zeros) zero eigenvalue\(zeros == 1 ? "" : "s") (|λ| ≤ \(options.zeroThreshold)·max|λ|; flat directions)"
        } else {
            conditionNumber = spectrum.largest / spectrum.smallest
            curvature = "positive definite (a strict local minimum of the loss on these samples)"
        }
        trace = Trace(
            value: spectrum.trace, lower: spectrum.trace, upper: spectrum.trace, source: "exact", probes: nil,
            confidenceLevel: nil)
    }

    mutating func describeLanczos(_ hessian: SymmetricOperator, stage: StageBox, options: Options) throws(SpectrumError) {
        let wantedTop = max(options.top, 1)
        stage.name = "Lanczos"
        let result = try Lanczos(maximumDimension: options.lanczosDimension).eigenpairs(
            of: hessian, selecting: .bothEnds(largest: wantedTop, smallest: max(options.bottom, 1)),
            start: .random(seed: options.seed))
        top = result.largest.prefix(options.top == 0 ? 1 : options.top).map {
            Eigenvalue(value: $0.value, residualBound: $0.residualBound)
        }
        let smallest = result.smallest.map { Eigenvalue(value: $0.value, residualBound: $0.residualBound) }
        bottom = Array(smallest.prefix(options.bottom))
        lanczosSteps = result.steps
        lanczosConverged = result.converged
        // A Ritz value θ with θ + bound < 0 is certainly below an eigenvalue < 0 (Kahan's bound).
        let certainlyNegative = smallest.filter { $0.value + ($0.residualBound ?? 0) < 0 }.count
        negativeCount = certainlyNegative
        negativeCountIsExact = false
        guard let largest = result.largest.first, let lowest = smallest.first else { return }
        if certainlyNegative > 0 {
            conditionNumber = nil
            let more = certainlyNegative == smallest.count ? "at least " : ""
            curvature =
                "indefinite: \(more)\(certainlyNegative) negative eigenvalue\(certainlyNegative == 1 ? "" : "s") (negative curvature: not a minimum)"
        } else if lowest.value - (lowest.residualBound ?? 0) <= 0 {
            conditionNumber = .infinity
            curvature = "positive semidefinite within the residual bounds (λmin ≈ 0: flat directions)"
        } else {
            conditionNumber = largest.value / lowest.value
            curvature = "positive definite (λmin > 0 by more than its residual bound)"
        }
    }
}

extension HessianReport.Sharpness {
    /// The comparison of `sharpness` = λmax with 2/η.
    public init(learningRate eta: Double, sharpness: Double) {
        let threshold = 2 / eta
        let ratio = sharpness / threshold
        let verdict: String
        if ratio < 0.9 {
            verdict = "below 2/η: full-batch gradient descent with this step is stable along every direction"
        } else if ratio <= 1.1 {
            verdict = "at the edge of stability: λmax is within 10% of 2/η (Cohen et al. 2021)"
        } else {
            verdict = "above 2/η: on the local quadratic, gradient descent with this step diverges along the top eigenvector"
        }
        self.init(learningRate: eta, threshold: threshold, ratio: ratio, verdict: verdict)
    }
}
