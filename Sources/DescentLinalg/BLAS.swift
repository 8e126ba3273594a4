// BLAS: matrix products and vector operations through OpenBLAS.
//
// Design note. Each function checks shapes (a programmer error: a precondition
// naming both shapes), then makes exactly one CBLAS call on the matrices'
// buffers. The `into:` forms allocate nothing, for hot loops; the returning
// forms are for everything else. Matrices are row-major, so every call passes
// `CblasRowMajor` and leading dimension `max(1, columns)`.

internal import COpenBLAS

// MARK: - Helpers

@usableFromInline
func blasInt(_ value: Int, _ what: @autoclosure () -> String) -> Int32 {
    precondition(value <= Int(Int32.max), "\(what()) = \(value) exceeds the 32-bit BLAS integer range")
    return Int32(value)
}

extension Matrix {
    var leadingDimension: Int32 { blasInt(Swift.max(1, columns), "leading dimension") }
}

func cblasTranspose(_ transposing: Bool) -> CBLAS_TRANSPOSE { transposing ? CblasTrans : CblasNoTrans }

// MARK: - Level 3

/// General matrix product into existing storage: `C ← α·op(A)·op(B) + β·C`.
///
/// `op(X)` is `Xᵀ` when the matching `transposing` flag is set. No memory is
/// allocated when `c` is uniquely referenced, so this is the form for hot loops.
/// - Parameters:
///   - a: m×k matrix (k×m when `transposingA`).
///   - b: k×n matrix (n×k when `transposingB`).
///   - transposingA: use Aᵀ in place of A.
///   - transposingB: use Bᵀ in place of B.
///   - alpha: scale of the product, default 1.
///   - beta: scale of the old `c`, default 0 (then `c`'s old values are ignored, even NaN).
///   - c: the m×n output.
/// - Complexity: 2·m·n·k floating-point operations.
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
public func gemm<Scalar: BLASScalar>(
    _ a: Matrix<Scalar>, _ b: Matrix<Scalar>,
    transposingA: Bool = false, transposingB: Bool = false,
    alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix<Scalar>
) {
    let (m, k) = transposingA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (kb, n) = transposingB ? (b.columns, b.rows) : (b.rows, b.columns)
    precondition(k == kb, "gemm: op(A) is \(m)×\(k) and op(B) is \(kb)×\(n); inner dimensions differ")
    precondition(c.rows == m && c.columns == n, "gemm: output is \(c.shapeDescription), op(A)·op(B) is \(m)×\(n)")
    if m == 0 || n == 0 { return }
    if k == 0 {  // BLAS needs k ≥ 1 to touch C; the product is then zero.
        if beta == 0 { c = Matrix(rows: m, columns: n) } else { c *= beta }
        return
    }
    a.elements.withUnsafeBufferPointer { pa in
        b.elements.withUnsafeBufferPointer { pb in
            c.storage.withUnsafeMutableBufferPointer { pc in
                Scalar.routines.gemm(
                    CblasRowMajor, cblasTranspose(transposingA), cblasTranspose(transposingB),
                    blasInt(m, "m"), blasInt(n, "n"), blasInt(k, "k"),
                    alpha, pa.baseAddress, a.leadingDimension, pb.baseAddress, b.leadingDimension,
                    beta, pc.baseAddress, blasInt(n, "ldc"))
            }
        }
    }
}

/// General matrix product `α·op(A)·op(B)` in a new matrix.
public func gemm<Scalar: BLASScalar>(
    _ a: Matrix<Scalar>, _ b: Matrix<Scalar>,
    transposingA: Bool = false, transposingB: Bool = false, alpha: Scalar = 1
) -> Matrix<Scalar> {
    var c = Matrix<Scalar>(rows: transposingA ? a.columns : a.rows, columns: transposingB ? b.rows : b.columns)
    gemm(a, b, transposingA: transposingA, transposingB: transposingB, alpha: alpha, beta: 0, into: &c)
    return c
}

