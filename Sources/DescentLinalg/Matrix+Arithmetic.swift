// Element-wise arithmetic and reductions.
//
// Design note. These loops are generic and are called from other modules
// (autograd, optimizers), so they are `@inlinable`: the client specializes them
// for `Float` or `Double` and the loops vectorize. Without that, every element
// would go through a witness table (10–100× slower; `linalg-bench` measures it).

// MARK: - Element-wise maps

extension Matrix {
    /// A matrix of the same shape with `transform` applied to every element.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        let result = try elements.withUnsafeBufferPointer { source in
            try [Scalar](unsafeUninitializedCapacity: source.count) { target, initialized in
                for index in 0..<source.count { target[index] = try transform(source[index]) }
                initialized = source.count
            }
        }
        return Matrix(rows: rows, columns: columns, elements: result)
    }

    /// The element-wise combination `combine(self[i, j], other[i, j])`.
    /// - Precondition: both matrices have the same shape.
    @inlinable
    public func combined(with other: Matrix, _ combine: (Scalar, Scalar) throws -> Scalar) rethrows -> Matrix {
        precondition(
            rows == other.rows && columns == other.columns,
            "Element-wise operation on \(shapeDescription) and \(other.shapeDescription) matrices")
        let result = try elements.withUnsafeBufferPointer { left in
            try other.elements.withUnsafeBufferPointer { right in
                try [Scalar](unsafeUninitializedCapacity: left.count) { target, initialized in
                    for index in 0..<left.count { target[index] = try combine(left[index], right[index]) }
                    initialized = left.count
                }
            }
        }
        return Matrix(rows: rows, columns: columns, elements: result)
    }

    /// Applies `combine(self[i, j], other[i, j])` in place.
    @inlinable
    public mutating func formCombination(with other: Matrix, _ combine: (Scalar, Scalar) -> Scalar) {
        precondition(
            rows == other.rows && columns == other.columns,
            "Element-wise operation on \(shapeDescription) and \(other.shapeDescription) matrices")
        storage.withUnsafeMutableBufferPointer { target in
            other.elements.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] = combine(target[index], source[index]) }
            }
        }
    }

    /// The element-wise (Hadamard) product `A ⊙ B`.
    @inlinable
    public func hadamardProduct(_ other: Matrix) -> Matrix { combined(with: other, *) }

    /// The element-wise quotient `A ⊘ B`.
    @inlinable
    public func elementwiseQuotient(_ other: Matrix) -> Matrix { combined(with: other, /) }
}

// MARK: - Operators

extension Matrix {
    @inlinable public static func + (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.combined(with: rhs, +) }
    @inlinable public static func - (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.combined(with: rhs, -) }
    @inlinable public static func += (lhs: inout Matrix, rhs: Matrix) { lhs.formCombination(with: rhs, +) }
    @inlinable public static func -= (lhs: inout Matrix, rhs: Matrix) { lhs.formCombination(with: rhs, -) }
    @inlinable public static prefix func - (operand: Matrix) -> Matrix { operand.map { -$0 } }

    @inlinable public static func * (lhs: Scalar, rhs: Matrix) -> Matrix { rhs.map { lhs * $0 } }
    @inlinable public static func * (lhs: Matrix, rhs: Scalar) -> Matrix { lhs.map { $0 * rhs } }
    @inlinable public static func / (lhs: Matrix, rhs: Scalar) -> Matrix { lhs.map { $0 / rhs } }
    @inlinable public static func + (lhs: Matrix, rhs: Scalar) -> Matrix { lhs.map { $0 + rhs } }
    @inlinable public static func - (lhs: Matrix, rhs: Scalar) -> Matrix { lhs.map { $0 - rhs } }
    @inlinable public static func *= (lhs: inout Matrix, rhs: Scalar) {
        lhs.storage.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] *= rhs }
        }
    }
}

// MARK: - Reductions

extension Matrix {
    /// The sum of all elements (eight interleaved partial sums: faster, and
    /// more accurate than one running sum).
    /// - Returns: 0 for an empty matrix.
    @inlinable
    public func sum() -> Scalar {
        elements.withUnsafeBufferPointer { buffer in
            var partial: (Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0, 0, 0, 0, 0)
            let blocked = buffer.count - buffer.count % 8
            var index = 0
            while index < blocked {
                partial.0 += buffer[index]; partial.1 += buffer[index + 1]
                partial.2 += buffer[index + 2]; partial.3 += buffer[index + 3]
                partial.4 += buffer[index + 4]; partial.5 += buffer[index + 5]
                partial.6 += buffer[index + 6]; partial.7 += buffer[index + 7]
                index += 8
            }
            var total = ((partial.0 + partial.1) + (partial.2 + partial.3)) + ((partial.4 + partial.5) + (partial.6 + partial.7))
            while index < buffer.count { total += buffer[index]; index += 1 }
            return total
        }
    }

