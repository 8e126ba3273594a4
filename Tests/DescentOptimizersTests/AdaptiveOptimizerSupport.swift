// Shared by the AdaGrad, AdaDelta, RMSProp and Adamax tests: the first-steps
// fixture (scripts/make_adaptive_optimizer_fixtures.py), its quadratic, and
// the checks every optimizer must pass (bit-identical resume, shape errors).
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

    static func load() throws -> AdaptiveFirstSteps {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let data = try Data(contentsOf: folder.appending(path: "adaptive_first_steps.json"))
        return try JSONDecoder().decode(AdaptiveFirstSteps.self, from: data)
    }

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

/// Six uninterrupted steps equal three steps, a save, a restore into a fresh
/// optimizer and three more steps, bit for bit (parameters and state).
func expectResumeIsBitIdentical<O: Optimizer>(
    _ make: () throws -> O, sourceLocation: SourceLocation = #_sourceLocation
) throws where O.Scalar == Double {
    let fixture = try AdaptiveFirstSteps.load()
    var uninterrupted = try make()
    var straight = try AdaptiveFirstSteps.start(Double.self)
    for _ in 0..<6 { try uninterrupted.step(&straight) { fixture.gradient($0) } }

    var first = try make()
    var resumed = try AdaptiveFirstSteps.start(Double.self)
    for _ in 0..<3 { try first.step(&resumed) { fixture.gradient($0) } }
    let saved = first.state()
    #expect(!saved.buffers.isEmpty, sourceLocation: sourceLocation)
    var second = try make()
    try second.restore(from: saved)
    #expect(second.stepCount == 3 && second.state() == saved, sourceLocation: sourceLocation)
    for _ in 0..<3 { try second.step(&resumed) { fixture.gradient($0) } }

    #expect(resumed == straight, "resumed run differs: \(resumed) vs \(straight)", sourceLocation: sourceLocation)
    #expect(second.state() == uninterrupted.state(), sourceLocation: sourceLocation)
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
