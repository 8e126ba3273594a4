// Batch, layer and group normalization: the worked example of
// THEORY.md §11, the properties the formulas promise, running statistics,
// the frozen state, and preconditions. Derivative checks, PyTorch reference
// values and the standardizer are in the NormalizationTests+*.swift files.
//
// Tolerances. THEORY.md gives its values to 10 significant digits, so Double
// results are compared with an absolute 1e-9 (values are at most ~6). In Float
// the forward and backward passes take ~10 operations on values ≤ 6, whose
// ulp is ≤ 4.8e-7: 1e-5 leaves room for that rounding and nothing more.
// Identities that hold exactly in exact arithmetic (zero means, Σ∂ℓ/∂x = 0)
// are checked at 1e-12 in Double, a few hundred ulps of the values involved.

import Testing

@testable import DescentNN

@Suite("Normalization layers")
struct NormalizationTests {
    // MARK: - Helpers

    /// Checks |actual − expected| ≤ tolerance element by element (row by row).
    static func expectClose<S: BLASScalar>(
        _ actual: Matrix<S>, _ expected: [Double], tolerance: Double, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
        let worst = zip(actual.elements, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst <= tolerance, "\(what): largest difference \(worst) > \(tolerance)", sourceLocation: sourceLocation)
    }

    /// A batch-norm layer with one feature, γ = 2, β = 0.5 (THEORY.md §11).
    static func theoryLayer<S: BLASScalar>(_: S.Type, momentum: Double? = 0.1) -> BatchNorm<S> {
        var layer = BatchNorm<S>(features: 1, momentum: momentum)
        layer.namedParameters = [
            ("weight", Tensor(variable: Matrix(row: [2]))), ("bias", Tensor(variable: Matrix(row: [0.5]))),
        ]
        return layer
    }

    /// Per-column mean and biased (1/m) variance of a matrix, in Double.
    static func columnMoments<S: BLASScalar>(_ m: Matrix<S>) -> (mean: [Double], variance: [Double]) {
        let n = Double(m.rows)
        let mean = (0..<m.columns).map { j in (0..<m.rows).reduce(0.0) { $0 + Double(m[$1, j]) } / n }
        let variance = (0..<m.columns).map { j in
            (0..<m.rows).reduce(0.0) { $0 + (Double(m[$1, j]) - mean[j]) * (Double(m[$1, j]) - mean[j]) } / n
        }
        return (mean, variance)
    }

    // MARK: - THEORY.md §11 worked example

    /// x = (1, 2, 3, 4), γ = 2, β = 0.5, ε = 1e−5, loss = Σ g⊙y with g = (0.1, −0.2, 0.3, 0.4).
    func checkTheoryExample<S: BLASScalar>(_: S.Type, tolerance: Double, sumTolerance: Double) {
        var layer = Self.theoryLayer(S.self)
        let x = Tensor(variable: Matrix<S>(column: [1, 2, 3, 4]))
        let y = layer(x, mode: .training)
        Self.expectClose(y.value, [-2.1832708399, -0.3944236133, 1.3944236133, 3.1832708399], tolerance: tolerance, "y")

        let loss = (y * Tensor(Matrix<S>(column: [0.1, -0.2, 0.3, 0.4]))).sum()
        let g = gradient(of: loss, withRespectTo: [x] + layer.parameters).map(\.value)
        Self.expectClose(g[0], [0.2862125510, -0.5008782252, 0.1431087799, 0.0715568943], tolerance: tolerance, "∂ℓ/∂x")
        Self.expectClose(g[1], [0.6260965293], tolerance: tolerance, "∂ℓ/∂γ")
        Self.expectClose(g[2], [0.6], tolerance: tolerance, "∂ℓ/∂β")
        #expect(abs(Double(g[0].sum())) <= sumTolerance, "Σ ∂ℓ/∂xᵢ = \(g[0].sum()) should vanish")

        // PyTorch's running statistics (momentum 0.1, from (0, 1)): unbiased variance 5/3.
        Self.expectClose(layer.runningMean, [0.25], tolerance: tolerance, "running mean after one batch")
        Self.expectClose(layer.runningVariance, [1.0666666667], tolerance: tolerance, "running variance after one batch")
        #expect(layer.batchesTracked == 1)

        // Inference uses them: 2(3 − 0.25)/√(1.0666666667 + 1e−5) + 0.5.
        Self.expectClose(layer(Tensor(Matrix<S>(column: [3]))).value, [5.8253271386], tolerance: tolerance, "inference at x = 3")
        Self.expectClose(layer.predict(Matrix<S>(column: [3])), [5.8253271386], tolerance: tolerance, "fused inference at x = 3")

        _ = layer(Tensor(Matrix<S>(column: [2, 4, 6, 8])), mode: .training)
        Self.expectClose(layer.runningMean, [0.725], tolerance: tolerance, "running mean after two batches")
        Self.expectClose(layer.runningVariance, [1.6266666667], tolerance: tolerance, "running variance after two batches")
        #expect(layer.batchesTracked == 2)
    }

