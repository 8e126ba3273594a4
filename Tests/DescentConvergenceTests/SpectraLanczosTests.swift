// Lanczos with full reorthogonalization against THEORY.md §9.2 and LAPACK.

import Testing

@testable import DescentConvergence

@Suite struct SpectraLanczosTests {
    /// A = diag(1, …, 100), the matrix of THEORY.md §9.2, and its start v = ones.
    let diagonal: SymmetricOperator
    let ones = StartVector.vector(Matrix(rows: 100, columns: 1, repeating: 1))

    init() throws { diagonal = try SymmetricOperator(matrix: Matrix(diagonal: (1...100).map(Double.init))) }

    @Test(arguments: [
        (5, [95.794784315, 77.411258744, 50.5], 5.20521568),
        (10, [99.1378723944, 93.6793215168, 84.4100967466], 1.86212761),
        (20, [99.9496017061, 98.3763431735, 95.7945501578], 1.05039829),
        (30, [99.9993577124, 98.9674103552, 97.7252287906], 1.00064229),
    ])
    func ritzValuesMatchTheTable(steps: Int, top: [Double], smallest: Double) throws {
        let decomposition = try Lanczos().tridiagonalize(diagonal, steps: steps, start: ones)
        let values = try decomposition.ritzValues()
        #expect(decomposition.steps == steps && decomposition.products == steps)
        for (computed, expected) in zip(values.reversed(), top) {
            // The table gives 11–12 significant digits.
            #expect(abs(computed - expected) <= 1e-9 * expected, "m = \(steps): \(computed) vs \(expected)")
        }
        // The smallest values are printed to 9 significant digits (5.20521568 is 5.2052156850 truncated).
        #expect(abs(values[0] - smallest) <= 1e-8, "m = \(steps): smallest \(values[0])")
    }

    /// Both reorthogonalization modes: a second Gram–Schmidt pass only when needed
    /// (the default) is as accurate as always two.
    @Test(arguments: [Lanczos.Reorthogonalization.full, .fullAlwaysTwice])
    func fullDimensionRecoversEveryEigenvalue(reorthogonalization: Lanczos.Reorthogonalization) throws {
        let decomposition = try Lanczos(reorthogonalization: reorthogonalization).tridiagonalize(
            diagonal, steps: 100, start: ones)
        let values = try decomposition.ritzValues()
        let error = zip(values, 1...100).map { abs($0 - Double($1)) }.max()!
        // THEORY.md measured 4.3e−14 with NumPy; 1e−12 leaves room for other BLAS orderings.
        #expect(values.count == 100 && error <= 1e-12, "max error \(error)")
    }

    /// Without reorthogonalization λ = 100 converges, then reappears (Paige 1971):
    /// THEORY.md counts 3 copies within 1e−6 of 100 at m = 150; with it there is one.
    @Test func reorthogonalizationPreventsGhosts() throws {
        let plain = try Lanczos(reorthogonalization: .none).tridiagonalize(diagonal, steps: 150, start: ones)
        let plainCopies = try plain.ritzValues().filter { abs($0 - 100) < 1e-6 }.count
        #expect(plain.steps == 150 && plainCopies >= 2, "copies without reorthogonalization: \(plainCopies)")
        let full = try Lanczos().tridiagonalize(diagonal, steps: 150, start: ones)
        #expect(full.steps == 100)  // the space is exhausted at n
        #expect(try full.ritzValues().filter { abs($0 - 100) < 1e-6 }.count == 1)
    }

