// Weight initializers: each distribution's moments against its formula, the
// exact values of THEORY.md §10/§13, orthogonality, sparsity, reproducibility.
//
// Statistical tolerances are 5 standard errors of the estimate for the sample
// size used (each check states its standard error). With fixed seeds the tests
// are deterministic; a correct implementation would fail one check with
// probability below 10⁻⁶, while the errors they guard against (fan_in and
// fan_out swapped, the notes' 6/√(N+M) bound, a missing gain) move the
// estimate by hundreds of standard errors.

import Testing

@testable import DescentNN

/// One initializer with its variance written out by hand for a 256 × 1024 matrix
/// (fan_out = 256, fan_in = 1024; not square, so swapping the fans changes the variance).
struct InitializerCase: Sendable, CustomTestStringConvertible {
    let initializer: Initializer
    /// Var(w) from the paper's formula.
    let variance: Double
    /// The half-width a of U[−a, a], or nil for a normal distribution.
    let bound: Double?
    var testDescription: String { initializer.description }

    static let rows = 256, columns = 1024

    static let all: [InitializerCase] = [
        InitializerCase(initializer: .uniform(bound: 0.3), variance: 0.09 / 3, bound: 0.3),
        InitializerCase(initializer: .normal(standardDeviation: 0.05), variance: 0.0025, bound: nil),
        InitializerCase(initializer: .lecunNormal, variance: 1.0 / 1024, bound: nil),
        InitializerCase(initializer: .lecunUniform, variance: 1.0 / 1024, bound: (3.0 / 1024).squareRoot()),
        InitializerCase(initializer: .glorotUniform, variance: 2.0 / 1280, bound: 6.0.squareRoot() / 1280.0.squareRoot()),
        InitializerCase(
            initializer: .glorotUniform(gain: 5.0 / 3), variance: 25.0 / 9 * 2 / 1280,
            bound: 5.0 / 3 * 6.0.squareRoot() / 1280.0.squareRoot()),
        InitializerCase(initializer: .glorotNormal, variance: 2.0 / 1280, bound: nil),
        InitializerCase(initializer: .glorotNormal(gain: 2.0.squareRoot()), variance: 4.0 / 1280, bound: nil),
        InitializerCase(initializer: .heNormal, variance: 2.0 / 1024, bound: nil),
        InitializerCase(initializer: .heNormal(mode: .fanOut), variance: 2.0 / 256, bound: nil),
        // Leaky ReLU with slope a: gain² = 2/(1 + a²); a = 1 (the identity) gives LeCun's 1/fan_in.
        InitializerCase(initializer: .heNormal(negativeSlope: 1), variance: 1.0 / 1024, bound: nil),
        InitializerCase(initializer: .heNormal(mode: .fanOut, negativeSlope: 0.5), variance: 2 / 1.25 / 256, bound: nil),
        InitializerCase(initializer: .heUniform, variance: 2.0 / 1024, bound: (6.0 / 1024).squareRoot()),
        InitializerCase(initializer: .heUniform(mode: .fanOut), variance: 2.0 / 256, bound: (6.0 / 256).squareRoot()),
        // PyTorch's spelling of its nn.Linear default: kaiming_uniform_(a: √5) = U[±1/√fan_in].
        InitializerCase(initializer: .heUniform(negativeSlope: 5.0.squareRoot()), variance: 1.0 / 3072, bound: 1.0 / 32),
        InitializerCase(initializer: .pytorchLinearDefault, variance: 1.0 / 3072, bound: 1.0 / 32),
    ]
}

/// Moments of a sample about 0, accumulated in Double.
private struct Moments {
    let count: Double, mean: Double, meanSquare: Double, meanFourth: Double, maxAbsolute: Double

    init<S: BLASScalar>(_ values: some Sequence<S>) {
        var n = 0.0, sum = 0.0, squares = 0.0, fourth = 0.0, largest = 0.0
        for value in values {
            let x = Double(value)
            n += 1
            sum += x
            squares += x * x
            fourth += x * x * x * x
            largest = max(largest, abs(x))
        }
        (count, mean, meanSquare, meanFourth, maxAbsolute) = (n, sum / n, squares / n, fourth / n, largest)
    }

