// TapeNode: one recorded operation, with its two derivative rules.
//
// Every primitive operation gives two rules:
// - a *pullback* (reverse mode, vector–Jacobian product) written with Tensor
//   operations, so that when the incoming cotangent or the inputs are tracked
//   the pullback records itself and can be differentiated again;
// - a *pushforward* (forward mode, Jacobian–vector product) on a batch of k
//   tangents at once, written with Matrix kernels (GEMM where possible). It is
//   what Hessian-vector products push through the gradient's own graph
//   (forward-over-reverse), so it never needs to be differentiated itself.

/// The derivative rules of one recorded operation.
@usableFromInline
struct TapeOperation<Scalar: BLASScalar> {
    /// The cotangents of the inputs given the cotangent of the output.
    ///
    /// Arguments: the output's cotangent, the inputs, the output, and which
    /// inputs need a cotangent (the others may be `nil`).
    @usableFromInline
    typealias Pullback = (
        _ cotangent: Tensor<Scalar>, _ inputs: [Tensor<Scalar>], _ output: Tensor<Scalar>, _ needed: [Bool]
    ) -> [Tensor<Scalar>?]

    /// The output's tangents given the inputs' tangents (`nil` means zero).
    @usableFromInline
    typealias Pushforward = (
        _ inputs: [Matrix<Scalar>], _ tangents: [TangentBatch<Scalar>?], _ output: Matrix<Scalar>
    ) -> TangentBatch<Scalar>

    /// A short name for messages and descriptions ("matmul", "tanh", …).
    @usableFromInline let name: String
    @usableFromInline let pullback: Pullback?
    @usableFromInline let pushforward: Pushforward?

    @usableFromInline
    init(name: String, pullback: @escaping Pullback, pushforward: @escaping Pushforward) {
        self.name = name
        self.pullback = pullback
        self.pushforward = pushforward
    }

    private init(leafNamed name: String) {
        self.name = name
        self.pullback = nil
        self.pushforward = nil
    }

    /// The operation of a variable: nothing to differentiate through.
    static var leaf: TapeOperation { TapeOperation(leafNamed: "variable") }

    var isLeaf: Bool { pullback == nil }
}

/// A node of the tape: what an operation was applied to and how to differentiate it.
///
/// Nodes hold their inputs (not their consumers), so the graph lives exactly as
/// long as some tensor computed from it.
@usableFromInline
final class TapeNode<Scalar: BLASScalar> {
    @usableFromInline let inputs: [Tensor<Scalar>]
    @usableFromInline let operation: TapeOperation<Scalar>
    /// The value this node produced (shared, copy-on-write, with the tensor).
    @usableFromInline let output: Matrix<Scalar>

    @usableFromInline
    init(inputs: [Tensor<Scalar>], operation: TapeOperation<Scalar>, output: Matrix<Scalar>) {
        self.inputs = inputs
        self.operation = operation
        self.output = output
    }

    /// The tensor this node produced, still on the tape.
    var outputTensor: Tensor<Scalar> { Tensor(value: output, node: self) }
}

extension Tensor {
    /// Records `value` as the result of `operation` applied to `inputs` — if any
    /// input is tracked and recording is on; otherwise returns a constant.
    @inlinable
    static func recording(
        _ value: Matrix<Scalar>, inputs: [Tensor], name: String,
        pullback: @escaping TapeOperation<Scalar>.Pullback,
        pushforward: @escaping TapeOperation<Scalar>.Pushforward
    ) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradientRecording.isEnabled else { return Tensor(value) }
        let operation = TapeOperation(name: name, pullback: pullback, pushforward: pushforward)
        return Tensor(value: value, node: TapeNode(inputs: inputs, operation: operation, output: value))
    }

    /// Whether any of `tensors` is tracked: pullbacks use this to choose between
    /// the differentiable path (creating a graph) and plain Matrix kernels.
    @inlinable
    static func anyTracked(_ tensors: Tensor...) -> Bool {
        tensors.contains { $0.node != nil }
    }
}

// MARK: - Topological order

extension TapeNode {
    /// The nodes reachable from `roots` through their inputs, each after all of
    /// its inputs (post-order). Iterative, so deep graphs do not overflow the stack.
    static func topologicalOrder(from roots: [TapeNode]) -> [TapeNode] {
        var order: [TapeNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: TapeNode, nextInput: Int)] = []
        for root in roots where visited.insert(ObjectIdentifier(root)).inserted {
            stack.append((root, 0))
            while let (node, nextInput) = stack.last {
                if nextInput < node.inputs.count {
                    stack[stack.count - 1].nextInput += 1
                    if let input = node.inputs[nextInput].node, visited.insert(ObjectIdentifier(input)).inserted {
                        stack.append((input, 0))
                    }
                } else {
                    order.append(node)
                    stack.removeLast()
                }
            }
        }
        return order
    }
}
