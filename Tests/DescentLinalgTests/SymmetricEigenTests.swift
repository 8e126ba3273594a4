// Symmetric eigen-decompositions on matrices with known spectra.
//
// Tolerances. LAPACK's symmetric drivers are backward stable: the computed
// pairs are exact for A + E with ‖E‖ = O(n·ε)·‖A‖, and the vectors are
// orthonormal to O(n·ε). We accept residual and orthogonality ≤ 10·n·ε, and
// eigenvalue errors ≤ 10·n·ε·‖A‖₂ (Weyl's inequality turns a backward error
// into that absolute bound on each eigenvalue).

import Foundation
import Testing

@testable import DescentLinalg

@Suite("Symmetric eigen-decomposition")
struct SymmetricEigenTests {
    /// Checks values against `expected` (ascending) and, when vectors exist, residual and orthogonality.
    func verify<S: BLASScalar>(_ a: Matrix<S>, _ eigen: SymmetricEigen<S>, expected: [Double], label: String) {
        let n = Double(a.rows)
        let epsilon = Double(S.ulpOfOne)
        let norm = expected.map(abs).max() ?? 1
        #expect(eigen.values.count == expected.count, "\(label): count")
        for (computed, exact) in zip(eigen.values, expected) {
            #expect(abs(Double(computed) - exact) <= 10 * n * epsilon * norm, "\(label): λ = \(computed), expected \(exact)")
        }
        if let v = eigen.vectors {
            #expect(eigenResidual(a, eigen) <= 10 * n * epsilon, "\(label): residual \(eigenResidual(a, eigen))")
            #expect(orthogonalityError(v) <= 10 * n * epsilon, "\(label): orthogonality \(orthogonalityError(v))")
        }
    }

    func knownSpectra<S: BLASScalar>(_: S.Type) throws {
        // Diagonal: the eigenvalues are the diagonal, the vectors the unit vectors.
        let diagonal: [S] = [3, -1, 7, 0.5, 2]
        let d = try SymmetricEigen(of: Matrix(diagonal: diagonal))
        verify(Matrix(diagonal: diagonal), d, expected: diagonal.map(Double.init).sorted(), label: "\(S.self) diagonal")

        // Q·diag(λ)·Qᵀ with a Haar-random Q, spread over four decades.
        var generator = testGenerator(3)
        let spectrum: [S] = (0..<40).map { S(Double.pow(10, Double($0) / 13) - 5) }
        let (a, _) = try Matrix<S>.randomSymmetric(eigenvalues: spectrum, using: &generator)
        verify(a, try SymmetricEigen(of: a), expected: spectrum.map(Double.init).sorted(), label: "\(S.self) QΛQᵀ")

        // The (−1, 2, −1) matrix: λₖ = 2 − 2cos(kπ/(n+1)).
        let n = 50
        let laplacian = Matrix<S>(rows: n, columns: n) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
        let exact = (1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) }
        verify(laplacian, try SymmetricEigen(of: laplacian), expected: exact, label: "\(S.self) (−1,2,−1)")

