// Shared by the optimizer tests:
// - `AdaptiveFirstSteps`, the first-steps fixture of AdaGrad, AdaDelta, RMSProp
//   and Adamax (scripts/make_adaptive_optimizer_fixtures.py) and its quadratic;
// - `AdaptiveChecks`, closeness checks that name the quantity and a separable
//   quadratic whose gradient the Adam, NAdam, RAdam, LARS and LAMB tests
//   compute by hand;
// - the checks every optimizer must pass: bit-identical resume, shape errors,
//   foreign states, and Keras-style decoupled decay.
//
// Tolerances for the fixture: the script evaluates the same formulas in NumPy
// float64 (and checked them against PyTorch, optax and Keras to 1e-13), in a
// slightly different order of operations. Three steps of ~15 roundings each,
// with no cancellation worse than a factor ~10 on this problem, stay far
// inside 1e-12 relative in Double. In Float the parameters, A and c are
// rounded to Float (relative 6e-8) and every operation rounds at 6e-8, so the
// three-step error is ~1e-6; 2e-5 leaves room without hiding a wrong formula
// (the conventions differ from each other by ≥ 3e-6 in the large-ε cases, and
// those are checked in Double).

import DescentLinalg
import DescentOptimizers
import Foundation
import Testing

/// Decodes Fixtures/`file` (written by a script in scripts/).
func decodeFixture<T: Decodable>(_ file: String, as _: T.Type = T.self) throws -> T {
    let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: folder.appending(path: file)))
}

/// Fixtures/adaptive_first_steps.json.
struct AdaptiveFirstSteps: Decodable {
    struct Options: Decodable, CustomStringConvertible {
        let learningRate: Double
        let epsilon: Double
        let decay: Double?
        let momentum: Double?
        let centered: Bool?
        let nesterov: Bool?
        let weightDecay: Double?
        let learningRateDecay: Double?
        let initialAccumulator: Double?
        let beta1: Double?
        let beta2: Double?

        var description: String {
            let fields: [(String, Any?)] = [
                ("learningRate", learningRate), ("epsilon", epsilon), ("decay", decay), ("momentum", momentum),
                ("centered", centered), ("nesterov", nesterov), ("weightDecay", weightDecay),
                ("learningRateDecay", learningRateDecay), ("initialAccumulator", initialAccumulator),
                ("beta1", beta1), ("beta2", beta2),
            ]
            return fields.compactMap { name, value in value.map { "\(name): \($0)" } }.joined(separator: ", ")
        }
    }

    struct Case: Decodable {
        let optimizer: String
        let convention: String
        let options: Options
        let theta: [[Double]]
    }

    let theta0: [Double]
    let A: [[Double]]
    let c: [Double]
    let cases: [Case]

    static func load() throws -> AdaptiveFirstSteps { try decodeFixture("adaptive_first_steps.json") }

    /// The cases of one optimizer, each with its convention.
    static func cases(of optimizer: String) throws -> [(Case, Convention)] {
        let fixture = try load()
        return try fixture.cases.filter { $0.optimizer == optimizer }.map { item in
            (item, try #require(Convention(rawValue: item.convention)))
        }
    }

    /// θ₀ as the two tensors W (2×2) and b (2×1).
    static func start<S: BLASScalar>(_: S.Type = S.self) throws -> [Matrix<S>] {
        split(try load().theta0.map { S($0) })
    }

    static func split<S: BLASScalar>(_ theta: [S]) -> [Matrix<S>] {
        [Matrix(rows: 2, columns: 2, elements: Array(theta[0..<4])), Matrix(rows: 2, columns: 1, elements: Array(theta[4..<6]))]
    }

    /// ∇f = Aθ + c over the concatenated tensors, evaluated in S.
    func gradient<S: BLASScalar>(_ parameters: [Matrix<S>]) -> [Matrix<S>] {
        let theta = parameters.flatMap(\.elements)
        let g = A.indices.map { row in
            zip(A[row], theta).reduce(S(c[row])) { sum, term in sum + S(term.0) * term.1 }
        }
        return Self.split(g)
    }

    /// Runs `steps` updates through `step(_:gradientAt:)` and returns θ after each.
    func trajectory<O: Optimizer>(_ optimizer: inout O, steps: Int) throws -> [[Double]] {
        var parameters = Self.split(theta0.map { O.Scalar($0) })
        var result: [[Double]] = []
        for _ in 0..<steps {
            try optimizer.step(&parameters) { gradient($0) }
            result.append(parameters.flatMap(\.elements).map { Double($0) })
        }
        return result
    }
}

/// ‖a − b‖ / ‖b‖ for two flat vectors.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let size = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let error = difference / size
    return error.isNaN ? .infinity : error
}

