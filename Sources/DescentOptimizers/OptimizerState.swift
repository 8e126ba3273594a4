// What an optimizer saves: enough to make the next update bit-identical to an
// uninterrupted run.

import DescentLinalg

/// A snapshot of an optimizer: step count, hyperparameters, scalar state and
/// per-parameter buffers (slot name → one matrix per parameter).
///
/// Buffers are empty before the first update (the optimizer creates them from
/// the parameters' shapes). DescentTraining writes a state into a checkpoint as
/// safetensors entries named `optimizer.<slot>.<index>`.
public struct OptimizerState<Scalar: BLASScalar>: Equatable, Sendable {
    /// The optimizer's `name`, checked on restore.
    public var optimizer: String
    /// Updates taken so far.
    public var stepCount: Int
    /// Hyperparameter values at the time of the snapshot.
    public var hyperparameters: [String: Scalar]
    /// Scalar state other than the step count (NAdam's running product of μ).
    public var scalars: [String: Scalar]
    /// Per-parameter buffers by slot (`"momentum"`, `"firstMoment"`, …).
    public var buffers: [String: [Matrix<Scalar>]]

    public init(
        optimizer: String, stepCount: Int, hyperparameters: [String: Scalar] = [:], scalars: [String: Scalar] = [:],
        buffers: [String: [Matrix<Scalar>]] = [:]
    ) {
        self.optimizer = optimizer
        self.stepCount = stepCount
        self.hyperparameters = hyperparameters
        self.scalars = scalars
        self.buffers = buffers
    }
}

// MARK: - Building and reading states (for optimizer implementations)

extension Optimizer {
    /// A state holding this optimizer's name, step count, every hyperparameter,
    /// `scalars` and the slots of `buffers` that hold anything (a slot not yet
    /// created, before the first update or a momentum not yet used, is left out).
    public func baseState(
        scalars: [String: Scalar] = [:], buffers: [String: [Matrix<Scalar>]] = [:]
    ) -> OptimizerState<Scalar> {
        var values: [String: Scalar] = [:]
        for name in hyperparameterNames { values[name.rawValue] = value(of: name) }
        return OptimizerState(
            optimizer: name, stepCount: stepCount, hyperparameters: values, scalars: scalars,
            buffers: buffers.filter { !$0.value.isEmpty })
    }

    /// Checks that `state` was saved by this kind of optimizer with exactly
    /// these buffer slots, all of one length and pairwise equal shapes, then
    /// applies its hyperparameters to `self`.
    public mutating func validate(_ state: OptimizerState<Scalar>, slots: [String]) throws(OptimizerError) {
        guard state.optimizer == name else {
            throw .incompatibleState(optimizer: name, reason: "it was saved by \(state.optimizer)")
        }
        guard state.stepCount >= 0 else {
            throw .incompatibleState(optimizer: name, reason: "negative step count \(state.stepCount)")
        }
        guard Set(state.buffers.keys) == Set(slots) || state.buffers.values.allSatisfy(\.isEmpty) else {
            throw .incompatibleState(
                optimizer: name,
                reason: "buffers \(state.buffers.keys.sorted()) saved, \(slots.sorted()) expected")
        }
        let lengths = Set(state.buffers.values.map(\.count))
        guard lengths.count <= 1 else {
            throw .incompatibleState(optimizer: name, reason: "buffer slots hold different numbers of parameters")
        }
        if let reference = state.buffers.values.first {
            for slot in state.buffers.values {
                for (a, b) in zip(reference, slot) where a.rows != b.rows || a.columns != b.columns {
                    throw .incompatibleState(optimizer: name, reason: "buffer shapes \(a.shapeDescription) and \(b.shapeDescription) differ")
                }
            }
        }
        for hyperparameter in hyperparameterNames {
            guard let value = state.hyperparameters[hyperparameter.rawValue] else {
                throw .incompatibleState(optimizer: name, reason: "hyperparameter \(hyperparameter) is missing")
            }
            try setValue(value, for: hyperparameter)
        }
    }
}

/// Creates zero buffers shaped like `parameters` when `buffers` is empty;
/// otherwise checks that the parameters still have the buffers' shapes.
@inlinable
package func prepareBuffers<Scalar: BLASScalar>(
    _ buffers: inout [Matrix<Scalar>], like parameters: [Matrix<Scalar>]
) throws(OptimizerError) {
    if buffers.isEmpty {
        buffers = parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
        return
    }
    guard buffers.count == parameters.count else {
        throw .parameterCountMismatch(parameters: parameters.count, gradients: buffers.count)
    }
    for index in parameters.indices
    where parameters[index].rows != buffers[index].rows || parameters[index].columns != buffers[index].columns {
        throw .shapeMismatch(index: index, expected: buffers[index].shapeDescription, got: parameters[index].shapeDescription)
    }
}

/// Two per-parameter state buffers saved under two slot names: m and v (NAdam,
/// RAdam, LAMB), m and u (Adamax), E[g²] and E[Δθ²] (AdaDelta). Empty until
/// the first update creates them from the parameters' shapes.
package struct BufferPair<Scalar: BLASScalar>: Sendable {
    /// The slot names in a saved state, first then second.
    package let slots: [String]
    package var first: [Matrix<Scalar>] = []
    package var second: [Matrix<Scalar>] = []

    package init(_ firstSlot: String, _ secondSlot: String) { slots = [firstSlot, secondSlot] }

    /// Creates zero buffers on the first update; afterwards checks that the
    /// parameters still have the buffers' shapes.
    package mutating func prepare(like parameters: [Matrix<Scalar>]) throws(OptimizerError) {
        try prepareBuffers(&first, like: parameters)
        try prepareBuffers(&second, like: parameters)
    }

    /// Both slots, for `baseState` (which leaves them out while they are empty).
    package var buffers: [String: [Matrix<Scalar>]] { [slots[0]: first, slots[1]: second] }

    /// Takes both slots from a state that `validate(_:slots:)` has accepted
    /// (none when it was saved before the first update).
    package mutating func restore(from state: OptimizerState<Scalar>) {
        first = state.buffers[slots[0]] ?? []
        second = state.buffers[slots[1]] ?? []
    }

    /// Calls `body` with the elements of parameter `index`, its gradient and both buffers.
    @inlinable
    package mutating func withElements(
        at index: Int, _ parameters: inout [Matrix<Scalar>], _ gradients: [Matrix<Scalar>],
        _ body: (
            UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>,
            UnsafeMutableBufferPointer<Scalar>
        ) -> Void
    ) {
        DescentOptimizers.withElements(&parameters[index], gradients[index], &first[index], &second[index], body)
    }
}
