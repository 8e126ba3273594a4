// Element-wise arithmetic between tensors, with row and column broadcasting,
// and with scalars.
//
// Broadcasting follows NumPy for rank 2: two shapes are compatible when each
// dimension is equal or one of them is 1; a 1×c row is repeated down the rows
// (a bias), an r×1 column across the columns, a 1×1 everywhere. The broadcast
// is its own recorded operation whose pullback sums the cotangent back to the
// small shape, so `+`, `-`, `*`, `/` themselves only see equal shapes.

import RealModule

extension Tensor {
    // MARK: - Broadcasting

    /// This tensor repeated to `rows×columns`.
    /// - Precondition: each dimension of `self` is 1 or equals the target.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func broadcast(toRows targetRows: Int, columns targetColumns: Int) -> Tensor {
        if rows == targetRows && columns == targetColumns { return self }
        precondition(
            (rows == 1 || rows == targetRows) && (columns == 1 || columns == targetColumns),
            "Cannot broadcast \(shapeDescription) to \(targetRows)×\(targetColumns)")
        let sourceRows = rows
        let sourceColumns = columns
        return Tensor.recording(
            value.expanded(toRows: targetRows, columns: targetColumns), inputs: [self], name: "broadcast",
            pullback: { cotangent, _, _, _ in
                [cotangent.summed(toRows: sourceRows, columns: sourceColumns)]
            },
            pushforward: { _, tangents, _ in
                tangents[0]!.mapBlocks { $0.expanded(toRows: targetRows, columns: targetColumns) }
            })
    }

    /// The sum of this tensor's elements over the broadcast dimensions, giving
    /// `rows×columns` (the pullback of ``broadcast(toRows:columns:)``).
    func summed(toRows targetRows: Int, columns targetColumns: Int) -> Tensor {
        var result = self
        if targetRows == 1 && rows != 1 { result = result.sum(alongAxis: 0) }
        if targetColumns == 1 && columns != 1 { result = result.sum(alongAxis: 1) }
        precondition(result.rows == targetRows && result.columns == targetColumns, "summed(toRows:columns:) shape")
        return result
    }

    /// Both operands broadcast to their common shape.
    @usableFromInline
    static func broadcastPair(_ lhs: Tensor, _ rhs: Tensor, _ operation: String) -> (Tensor, Tensor) {
        if lhs.rows == rhs.rows && lhs.columns == rhs.columns { return (lhs, rhs) }
        func common(_ a: Int, _ b: Int) -> Int? { a == b ? a : (a == 1 ? b : (b == 1 ? a : nil)) }
        guard let r = common(lhs.rows, rhs.rows), let c = common(lhs.columns, rhs.columns) else {
            preconditionFailure("\(operation): shapes \(lhs.shapeDescription) and \(rhs.shapeDescription) do not broadcast")
        }
        return (lhs.broadcast(toRows: r, columns: c), rhs.broadcast(toRows: r, columns: c))
    }

    // MARK: - Tensor with tensor

    /// Element-wise sum, broadcasting rows and columns.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = broadcastPair(lhs, rhs, "+")
        return recording(
            a.value + b.value, inputs: [a, b], name: "add",
            pullback: { cotangent, _, _, needed in
                [needed[0] ? cotangent : nil, needed[1] ? cotangent : nil]
            },
            pushforward: { _, tangents, _ in sumOfTangents(tangents[0], tangents[1])! })
    }

    /// Element-wise difference, broadcasting rows and columns.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = broadcastPair(lhs, rhs, "-")
        return recording(
            a.value - b.value, inputs: [a, b], name: "subtract",
            pullback: { cotangent, _, _, needed in
                [needed[0] ? cotangent : nil, needed[1] ? -cotangent : nil]
            },
            pushforward: { _, tangents, _ in
                switch (tangents[0], tangents[1]) {
                case (let a?, let b?): a - b
                case (let a?, nil): a
                case (nil, let b?): -b
                case (nil, nil): preconditionFailure("pushforward called without tangents")
                }
            })
    }

    /// Element-wise (Hadamard) product, broadcasting rows and columns.
    /// For the matrix product use ``matmul(_:_:transposingA:transposingB:)``.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = broadcastPair(lhs, rhs, "*")
        return recording(
            a.value.hadamardProduct(b.value), inputs: [a, b], name: "multiply",
            pullback: { cotangent, inputs, _, needed in
                [needed[0] ? cotangent * inputs[1] : nil, needed[1] ? cotangent * inputs[0] : nil]
            },
            pushforward: { inputs, tangents, _ in
                sumOfTangents(
                    tangents[0]?.scaled(elementwiseBy: inputs[1]), tangents[1]?.scaled(elementwiseBy: inputs[0]))!
            })
    }

    /// Element-wise quotient, broadcasting rows and columns.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (a, b) = broadcastPair(lhs, rhs, "/")
        return recording(
            a.value.elementwiseQuotient(b.value), inputs: [a, b], name: "divide",
            pullback: { cotangent, inputs, output, needed in
                let scaled = cotangent / inputs[1]  // ∂(a/b)/∂a = 1/b
                return [needed[0] ? scaled : nil, needed[1] ? -(scaled * output) : nil]  // ∂(a/b)/∂b = −y/b
            },
            pushforward: { inputs, tangents, output in
                // ẏ = (ȧ − y⊙ḃ) / b
                let reciprocal = inputs[1].map { 1 / $0 }
                let numerator: TangentBatch<Scalar>
                switch (tangents[0], tangents[1]) {
                case (let a?, let b?): numerator = a - b.scaled(elementwiseBy: output)
                case (let a?, nil): numerator = a
                case (nil, let b?): numerator = -b.scaled(elementwiseBy: output)
                case (nil, nil): preconditionFailure("pushforward called without tangents")
                }
                return numerator.scaled(elementwiseBy: reciprocal)
            })
    }

    /// Negation.
    @inlinable
    public static prefix func - (operand: Tensor) -> Tensor { operand.affine(scale: -1, shift: 0) }

    // MARK: - Tensor with scalar

    /// `scale·x + shift` element by element: the one recorded operation behind
    /// every tensor–scalar `+ - * /`.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func affine(scale: Scalar, shift: Scalar) -> Tensor {
        Tensor.recording(
            value.map { scale * $0 + shift }, inputs: [self], name: "affine",
            pullback: { cotangent, _, _, _ in [cotangent.affine(scale: scale, shift: 0)] },
            pushforward: { _, tangents, _ in tangents[0]!.scaled(by: scale) })
    }

    @inlinable public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.affine(scale: 1, shift: rhs) }
    @inlinable public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.affine(scale: 1, shift: lhs) }
    @inlinable public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.affine(scale: 1, shift: -rhs) }
    @inlinable public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.affine(scale: -1, shift: lhs) }
    @inlinable public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.affine(scale: rhs, shift: 0) }
    @inlinable public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.affine(scale: lhs, shift: 0) }
    @inlinable public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.affine(scale: 1 / rhs, shift: 0) }
    @inlinable public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.reciprocal() * lhs }

    @inlinable public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
}

extension Matrix {
    /// This matrix repeated to `rows×columns` along its dimensions of size 1.
    @usableFromInline
    func expanded(toRows targetRows: Int, columns targetColumns: Int) -> Matrix {
        if rows == targetRows && columns == targetColumns { return self }
        let source = elements
        let sourceColumns = columns
        let rowStep = rows == 1 ? 0 : 1
        let columnStep = columns == 1 ? 0 : 1
        var result = [Scalar](repeating: 0, count: targetRows * targetColumns)
        result.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<targetRows {
                let sourceRow = i * rowStep * sourceColumns
                for j in 0..<targetColumns { buffer[i * targetColumns + j] = source[sourceRow + j * columnStep] }
            }
        }
        return Matrix(rows: targetRows, columns: targetColumns, elements: result)
    }
}
