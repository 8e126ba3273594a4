// Sums, means, maxima and the numerically stable log-sum-exp family.
//
// Axis convention (as `Matrix.sum(alongAxis:)`): axis 0 runs down the rows
// (one result per column), axis 1 along a row (one result per row).
// `alongAxis:` keeps the reduced dimension as 1 (1×c or r×1); `squeezingAxis:`
// drops it, and since a vector is a column in Descent the result is then c×1
// or r×1.

import RealModule

extension Tensor {
    // MARK: - Sums and means

    /// The sum of all elements, as a 1×1 tensor.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func sum() -> Tensor {
        let sourceRows = rows
        let sourceColumns = columns
        return Tensor.recording(
            Matrix(rows: 1, columns: 1, repeating: value.sum()), inputs: [self], name: "sum",
            pullback: { cotangent, _, _, _ in [cotangent.broadcast(toRows: sourceRows, columns: sourceColumns)] },
            pushforward: { _, tangents, _ in
                let t = tangents[0]!
                let flat = t.stacked.reshaped(rows: t.count, columns: sourceRows * sourceColumns)
                return TangentBatch(stacked: flat.sum(alongAxis: 1), count: t.count)
            })
    }

    /// The sum along `axis`, keeping it: 1×c for axis 0, r×1 for axis 1.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func sum(alongAxis axis: Int) -> Tensor {
        precondition(axis == 0 || axis == 1, "sum(alongAxis:): axis must be 0 or 1, got \(axis)")
        let sourceRows = rows
        let sourceColumns = columns
        return Tensor.recording(
            value.sum(alongAxis: axis), inputs: [self], name: "sum(alongAxis: \(axis))",
            pullback: { cotangent, _, _, _ in [cotangent.broadcast(toRows: sourceRows, columns: sourceColumns)] },
            pushforward: { _, tangents, _ in
                let t = tangents[0]!
                if axis == 1 { return TangentBatch(stacked: t.stacked.sum(alongAxis: 1), count: t.count) }
                return t.mapBlocks { $0.sum(alongAxis: 0) }
            })
    }

    /// The sum along `axis`, dropping it: a c×1 vector for axis 0, r×1 for axis 1.
    @inlinable
    public func sum(squeezingAxis axis: Int) -> Tensor {
        let kept = sum(alongAxis: axis)
        return axis == 0 ? kept.reshaped(rows: columns, columns: 1) : kept
    }

    /// The mean of all elements, as a 1×1 tensor.
    @inlinable
    public func mean() -> Tensor { sum() * (1 / Scalar(value.count)) }

    /// The mean along `axis`, keeping it.
    @inlinable
    public func mean(alongAxis axis: Int) -> Tensor {
        sum(alongAxis: axis) * (1 / Scalar(axis == 0 ? rows : columns))
    }

    /// The mean along `axis`, dropping it (a column vector).
    @inlinable
    public func mean(squeezingAxis axis: Int) -> Tensor {
        sum(squeezingAxis: axis) * (1 / Scalar(axis == 0 ? rows : columns))
    }

    // MARK: - Maxima

    /// The largest element along `axis`, keeping it (1×c or r×1).
    ///
    /// The derivative flows to the first maximal element of each row or
    /// column, as in PyTorch's `max(dim:)`; a NaN counts as the maximum, so NaN
    /// propagates.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func max(alongAxis axis: Int) -> Tensor {
        let selected = Tensor.where(value.firstMaximumMask(alongAxis: axis), self, Tensor(Matrix(rows: rows, columns: columns)))
        return selected.sum(alongAxis: axis)
    }

    /// The largest element along `axis`, dropping it (a column vector).
    @inlinable
    public func max(squeezingAxis axis: Int) -> Tensor {
        let kept = max(alongAxis: axis)
        return axis == 0 ? kept.reshaped(rows: columns, columns: 1) : kept
    }

    // MARK: - Log-sum-exp and softmax

    /// log Σ exp(x) along `axis`, keeping it, computed as m + log Σ exp(x − m)
    /// with m the (detached) maximum, so that it neither overflows nor
    /// underflows. Rows or columns whose maximum is ±∞ use m = 0.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func logSumExp(alongAxis axis: Int) -> Tensor {
        let shift = Tensor(value.finiteMaxima(alongAxis: axis))
        return (self - shift).exp().sum(alongAxis: axis).log() + shift
    }

    /// log Σ exp(x) along `axis`, dropping it (a column vector).
    @inlinable
    public func logSumExp(squeezingAxis axis: Int) -> Tensor {
        let kept = logSumExp(alongAxis: axis)
        return axis == 0 ? kept.reshaped(rows: columns, columns: 1) : kept
    }

    /// log softmax along `axis` (default 1: each row is one example's logits):
    /// x − logSumExp(x).
    @inlinable
    public func logSoftmax(alongAxis axis: Int = 1) -> Tensor { self - logSumExp(alongAxis: axis) }

    /// softmax along `axis` (default 1): exp(logSoftmax(x)), so it never overflows.
    @inlinable
    public func softmax(alongAxis axis: Int = 1) -> Tensor { logSoftmax(alongAxis: axis).exp() }
}

extension Matrix {
    /// A mask selecting, in each row (axis 1) or column (axis 0), the first
    /// maximal element — or the first NaN, if there is one.
    @usableFromInline
    func firstMaximumMask(alongAxis axis: Int) -> Mask {
        precondition(axis == 0 || axis == 1, "max(alongAxis:): axis must be 0 or 1, got \(axis)")
        var selected = [Bool](repeating: false, count: count)
        let source = elements
        let (lines, length) = axis == 1 ? (rows, columns) : (columns, rows)
        let (lineStride, elementStride) = axis == 1 ? (columns, 1) : (1, columns)
        for line in 0..<lines where length > 0 {
            var best = line * lineStride
            for position in 1..<Swift.max(length, 1) {
                let index = line * lineStride + position * elementStride
                if source[best].isNaN { break }
                if source[index].isNaN || source[index] > source[best] { best = index }
            }
            selected[best] = true
        }
        return Mask(rows: rows, columns: columns, elements: selected)
    }

    /// The maximum along `axis` (kept), with non-finite maxima replaced by 0:
    /// the shift that makes log-sum-exp safe.
    @usableFromInline
    func finiteMaxima(alongAxis axis: Int) -> Matrix {
        precondition(axis == 0 || axis == 1, "logSumExp(alongAxis:): axis must be 0 or 1, got \(axis)")
        let source = elements
        if axis == 1 {
            return Matrix(rows: rows, columns: 1) { i, _ in
                let m = source[i * columns..<(i + 1) * columns].max() ?? 0
                return m.isFinite ? m : 0
            }
        }
        return Matrix(rows: 1, columns: columns) { _, j in
            var m = -Scalar.infinity
            for i in 0..<rows { m = Swift.max(m, source[i * columns + j]) }
            return m.isFinite ? m : 0
        }
    }
}
