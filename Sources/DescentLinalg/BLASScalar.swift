// BLASScalar: the one protocol through which `Float` and `Double` reach the
// single- and double-precision BLAS and LAPACK routines.
//
// Design note. Generic code (`Matrix<Scalar>`, the solvers) asks
// `Scalar.routines` for the routine it needs; `Float` answers with the `s`
// routines, `Double` with the `d` routines. The table holds the C functions
// themselves, so a call costs one indirect jump, and its members are internal:
// no C type or pointer reaches a public signature, and no other type can
// conform (its initializer is internal too).

internal import COpenBLAS
import RealModule

/// A real floating-point type with BLAS and LAPACK routines: `Float` or `Double`.
///
/// Every generic algorithm in Descent is written once over `BLASScalar` and runs
/// in single precision (fast training) or double precision (analysis).
/// The requirement `routines` is an implementation detail; other types cannot
/// conform because ``BLASRoutines`` has no public initializer.
public protocol BLASScalar: Real, BinaryFloatingPoint, Sendable, BitwiseCopyable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// The BLAS and LAPACK routines for this precision (`s…` for `Float`, `d…` for `Double`).
    static var routines: BLASRoutines<Self> { get }
}

/// The table of C routines of one precision. Opaque: used by Descent's own code only.
///
/// Read it from specialized code (`@specialized`, or code generic callers
/// inline): there `Scalar.routines.gemm` is a load from a global. Read through
/// a witness table, the whole struct is copied first (≈ 0.2 µs, see `linalg-bench`).
public struct BLASRoutines<Scalar>: Sendable {
    // MARK: - Identity
    /// `"s"` or `"d"`, the BLAS prefix, used in error messages (`dsyevd`).
    let prefix: String
    /// The NumPy type descriptor written to `.npy` files (`<f4`, `<f8`).
    let numpyDescriptor: String

    // MARK: - BLAS
    let gemm:
        @Sendable (
            CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32,
            Scalar, UnsafePointer<Scalar>?, Int32, UnsafePointer<Scalar>?, Int32,
            Scalar, UnsafeMutablePointer<Scalar>?, Int32
        ) -> Void
    let gemv:
        @Sendable (
            CBLAS_ORDER, CBLAS_TRANSPOSE, Int32, Int32, Scalar, UnsafePointer<Scalar>?, Int32,
            UnsafePointer<Scalar>?, Int32, Scalar, UnsafeMutablePointer<Scalar>?, Int32
        ) -> Void
    let ger:
        @Sendable (
            CBLAS_ORDER, Int32, Int32, Scalar, UnsafePointer<Scalar>?, Int32,
            UnsafePointer<Scalar>?, Int32, UnsafeMutablePointer<Scalar>?, Int32
        ) -> Void
    let syrk:
        @Sendable (
            CBLAS_ORDER, CBLAS_UPLO, CBLAS_TRANSPOSE, Int32, Int32, Scalar,
            UnsafePointer<Scalar>?, Int32, Scalar, UnsafeMutablePointer<Scalar>?, Int32
        ) -> Void
    let axpy: @Sendable (Int32, Scalar, UnsafePointer<Scalar>?, Int32, UnsafeMutablePointer<Scalar>?, Int32) -> Void
    let scal: @Sendable (Int32, Scalar, UnsafeMutablePointer<Scalar>?, Int32) -> Void
    let dot: @Sendable (Int32, UnsafePointer<Scalar>?, Int32, UnsafePointer<Scalar>?, Int32) -> Scalar
    let nrm2: @Sendable (Int32, UnsafePointer<Scalar>?, Int32) -> Scalar

