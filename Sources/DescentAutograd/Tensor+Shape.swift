// Transposes, reshapes, slices, concatenation and selection with a mask.

/// A boolean matrix that chooses elements in ``Tensor/where(_:_:_:)``.
public struct Mask: Sendable, Equatable {
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let columns: Int
    /// The flags, row by row.
    public let elements: [Bool]

    /// A mask from its flags, row by row.
    /// - Precondition: `elements.count == rows * columns`.
    public init(rows: Int, columns: Int, elements: [Bool]) {
        precondition(
            elements.count == rows * columns, "Mask \(rows)×\(columns) needs \(rows * columns) flags, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A mask that is true where `predicate` holds for the element of `matrix`.
    @inlinable
    public init<Scalar>(_ matrix: Matrix<Scalar>, where predicate: (Scalar) -> Bool) {
        self.init(rows: matrix.rows, columns: matrix.columns, elements: matrix.elements.map(predicate))
    }

    /// The flags negated.
    public var inverted: Mask { Mask(rows: rows, columns: columns, elements: elements.map { !$0 }) }
}

extension Tensor {
    // MARK: - Transpose and reshape

    /// The transpose.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func transposed() -> Tensor {
        Tensor.recording(
            value.transposed(), inputs: [self], name: "transpose",
            pullback: { cotangent, _, _, _ in [cotangent.transposed()] },
            pushforward: { _, tangents, _ in tangents[0]!.mapBlocks { $0.transposed() } })
    }

    /// The same elements, in row-major order, in a `rows×columns` shape.
    /// - Precondition: the element count is unchanged.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Tensor {
        if newRows == rows && newColumns == columns { return self }
        let (oldRows, oldColumns) = (rows, columns)
        return Tensor.recording(
            value.reshaped(rows: newRows, columns: newColumns), inputs: [self], name: "reshape",
            pullback: { cotangent, _, _, _ in [cotangent.reshaped(rows: oldRows, columns: oldColumns)] },
            pushforward: { _, tangents, _ in tangents[0]!.reshaped(rows: newRows, columns: newColumns) })
    }

    // MARK: - Slices and padding

    /// The rows in `range`.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func rows(_ range: Range<Int>) -> Tensor {
        slice(rows: range, columns: 0..<columns)
    }

    /// The columns in `range`.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func columns(_ range: Range<Int>) -> Tensor {
        slice(rows: 0..<rows, columns: range)
    }

    /// The block of rows `rowRange` and columns `columnRange`.
    /// - Precondition: both ranges lie inside the tensor.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func slice(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> Tensor {
        precondition(
            rowRange.lowerBound >= 0 && rowRange.upperBound <= rows && columnRange.lowerBound >= 0
                && columnRange.upperBound <= columns,
            "slice rows \(rowRange), columns \(columnRange) of a \(shapeDescription) tensor")
        if rowRange == 0..<rows && columnRange == 0..<columns { return self }
        let (fullRows, fullColumns) = (rows, columns)
        return Tensor.recording(
            value.block(rows: rowRange, columns: columnRange), inputs: [self], name: "slice",
            pullback: { cotangent, _, _, _ in
                [cotangent.padded(toRows: fullRows, columns: fullColumns, at: (rowRange.lowerBound, columnRange.lowerBound))]
            },
            pushforward: { _, tangents, _ in tangents[0]!.mapBlocks { $0.block(rows: rowRange, columns: columnRange) } })
    }

    /// This tensor placed in a `rows×columns` tensor of zeros with its first
    /// element at `origin` (the pullback of a slice).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func padded(toRows fullRows: Int, columns fullColumns: Int, at origin: (row: Int, column: Int)) -> Tensor {
        precondition(
            origin.row >= 0 && origin.column >= 0 && origin.row + rows <= fullRows && origin.column + columns <= fullColumns,
            "padded: a \(shapeDescription) tensor at \(origin) does not fit in \(fullRows)×\(fullColumns)")
        let rowRange = origin.row..<origin.row + rows
        let columnRange = origin.column..<origin.column + columns
        return Tensor.recording(
            value.embedded(inRows: fullRows, columns: fullColumns, at: origin), inputs: [self], name: "pad",
            pullback: { cotangent, _, _, _ in [cotangent.slice(rows: rowRange, columns: columnRange)] },
            pushforward: { _, tangents, _ in
                tangents[0]!.mapBlocks { $0.embedded(inRows: fullRows, columns: fullColumns, at: origin) }
            })
    }

    // MARK: - Concatenation

    /// The tensors joined along `axis`: 0 stacks them vertically (equal column
    /// counts), 1 puts them side by side (equal row counts).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public static func concatenating(_ parts: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenating needs at least one tensor")
        precondition(axis == 0 || axis == 1, "concatenating: axis must be 0 or 1, got \(axis)")
        if parts.count == 1 { return parts[0] }
        let values = parts.map(\.value)
        let shapes = parts.map { ($0.rows, $0.columns) }
        return recording(
            Matrix.concatenating(values, alongAxis: axis), inputs: parts, name: "concatenate",
            pullback: { cotangent, _, _, needed in
                var offset = 0
                return shapes.indices.map { index in
                    let (r, c) = shapes[index]
                    defer { offset += axis == 0 ? r : c }
                    guard needed[index] else { return nil }
                    return axis == 0 ? cotangent.rows(offset..<offset + r) : cotangent.columns(offset..<offset + c)
                }
            },
            pushforward: { inputs, tangents, _ in
                let k = tangents.lazy.compactMap { $0?.count }.first!
                var blocks: [[Matrix<Scalar>]] = Array(repeating: [], count: k)
                for (input, tangent) in zip(inputs, tangents) {
                    for j in 0..<k {
                        blocks[j].append(tangent?.block(j) ?? Matrix(rows: input.rows, columns: input.columns))
                    }
                }
                let joined = blocks.map { Matrix.concatenating($0, alongAxis: axis) }
                return TangentBatch(stacked: Matrix.concatenating(joined, alongAxis: 0), count: k)
            })
    }

    // MARK: - Selection

    /// Element by element, `a` where `condition` is true and `b` elsewhere.
    ///
    /// The cotangent flows only to the chosen element; the other branch gets
    /// zero. As in PyTorch and JAX, a zero cotangent times an infinite local
    /// derivative is still NaN (`where(m, x.log(), y)` at x = 0): select the
    /// *input* of such a function too (`where(m, x, 1).log()`) to keep the
    /// gradient clean.
    /// - Precondition: `a`, `b` and `condition` have the same shape.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public static func `where`(_ condition: Mask, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(
            a.rows == condition.rows && a.columns == condition.columns && b.rows == condition.rows
                && b.columns == condition.columns,
            "where: mask \(condition.rows)×\(condition.columns), a \(a.shapeDescription), b \(b.shapeDescription)")
        let flags = condition.elements
        return recording(
            a.value.selecting(flags, otherwise: b.value), inputs: [a, b], name: "where",
            pullback: { cotangent, _, _, needed in
                let zero = Tensor(Matrix(rows: cotangent.rows, columns: cotangent.columns))
                return [
                    needed[0] ? Tensor.where(condition, cotangent, zero) : nil,
                    needed[1] ? Tensor.where(condition, zero, cotangent) : nil,
                ]
            },
            pushforward: { inputs, tangents, _ in
                let k = tangents.lazy.compactMap { $0?.count }.first!
                let zero = Matrix<Scalar>(rows: inputs[0].rows, columns: inputs[0].columns)
                var stacked: [Scalar] = []
                stacked.reserveCapacity(k * zero.count)
                for j in 0..<k {
                    let first = tangents[0]?.block(j) ?? zero
                    let second = tangents[1]?.block(j) ?? zero
                    stacked.append(contentsOf: first.selecting(flags, otherwise: second).elements)
                }
                return TangentBatch(stacked: Matrix(rows: k * zero.rows, columns: zero.columns, elements: stacked), count: k)
            })
    }
}

