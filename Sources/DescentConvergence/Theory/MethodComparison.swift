// Predicted versus measured for one first-order method on one bowl: the error
// in every eigendirection at chosen steps (exact 2×2 recurrences against the
// optimizer's iterates), the fitted asymptotic rate against the spectral
// radius, and the iterations to a tolerance.

import DescentLinalg
import DescentOptimizers

/// How the prediction for one eigendirection compared with the run at one step.
public struct DirectionComparison: Sendable, Hashable, Codable {
    /// The step k.
    public var step: Int
    /// max over compared directions of |α_measured − α_predicted| / |α_predicted|.
    public var worstRelativeError: Double
    /// The eigenvalue of the direction where the worst error occurred.
    public var worstEigenvalue: Double
    /// The largest rounding allowance used: how much the prediction itself moves when λᵢ moves by
    /// 8ε·λmax (the rounding in H). Negligible for simple roots; large near a double root, whose
    /// roots move like √δλ (Polyak's optimum, Nesterov's standard tuning at λmin).
    public var largestAllowance: Double
    /// Whether every compared direction satisfied |error| ≤ tolerance + allowance.
    public var passed: Bool
    /// How many directions were above the floor and compared.
    public var comparedDirections: Int
    /// Directions with |α_predicted| below `floor`·‖e_k‖ are at rounding level and skipped
    /// (rounding in H mixes about ε·κ·‖e_k‖/gap of the large directions into every small one).
    public var floor: Double
}

/// The outcome of running one method on one bowl against its prediction.
public struct MethodComparison: Sendable, Codable {
    /// The method and its hyperparameters.
    public var method: FirstOrderMethod
    /// The predicted rate (spectral radius) and the eigenvalue that sets it.
    public var prediction: RatePrediction
    /// The fitted asymptotic rate (`nil` if the run was too short or hit rounding at once).
    public var fit: RateFit?
    /// Per-direction comparisons at the requested steps.
    public var directions: [DirectionComparison]
    /// The trajectory of the run (error norms, excess values).
    public var trajectory: BowlTrajectory

    /// ln ρ_measured / ln ρ_predicted, or `nil` without a fit.
    public var exponentRatio: Double? { fit.map { $0.exponentRatio(predicted: prediction.rate) } }
    /// Whether every compared direction agreed to the tolerance (plus its rounding allowance).
    public var directionsAgree: Bool { directions.allSatisfy(\.passed) }
    /// The largest rounding allowance used at any step.
    public var largestAllowance: Double { directions.map(\.largestAllowance).max() ?? 0 }
    /// The worst per-direction relative error over all compared steps.
    public var worstDirectionError: Double { directions.map(\.worstRelativeError).max() ?? 0 }
}

extension QuadraticBowl {
    /// Runs `method` (through DescentOptimizers' SGD) and compares it with the theory.
    ///
    /// - Parameters:
    ///   - method: gradient descent, heavy ball or Nesterov.
    ///   - start: where to start (v₀ = 0).
    ///   - steps: the number of steps to run.
    ///   - checkpoints: steps at which every eigendirection is compared.
    ///   - tolerance: the relative agreement required of every compared direction (plus its rounding allowance).
    ///   - floor: directions whose predicted |αᵢ(k)| is below floor·‖e_k‖ are not compared (default 1e-3).
    ///     Rounding in H = U·diag(λ)·Uᵀ moves its eigenvectors by about ε·L/gap, which mixes
    ///     ~1e-12·‖e_k‖ of the large directions into every small one on a κ = 10³ bowl; below
    ///     0.1% of the error a direction's relative error measures that mixing, not the theory.
    /// - Throws: `ConvergenceError` for an invalid method, start or a bowl that is not positive definite.
    public func compare(
        _ method: FirstOrderMethod, from start: StartingPoint = .equalCoordinates, steps: Int,
        checkpoints: [Int] = [], floor: Double = 1e-3, tolerance: Double = 1e-9
    ) throws(ConvergenceError) -> MethodComparison {
        let theory = try ConvergenceTheory(bowl: self)
        var optimizer = try method.makeOptimizer()
        let w0 = try startingPoint(start)
        let α0 = eigenCoordinates(of: w0)
        let run = try iterate(
            with: &optimizer, from: w0, until: .steps(steps), maximumSteps: steps,
            recordingCoordinatesAt: Set(checkpoints.filter { $0 <= steps }))
        var comparisons: [DirectionComparison] = []
        for k in checkpoints.sorted() {
            guard let measured = run.coordinates[k] else { continue }
            let scale = run.errorNorms[k]
            var worst = 0.0
            var worstλ = Double.nan
            var compared = 0
            var allowance = 0.0
            var passed = true
            let shift = 8 * Double.ulpOfOne * largestEigenvalue
            for (i, λ) in eigenvalues.enumerated() {
                let predicted = method.predictedCoordinate(eigenvalue: λ, initial: α0[i], steps: k)
                guard abs(predicted) >= floor * scale else { continue }
                compared += 1
                let error = abs(measured[i] - predicted) / abs(predicted)
                let moved = max(
                    abs(method.predictedCoordinate(eigenvalue: λ + shift, initial: α0[i], steps: k) - predicted),
                    abs(method.predictedCoordinate(eigenvalue: λ - shift, initial: α0[i], steps: k) - predicted))
                let sensitivity = moved / abs(predicted)
                allowance = max(allowance, sensitivity)
                if error > tolerance + sensitivity { passed = false }
                if error > worst || worstλ.isNaN {
                    worst = max(worst, error)
                    worstλ = λ
                }
            }
            comparisons.append(
                DirectionComparison(
                    step: k, worstRelativeError: worst, worstEigenvalue: worstλ, largestAllowance: allowance, passed: passed,
                    comparedDirections: compared, floor: floor))
        }
        let prediction = theory.ratePrediction(of: method)
        // With w* = 0 the iterates are the errors and rounding is relative to them: no floor.
        let floor = minimizer.frobeniusNorm == 0 ? 0 : 1e-12
        let fit = RateFit.fit(errors: run.errorNorms, model: .fittedDegree, floor: floor)
        return MethodComparison(method: method, prediction: prediction, fit: fit, directions: comparisons, trajectory: run)
    }
}
