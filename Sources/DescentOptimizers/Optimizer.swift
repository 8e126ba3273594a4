// The optimizer protocol: parameter arrays in, updated parameter arrays out.
//
// Design goals, in priority order:
// 1. Exact to the formula of the paper (or of the named framework, through a
//    `Convention`), bit-reproducible, with state that can be saved and restored.
// 2. Shared: an optimizer knows nothing about layers. It updates `[Matrix]`
//    parameters from `[Matrix]` gradients, so the same value drives a network
//    (DescentTraining) and a quadratic bowl (DescentConvergence).
// 3. Methods that need the gradient at a point of their choosing (Nesterov's
//    look-ahead form) get it: `step(_:gradientAt:)` hands them a gradient oracle.

import DescentLinalg

/// An optimization method: updates parameters from gradients, keeping its own
/// per-parameter state (momentum buffers, moment estimates, step count).
///
/// ```swift
/// var adam = Adam<Double>(learningRate: 0.1)
/// var w = [Matrix<Double>(column: [1])]
/// for _ in 0..<3 { try adam.update(&w, with: [w[0]]) }   // f = ½w², ∇f = w
/// ```
///
/// State is created on the first update from the parameters' shapes, so one
/// optimizer value serves one parameter list. `state()` and
/// `restore(from:)` save and reload everything the next step depends on.
public protocol Optimizer<Scalar>: Sendable {
    associatedtype Scalar: BLASScalar

    /// A short name used in messages and checkpoints, such as `"Adam"`.
    var name: String { get }

    /// The number of updates taken so far (`t` in the formulas is `stepCount`
    /// after the update that uses it).
    var stepCount: Int { get }

    /// The hyperparameters this optimizer has, in a stable order.
    var hyperparameterNames: [Hyperparameter] { get }

    /// The current value of a hyperparameter, or `nil` if this optimizer has none by that name.
    func value(of hyperparameter: Hyperparameter) -> Scalar?

    /// Sets a hyperparameter (what a schedule does before each step).
    /// - Throws: `OptimizerError.unknownHyperparameter` or `.invalidHyperparameter`.
    mutating func setValue(_ value: Scalar, for hyperparameter: Hyperparameter) throws(OptimizerError)

    /// One update from gradients computed at the current parameters.
    /// - Throws: `OptimizerError.parameterCountMismatch` or `.shapeMismatch`
    ///   when `gradients` does not match `parameters` (or the parameters this
    ///   optimizer's state was built for).
    mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError)

    /// One update, asking `gradient` for the gradient wherever the method needs
    /// it. Most methods evaluate at `parameters`; Nesterov's look-ahead form
    /// evaluates at `w + μv`. Errors thrown by `gradient` propagate unchanged.
    mutating func step(
        _ parameters: inout [Matrix<Scalar>], gradientAt gradient: ([Matrix<Scalar>]) throws -> [Matrix<Scalar>]
    ) throws

    /// Everything the next update depends on: step count, hyperparameters and
    /// per-parameter buffers.
    func state() -> OptimizerState<Scalar>

    /// Restores a saved state.
    /// - Throws: `OptimizerError.incompatibleState` when the state was saved by
    ///   another method or for parameters of other shapes.
    mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError)
}

extension Optimizer {
    /// Evaluates the gradient at the current parameters, then updates.
    public mutating func step(
        _ parameters: inout [Matrix<Scalar>], gradientAt gradient: ([Matrix<Scalar>]) throws -> [Matrix<Scalar>]
    ) throws {
        let gradients = try gradient(parameters)
        try update(&parameters, with: gradients)
    }

    /// The current learning rate, or `nil` for a method without one. (Not
    /// named `learningRate`: inside a conformer, an optional `learningRate`
    /// would shadow the stored one where an optional is expected.)
    public var currentLearningRate: Scalar? { value(of: .learningRate) }
}

// MARK: - Hyperparameter names