    @Test func theoryWorkedExampleInDouble() {
        checkTheoryExample(Double.self, tolerance: 1e-9, sumTolerance: 1e-15)
    }

    @Test func theoryWorkedExampleInFloat() {
        checkTheoryExample(Float.self, tolerance: 1e-5, sumTolerance: 1e-6)
    }

    @Test func compactBackwardFormulaHoldsOnRandomBatches() throws {
        // ∂ℓ/∂xᵢ = γ/(m√(σ²+ε)) · (m gᵢ − Σⱼgⱼ − x̂ᵢ Σⱼ gⱼx̂ⱼ), per feature (THEORY.md §11).
        let (m, c) = (7, 3)
        let xValue = randomMatrix(m, c, in: -3...3, seed: 11)
        let upstream = randomMatrix(m, c, seed: 12)
        var layer = BatchNorm<Double>(features: c)
        layer.namedParameters = [
            ("weight", Tensor(variable: randomMatrix(1, c, in: 0.5...2, seed: 13))),
            ("bias", Tensor(variable: randomMatrix(1, c, seed: 14))),
        ]
        let x = Tensor(variable: xValue)
        let loss = (layer(x, mode: .training) * Tensor(upstream)).sum()
        let dx = gradient(of: loss, withRespectTo: [x])[0].value
        let (mean, variance) = Self.columnMoments(xValue)
        let gamma = try #require(layer.weight).value
        for j in 0..<c {
            let s = (variance[j] + 1e-5).squareRoot()
            let xHat = (0..<m).map { (xValue[$0, j] - mean[j]) / s }
            let sumG = (0..<m).reduce(0.0) { $0 + upstream[$1, j] }
            let sumGX = (0..<m).reduce(0.0) { $0 + upstream[$1, j] * xHat[$1] }
            for i in 0..<m {
                let expected = gamma[0, j] / (Double(m) * s) * (Double(m) * upstream[i, j] - sumG - xHat[i] * sumGX)
                #expect(abs(dx[i, j] - expected) <= 1e-12, "∂ℓ/∂x[\(i), \(j)]")
            }
            #expect(abs((0..<m).reduce(0.0) { $0 + dx[$1, j] }) <= 1e-12, "Σᵢ ∂ℓ/∂xᵢ in column \(j)")
        }
    }

    // MARK: - Running statistics and momentum conventions

    @Test func averagingFactorAlphaIsOneMinusMomentum() {
        var pytorch = Self.theoryLayer(Double.self, momentum: 0.1)
        var notes = BatchNorm<Double>(features: 1, averagingFactor: 0.9)
        notes.namedParameters = pytorch.namedParameters
        #expect(pytorch.averagingFactor == 0.9 && notes.momentum.map { abs($0 - 0.1) < 1e-15 } == true)
        for batch in [[1.0, 2, 3, 4], [2.0, 4, 6, 8]] {
            _ = pytorch(Tensor(Matrix(column: batch)), mode: .training)
            _ = notes(Tensor(Matrix(column: batch)), mode: .training)
        }
        Self.expectClose(notes.runningMean, [0.725], tolerance: 1e-12, "α = 0.9 running mean")
        Self.expectClose(notes.runningVariance, [1.6266666667], tolerance: 1e-9, "α = 0.9 running variance (not std)")
        // Keras's default α = 0.99 is PyTorch's momentum 0.01.
        #expect(BatchNorm<Double>(features: 1, averagingFactor: 0.99).momentum.map { abs($0 - 0.01) < 1e-15 } == true)
    }

