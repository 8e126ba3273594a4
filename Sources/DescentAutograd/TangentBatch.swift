// TangentBatch: k forward-mode tangents of one r×c value, stored as a single
// (k·r)×c matrix (block j is rows j·r ..< (j+1)·r), so that a product with a
// fixed right factor is one GEMM for all k directions at once.

/// k tangents of an r×c value, stacked vertically.
@usableFromInline
struct TangentBatch<Scalar: BLASScalar> {
    /// The number of directions k.
    @usableFromInline let count: Int
    /// The rows r of one tangent.
    @usableFromInline let rows: Int
    /// The columns c of one tangent.
    @usableFromInline var columns: Int { stacked.columns }
    /// The k tangents, stacked: (k·r)×c.
    @usableFromInline var stacked: Matrix<Scalar>

    @usableFromInline
    init(stacked: Matrix<Scalar>, count: Int) {
        precondition(
            count > 0 && stacked.rows % count == 0, "TangentBatch: \(stacked.rows) rows do not split into \(count) blocks")
        self.stacked = stacked
        self.count = count
        self.rows = stacked.rows / count
    }

    /// The tangent of direction `index`.
    @usableFromInline
    func block(_ index: Int) -> Matrix<Scalar> { stacked.rows(index * rows..<(index + 1) * rows) }

    /// The same tangents applied to a value of another shape with the same
    /// element count (row-major order is kept, so this is free).
    @usableFromInline
    func reshaped(rows newRows: Int, columns newColumns: Int) -> TangentBatch {
        TangentBatch(stacked: stacked.reshaped(rows: count * newRows, columns: newColumns), count: count)
    }

    // MARK: - Layouts

    /// The k tangents side by side: r×(k·c).
    @usableFromInline
    func sideBySide() -> Matrix<Scalar> {
        let r = rows
        let c = columns
        let k = count
        let result = [Scalar](unsafeUninitializedCapacity: stacked.count) { target, initialized in
            guard stacked.count > 0 else {
                initialized = 0
                return
            }
            stacked.elements.withUnsafeBufferPointer { source in
                for j in 0..<k {
                    for i in 0..<r {
                        (target.baseAddress! + i * k * c + j * c).initialize(
                            from: source.baseAddress! + (j * r + i) * c, count: c)
                    }
                }
            }
            initialized = stacked.count
        }
        return Matrix(rows: r, columns: k * c, elements: result)
    }

    /// Tangents given side by side, r×(k·c).
    @usableFromInline
    init(sideBySide matrix: Matrix<Scalar>, count k: Int) {
        let r = matrix.rows
        let c = matrix.columns / k
        let result = [Scalar](unsafeUninitializedCapacity: matrix.count) { target, initialized in
            guard matrix.count > 0 else {
                initialized = 0
                return
            }
            matrix.elements.withUnsafeBufferPointer { source in
                for j in 0..<k {
                    for i in 0..<r {
                        (target.baseAddress! + (j * r + i) * c).initialize(
                            from: source.baseAddress! + i * k * c + j * c, count: c)
                    }
                }
            }
            initialized = matrix.count
        }
        self.init(stacked: Matrix(rows: k * r, columns: c, elements: result), count: k)
    }

    // MARK: - Block-wise arithmetic

    /// Applies `transform` to each block and stacks the results.
    @usableFromInline
    func mapBlocks(_ transform: (Matrix<Scalar>) -> Matrix<Scalar>) -> TangentBatch {
        var elements: [Scalar] = []
        var resultRows = 0
        var resultColumns = 0
        for j in 0..<count {
            let block = transform(block(j))
            resultRows = block.rows
            resultColumns = block.columns
            if j == 0 { elements.reserveCapacity(count * block.count) }
            elements.append(contentsOf: block.elements)
        }
        return TangentBatch(stacked: Matrix(rows: count * resultRows, columns: resultColumns, elements: elements), count: count)
    }

    /// Each block multiplied element by element with `coefficient` (r×c).
    @usableFromInline
    func scaled(elementwiseBy coefficient: Matrix<Scalar>) -> TangentBatch {
        precondition(coefficient.rows == rows && coefficient.columns == columns, "TangentBatch: coefficient shape")
        let size = coefficient.count
        // One pass into a new buffer (not a copy of `stacked` scaled in place: that is two).
        let elements = [Scalar](unsafeUninitializedCapacity: stacked.count) { target, initialized in
            stacked.elements.withUnsafeBufferPointer { source in
                coefficient.elements.withUnsafeBufferPointer { f in
                    for j in 0..<count {
                        let base = j * size
                        for i in 0..<size { target[base + i] = source[base + i] * f[i] }
                    }
                }
            }
            initialized = stacked.count
        }
        return TangentBatch(stacked: Matrix(rows: stacked.rows, columns: stacked.columns, elements: elements), count: count)
    }

    /// Every tangent multiplied by `factor`.
    @usableFromInline
    func scaled(by factor: Scalar) -> TangentBatch {
        TangentBatch(stacked: stacked * factor, count: count)
    }

    @usableFromInline
    static func + (lhs: TangentBatch, rhs: TangentBatch) -> TangentBatch {
        TangentBatch(stacked: lhs.stacked + rhs.stacked, count: lhs.count)
    }

    @usableFromInline
    static func - (lhs: TangentBatch, rhs: TangentBatch) -> TangentBatch {
        TangentBatch(stacked: lhs.stacked - rhs.stacked, count: lhs.count)
    }

    @usableFromInline
    static prefix func - (operand: TangentBatch) -> TangentBatch {
        TangentBatch(stacked: -operand.stacked, count: operand.count)
    }
}

/// The sum of two optional tangent batches, `nil` standing for zero.
@usableFromInline
func sumOfTangents<Scalar>(_ a: TangentBatch<Scalar>?, _ b: TangentBatch<Scalar>?) -> TangentBatch<Scalar>? {
    switch (a, b) {
    case (nil, nil): nil
    case (let a?, nil): a
    case (nil, let b?): b
    case (let a?, let b?): a + b
    }
}