extension Matrix {
    /// The matrix product `A·B` (GEMM).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { gemm(lhs, rhs) }
}

/// Symmetric rank-k update `C ← α·A·Aᵀ + β·C` (or `α·Aᵀ·A + β·C` when `transposing`).
///
/// BLAS computes one triangle; this function mirrors it, so `c` is a full
/// symmetric matrix afterwards. Half the work of the equivalent `gemm`.
/// - Parameters:
///   - a: n×k (k×n when `transposing`).
///   - transposing: compute `Aᵀ·A` instead of `A·Aᵀ`.
///   - alpha: scale of the product, default 1.
///   - beta: scale of the old `c`, default 0.
///   - c: n×n; with `beta ≠ 0` it must be symmetric on entry.
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
public func syrk<Scalar: BLASScalar>(
    _ a: Matrix<Scalar>, transposing: Bool = false,
    alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix<Scalar>
) {
    let (n, k) = transposing ? (a.columns, a.rows) : (a.rows, a.columns)
    precondition(c.rows == n && c.columns == n, "syrk: output is \(c.shapeDescription), the product is \(n)×\(n)")
    if n == 0 { return }
    if k == 0 {
        if beta == 0 { c = Matrix(rows: n, columns: n) } else { c *= beta }
        return
    }
    a.elements.withUnsafeBufferPointer { pa in
        c.storage.withUnsafeMutableBufferPointer { pc in
            Scalar.routines.syrk(
                CblasRowMajor, CblasUpper, cblasTranspose(transposing),
                blasInt(n, "n"), blasInt(k, "k"), alpha, pa.baseAddress, a.leadingDimension,
                beta, pc.baseAddress, blasInt(n, "ldc"))
            for i in 0..<n {
                for j in 0..<i { pc[i * n + j] = pc[j * n + i] }
            }
        }
    }
}

/// The Gram matrix `α·A·Aᵀ` (or `α·Aᵀ·A` when `transposing`) in a new, exactly symmetric matrix.
public func syrk<Scalar: BLASScalar>(_ a: Matrix<Scalar>, transposing: Bool = false, alpha: Scalar = 1) -> Matrix<Scalar> {
    let n = transposing ? a.columns : a.rows
    var c = Matrix<Scalar>(rows: n, columns: n)
    syrk(a, transposing: transposing, alpha: alpha, beta: 0, into: &c)
    return c
}

// MARK: - Level 2

/// Matrix–vector product `y ← α·op(A)·x + β·y`; `x` and `y` are column vectors.
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
public func gemv<Scalar: BLASScalar>(
    _ a: Matrix<Scalar>, _ x: Matrix<Scalar>, transposing: Bool = false,
    alpha: Scalar = 1, beta: Scalar = 0, into y: inout Matrix<Scalar>
) {
    let (m, n) = transposing ? (a.columns, a.rows) : (a.rows, a.columns)
    precondition(x.columns == 1 && x.rows == n, "gemv: op(A) is \(m)×\(n), x is \(x.shapeDescription) (needs \(n)×1)")
    precondition(y.columns == 1 && y.rows == m, "gemv: op(A) is \(m)×\(n), y is \(y.shapeDescription) (needs \(m)×1)")
    if m == 0 { return }
    if n == 0 {
        if beta == 0 { y = Matrix(rows: m, columns: 1) } else { y *= beta }
        return
    }
    a.elements.withUnsafeBufferPointer { pa in
        x.elements.withUnsafeBufferPointer { px in
            y.storage.withUnsafeMutableBufferPointer { py in
                Scalar.routines.gemv(
                    CblasRowMajor, cblasTranspose(transposing),
                    blasInt(a.rows, "rows"), blasInt(a.columns, "columns"),
                    alpha, pa.baseAddress, a.leadingDimension, px.baseAddress, 1,
                    beta, py.baseAddress, 1)
            }
        }
    }
}

