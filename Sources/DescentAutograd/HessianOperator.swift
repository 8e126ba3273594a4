// Exact Hessian-vector products by forward-over-reverse differentiation.
//
// Design note. The gradient g(w) is computed once with its graph recorded
// (double-backward style: every pullback is itself a tape operation). A
// Hessian-vector product Hv is the directional derivative of g along v, so it
// is one forward-mode sweep of tangents through that graph, seeded with v at
// the variables: Pearlmutter's R-operator (1994). The sweep carries k tangents
// at once, stacked so that each matrix product of the graph becomes one GEMM
// for all k directions; a full P×P Hessian is then ⌈P/k⌉ sweeps over a graph
// built once. Tangents are freed as soon as their last consumer has run.
//
// Costs, for a loss whose gradient costs G: building the operator ≈ G (plus
// the recorded graph's memory); a sweep with k directions ≈ 2·k·G in
// arithmetic but with k-times larger GEMMs.

/// The Hessian of a scalar loss with respect to some variables, as an operator:
/// exact products H·v without ever forming H (unless asked to).
///
/// Parameters are flattened in the order given, each row by row, into one
/// vector of length ``parameterCount``.
///
/// ```swift
/// let w = Tensor(variable: Matrix<Double>(column: [1, 2]))
/// let loss = (w * w * w).sum()                     // Σ wᵢ³, H = diag(6wᵢ)
/// let hessian = HessianOperator(of: loss, withRespectTo: [w])
/// let hv = hessian.apply(to: Matrix(column: [1, 0]))  // (6, 0)
/// ```
public struct HessianOperator<Scalar: BLASScalar> {
    /// The number of scalar parameters P (the Hessian is P×P).
    public let parameterCount: Int
    /// The gradient at the point the loss was computed at, one matrix per variable.
    public var gradient: [Matrix<Scalar>] { gradientTensors.map(\.value) }

    private let variables: [Tensor<Scalar>]
    private let gradientTensors: [Tensor<Scalar>]
    private let order: [TapeNode<Scalar>]
    /// For each node of `order`, how many later nodes read it (to free tangents early).
    private let consumerCounts: [ObjectIdentifier: Int]
    private let offsets: [Int]