    // MARK: - LAPACK (LAPACKE C interface)
    let syevd:
        @Sendable (
            Int32, CChar, CChar, Int32, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Scalar>?
        ) -> Int32
    let syevr:
        @Sendable (
            Int32, CChar, CChar, CChar, Int32, UnsafeMutablePointer<Scalar>?, Int32,
            Scalar, Scalar, Int32, Int32, Scalar, UnsafeMutablePointer<Int32>?,
            UnsafeMutablePointer<Scalar>?, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Int32>?
        ) -> Int32
    let stev:
        @Sendable (
            Int32, CChar, Int32, UnsafeMutablePointer<Scalar>?, UnsafeMutablePointer<Scalar>?,
            UnsafeMutablePointer<Scalar>?, Int32
        ) -> Int32
    let stebz:
        @Sendable (
            CChar, CChar, Int32, Scalar, Scalar, Int32, Int32, Scalar,
            UnsafePointer<Scalar>?, UnsafePointer<Scalar>?, UnsafeMutablePointer<Int32>?,
            UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Scalar>?,
            UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?
        ) -> Int32
    let stein:
        @Sendable (
            Int32, Int32, UnsafePointer<Scalar>?, UnsafePointer<Scalar>?, Int32,
            UnsafePointer<Scalar>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?,
            UnsafeMutablePointer<Scalar>?, Int32, UnsafeMutablePointer<Int32>?
        ) -> Int32
    let geqrf:
        @Sendable (
            Int32, Int32, Int32, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Scalar>?
        ) -> Int32
    let orgqr:
        @Sendable (
            Int32, Int32, Int32, Int32, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafePointer<Scalar>?
        ) -> Int32
    let potrf: @Sendable (Int32, CChar, Int32, UnsafeMutablePointer<Scalar>?, Int32) -> Int32
    let potrs:
        @Sendable (
            Int32, CChar, Int32, Int32, UnsafePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Scalar>?, Int32
        ) -> Int32
    let gesdd:
        @Sendable (
            Int32, CChar, Int32, Int32, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Scalar>?, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Scalar>?, Int32
        ) -> Int32
    let geev:
        @Sendable (
            Int32, CChar, CChar, Int32, UnsafeMutablePointer<Scalar>?, Int32,
            UnsafeMutablePointer<Scalar>?, UnsafeMutablePointer<Scalar>?,
            UnsafeMutablePointer<Scalar>?, Int32, UnsafeMutablePointer<Scalar>?, Int32
        ) -> Int32
}

// MARK: - Conformances

extension Float: BLASScalar {
    public static let routines = BLASRoutines<Float>(
        prefix: "s", numpyDescriptor: "<f4",
        gemm: cblas_sgemm, gemv: cblas_sgemv, ger: cblas_sger, syrk: cblas_ssyrk,
        axpy: cblas_saxpy, scal: cblas_sscal, dot: cblas_sdot, nrm2: cblas_snrm2,
        syevd: LAPACKE_ssyevd, syevr: LAPACKE_ssyevr, stev: LAPACKE_sstev,
        stebz: LAPACKE_sstebz, stein: LAPACKE_sstein, geqrf: LAPACKE_sgeqrf,
        orgqr: LAPACKE_sorgqr, potrf: LAPACKE_spotrf, potrs: LAPACKE_spotrs,
        gesdd: LAPACKE_sgesdd, geev: LAPACKE_sgeev)
}

extension Double: BLASScalar {
    public static let routines = BLASRoutines<Double>(
        prefix: "d", numpyDescriptor: "<f8",
        gemm: cblas_dgemm, gemv: cblas_dgemv, ger: cblas_dger, syrk: cblas_dsyrk,
        axpy: cblas_daxpy, scal: cblas_dscal, dot: cblas_ddot, nrm2: cblas_dnrm2,
        syevd: LAPACKE_dsyevd, syevr: LAPACKE_dsyevr, stev: LAPACKE_dstev,
        stebz: LAPACKE_dstebz, stein: LAPACKE_dstein, geqrf: LAPACKE_dgeqrf,
        orgqr: LAPACKE_dorgqr, potrf: LAPACKE_dpotrf, potrs: LAPACKE_dpotrs,
        gesdd: LAPACKE_dgesdd, geev: LAPACKE_dgeev)
}