    /// A 300×300 indefinite matrix with a known spectrum: the five largest and five
    /// most negative eigenvalues separated from a bulk in [−1, 1].
    @Test func indefiniteTopAndBottomFiveMatchLAPACK() throws {
        var generator = Xoshiro256StarStar(seed: 11)
        let outliers: [Double] = [5, 4, 3.5, 3, 2.5, -6, -4.5, -3.7, -3, -2.2]
        let bulk = (0..<290).map { _ in Double.random(in: -1...1, using: &generator) }
        let a = try Matrix<Double>.randomSymmetric(eigenvalues: outliers + bulk, using: &generator).matrix
        let h = try SymmetricOperator(matrix: a)
        let result = try Lanczos(maximumDimension: 150).eigenpairs(of: h, selecting: .bothEnds(largest: 5, smallest: 5))
        let exactTop = Array(try SymmetricEigen(of: a, selecting: .largest(5), computeVectors: false).values.reversed())
        let exactBottom = try SymmetricEigen(of: a, selecting: .smallest(5), computeVectors: false).values
        #expect(result.converged && result.steps < 150 && result.products == result.steps)
        let pairs: [(RitzPair, Double)] = Array(zip(result.largest, exactTop)) + Array(zip(result.smallest, exactBottom))
        for (pair, exact) in pairs {
            // Relative 1e−10, the solver's tolerance on the residual bound (the eigenvalue error is ≤ bound²/gap).
            #expect(abs(pair.value - exact) <= 1e-10 * abs(exact), "\(pair.value) vs \(exact)")
            // The bound is the true residual of the Ritz vector (up to rounding, ~1e−14 here).
            let y = try #require(pair.vector)
            var residual = a * y
            axpy(-pair.value, y, &residual)
            #expect(abs(nrm2(residual) - pair.residualBound) <= 1e-12, "bound \(pair.residualBound)")
            #expect(abs(nrm2(y) - 1) <= 1e-12)
        }
        #expect(result.largest.map(\.value) == result.largest.map(\.value).sorted(by: >))
        #expect(result.smallest.map(\.value) == result.smallest.map(\.value).sorted())
    }

    /// A start that is an eigenvector spans an invariant space at once: the run
    /// continues from random directions and still finds the true top three,
    /// including a repeated eigenvalue that one Krylov space cannot hold twice.
    @Test func invariantStartAndRepeatedEigenvalues() throws {
        let values: [Double] = [7, 7, 5] + (0..<47).map { Double($0) / 47 }
        let h = try SymmetricOperator(matrix: Matrix(diagonal: values))
        var eigenvectorOfFive = Matrix<Double>(rows: 50, columns: 1)
        eigenvectorOfFive[2, 0] = 1
        let result = try Lanczos().eigenpairs(of: h, selecting: .largest(3), start: .vector(eigenvectorOfFive))
        #expect(result.converged && result.restarts >= 1)
        #expect(result.largest.map(\.value).map { ($0 * 1e10).rounded() / 1e10 } == [7, 7, 5])
    }

    @Test func warmStartNeedsFewerProducts() throws {
        var generator = Xoshiro256StarStar(seed: 5)
        let spectrum = [10.0, 8] + (0..<398).map { _ in Double.random(in: -2...6, using: &generator) }
        let a = try Matrix<Double>.randomSymmetric(eigenvalues: spectrum, using: &generator)
        let h = try SymmetricOperator(matrix: a.matrix)
        let solver = Lanczos(minimumDimension: 4, tolerance: 1e-8)
        let cold = try solver.eigenpairs(of: h, selecting: .largest(1))
        // Warm: the top eigenvector after a small perturbation of the matrix.
        var perturbed = a.matrix
        for i in 0..<400 { perturbed[i, i] += 1e-4 * Double(i % 7) }
        let warm = try solver.eigenpairs(
            of: try SymmetricOperator(matrix: perturbed), selecting: .largest(1), start: .vector(cold.largest[0].vector!))
        #expect(cold.converged && warm.converged)
        #expect(warm.products < cold.products, "warm \(warm.products), cold \(cold.products)")
    }

    @Test func rejectsBadSelectionsAndOptions() {
        #expect(throws: SpectrumError.self) { try Lanczos().eigenpairs(of: diagonal, selecting: .largest(101)) }
        #expect(throws: SpectrumError.self) { try Lanczos().eigenpairs(of: diagonal, selecting: .largest(0)) }
        #expect(throws: SpectrumError.self) { try Lanczos(tolerance: 0).eigenpairs(of: diagonal, selecting: .largest(1)) }
        #expect(throws: SpectrumError.self) { try Lanczos().tridiagonalize(diagonal, steps: 0, start: ones) }
    }
}