/// The name of a hyperparameter, so that a schedule can drive any of them
/// (`.learningRate`, `.momentum`, `.beta1`, …), not only the step size.
public struct Hyperparameter: Hashable, Sendable, RawRepresentable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// η (α in Adam, γ in PyTorch's documentation).
    public static let learningRate: Hyperparameter = "learningRate"
    /// μ (α in Goodfellow et al.), the momentum coefficient.
    public static let momentum: Hyperparameter = "momentum"
    /// PyTorch's dampening d: the buffer adds (1 − d)·g.
    public static let dampening: Hyperparameter = "dampening"
    /// λ, the weight-decay coefficient (coupled L2 or decoupled, per method).
    public static let weightDecay: Hyperparameter = "weightDecay"
    /// β₁, the first-moment decay rate.
    public static let beta1: Hyperparameter = "beta1"
    /// β₂, the second-moment decay rate.
    public static let beta2: Hyperparameter = "beta2"
    /// ε (δ in Goodfellow et al.), the denominator guard.
    public static let epsilon: Hyperparameter = "epsilon"
    /// ρ, the squared-gradient decay rate of RMSProp and AdaDelta.
    public static let decay: Hyperparameter = "decay"
    /// ηₜ of AdamW's paper form: a multiplier of both the step and the decay.
    public static let scheduleMultiplier: Hyperparameter = "scheduleMultiplier"
    /// η of LARS, the trust coefficient.
    public static let trustCoefficient: Hyperparameter = "trustCoefficient"
}

// MARK: - Errors

/// Why an optimizer refused to update or to restore.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number of gradients differs from the number of parameters.
    case parameterCountMismatch(parameters: Int, gradients: Int)
    /// A gradient (or a parameter, against the optimizer's state) has the wrong shape.
    case shapeMismatch(index: Int, expected: String, got: String)
    /// The optimizer has no hyperparameter by that name.
    case unknownHyperparameter(optimizer: String, name: String, known: [String])
    /// A hyperparameter value outside its valid range.
    case invalidHyperparameter(optimizer: String, name: String, value: Double, requirement: String)
    /// A saved state that does not fit this optimizer.
    case incompatibleState(optimizer: String, reason: String)
    /// A gradient holds NaN or ±∞ (reported by `GradientClipping` with `.stop`).
    case nonFiniteGradient(index: Int, element: Int, value: Double)

    public var description: String {
        switch self {
        case let .parameterCountMismatch(parameters, gradients):
            "optimizer got \(gradients) gradients for \(parameters) parameters; pass one gradient per parameter, in the same order"
        case let .shapeMismatch(index, expected, got):
            "gradient \(index) is \(got) but parameter \(index) is \(expected); gradients must have their parameter's shape"
        case let .unknownHyperparameter(optimizer, name, known):
            "\(optimizer) has no hyperparameter '\(name)'; it has \(known.joined(separator: ", "))"
        case let .invalidHyperparameter(optimizer, name, value, requirement):
            "\(optimizer): \(name) = \(value) is invalid; it must be \(requirement)"
        case let .incompatibleState(optimizer, reason):
            "cannot restore \(optimizer) state: \(reason)"
        case let .nonFiniteGradient(index, element, value):
            "gradient \(index) holds \(value) at element \(element); lower the learning rate, check the data for NaN, or clip gradients"
        }
    }
}

// MARK: - Checks shared by every optimizer

extension Optimizer {
    /// Checks that gradients match parameters one to one in shape.
    @inlinable
    public func requireMatching(_ parameters: [Matrix<Scalar>], _ gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        guard parameters.count == gradients.count else {
            throw .parameterCountMismatch(parameters: parameters.count, gradients: gradients.count)
        }
        for index in parameters.indices
        where parameters[index].rows != gradients[index].rows || parameters[index].columns != gradients[index].columns {
            throw .shapeMismatch(
                index: index, expected: parameters[index].shapeDescription, got: gradients[index].shapeDescription)
        }
    }

    /// Throws `.unknownHyperparameter` for `name`.
    public func unknown(_ name: Hyperparameter) -> OptimizerError {
        .unknownHyperparameter(optimizer: self.name, name: name.rawValue, known: hyperparameterNames.map(\.rawValue))
    }

    /// Validates `value` for `name` against a range.
    public func require(
        _ value: Scalar, for name: Hyperparameter, _ requirement: String, _ isValid: (Scalar) -> Bool
    ) throws(OptimizerError) {
        guard value.isFinite, isValid(value) else {
            throw .invalidHyperparameter(optimizer: self.name, name: name.rawValue, value: Double(value), requirement: requirement)
        }
    }
}