    @Test func cumulativeAverageGivesIoffeSzegedyPopulationEstimate() {
        // momentum nil weights every batch equally: E[x] = mean of μ_B = 3.75, and
        // Var[x] = m/(m−1)·mean of σ²_B = (4/3)·(1.25 + 5)/2 = 4.1666666667.
        var layer = Self.theoryLayer(Double.self, momentum: nil)
        #expect(layer.averagingFactor == nil)
        _ = layer(Tensor(Matrix(column: [1, 2, 3, 4])), mode: .training)
        Self.expectClose(layer.runningMean, [2.5], tolerance: 1e-12, "first batch replaces the initial mean")
        _ = layer(Tensor(Matrix(column: [2, 4, 6, 8])), mode: .training)
        Self.expectClose(layer.runningMean, [3.75], tolerance: 1e-12, "E[x]")
        Self.expectClose(layer.runningVariance, [4.1666666667], tolerance: 1e-9, "Var[x]")
    }

    @Test(arguments: [1.0, 2.5, 10.0])
    func trainingOutputHasZeroMeanAndUnitVariancePerFeature(scale: Double) {
        // Per feature, x̂ has mean 0 and variance σ²/(σ² + ε) exactly (1 up to ε).
        let x = randomMatrix(32, 5, in: -scale...(3 * scale), seed: 21)
        var layer = BatchNorm<Double>(features: 5, affine: false)
        let y = layer(Tensor(x), mode: .training).value
        let (inputMean, inputVariance) = Self.columnMoments(x)
        let (mean, variance) = Self.columnMoments(y)
        for j in 0..<5 {
            #expect(abs(mean[j]) <= 1e-12, "mean of feature \(j)")
            #expect(abs(variance[j] - inputVariance[j] / (inputVariance[j] + 1e-5)) <= 1e-12, "variance of feature \(j)")
            #expect(abs(variance[j] - 1) <= 1e-5 / inputVariance[j], "variance of feature \(j) is 1 up to ε")
        }
        // The running statistics moved 10% of the way to the batch's (unbiased) ones.
        Self.expectClose(layer.runningMean, inputMean.map { 0.1 * $0 }, tolerance: 1e-12, "running mean")
        Self.expectClose(
            layer.runningVariance, inputVariance.map { 0.9 + 0.1 * $0 * 32 / 31 }, tolerance: 1e-12, "running variance")
    }

    @Test func affineOutputHasMeanBetaAndStandardDeviationGamma() {
        let x = randomMatrix(16, 3, in: -4...4, seed: 31)
        var layer = BatchNorm<Float>(features: 3)
        let gamma: [Float] = [2, -0.5, 3]
        let beta: [Float] = [1, 0, -2]
        layer.namedParameters = [("weight", Tensor(variable: Matrix(row: gamma))), ("bias", Tensor(variable: Matrix(row: beta)))]
        let y = layer(Tensor(x.converted(to: Float.self)), mode: .training).value
        let (mean, variance) = Self.columnMoments(y)
        for j in 0..<3 {
            #expect(abs(mean[j] - Double(beta[j])) <= 1e-5, "mean is β")
            #expect(abs(variance.map { $0.squareRoot() }[j] - Double(abs(gamma[j]))) <= 1e-4, "std is |γ| (up to ε)")
        }
    }

    @Test func inferenceLeavesTheLayerUnchanged() {
        var layer = BatchNorm<Double>(features: 2)
        _ = layer(Tensor(randomMatrix(8, 2, seed: 41)), mode: .training)
        let before = layer.namedState.map(\.value)
        _ = layer(Tensor(randomMatrix(8, 2, seed: 42)), mode: .inference)
        _ = layer(Tensor(Matrix(rows: 1, columns: 2)), mode: .inference)  // one example is fine in inference
        #expect(layer.namedState.map(\.value) == before)
    }

    // MARK: - Frozen state (transfer learning)