    /// The mean of all elements; NaN for an empty matrix.
    @inlinable
    public func mean() -> Scalar { sum() / Scalar(count) }

    /// Sums along one axis, keeping it: axis 0 sums each column (1×columns),
    /// axis 1 sums each row (rows×1).
    ///
    /// Computed as a matrix–vector product with a vector of ones (`gemv`):
    /// OpenBLAS's kernel streams the matrix once at full memory bandwidth,
    /// whatever the shape, where a hand loop's speed depends on the buffers' addresses.
    public func sum(alongAxis axis: Int) -> Matrix {
        precondition(axis == 0 || axis == 1, "A matrix has axes 0 (rows) and 1 (columns), not \(axis)")
        let ones = Matrix(rows: axis == 0 ? rows : columns, columns: 1, repeating: 1)
        let sums = gemv(self, ones, transposing: axis == 0)
        return axis == 0 ? sums.reshaped(rows: 1, columns: columns) : sums
    }

    /// Means along one axis, keeping it (see ``sum(alongAxis:)``).
    @inlinable
    public func mean(alongAxis axis: Int) -> Matrix {
        let total = sum(alongAxis: axis)
        return total / Scalar(axis == 0 ? rows : columns)
    }

    /// The largest element, or `nil` for an empty matrix. NaN elements are ignored.
    public func maxElement() -> Scalar? { elements.filter { !$0.isNaN }.max() }

    /// The smallest element, or `nil` for an empty matrix. NaN elements are ignored.
    public func minElement() -> Scalar? { elements.filter { !$0.isNaN }.min() }

    /// The largest absolute value of an element (∞-norm of the elements); 0 when
    /// empty, NaN when any element is NaN (so a comparison never hides a NaN).
    @inlinable
    public func maxAbsoluteElement() -> Scalar {
        let (allFinite, largest) = finiteAndLargestMagnitude()
        if !allFinite && elements.contains(where: { $0.isNaN }) { return .nan }
        return largest
    }

    /// Whether every element is finite, and max|aᵢⱼ| over the non-NaN elements,
    /// in one pass with eight independent lanes (one running maximum would wait
    /// on each comparison). `x·0` is 0 for finite x and NaN for NaN or ±∞, so the
    /// lanes' sums of `x·0` are 0 exactly when every element is finite.
    @inlinable
    func finiteAndLargestMagnitude() -> (allFinite: Bool, largest: Scalar) {
        elements.withUnsafeBufferPointer { buffer in
            var zero: (Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0, 0, 0, 0, 0)
            var top: (Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0, 0, 0, 0, 0)
            let blocked = buffer.count - buffer.count % 8
            var index = 0
            while index < blocked {
                let x0 = buffer[index], x1 = buffer[index + 1], x2 = buffer[index + 2], x3 = buffer[index + 3]
                let x4 = buffer[index + 4], x5 = buffer[index + 5], x6 = buffer[index + 6], x7 = buffer[index + 7]
                zero.0 += x0 * 0; zero.1 += x1 * 0; zero.2 += x2 * 0; zero.3 += x3 * 0
                zero.4 += x4 * 0; zero.5 += x5 * 0; zero.6 += x6 * 0; zero.7 += x7 * 0
                top.0 = Swift.max(top.0, abs(x0)); top.1 = Swift.max(top.1, abs(x1))
                top.2 = Swift.max(top.2, abs(x2)); top.3 = Swift.max(top.3, abs(x3))
                top.4 = Swift.max(top.4, abs(x4)); top.5 = Swift.max(top.5, abs(x5))
                top.6 = Swift.max(top.6, abs(x6)); top.7 = Swift.max(top.7, abs(x7))
                index += 8
            }
            var check = ((zero.0 + zero.1) + (zero.2 + zero.3)) + ((zero.4 + zero.5) + (zero.6 + zero.7))
            var largest = Swift.max(
                Swift.max(Swift.max(top.0, top.1), Swift.max(top.2, top.3)),
                Swift.max(Swift.max(top.4, top.5), Swift.max(top.6, top.7)))
            while index < buffer.count {
                check += buffer[index] * 0
                largest = Swift.max(largest, abs(buffer[index]))
                index += 1
            }
            return (check == 0, largest)
        }
    }

    /// The largest `|self[i, j] − other[i, j]|`; NaN when either matrix holds a NaN
    /// (or both hold the same infinity at one place).
    @inlinable
    public func maxAbsoluteDifference(_ other: Matrix) -> Scalar {
        (self - other).maxAbsoluteElement()
    }

    /// Whether every element is finite (no NaN, no ±∞).
    @inlinable
    public var isFinite: Bool { finiteAndLargestMagnitude().allFinite }

    /// The first element that is NaN or ±∞, as (row, column, value), or `nil`.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func firstNonFiniteElement() -> (row: Int, column: Int, value: Scalar)? {
        guard let index = elements.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (index / columns, index % columns, elements[index])
    }
}
