// Seeded randomness: the generator against the reference algorithm, sampling
// statistics, and Haar-random orthogonal matrices.

import Testing

@testable import DescentLinalg

@Suite("Randomness")
struct RandomTests {
    @Test("xoshiro256** streams equal the reference implementation (scripts/reference_values.py)")
    func referenceStreams() {
        var zero = Xoshiro256StarStar(seed: 0)
        #expect(
            (0..<5).map { _ in zero.next() } == [
                0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59,
            ])
        var answer = Xoshiro256StarStar(seed: 42)
        #expect(
            (0..<5).map { _ in answer.next() } == [
                0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1, 0xFDE6_DC7F_E2EC_5E64,
            ])
    }

    @Test("Normal and uniform samples have the requested moments (5σ statistical bounds)")
    func moments() {
        var generator = testGenerator(31)
        let n = 200_000
        let normal = Matrix<Double>.randomNormal(rows: n, columns: 1, mean: 3, standardDeviation: 2, using: &generator)
        let mean = normal.mean()
        let variance = normal.map { ($0 - mean) * ($0 - mean) }.sum() / Double(n - 1)
        // Standard errors: σ/√n for the mean, σ²·√(2/n) for the variance.
        #expect(abs(mean - 3) <= 5 * 2 / Double(n).squareRoot())
        #expect(abs(variance - 4) <= 5 * 4 * (2 / Double(n)).squareRoot())
        // Fourth moment of a normal: 3σ⁴ (catches a uniform or wrongly scaled transform).
        let kurtosis = normal.map { Double.pow(($0 - mean) / 2, 4) }.mean()
        #expect(abs(kurtosis - 3) <= 0.1)
        let uniform = Matrix<Float>.randomUniform(rows: n, columns: 1, in: -1...3, using: &generator)
        #expect(uniform.minElement()! >= -1 && uniform.maxElement()! <= 3)
        #expect(abs(Double(uniform.mean()) - 1) <= 5 * (16.0 / 12 / Double(n)).squareRoot())
    }

    @Test("The same seed gives the same matrix; the stream does not depend on the shape")
    func reproducible() {
        var first = testGenerator(9), second = testGenerator(9)
        let a = Matrix<Double>.randomNormal(rows: 3, columns: 5, using: &first)
        let b = Matrix<Double>.randomNormal(rows: 5, columns: 3, using: &second)
        #expect(a.elements == b.elements)
        #expect(first == second)
    }

    @Test("Haar-random orthogonal matrices: orthogonal, and unbiased thanks to the sign fix")
    func haarOrthogonal() throws {
        var generator = testGenerator(41)
        let q = try Matrix<Double>.randomOrthogonal(30, using: &generator)
        #expect(orthogonalityError(q) <= 10 * 30 * Double.ulpOfOne)
        // Under the Haar measure each entry has mean 0 and E[q₀₀²] = 1/n. Householder QR
        // without the sign fix makes q₀₀ always negative, so its mean would be ≈ −0.6 here.
        let samples = 4000
        var sum = 0.0, sumOfSquares = 0.0
        for _ in 0..<samples {
            let q = try Matrix<Double>.randomOrthogonal(3, using: &generator)
            sum += q[0, 0]
            sumOfSquares += q[0, 0] * q[0, 0]
        }
        // Standard error of the mean: √(1/3 / samples) ≈ 0.009.
        #expect(abs(sum / Double(samples)) <= 5 * (1.0 / 3 / Double(samples)).squareRoot())
        #expect(abs(sumOfSquares / Double(samples) - 1.0 / 3) <= 0.02)
    }

    @Test("A symmetric matrix with a prescribed spectrum has exactly that spectrum and is exactly symmetric")
    func prescribedSpectrum() throws {
        var generator = testGenerator(43)
        let spectrum: [Float] = [-2, 0, 0.5, 1, 1, 100]
        let (a, basis) = try Matrix<Float>.randomSymmetric(eigenvalues: spectrum, using: &generator)
        #expect(a == a.transposed())
        let eigen = try SymmetricEigen(of: a, computeVectors: false)
        for (x, y) in zip(eigen.values, spectrum) { #expect(abs(x - y) <= 60 * Float.ulpOfOne * 100) }
        // Column j of the basis is the eigenvector of spectrum[j].
        let v = basis.column(5)
        #expect(Double(nrm2(a * v - 100 * v)) <= 1e-3)
        #expect(throws: LinalgError.nonFinite(routine: "symmetric(eigenvalues:basis:)", row: 1, column: 1, value: .infinity)) {
            try Matrix<Double>.symmetric(eigenvalues: [1, .infinity], basis: .identity(2))
        }
    }
}
