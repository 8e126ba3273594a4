// BowlSweep: every optimizer of the notes on a grid of quadratic bowls, each
// run set beside what the theory predicts for it.
//
// Design note. A sweep is a list of *cases* (dimension × κ × spectrum shape)
// and, for each, a list of *methods*. Each method family brings its own
// prediction, because "the rate" means different things:
//   - gradient descent, heavy ball and Nesterov: the spectral radius of the
//     2×2 iteration matrix (`ConvergenceTheory.rate(of:)`), compared with the
//     rate fitted to the run (`RateFit`, k·ρᵏ-aware) by ρ̂/ρ AND by the ratio
//     of exponents ln ρ̂/ln ρ (the ratio of iteration counts), which is the
//     demanding one when ρ is close to 1;
//   - conjugate gradient: Chebyshev's bound q = (√κ−1)/(√κ+1) — an upper bound,
//     so it holds when ρ̂ ≤ q (CG is the reference every other row is read against);
//   - Adam, RMSProp, AdaGrad: no rate theory; THEORY §6 predicts only that a
//     diagonal preconditioner helps on an axis-aligned bowl and not on a rotated
//     one, so each runs on both and the verdict compares the pair;
//   - mini-batch SGD: the exact second moment E‖w_k − w*‖² of the linearized
//     (additive-noise) recursion, direction by direction, for the step schedule
//     used (constant η or η₀/(1 + k/s)), compared with the run's mean over its
//     last 20% of steps.
// The run itself is the library's: `QuadraticBowl.iterate` with the real
// optimizers of DescentOptimizers, `conjugateGradient`, and
// `LeastSquaresProblem.iterateStochastic`. Nothing here re-implements a method.

import DescentLinalg
import DescentOptimizers
import RealModule

/// The methods a ``BowlSweep`` can run.
public enum BowlSweepMethod: String, CaseIterable, Codable, Sendable {
    case gradientDescent = "gd"
    case gradientDescentOptimal = "gd-optimal"
    case momentum05 = "momentum-0.5"
    case momentum09 = "momentum-0.9"
    case momentum099 = "momentum-0.99"
    case polyak
    case nesterov
    case nesterovOptimal = "nesterov-optimal"
    case conjugateGradient = "cg"
    case adam
    case rmsprop
    case adagrad
    case sgdConstant = "sgd-constant"
    case sgdDecaying = "sgd-1/k"
    /// Gradient descent at the configuration's `learningRate`.
    case customGradientDescent = "gd-custom"
    /// Heavy ball at the configuration's `learningRate` (default 1/L) and `momentum`.
    case customMomentum = "momentum-custom"

    /// How a method is run and judged.
    public enum Family: String, Codable, Sendable {
        /// Gradient descent, heavy ball, Nesterov: a predicted linear rate.
        case firstOrder
        /// Conjugate gradient: Chebyshev's upper bound.
        case krylov
        /// Diagonal preconditioners, run on a diagonal and a rotated bowl.
        case adaptive
        /// Mini-batch SGD on a least-squares problem with the bowl's Hessian.
        case stochastic
    }

    /// Every method but the two custom ones, in table order.
    public static var standard: [BowlSweepMethod] { allCases.filter { $0 != .customGradientDescent && $0 != .customMomentum } }

    /// The method's family.
    public var family: Family {
        switch self {
        case .gradientDescent, .gradientDescentOptimal, .momentum05, .momentum09, .momentum099, .polyak, .nesterov,
            .nesterovOptimal, .customGradientDescent, .customMomentum:
            .firstOrder
        case .conjugateGradient: .krylov
        case .adam, .rmsprop, .adagrad: .adaptive
        case .sgdConstant, .sgdDecaying: .stochastic
        }
    }

