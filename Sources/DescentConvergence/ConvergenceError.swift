// Errors of the convergence module: bad values from a user or a file, and
// failures of the linear algebra underneath.

/// Why a bowl, a prediction or an experiment could not be built or run.
public enum ConvergenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter outside its valid range (dimension 0, κ < 1, η ≤ 0, μ ≥ 1, tolerance ≥ 1, …).
    case invalidParameter(name: String, value: Double, requirement: String)
    /// A matrix or data set that cannot define the problem asked for.
    case invalidProblem(String)
    /// The linear algebra failed (non-symmetric or non-finite matrix, LAPACK error, file problem).
    case linearAlgebra(LinalgError)
    /// An optimizer refused a step (its message is kept).
    case optimizerFailed(String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, requirement):
            "\(name) = \(value.formatted()) is not allowed: it must be \(requirement)"
        case let .invalidProblem(reason):
            reason
        case let .linearAlgebra(error):
            "\(error)"
        case let .optimizerFailed(message):
            "the optimizer refused a step: \(message)"
        }
    }
}

extension Double {
    /// A short, exact-enough rendering for messages (17 significant digits at most, no trailing zeros).
    func formatted() -> String {
        if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
        return "\(self)"
    }
}

/// Throws `invalidParameter` unless `condition` holds for `value`.
func require(
    _ value: Double, _ name: String, _ requirement: String, _ condition: (Double) -> Bool
) throws(ConvergenceError) {
    guard value.isFinite || requirement.contains("∞"), condition(value) else {
        throw .invalidParameter(name: name, value: value, requirement: requirement)
    }
}
