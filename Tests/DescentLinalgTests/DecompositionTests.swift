// QR, Cholesky, SVD and general eigenvalues. Tolerances: backward-stable
// factorizations reproduce A to O(k·ε)·‖A‖; we accept 10·k·ε.

import ComplexModule
import Testing

@testable import DescentLinalg

@Suite("Decompositions")
struct DecompositionTests {
    func qr<S: BLASScalar>(_: S.Type) throws {
        var generator = testGenerator(21)
        for (m, n) in [(1, 1), (6, 6), (12, 5), (5, 12), (40, 1), (1, 9)] {
            let a = Matrix<S>.randomNormal(rows: m, columns: n, using: &generator)
            let qr = try QRDecomposition(of: a)
            let k = Swift.min(m, n)
            #expect(qr.q.rows == m && qr.q.columns == k && qr.r.rows == k && qr.r.columns == n)
            let tolerance = 10 * Double(Swift.max(m, n)) * Double(S.ulpOfOne)
            #expect(
                Double(nrm2(qr.q * qr.r - a) / nrm2(a)) <= tolerance, "\(S.self) QR \(m)×\(n) reconstruction")
            #expect(orthogonalityError(qr.q) <= tolerance, "\(S.self) QR \(m)×\(n) orthogonality")
            for i in 0..<k { for j in 0..<i { #expect(qr.r[i, j] == 0) } }
        }
    }

    @Test("QR: Q orthonormal, R upper triangular, Q·R = A (tall, wide, square)")
    func qrFactorization() throws {
        try qr(Float.self)
        try qr(Double.self)
    }

    func cholesky<S: BLASScalar>(_: S.Type) throws {
        var generator = testGenerator(22)
        let n = 25
        let spectrum: [S] = (0..<n).map { 1 + S($0) }
        let (a, _) = try Matrix<S>.randomSymmetric(eigenvalues: spectrum, using: &generator)
        let factor = try Cholesky(of: a)
        let tolerance = 10 * Double(n) * Double(S.ulpOfOne)
        #expect(Double(nrm2(gemm(factor.lower, factor.lower, transposingB: true) - a) / nrm2(a)) <= tolerance)
        for i in 0..<n { for j in (i + 1)..<n { #expect(factor.lower[i, j] == 0) } }
        // Solve: the relative residual is backward-stable; κ = 25 bounds the forward error.
        let xTrue = Matrix<S>.randomNormal(rows: n, columns: 3, using: &generator)
        let x = try factor.solve(a * xTrue)
        #expect(Double(nrm2(x - xTrue) / nrm2(xTrue)) <= 25 * tolerance)
    }

    @Test("Cholesky: L·Lᵀ = A and SPD solves; a non-PD matrix names its failing minor")
    func choleskyFactorization() throws {
        try cholesky(Float.self)
        try cholesky(Double.self)
        #expect(throws: LinalgError.notPositiveDefinite(routine: "dpotrf", order: 3)) {
            try Cholesky(of: Matrix<Double>(diagonal: [1, 2, -1, 4]))
        }
        // A NaN right-hand side is the caller's data, not an illegal LAPACK argument.
        let factor = try Cholesky(of: Matrix<Double>([[4, 1], [1, 3]]))
        do {
            _ = try factor.solve(Matrix(column: [1, .nan]))
            Issue.record("a NaN right-hand side must throw")
        } catch let .nonFinite(routine, row, column, value) {
            #expect(routine == "dpotrs" && row == 1 && column == 0 && value.isNaN)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    func svd<S: BLASScalar>(_: S.Type) throws {
        var generator = testGenerator(23)
        for (m, n) in [(8, 5), (5, 8), (6, 6), (1, 4)] {
            let k = Swift.min(m, n)
            let sigma: [S] = (0..<k).map { S(12 - 2 * $0) }  // distinct, descending, positive
            let u = try Matrix<S>.randomOrthogonal(m, using: &generator).columns(0..<k)
            let v = try Matrix<S>.randomOrthogonal(n, using: &generator).columns(0..<k)
            let a = gemm(Matrix(rows: m, columns: k) { i, j in u[i, j] * sigma[j] }, v, transposingB: true)
            let thin = try SingularValueDecomposition(of: a)
            let tolerance = 10 * Double(Swift.max(m, n)) * Double(S.ulpOfOne)
            for (computed, exact) in zip(thin.singularValues, sigma) {
                #expect(abs(Double(computed - exact)) <= tolerance * 10, "\(S.self) σ \(m)×\(n)")
            }
            let uThin = try #require(thin.u), vtThin = try #require(thin.vTransposed)
            #expect(uThin.columns == k && vtThin.rows == k)
            let rebuilt = gemm(Matrix(rows: m, columns: k) { i, j in uThin[i, j] * thin.singularValues[j] }, vtThin)
            #expect(Double(nrm2(rebuilt - a) / nrm2(a)) <= tolerance)
            let full = try SingularValueDecomposition(of: a, vectors: .full)
            #expect(full.u?.columns == m && full.vTransposed?.rows == n)
            #expect(orthogonalityError(try #require(full.u)) <= tolerance)
            let valuesOnly = try SingularValueDecomposition(of: a, vectors: .notComputed)
            #expect(valuesOnly.u == nil && valuesOnly.singularValues.count == k)
            #expect(abs(Double(valuesOnly.conditionNumber) - Double(sigma[0] / sigma[k - 1])) <= 1e-3)
        }
    }

    @Test("SVD: singular values of U·diag(σ)·Vᵀ, thin and full vectors")
    func singularValues() throws {
        try svd(Float.self)
        try svd(Double.self)
    }

    @Test("geev: heavy-ball iteration matrices (THEORY.md §2; roots from numpy in scripts/reference_values.py)")
    func heavyBallRoots() throws {
        // The recurrence w' = (1 + μ − ηλ)w − μ·w₋₁ as a companion matrix.
        func companion(eta: Double, mu: Double, lambda: Double) -> Matrix<Double> {
            Matrix([[1 + mu - eta * lambda, -mu], [1, 0]])
        }
        let cases: [(Double, Double, Double, [Complex<Double>])] = [
            (0.1, 0.9, 1, [Complex(0.9, 0.3), Complex(0.9, -0.3)]),
            (0.1, 0.9, 10, [Complex(0.45, 0.83516465), Complex(0.45, -0.83516465)]),
            (0.1, 0.9, 39, [Complex(-1.31622777, 0), Complex(-0.68377223, 0)]),
            (1.0, 0.25, 1, [Complex(0.125, 0.48412292), Complex(0.125, -0.48412292)]),
        ]
        for (eta, mu, lambda, expected) in cases {
            let roots = try companion(eta: eta, mu: mu, lambda: lambda).eigenvalues()
            #expect(roots.count == expected.count)
            for (root, reference) in zip(roots, expected) {
                #expect((root - reference).length <= 1e-8, "η=\(eta) μ=\(mu) λ=\(lambda): \(root) vs \(reference)")
            }
        }
        // Complex roots have modulus exactly √μ (THEORY.md §2); ηλ = 2(1 + μ) is marginal (a root at −1).
        #expect(abs(try companion(eta: 0.1, mu: 0.9, lambda: 10).spectralRadius() - 0.9.squareRoot()) <= 1e-14)
        #expect(abs(try companion(eta: 0.1, mu: 0.9, lambda: 38).spectralRadius() - 1) <= 1e-14)
        let single = try Matrix<Float>([[0.5, 2], [0, -3]]).eigenvalues()
        #expect(single == [Complex(-3, 0), Complex(0.5, 0)])
        #expect(throws: LinalgError.notSquare(routine: "dgeev", rows: 1, columns: 2)) {
            try Matrix<Double>(rows: 1, columns: 2).eigenvalues()
        }
    }
}
