// Matrix: the dense, row-major, copy-on-write matrix every layer of Descent
// stands on.
//
// Design note. Storage is a Swift `Array`, which already gives value semantics
// with copy-on-write and a contiguous buffer to hand to BLAS. Vectors have one
// spelling: a matrix with one column (n×1). Lists of numbers that are results
// rather than operands (eigenvalues, singular values) are `[Scalar]`.

/// A dense matrix of `Float` or `Double` stored row by row.
///
/// `Matrix` is a value: assigning it copies lazily (copy-on-write), so a
/// matrix handed to a solver is never changed behind the caller's back.
/// The element in row `i`, column `j` is `elements[i * columns + j]`.
///
/// ```swift
/// let a = Matrix<Double>([[2, 1], [1, 3]])
/// let x = Matrix<Double>(column: [1, 1])
/// let y = a * x                       // 2×1: [3, 4]
/// ```
public struct Matrix<Scalar: BLASScalar>: Sendable {
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let columns: Int
    /// The elements, row by row (`rows * columns` of them).
    @inlinable public var elements: [Scalar] { storage }
    /// The storage behind ``elements``; its count is always `rows * columns`.
    @usableFromInline var storage: [Scalar]

    // MARK: - Creating matrices

    /// A matrix with the given shape and elements listed row by row.
    /// - Precondition: `elements.count == rows * columns`, both dimensions ≥ 0.
    @inlinable
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape \(rows)×\(columns) has a negative dimension")
        precondition(
            elements.count == rows * columns,
            "Matrix \(rows)×\(columns) needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix with every element equal to `value` (zeros by default).
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        self.init(
            rows: rows, columns: columns, elements: Array(repeating: value, count: Swift.max(0, rows) * Swift.max(0, columns)))
    }

    /// A matrix from nested rows: `Matrix([[1, 2], [3, 4]])`.
    /// - Precondition: every row has the same length.
    public init(_ nestedRows: [[Scalar]]) {
        let width = nestedRows.first?.count ?? 0
        for (index, row) in nestedRows.enumerated() {
            precondition(row.count == width, "Row \(index) has \(row.count) elements, row 0 has \(width)")
        }
        self.init(rows: nestedRows.count, columns: width, elements: nestedRows.flatMap { $0 })
    }

    /// A column vector (n×1): Descent's one spelling of a vector.
    @inlinable
    public init(column values: [Scalar]) {
        self.init(rows: values.count, columns: 1, elements: values)
    }

    /// A row vector (1×n).
    @inlinable
    public init(row values: [Scalar]) {
        self.init(rows: 1, columns: values.count, elements: values)
    }

    /// A square matrix with `values` on its diagonal and zeros elsewhere.
    public init(diagonal values: [Scalar]) {
        let n = values.count
        var elements = [Scalar](repeating: 0, count: n * n)
        for i in 0..<n { elements[i * n + i] = values[i] }
        self.init(rows: n, columns: n, elements: elements)
    }

