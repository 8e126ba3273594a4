// Running an optimizer of DescentOptimizers on a bowl and recording what it did:
// the error norm and excess loss at every step, and the error in every
// eigendirection at the steps asked for.

import DescentLinalg
import DescentOptimizers
import Foundation

/// When a run on a bowl stops.
public enum StoppingRule: Sendable, Hashable, Codable {
    /// ‖w_k − w*‖ ≤ ε·‖w₀ − w*‖, 0 < ε < 1.
    case relativeError(Double)
    /// E(w_k) − E* ≤ ε·(E(w₀) − E*), 0 < ε < 1.
    case relativeExcessLoss(Double)
    /// Exactly this many steps.
    case steps(Int)
}

/// What a run on a bowl recorded.
public struct BowlTrajectory: Sendable, Codable {
    /// Why the run ended.
    public enum Ending: String, Sendable, Codable {
        /// The stopping rule's tolerance was reached.
        case reachedTolerance
        /// The step limit was reached first.
        case reachedStepLimit
        /// The error grew past 10¹²·‖e₀‖ or became non-finite.
        case diverged
    }

    /// The optimizer's name.
    public var optimizer: String
    /// ‖w_k − w*‖ for k = 0…steps.
    public var errorNorms: [Double]
    /// E(w_k) − E* for k = 0…steps.
    public var excessValues: [Double]
    /// αᵢ(k) = uᵢᵀ(w_k − w*) at each recorded step k (ascending eigenvalue order).
    public var coordinates: [Int: [Double]]
    /// Why the run ended.
    public var ending: Ending
    /// Wall-clock seconds per step (optimizer update plus gradient).
    public var secondsPerStep: Double
    /// The final point.
    public var finalPoint: [Double]

    /// The number of steps taken.
    public var steps: Int { errorNorms.count - 1 }
    /// ‖w_k − w*‖/‖w₀ − w*‖.
    public var relativeErrors: [Double] {
        let first = errorNorms[0]
        return errorNorms.map { first > 0 ? $0 / first : $0 }
    }
    /// The first k with ‖w_k − w*‖ ≤ ε‖w₀ − w*‖, or `nil`.
    public func iterations(toReduceErrorBy epsilon: Double) -> Int? { relativeErrors.firstIndex { $0 <= epsilon } }
}

