// The `.pytorch`, `.optax` and `.keras` conventions of Adam, AdamW, NAdam,
// RAdam, LARS and LAMB against 12 steps of each framework's own optimizer
// (timm's Lars for PyTorch), from Fixtures/framework_conventions.json, written
// by scripts/make_framework_convention_fixtures.py (float64 everywhere).
//
// Problem: two tensors (2×2, 3×1), gradient g = s⊙w + c evaluated at the
// current parameters (AdaptiveChecks.problem holds the same numbers).
//
// Tolerance: norm-wise relative error ≤ 1e-12 per step. Both sides evaluate
// the same formulas in a different order (PyTorch's lerp for m, optax's
// (1−β)g + βm, Keras's m + (g − m)(1−β)), a few ulps per step; the adaptive
// normalisation keeps them from growing. Measured: ≤ 1.1e-15 for every case
// but RAdam.optax, 4.2e-14 (ρₜ is a difference of two numbers near 2000).

import DescentLinalg
import DescentOptimizers
import DescentTestSupport
import Foundation
import Testing

@Suite("Framework conventions of the adaptive optimizers (PyTorch, optax, Keras, timm)")
struct FrameworkConventionTests {
    struct Fixture: Decodable {
        let generator: String
        let initial: [[[Double]]]
        let scales: [[[Double]]]
        let offsets: [[[Double]]]
        let cases: [String: Case]
    }

    struct Case: Decodable {
        let hyperparameters: [String: Double]
        /// trajectory[step][tensor] as nested rows.
        let trajectory: [[[[Double]]]]
    }

    static let caseNames = [
        "Adam.pytorch.amsgrad", "Adam.optax.amsgrad", "Adam.keras", "AdamW.pytorch", "AdamW.optax",
        "NAdam.pytorch", "NAdam.pytorch.decoupled", "NAdam.optax", "NAdam.optax.decoupled", "NAdam.keras",
        "RAdam.pytorch", "RAdam.pytorch.decoupled", "RAdam.optax",
        "LARS.optax", "LARS.optax.nesterov", "LARS.pytorch", "LARS.pytorch.nesterov",
        "LAMB.optax", "LAMB.keras",
    ]

    static func load() throws -> Fixture { try decodeFixture("framework_conventions.json") }

    /// The Descent optimizer for a case name `Method.convention[.variant]`.
    static func optimizer(for name: String, _ h: [String: Double]) throws -> any Optimizer<Double> {
        let parts = name.split(separator: ".").map(String.init)
        let convention = try #require(Convention(rawValue: parts[1]))
        let variant = parts.count > 2 ? parts[2] : ""
        let learningRate = try #require(h["learningRate"])
        let decay = h["weightDecay"] ?? 0
        switch parts[0] {
        case "Adam":
            return try Adam(
                learningRate: learningRate, weightDecay: decay, amsgrad: variant == "amsgrad", convention: convention)
        case "AdamW":
            return try AdamW(learningRate: learningRate, weightDecay: decay, convention: convention)
        case "NAdam":
            return try NAdam(
                learningRate: learningRate, weightDecay: decay, decoupledWeightDecay: variant == "decoupled" ? true : nil,
                convention: convention)
        case "RAdam":
            return try RAdam(
                learningRate: learningRate, weightDecay: decay, decoupledWeightDecay: variant == "decoupled" ? true : nil,
                convention: convention)
        case "LARS":
            return try LARS(
                learningRate: learningRate, momentum: try #require(h["momentum"]), weightDecay: decay,
                trustCoefficient: try #require(h["trustCoefficient"]), nesterov: variant == "nesterov",
                convention: convention)
        case "LAMB":
            return try LAMB(learningRate: learningRate, weightDecay: decay, convention: convention)
        default:
            Issue.record("unknown method in \(name)")
            throw OptimizerError.unknownHyperparameter(optimizer: name, name: "", known: [])
        }
    }

    @Test("The fixture holds exactly the cases this suite runs, on AdaptiveChecks.problem's data")
    func fixtureMatchesSuite() throws {
        let fixture = try Self.load()
        #expect(Set(fixture.cases.keys) == Set(Self.caseNames))
        let (initial, _) = AdaptiveChecks.problem(Double.self)
        #expect(fixture.initial.map { Matrix($0) } == initial)
    }

    @Test("12 steps match the framework's own optimizer", arguments: caseNames)
    func trajectory(name: String) throws {
        let fixture = try Self.load()
        let reference = try #require(fixture.cases[name])
        var optimizer = try Self.optimizer(for: name, reference.hyperparameters)
        let scales = fixture.scales.map { Matrix<Double>($0) }
        let offsets = fixture.offsets.map { Matrix<Double>($0) }
        var parameters = fixture.initial.map { Matrix<Double>($0) }
        for (step, expected) in reference.trajectory.enumerated() {
            let gradients = AdaptiveChecks.separableGradient(parameters, scales: scales, offsets: offsets)
            try optimizer.update(&parameters, with: gradients)
            let error = relativeError(parameters, expected.map { Matrix($0) }, floor: 1e-12)
            #expect(error <= 1e-12, "\(name) step \(step + 1): relative error \(error)")
        }
    }
}
