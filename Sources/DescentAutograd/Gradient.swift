// Reverse mode: the gradient of a scalar with respect to any tensors on its tape.
//
// The pass visits the nodes reachable from the loss in reverse topological
// order, and only those from which a requested tensor can be reached (so the
// cotangent of a data matrix is never computed). A tensor used several times
// receives the sum of its cotangents. With `creatingGraph: true` the pullbacks
// see the tape's own tensors and record what they do, so the gradient can be
// differentiated again; otherwise they see detached copies and run as plain
// Matrix code.

/// The gradient of a scalar `loss` with respect to each of `tensors`.
///
/// - Parameters:
///   - loss: a 1×1 tensor.
///   - tensors: variables or intermediate results on `loss`'s tape. A tensor
///     `loss` does not depend on (or a constant) gets a zero gradient.
///   - creatingGraph: record the backward pass, so the returned gradients are
///     themselves differentiable (double backward). Off by default: the
///     first-order pass is then about twice as fast and keeps no graph.
/// - Returns: one gradient per tensor, each of that tensor's shape.
/// - Complexity: about twice the cost of computing `loss`.
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
public func gradient<Scalar>(
    of loss: Tensor<Scalar>, withRespectTo tensors: [Tensor<Scalar>], creatingGraph: Bool = false
) -> [Tensor<Scalar>] {
    precondition(loss.rows == 1 && loss.columns == 1, "gradient(of:): the loss must be 1×1, got \(loss.shapeDescription)")
    func zeros(_ t: Tensor<Scalar>) -> Tensor<Scalar> { Tensor(Matrix(rows: t.rows, columns: t.columns)) }
    guard let root = loss.node else { return tensors.map(zeros) }

    let order = TapeNode.topologicalOrder(from: [root])
    let targets = Set(tensors.compactMap { $0.node.map(ObjectIdentifier.init) })
    // Which nodes lead to a requested tensor (only their cotangents are needed).
    var leadsToTarget = Set<ObjectIdentifier>()
    for node in order {
        let id = ObjectIdentifier(node)
        if targets.contains(id)
            || node.inputs.contains(where: { $0.node.map { leadsToTarget.contains(ObjectIdentifier($0)) } ?? false })
        {
            leadsToTarget.insert(id)
        }
    }

    var cotangents: [ObjectIdentifier: Tensor<Scalar>] = [
        ObjectIdentifier(root): Tensor(Matrix(rows: 1, columns: 1, repeating: 1))
    ]
    var results: [ObjectIdentifier: Tensor<Scalar>] = [:]
    for node in order.reversed() {
        let id = ObjectIdentifier(node)
        guard leadsToTarget.contains(id), let cotangent = cotangents.removeValue(forKey: id) else { continue }
        if targets.contains(id) { results[id] = cotangent }
        guard let pullback = node.operation.pullback else { continue }
        let needed = node.inputs.map { $0.node.map { leadsToTarget.contains(ObjectIdentifier($0)) } ?? false }
        let inputs = creatingGraph ? node.inputs : node.inputs.map { $0.detached() }
        let output = creatingGraph ? node.outputTensor : Tensor(node.output)
        let inputCotangents = pullback(cotangent, inputs, output, needed)
        for (index, input) in node.inputs.enumerated() where needed[index] {
            guard let inputNode = input.node, let contribution = inputCotangents[index] else { continue }
            precondition(
                contribution.rows == input.rows && contribution.columns == input.columns,
                "\(node.operation.name) pullback gave a \(contribution.shapeDescription) cotangent for a \(input.shapeDescription) input"
            )
            let key = ObjectIdentifier(inputNode)
            if let existing = cotangents[key] {
                cotangents[key] = existing + contribution
            } else {
                cotangents[key] = contribution
            }
        }
    }
    return tensors.map { tensor in
        tensor.node.flatMap { results[ObjectIdentifier($0)] } ?? zeros(tensor)
    }
}

/// The value of `function` at `point` and its gradient there.
///
/// ```swift
/// let (value, grad) = valueWithGradient(at: [w]) { p in (p[0] * p[0]).sum() }
/// ```
/// - Parameters:
///   - point: the values of the variables.
///   - function: builds a 1×1 loss from variables holding `point`.
/// - Returns: the loss and one gradient matrix per variable.
public func valueWithGradient<Scalar>(
    at point: [Matrix<Scalar>], of function: ([Tensor<Scalar>]) throws -> Tensor<Scalar>
) rethrows -> (value: Scalar, gradient: [Matrix<Scalar>]) {
    let variables = point.map { Tensor(variable: $0) }
    let loss = try function(variables)
    return (loss.scalarValue, gradient(of: loss, withRespectTo: variables).map { $0.value })
}