extension QuadraticBowl {
    /// Runs `optimizer` on this bowl from `start`, with the exact gradient H(w − w*).
    ///
    /// The optimizer is used as it is (its state continues from any earlier
    /// steps); it sees the parameters as one d×1 matrix.
    /// - Parameters:
    ///   - optimizer: any optimizer of DescentOptimizers.
    ///   - start: w₀, d×1.
    ///   - rule: when to stop (at most `maximumSteps` in any case).
    ///   - maximumSteps: the step limit.
    ///   - recordingCoordinatesAt: steps k at which to record αᵢ(k) (d values each).
    /// - Throws: `ConvergenceError.invalidParameter` for a tolerance outside (0, 1)
    ///   or a negative step count; `.invalidProblem` when `start` is not d×1;
    ///   `.optimizerFailed` when the optimizer throws.
    public func iterate<Method: Optimizer>(
        with optimizer: inout Method, from start: Matrix<Double>, until rule: StoppingRule = .relativeError(1e-6),
        maximumSteps: Int = 100_000, recordingCoordinatesAt recorded: Set<Int> = []
    ) throws(ConvergenceError) -> BowlTrajectory where Method.Scalar == Double {
        guard start.rows == dimension, start.columns == 1 else {
            throw .invalidProblem("the starting point must be \(dimension)×1, got \(start.shapeDescription)")
        }
        let limit: Int
        var errorTolerance = 0.0
        var lossTolerance = 0.0
        switch rule {
        case let .relativeError(ε):
            try require(ε, "tolerance", "in (0, 1)") { $0 > 0 && $0 < 1 }
            errorTolerance = ε
            limit = maximumSteps
        case let .relativeExcessLoss(ε):
            try require(ε, "tolerance", "in (0, 1)") { $0 > 0 && $0 < 1 }
            lossTolerance = ε
            limit = maximumSteps
        case let .steps(count):
            try require(Double(count), "steps", "≥ 0") { $0 >= 0 }
            limit = count
        }
        var w = [start]
        let initialError = (start - minimizer).frobeniusNorm
        let initialExcess = excessValue(at: start)
        var errors = [initialError]
        var excess = [initialExcess]
        var coordinates: [Int: [Double]] = [:]
        if recorded.contains(0) { coordinates[0] = eigenCoordinates(of: start) }
        var ending = BowlTrajectory.Ending.reachedStepLimit
        var cache = GradientCache()
        let clock = ContinuousClock.now
        var k = 0
        while k < limit {
            if errorTolerance > 0, errors[k] <= errorTolerance * initialError { ending = .reachedTolerance; break }
            if lossTolerance > 0, excess[k] <= lossTolerance * initialExcess { ending = .reachedTolerance; break }
            do {
                try optimizer.step(&w) { point in [cache.gradient(of: self, at: point[0])] }
            } catch {
                throw .optimizerFailed("\(error)")
            }
            k += 1
            let e = w[0] - minimizer
            let error = e.frobeniusNorm
            errors.append(error)
            // ½eᵀHe = ½eᵀ∇E(w): the gradient at w_k is kept for the next step, which (for every method but
            // a look-ahead) asks for exactly that point, so the loss costs no extra product with H.
            excess.append(0.5 * dot(e, cache.gradient(of: self, at: w[0])))
            if recorded.contains(k) { coordinates[k] = eigenCoordinates(of: w[0]) }
            if !error.isFinite || error > 1e12 * max(initialError, .leastNormalMagnitude) {
                ending = .diverged
                break
            }
        }
        if ending == .reachedStepLimit, errorTolerance > 0, errors[k] <= errorTolerance * initialError { ending = .reachedTolerance }
        if ending == .reachedStepLimit, lossTolerance > 0, excess[k] <= lossTolerance * initialExcess { ending = .reachedTolerance }
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return BowlTrajectory(
            optimizer: optimizer.name, errorNorms: errors, excessValues: excess, coordinates: coordinates,
            ending: ending, secondsPerStep: k > 0 ? seconds / Double(k) : 0, finalPoint: w[0].elements)
    }

    /// A starting point w₀ = w* + U·α(0) with α(0) chosen by `start`.
    /// - Throws: `ConvergenceError.invalidProblem` for a point of the wrong size.
    public func startingPoint(_ start: StartingPoint) throws(ConvergenceError) -> Matrix<Double> {
        switch start {
        case .equalCoordinates:
            return point(withEigenCoordinates: Array(repeating: 1 / Double(dimension).squareRoot(), count: dimension))
        case let .random(seed):
            var generator = Xoshiro256StarStar(seed: seed)
            let direction = Matrix<Double>.randomNormal(rows: dimension, columns: 1, using: &generator)
            return minimizer + direction * (1 / max(direction.frobeniusNorm, .leastNormalMagnitude))
        case let .point(values):
            guard values.count == dimension else {
                throw .invalidProblem("the starting point has \(values.count) values; the bowl has dimension \(dimension)")
            }
            return Matrix(column: values)
        }
    }
}

/// Where a run starts.
public enum StartingPoint: Sendable, Hashable, Codable {
    /// αᵢ(0) = 1/√d in every eigendirection (‖e₀‖ = 1): every direction is excited equally.
    case equalCoordinates
    /// w* plus a seeded uniformly random direction of norm 1.
    case random(seed: UInt64)
    /// This point.
    case point([Double])
}

/// The last exact gradient computed, and where: a point asked for twice costs one product with H.
struct GradientCache {
    private var point: [Double] = []
    private var value: Matrix<Double>?

    mutating func gradient(of bowl: QuadraticBowl, at w: Matrix<Double>) -> Matrix<Double> {
        if let value, w.elements == point { return value }
        let g = bowl.gradient(at: w)
        point = w.elements
        value = g
        return g
    }
}
