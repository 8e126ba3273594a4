// Eigenvalues with exactly-zero rows set aside against LAPACK on the whole matrix.
//
// Tolerance: both are syevd on matrices with the same nonzero spectrum (one a
// symmetric permutation of diag(B, 0)), so they agree to rounding, a few ulps
// of max|λ| times n; 1e-12 relative leaves a margin of 1000×. A misplaced
// zero, a dropped eigenvalue or a row wrongly kept changes values at O(1).

import DescentConvergence
import DescentTestSupport
import Testing

@Suite struct ZeroRowDeflationTests {
    /// A random symmetric 12×12 matrix with rows and columns 0, 5, 6 and 11 zeroed.
    static func matrixWithZeroRows() -> Matrix<Double> {
        let zeroed: Set<Int> = [0, 5, 6, 11]
        let random = randomMatrix(12, 12, seed: 21)
        return Matrix(rows: 12, columns: 12) { i, j in
            zeroed.contains(i) || zeroed.contains(j) ? 0 : random[i, j] + random[j, i]
        }
    }

    @Test func equalsTheWholeDecomposition() throws {
        let a = Self.matrixWithZeroRows()
        let deflated = try eigenvaluesDeflatingZeroRows(of: a)
        let whole = try SymmetricEigen(of: a, computeVectors: false).values
        #expect(deflated.zeroRowCount == 4)
        #expect(deflated.values.count == 12)
        #expect(deflated.values == deflated.values.sorted(), "ascending")
        let scale = whole.map(abs).max()!
        let difference = zip(deflated.values, whole).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-12 * scale, "deflated and whole spectra differ by \(difference)")
        #expect(deflated.values.filter { $0 == 0 }.count >= 4, "the set-aside eigenvalues are exact zeros")
    }

    @Test func withoutZeroRowsItIsTheWholeDecomposition() throws {
        let random = randomMatrix(6, 6, seed: 22)
        let a = random + random.transposed()
        let deflated = try eigenvaluesDeflatingZeroRows(of: a)
        #expect(deflated.zeroRowCount == 0)
        #expect(deflated.values == (try SymmetricEigen(of: a, computeVectors: false).values))
    }

    /// A row that is zero while its column is not (an unsymmetric input) is kept,
    /// so the symmetry check of the reduced matrix still sees it.
    @Test func aZeroRowWithANonzeroColumnIsKept() throws {
        var a = Matrix<Double>(rows: 3, columns: 3)
        a[1, 0] = 1
        #expect(throws: LinalgError.self) { try eigenvaluesDeflatingZeroRows(of: a) }
    }

    @Test func edgeCases() throws {
        let zero = try eigenvaluesDeflatingZeroRows(of: Matrix(rows: 3, columns: 3))
        #expect(zero.values == [0, 0, 0] && zero.zeroRowCount == 3)
        #expect(try eigenvaluesDeflatingZeroRows(of: Matrix(rows: 0, columns: 0)).values.isEmpty)
        #expect(throws: LinalgError.notSquare(routine: "dsyevd", rows: 2, columns: 3)) {
            try eigenvaluesDeflatingZeroRows(of: Matrix(rows: 2, columns: 3))
        }
    }
}
