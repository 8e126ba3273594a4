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
        var result = self
        try result.storage.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = try transform(buffer[index]) }
        }
        return result
    }

    /// The element-wise combination `combine(self[i, j], other[i, j])`.
    /// - Precondition: both matrices have the same shape.
    @inlinable
    public func combined(with other: Matrix, _ combine: (Scalar, Scalar) throws -> Scalar) rethrows -> Matrix {
        precondition(rows == other.rows && columns == other.columns,
                     "Element-wise operation on \(shapeDescription) and \(other.shapeDescription) matrices")
        var result = self
        try result.storage.withUnsafeMutableBufferPointer { target in
            try other.elements.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] = try combine(target[index], source[index]) }
            }
        }
        return result
    }

    /// Applies `combine(self[i, j], other[i, j])` in place.
    @inlinable
    public mutating func formCombination(with other: Matrix, _ combine: (Scalar, Scalar) -> Scalar) {
        precondition(rows == other.rows && columns == other.columns,
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
    public func sum(alongAxis axis: Int) -> Matrix {
        precondition(axis == 0 || axis == 1, "A matrix has axes 0 (rows) and 1 (columns), not \(axis)")
        var result = [Scalar](repeating: 0, count: axis == 0 ? columns : rows)
        elements.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for i in 0..<rows {
                    for j in 0..<columns { target[axis == 0 ? j : i] += source[i * columns + j] }
                }
            }
        }
        return axis == 0 ? Matrix(row: result) : Matrix(column: result)
    }

    /// Means along one axis, keeping it (see ``sum(alongAxis:)``).
    public func mean(alongAxis axis: Int) -> Matrix {
        let total = sum(alongAxis: axis)
        return total / Scalar(axis == 0 ? rows : columns)
    }

    /// The largest element, or `nil` for an empty matrix. NaN elements are ignored.
    public func maxElement() -> Scalar? { elements.filter { !$0.isNaN }.max() }

    /// The smallest element, or `nil` for an empty matrix. NaN elements are ignored.
    public func minElement() -> Scalar? { elements.filter { !$0.isNaN }.min() }

    /// The largest absolute value of an element (∞-norm of the elements); 0 when empty.
    @inlinable
    public func maxAbsoluteElement() -> Scalar {
        elements.withUnsafeBufferPointer { buffer in
            var largest: Scalar = 0
            for value in buffer { largest = Swift.max(largest, abs(value)) }
            return largest
        }
    }

    /// The largest `|self[i, j] − other[i, j]|`.
    public func maxAbsoluteDifference(_ other: Matrix) -> Scalar {
        (self - other).maxAbsoluteElement()
    }

    /// Whether every element is finite (no NaN, no ±∞).
    @inlinable
    public var isFinite: Bool {
        elements.withUnsafeBufferPointer { buffer in buffer.allSatisfy { $0.isFinite } }
    }

    /// The first element that is NaN or ±∞, as (row, column, value), or `nil`.
    public func firstNonFiniteElement() -> (row: Int, column: Int, value: Scalar)? {
        guard let index = elements.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (index / columns, index % columns, elements[index])
    }
}