        // Repeated eigenvalues: the values are exact and V still orthonormal.
        let repeated: [S] = [1, 1, 1, 2, 2, 5]
        let (r, basis) = try Matrix<S>.randomSymmetric(eigenvalues: repeated, using: &generator)
        let eigen = try SymmetricEigen(of: r)
        verify(r, eigen, expected: repeated.map(Double.init), label: "\(S.self) repeated")
        // The computed eigenspace of λ = 1 equals span(Q[:, 0..<3]): its projector matches.
        let computed = try #require(eigen.vectors).columns(0..<3)
        let exactSpace = basis.columns(0..<3)
        let projectorError = gemm(computed, computed, transposingB: true) - gemm(exactSpace, exactSpace, transposingB: true)
        #expect(Double(nrm2(projectorError)) <= 100 * Double(S.ulpOfOne) * 6)
    }

    @Test("Known spectra: diagonal, QΛQᵀ, (−1, 2, −1), repeated eigenvalues")
    func spectra() throws {
        try knownSpectra(Float.self)
        try knownSpectra(Double.self)
    }

    @Test("Hilbert matrices: κ against 60-digit reference values (scripts/reference_values.py)")
    func hilbertMatrices() throws {
        // n, λmin, λmax from mpmath at 60 digits.
        let reference: [(Int, Double, Double)] = [
            (4, 0.000096702304022586885554, 1.5002142800592428232),
            (6, 1.0827994845655497685e-7, 1.618899858924339097),
            (8, 1.1115389663724424271e-10, 1.6959389969219494521),
            (10, 1.0931538193796657638e-13, 1.7519196702651775224),
        ]
        for (n, smallest, largest) in reference {
            let h = hilbert(n, Double.self)
            let eigen = try SymmetricEigen(of: h)
            #expect(eigenResidual(h, eigen) <= 10 * Double(n) * Double.ulpOfOne, "Hilbert \(n) residual")
            #expect(orthogonalityError(try #require(eigen.vectors)) <= 10 * Double(n) * Double.ulpOfOne)
            // Weyl: each eigenvalue is off by at most ~n·ε·‖H‖₂ in absolute terms;
            // λmin (as small as 1e-13) therefore has only a few correct digits at n = 10.
            let absolute = 10 * Double(n) * Double.ulpOfOne * largest
            #expect(abs(eigen.values.first! - smallest) <= absolute, "Hilbert \(n) λmin")
            #expect(abs(eigen.values.last! - largest) <= absolute, "Hilbert \(n) λmax")
            if n <= 8 {  // κ is meaningful while λmin ≫ n·ε·λmax
                #expect(relativeDifference(Double(eigen.conditionNumber), largest / smallest) <= 1e-3, "Hilbert \(n) κ")
            }
        }
    }

    func selections<S: BLASScalar>(_: S.Type) throws {
        var generator = testGenerator(5)
        let n = 30
        let spectrum: [S] = (0..<n).map { S($0 * $0) / 10 - 7 }
        let (a, _) = try Matrix<S>.randomSymmetric(eigenvalues: spectrum, using: &generator)
        let full = try SymmetricEigen(of: a)
        let tolerance = 10 * S(n) * S.ulpOfOne * (spectrum.map(abs).max() ?? 1)

        func agrees(_ part: SymmetricEigen<S>, _ indices: [Int], _ label: String) throws {
            #expect(part.values.count == indices.count, "\(S.self) \(label)")
            let vectors = try #require(part.vectors)
            let fullVectors = try #require(full.vectors)
            for (position, index) in indices.enumerated() {
                #expect(abs(part.values[position] - full.values[index]) <= tolerance, "\(S.self) \(label) λ[\(index)]")
                // Distinct eigenvalues: the vectors agree up to sign.
                let overlap = abs(dot(vectors.column(position), fullVectors.column(index)))
                #expect(abs(overlap - 1) <= 100 * S(n) * S.ulpOfOne, "\(S.self) \(label) v[\(index)] overlap \(overlap)")
            }
        }
        try agrees(try SymmetricEigen(of: a, selecting: .largest(4)), Array(26..<30), "largest(4)")
        try agrees(try SymmetricEigen(of: a, selecting: .smallest(3)), [0, 1, 2], "smallest(3)")
        try agrees(try SymmetricEigen(of: a, selecting: .indices(10...14)), Array(10...14), "indices(10...14)")
        // (lower, upper] = (−5, 3]: the spectrum values i²/10 − 7 in that interval.
        let inRange = spectrum.indices.filter { spectrum[$0] > -5 && spectrum[$0] <= 3 }
        try agrees(try SymmetricEigen(of: a, selecting: .values(lower: -5.05, upper: 3.05)), inRange, "values(−5.05, 3.05]")
        // Values only: same numbers, no vectors.
        let valuesOnly = try SymmetricEigen(of: a, computeVectors: false)
        #expect(valuesOnly.vectors == nil)
        for (x, y) in zip(valuesOnly.values, full.values) { #expect(abs(x - y) <= tolerance) }
        let topValuesOnly = try SymmetricEigen(of: a, selecting: .largest(2), computeVectors: false)
        #expect(topValuesOnly.vectors == nil && topValuesOnly.values.count == 2)
        #expect(try SymmetricEigen(of: a, selecting: .largest(0)).values.isEmpty)
        #expect(try SymmetricEigen(of: a, selecting: .values(lower: 1000, upper: 2000)).values.isEmpty)
    }

    @Test("syevr selections (largest, smallest, index and value ranges) agree with syevd")
    func selectedRanges() throws {
        try selections(Float.self)
        try selections(Double.self)
    }

    func tridiagonal<S: BLASScalar>(_: S.Type) throws {
        let n = 40
        let diagonal = [S](repeating: 2, count: n)
        let offDiagonal = [S](repeating: -1, count: n - 1)
        let exact = (1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) }
        let dense = Matrix<S>(rows: n, columns: n) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
        let all = try SymmetricEigen(tridiagonalWithDiagonal: diagonal, offDiagonal: offDiagonal)
        verify(dense, all, expected: exact, label: "\(S.self) stev")
        // Eigenvector k is sin(j·kπ/(n+1)), normalized, up to sign.
        let vectors = try #require(all.vectors)
        for k in [1, n / 2, n] {
            let v = (1...n).map { Double.sin(Double($0 * k) * .pi / Double(n + 1)) }
            let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
            let overlap = (0..<n).map { Double(vectors[$0, k - 1]) * v[$0] / norm }.reduce(0, +)
            #expect(abs(abs(overlap) - 1) <= 100 * Double(n) * Double(S.ulpOfOne), "\(S.self) tridiagonal vector \(k)")
        }
        for selection: SymmetricEigen<S>.Selection in [.largest(3), .smallest(5), .indices(7...9), .values(lower: 1, upper: 2)] {
            let part = try SymmetricEigen(tridiagonalWithDiagonal: diagonal, offDiagonal: offDiagonal, selecting: selection)
            let indices: [Int] =
                switch selection {
                case let .largest(k): Array((n - k)..<n)
                case let .smallest(k): Array(0..<k)
                case let .indices(r): Array(r)
                case let .values(lower, upper): exact.indices.filter { exact[$0] > Double(lower) && exact[$0] <= Double(upper) }
                case .all: []
                }
            verify(dense, part, expected: indices.map { exact[$0] }, label: "\(S.self) stebz+stein \(selection)")
        }
    }

    @Test("Tridiagonal (−1, 2, −1): stev and stebz + stein against the closed form")
    func tridiagonalSolvers() throws {
        try tridiagonal(Float.self)
        try tridiagonal(Double.self)
    }

    @Test("Bad input: non-symmetric names the worst pair, NaN names the first, non-square")
    func badInput() throws {
        var a = Matrix<Double>.identity(4)
        a[1, 3] = 0.5
        a[3, 1] = 0.5 + 1e-12  // within the default tolerance √ε·max|a|
        _ = try SymmetricEigen(of: a)
        a[0, 2] = 0.3  // worst asymmetry 0.3 at (0, 2)
        a[2, 1] = 0.01  // smaller asymmetry elsewhere
        #expect(
            throws: LinalgError.notSymmetric(
                routine: "dsyevd", row: 0, column: 2, difference: 0.3,
                tolerance: Double.ulpOfOne.squareRoot())
        ) {
            try SymmetricEigen(of: a)
        }
        // A looser tolerance accepts it (the upper triangle is used).
        _ = try SymmetricEigen(of: a, symmetryTolerance: 0.5)

        var b = Matrix<Float>.identity(3)
        b[2, 0] = .nan
        b[1, 1] = .infinity
        #expect(throws: LinalgError.nonFinite(routine: "ssyevr", row: 1, column: 1, value: .infinity)) {
            try SymmetricEigen(of: b, selecting: .largest(1))
        }
        #expect(throws: LinalgError.notSquare(routine: "dsyevd", rows: 2, columns: 3)) {
            try SymmetricEigen(of: Matrix<Double>(rows: 2, columns: 3))
        }
        #expect(throws: LinalgError.nonFinite(routine: "dstev", row: 2, column: 1, value: .infinity)) {
            try SymmetricEigen(tridiagonalWithDiagonal: [1, 2, 3], offDiagonal: [0, .infinity])
        }
        // The message names the entry and says what to do.
        let message = LinalgError.notSymmetric(routine: "dsyevd", row: 0, column: 2, difference: 0.3, tolerance: 1e-8).description
        #expect(message.contains("a[0, 2]") && message.contains("symmetrized()"))
    }

    @Test("The symmetry check sees an asymmetry in every 32×32 tile, and names it")
    func asymmetryInAnyTile() throws {
        var generator = testGenerator(77)
        let n = 70  // three tiles per side, the last one partial
        let (symmetric, _) = try Matrix<Double>.randomSymmetric(
            eigenvalues: (0..<n).map { Double($0) + 1 }, using: &generator)
        for (i, j) in [(0, 69), (40, 41), (33, 65), (5, 37), (64, 68), (31, 32)] {
            var a = symmetric
            a[j, i] += 1  // below the diagonal; reported as the upper-triangle pair (i, j)
            do {
                _ = try SymmetricEigen(of: a, computeVectors: false)
                Issue.record("asymmetry at (\(i), \(j)) was not detected")
            } catch {
                // (A `catch let .notSymmetric(…)` here crashes the 6.3.1 compiler's ownership verifier.)
                guard case let .notSymmetric(_, row, column, difference, _) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(row == i && column == j && abs(difference - 1) <= 1e-12, "(\(i), \(j))")
            }
        }
    }

    @Test("Empty and 1×1 matrices") func tinyMatrices() throws {
        #expect(try SymmetricEigen(of: Matrix<Double>(rows: 0, columns: 0)).values.isEmpty)
        let one = try SymmetricEigen(of: Matrix<Double>([[-4]]))
        #expect(one.values == [-4])
        #expect(one.vectors == Matrix([[1]]) || one.vectors == Matrix([[-1]]))
    }
}