    /// Kurtosis E[w⁴]/E[w²]² (about 0): 3 for a normal, 9/5 for a uniform distribution.
    var kurtosis: Double { meanFourth / (meanSquare * meanSquare) }
}

/// The largest |(AᵀA or AAᵀ) − gain²·I| over the elements, computed in Double.
private func orthonormalityError<S: BLASScalar>(_ w: Matrix<S>, gain: Double = 1) -> Double {
    let a = w.converted(to: Double.self)
    let gram = w.rows >= w.columns ? gemm(a, a, transposingA: true) : gemm(a, a, transposingB: true)
    return gram.maxAbsoluteDifference(gain * gain * Matrix.identity(gram.rows))
}

@Suite("Initializers")
struct InitializerTests {
    // MARK: - Distributions

    @Test(
        "variance(rows:columns:) is the paper's formula, with fan_in = columns and fan_out = rows", arguments: InitializerCase.all
    )
    func varianceFormula(_ c: InitializerCase) {
        let variance = c.initializer.variance(rows: InitializerCase.rows, columns: InitializerCase.columns)
        #expect(abs(variance - c.variance) <= 1e-14 * c.variance)
    }

    @Test("Sample mean, variance, kurtosis and range match the distribution (Float and Double)", arguments: InitializerCase.all)
    func sampleMoments(_ c: InitializerCase) throws {
        try checkMoments(c, Float.self, seed: 1)
        try checkMoments(c, Double.self, seed: 2)
    }

