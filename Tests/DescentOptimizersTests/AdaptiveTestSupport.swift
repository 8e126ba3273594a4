// Helpers shared by the Adam, NAdam, RAdam, LARS and LAMB tests: closeness
// checks that name the quantity, a separable quadratic whose gradient the
// tests compute by hand, and the save → restore → continue check.

import DescentLinalg
import DescentOptimizers
import Testing

enum AdaptiveChecks {
    /// Expects |actual − expected| ≤ tolerance·max(|expected|, floor).
    static func expectClose(
        _ actual: Double, _ expected: Double, relative tolerance: Double, floor: Double = 1e-300, _ label: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = abs(actual - expected) / max(abs(expected), floor)
        #expect(
            error <= tolerance, "\(label): \(actual) vs \(expected), relative error \(error) > \(tolerance)",
            sourceLocation: sourceLocation)
    }

    /// Expects |actual − expected| ≤ tolerance: for values printed with a fixed
    /// number of digits (tolerance = half a unit of the last digit).
    static func expectWithin(
        _ actual: Double, _ expected: Double, absolute tolerance: Double, _ label: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            abs(actual - expected) <= tolerance, "\(label): \(actual) vs \(expected) (±\(tolerance))",
            sourceLocation: sourceLocation)
    }

    /// The gradient of f = Σ ½·s⊙w² + c⊙w, tensor by tensor: g = s⊙w + c.
    static func separableGradient<S: BLASScalar>(
        _ parameters: [Matrix<S>], scales: [Matrix<S>], offsets: [Matrix<S>]
    ) -> [Matrix<S>] {
        parameters.indices.map { index in
            Matrix(rows: parameters[index].rows, columns: parameters[index].columns) { row, column in
                scales[index][row, column] * parameters[index][row, column] + offsets[index][row, column]
            }
        }
    }

    /// Two tensors (2×2 and 3×1) with gradients of very different sizes, so that
    /// per-tensor trust ratios and per-coordinate denominators differ.
    static func problem<S: BLASScalar>(_: S.Type = S.self) -> (
        initial: [Matrix<S>], gradient: ([Matrix<S>]) -> [Matrix<S>]
    ) {
        let initial: [Matrix<S>] = [Matrix([[0.5, -1.2], [2.0, 0.3]]), Matrix([[1.5], [-0.7], [0.05]])]
        let scales: [Matrix<S>] = [Matrix([[1.0, 3.0], [0.5, 10.0]]), Matrix([[2.0], [0.2], [50.0]])]
        let offsets: [Matrix<S>] = [Matrix([[0.1, -0.2], [0.0, 0.4]]), Matrix([[-0.3], [0.1], [0.0]])]
        return (initial, { separableGradient($0, scales: scales, offsets: offsets) })
    }

    /// Runs `steps` updates with gradients from `gradient`.
    static func run<O: Optimizer>(
        _ optimizer: inout O, _ parameters: inout [Matrix<O.Scalar>], steps: Int,
        gradient: ([Matrix<O.Scalar>]) -> [Matrix<O.Scalar>]
    ) throws {
        for _ in 0..<steps { try optimizer.update(&parameters, with: gradient(parameters)) }
    }

    /// Saves the state after `before` steps, then checks that a fresh optimizer
    /// restored from it continues bit-identically to the uninterrupted one for
    /// `after` steps (parameters and complete states compared with ==).
    static func expectResumesBitIdentically<O: Optimizer>(
        _ makeOptimizer: () throws -> O, before: Int = 4, after: Int = 5,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (initial, gradient) = problem(O.Scalar.self)
        var uninterrupted = try makeOptimizer()
        var parameters = initial
        try run(&uninterrupted, &parameters, steps: before, gradient: gradient)
        let saved = uninterrupted.state()
        var resumedParameters = parameters
        try run(&uninterrupted, &parameters, steps: after, gradient: gradient)

        var resumed = try makeOptimizer()
        try resumed.restore(from: saved)
        #expect(resumed.state() == saved, "restored state differs from the saved one", sourceLocation: sourceLocation)
        try run(&resumed, &resumedParameters, steps: after, gradient: gradient)
        #expect(resumedParameters == parameters, "resumed parameters differ", sourceLocation: sourceLocation)
        #expect(resumed.state() == uninterrupted.state(), "resumed state differs", sourceLocation: sourceLocation)
        #expect(resumed.stepCount == before + after, sourceLocation: sourceLocation)
    }

    /// The single element of a 1×1 parameter, as Double.
    static func scalar<S: BLASScalar>(_ matrix: Matrix<S>) -> Double { Double(matrix[0, 0]) }
}
