// Per-layer Hessian blocks against the diagonal blocks of the exact Hessian.

import Testing

@testable import DescentConvergence

@Suite struct HessianBlockTests {
    /// The rows and columns `indices` of `matrix`.
    static func submatrix(_ matrix: Matrix<Double>, _ indices: [Int]) -> Matrix<Double> {
        Matrix(rows: indices.count, columns: indices.count) { i, j in matrix[indices[i], indices[j]] }
    }

    @Test func layerBlocksGroupEachDenseLayersWeightAndBias() throws {
        let blocks = try HessianFixtures.small().analysis.layerBlocks
        #expect(blocks.map(\.name) == ["0", "2"])
        #expect(blocks.map(\.parameterNames) == [["0.weight", "0.bias"], ["2.weight", "2.bias"]])
        #expect(blocks.map(\.ranges) == [[0..<1024, 1024..<1040], [1040..<1200, 1200..<1210]])
    }

    /// Top eigenvalue (Lanczos, relative 1e-8 — the tolerance on the bound is 1e-10) and
    /// exact trace (a sum of 1,040 or 170 diagonal entries: relative 1e-12) of each layer's
    /// block, against the same block cut out of the exact Hessian.
    @Test func blockTopEigenvalueAndTraceMatchTheExactDiagonalBlocks() throws {
        let small = try HessianFixtures.small()
        let (analysis, exact) = (small.analysis, small.exact)
        let results = try analysis.blockSpectra()
        #expect(results.count == 2)
        for result in results {
            let indices = result.block.ranges.flatMap { Array($0) }
            let block = Self.submatrix(exact.matrix, indices)
            let top = try SymmetricEigen(of: block, selecting: .largest(1), computeVectors: false).values[0]
            #expect(abs(result.top.value - top) <= 1e-8 * abs(top), "block \(result.block.name): \(result.top.value) vs \(top)")
            #expect(abs(result.trace - block.trace) <= 1e-12 * abs(block.trace), "block \(result.block.name)")
            #expect(result.traceEstimate == nil && result.products >= indices.count)
        }
    }

    /// One draw: at 99% the interval misses with probability 1% whatever the seed (the
    /// coverage itself is measured over 200 seeds in SpectraHutchinsonTests).
    @Test func hutchinsonBlockTraceCoversTheExactOne() throws {
        let small = try HessianFixtures.small()
        let (analysis, exact) = (small.analysis, small.exact)
        let block = analysis.layerBlocks[1]
        let result = try analysis.blockSpectra([block], traceMethod: .hutchinson(HutchinsonTrace(probes: 60, blockSize: 20, confidenceLevel: 0.99)))
        let indices = block.ranges.flatMap { Array($0) }
        let estimate = try #require(result[0].traceEstimate)
        #expect(estimate.confidenceInterval.contains(Self.submatrix(exact.matrix, indices).trace))
    }

    /// A block of two tensors from different layers (non-contiguous coordinates):
    /// H_BB·u against the exact submatrix times u.
    @Test func customBlockOperatorIsTheExactSubmatrix() throws {
        let small = try HessianFixtures.small()
        let (analysis, exact) = (small.analysis, small.exact)
        let block = try analysis.block(named: "biases", parameterNames: ["2.bias", "0.bias"])
        #expect(block.parameterNames == ["0.bias", "2.bias"] && block.count == 26)
        var generator = Xoshiro256StarStar(seed: 6)
        let u = Matrix<Double>.randomNormal(rows: 26, columns: 3, using: &generator)
        let product = analysis.blockOperator(block).apply(to: u)
        let expected = Self.submatrix(exact.matrix, block.ranges.flatMap { Array($0) }) * u
        for i in 0..<26 {
            for j in 0..<3 { #expect(abs(product[i, j] - expected[i, j]) <= 1e-13) }
        }
        #expect(throws: SpectrumError.self) { try analysis.block(named: "x", parameterNames: ["3.weight"]) }
    }
}
