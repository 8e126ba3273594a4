// Golden trajectories (issue 4, item 3): every optimizer under every convention
// preset whose framework has the method, 20 steps on a rotated 2-D quadratic
// and on a 2-3-2 tanh MLP, against the same runs in PyTorch, optax, Keras 3
// (JAX backend) and NumPy-from-paper, all in float64. The numbers come from
// scripts/make_optimizer_golden.py (Fixtures/golden_trajectories.json); the
// fixture's loading and decoding live in GoldenTrajectoryFixture.swift.
//
// Error measure: at every step and for every parameter tensor,
// ‖a − b‖∞ / max(‖b‖∞, 1e−12), the normwise relative error of Descent's tensor a
// against the reference b. An element-wise relative error is meaningless for
// elements that pass near 0 (a weight crossing zero has |b| ≈ 1e−17 at some
// step); the tensor's own scale is what a rounding difference is relative to.
// Tolerance 1e−10: both sides run in Double, so the differences are rounding
// in a different order of operations (about 1e−16 per step, amplified at most
// a few hundred times over 20 steps of these well-conditioned runs); the
// fixture stores 13 significant digits (≤ 5e−13 relative). A wrong formula —
// ε inside instead of outside a root, a missing bias correction, another
// momentum schedule, decay coupled instead of decoupled — moves the
// parameters by 1e−6 or more within a few steps.

import DescentLinalg
import DescentNN
import DescentOptimizers
import Testing

@Suite("Golden trajectories against PyTorch, optax, Keras and the papers")
struct GoldenTrajectoryTests {
    static let tolerance = 1e-10

    @Test("20 steps match the reference run", arguments: GoldenFixture.shared?.cases ?? [])
    func trajectoryMatchesTheReference(_ golden: GoldenCase) throws {
        let fixture = try #require(GoldenFixture.shared)
        let problem = try #require(fixture.problem(named: golden.problem), "unknown problem \(golden.problem)")
        let convention = try #require(Convention(rawValue: golden.convention), "unknown convention \(golden.convention)")
        var arguments = GoldenArguments(golden.arguments)
        let made = try makeGoldenOptimizer(golden.optimizer, &arguments, convention)
        var optimizer = try #require(made, "no Swift optimizer is mapped for \(golden.optimizer)")
        #expect(arguments.unused.isEmpty, "\(golden.id): arguments \(arguments.unused) were not passed to the init")

        var parameters = problem.start
        var worst = 0.0
        var firstFailure: String?
        for (index, expected) in golden.trajectory.enumerated() {
            try optimizer.step(&parameters, gradientAt: problem.gradient)
            for (tensor, reference) in zip(parameters, expected) {
                let error = Self.relativeError(tensor.elements, reference)
                worst = max(worst, error)
                if error > Self.tolerance, firstFailure == nil {
                    firstFailure = "step \(index + 1): \(tensor.elements) vs \(reference), relative error \(error)"
                }
            }
        }
        #expect(golden.trajectory.count == fixture.steps)
        #expect(firstFailure == nil, "\(golden.id) (\(golden.reference)) first differs at \(firstFailure ?? "")")
        #expect(worst <= Self.tolerance, "\(golden.id): largest relative error \(worst)")
    }

    /// ‖a − b‖∞ / max(‖b‖∞, 1e−12).
    static func relativeError(_ actual: [Double], _ expected: [Double]) -> Double {
        guard actual.count == expected.count else { return .infinity }
        let difference = zip(actual, expected).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        let scale = expected.reduce(0.0) { max($0, abs($1)) }
        return difference / max(scale, 1e-12)
    }

    @Test("The fixture covers every optimizer under every convention its frameworks have, on both problems")
    func fixtureCoversEveryOptimizerAndConvention() throws {
        let fixture = try #require(GoldenFixture.shared, "Fixtures/golden_trajectories.json did not load")
        let all: [Convention] = [.paper, .pytorch, .optax, .keras]
        // PyTorch has no LARS or LAMB, Keras 3 no LARS or RAdam (Descent's
        // .pytorch LARS/LAMB and .keras RAdam follow ports outside the frameworks).
        let expected: [String: [Convention]] = [
            "SGD": all, "Adam": all, "AdamW": all, "AdaGrad": all, "AdaDelta": all, "RMSProp": all,
            "Adamax": all, "NAdam": all, "RAdam": [.paper, .pytorch, .optax], "LARS": [.paper, .optax],
            "LAMB": [.paper, .optax, .keras],
        ]
        for (optimizer, conventions) in expected {
            for convention in conventions {
                for problem in ["quadratic", "mlp"] {
                    #expect(
                        fixture.cases.contains {
                            $0.optimizer == optimizer && $0.convention == convention.rawValue && $0.problem == problem
                        },
                        "no \(optimizer) \(convention) case on the \(problem)")
                }
            }
        }
        #expect(fixture.cases.count >= 130)
        // The fixture's parameter order is Sequential's.
        let network = try #require(fixture.problem(named: "mlp"))
        #expect(GoldenProblem.network(network.start).namedParameters.map(\.name) == fixture.problems.mlp.names)
    }

    /// The gradient oracle is exercised: the look-ahead methods really ask for
    /// the gradient away from the stored parameters.
    @Test("Look-ahead methods evaluate the gradient at w + μv, not at w")
    func lookAheadMethodsAskForAnotherPoint() throws {
        let fixture = try #require(GoldenFixture.shared)
        let problem = try #require(fixture.problem(named: "quadratic"))
        var sgd = try SGD<Double>(learningRate: 0.05, momentum: 0.9, nesterov: .lookAhead)
        var parameters = problem.start
        var points: [[Double]] = []
        for _ in 0..<2 {
            try sgd.step(&parameters) { point in
                points.append(point[0].elements)
                return try problem.gradient(point)
            }
        }
        // Step 1 looks ahead from v = 0 (the point is w₀); step 2 from w₁ + μv₁ ≠ w₁.
        #expect(points[0] == problem.start[0].elements)
        #expect(points[1] != parameters[0].elements && points[1] != points[0])
    }
}

