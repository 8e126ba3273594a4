// BLAS wrappers against naive loops in Double. Tolerance: the classical
// rounding bound for a k-term inner product, |C − Ĉ| ≤ γₖ·Σ|aᵢₚ||bₚⱼ| with
// γₖ ≈ k·ε; we allow 2·k·ε (OpenBLAS may use FMA and blocked summation).

import Testing

@testable import DescentLinalg

@Suite("BLAS")
struct BLASTests {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (5, 1, 1), (1, 5, 1), (1, 1, 5), (7, 3, 1), (1, 3, 7), (4, 9, 6), (17, 33, 9), (64, 64, 64), (3, 130, 2),
    ]

    func checkGEMM<S: BLASScalar>(_: S.Type) {
        var generator = testGenerator()
        for (m, k, n) in Self.shapes {
            for (transposingA, transposingB) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = Matrix<S>.randomNormal(rows: transposingA ? k : m, columns: transposingA ? m : k, using: &generator)
                let b = Matrix<S>.randomNormal(rows: transposingB ? n : k, columns: transposingB ? k : n, using: &generator)
                let c0 = Matrix<S>.randomNormal(rows: m, columns: n, using: &generator)
                let (alpha, beta): (S, S) = (0.75, -1.5)
                var c = c0
                gemm(a, b, transposingA: transposingA, transposingB: transposingB, alpha: alpha, beta: beta, into: &c)
                let reference = naiveProduct(a, b, transposingA: transposingA, transposingB: transposingB)
                let epsilon = Double(S.ulpOfOne)
                var worst = 0.0
                for index in 0..<(m * n) {
                    let expected = Double(alpha) * reference.value[index] + Double(beta) * Double(c0.elements[index])
                    let bound =
                        2 * Double(k + 2) * epsilon * (0.75 * reference.scale[index] + 1.5 * abs(Double(c0.elements[index])))
                    let ratio = abs(Double(c.elements[index]) - expected) / bound
                    if ratio.isNaN || ratio > worst { worst = ratio }  // Swift.max would drop a NaN
                }
                #expect(
                    !worst.isNaN && worst <= 1,
                    "\(S.self) gemm \(m)×\(k)×\(n) tA=\(transposingA) tB=\(transposingB): error/bound = \(worst)")
                // The allocating form and the operator agree with the in-place form.
                let product = gemm(a, b, transposingA: transposingA, transposingB: transposingB)
                let plain = Matrix(rows: m, columns: n, elements: reference.value.map { S($0) })
                #expect(
                    Double(product.maxAbsoluteDifference(plain)) <= 2 * Double(k + 1) * epsilon * (reference.scale.max() ?? 1))
            }
        }
    }

    @Test("gemm matches a naive triple loop for every transpose, α, β and edge shape")
    func gemmAgainstNaive() {
        checkGEMM(Float.self)
        checkGEMM(Double.self)
    }

    @Test("gemm with an empty inner dimension gives β·C, and the * operator is the matrix product")
    func gemmEdges() {
        var c = Matrix<Double>([[1, 2], [3, 4]])
        gemm(Matrix<Double>(rows: 2, columns: 0), Matrix<Double>(rows: 0, columns: 2), beta: 2, into: &c)
        #expect(c == Matrix([[2, 4], [6, 8]]))
        let product = Matrix<Double>([[1, 2], [3, 4]]) * Matrix<Double>([[5, 6], [7, 8]])
        #expect(product == Matrix([[19, 22], [43, 50]]))
        // β = 0 ignores NaN in the old output, as BLAS specifies.
        var dirty = Matrix<Double>(rows: 1, columns: 1, repeating: .nan)
        gemm(Matrix<Double>([[2]]), Matrix<Double>([[3]]), into: &dirty)
        #expect(dirty[0, 0] == 6)
    }

    func checkLevel2<S: BLASScalar>(_: S.Type) {
        var generator = testGenerator(7)
        let epsilon = Double(S.ulpOfOne)
        for (m, n) in [(1, 1), (6, 1), (1, 6), (5, 8), (31, 17)] {
            let a = Matrix<S>.randomNormal(rows: m, columns: n, using: &generator)
            for transposing in [false, true] {
                let x = Matrix<S>.randomNormal(rows: transposing ? m : n, columns: 1, using: &generator)
                let y0 = Matrix<S>.randomNormal(rows: transposing ? n : m, columns: 1, using: &generator)
                var y = y0
                gemv(a, x, transposing: transposing, alpha: 2, beta: 0.5, into: &y)
                let reference = naiveProduct(a, x, transposingA: transposing)
                for i in 0..<y.rows {
                    let expected = 2 * reference.value[i] + 0.5 * Double(y0[i, 0])
                    let bound = 2 * Double(reference.inner + 2) * epsilon * (2 * reference.scale[i] + abs(Double(y0[i, 0])))
                    #expect(abs(Double(y[i, 0]) - expected) <= bound, "\(S.self) gemv \(m)×\(n) t=\(transposing) row \(i)")
                }
            }
            // ger: A + α·x·yᵀ, each element one multiply-add.
            let x = Matrix<S>.randomNormal(rows: m, columns: 1, using: &generator)
            let y = Matrix<S>.randomNormal(rows: n, columns: 1, using: &generator)
            var updated = a
            ger(x, y, alpha: -3, into: &updated)
            for i in 0..<m {
                for j in 0..<n {
                    let expected = Double(a[i, j]) - 3 * Double(x[i, 0]) * Double(y[j, 0])
                    let bound = 4 * epsilon * (abs(Double(a[i, j])) + 3 * abs(Double(x[i, 0]) * Double(y[j, 0])))
                    #expect(abs(Double(updated[i, j]) - expected) <= bound)
                }
            }
        }
    }

    @Test("gemv and ger match naive loops") func level2() {
        checkLevel2(Float.self)
        checkLevel2(Double.self)
    }

    func checkSyrk<S: BLASScalar>(_: S.Type) {
        var generator = testGenerator(11)
        for (n, k) in [(1, 1), (4, 1), (1, 4), (9, 5), (20, 33)] {
            let a = Matrix<S>.randomNormal(rows: n, columns: k, using: &generator)
            for transposing in [false, true] {
                let operand = transposing ? a.transposed() : a
                let gram = syrk(operand, transposing: transposing, alpha: 0.5)
                #expect(gram.rows == n && gram.columns == n)
                #expect(gram == gram.transposed(), "syrk output must be exactly symmetric")
                let reference = naiveProduct(a, a, transposingB: true)
                let epsilon = Double(S.ulpOfOne)
                for index in 0..<(n * n) {
                    let bound = 2 * Double(k + 1) * epsilon * 0.5 * reference.scale[index]
                    #expect(abs(Double(gram.elements[index]) - 0.5 * reference.value[index]) <= bound)
                }
            }
        }
    }

    @Test("syrk equals A·Aᵀ and AᵀA, mirrored to a full symmetric matrix") func syrkAgainstNaive() {
        checkSyrk(Float.self)
        checkSyrk(Double.self)
    }

    @Test("Level 1: axpy, scal, dot, nrm2 (including nrm2 without overflow)")
    func level1() {
        var y = Matrix<Double>([[1, 2], [3, 4]])
        axpy(2, Matrix<Double>([[1, 1], [1, -1]]), &y)
        #expect(y == Matrix([[3, 4], [5, 2]]))
        scal(-0.5, &y)
        #expect(y == Matrix([[-1.5, -2], [-2.5, -1]]))
        #expect(dot(Matrix<Double>(column: [1, 2, 3]), Matrix<Double>(column: [4, -5, 6])) == 12)
        #expect(nrm2(Matrix<Float>(column: [3, 4])) == 5)
        // A naive √(Σx²) overflows here; BLAS nrm2 scales.
        let huge = nrm2(Matrix<Double>(column: [3e200, 4e200]))
        #expect(abs(huge - 5e200) <= 4 * Double.ulpOfOne * 5e200)
        let tiny = nrm2(Matrix<Float>(column: [3e-30, 4e-30]))
        #expect(abs(tiny - 5e-30) <= 4 * Float.ulpOfOne * 5e-30)
        #expect(nrm2(Matrix<Double>(rows: 0, columns: 1)) == 0)
        #expect(dot(Matrix<Double>(rows: 0, columns: 1), Matrix<Double>(rows: 0, columns: 1)) == 0)
    }
}
