// The claims of THEORY.md §§1–4 on rotated bowls: per-direction errors,
// asymptotic rates, stability bounds, iteration counts, the lower bound and
// conjugate gradient's optimality.

import DescentLinalg
import DescentOptimizers
import RealModule

extension TheoryCheck {
    /// Every claim group, in report order.
    func claimGroups() -> [ClaimGroup] {
        var groups: [ClaimGroup] = []
        for d in dimensions {
            for κ in conditionNumbers {
                groups.append(ClaimGroup(name: "first-order methods, d = \(d), κ = \(κ.short)") { () throws(ConvergenceError) in
                    try firstOrderClaims(dimension: d, conditionNumber: κ)
                })
            }
        }
        groups.append(ClaimGroup(name: "lower bound and conjugate gradient") { () throws(ConvergenceError) in try krylovClaims() })
        groups.append(ClaimGroup(name: "effective learning rate of momentum") { () throws(ConvergenceError) in try momentumClaims() })
        groups.append(ClaimGroup(name: "adaptive methods, diagonal vs rotated") { () throws(ConvergenceError) in try adaptiveClaims() })
        groups.append(ClaimGroup(name: "SGD on least squares") { () throws(ConvergenceError) in try stochasticClaims() })
        groups.append(ClaimGroup(name: "input standardization (LeCun 1998)") { () throws(ConvergenceError) in try conditioningClaims() })
        return groups
    }

    /// The methods of §§1–3 tuned for a spectrum, with their section names.
    func tunedMethods(_ theory: ConvergenceTheory) -> [(section: String, method: FirstOrderMethod, name: String)] {
        let η = 1 / theory.largest
        var methods: [(String, FirstOrderMethod, String)] = [
            ("§1 gradient descent", theory.gradientDescentOptimal, "GD at η* = 2/(μ+L)"),
            ("§1 gradient descent", theory.gradientDescentAtInverseL, "GD at η = 1/L"),
            ("§2 heavy ball", theory.polyakOptimal, "Polyak's optimal (η*, μ*)"),
        ]
        for μ in [0.5, 0.9] + (level == .standard ? [0.99] : []) {
            methods.append(("§2 heavy ball", .heavyBall(learningRate: η, momentum: μ), "heavy ball μ = \(μ) at η = 1/L"))
        }
        methods.append(("§3 Nesterov", theory.nesterovStandard, "Nesterov standard (1/L, (√κ−1)/(√κ+1))"))
        methods.append(("§3 Nesterov", theory.nesterovQuadraticOptimal, "Nesterov quadratic-optimal"))
        return methods
    }

