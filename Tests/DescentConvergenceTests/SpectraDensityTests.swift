// Stochastic Lanczos quadrature against THEORY.md §9.4, and the smoothed density.

import Foundation
import Testing

@testable import DescentConvergence

@Suite struct SpectraDensityTests {
    /// A = diag(1..10), v = ones/√10, m = 3: nodes, weights and moments of THEORY.md §9.4
    /// (17 digits printed by scripts/hessian_spectra_reference_values.py).
    @Test func quadratureOfTheTheoryExample() throws {
        let h = try SymmetricOperator(matrix: Matrix(diagonal: (1...10).map(Double.init)))
        let quadrature = try StochasticLanczosQuadrature(steps: 3).estimate(
            of: h, startingFrom: [.vector(Matrix(rows: 10, columns: 1, repeating: 1))])
        let nodes = [1.6724681581990708, 5.5000000000000036, 9.327531841800926]
        let weights = [0.28156996587030764, 0.4368600682593855, 0.28156996587030714]
        for (computed, expected) in zip(quadrature.nodes[0], nodes) { #expect(abs(computed - expected) <= 1e-9 * expected) }
        for (computed, expected) in zip(quadrature.weights[0], weights) { #expect(abs(computed - expected) <= 1e-9) }
        #expect(quadrature.products == 3)
        // Exact for j ≤ 2m − 1 = 5: the moments (1/10)Σkʲ (relative 1e−12: a few roundings of 1e4-size terms).
        let exactMoments = [1, 5.5, 38.5, 302.5, 2533.3, 22082.5]
        for (j, exact) in exactMoments.enumerated() {
            #expect(abs(quadrature.moment(j) - exact) <= 1e-12 * exact, "j = \(j): \(quadrature.moment(j))")
        }
        // Not exact for j = 6: 197531.62 against 197840.5.
        #expect(abs(quadrature.moment(6) - 197_531.62) < 0.01)
    }

    /// A diagonal H and a Rademacher probe: every vᵢ² = 1/n, so the quadrature is
    /// the exact spectral measure (THEORY.md §9.4: nodes 1, 2, 3, 4, weights ¼).
    @Test func rademacherProbeRecoversTheExactDensityOfADiagonalMatrix() throws {
        let h = try SymmetricOperator(matrix: Matrix(diagonal: [1, 2, 3, 4]))
        let given = try StochasticLanczosQuadrature(steps: 4).estimate(
            of: h, startingFrom: [.vector(Matrix(column: [1, -1, 1, 1]))])
        let random = try StochasticLanczosQuadrature(steps: 10, probes: 3, seed: 5).estimate(of: h)
        for quadrature in [given, random] {
            for (nodes, weights) in zip(quadrature.nodes, quadrature.weights) {
                #expect(nodes.count == 4)  // the space is exhausted at n = 4 whatever m asks
                for (node, expected) in zip(nodes, [1.0, 2, 3, 4]) { #expect(abs(node - expected) < 1e-13) }
                for weight in weights { #expect(abs(weight - 0.25) < 1e-13) }
            }
        }
        let grid = evenGrid(from: 0, to: 5, points: 501)
        let estimated = try random.density(on: grid, kernelVariance: 0.01)
        let exact = try SpectralDensity(eigenvalues: [1, 2, 3, 4], grid: grid, kernelVariance: 0.01)
        let gap = zip(estimated.values, exact.values).map { abs($0 - $1) }.max()!
        #expect(gap < 1e-12, "largest difference \(gap)")
    }

    @Test func weightsSumToOneAndDensityIntegratesToOne() throws {
        var generator = Xoshiro256StarStar(seed: 2)
        let spectrum = (0..<120).map { _ in Double.random(in: -3...20, using: &generator) }
        let a = try Matrix<Double>.randomSymmetric(eigenvalues: spectrum, using: &generator).matrix
        let quadrature = try StochasticLanczosQuadrature(steps: 30, probes: 4, seed: 9)
            .estimate(of: try SymmetricOperator(matrix: a))
        #expect(quadrature.products == 120)
        for weights in quadrature.weights { #expect(abs(weights.reduce(0, +) - 1) < 1e-13) }
        // First moments: (1/n)tr(H) and (1/n)tr(H²) are estimated without bias; with 4 probes
        // of a 120-dimensional matrix the mean is within a few percent.
        #expect(abs(quadrature.moment(1) - a.trace / 120) < 0.1 * abs(a.trace / 120))
        let density = try quadrature.density()
        #expect(density.grid.count == 10_000 && abs(density.integral - 1) < 1e-12)
        #expect(abs(density.kernelVariance - 1e-5 * (quadrature.nodeRange.upperBound - quadrature.nodeRange.lowerBound)) < 1e-18)
        // Ritz values interlace: every node lies inside [λmin, λmax] (up to rounding).
        #expect(quadrature.nodeRange.upperBound <= spectrum.max()! + 1e-12)
        #expect(quadrature.nodeRange.lowerBound >= spectrum.min()! - 1e-12)
    }

    @Test func chartIsAnSVGWithBothCurves() throws {
        let grid = evenGrid(from: -1, to: 6, points: 5000)
        let exact = try SpectralDensity(eigenvalues: [0, 0, 0, 1, 5], grid: grid, kernelVariance: 1e-3)
        let svg = exact.chart(name: "exact", comparedWith: [("again", exact)]).svg()
        #expect(svg.hasPrefix("<?xml") && svg.contains("exact") && svg.contains("again"))
        let path = NSTemporaryDirectory() + "spectra-density-\(UUID().uuidString).svg"
        try exact.chart().write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == exact.chart().svg())
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func rejectsBadOptions() throws {
        let h = try SymmetricOperator(matrix: Matrix(diagonal: [1, 2]))
        #expect(throws: SpectrumError.self) { try StochasticLanczosQuadrature(steps: 0).estimate(of: h) }
        #expect(throws: SpectrumError.self) { try StochasticLanczosQuadrature(probes: 0).estimate(of: h) }
        let quadrature = try StochasticLanczosQuadrature().estimate(of: h)
        #expect(throws: SpectrumError.self) { try quadrature.density(points: 1) }
        #expect(throws: SpectrumError.self) { try quadrature.density(on: [0, 1], kernelVariance: 0) }
        #expect(throws: SpectrumError.self) { try quadrature.density(on: [1, 0]) }
    }
}
