// Gradient descent on bowls: THEORY.md §1 (the rotated 2-D bowl Q2 and the
// rate table), run through DescentOptimizers' SGD and compared with the
// closed forms.

import DescentConvergence
import Testing

/// |a − b| ≤ tolerance·max(|b|, tiny).
func isClose(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(abs(b), 1e-300)
}

@Suite struct GradientDescentTheoryTests {
    /// Q2: H = [[5.5, 4.5], [4.5, 5.5]] (λ = 1, 10), w* = (1, −2), w₀ = 0.
    static func q2() throws -> QuadraticBowl {
        try QuadraticBowl(hessian: Matrix([[5.5, 4.5], [4.5, 5.5]]), minimizer: Matrix(column: [1, -2]))
    }

    @Test func q2EigenCoordinatesOfTheStart() throws {
        let bowl = try Self.q2()
        #expect(bowl.eigenvalues.count == 2)
        #expect(isClose(bowl.eigenvalues[0], 1, relative: 1e-14) && isClose(bowl.eigenvalues[1], 10, relative: 1e-14))
        let α = bowl.eigenCoordinates(of: Matrix(column: [0, 0]))
        // Eigenvector signs are LAPACK's choice: compare magnitudes (THEORY: (−2.1213203436, 0.7071067812)).
        #expect(isClose(abs(α[0]), 2.1213203436, relative: 1e-10))
        #expect(isClose(abs(α[1]), 0.7071067812, relative: 1e-9))
    }

    /// The Q2 table: w_T and f − f* after T steps of SGD (plain gradient descent).
    @Test(arguments: [
        (0.1, 1, [-0.35, -0.65], 1.8225),
        (0.1, 10, [0.4769823399, -1.4769823399], 0.2735475),
        (0.1, 50, [0.9922693372, -1.9922693372], 5.976315e-5),
        (2.0 / 11, 10, [0.8655693673, -1.7311387345], 8.584008e-2),
        (0.2, 50, [1.4999785913, -1.4999785913], 2.5),
        (0.21, 50, [59.6954150256, 56.6954378541], 3.445153e4),
    ])
    func q2Table(learningRate: Double, steps: Int, point: [Double], excess: Double) throws {
        let bowl = try Self.q2()
        var sgd = try SGD<Double>(learningRate: learningRate)
        let run = try bowl.iterate(with: &sgd, from: Matrix(column: [0, 0]), until: .steps(steps))
        // THEORY prints 10 decimals, and f − f* to 7 significant digits.
        #expect(abs(run.finalPoint[0] - point[0]) <= 1e-9 && abs(run.finalPoint[1] - point[1]) <= 1e-9, "\(run.finalPoint)")
        #expect(isClose(run.excessValues[steps], excess, relative: 2e-6))
        // The closed form ½Σλ(1 − ηλ)^{2T}α² agrees with the optimizer to rounding.
        let theory = try ConvergenceTheory(bowl: bowl)
        let predicted = theory.gradientDescentExcessLoss(
            learningRate: learningRate, initialCoordinates: bowl.eigenCoordinates(of: Matrix(column: [0, 0])), steps: steps)
        #expect(isClose(run.excessValues[steps], predicted, relative: 1e-11))
    }

    @Test func q2AtTheOptimalStepAfter50Steps() throws {
        let bowl = try Self.q2()
        var sgd = try SGD<Double>(learningRate: 2.0 / 11)
        let run = try bowl.iterate(with: &sgd, from: Matrix(column: [0, 0]), until: .steps(50), recordingCoordinatesAt: [50])
        let α = try #require(run.coordinates[50])
        #expect(isClose(abs(α[0]), 9.3131687e-5, relative: 1e-7))
        #expect(isClose(abs(α[1]), 3.1043896e-5, relative: 1e-7))
        #expect(isClose(run.excessValues[50], 9.155373e-9, relative: 1e-6))
    }

    @Test func ratesAndIterationCountsForKappa10() throws {
        let theory = try ConvergenceTheory(eigenvalues: [1, 10])
        #expect(isClose(theory.gradientDescentOptimal.learningRate, 0.1818181818, relative: 1e-9))
        #expect(isClose(theory.rate(of: theory.gradientDescentOptimal), 9.0 / 11, relative: 1e-14))
        #expect(isClose(theory.rate(of: theory.gradientDescentAtInverseL), 0.9, relative: 1e-14))
        #expect(isClose(ConvergenceTheory.fractionalIterations(toReduceErrorBy: 1e-6, rate: 9.0 / 11), 68.85, relative: 1e-4))
        #expect(theory.iterations(toReduceErrorBy: 1e-6, rate: 9.0 / 11) == 69)
        #expect(isClose(ConvergenceTheory.fractionalIterations(toReduceErrorBy: 1e-6, rate: 0.9), 131.13, relative: 1e-4))
        #expect(theory.iterations(toReduceErrorBy: 1e-6, rate: 0.9) == 132)
        // κ = 1 at η* = 2/(μ+L): ρ = 0, one step lands on the minimum; a target already met needs none.
        #expect(ConvergenceTheory.iterations(toReduceErrorBy: 1e-6, rate: 0) == 1)
        #expect(ConvergenceTheory.iterations(toReduceErrorBy: 1, rate: 0.5) == 0)
        #expect(ConvergenceTheory.iterations(toReduceErrorBy: 1e-6, rate: 1) == nil)
        #expect(theory.stabilityBound(of: .gradientDescent(learningRate: 0.1)) == 0.2)
    }

    /// THEORY §1's rate table, every column, from ``ConvergenceTheory/rate(of:)`` (spectral radii over [1, κ]).
    @Test(arguments: [
        (10.0, [0.818182, 0.9, 0.5194939, 0.6837722, 0.6407894], [69, 132, nil, nil, nil]),
        (100.0, [0.980198, 0.99, 0.8181818, 0.9, 0.8847219], [691, 1375, 69, 132, 113]),
        (1000.0, [0.998002, 0.999, 0.9386931, 0.9683772, 0.9634912], [6908, 13809, 219, 430, 372]),
    ] as [(Double, [Double], [Int?])])
    func rateTable(conditionNumber κ: Double, rates: [Double], iterations: [Int?]) throws {
        let theory = try ConvergenceTheory(eigenvalues: [1, κ])
        let methods = [
            theory.gradientDescentOptimal, theory.gradientDescentAtInverseL, theory.polyakOptimal,
            theory.nesterovStandard, theory.nesterovQuadraticOptimal,
        ]
        for (index, method) in methods.enumerated() {
            let spectral = theory.rate(of: method)
            #expect(isClose(spectral, rates[index], relative: 1e-6), "\(method): \(spectral)")
            #expect(isClose(spectral, theory.closedFormRates[index].rate, relative: 1e-9), "\(method) vs closed form")
            if let expected = iterations[index] {
                #expect(theory.iterations(toReduceErrorBy: 1e-6, rate: spectral) == expected, "\(method)")
            }
        }
    }

    @Test func theoryRefusesIndefiniteOrEmptySpectra() {
        #expect(throws: ConvergenceError.self) { try ConvergenceTheory(eigenvalues: [-1, 2]) }
        #expect(throws: ConvergenceError.self) { try ConvergenceTheory(eigenvalues: []) }
        #expect(throws: ConvergenceError.self) { try ConvergenceTheory(eigenvalues: [1, .nan]) }
    }
}