    /// Records the gradient of `loss` with its graph, ready for products.
    ///
    /// - Parameters:
    ///   - loss: a 1×1 tensor.
    ///   - variables: the variables (``Tensor/init(variable:)``) to differentiate by.
    /// - Precondition: every element of `variables` is a variable, all distinct.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public init(of loss: Tensor<Scalar>, withRespectTo variables: [Tensor<Scalar>]) {
        precondition(variables.allSatisfy(\.isVariable), "HessianOperator: every tensor to differentiate by must be a variable")
        precondition(
            Set(variables.map { ObjectIdentifier($0.node!) }).count == variables.count,
            "HessianOperator: a variable is listed twice")
        self.variables = variables
        self.gradientTensors = GradientRecording.$isEnabled.withValue(true) {
            DescentAutograd.gradient(of: loss, withRespectTo: variables, creatingGraph: true)
        }
        var offsets: [Int] = []
        var total = 0
        for variable in variables {
            offsets.append(total)
            total += variable.value.count
        }
        self.offsets = offsets
        self.parameterCount = total
        self.order = TapeNode.topologicalOrder(from: gradientTensors.compactMap(\.node))
        var counts: [ObjectIdentifier: Int] = [:]
        for node in order {
            for input in node.inputs {
                if let inputNode = input.node { counts[ObjectIdentifier(inputNode), default: 0] += 1 }
            }
        }
        self.consumerCounts = counts
    }

    /// H·V for a P×k matrix of directions (one per column): one forward sweep.
    /// - Precondition: `directions.rows == parameterCount` and k ≥ 1.
    /// - Complexity: about 2k gradient evaluations of arithmetic, in k-wide GEMMs.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func apply(to directions: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(
            directions.rows == parameterCount && directions.columns >= 1,
            "HessianOperator.apply: directions are \(directions.shapeDescription), need \(parameterCount)×k with k ≥ 1")
        let k = directions.columns
        let seeds = variables.indices.map { index in
            let variable = variables[index]
            // Rows offset ..< offset+size of the directions, transposed: block j is column j.
            let stacked = [Scalar](unsafeUninitializedCapacity: k * variable.value.count) { target, count in
                guard variable.value.count > 0 else {
                    count = 0
                    return
                }
                directions.elements.withUnsafeBufferPointer { source in
                    transposeBlock(
                        from: source.baseAddress! + offsets[index] * k, rows: variable.value.count, columns: k,
                        to: target.baseAddress!)
                }
                count = k * variable.value.count
            }
            return TangentBatch(
                stacked: Matrix(rows: k * variable.rows, columns: variable.columns, elements: stacked), count: k)
        }
        let products = sweep(seeds)
        let result = [Scalar](unsafeUninitializedCapacity: parameterCount * k) { target, count in
            for (index, product) in products.enumerated() where variables[index].value.count > 0 {
                let size = variables[index].value.count
                let start = target.baseAddress! + offsets[index] * k
                guard let product else {
                    start.initialize(repeating: 0, count: size * k)
                    continue
                }
                product.stacked.elements.withUnsafeBufferPointer { stacked in
                    transposeBlock(from: stacked.baseAddress!, rows: k, columns: size, to: start)
                }
            }
            count = parameterCount * k
        }
        return Matrix(rows: parameterCount, columns: k, elements: result)
    }

    /// H·v for one direction given per variable (each of that variable's shape).
    ///
    /// The direction matrices seed the sweep as they are and the products are
    /// the gradients' tangents as they come out: nothing of size P is copied.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func apply(along direction: [Matrix<Scalar>]) -> [Matrix<Scalar>] {
        precondition(
            direction.count == variables.count,
            "HessianOperator.apply: \(direction.count) directions for \(variables.count) variables")
        for (d, v) in zip(direction, variables) {
            precondition(
                d.rows == v.rows && d.columns == v.columns,
                "HessianOperator.apply: direction \(d.shapeDescription) for a \(v.shapeDescription) variable")
        }
        let products = sweep(direction.map { TangentBatch(stacked: $0, count: 1) })
        return zip(products, variables).map { product, variable in
            product?.stacked.reshaped(rows: variable.rows, columns: variable.columns)
                ?? Matrix(rows: variable.rows, columns: variable.columns)
        }
    }

    /// One forward sweep: pushes `seeds` (k tangents per variable, in order)
    /// through the recorded gradient graph and returns the tangents of the
    /// gradients, one per variable (`nil` where the product is zero).
    private func sweep(_ seeds: [TangentBatch<Scalar>]) -> [TangentBatch<Scalar>?] {
        var tangents: [ObjectIdentifier: TangentBatch<Scalar>] = [:]
        for (variable, seed) in zip(variables, seeds) { tangents[ObjectIdentifier(variable.node!)] = seed }
        var remaining = consumerCounts
        let keep = Set(gradientTensors.compactMap { $0.node.map(ObjectIdentifier.init) })
        for node in order {
            guard let pushforward = node.operation.pushforward else { continue }
            let inputTangents = node.inputs.map { input in input.node.flatMap { tangents[ObjectIdentifier($0)] } }
            if inputTangents.contains(where: { $0 != nil }) {
                tangents[ObjectIdentifier(node)] = pushforward(node.inputs.map { $0.value }, inputTangents, node.output)
            }
            for input in node.inputs {
                guard let inputNode = input.node else { continue }
                let key = ObjectIdentifier(inputNode)
                remaining[key, default: 1] -= 1
                if remaining[key] == 0 && !keep.contains(key) { tangents[key] = nil }
            }
        }
        return gradientTensors.map { gradientTensor in gradientTensor.node.flatMap { tangents[ObjectIdentifier($0)] } }
    }

    /// The full P×P Hessian, from ⌈P/k⌉ sweeps of k identity columns each.
    ///
    /// The result is exact up to rounding but not forced symmetric: its
    /// asymmetry measures the rounding (call `symmetrized()` for the eigensolver).
    /// - Parameter directionsPerSweep: k, the number of columns per sweep
    ///   (memory grows linearly with it; 16 was fastest for the digits MLP in
    ///   `autograd-bench`, where wider sweeps spill the cache).
    /// - Complexity: memory P² for the result plus k times the recorded graph.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func fullHessian(directionsPerSweep: Int = 16) -> Matrix<Scalar> {
        precondition(directionsPerSweep >= 1, "fullHessian: directionsPerSweep must be ≥ 1")
        let p = parameterCount
        var hessian = [Scalar](repeating: 0, count: p * p)
        var start = 0
        while start < p {
            let width = Swift.min(directionsPerSweep, p - start)
            let identityColumns = Matrix<Scalar>(rows: p, columns: width) { i, j in i == start + j ? 1 : 0 }
            let block = apply(to: identityColumns).elements
            for i in 0..<p {
                for j in 0..<width { hessian[i * p + start + j] = block[i * width + j] }
            }
            start += width
        }
        return Matrix(rows: p, columns: p, elements: hessian)
    }
}