    /// Per-direction errors, rates, stability and (for GD) iteration counts on one rotated bowl.
    func firstOrderClaims(dimension d: Int, conditionNumber κ: Double) throws(ConvergenceError) -> [TheoryCheckResult] {
        let bowl = try QuadraticBowl(
            dimension: d, conditionNumber: κ, shape: .logUniform, basis: .random(seed: seed &+ UInt64(d) &+ UInt64(κ)))
        let theory = try ConvergenceTheory(bowl: bowl)
        let setting = { (name: String) in "d=\(d) κ=\(κ.short) log-uniform rotated, \(name)" }
        var results: [TheoryCheckResult] = []
        for (section, method, name) in tunedMethods(theory) {
            let ρ = theory.rate(of: method)
            // 60 e-folds of decay when the budget allows (a dense spectrum's edge needs that many);
            // gradient descent also runs past its predicted iteration count, which it must not exceed.
            var wanted = Int((60 / -Double.log(ρ)).rounded(.up))
            if case .gradientDescent = method {
                wanted = max(wanted, (ConvergenceTheory.iterations(toReduceErrorBy: 1e-6, rate: ρ) ?? 0) + 1)
            }
            let steps = min(stepBudget / (d >= 1000 ? 2 : 1), wanted)
            let checkpoints = [1, 10, steps / 10, steps / 2, steps].filter { $0 >= 1 }
            let comparison = try bowl.compare(method, from: .equalCoordinates, steps: steps, checkpoints: checkpoints)
            results.append(
                TheoryCheckResult(
                    section: section, claim: "error in every eigendirection = exact 2×2 recurrence", setting: setting(name),
                    predicted: 0, measured: comparison.worstDirectionError,
                    criterion: "relative error ≤ 1e-9 + rounding allowance (≤ \(comparison.largestAllowance.short)) in directions above 1e-3·‖e_k‖",
                    passed: comparison.directionsAgree))
            let efolds = Double(steps) * -Double.log(ρ)
            let rateRatio = (comparison.fit?.rate ?? .nan) / ρ
            let exponentRatio = comparison.exponentRatio ?? .nan
            // The issue's criterion is ρ̂/ρ within 1%; near ρ = 1 that is weak, so the ratio of
            // exponents ln ρ̂/ln ρ (the ratio of iteration counts) must also be within 5%.
            let exponentTolerance = efolds >= 50 ? 0.05 : 0.10
            results.append(
                TheoryCheckResult(
                    section: section,
                    claim: "asymptotic rate = spectral radius" + (comparison.prediction.isDefective ? " (double root: k·ρᵏ)" : ""),
                    setting: setting(name) + ", \(steps) steps", predicted: ρ, measured: comparison.fit?.rate ?? .nan,
                    criterion: "|ρ̂/ρ − 1| ≤ 0.01 and |ln ρ̂/ln ρ − 1| ≤ \(exponentTolerance) (\(String(format: "%.4f", exponentRatio)), \(Int(efolds)) e-folds)",
                    passed: abs(rateRatio - 1) <= 0.01 && abs(exponentRatio - 1) <= exponentTolerance))
            if case .gradientDescent = method {
                let run = comparison.trajectory
                let predicted = ConvergenceTheory.iterations(toReduceErrorBy: 1e-6, rate: ρ) ?? Int.max
                let measured = run.iterations(toReduceErrorBy: 1e-6) ?? Int.max
                results.append(
                    TheoryCheckResult(
                        section: section, claim: "iterations to 1e-6 ≤ ⌈ln(10⁶)/(−ln ρ)⌉ (I − ηH is symmetric: ‖e_k‖ ≤ ρᵏ‖e₀‖)",
                        setting: setting(name), predicted: Double(predicted), measured: Double(measured),
                        criterion: "measured ≤ predicted", passed: measured <= predicted))
            }
        }
        // Stability: just below each bound converges, just above diverges.
        let families: [(String, (Double) -> FirstOrderMethod, String)] = [
            ("§1 gradient descent", { .gradientDescent(learningRate: $0) }, "GD, η < 2/L"),
            ("§2 heavy ball", { .heavyBall(learningRate: $0, momentum: 0.9) }, "heavy ball μ = 0.9, η < 2(1+μ)/L"),
            ("§3 Nesterov", { .nesterov(learningRate: $0, momentum: 0.9) }, "Nesterov β = 0.9, η < (2+2β)/((1+2β)L)"),
        ]
        for (section, make, name) in families {
            let bound = theory.stabilityBound(of: make(1))
            let start = try bowl.startingPoint(.equalCoordinates)
            var below = try make(0.99 * bound).makeOptimizer()
            var above = try make(1.01 * bound).makeOptimizer()
            let steps = 3000
            let stable = try bowl.iterate(with: &below, from: start, until: .steps(steps))
            let unstable = try bowl.iterate(with: &above, from: start, until: .steps(steps))
            let growthBelow = stable.errorNorms.last! / stable.errorNorms[0]
            let growthAbove = unstable.errorNorms.last! / unstable.errorNorms[0]
            results.append(
                TheoryCheckResult(
                    section: section, claim: "converges at 0.99× the stability bound, diverges at 1.01×",
                    setting: setting(name), predicted: bound, measured: growthAbove,
                    criterion: "‖e_\(steps)‖/‖e₀‖ < 1 below (\(growthBelow.short)) and > 1 above (measured)",
                    passed: growthBelow < 1 && (growthAbove > 1 || unstable.ending == .diverged)))
        }
        return results
    }