/// Checks every fixture case of `optimizer` in Double (≤ 1e-12) and Float (≤ 2e-5).
func expectFixtureCases(
    of optimizer: String,
    double makeDouble: (AdaptiveFirstSteps.Options, Convention) throws -> any Optimizer<Double>,
    float makeFloat: (AdaptiveFirstSteps.Options, Convention) throws -> any Optimizer<Float>,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let fixture = try AdaptiveFirstSteps.load()
    let cases = try AdaptiveFirstSteps.cases(of: optimizer)
    #expect(cases.count >= 4, "too few \(optimizer) cases", sourceLocation: sourceLocation)
    for (item, convention) in cases {
        var double = try makeDouble(item.options, convention)
        var float = try makeFloat(item.options, convention)
        let doubleRun = try fixture.trajectory(&double, steps: item.theta.count)
        let floatRun = try fixture.trajectory(&float, steps: item.theta.count)
        for step in item.theta.indices {
            let doubleError = relativeDifference(doubleRun[step], item.theta[step])
            let floatError = relativeDifference(floatRun[step], item.theta[step])
            #expect(
                doubleError <= 1e-12,
                "\(optimizer) \(convention) [\(item.options)] step \(step + 1): Double error \(doubleError)",
                sourceLocation: sourceLocation)
            #expect(
                floatError <= 2e-5, "\(optimizer) \(convention) [\(item.options)] step \(step + 1): Float error \(floatError)",
                sourceLocation: sourceLocation)
        }
    }
}

/// Six uninterrupted steps on the fixture's quadratic equal three steps, a
/// save, a restore into a fresh optimizer and three more steps, bit for bit.
func expectResumeIsBitIdentical<O: Optimizer>(
    _ make: () throws -> O, sourceLocation: SourceLocation = #_sourceLocation
) throws where O.Scalar == Double {
    let fixture = try AdaptiveFirstSteps.load()
    try expectResumeContinuesBitIdentically(
        make, from: AdaptiveFirstSteps.start(), gradient: fixture.gradient, before: 3, after: 3,
        sourceLocation: sourceLocation)
}

/// Runs `before` steps from `initial`, saves the state and runs `after` more;
/// a fresh optimizer restored from the save must continue bit for bit:
/// parameters and complete states compared with ==, step counts included.
/// Steps go through `step(_:gradientAt:)`, so look-ahead methods are covered.
func expectResumeContinuesBitIdentically<O: Optimizer>(
    _ make: () throws -> O, from initial: [Matrix<O.Scalar>], gradient: ([Matrix<O.Scalar>]) -> [Matrix<O.Scalar>],
    before: Int, after: Int, sourceLocation: SourceLocation
) throws {
    var uninterrupted = try make()
    var parameters = initial
    for _ in 0..<before { try uninterrupted.step(&parameters) { gradient($0) } }
    let saved = uninterrupted.state()
    #expect(!saved.buffers.isEmpty, "no buffers saved after \(before) steps", sourceLocation: sourceLocation)
    var resumedParameters = parameters
    for _ in 0..<after { try uninterrupted.step(&parameters) { gradient($0) } }

    var resumed = try make()
    try resumed.restore(from: saved)
    #expect(
        resumed.stepCount == before && resumed.state() == saved, "restored state differs from the saved one",
        sourceLocation: sourceLocation)
    for _ in 0..<after { try resumed.step(&resumedParameters) { gradient($0) } }
    #expect(
        resumedParameters == parameters, "resumed run differs: \(resumedParameters) vs \(parameters)",
        sourceLocation: sourceLocation)
    #expect(resumed.state() == uninterrupted.state(), "resumed state differs", sourceLocation: sourceLocation)
    #expect(resumed.stepCount == before + after, sourceLocation: sourceLocation)
}

