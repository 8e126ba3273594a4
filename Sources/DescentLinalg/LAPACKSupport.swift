// Checks shared by every LAPACK wrapper: input validation before the call and
// the one place where LAPACK's `info` becomes a precondition or a thrown error.

internal import COpenBLAS

/// LAPACKE's matrix-layout constants.
let lapackRowMajor: Int32 = 101
let lapackColumnMajor: Int32 = 102

/// The ASCII code of a LAPACK option letter (`"V"`, `"N"`, …).
func lapackOption(_ letter: Unicode.Scalar) -> CChar { CChar(truncatingIfNeeded: letter.value) }

/// Turns a LAPACKE return code into Swift's error model.
///
/// - `info == 0`: success.
/// - `info < 0`: argument `−info` was illegal. Descent built that call, so this
///   is our bug: a precondition failure naming the argument. LAPACKE's own
///   allocation failures (−1010, −1011) are thrown as ``LinalgError/outOfMemory(routine:)``.
/// - `info > 0`: a failure of the data (no convergence, not positive definite),
///   thrown as the error `failure(info)` returns.
func checkLAPACK(
    _ info: Int32, routine: String, arguments: [String],
    failure: (Int) -> LinalgError
) throws(LinalgError) {
    if info == 0 { return }
    if info == -1010 || info == -1011 { throw .outOfMemory(routine: routine) }
    if info < 0 {
        let index = Int(-info) - 1
        let name = arguments.indices.contains(index) ? arguments[index] : "?"
        preconditionFailure("\(routine): argument \(-info) (\(name)) had an illegal value; this is a bug in Descent")
    }
    throw failure(Int(info))
}

extension Matrix {
    /// Throws unless the matrix is square.
    func requireSquare(_ routine: String) throws(LinalgError) {
        guard isSquare else { throw .notSquare(routine: routine, rows: rows, columns: columns) }
    }

    /// Throws if any element is NaN or ±∞, naming the first one.
    func requireFinite(_ routine: String) throws(LinalgError) {
        if let bad = firstNonFiniteElement() {
            throw .nonFinite(routine: routine, row: bad.row, column: bad.column, value: Double(bad.value))
        }
    }

    /// The default symmetry tolerance: √ε relative to the largest element
    /// (1.5e-8 for `Double`, 3.5e-4 for `Float`). Round-off in a matrix that is
    /// symmetric in exact arithmetic (a Hessian from autograd, `XᵀX`) stays far
    /// below it; a genuinely non-symmetric matrix exceeds it.
    static var defaultSymmetryTolerance: Scalar { Scalar.ulpOfOne.squareRoot() }

    /// The largest asymmetry `|aᵢⱼ − aⱼᵢ|` and where it is.
    func worstAsymmetry() -> (row: Int, column: Int, difference: Scalar) {
        var worst = (row: 0, column: 0, difference: Scalar(0))
        elements.withUnsafeBufferPointer { a in
            for i in 0..<rows {
                for j in (i + 1)..<Swift.max(i + 1, columns) {
                    let difference = abs(a[i * columns + j] - a[j * columns + i])
                    if difference > worst.difference { worst = (i, j, difference) }
                }
            }
        }
        return worst
    }

    /// Throws unless the matrix is square, finite and symmetric within
    /// `tolerance · max|aᵢⱼ|`.
    func requireSymmetric(_ routine: String, tolerance: Scalar?) throws(LinalgError) {
        try requireSquare(routine)
        let (allFinite, largest) = finiteAndLargestMagnitude()
        if !allFinite { try requireFinite(routine) }
        let relative = tolerance ?? Self.defaultSymmetryTolerance
        if largestAsymmetry() > relative * largest {
            let worst = worstAsymmetry()
            throw .notSymmetric(
                routine: routine, row: worst.row, column: worst.column,
                difference: Double(worst.difference), tolerance: Double(relative))
        }
    }

    /// max|aᵢⱼ − aⱼᵢ| of a square matrix, tile by tile (no position: see ``worstAsymmetry()``).
    func largestAsymmetry() -> Scalar {
        let n = rows
        return elements.withUnsafeBufferPointer { a in
            var largest: (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
            forEachUpperTriangleTileRow(order: n) { i, columns in
                var j = columns.lowerBound
                while j + 4 <= columns.upperBound {
                    largest.0 = Swift.max(largest.0, abs(a[i * n + j] - a[j * n + i]))
                    largest.1 = Swift.max(largest.1, abs(a[i * n + j + 1] - a[(j + 1) * n + i]))
                    largest.2 = Swift.max(largest.2, abs(a[i * n + j + 2] - a[(j + 2) * n + i]))
                    largest.3 = Swift.max(largest.3, abs(a[i * n + j + 3] - a[(j + 3) * n + i]))
                    j += 4
                }
                while j < columns.upperBound {
                    largest.0 = Swift.max(largest.0, abs(a[i * n + j] - a[j * n + i]))
                    j += 1
                }
            }
            return Swift.max(Swift.max(largest.0, largest.1), Swift.max(largest.2, largest.3))
        }
    }
}

/// The name of a LAPACK routine in the scalar's precision (`"dsyevd"`).
func routineName<Scalar: BLASScalar>(_ base: String, _: Scalar.Type) -> String {
    Scalar.routines.prefix + base
}

/// A LAPACK dimension as the C integer type, trapping on overflow.
func lapackInt(_ value: Int) -> Int32 { blasInt(value, "LAPACK dimension") }

/// Visits the strict upper triangle of an n×n matrix in 32×32 tiles, one row
/// segment at a time: `body(i, j₀..<j₁)` covers elements (i, j) with j > i.
/// Pairing (i, j) with (j, i) tile by tile keeps both the row and the column
/// reads in cache (the symmetry check, the in-place transpose).
@inline(__always)
func forEachUpperTriangleTileRow(order n: Int, _ body: (_ row: Int, _ columns: Range<Int>) -> Void) {
    let block = 32
    for i0 in stride(from: 0, to: n, by: block) {
        for j0 in stride(from: i0, to: n, by: block) {
            let jEnd = Swift.min(j0 + block, n)
            for i in i0..<Swift.min(i0 + block, n) where Swift.max(j0, i + 1) < jEnd {
                body(i, Swift.max(j0, i + 1)..<jEnd)
            }
        }
    }
}
