// MatrixSpectrum: the memory budget is checked from the header alone, input
// problems name the file and the position, and the decomposition of a
// matrix with a known spectrum gives it back (all, top-k, bottom-k).

import DescentConvergence
import Foundation
import Testing

@Suite struct MatrixSpectrumTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("matrix-spectrum-\(UUID().uuidString)-\(name)").path
    }

    /// Q·diag(1, 2, 3, 4, 5)·Qᵀ with Q a random rotation: eigenvalues 1…5 exactly, to rounding.
    static func knownMatrix() throws -> Matrix<Double> {
        try QuadraticBowl(eigenvalues: [1, 2, 3, 4, 5], eigenvectors: randomBasis()).hessian
    }

    static func randomBasis() throws -> Matrix<Double> {
        var generator = Xoshiro256StarStar(seed: 3)
        return try Matrix.randomOrthogonal(5, using: &generator)
    }

    @Test func memoryEstimateCountsMatrixCopyAndWorkspace() {
        let n = 1000
        let values = MatrixSpectrum.memoryNeeded(order: n, selection: .all, vectors: false)
        let matrixBytes: Double = 8e6
        let valuesWorkspace: Double = 8 * 2001
        #expect(values == 2 * matrixBytes + valuesWorkspace)
        let vectors = MatrixSpectrum.memoryNeeded(order: n, selection: .all, vectors: true)
        let vectorsWorkspace: Double = 8 * (1 + 6000 + 2e6) + 4 * 5003
        #expect(vectors == 2 * matrixBytes + vectorsWorkspace)
        // Reading a 16 MB text file next to the 8 MB matrix needs more than decomposing.
        #expect(MatrixSpectrum.memoryNeeded(order: n, selection: .all, vectors: false, fileBytes: 16_000_000) == 24e6)
        let top = MatrixSpectrum.memoryNeeded(order: n, selection: SpectrumSelection(largest: 5), vectors: false)
        let selectedWorkspace: Double = 8 * 26 * 1000 + 4 * 10 * 1000 + 8 * 1000  // dsyevr: work, iwork, w
        #expect(top == 2 * matrixBytes + selectedWorkspace)
        #expect(top < vectors)
    }

    @Test func tooLargeIsRefusedFromTheHeader() throws {
        let path = Self.temporaryPath("h.npy")
        try NumpyFile.write(try Self.knownMatrix(), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SpectrumInputError.self) {
            try MatrixSpectrum.checkFile(path, selection: .all, vectors: true, memoryLimit: 100)
        }
        guard case let .tooLarge(_, rows, columns, needed, limit) = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(rows == 5 && columns == 5 && limit == 100)
        #expect(needed == MatrixSpectrum.memoryNeeded(order: 5, selection: .all, vectors: true, fileBytes: 128 + 200))
        #expect(error?.description.contains("more than the memory limit of 1 KiB") == true)
        let shape = try MatrixSpectrum.checkFile(path, selection: .all, vectors: true, memoryLimit: 1e9)
        #expect(shape.rows == 5 && shape.columns == 5 && shape.isExact)
    }

    @Test func nonSquareIsRefusedFromTheHeader() throws {
        let path = Self.temporaryPath("wide.npy")
        try NumpyFile.write(Matrix<Double>(rows: 2, columns: 3), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SpectrumInputError.self) {
            try MatrixSpectrum.checkFile(path, selection: .all, vectors: false, memoryLimit: 1e9)
        }
        #expect(error == .notSquare(path: path, rows: 2, columns: 3))
    }

    @Test func decomposesAllTopAndBottom() throws {
        let matrix = try Self.knownMatrix()
        let all = try MatrixSpectrum.decompose(matrix, path: "m", vectors: true)
        #expect(zip(all.report.eigenvalues, [1.0, 2, 3, 4, 5]).allSatisfy { abs($0 - $1) < 1e-13 })
        #expect(isClose(all.report.conditionNumber!, 5, relative: 1e-13))
        // H·V = V·Λ column by column.
        let vectors = try #require(all.vectors)
        let product = gemm(matrix, vectors)
        for j in 0..<5 {
            for i in 0..<5 { #expect(abs(product[i, j] - all.report.eigenvalues[j] * vectors[i, j]) < 1e-12) }
        }
        let ends = try MatrixSpectrum.decompose(
            matrix, path: "m", selection: SpectrumSelection(smallest: 1, largest: 2), vectors: true)
        #expect(ends.report.eigenvalues.count == 3 && abs(ends.report.eigenvalues[2] - 5) < 1e-13)
        #expect(ends.report.definiteness == .positiveDefinite && isClose(ends.report.conditionNumber!, 5, relative: 1e-13))
        #expect(ends.vectors?.rows == 5 && ends.vectors?.columns == 3)
        let error = #expect(throws: SpectrumInputError.self) {
            try MatrixSpectrum.decompose(matrix, path: "m", selection: SpectrumSelection(largest: 6))
        }
        #expect(error == .selectionOutOfRange(option: "--top", count: 6, dimension: 5))
    }

    @Test func asymmetryNamesTheWorstPair() throws {
        var matrix = try Self.knownMatrix()
        matrix[1, 3] += 0.25
        matrix[0, 4] += 0.5
        let error = #expect(throws: SpectrumInputError.self) { try MatrixSpectrum.decompose(matrix, path: "a.npy") }
        guard case let .notSymmetric(path, row, column, difference, _, _) = error else {
            Issue.record("expected notSymmetric, got \(String(describing: error))")
            return
        }
        #expect(path == "a.npy" && Set([row, column]) == [0, 4] && abs(difference - 0.5) < 1e-12)
        #expect(error!.description.contains("row 1, column 5 counting from 1") || error!.description.contains("row 5, column 1"))
    }

    @Test func nonFiniteEntryIsLocated() throws {
        var matrix = try Self.knownMatrix()
        matrix[2, 1] = .nan
        let path = Self.temporaryPath("nan.csv")
        try matrix.save(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SpectrumInputError.self) { try MatrixSpectrum.load(path) }
        guard case let .nonFinite(_, row, column, value) = error else {
            Issue.record("expected nonFinite, got \(String(describing: error))")
            return
        }
        #expect(row == 2 && column == 1 && value.isNaN)
        #expect(error!.description.contains("a[2, 1] (counting from 0; row 3, column 2 counting from 1)"))
    }

    @Test func emptyMatrixIsRefused() throws {
        let path = Self.temporaryPath("empty.npy")
        try NumpyFile.write(Matrix<Double>(rows: 0, columns: 0), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SpectrumInputError.emptyMatrix(path: path)) { try MatrixSpectrum.load(path) }
    }
}