extension Matrix {
    /// The block of rows `rowRange` and columns `columnRange`, copied.
    @usableFromInline
    func block(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> Matrix {
        let source = elements
        var result: [Scalar] = []
        result.reserveCapacity(rowRange.count * columnRange.count)
        for i in rowRange {
            result.append(contentsOf: source[i * columns + columnRange.lowerBound..<i * columns + columnRange.upperBound])
        }
        return Matrix(rows: rowRange.count, columns: columnRange.count, elements: result)
    }

    /// This matrix inside a `rows×columns` matrix of zeros, its first element at `origin`.
    @usableFromInline
    func embedded(inRows fullRows: Int, columns fullColumns: Int, at origin: (row: Int, column: Int)) -> Matrix {
        var result = [Scalar](repeating: 0, count: fullRows * fullColumns)
        let source = elements
        for i in 0..<rows {
            let to = (origin.row + i) * fullColumns + origin.column
            for j in 0..<columns { result[to + j] = source[i * columns + j] }
        }
        return Matrix(rows: fullRows, columns: fullColumns, elements: result)
    }

    /// Matrices joined along `axis` (0: vertically, 1: side by side).
    @usableFromInline
    static func concatenating(_ parts: [Matrix], alongAxis axis: Int) -> Matrix {
        if axis == 0 {
            let width = parts[0].columns
            precondition(parts.allSatisfy { $0.columns == width }, "concatenating along axis 0: column counts differ")
            return Matrix(rows: parts.reduce(0) { $0 + $1.rows }, columns: width, elements: parts.flatMap(\.elements))
        }
        let height = parts[0].rows
        precondition(parts.allSatisfy { $0.rows == height }, "concatenating along axis 1: row counts differ")
        let width = parts.reduce(0) { $0 + $1.columns }
        var result: [Scalar] = []
        result.reserveCapacity(height * width)
        for i in 0..<height {
            for part in parts { result.append(contentsOf: part.elements[i * part.columns..<(i + 1) * part.columns]) }
        }
        return Matrix(rows: height, columns: width, elements: result)
    }

    /// Element by element, this matrix's element where `flags` is true, `other`'s elsewhere.
    @usableFromInline
    func selecting(_ flags: [Bool], otherwise other: Matrix) -> Matrix {
        let a = elements
        let b = other.elements
        return Matrix(rows: rows, columns: columns, elements: (0..<count).map { flags[$0] ? a[$0] : b[$0] })
    }
}