    /// A short human-readable name with its tuning.
    public var label: String {
        switch self {
        case .gradientDescent: "GD η=1/L"
        case .gradientDescentOptimal: "GD η*=2/(μ+L)"
        case .momentum05: "momentum μ=0.5 η=1/L"
        case .momentum09: "momentum μ=0.9 η=1/L"
        case .momentum099: "momentum μ=0.99 η=1/L"
        case .polyak: "Polyak heavy ball"
        case .nesterov: "Nesterov standard"
        case .nesterovOptimal: "Nesterov quad-optimal"
        case .conjugateGradient: "conjugate gradient"
        case .adam: "Adam"
        case .rmsprop: "RMSProp"
        case .adagrad: "AdaGrad"
        case .sgdConstant: "SGD constant η"
        case .sgdDecaying: "SGD η₀/(1+k/s)"
        case .customGradientDescent: "GD (given η)"
        case .customMomentum: "momentum (given η, μ)"
        }
    }

    /// The first-order method this is, tuned for `theory`'s spectrum (`nil` for the other families).
    public func firstOrderMethod(for theory: ConvergenceTheory) -> FirstOrderMethod? {
        let η = 1 / theory.largest
        switch self {
        case .gradientDescent: return theory.gradientDescentAtInverseL
        case .gradientDescentOptimal: return theory.gradientDescentOptimal
        case .momentum05: return .heavyBall(learningRate: η, momentum: 0.5)
        case .momentum09: return .heavyBall(learningRate: η, momentum: 0.9)
        case .momentum099: return .heavyBall(learningRate: η, momentum: 0.99)
        case .polyak: return theory.polyakOptimal
        case .nesterov: return theory.nesterovStandard
        case .nesterovOptimal: return theory.nesterovQuadraticOptimal
        default: return nil
        }
    }
}

/// The spectrum shapes a sweep accepts by name.
public enum BowlSweepSpectrum: String, CaseIterable, Codable, Sendable {
    /// log λ evenly spaced between ln μ and ln L.
    case log
    /// λ evenly spaced between μ and L.
    case linear
    /// Five tight clusters (±1%; fewer when d < 5) spread log-uniformly: conjugate gradient's favourite.
    case clustered

    /// The shape it names in dimension `d` (at most d clusters).
    public func shape(dimension d: Int) -> SpectrumShape {
        switch self {
        case .log: .logUniform
        case .linear: .linear
        case .clustered: .clustered(count: min(5, d), relativeWidth: 0.01)
        }
    }
}

/// A grid of quadratic bowls and the methods to run on each, with the theory's prediction for every run.
public struct BowlSweep: Sendable {
    /// What to sweep and how long runs may take.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Dimensions d (default 100 and 1,000).
        public var dimensions: [Int] = [100, 1000]
        /// Condition numbers κ = L/μ (default 10, 100, 1,000, 10,000).
        public var conditionNumbers: [Double] = [10, 100, 1000, 10_000]
        /// Spectrum shapes (default all three: log-uniform, linear, clustered).
        public var spectra: [BowlSweepSpectrum] = BowlSweepSpectrum.allCases
        /// Methods (default: all but the two custom ones).
        public var methods: [BowlSweepMethod] = BowlSweepMethod.standard
        /// η for ``BowlSweepMethod/customGradientDescent`` and ``BowlSweepMethod/customMomentum``,
        /// in units where L = 1 (every sweep bowl has λmax = 1); `nil` means 1/L.
        public var learningRate: Double?
        /// μ for ``BowlSweepMethod/customMomentum`` (`nil` means 0.9).
        public var momentum: Double?
        /// Relative error ‖w_k − w*‖/‖w₀ − w*‖ at which a run stops (default 1e-6).
        public var tolerance: Double = 1e-6
        /// Seed of the random rotations, starting points and mini-batches.
        public var seed: UInt64 = 0
        /// Step limit of the deterministic methods (each stops earlier at 1.5× its predicted count).
        public var maximumIterations: Int = 1_000_000
        /// Steps of each Adam / RMSProp / AdaGrad run (they do not converge linearly at a constant step).
        public var adaptiveSteps: Int = 5000
        /// Steps of each mini-batch SGD run.
        public var stochasticSteps: Int = 20_000
        /// Mini-batch size of SGD.
        public var batchSize: Int = 8

        /// The default sweep.
        public init() {}

