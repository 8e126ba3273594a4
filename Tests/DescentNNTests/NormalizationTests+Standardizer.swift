// Data standardization: fitted statistics, the standardized training data,
// constant features, errors for bad data, and the standardizer as a layer.
//
// Tolerances: the statistics of standardized data are exact up to rounding of
// O(N) additions, so 1e-12 in Double (values of order 1, N ≤ 500). In Float the
// statistics are accumulated in Double and rounded once; the rounding of μ
// shifts the standardized mean by up to ulp(μ)/(2σ), stated where it is used.

import Testing

@testable import DescentNN

extension NormalizationTests {
    @Suite("Data normalization (Standardizer)")
    struct StandardizerTests {
        /// Three features on very different scales and offsets.
        static func trainingData(rows: Int = 200, seed: UInt64 = 300) -> Matrix<Double> {
            let base = randomMatrix(rows, 3, seed: seed)
            return Matrix(rows: rows, columns: 3) { i, j in [1.0, 100, 0.01][j] * base[i, j] + [0, 50, -3][j] }
        }

        @Test func standardizedTrainingDataHasMeanZeroAndUnitPopulationVariance() throws {
            let data = Self.trainingData()
            let standardizer = try Standardizer(fittedTo: data)
            let z = try standardizer.standardized(data)
            let (mean, variance) = NormalizationTests.columnMoments(z)
            for j in 0..<3 {
                #expect(abs(mean[j]) <= 1e-12, "mean of feature \(j)")
                #expect(abs(variance[j] - 1) <= 1e-12, "(1/N) variance of feature \(j)")
            }
            #expect(standardizer.features == 3 && standardizer.parameterCount == 0)
        }

        @Test func theoryTableEightStatisticsAndCorrelation() throws {
            // THEORY.md §8: means (3, 100), population variances (2, 200), correlation −0.3.
            let x = Matrix<Double>([[1, 110], [2, 90], [3, 100], [4, 120], [5, 80]])
            let standardizer = try Standardizer(fittedTo: x)
            NormalizationTests.expectClose(standardizer.mean, [3, 100], tolerance: 1e-12, "mean")
            NormalizationTests.expectClose(
                standardizer.standardDeviation, [(2.0).squareRoot(), (200.0).squareRoot()], tolerance: 1e-12,
                "population (1/N) standard deviation")
            let z = try standardizer.standardized(x)
            let h = gemm(z, z, transposingA: true) / 5  // ZᵀZ/N: the correlation matrix
            NormalizationTests.expectClose(h, [1, -0.3, -0.3, 1], tolerance: 1e-12, "ZᵀZ/N")
        }

        @Test func floatDataIsStandardizedToo() throws {
            let data = Self.trainingData(rows: 500, seed: 310).converted(to: Float.self)
            let standardizer = try Standardizer(fittedTo: data)
            let z = try standardizer.standardized(data)
            let (mean, variance) = NormalizationTests.columnMoments(z)
            for j in 0..<3 {
                // μ is rounded to Float (error ≤ ulp(μ)/2), which shifts every z by up to ulp(μ)/(2σ):
                // 4e-5 for the third feature (μ ≈ −3, σ ≈ 0.006). Twice that, plus 1e-6 for the rest.
                let mu = standardizer.mean[0, j]
                let sigma = Double(standardizer.standardDeviation[0, j])
                #expect(abs(mean[j]) <= Double(mu.ulp) / sigma + 1e-6, "mean of feature \(j)")
                #expect(abs(variance[j] - 1) <= 1e-6, "variance of feature \(j)")
            }
        }

        @Test func constantFeaturesGetStandardDeviationOne() throws {
            // 0.1 is not representable: its mean is within rounding of 0.1, not exactly it.
            let data = Matrix<Double>(rows: 7, columns: 3) { i, j in [0.1, Double(i), -4][j] }
            let standardizer = try Standardizer(fittedTo: data)
            #expect(standardizer.standardDeviation[0, 0] == 1 && standardizer.standardDeviation[0, 2] == 1)
            #expect(standardizer.standardDeviation[0, 1] == 2)  // population std of 0…6
            let z = try standardizer.standardized(data)
            #expect(z.column(0).maxAbsoluteElement() <= 1e-15 && z.column(2).maxAbsoluteElement() == 0)
            #expect(z.isFinite)
            // A single example makes every feature constant.
            let one = try Standardizer(fittedTo: Matrix<Double>(row: [3, -1]))
            #expect(try one.standardized(Matrix(row: [4, -1])) == Matrix(row: [1, 0]))
        }

        @Test func nonFiniteDataThrowsNamingRowAndColumn() throws {
            var elements = Self.trainingData(rows: 5).elements
            elements[2 * 3 + 1] = .nan
            let bad = Matrix(rows: 5, columns: 3, elements: elements)
            let error = try #require(#expect(throws: StandardizerError.self) { try Standardizer(fittedTo: bad) })
            guard case .nonFinite(let row, let column, let value) = error else {
                Issue.record("expected nonFinite, got \(error)")
                return
            }
            #expect(row == 2 && column == 1 && value.isNaN)
            #expect(error.description.contains("row 2, column 1") && error.description.contains("impute"))

            let standardizer = try Standardizer(fittedTo: Self.trainingData())
            var test = Self.trainingData(rows: 4, seed: 320).elements
            test[3 * 3 + 2] = -.infinity
            #expect(throws: StandardizerError.nonFinite(row: 3, column: 2, value: -.infinity)) {
                try standardizer.standardized(Matrix(rows: 4, columns: 3, elements: test))
            }
        }

        @Test func wrongShapesThrow() throws {
            #expect(throws: StandardizerError.emptyData(rows: 0, columns: 3)) {
                try Standardizer(fittedTo: Matrix<Double>(rows: 0, columns: 3))
            }
            let standardizer = try Standardizer(fittedTo: Self.trainingData())
            let error = try #require(
                #expect(throws: StandardizerError.featureCountMismatch(expected: 3, found: 2)) {
                    try standardizer.standardized(Matrix<Double>(rows: 4, columns: 2))
                })
            #expect(error.description.contains("2 features") && error.description.contains("fitted on 3"))
        }

        @Test func unstandardizedUndoesStandardized() throws {
            let data = Self.trainingData(rows: 10)
            let standardizer = try Standardizer(fittedTo: Self.trainingData())
            let roundTrip = try standardizer.unstandardized(try standardizer.standardized(data))
            #expect(roundTrip.maxAbsoluteDifference(data) <= 1e-12 * data.maxAbsoluteElement())
        }

        @Test func asALayerItStandardizesAndSavesItsStatistics() throws {
            let standardizer = try Standardizer(fittedTo: Self.trainingData())
            let test = Self.trainingData(rows: 6, seed: 330)
            #expect(standardizer(Tensor(test)).value.maxAbsoluteDifference(try standardizer.standardized(test)) <= 1e-14)
            #expect(standardizer.namedParameters.isEmpty)
            #expect(standardizer.namedState.map(\.name) == ["mean", "standard_deviation"])

            var restored = Standardizer<Double>(features: 3)
            #expect(restored(Tensor(test)).value == test, "an unfitted standardizer is the identity")
            restored.namedState = standardizer.namedState
            #expect(restored.mean == standardizer.mean && restored.standardDeviation == standardizer.standardDeviation)

            let model = Sequential<Double>([standardizer, Dense(weight: Matrix(rows: 1, columns: 3), bias: nil)])
            #expect(model.namedState.map(\.name) == ["0.mean", "0.standard_deviation"])
        }
    }
}
