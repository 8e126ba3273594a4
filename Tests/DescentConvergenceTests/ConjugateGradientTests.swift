// Conjugate gradient as the Krylov-optimal reference: THEORY.md §4's table,
// finite termination, and "CG's energy error is ≤ every first-order method's".

import DescentConvergence
import Testing

@Suite struct ConjugateGradientTests {
    /// H = diag(linspace(1, 100, 100)), b = 1 (w* = H⁻¹·1), x₀ = 0.
    static func bowl() throws -> QuadraticBowl {
        let values = (0..<100).map { 1 + 99 * Double($0) / 99 }
        return try QuadraticBowl(
            eigenvalues: values, eigenvectors: .identity(100), minimizer: Matrix(column: values.map { 1 / $0 }))
    }

    static func relativeEnergy(_ run: BowlTrajectory) -> [Double] {
        run.excessValues.map { ($0 / run.excessValues[0]).squareRoot() }
    }

    @Test func theoryTable() throws {
        let bowl = try Self.bowl()
        let start = Matrix<Double>(rows: 100, columns: 1)
        let cg = Self.relativeEnergy(try bowl.conjugateGradient(from: start, steps: 50))
        let theory = try ConvergenceTheory(bowl: bowl)
        var heavy = try theory.polyakOptimal.makeOptimizer()
        let hb = Self.relativeEnergy(try bowl.iterate(with: &heavy, from: start, until: .steps(50)))
        var plain = try SGD<Double>(learningRate: 2.0 / 101)
        let gd = Self.relativeEnergy(try bowl.iterate(with: &plain, from: start, until: .steps(50)))
        let rows: [(Int, Double, Double, Double?, Double?)] = [
            (5, 4.161555e-1, 7.332957e-1, nil, nil),
            (10, 1.888119e-1, 2.688613e-1, 2.332e-1, 4.632e-1),
            (20, 2.354964e-2, 3.614319e-2, 5.023e-2, 3.399e-1),
            (30, 1.218122e-3, 4.858752e-3, 9.305e-3, 2.636e-1),
            (50, 1.350890e-7, 8.780540e-5, 2.664e-4, 1.680e-1),
        ]
        for (k, cgValue, bound, hbValue, gdValue) in rows {
            #expect(isClose(cg[k], cgValue, relative: 1e-5), "CG at \(k): \(cg[k])")
            #expect(isClose(theory.conjugateGradientBound(steps: k), bound, relative: 1e-6))
            if let hbValue { #expect(isClose(hb[k], hbValue, relative: 5e-3), "HB at \(k): \(hb[k])") }
            if let gdValue { #expect(isClose(gd[k], gdValue, relative: 5e-3), "GD at \(k): \(gd[k])") }
        }
        // Optimality in the energy norm: CG is never behind GD, heavy ball or Nesterov (v₀ = 0, same Krylov space).
        var nesterov = try theory.nesterovStandard.makeOptimizer()
        let nag = Self.relativeEnergy(try bowl.iterate(with: &nesterov, from: start, until: .steps(50)))
        for k in 0...50 {
            #expect(cg[k] <= gd[k] * (1 + 1e-12) && cg[k] <= hb[k] * (1 + 1e-12) && cg[k] <= nag[k] * (1 + 1e-12), "k = \(k)")
        }
    }

    /// H = diag(1, 1, 2, 2, 3), b = (1, 2, 3, 4, 5): ‖x_k − x*‖ = 3.7453675, 1.4189707, 0.5618332, then 0 at k = 3.
    @Test func finiteTermination() throws {
        let values = [1.0, 1, 2, 2, 3]
        let b = [1.0, 2, 3, 4, 5]
        let bowl = try QuadraticBowl(
            eigenvalues: values, eigenvectors: .identity(5), minimizer: Matrix(column: zip(b, values).map { $0 / $1 }))
        let run = try bowl.conjugateGradient(from: Matrix(rows: 5, columns: 1), steps: 5)
        for (k, expected) in [(0, 3.7453675), (1, 1.4189707), (2, 0.5618332)] {
            #expect(abs(run.errorNorms[k] - expected) < 1e-7)
        }
        #expect(run.errorNorms[3] < 1e-14)
    }
}
