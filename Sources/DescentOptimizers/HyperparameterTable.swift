// Hyperparameters as a table: one row per hyperparameter gives its name, the
// stored property that holds it and the values it accepts. The table then
// supplies `hyperparameterNames`, `value(of:)` and `setValue(_:for:)`, so the
// eleven optimizers do not each write the same three switches.

import DescentLinalg

/// One row of an optimizer's hyperparameter table: the name a schedule uses,
/// the stored property it sets, and the values it accepts.
///
/// ```swift
/// .nonNegative(.learningRate, \.learningRate)          // finite and ≥ 0
/// .halfOpenUnitInterval(.beta1, \.beta1)                // in [0, 1)
/// HyperparameterRule(.learningRateDecay, \.learningRateDecay, requirement: "0 under optax") { $0 == 0 }
/// ```
///
/// Every rule also requires a finite value: NaN and ±∞ are refused whatever
/// `isValid` says.
public struct HyperparameterRule<Owner, Scalar: BLASScalar>: Sendable {
    /// A stored property of the optimizer that holds a hyperparameter.
    public typealias Property = WritableKeyPath<Owner, Scalar> & Sendable

    /// The name `value(of:)` and `setValue(_:for:)` answer to.
    public let name: Hyperparameter
    /// The stored property holding the value.
    public let keyPath: Property
    /// What `isValid` accepts, as the error message says it ("finite and ≥ 0").
    public let requirement: String
    /// Whether a finite value is accepted.
    public let isValid: @Sendable (Scalar) -> Bool

    public init(
        _ name: Hyperparameter, _ keyPath: Property, requirement: String,
        isValid: @escaping @Sendable (Scalar) -> Bool
    ) {
        self.name = name
        self.keyPath = keyPath
        self.requirement = requirement
        self.isValid = isValid
    }

    /// x ≥ 0: learning rates, ε, weight decay.
    public static func nonNegative(_ name: Hyperparameter, _ keyPath: Property) -> Self {
        Self(name, keyPath, requirement: "finite and ≥ 0") { $0 >= 0 }
    }

    /// x > 0: where 0 would stop the method (AdaDelta's ε).
    public static func positive(_ name: Hyperparameter, _ keyPath: Property) -> Self {
        Self(name, keyPath, requirement: "finite and > 0") { $0 > 0 }
    }

    /// x ∈ [0, 1): decay rates and momentum coefficients (β₁, β₂, μ, ρ), where 1 would never forget.
    public static func halfOpenUnitInterval(_ name: Hyperparameter, _ keyPath: Property) -> Self {
        Self(name, keyPath, requirement: "in [0, 1)") { $0 >= 0 && $0 < 1 }
    }

    /// x ∈ [0, 1]: fractions where 1 is meaningful (SGD's dampening, AdaDelta's ρ).
    public static func closedUnitInterval(_ name: Hyperparameter, _ keyPath: Property) -> Self {
        Self(name, keyPath, requirement: "in [0, 1]") { $0 >= 0 && $0 <= 1 }
    }
}

/// An optimizer whose hyperparameters are stored properties listed in a table.
///
/// Conforming supplies `hyperparameterRules`; `hyperparameterNames` (in the
/// table's order), `value(of:)` and `setValue(_:for:)` follow from it.
///
/// Store the table (a `let` set once, so a rule may depend on the optimizer's
/// `Convention`) rather than computing it: a key path into a generic type is
/// built at run time (about a microsecond each), which `setValue` would
/// otherwise pay on every call a schedule makes.
public protocol HyperparameterTable: Optimizer {
    /// One rule per hyperparameter, in the order `hyperparameterNames` lists them.
    var hyperparameterRules: [HyperparameterRule<Self, Scalar>] { get }
}

extension HyperparameterTable {
    // A closure, not `\.name`: a key path into a generic type is built anew on every call.
    public var hyperparameterNames: [Hyperparameter] { hyperparameterRules.map { $0.name } }

    public func value(of hyperparameter: Hyperparameter) -> Scalar? {
        hyperparameterRules.first { $0.name == hyperparameter }.map { self[keyPath: $0.keyPath] }
    }

    /// Sets `hyperparameter` when its rule accepts `value`.
    /// - Throws: `OptimizerError.unknownHyperparameter` when the table has no
    ///   such row, `.invalidHyperparameter` with the rule's requirement otherwise.
    public mutating func setValue(_ value: Scalar, for hyperparameter: Hyperparameter) throws(OptimizerError) {
        guard let rule = hyperparameterRules.first(where: { $0.name == hyperparameter }) else {
            throw unknown(hyperparameter)
        }
        try require(value, for: hyperparameter, rule.requirement, rule.isValid)
        self[keyPath: rule.keyPath] = value
    }

    /// Checks every hyperparameter's current value against its rule, in table
    /// order (what an initializer does once it has stored them).
    /// - Throws: `OptimizerError.invalidHyperparameter` for the first value out of range.
    public func validateHyperparameters() throws(OptimizerError) {
        for rule in hyperparameterRules {
            try require(self[keyPath: rule.keyPath], for: rule.name, rule.requirement, rule.isValid)
        }
    }
}
