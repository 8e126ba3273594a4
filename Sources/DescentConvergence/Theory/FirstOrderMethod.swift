// The three first-order methods whose behaviour on a quadratic is exactly
// linear, and their per-eigendirection iteration matrices (THEORY.md §§1–3).
//
// Design note. On E(w) = ½(w − w*)ᵀH(w − w*) every one of gradient descent,
// heavy ball and Nesterov decouples along the eigenvectors of H: the state
// (vᵢ, αᵢ) of direction i (velocity and error, in eigen-coordinates) evolves
// by a 2×2 matrix that depends on λᵢ only,
//   heavy ball:  v′ = μv − ηλα,             α′ = α + v′  →  M = [[μ, −ηλ], [μ, 1 − ηλ]]
//   Nesterov:    v′ = μv − ηλ(α + μv),      α′ = α + v′  →  M = [[μc, −ηλ], [μc, c]], c = 1 − ηλ
//   gradient descent is heavy ball with μ = 0.
// Predictions iterate these matrices exactly; rates are their spectral radii.
// `makeOptimizer()` returns the DescentOptimizers SGD that runs the same
// method, so a prediction is always compared with the library's optimizer.
// Sources: Polyak 1964; Nesterov 2004 §2.2; Goh, "Why Momentum Really Works" (2017).

import DescentLinalg
import DescentOptimizers

/// Gradient descent, heavy ball or Nesterov with constant hyperparameters.
public enum FirstOrderMethod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// w ← w − η∇E(w).
    case gradientDescent(learningRate: Double)
    /// Polyak's heavy ball: v ← μv − η∇E(w), w ← w + v (v₀ = 0).
    case heavyBall(learningRate: Double, momentum: Double)
    /// Nesterov's accelerated gradient in look-ahead form: v ← μv − η∇E(w + μv), w ← w + v.
    case nesterov(learningRate: Double, momentum: Double)

    /// η.
    public var learningRate: Double {
        switch self {
        case let .gradientDescent(η), let .heavyBall(η, _), let .nesterov(η, _): η
        }
    }

    /// μ (0 for gradient descent).
    public var momentum: Double {
        switch self {
        case .gradientDescent: 0
        case let .heavyBall(_, μ), let .nesterov(_, μ): μ
        }
    }

    public var description: String {
        switch self {
        case let .gradientDescent(η): "GD η=\(η.short)"
        case let .heavyBall(η, μ): "heavy ball η=\(η.short) μ=\(μ.short)"
        case let .nesterov(η, μ): "Nesterov η=\(η.short) μ=\(μ.short)"
        }
    }

    /// Checks η > 0 and 0 ≤ μ < 1.
    /// - Throws: `ConvergenceError.invalidParameter` naming the value.
    public func validate() throws(ConvergenceError) {
        try require(learningRate, "learning rate", "a finite number > 0") { $0 > 0 }
        try require(momentum, "momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
    }

    /// The DescentOptimizers optimizer that performs this method (SGD; Nesterov in its look-ahead form).
    /// - Throws: `ConvergenceError.invalidParameter` for η ≤ 0 or μ outside [0, 1).
    public func makeOptimizer() throws(ConvergenceError) -> SGD<Double> {
        try validate()
        do {
            switch self {
            case let .gradientDescent(η): return try SGD(learningRate: η)
            case let .heavyBall(η, μ): return try SGD(learningRate: η, momentum: μ)
            case let .nesterov(η, μ): return try SGD(learningRate: η, momentum: μ, nesterov: μ > 0 ? .lookAhead : nil)
            }
        } catch { throw .optimizerFailed("\(error)") }
    }

    // MARK: - One eigendirection

    /// The 2×2 matrix M(λ) with (vₖ₊₁, αₖ₊₁) = M(λ)·(vₖ, αₖ) along an eigenvector of eigenvalue λ.
    public func iterationMatrix(eigenvalue λ: Double) -> (vv: Double, va: Double, av: Double, aa: Double) {
        let h = learningRate * λ
        let μ = momentum
        switch self {
        case .gradientDescent, .heavyBall: return (μ, -h, μ, 1 - h)
        case .nesterov:
            let c = 1 - h
            return (μ * c, -h, μ * c, c)
        }
    }

    /// The roots of det(zI − M(λ)): z² − (trace)z + det = 0.
    public func roots(eigenvalue λ: Double) -> CharacteristicRoots {
        let m = iterationMatrix(eigenvalue: λ)
        return CharacteristicRoots(trace: m.vv + m.aa, determinant: m.vv * m.aa - m.va * m.av)
    }

    /// The per-direction rate: the spectral radius of M(λ) (|1 − ηλ| for gradient descent).
    public func spectralRadius(eigenvalue λ: Double) -> Double { roots(eigenvalue: λ).spectralRadius }

    /// Whether the direction converges from every start: spectral radius < 1,
    /// equivalently 0 < ηλ < 2 (GD), < 2(1 + μ) (heavy ball), < (2 + 2μ)/(1 + 2μ) (Nesterov).
    public func converges(eigenvalue λ: Double) -> Bool { spectralRadius(eigenvalue: λ) < 1 }

    /// The largest stable step for curvature λ: η < bound/λ with bound = 2, 2(1 + μ) or (2 + 2μ)/(1 + 2μ).
    /// (Jury's criterion; THEORY.md §§1–3, and Cohen et al. 2021's edge-of-stability thresholds.)
    public var stabilityThreshold: Double {
        switch self {
        case .gradientDescent: 2
        case let .heavyBall(_, μ): 2 * (1 + μ)
        case let .nesterov(_, μ): (2 + 2 * μ) / (1 + 2 * μ)
        }
    }

    /// The exact error αᵢ(T) along one eigendirection after each of `steps` steps, from α(0) with v₀ = 0:
    /// element k is αᵢ(k), k = 0…steps.
    public func predictedCoordinates(eigenvalue λ: Double, initial α0: Double, steps: Int) -> [Double] {
        let m = iterationMatrix(eigenvalue: λ)
        var v = 0.0
        var α = α0
        var result = [α0]
        result.reserveCapacity(steps + 1)
        for _ in 0..<max(steps, 0) {
            (v, α) = (m.vv * v + m.va * α, m.av * v + m.aa * α)
            result.append(α)
        }
        return result
    }

    /// The exact error along one eigendirection after exactly T steps (by repeated squaring of M(λ)).
    public func predictedCoordinate(eigenvalue λ: Double, initial α0: Double, steps: Int) -> Double {
        var power = iterationMatrix(eigenvalue: λ)
        var result = (vv: 1.0, va: 0.0, av: 0.0, aa: 1.0)
        var remaining = max(steps, 0)
        func multiply(
            _ a: (vv: Double, va: Double, av: Double, aa: Double), _ b: (vv: Double, va: Double, av: Double, aa: Double)
        ) -> (vv: Double, va: Double, av: Double, aa: Double) {
            (a.vv * b.vv + a.va * b.av, a.vv * b.va + a.va * b.aa, a.av * b.vv + a.aa * b.av, a.av * b.va + a.aa * b.aa)
        }
        while remaining > 0 {
            if remaining & 1 == 1 { result = multiply(power, result) }
            power = multiply(power, power)
            remaining >>= 1
        }
        return result.aa * α0  // v₀ = 0
    }
}

