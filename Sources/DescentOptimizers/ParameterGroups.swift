// Parameter groups: different hyperparameters (or different methods) for
// different parameters, as PyTorch's `param_groups` and optax's
// `multi_transform`. The default rule keeps biases and normalization
// parameters out of weight decay.

import DescentLinalg

/// One group: which parameters (indices into the full list) and the optimizer
/// that updates them.
public struct ParameterGroup<Scalar: BLASScalar>: Sendable {
    /// Indices into the full parameter list, in the order the group's optimizer sees them.
    public var indices: [Int]
    /// The optimizer for these parameters (its own hyperparameters and state).
    public var optimizer: any Optimizer<Scalar>
    /// Hyperparameters that `ParameterGroups.setValue` leaves alone in this
    /// group (the no-decay group pins `.weightDecay` at 0 while a schedule
    /// changes it elsewhere).
    public var pinned: Set<Hyperparameter>

    public init(indices: [Int], optimizer: any Optimizer<Scalar>, pinned: Set<Hyperparameter> = []) {
        self.indices = indices
        self.optimizer = optimizer
        self.pinned = pinned
    }
}

/// Which parameters weight decay skips.
public struct DecayExclusion: Sendable {
    /// Returns `true` for a parameter that must not be decayed.
    public let excludes: @Sendable (_ name: String, _ isVector: Bool) -> Bool

    public init(_ excludes: @escaping @Sendable (_ name: String, _ isVector: Bool) -> Bool) {
        self.excludes = excludes
    }

    /// The default: vector parameters (biases, normalization γ and β — a layer's
    /// `vectorParameterNames`) and any name ending in `bias`, as is common
    /// practice for AdamW, LARS and LAMB.
    public static let biasesAndNormalization = DecayExclusion { name, isVector in
        isVector || name.hasSuffix("bias")
    }

    /// Decay every parameter.
    public static let none = DecayExclusion { _, _ in false }
}

/// An optimizer made of groups, each updating its own parameters.
///
/// ```swift
/// // AdamW on weights, no decay on biases and normalization parameters:
/// let groups = try ParameterGroups(
///     names: model.namedParameters.map(\.name), vectorNames: model.vectorParameterNames,
///     optimizer: AdamW<Float>(learningRate: 1e-3, weightDecay: 0.05))
/// ```
///
/// `setValue(_:for:)` (what a schedule calls) sets the hyperparameter in every
/// group that has it and has not pinned it; `value(of:)` reads the first such group.
public struct ParameterGroups<Scalar: BLASScalar>: Optimizer {
    public private(set) var groups: [ParameterGroup<Scalar>]
    private let parameterCount: Int

    /// Groups given explicitly.
    /// - Throws: `OptimizerError.incompatibleState` when the indices are not a
    ///   partition of `0..<parameterCount`.
    public init(groups: [ParameterGroup<Scalar>], parameterCount: Int) throws(OptimizerError) {
        let all = groups.flatMap(\.indices)
        guard all.sorted() == Array(0..<parameterCount) else {
            throw .incompatibleState(
                optimizer: "ParameterGroups",
                reason: "group indices \(all.sorted()) must list each of the \(parameterCount) parameters exactly once")
        }
        self.groups = groups
        self.parameterCount = parameterCount
    }

    /// Two groups of one method: the parameters `exclusion` selects get weight
    /// decay 0 (pinned), the others keep `optimizer`'s decay. An empty group is dropped.
    /// - Parameters:
    ///   - names: the parameters' names, in order (`Layer.namedParameters`).
    ///   - vectorNames: the names of vector parameters (`Layer.vectorParameterNames`).
    ///   - optimizer: the method both groups use; the exempt group gets a copy
    ///     with weight decay 0 (a method without weight decay is copied as is).
    ///   - exclusion: which parameters get no decay; biases and normalization
    ///     parameters by default.
    /// - Throws: `OptimizerError` if the copy refuses a weight decay of 0.
    public init(
        names: [String], vectorNames: Set<String> = [], optimizer: some Optimizer<Scalar>,
        excludingFromDecay exclusion: DecayExclusion = .biasesAndNormalization
    ) throws(OptimizerError) {
        var decayed: [Int] = [], exempt: [Int] = []
        for (index, name) in names.enumerated() {
            if exclusion.excludes(name, vectorNames.contains(name)) { exempt.append(index) } else { decayed.append(index) }
        }
        var noDecay = optimizer
        if noDecay.value(of: .weightDecay) != nil { try noDecay.setValue(0, for: .weightDecay) }
        var groups: [ParameterGroup<Scalar>] = []
        if !decayed.isEmpty { groups.append(ParameterGroup(indices: decayed, optimizer: optimizer)) }
        if !exempt.isEmpty { groups.append(ParameterGroup(indices: exempt, optimizer: noDecay, pinned: [.weightDecay])) }
        try self.init(groups: groups, parameterCount: names.count)
    }

