// SymmetricOperator: products of an explicit matrix and of exact HVPs, counts, refusals.

import DescentAutograd
import Testing

@testable import DescentConvergence

@Suite struct SpectraSymmetricOperatorTests {
    @Test func explicitMatrixMultipliesBlocksAndCountsColumns() throws {
        let a = Matrix<Double>([[2, 1, 0], [1, 3, 1], [0, 1, 4]])
        let h = try SymmetricOperator(matrix: a)
        let block = Matrix<Double>([[1, 0], [0, 1], [0, 2]])
        // A·V by hand: columns A·e₁ = (2, 1, 0) and A·(e₂ + 2e₃) = (1, 5, 9).
        #expect(h.apply(to: block) == Matrix([[2, 1], [1, 5], [0, 9]]))
        let copy = h
        _ = copy.apply(to: Matrix(column: [1, 1, 1]))
        #expect(h.productCount == 3)  // copies share the counter
        #expect(h.applicationCount == 2)
    }

    @Test func refusesNonSquareAndAsymmetricMatrices() {
        #expect(throws: SpectrumError.notSquare(rows: 2, columns: 3)) {
            try SymmetricOperator(matrix: Matrix(rows: 2, columns: 3))
        }
        let asymmetric = Matrix<Double>([[1, 2], [2.5, 1]])
        #expect {
            try SymmetricOperator(matrix: asymmetric)
        } throws: { error in
            guard case let .notSymmetric(row, column, difference, _) = error as? SpectrumError else { return false }
            return row == 0 && column == 1 && difference == 0.5
        }
    }

    @Test func hessianOperatorProductsMatchTheClosedForm() throws {
        // f(w) = Σ wᵢ³ has H = diag(6wᵢ).
        let w = Tensor(variable: Matrix<Double>(column: [1, -2, 0.5]))
        let h = SymmetricOperator(HessianOperator(of: (w * w * w).sum(), withRespectTo: [w]))
        #expect(h.dimension == 3)
        #expect(h.apply(to: Matrix([[1, 0], [1, 1], [1, 0]])) == Matrix([[6, 0], [-12, -12], [3, 0]]))
    }

    @Test func startVectorsAreUnitAndReproducible() throws {
        for start in [StartVector.random(seed: 4), .rademacher(seed: 4)] {
            let first = try start.unitVector(dimension: 100)
            #expect(abs(nrm2(first) - 1) < 1e-15)
            #expect(first == (try start.unitVector(dimension: 100)))
        }
        let signs = try StartVector.rademacher(seed: 9).unitVector(dimension: 100).elements
        #expect(signs.allSatisfy { abs(abs($0) - 0.1) < 1e-16 })
        #expect(throws: SpectrumError.vectorShape(expected: 3, rows: 2, columns: 1)) {
            try StartVector.vector(Matrix(column: [1, 2])).unitVector(dimension: 3)
        }
        #expect(throws: SpectrumError.unusableStartVector(reason: "it is zero")) {
            try StartVector.vector(Matrix(column: [0, 0])).unitVector(dimension: 2)
        }
    }
}