// MARK: - Building the optimizer from the recorded arguments

/// The Descent init for `name`, with the fixture's arguments under their Swift labels.
/// An argument the fixture leaves out takes the init's default (`nil` = the convention's).
func makeGoldenOptimizer(
    _ name: String, _ a: inout GoldenArguments, _ convention: Convention
) throws -> (any Optimizer<Double>)? {
    switch name {
    case "SGD":
        return try SGD<Double>(
            learningRate: a.required("learningRate"), momentum: a.number("momentum") ?? 0,
            dampening: a.number("dampening") ?? 0, weightDecay: a.number("weightDecay") ?? 0,
            nesterov: a.text("nesterov").flatMap(NesterovForm.init(rawValue:)), convention: convention)
    case "Adam":
        return try Adam<Double>(
            learningRate: a.number("learningRate") ?? 1e-3, beta1: a.number("beta1") ?? 0.9,
            beta2: a.number("beta2") ?? 0.999, epsilon: a.number("epsilon"), weightDecay: a.number("weightDecay") ?? 0,
            amsgrad: a.flag("amsgrad") ?? false, convention: convention)
    case "AdamW":
        return try AdamW<Double>(
            learningRate: a.number("learningRate") ?? 1e-3, beta1: a.number("beta1") ?? 0.9,
            beta2: a.number("beta2") ?? 0.999, epsilon: a.number("epsilon"), weightDecay: a.number("weightDecay"),
            decayForm: a.text("decayForm").flatMap(DecoupledDecayForm.init(rawValue:)),
            amsgrad: a.flag("amsgrad") ?? false, convention: convention)
    case "AdaGrad":
        return try AdaGrad<Double>(
            learningRate: a.number("learningRate") ?? 0.01, epsilon: a.number("epsilon"),
            initialAccumulator: a.number("initialAccumulator"), learningRateDecay: a.number("learningRateDecay") ?? 0,
            weightDecay: a.number("weightDecay") ?? 0, convention: convention)
    case "AdaDelta":
        return try AdaDelta<Double>(
            learningRate: a.number("learningRate"), decay: a.number("decay"), epsilon: a.number("epsilon"),
            weightDecay: a.number("weightDecay") ?? 0, convention: convention)
    case "RMSProp":
        return try RMSProp<Double>(
            learningRate: a.number("learningRate") ?? 0.01, decay: a.number("decay"), epsilon: a.number("epsilon"),
            momentum: a.number("momentum") ?? 0, centered: a.flag("centered") ?? false,
            nesterov: a.flag("nesterov") ?? false, weightDecay: a.number("weightDecay") ?? 0, convention: convention)
    case "Adamax":
        return try Adamax<Double>(
            learningRate: a.number("learningRate") ?? 2e-3, beta1: a.number("beta1") ?? 0.9,
            beta2: a.number("beta2") ?? 0.999, epsilon: a.number("epsilon"), weightDecay: a.number("weightDecay") ?? 0,
            convention: convention)
    case "NAdam":
        return try NAdam<Double>(
            learningRate: a.number("learningRate"), beta1: a.number("beta1") ?? 0.9, beta2: a.number("beta2") ?? 0.999,
            epsilon: a.number("epsilon"), momentumDecay: a.number("momentumDecay"),
            weightDecay: a.number("weightDecay") ?? 0, decoupledWeightDecay: a.flag("decoupledWeightDecay"),
            convention: convention)
    case "RAdam":
        return try RAdam<Double>(
            learningRate: a.number("learningRate") ?? 1e-3, beta1: a.number("beta1") ?? 0.9,
            beta2: a.number("beta2") ?? 0.999, epsilon: a.number("epsilon"), weightDecay: a.number("weightDecay") ?? 0,
            decoupledWeightDecay: a.flag("decoupledWeightDecay"), threshold: a.number("threshold"),
            convention: convention)
    case "LARS":
        return try LARS<Double>(
            learningRate: a.required("learningRate"), momentum: a.number("momentum") ?? 0.9,
            weightDecay: a.number("weightDecay") ?? 0, trustCoefficient: a.number("trustCoefficient") ?? 1e-3,
            epsilon: a.number("epsilon"), nesterov: a.flag("nesterov") ?? false, convention: convention)
    case "LAMB":
        return try LAMB<Double>(
            learningRate: a.number("learningRate") ?? 1e-3, beta1: a.number("beta1") ?? 0.9,
            beta2: a.number("beta2") ?? 0.999, epsilon: a.number("epsilon"),
            epsilonInsideRoot: a.number("epsilonInsideRoot") ?? 0, weightDecay: a.number("weightDecay") ?? 0,
            biasCorrection: a.flag("biasCorrection"), weightNormClamp: a.number("weightNormClamp"),
            convention: convention)
    default:
        return nil
    }
}