    public var name: String { "ParameterGroups[" + groups.map(\.optimizer.name).joined(separator: ",") + "]" }

    public var stepCount: Int { groups.map(\.optimizer.stepCount).max() ?? 0 }

    public var hyperparameterNames: [Hyperparameter] {
        var seen: [Hyperparameter] = []
        for group in groups { for name in group.optimizer.hyperparameterNames where !seen.contains(name) { seen.append(name) } }
        return seen
    }

    public func value(of hyperparameter: Hyperparameter) -> Scalar? {
        for group in groups where !group.pinned.contains(hyperparameter) {
            if let value = group.optimizer.value(of: hyperparameter) { return value }
        }
        return groups.lazy.compactMap { $0.optimizer.value(of: hyperparameter) }.first
    }

    public mutating func setValue(_ value: Scalar, for hyperparameter: Hyperparameter) throws(OptimizerError) {
        var found = false
        for index in groups.indices where groups[index].optimizer.value(of: hyperparameter) != nil {
            found = true
            if groups[index].pinned.contains(hyperparameter) { continue }
            try groups[index].optimizer.setValue(value, for: hyperparameter)
        }
        if !found { throw unknown(hyperparameter) }
    }

    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try checkCount(parameters.count)
        for index in groups.indices {
            let members = groups[index].indices
            var subset = take(members, from: &parameters)
            defer { put(subset, members, into: &parameters) }
            try groups[index].optimizer.update(&subset, with: members.map { gradients[$0] })
        }
    }

    /// Each group asks for the gradient at its own point; the other groups'
    /// parameters stay where they are (for look-ahead methods in one group).
    public mutating func step(
        _ parameters: inout [Matrix<Scalar>], gradientAt gradient: ([Matrix<Scalar>]) throws -> [Matrix<Scalar>]
    ) throws {
        try checkCount(parameters.count)
        for index in groups.indices {
            let members = groups[index].indices
            var subset = take(members, from: &parameters)
            defer { put(subset, members, into: &parameters) }
            let others = parameters  // this group's slots hold empty placeholders
            try groups[index].optimizer.step(&subset) { point in
                var full = others
                for (position, member) in members.enumerated() { full[member] = point[position] }
                let all = try gradient(full)
                return members.map { all[$0] }
            }
        }
    }

    private func checkCount(_ count: Int) throws(OptimizerError) {
        guard count == parameterCount else {
            throw .parameterCountMismatch(parameters: parameterCount, gradients: count)
        }
    }

    // Moving the matrices out keeps their storage uniquely referenced, so the
    // group's in-place update does not copy.
    private func take(_ members: [Int], from parameters: inout [Matrix<Scalar>]) -> [Matrix<Scalar>] {
        members.map { member in
            let matrix = parameters[member]
            parameters[member] = Matrix(rows: 0, columns: 0)
            return matrix
        }
    }

    private func put(_ subset: [Matrix<Scalar>], _ members: [Int], into parameters: inout [Matrix<Scalar>]) {
        for (position, member) in members.enumerated() { parameters[member] = subset[position] }
    }

    // MARK: - State

    /// Each group's state under the prefix `group<i>.`.
    public func state() -> OptimizerState<Scalar> {
        var result = OptimizerState<Scalar>(optimizer: name, stepCount: stepCount)
        for (index, group) in groups.enumerated() {
            let prefix = "group\(index)."
            let part = group.optimizer.state()
            result.scalars[prefix + "stepCount"] = Scalar(part.stepCount)
            for (key, value) in part.hyperparameters { result.hyperparameters[prefix + key] = value }
            for (key, value) in part.scalars { result.scalars[prefix + key] = value }
            for (key, value) in part.buffers { result.buffers[prefix + key] = value }
        }
        return result
    }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        guard state.optimizer == name else {
            throw .incompatibleState(optimizer: name, reason: "it was saved by \(state.optimizer)")
        }
        for index in groups.indices {
            let prefix = "group\(index)."
            func strip<Value>(_ dictionary: [String: Value]) -> [String: Value] {
                var result: [String: Value] = [:]
                for (key, value) in dictionary where key.hasPrefix(prefix) { result[String(key.dropFirst(prefix.count))] = value }
                return result
            }
            var scalars = strip(state.scalars)
            let steps = scalars.removeValue(forKey: "stepCount").map { Int($0) } ?? 0
            let part = OptimizerState(
                optimizer: groups[index].optimizer.name, stepCount: steps, hyperparameters: strip(state.hyperparameters),
                scalars: scalars, buffers: strip(state.buffers))
            try groups[index].optimizer.restore(from: part)
        }
    }
}