    @Test func frozenLayerKeepsItsStatisticsAndMatchesInference() throws {
        var layer = BatchNorm<Double>(features: 3)
        for seed in 51..<54 { _ = layer(Tensor(randomMatrix(10, 3, in: 0...4, seed: UInt64(seed))), mode: .training) }
        layer.freeze()
        #expect(layer.isFrozen)
        let state = layer.namedState.map(\.value)
        let batch = randomMatrix(6, 3, in: -2...2, seed: 60)
        let x = Tensor(variable: batch)
        let trained = layer(x, mode: .training)
        #expect(layer.namedState.map(\.value) == state, "a frozen layer must not update its running statistics")
        #expect(trained.value == layer(Tensor(batch)).value, "frozen training output = inference output")
        _ = layer(Tensor(Matrix(rows: 1, columns: 3)), mode: .training)  // one example is fine when frozen
        // γ and β still receive gradients.
        let g = gradient(of: (trained * trained).sum(), withRespectTo: layer.parameters)
        #expect(g.allSatisfy { $0.value.maxAbsoluteElement() > 0 })

        layer.unfreeze()
        _ = layer(x, mode: .training)
        #expect(layer.namedState.map(\.value) != state, "unfrozen, training updates the statistics again")
        #expect(layer.batchesTracked == 4)
    }

    @Test func stateUsesPyTorchNamesAndRoundTrips() {
        var source = BatchNorm<Double>(features: 2)
        _ = source(Tensor(randomMatrix(5, 2, seed: 70)), mode: .training)
        #expect(source.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(source.namedState.map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        var restored = BatchNorm<Double>(features: 2)
        restored.namedState = source.namedState
        #expect(restored.runningMean == source.runningMean && restored.runningVariance == source.runningVariance)
        #expect(restored.batchesTracked == 1)
        #expect(BatchNorm<Double>(features: 2, affine: false).namedParameters.isEmpty)
        let model = Sequential<Double>([Dense(weight: Matrix(rows: 2, columns: 2), bias: nil), source])
        #expect(model.namedState.map(\.name) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
    }

