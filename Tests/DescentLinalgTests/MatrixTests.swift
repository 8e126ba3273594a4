// Matrix basics: construction, copy-on-write, transposition, reductions.

import Testing

@testable import DescentLinalg

@Suite("Matrix")
struct MatrixTests {
    @Test("Row-major layout, subscripts, rows and columns")
    func layout() {
        let a = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(a.elements == [1, 2, 3, 4, 5, 6] && a.rows == 2 && a.columns == 3)
        #expect(a[1, 0] == 4 && a.row(1) == Matrix(row: [4, 5, 6]) && a.column(2) == Matrix(column: [3, 6]))
        #expect(a.columns(1..<3) == Matrix([[2, 3], [5, 6]]) && a.rows(1..<2) == Matrix([[4, 5, 6]]))
        #expect(a.diagonal == [1, 5] && Matrix<Double>.identity(3).trace == 3)
        #expect(a.reshaped(rows: 3, columns: 2) == Matrix([[1, 2], [3, 4], [5, 6]]))
    }

    @Test("Value semantics: a copy is independent (copy-on-write)")
    func copyOnWrite() {
        let a = Matrix<Float>([[1, 2], [3, 4]])
        var b = a
        b[0, 0] = 9
        var c = a
        axpy(1, a, &c)  // a BLAS write through the buffer must not reach `a` either
        #expect(a == Matrix([[1, 2], [3, 4]]) && b[0, 0] == 9 && c == Matrix([[2, 4], [6, 8]]))
    }

    @Test("Transpose of many shapes equals the element-wise definition")
    func transpose() {
        var generator = testGenerator(51)
        for (m, n) in [(1, 1), (1, 7), (7, 1), (33, 65), (100, 3)] {
            let a = Matrix<Double>.randomNormal(rows: m, columns: n, using: &generator)
            let t = a.transposed()
            #expect(t.rows == n && t.columns == m)
            #expect((0..<m).allSatisfy { i in (0..<n).allSatisfy { j in t[j, i] == a[i, j] } })
        }
    }

    @Test("Reductions and element-wise arithmetic match plain loops")
    func reductions() {
        var generator = testGenerator(52)
        let a = Matrix<Double>.randomNormal(rows: 37, columns: 13, using: &generator)
        let b = Matrix<Double>.randomNormal(rows: 37, columns: 13, using: &generator)
        let naiveSum = a.elements.reduce(0, +)
        #expect(abs(a.sum() - naiveSum) <= 1e-12)
        let columnSums = a.sum(alongAxis: 0), rowSums = a.sum(alongAxis: 1)
        #expect(columnSums.rows == 1 && columnSums.columns == 13 && rowSums.rows == 37 && rowSums.columns == 1)
        #expect(abs(columnSums[0, 4] - (0..<37).map { a[$0, 4] }.reduce(0, +)) <= 1e-12)
        #expect(abs(rowSums[5, 0] - (0..<13).map { a[5, $0] }.reduce(0, +)) <= 1e-12)
        #expect(abs(a.mean(alongAxis: 1)[5, 0] - rowSums[5, 0] / 13) <= 1e-15)
        #expect((a + b).elements == zip(a.elements, b.elements).map(+))
        #expect((a - b).elements == zip(a.elements, b.elements).map(-))
        #expect(a.hadamardProduct(b).elements == zip(a.elements, b.elements).map(*))
        #expect(a.elementwiseQuotient(b).elements == zip(a.elements, b.elements).map(/))
        // Empty shapes: sums over an empty axis are zeros of the right shape (gemv's n = 0 path).
        #expect(Matrix<Double>(rows: 0, columns: 3).sum(alongAxis: 0) == Matrix(row: [0, 0, 0]))
        #expect(Matrix<Double>(rows: 2, columns: 0).sum(alongAxis: 1) == Matrix(column: [0, 0]))
        #expect(Matrix<Float>(rows: 0, columns: 4).sum(alongAxis: 1).rows == 0)
        #expect((2 * a).elements == a.elements.map { 2 * $0 } && (-a).elements == a.elements.map { -$0 })
        #expect(a.maxAbsoluteElement() == a.elements.map(abs).max())
        #expect(Matrix<Float>([[1, .nan, -3]]).maxElement() == 1)
        // NaN is never hidden by the comparisons tests and callers rely on.
        #expect(Matrix<Float>([[1, .nan, -3]]).maxAbsoluteElement().isNaN)
        #expect(Matrix<Double>([[.nan, 0]]).maxAbsoluteDifference(Matrix([[0, 0]])).isNaN)
        #expect(Matrix<Double>([[-.infinity, 2]]).maxAbsoluteElement() == .infinity)
        #expect(!Matrix<Double>([[1, .infinity]]).isFinite && Matrix<Double>([[1, 2]]).isFinite)
        #expect(Matrix<Float>([[1, .nan, -3]]).firstNonFiniteElement()?.column == 1)
        #expect(Matrix<Double>([[1, 2], [4, 3]]).symmetrized() == Matrix([[1, 3], [3, 3]]))
        #expect(Matrix<Double>([[0.1]]).converted(to: Float.self)[0, 0] == Float(0.1))
    }
}