    private func checkMoments<S: BLASScalar>(_ c: InitializerCase, _: S.Type, seed: UInt64) throws {
        var generator = Xoshiro256StarStar(seed: seed)
        let w: Matrix<S> = try c.initializer.matrix(
            rows: InitializerCase.rows, columns: InitializerCase.columns, using: &generator)
        #expect(w.rows == InitializerCase.rows && w.columns == InitializerCase.columns)
        let m = Moments(w.elements)
        let n = m.count, sigma2 = c.variance
        // Standard errors: mean σ/√n; mean of w² √(Var(w²)/n) with Var(w²) = 2σ⁴ (normal)
        // or 4σ⁴/5 (uniform); kurtosis E[w⁴]/E[w²]² by the delta method √(24/n) (normal) or
        // √(1.3166/n) (uniform; checked by simulation with numpy, 300 samples of n = 262144).
        #expect(abs(m.mean) <= 5 * (sigma2 / n).squareRoot(), "mean \(m.mean)")
        let squareVariance = (c.bound == nil ? 2 : 0.8) * sigma2 * sigma2
        #expect(
            abs(m.meanSquare - sigma2) <= 5 * (squareVariance / n).squareRoot(), "mean square \(m.meanSquare), expected \(sigma2)"
        )
        if let bound = c.bound {
            #expect(abs(m.kurtosis - 1.8) <= 5 * (1.3166 / n).squareRoot(), "kurtosis \(m.kurtosis) is not a uniform's")
            // Never exceeded (the bound rounded to S is what the draw uses); nearly reached:
            // P(max |w| < a(1 − 10⁻³)) = (1 − 10⁻³)ⁿ ≈ e⁻²⁶² for n = 262144.
            #expect(m.maxAbsolute <= Double(S(bound)))
            #expect(m.maxAbsolute >= bound * (1 - 1e-3))
        } else {
            #expect(abs(m.kurtosis - 3) <= 5 * (24 / n).squareRoot(), "kurtosis \(m.kurtosis) is not a normal's")
        }
    }

    // MARK: - Exact values from THEORY.md

    @Test("Glorot uniform at n_in = n_out = 256: bound √6/√512 = 0.1082531755, Var 0.00390625 (not the notes' 6/√512)")
    func glorotUniformReference() throws {
        #expect(abs(Initializer.glorotUniform.variance(rows: 256, columns: 256) - 0.00390625) <= 1e-17)
        var generator = Xoshiro256StarStar(seed: 3)
        let w: Matrix<Double> = try Initializer.glorotUniform.matrix(rows: 256, columns: 256, using: &generator)
        // 65536 draws: P(max |w| < a(1 − 10⁻³)) ≈ e⁻⁶⁵. The notes' 6/√512 = 0.265 would exceed 0.11.
        #expect(w.maxAbsoluteElement() <= 0.1082531755 + 1e-10)
        #expect(w.maxAbsoluteElement() >= 0.1082531755 * (1 - 1e-3))
    }

    @Test("Glorot normal at n_in = 100, n_out = 400: std √(2/500) = 0.0632455532, not the mean scale factor 0.075")
    func glorotNormalReference() throws {
        #expect(abs(Initializer.glorotNormal.variance(rows: 400, columns: 100).squareRoot() - 0.0632455532) <= 1e-10)
        var generator = Xoshiro256StarStar(seed: 4)
        let w: Matrix<Double> = try Initializer.glorotNormal.matrix(rows: 400, columns: 100, using: &generator)
        // 40000 draws: the sample std has standard error ≈ σ/√(2n) = 0.35% of σ; 5 of them is 1.8%.
        let std = Moments(w.elements).meanSquare.squareRoot()
        #expect(abs(std - 0.0632455532) <= 5 * 0.0632455532 / (2 * 40000.0).squareRoot())
    }

    @Test("He at M = 256 (notes S0): ε² = 2/256, so (M/2)·ε² = 1; LeCun 1/M; the standard heuristic 1/(3M)")
    func heAndLeCunReference() {
        let he = Initializer.heNormal.variance(rows: 64, columns: 256)
        #expect(abs(he - 0.0078125) <= 1e-17)
        #expect(abs(256 / 2 * he - 1) <= 1e-15)
        #expect(abs(Initializer.heUniform.variance(rows: 64, columns: 256) - 0.0078125) <= 1e-17)
        #expect(abs(Initializer.lecunNormal.variance(rows: 64, columns: 256) - 1.0 / 256) <= 1e-18)
        #expect(abs(Initializer.pytorchLinearDefault.variance(rows: 64, columns: 256) - 1.0 / 768) <= 1e-18)
    }

    // MARK: - Constants

    @Test("zeros and constant are exact and draw nothing (Float and Double, weights and bias columns)")
    func constants() throws {
        try checkConstants(Float.self)
        try checkConstants(Double.self)
    }

    private func checkConstants<S: BLASScalar>(_: S.Type) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        let untouched = generator
        let zeros: Matrix<S> = try Initializer.zeros.matrix(rows: 3, columns: 5, using: &generator)
        #expect(zeros == Matrix(rows: 3, columns: 5, elements: Array(repeating: 0, count: 15)))
        let bias: Matrix<S> = try Initializer.constant(0.1).matrix(rows: 7, columns: 1, using: &generator)
        #expect(bias.rows == 7 && bias.columns == 1)
        #expect(bias.elements.allSatisfy { $0 == S(0.1) })
        #expect(generator == untouched)
        #expect(Initializer.constant(0.1).variance(rows: 7, columns: 1) == 0)
    }

    // MARK: - Orthogonal

    @Test(
        "orthogonal: WᵀW = I (square, tall) or WWᵀ = I (wide) to 1e-12 in Double, gain² with a gain",
        arguments: [(200, 200), (300, 120), (120, 300)])
    func orthogonalDouble(rows: Int, columns: Int) throws {
        var generator = Xoshiro256StarStar(seed: 6)
        let w: Matrix<Double> = try Initializer.orthogonal.matrix(rows: rows, columns: columns, using: &generator)
        #expect(w.rows == rows && w.columns == columns)
        #expect(orthonormalityError(w) <= 1e-12)
        let scaled: Matrix<Double> = try Initializer.orthogonal(gain: 2).matrix(rows: rows, columns: columns, using: &generator)
        #expect(orthonormalityError(scaled, gain: 2) <= 4e-12)
        // Σ w² = gain²·min(rows, columns) exactly, so the mean square equals variance(rows:columns:).
        let meanSquare = Moments(scaled.elements).meanSquare
        let expected = Initializer.orthogonal(gain: 2).variance(rows: rows, columns: columns)
        #expect(abs(expected - 4 / Double(max(rows, columns))) <= 1e-15)
        #expect(abs(meanSquare - expected) <= 1e-12 * expected)
        // Σ w over a Haar matrix has standard deviation √min(rows, columns) (about the size of one row of
        // a random rotation); 5 of them bound the element mean.
        let mean = Moments(w.elements).mean
        #expect(abs(mean) <= 5 * Double(min(rows, columns)).squareRoot() / Double(rows * columns))
    }

    @Test("orthogonal in Float: orthonormal to about n·ε_Float", arguments: [(128, 128), (256, 64), (64, 256)])
    func orthogonalFloat(rows: Int, columns: Int) throws {
        var generator = Xoshiro256StarStar(seed: 7)
        let w: Matrix<Float> = try Initializer.orthogonal.matrix(rows: rows, columns: columns, using: &generator)
        // Householder QR loses orthogonality in proportion to n·ε; 10·n·ε is a generous ceiling.
        #expect(orthonormalityError(w) <= 10 * Double(max(rows, columns)) * Double(Float.ulpOfOne))
    }

    @Test("orthogonal rectangular draws are unbiased: E[w₀₀] = 0 (sign-fixed thin QR)", arguments: [(3, 2), (2, 3)])
    func orthogonalUnbiased(rows: Int, columns: Int) throws {
        var generator = Xoshiro256StarStar(seed: 8)
        let samples = 4000
        var sum = 0.0
        for _ in 0..<samples {
            let w: Matrix<Double> = try Initializer.orthogonal.matrix(rows: rows, columns: columns, using: &generator)
            sum += w[0, 0]
        }
        // E[w₀₀²] = 1/3, so the standard error of the mean is √(1/3/samples) ≈ 0.009. Without the
        // sign fix LAPACK's Householder Q has w₀₀ of one sign, and the mean would be near ±0.5.
        #expect(abs(sum / Double(samples)) <= 5 * (1.0 / 3 / Double(samples)).squareRoot())
    }

    // MARK: - Sparse

    @Test("sparse: exactly k non-zeros in every row, 𝒩(0, σ²) values, columns chosen uniformly (Float and Double)")
    func sparse() throws {
        try checkSparse(Float.self, standardDeviation: 1, seed: 9)
        try checkSparse(Double.self, standardDeviation: 0.5, seed: 10)
    }

    private func checkSparse<S: BLASScalar>(_: S.Type, standardDeviation sigma: Double, seed: UInt64) throws {
        let rows = 2048, columns = 300, k = 15
        let initializer = Initializer.sparse(nonZerosPerRow: k, standardDeviation: sigma)
        var generator = Xoshiro256StarStar(seed: seed)
        let w: Matrix<S> = try initializer.matrix(rows: rows, columns: columns, using: &generator)
        for i in 0..<rows {
            let count = (0..<columns).count { w[i, $0] != 0 }
            #expect(count == k, "row \(i) has \(count) non-zeros")
        }
        let values = Moments(w.elements.filter { $0 != 0 })
        let n = values.count, sigma2 = sigma * sigma
        // Standard errors of the non-zero values: σ/√n for the mean, σ²·√(2/n) for the mean square.
        #expect(abs(values.mean) <= 5 * (sigma2 / n).squareRoot())
        #expect(abs(values.meanSquare - sigma2) <= 5 * sigma2 * (2 / n).squareRoot())
        #expect(abs(initializer.variance(rows: rows, columns: columns) - Double(k) / 300 * sigma2) <= 1e-16)
        // Each column's count is Binomial(rows, k/columns): mean 102.4, std ≈ 9.9. Always choosing
        // the same columns would put 2048 in some and 0 in others; 6 std over 300 columns.
        let p = Double(k) / Double(columns)
        let expected = Double(rows) * p, spread = (Double(rows) * p * (1 - p)).squareRoot()
        for j in 0..<columns {
            let count = Double((0..<rows).count { w[$0, j] != 0 })
            #expect(abs(count - expected) <= 6 * spread, "column \(j) has \(count) non-zeros, expected about \(expected)")
        }
    }

    @Test("sparse edge cases: k = 0 gives zeros, k = columns gives a full matrix")
    func sparseEdges() throws {
        var generator = Xoshiro256StarStar(seed: 11)
        let none: Matrix<Double> = try Initializer.sparse(nonZerosPerRow: 0).matrix(rows: 4, columns: 6, using: &generator)
        #expect(none == Matrix(rows: 4, columns: 6))
        let full: Matrix<Float> = try Initializer.sparse(nonZerosPerRow: 6).matrix(rows: 4, columns: 6, using: &generator)
        #expect(full.elements.allSatisfy { $0 != 0 })
    }

    @Test("sparse with more non-zeros than columns is a precondition failure")
    func sparseTooManyNonZeros() async {
        await #expect(processExitsWith: .failure) {
            var generator = Xoshiro256StarStar(seed: 12)
            let _: Matrix<Double>? = try? Initializer.sparse(nonZerosPerRow: 15).matrix(rows: 4, columns: 10, using: &generator)
        }
    }

    // MARK: - Reproducibility and shapes

    static let random: [Initializer] = InitializerCase.all.map(\.initializer) + [.orthogonal, .sparse(nonZerosPerRow: 3)]

    @Test("The same seed gives the same matrix; another seed gives another (Float and Double)", arguments: random)
    func reproducible(_ initializer: Initializer) throws {
        try checkReproducible(initializer, Float.self)
        try checkReproducible(initializer, Double.self)
    }

    private func checkReproducible<S: BLASScalar>(_ initializer: Initializer, _: S.Type) throws {
        var first = Xoshiro256StarStar(seed: 13), second = Xoshiro256StarStar(seed: 13), other = Xoshiro256StarStar(seed: 14)
        let a: Matrix<S> = try initializer.matrix(rows: 20, columns: 30, using: &first)
        let b: Matrix<S> = try initializer.matrix(rows: 20, columns: 30, using: &second)
        let c: Matrix<S> = try initializer.matrix(rows: 20, columns: 30, using: &other)
        #expect(a == b)
        #expect(first == second)
        #expect(a != c)
        // The generator moved on: a second draw from it differs from the first.
        let next: Matrix<S> = try initializer.matrix(rows: 20, columns: 30, using: &first)
        #expect(next != a)
    }

    @Test("Empty shapes give empty matrices and draw nothing", arguments: random)
    func emptyShapes(_ initializer: Initializer) throws {
        var generator = Xoshiro256StarStar(seed: 15)
        let untouched = generator
        let wide: Matrix<Float> = try initializer.matrix(rows: 0, columns: 5, using: &generator)
        let tall: Matrix<Double> = try initializer.matrix(rows: 5, columns: 0, using: &generator)
        #expect(wide.rows == 0 && wide.columns == 5 && tall.rows == 5 && tall.columns == 0)
        #expect(generator == untouched)
    }

    @Test("Descriptions spell the call site; a property equals the function with default arguments")
    func descriptionsAndEquality() {
        #expect(Initializer.heNormal.description == "heNormal(mode: .fanIn, negativeSlope: 0.0)")
        #expect(Initializer.glorotUniform(gain: 2).description == "glorotUniform(gain: 2.0)")
        #expect(Initializer.pytorchLinearDefault.description == "pytorchLinearDefault")
        #expect(Initializer.heNormal == .heNormal(mode: .fanIn, negativeSlope: 0))
        #expect(Initializer.heNormal != .heNormal(mode: .fanOut))
        #expect(Initializer.heNormal != .heUniform)
        #expect(Initializer.orthogonal == .orthogonal(gain: 1))
    }

    @Test("A negative uniform bound is a precondition failure")
    func negativeBound() async {
        await #expect(processExitsWith: .failure) {
            _ = Initializer.uniform(bound: -1)
        }
    }
}
