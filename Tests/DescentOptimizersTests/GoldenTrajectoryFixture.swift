// Loading Fixtures/golden_trajectories.json (written by
// scripts/make_optimizer_golden.py) and the two problems it describes, with
// their gradients: the quadratic's in closed form, the MLP's through
// DescentNN's autograd.

import DescentLinalg
import DescentNN
import Foundation
import Testing

// MARK: - The file

/// The decoded fixture: problem data and one case per optimizer, convention, variant and problem.
struct GoldenFixture: Decodable, Sendable {
    let steps: Int
    let problems: Problems
    let cases: [GoldenCase]

    struct Problems: Decodable, Sendable {
        let quadratic: QuadraticData
        let mlp: NetworkData
    }

    /// f(w) = ½(w − w*)ᵀH(w − w*).
    struct QuadraticData: Decodable, Sendable {
        let hessian: [[Double]]
        let minimizer: [Double]
        let start: [[Double]]
    }

    /// Sequential([Dense, Activation(.tanh), Dense]) with Loss.quadratic on fixed data.
    struct NetworkData: Decodable, Sendable {
        let inputs: [[Double]]
        let targets: [[Double]]
        let names: [String]
        let shapes: [[Int]]
        let start: [[Double]]
    }

    /// The fixture, or `nil` when it cannot be read (the coverage test then fails).
    static let shared: GoldenFixture? = {
        guard let url = Bundle.module.url(forResource: "golden_trajectories", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(GoldenFixture.self, from: data)
    }()

    func problem(named name: String) -> GoldenProblem? {
        switch name {
        case "quadratic": GoldenProblem(quadratic: problems.quadratic)
        case "mlp": GoldenProblem(network: problems.mlp)
        default: nil
        }
    }
}

/// One reference run: `trajectory[k][p]` is parameter tensor p, flattened row
/// by row, after step k + 1.
struct GoldenCase: Decodable, Sendable, CustomTestStringConvertible {
    let id: String
    let optimizer: String
    let convention: String
    let problem: String
    let reference: String
    let arguments: [String: GoldenArgument]
    let trajectory: [[[Double]]]

    var testDescription: String { id }
}

/// An init argument: a number, a flag or an enum case's raw value.
enum GoldenArgument: Decodable, Sendable {
    case number(Double)
    case flag(Bool)
    case text(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }
}

/// Reads a case's arguments by Swift label and remembers which were read, so
/// that a test can insist that every recorded argument reached the init.
struct GoldenArguments {
    private let values: [String: GoldenArgument]
    private var read: Set<String> = []

    init(_ values: [String: GoldenArgument]) { self.values = values }

    var unused: [String] { values.keys.filter { !read.contains($0) }.sorted() }

    mutating func number(_ label: String) -> Double? {
        read.insert(label)
        if case .number(let value)? = values[label] { return value }
        return nil
    }

    mutating func required(_ label: String) throws -> Double {
        try #require(number(label), "the fixture case has no \(label)")
    }

    mutating func flag(_ label: String) -> Bool? {
        read.insert(label)
        if case .flag(let value)? = values[label] { return value }
        return nil
    }

    mutating func text(_ label: String) -> String? {
        read.insert(label)
        if case .text(let value)? = values[label] { return value }
        return nil
    }
}

// MARK: - Problems

/// A starting point and a gradient oracle.
struct GoldenProblem {
    let start: [Matrix<Double>]
    let gradient: ([Matrix<Double>]) throws -> [Matrix<Double>]

    /// ∇f(w) = H(w − w*), in closed form; w is a 2×1 column.
    init(quadratic data: GoldenFixture.QuadraticData) {
        let hessian = Matrix(data.hessian)
        let minimizer = Matrix(column: data.minimizer)
        start = data.start.map { Matrix(column: $0) }
        gradient = { parameters in [hessian * (parameters[0] - minimizer)] }
    }

    /// The gradient of Loss.quadratic through the network, by reverse-mode autograd.
    init(network data: GoldenFixture.NetworkData) {
        start = zip(data.shapes, data.start).map { shape, values in
            Matrix(rows: shape[0], columns: shape[1], elements: values)
        }
        let model = Self.network(start)
        let inputs = Matrix(data.inputs)
        let targets = Matrix(data.targets)
        gradient = { parameters in
            valueWithGradient(at: parameters) { variables in
                var network = model
                network.parameters = variables
                return Loss.quadratic(network(Tensor(inputs)), targets)
            }.gradient
        }
    }

    /// Sequential([Dense, Activation(.tanh), Dense]) holding `parameters` (0.weight, 0.bias, 2.weight, 2.bias).
    static func network(_ parameters: [Matrix<Double>]) -> Sequential<Double> {
        Sequential([
            Dense(weight: parameters[0], bias: parameters[1]), Activation(.tanh),
            Dense(weight: parameters[2], bias: parameters[3]),
        ])
    }
}
