// DirectRoutines: the baselines, written the way a careful C programmer
// would call OpenBLAS and LAPACKE: raw pointers, constants spelled out, no
// checks beyond LAPACK's own `info`.

import BenchmarkSupport
import COpenBLAS
import DescentLinalg

/// A scalar type with direct calls to its `s…`/`d…` BLAS and LAPACKE routines.
protocol DirectRoutines: BLASScalar {
    /// `C ← A·B` for n×n row-major matrices (`cblas_?gemm`, α = 1, β = 0).
    static func directGEMM(n: Int32, a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
    /// All eigenpairs of the symmetric n×n matrix in `a` (`LAPACKE_?syevd`,
    /// column-major, jobz 'V', uplo 'L'); `a` is overwritten by the eigenvectors.
    static func directSYEVD(n: Int32, a: UnsafeMutablePointer<Self>, values: UnsafeMutablePointer<Self>) -> Int32
}

/// The ASCII code of a LAPACK option letter.
private let eigenvectorsOption = CChar(UInt8(ascii: "V"))
private let lowerTriangleOption = CChar(UInt8(ascii: "L"))

extension Double: DirectRoutines {
    @inline(__always)
    static func directGEMM(n: Int32, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
    }

    @inline(__always)
    static func directSYEVD(n: Int32, a: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, eigenvectorsOption, lowerTriangleOption, n, a, n, values)
    }
}

extension Float: DirectRoutines {
    @inline(__always)
    static func directGEMM(n: Int32, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
    }

    @inline(__always)
    static func directSYEVD(n: Int32, a: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>) -> Int32 {
        LAPACKE_ssyevd(LAPACK_COL_MAJOR, eigenvectorsOption, lowerTriangleOption, n, a, n, values)
    }
}