    @Test func batchOfOneInTrainingIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            var layer = BatchNorm<Double>(features: 2)
            _ = layer(Tensor(Matrix(rows: 1, columns: 2)), mode: .training)
        }
    }

    // MARK: - Layer normalization and group normalization

    @Test func layerNormAndBatchNormOnTheTheoryMatrix() {
        // A = [[1, 2, 6], [0, −3, 3]], ε = 1e−5, γ = 1, β = 0 (THEORY.md §11).
        let a = Tensor(Matrix<Double>([[1, 2, 6], [0, -3, 3]]))
        var layerNorm = LayerNorm<Double>(features: 3)
        Self.expectClose(
            layerNorm(a, mode: .training).value,
            [-0.9258191078, -0.4629095539, 1.3887286617, 0, -1.2247438508, 1.2247438508], tolerance: 1e-9, "LN rows")
        var batchNorm = BatchNorm<Double>(features: 3)
        // THEORY.md rounds these to 5–7 digits; exactly they are d/√(d² + ε) for half-ranges d = 0.5, 2.5, 1.5.
        Self.expectClose(
            batchNorm(a, mode: .training).value,
            [0.99998, 0.9999992, 0.9999978, -0.99998, -0.9999992, -0.9999978], tolerance: 5e-8, "BN columns")
        // LN of the single sample (1, 2, 3, 4) equals BN's x̂ of the column (1, 2, 3, 4).
        let four = LayerNorm<Double>(features: 4)
        Self.expectClose(
            four(Tensor(Matrix(row: [1, 2, 3, 4]))).value, [-1.34163542, -0.4472118067, 0.4472118067, 1.34163542],
            tolerance: 1e-8, "LN of (1, 2, 3, 4)")
    }

    @Test func layerNormIsTheSameInTrainingAndInferenceAndPerExample() {
        let x = randomMatrix(4, 6, in: -3...3, seed: 80)
        var layer = LayerNorm<Double>(features: 6)
        let whole = layer(Tensor(x), mode: .training).value
        #expect(whole == layer(Tensor(x)).value)
        for i in 0..<4 {
            #expect(layer(Tensor(x.row(i))).value == whole.row(i), "example \(i) does not depend on the others")
            let row = whole.row(i).elements
            #expect(abs(row.reduce(0, +)) <= 1e-12, "row \(i) mean 0")
        }
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"] && layer.namedState.isEmpty)
    }

    @Test func groupNormInterpolatesBetweenLayerNormAndInstanceNorm() {
        let x = Tensor(randomMatrix(5, 6, in: -2...2, seed: 90))
        let gamma = Tensor(variable: randomMatrix(1, 6, in: 0.5...2, seed: 91))
        let beta = Tensor(variable: randomMatrix(1, 6, seed: 92))
        func configured<L: Layer<Double>>(_ layer: L) -> L {
            var copy = layer
            copy.namedParameters = [("weight", gamma), ("bias", beta)]
            return copy
        }
        let layerNorm = configured(LayerNorm<Double>(features: 6))(x).value
        #expect(configured(GroupNorm<Double>(groups: 1, features: 6))(x).value == layerNorm, "G = 1 is layer norm")
        // G = C: each group is one number, so x̂ = 0 and y = β in every row.
        let instance = configured(GroupNorm<Double>(groups: 6, features: 6))(x).value
        #expect(instance == Matrix(rows: 5, columns: 6) { _, j in beta.value[0, j] }, "G = C gives β")
        // G = 3: each pair of features is layer-normalized on its own.
        let grouped = GroupNorm<Double>(groups: 3, features: 6, affine: false)(x).value
        for g in 0..<3 {
            let columns = 2 * g..<2 * g + 2
            let pair = LayerNorm<Double>(features: 2, affine: false)(Tensor(x.value.columns(columns))).value
            #expect(grouped.columns(columns).maxAbsoluteDifference(pair) <= 1e-15, "group \(g)")
        }
    }

    @Test func groupsThatDoNotDivideTheFeaturesAreAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            _ = GroupNorm<Double>(groups: 4, features: 6)
        }
    }

    // MARK: - Fused paths

    /// predict (nothing recorded: one fused loop) against the forward pass on the tape.
    func checkFusedPath<S: BLASScalar>(_: S.Type, tolerance: Double) {
        let x = randomMatrix(9, 12, in: -2...3, seed: 120).converted(to: S.self)
        var batchNorm = BatchNorm<S>(features: 12)
        _ = batchNorm(Tensor(randomMatrix(16, 12, in: 0...2, seed: 121).converted(to: S.self)), mode: .training)
        let layers: [(String, any Layer<S>)] = [
            ("BatchNorm", batchNorm), ("BatchNorm, affine: false", BatchNorm<S>(features: 12, affine: false)),
            ("LayerNorm", LayerNorm<S>(features: 12)), ("LayerNorm, affine: false", LayerNorm<S>(features: 12, affine: false)),
            ("GroupNorm 1", GroupNorm<S>(groups: 1, features: 12)), ("GroupNorm 4", GroupNorm<S>(groups: 4, features: 12)),
            ("GroupNorm 4, affine: false", GroupNorm<S>(groups: 4, features: 12, affine: false)),
        ]
        for (name, layer) in layers {
            var configured = layer
            // Random γ, β with a distinct value per feature, so a wrong column or group shows.
            configured.namedParameters = layer.namedParameters.enumerated().map { index, entry in
                (entry.name, Tensor(variable: randomMatrix(1, 12, in: 0.5...2, seed: 130 + UInt64(index)).converted(to: S.self)))
            }
            let fused = configured.predict(x)
            let taped = configured(Tensor(variable: x)).value  // a tracked input forces the tape
            let error = relativeError([fused.converted(to: Double.self)], [taped.converted(to: Double.self)])
            #expect(error <= tolerance, "\(name): fused vs tape \(error)")
        }
    }

    @Test func fusedInferenceAgreesWithTheTapeInDouble() { checkFusedPath(Double.self, tolerance: 1e-14) }

    @Test func fusedInferenceAgreesWithTheTapeInFloat() { checkFusedPath(Float.self, tolerance: 1e-6) }

    @Test func inferenceCentresBeforeScalingInFloat() {
        // Running mean 1000, standard deviation 0.1: (x − μ)/σ is of order 1 but μ/σ = 10⁴, so
        // x·(1/σ) − μ/σ would lose ~ulp(10⁴) ≈ 1e-3 to cancellation. Centring first keeps ~1e-6.
        var layer = BatchNorm<Float>(features: 1, affine: false)
        layer.namedState = [
            ("running_mean", Matrix(row: [1000])), ("running_var", Matrix(row: [0.01])),
            ("num_batches_tracked", Matrix(row: [1])),
        ]
        let x: [Float] = [999.875, 1000.0625, 1000.25]
        let exact = x.map { (Double($0) - 1000) / (0.01 + 1e-5).squareRoot() }
        Self.expectClose(layer.predict(Matrix(column: x)), exact, tolerance: 1e-5, "fused")
        Self.expectClose(layer(Tensor(variable: Matrix(column: x))).value, exact, tolerance: 1e-5, "on the tape")
    }
}