/// Matrix–vector product `α·op(A)·x` in a new column vector.
public func gemv<Scalar: BLASScalar>(
    _ a: Matrix<Scalar>, _ x: Matrix<Scalar>, transposing: Bool = false, alpha: Scalar = 1
) -> Matrix<Scalar> {
    var y = Matrix<Scalar>(rows: transposing ? a.columns : a.rows, columns: 1)
    gemv(a, x, transposing: transposing, alpha: alpha, beta: 0, into: &y)
    return y
}

/// Rank-one update `A ← α·x·yᵀ + A`; `x` (m×1) and `y` (n×1) are column vectors.
public func ger<Scalar: BLASScalar>(
    _ x: Matrix<Scalar>, _ y: Matrix<Scalar>, alpha: Scalar = 1, into a: inout Matrix<Scalar>
) {
    precondition(
        x.columns == 1 && y.columns == 1, "ger: x (\(x.shapeDescription)) and y (\(y.shapeDescription)) must be column vectors")
    precondition(
        a.rows == x.rows && a.columns == y.rows,
        "ger: A is \(a.shapeDescription) but x·yᵀ is \(x.rows)×\(y.rows)")
    if a.count == 0 { return }
    x.elements.withUnsafeBufferPointer { px in
        y.elements.withUnsafeBufferPointer { py in
            a.storage.withUnsafeMutableBufferPointer { pa in
                Scalar.routines.ger(
                    CblasRowMajor, blasInt(a.rows, "m"), blasInt(a.columns, "n"), alpha,
                    px.baseAddress, 1, py.baseAddress, 1, pa.baseAddress, blasInt(a.columns, "lda"))
            }
        }
    }
}

// MARK: - Level 1 (on all elements, whatever the shape)

/// `y ← α·x + y`, element by element over matrices of the same shape.
public func axpy<Scalar: BLASScalar>(_ alpha: Scalar, _ x: Matrix<Scalar>, _ y: inout Matrix<Scalar>) {
    precondition(x.rows == y.rows && x.columns == y.columns, "axpy: x is \(x.shapeDescription), y is \(y.shapeDescription)")
    if x.count == 0 { return }
    x.elements.withUnsafeBufferPointer { px in
        y.storage.withUnsafeMutableBufferPointer { py in
            Scalar.routines.axpy(blasInt(px.count, "count"), alpha, px.baseAddress, 1, py.baseAddress, 1)
        }
    }
}

/// `x ← α·x`.
public func scal<Scalar: BLASScalar>(_ alpha: Scalar, _ x: inout Matrix<Scalar>) {
    if x.count == 0 { return }
    x.storage.withUnsafeMutableBufferPointer { px in
        Scalar.routines.scal(blasInt(px.count, "count"), alpha, px.baseAddress, 1)
    }
}

/// The inner product `Σᵢⱼ xᵢⱼ·yᵢⱼ` of two matrices of the same shape (the dot
/// product for vectors, the Frobenius inner product for matrices).
public func dot<Scalar: BLASScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Scalar {
    precondition(x.rows == y.rows && x.columns == y.columns, "dot: x is \(x.shapeDescription), y is \(y.shapeDescription)")
    if x.count == 0 { return 0 }
    return x.elements.withUnsafeBufferPointer { px in
        y.elements.withUnsafeBufferPointer { py in
            Scalar.routines.dot(blasInt(px.count, "count"), px.baseAddress, 1, py.baseAddress, 1)
        }
    }
}

/// The Euclidean norm of all elements, `√(Σ xᵢⱼ²)` (the Frobenius norm of a
/// matrix), computed without overflow or underflow in the squares.
public func nrm2<Scalar: BLASScalar>(_ x: Matrix<Scalar>) -> Scalar {
    if x.count == 0 { return 0 }
    return x.elements.withUnsafeBufferPointer { px in
        Scalar.routines.nrm2(blasInt(px.count, "count"), px.baseAddress, 1)
    }
}