    /// §3's lower bound on Nesterov's worst function and §4's conjugate-gradient claims.
    func krylovClaims() throws(ConvergenceError) -> [TheoryCheckResult] {
        var results: [TheoryCheckResult] = []
        let κ = 100.0
        let worst = try QuadraticBowl.nesterovWorstCase(dimension: 1000, conditionNumber: κ)
        let theory = try ConvergenceTheory(eigenvalues: [1, κ])
        let start = Matrix<Double>(rows: 1000, columns: 1)
        let x = worst.minimizer.elements
        let total = worst.minimizer.frobeniusNorm
        // ‖x_k − x*‖ ≥ ‖(x*_{k+1}, …, x*_d)‖ for any method with x_k ∈ span{∇f(x₀), …}: x_k is zero past coordinate k.
        var tails = [Double](repeating: 0, count: 201)
        for k in 0...200 { tails[k] = x[k...].reduce(0) { $0 + $1 * $1 }.squareRoot() / total }
        let steps = 200
        var runs: [(String, BowlTrajectory)] = []
        for (name, method) in [
            ("GD at η*", theory.gradientDescentOptimal), ("Polyak heavy ball", theory.polyakOptimal),
            ("Nesterov standard", theory.nesterovStandard),
        ] {
            var optimizer = try method.makeOptimizer()
            runs.append((name, try worst.iterate(with: &optimizer, from: start, until: .steps(steps))))
        }
        runs.append(("conjugate gradient", try worst.conjugateGradient(from: start, steps: steps)))
        for (name, run) in runs {
            let relative = run.relativeErrors
            // Only where the tail is far above the rounding in x* (computed to ~1e-16·‖x*‖ in every coordinate).
            let checked = (0...min(steps, relative.count - 1)).filter { tails[$0] >= 1e-8 }
            let slack = checked.map { relative[$0] / tails[$0] }.min() ?? .nan
            results.append(
                TheoryCheckResult(
                    section: "§3 lower bound", claim: "no first-order method beats the Krylov bound on the worst function",
                    setting: "Nesterov's tridiagonal quadratic, d=1000 κ=100, \(name), k ≤ \(steps)",
                    predicted: Double.pow(theory.lowerBoundRate, 50), measured: relative[min(50, relative.count - 1)],
                    criterion: "‖e_k‖/‖e₀‖ ≥ ‖x*_{k+1:}‖/‖x*‖ for k ≤ \(checked.last ?? 0) (min ratio \(slack.short)); predicted = q⁵⁰, measured = ‖e₅₀‖/‖e₀‖",
                    passed: slack >= 1 - 1e-6))
        }
        // CG: Chebyshev bound and optimality against the three methods, on a rotated log-uniform bowl.
        for κ in conditionNumbers {
            let bowl = try QuadraticBowl(dimension: 100, conditionNumber: κ, basis: .random(seed: seed &+ 77))
            let spectrum = try ConvergenceTheory(bowl: bowl)
            let w0 = try bowl.startingPoint(.random(seed: seed))
            let steps = min(300, 3 * Int(κ.squareRoot()) + 20)
            let cg = try bowl.conjugateGradient(from: w0, steps: steps)
            let energy = { (run: BowlTrajectory) in run.excessValues.map { ($0 / run.excessValues[0]).squareRoot() } }
            let cgEnergy = energy(cg)
            let worstBound = cgEnergy.indices.map { cgEnergy[$0] / spectrum.conjugateGradientBound(steps: $0) }.max()!
            results.append(
                TheoryCheckResult(
                    section: "§4 conjugate gradient", claim: "‖e_k‖_H ≤ 2qᵏ‖e₀‖_H (Chebyshev)",
                    setting: "d=100 κ=\(κ.short) rotated, k ≤ \(cgEnergy.count - 1)", predicted: 1, measured: worstBound,
                    criterion: "max_k ratio to the bound ≤ 1", passed: worstBound <= 1 + 1e-9))
            var worstRatio = 0.0
            for method in [spectrum.gradientDescentOptimal, spectrum.polyakOptimal, spectrum.nesterovStandard] {
                var optimizer = try method.makeOptimizer()
                let other = energy(try bowl.iterate(with: &optimizer, from: w0, until: .steps(cgEnergy.count - 1)))
                for k in cgEnergy.indices where cgEnergy[k] > 1e-12 { worstRatio = max(worstRatio, cgEnergy[k] / other[k]) }
            }
            results.append(
                TheoryCheckResult(
                    section: "§4 conjugate gradient", claim: "CG's energy error ≤ GD's, heavy ball's and Nesterov's at every k",
                    setting: "d=100 κ=\(κ.short) rotated", predicted: 1, measured: worstRatio,
                    criterion: "max_k ‖e_k^CG‖_H/‖e_k^other‖_H ≤ 1", passed: worstRatio <= 1 + 1e-9))
        }
        let clustered = try QuadraticBowl(
            dimension: 100, conditionNumber: 1000, shape: .clustered(count: 5, relativeWidth: 0), basis: .random(seed: seed))
        let terminated = try clustered.conjugateGradient(from: try clustered.startingPoint(.random(seed: seed)), steps: 5)
        let final = terminated.relativeErrors.last!
        results.append(
            TheoryCheckResult(
                section: "§4 conjugate gradient", claim: "terminates in (number of distinct eigenvalues) steps",
                setting: "d=100, 5 distinct eigenvalues, κ=1000 rotated", predicted: 5, measured: final,
                criterion: "‖e₅‖/‖e₀‖ ≤ 1e-6 (exact arithmetic: 0; rounding splits each cluster by ~ε·L)",
                passed: final <= 1e-6 && terminated.relativeErrors[4] >= 1e-4))
        return results
    }
}