// MARK: - Function forms

/// The exact Hessian-vector product H(w)·v of `function` at `point` along `direction`.
///
/// - Parameters:
///   - function: builds a 1×1 loss from variables holding the point.
///   - point: the values of the variables w.
///   - direction: v, one matrix per variable, each of that variable's shape.
/// - Returns: H·v, one matrix per variable.
/// - Complexity: about 3–4 gradient evaluations (forward, recorded backward, one sweep).
public func hessianVectorProduct<Scalar>(
    of function: ([Tensor<Scalar>]) throws -> Tensor<Scalar>, at point: [Matrix<Scalar>], along direction: [Matrix<Scalar>]
) rethrows -> [Matrix<Scalar>] {
    let variables = point.map { Tensor(variable: $0) }
    return HessianOperator(of: try function(variables), withRespectTo: variables).apply(along: direction)
}

/// H(w)·V for a P×k matrix of directions, all in one sweep (parameters
/// flattened in order, each row by row).
public func hessianVectorProducts<Scalar>(
    of function: ([Tensor<Scalar>]) throws -> Tensor<Scalar>, at point: [Matrix<Scalar>], along directions: Matrix<Scalar>
) rethrows -> Matrix<Scalar> {
    let variables = point.map { Tensor(variable: $0) }
    return HessianOperator(of: try function(variables), withRespectTo: variables).apply(to: directions)
}

/// The full Hessian of `function` at `point` (parameters flattened in order,
/// each row by row), from batched exact Hessian-vector products.
public func hessian<Scalar>(
    of function: ([Tensor<Scalar>]) throws -> Tensor<Scalar>, at point: [Matrix<Scalar>], directionsPerSweep: Int = 16
) rethrows -> Matrix<Scalar> {
    let variables = point.map { Tensor(variable: $0) }
    return HessianOperator(of: try function(variables), withRespectTo: variables).fullHessian(
        directionsPerSweep: directionsPerSweep)
}

/// Writes the transpose of the row-major `rows×columns` block at `source`
/// (consecutive rows) to `target` as `columns×rows`, in 32×32 tiles so that
/// reads and writes both stay in cache when one side is strided.
@inline(__always)
private func transposeBlock<Scalar: BLASScalar>(
    from source: UnsafePointer<Scalar>, rows: Int, columns: Int, to target: UnsafeMutablePointer<Scalar>
) {
    if rows == 1 || columns == 1 {
        target.initialize(from: source, count: rows * columns)
        return
    }
    let tile = 32
    for i0 in stride(from: 0, to: rows, by: tile) {
        for j0 in stride(from: 0, to: columns, by: tile) {
            for i in i0..<Swift.min(i0 + tile, rows) {
                for j in j0..<Swift.min(j0 + tile, columns) { target[j * rows + i] = source[i * columns + j] }
            }
        }
    }
}