    /// A matrix whose element (i, j) is `value(i, j)`.
    @inlinable
    public init(rows: Int, columns: Int, _ value: (_ row: Int, _ column: Int) throws -> Scalar) rethrows {
        var elements = [Scalar]()
        elements.reserveCapacity(rows * columns)
        for i in 0..<rows {
            for j in 0..<columns { elements.append(try value(i, j)) }
        }
        self.init(rows: rows, columns: columns, elements: elements)
    }

    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        Matrix(diagonal: Array(repeating: 1, count: n))
    }

    // MARK: - Shape

    /// The number of elements, `rows * columns`.
    @inlinable public var count: Int { elements.count }
    /// `(rows, columns)`.
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }
    /// Whether `rows == columns`.
    @inlinable public var isSquare: Bool { rows == columns }
    /// Whether the matrix has one column (Descent's vector).
    @inlinable public var isColumnVector: Bool { columns == 1 }
    /// The shape written as `rows×columns`, for messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }

    // MARK: - Elements

    /// The element in row `row`, column `column`.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Index (\(row), \(column)) is outside a \(rows)×\(columns) matrix")
            return elements[row * columns + column]
        }
        set {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Index (\(row), \(column)) is outside a \(rows)×\(columns) matrix")
            storage[row * columns + column] = newValue
        }
    }

    /// Row `index` as a 1×columns matrix.
    public func row(_ index: Int) -> Matrix {
        precondition(index >= 0 && index < rows, "Row \(index) is outside a \(shapeDescription) matrix")
        return Matrix(row: Array(elements[index * columns..<(index + 1) * columns]))
    }

    /// Column `index` as a rows×1 matrix.
    public func column(_ index: Int) -> Matrix {
        precondition(index >= 0 && index < columns, "Column \(index) is outside a \(shapeDescription) matrix")
        return Matrix(column: (0..<rows).map { elements[$0 * columns + index] })
    }

    /// The rows in `range`, as a matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= rows,
            "Rows \(range) are outside a \(shapeDescription) matrix")
        return Matrix(
            rows: range.count, columns: columns,
            elements: Array(elements[range.lowerBound * columns..<range.upperBound * columns]))
    }

    /// The columns in `range`, as a matrix.
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= columns,
            "Columns \(range) are outside a \(shapeDescription) matrix")
        return Matrix(rows: rows, columns: range.count) { i, j in elements[i * columns + range.lowerBound + j] }
    }

    /// The main diagonal, `min(rows, columns)` values.
    public var diagonal: [Scalar] {
        (0..<min(rows, columns)).map { elements[$0 * columns + $0] }
    }

    /// The sum of the diagonal.
    public var trace: Scalar { diagonal.reduce(0, +) }

    /// The transpose, a columns×rows matrix.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func transposed() -> Matrix {
        if rows <= 1 || columns <= 1 { return Matrix(rows: columns, columns: rows, elements: elements) }
        var result = [Scalar](repeating: 0, count: count)
        // Blocked so both reads and writes stay in cache for large matrices.
        let block = 32
        elements.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for i0 in stride(from: 0, to: rows, by: block) {
                    for j0 in stride(from: 0, to: columns, by: block) {
                        for i in i0..<min(i0 + block, rows) {
                            for j in j0..<min(j0 + block, columns) {
                                target[j * rows + i] = source[i * columns + j]
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: columns, columns: rows, elements: result)
    }

    /// The same elements read as a matrix of another shape (row-major order is kept).
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Matrix {
        precondition(
            newRows * newColumns == count,
            "Cannot reshape \(shapeDescription) (\(count) elements) to \(newRows)×\(newColumns)")
        return Matrix(rows: newRows, columns: newColumns, elements: elements)
    }

    /// The symmetric part `(A + Aᵀ)/2` of a square matrix.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func symmetrized() -> Matrix {
        precondition(isSquare, "symmetrized() needs a square matrix, got \(shapeDescription)")
        var result = self
        for i in 0..<rows {
            for j in (i + 1)..<max(i + 1, columns) {
                let mean = (elements[i * columns + j] + elements[j * columns + i]) / 2
                result.storage[i * columns + j] = mean
                result.storage[j * columns + i] = mean
            }
        }
        return result
    }

    /// The same matrix in another precision.
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, columns: columns, elements: elements.map { Other($0) })
    }
}

// MARK: - Equatable and printing

extension Matrix: Equatable {
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rows == rhs.rows && lhs.columns == rhs.columns && lhs.elements == rhs.elements
    }
}

extension Matrix: CustomStringConvertible {
    /// The shape, then up to 8 rows of up to 8 elements each.
    public var description: String {
        var lines = ["Matrix<\(Scalar.self)> \(shapeDescription)"]
        for i in 0..<min(rows, 8) {
            var cells = (0..<min(columns, 8)).map { "\(self[i, $0])" }
            if columns > 8 { cells.append("…") }
            lines.append("  [" + cells.joined(separator: ", ") + "]")
        }
        if rows > 8 { lines.append("  …") }
        return lines.joined(separator: "\n")
    }
}