/// Wrong gradient counts and shapes throw, and so do parameters whose shapes
/// changed after the state was built; none of them counts as a step.
func expectShapeChecks<O: Optimizer>(
    _ make: () throws -> O, sourceLocation: SourceLocation = #_sourceLocation
) throws where O.Scalar == Double {
    var optimizer = try make()
    var parameters = [Matrix<Double>(rows: 2, columns: 2, repeating: 1), Matrix<Double>(column: [1, 2])]
    let count = #expect(throws: OptimizerError.self, sourceLocation: sourceLocation) {
        try optimizer.step(&parameters) { _ in [Matrix(rows: 2, columns: 2, repeating: 1)] }
    }
    #expect(count == .parameterCountMismatch(parameters: 2, gradients: 1), sourceLocation: sourceLocation)
    let shape = #expect(throws: OptimizerError.self, sourceLocation: sourceLocation) {
        try optimizer.step(&parameters) { _ in [Matrix(rows: 2, columns: 1, repeating: 1), Matrix(column: [1, 2])] }
    }
    guard case .shapeMismatch(index: 0, _, _) = shape else {
        Issue.record("expected a shape mismatch at index 0, got \(String(describing: shape))", sourceLocation: sourceLocation)
        return
    }
    #expect(optimizer.stepCount == 0 && optimizer.state().buffers.isEmpty, sourceLocation: sourceLocation)

    try optimizer.step(&parameters) { $0.map { $0 } }
    #expect(optimizer.stepCount == 1, sourceLocation: sourceLocation)
    var reshaped = [Matrix<Double>(rows: 2, columns: 2, repeating: 1), Matrix<Double>(column: [1, 2, 3])]
    let stale = #expect(throws: OptimizerError.self, sourceLocation: sourceLocation) {
        try optimizer.step(&reshaped) { $0.map { $0 } }
    }
    guard case .shapeMismatch(index: 1, _, _) = stale else {
        Issue.record("expected a shape mismatch at index 1, got \(String(describing: stale))", sourceLocation: sourceLocation)
        return
    }
    #expect(optimizer.stepCount == 1, sourceLocation: sourceLocation)
}

/// A state saved by another optimizer is refused.
func expectRefusesForeignState<O: Optimizer>(
    _ make: () throws -> O, sourceLocation: SourceLocation = #_sourceLocation
) throws where O.Scalar == Double {
    var optimizer = try make()
    let foreign = OptimizerState<Double>(optimizer: "SomethingElse", stepCount: 1)
    let error = #expect(throws: OptimizerError.self, sourceLocation: sourceLocation) { try optimizer.restore(from: foreign) }
    guard case .incompatibleState = error else {
        Issue.record("expected incompatibleState, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
}

/// Keras-style decoupled decay: under a zero loss gradient θ₀ = 1 shrinks to
/// (1 − ηλ)ᵗ, within `tolerance` (absolute), for t = 1…`steps`.
func expectDecoupledDecay<O: Optimizer>(
    of make: () throws -> O, factor: Double, steps: Int = 3, absolute tolerance: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    var optimizer = try make()
    var theta = [Matrix<O.Scalar>(column: [1])]
    for t in 1...steps {
        try optimizer.update(&theta, with: [Matrix(column: [0])])
        let expected = pow(factor, Double(t))
        #expect(
            abs(Double(theta[0][0, 0]) - expected) <= tolerance, "θ\(t) = \(theta[0][0, 0]), expected \(expected)",
            sourceLocation: sourceLocation)
    }
}

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

    /// `expectResumeContinuesBitIdentically` on `problem`: `before` steps, a
    /// save, a restore into a fresh optimizer and `after` more steps.
    static func expectResumesBitIdentically<O: Optimizer>(
        _ makeOptimizer: () throws -> O, before: Int = 4, after: Int = 5,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (initial, gradient) = problem(O.Scalar.self)
        try expectResumeContinuesBitIdentically(
            makeOptimizer, from: initial, gradient: gradient, before: before, after: after, sourceLocation: sourceLocation)
    }

    /// Runs `make()` on f = ½θ² from θ₀ = 1 (∇f = θ) and expects θₜ within
    /// `tolerance` (relative) of `expected[t − 1]` for every t.
    static func expectHalfSquareIterates<O: Optimizer>(
        of make: () throws -> O, _ expected: [Double], relative tolerance: Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var optimizer = try make()
        var theta = [Matrix<O.Scalar>(column: [1])]
        for (index, value) in expected.enumerated() {
            try optimizer.update(&theta, with: theta)
            expectClose(Double(theta[0][0, 0]), value, relative: tolerance, "θ\(index + 1)", sourceLocation: sourceLocation)
        }
    }

    /// The single element of a 1×1 parameter, as Double.
    static func scalar<S: BLASScalar>(_ matrix: Matrix<S>) -> Double { Double(matrix[0, 0]) }
}
