// The one place LAPACK's `info` becomes Swift's error model, and the README example.

import Testing

@testable import DescentLinalg

@Suite("LAPACK info handling")
struct LAPACKSupportTests {
    @Test("info > 0 throws the routine's data error; LAPACKE allocation failures throw outOfMemory")
    func positiveInfo() {
        #expect(throws: LinalgError.didNotConverge(routine: "dsyevd", info: 3)) {
            try checkLAPACK(3, routine: "dsyevd", arguments: []) { .didNotConverge(routine: "dsyevd", info: $0) }
        }
        #expect(throws: LinalgError.outOfMemory(routine: "dgesdd")) {
            try checkLAPACK(-1010, routine: "dgesdd", arguments: []) { .didNotConverge(routine: "dgesdd", info: $0) }
        }
        #expect(throws: Never.self) {
            try checkLAPACK(0, routine: "dpotrf", arguments: []) { .notPositiveDefinite(routine: "dpotrf", order: $0) }
        }
    }

    @Test("info < 0 is a precondition failure (Descent built an illegal call)")
    func negativeInfo() async {
        await #expect(processExitsWith: .failure) {
            try? checkLAPACK(-4, routine: "dsyevd", arguments: ["layout", "jobz", "uplo", "n"]) {
                .didNotConverge(routine: "dsyevd", info: $0)
            }
        }
    }

    @Test("The README's library example runs and prints what it says")
    func readmeExample() throws {
        var generator = Xoshiro256StarStar(seed: 42)
        let spectrum = (0..<200).map { Double.pow(1000, Double($0) / 199) }
        let (h, _) = try Matrix<Double>.randomSymmetric(eigenvalues: spectrum, using: &generator)
        let top = try SymmetricEigen(of: h, selecting: .largest(3))
        #expect(top.values.count == 3)
        // Exact: 1000^(197/199), 1000^(198/199), 1000.
        for (value, expected) in zip(top.values, [932.9304026284682, 965.8832241158701, 1000]) {
            #expect(abs(value - expected) <= 1e-9 * expected)
        }
        let x = try Cholesky(of: h).solve(Matrix(column: Array(repeating: 1, count: 200)))
        #expect(Double(nrm2(h * x - Matrix(column: Array(repeating: 1, count: 200)))) <= 1e-9)
    }
}