/// The two roots of z² − t·z + d = 0, the eigenvalues of a per-direction iteration matrix.
public struct CharacteristicRoots: Sendable, Hashable {
    /// t, the trace.
    public let trace: Double
    /// d, the determinant.
    public let determinant: Double

    /// t² − 4d: negative for a complex pair, zero for a double root.
    public var discriminant: Double { trace * trace - 4 * determinant }
    /// Whether the roots are a complex-conjugate pair (both of modulus √d).
    public var isComplex: Bool { discriminant < 0 }

    /// The roots as (real, imaginary) pairs, the one of larger modulus first.
    public var values: [(real: Double, imaginary: Double)] {
        if isComplex {
            let imaginary = (-discriminant).squareRoot() / 2
            return [(trace / 2, imaginary), (trace / 2, -imaginary)]
        }
        let s = discriminant.squareRoot()
        // Stable form: the larger root first, the other from the product d.
        let large = trace >= 0 ? (trace + s) / 2 : (trace - s) / 2
        let small = large == 0 ? 0 : determinant / large
        return [(large, 0), (small, 0)]
    }

    /// max |z|: √d for a complex pair, |t|/2 for a double root, else the larger absolute root.
    ///
    /// A double root is ill-conditioned (a rounding-level discriminant moves
    /// the roots by √ε), so a discriminant within 64ε·t² of zero is read as
    /// exactly zero and the radius is |t|/2, accurate to rounding.
    public var spectralRadius: Double {
        if abs(discriminant) <= 64 * Double.ulpOfOne * trace * trace { return abs(trace) / 2 }
        if isComplex { return determinant.squareRoot() }
        return values.map { abs($0.real) }.max()!
    }

    /// Whether the roots coincide to `relativeTolerance` of t²: the error then decays like k·ρᵏ, not ρᵏ.
    public func isDouble(relativeTolerance: Double = 1e-9) -> Bool {
        abs(discriminant) <= relativeTolerance * max(trace * trace, .leastNormalMagnitude)
    }
}

extension Double {
    /// Six significant digits, for labels.
    var short: String {
        let magnitude = abs(self)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.4g", self) }
        return String(format: "%.6g", self)
    }
}