        /// Checks every value, naming the first that is impossible.
        /// - Throws: `ConvergenceError.invalidParameter` for a dimension < 1, κ < 1,
        ///   a tolerance outside (0, 1), step counts < 1, a batch size < 1, or an empty list.
        public func validate() throws(ConvergenceError) {
            guard !dimensions.isEmpty, !conditionNumbers.isEmpty, !spectra.isEmpty, !methods.isEmpty else {
                throw .invalidProblem("the sweep is empty: give at least one dimension, condition number, spectrum and method")
            }
            for d in dimensions { try require(Double(d), "dimension", "an integer ≥ 1") { $0 >= 1 } }
            for κ in conditionNumbers {
                try require(κ, "condition number", "a number in [1, 1e12] (beyond it rounding in H, ε·λmax, swamps λmin)") {
                    $0 >= 1 && $0 <= 1e12
                }
                if κ != 1, dimensions.contains(1) {
                    throw .invalidParameter(
                        name: "condition number", value: κ, requirement: "1 when the dimension is 1 (a 1-D bowl has a single eigenvalue)")
                }
            }
            try require(tolerance, "tolerance", "in (0, 1)") { $0 > 0 && $0 < 1 }
            try require(Double(maximumIterations), "maximum iterations", "≥ 1") { $0 >= 1 }
            try require(Double(adaptiveSteps), "adaptive steps", "≥ 1") { $0 >= 1 }
            try require(Double(stochasticSteps), "stochastic steps", "≥ 100") { $0 >= 100 }
            try require(Double(batchSize), "batch size", "≥ 1") { $0 >= 1 }
            if let learningRate { try require(learningRate, "learning rate", "a finite number > 0") { $0 > 0 } }
            if let momentum { try require(momentum, "momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 } }
        }
    }

    /// One bowl of the grid.
    public struct Case: Sendable, Hashable, Codable {
        public var dimension: Int
        public var conditionNumber: Double
        public var spectrum: BowlSweepSpectrum
    }

    /// The configuration, validated.
    public let configuration: Configuration

    /// - Throws: `ConvergenceError` when the configuration is impossible (see ``Configuration/validate()``).
    public init(_ configuration: Configuration = Configuration()) throws(ConvergenceError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// The bowls, in run order (dimension, then κ, then shape).
    public var cases: [Case] {
        configuration.dimensions.flatMap { d in
            configuration.conditionNumbers.flatMap { κ in
                configuration.spectra.map { Case(dimension: d, conditionNumber: κ, spectrum: $0) }
            }
        }
    }

    /// How many rows the sweep produces (adaptive methods give two each: diagonal and rotated).
    public var runCount: Int {
        let perCase = configuration.methods.reduce(0) { $0 + ($1.family == .adaptive ? 2 : 1) }
        return perCase * cases.count
    }

    /// Runs the whole sweep.
    /// - Parameter progress: called before each run with (runs done, runs in all, what starts now).
    /// - Returns: every run with its prediction and verdict.
    /// - Throws: `ConvergenceError` when a bowl cannot be built or an optimizer refuses its settings.
    public func run(progress: (Int, Int, String) -> Void = { _, _, _ in }) throws(ConvergenceError) -> BowlSweepReport {
        var runs: [BowlSweepRun] = []
        let total = runCount
        for item in cases {
            let context = try CaseContext(item, configuration: configuration)
            for method in configuration.methods {
                switch method.family {
                case .firstOrder, .krylov:
                    progress(runs.count, total, "\(item.label): \(method.label)")
                    runs.append(try context.runDeterministic(method))
                case .adaptive:
                    progress(runs.count, total, "\(item.label): \(method.label)")
                    runs.append(contentsOf: try context.runAdaptive(method))
                case .stochastic:
                    progress(runs.count, total, "\(item.label): \(method.label)")
                    runs.append(try context.runStochastic(method))
                }
            }
        }
        progress(total, total, "done")
        return BowlSweepReport(configuration: configuration, runs: runs)
    }
}

extension BowlSweep.Case {
    /// "d=100 κ=1000 log".
    public var label: String { "d=\(dimension) κ=\(conditionNumber.short) \(spectrum.rawValue)" }
}
