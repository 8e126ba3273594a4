// HessianBenchmarks: second-order costs on tanh MLPs in Double.
//
// Design note. The workloads are those of autograd-bench and hessian-bench
// (docs/benchmarks.md, "Autograd" and "Hessians"), so each figure has its
// PyTorch/JAX comparison there; this suite adds malloc counts and peak memory
// and puts them all behind one command.
// - "HVP/gradient": on the digits 64-32-10 tanh MLP (all 1797 digits,
//   standardized, softmax cross-entropy), one gradient (forward +
//   `gradient(of:withRespectTo:)`) against one HVP as a user pays for it
//   (forward + `HessianOperator` + `apply(along:)`), and `apply(along:)` alone on
//   an existing operator (what each further product costs). Their ratio is the
//   figure of interest: a fourth benchmark, "paired", times a gradient and an
//   HVP back to back in every iteration and reports HVP/gradient in per mille.
// - "Full Hessian": 64-16-10 and 64-32-10 (P = 1,210 and 2,410), the structured
//   `OneHiddenLayerHessian.hessian(inputs:targets:)` and the generic
//   `HessianOperator(…).fullHessian()` (P forward-over-reverse products).
//   The generic 64-32-10 case takes ~5 s a call on an idle machine: it runs
//   once, no warm-up.
// - "Lanczos top-5": the five largest Hessian eigenvalues of a 784-64-64-10
//   tanh MLP (P = 55,050) on 1000 Gaussian inputs with random labels, operator
//   build included, tolerance 1e-10 — hessian-bench's Lanczos case with a
//   quarter of the hidden width, so that one run stays within a few seconds.
// Every setup checks the thing it times against an independent reference:
// the HVP against central differences of the gradient, the structured Hessian
// against the generic one (64-16-10) and against an HVP (both sizes), and
// Lanczos's convergence flag and ordering.

import Benchmark
import Descent
import PerformanceSupport

let benchmarks: @Sendable () -> Void = {
    useSuiteDefaults(warmupIterations: 2, maxDuration: .seconds(3), maxIterations: 1000)

    // HVP vs gradient.
    Benchmark("HVP/gradient 64-32-10 digits gradient") { benchmark, problem in
        for _ in benchmark.scaledIterations { blackHole(problem.lossGradient()[0][0, 0]) }
    } setup: {
        try DigitsMLP(hidden: 32, checkingProducts: true)
    }
    Benchmark("HVP/gradient 64-32-10 digits HVP") { benchmark, problem in
        for _ in benchmark.scaledIterations { blackHole(problem.hessianOperator().apply(along: problem.direction)[0][0, 0]) }
    } setup: {
        try DigitsMLP(hidden: 32, checkingProducts: true)
    }
    Benchmark("HVP/gradient 64-32-10 digits HVP apply only") { benchmark, problem in
        let hessian = problem.hessianOperator()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(hessian.apply(along: problem.direction)[0][0, 0]) }
    } setup: {
        try DigitsMLP(hidden: 32, checkingProducts: true)
    }

    let overGradient = ratioMetric("HVP/gradient")
    Benchmark(
        "HVP/gradient 64-32-10 digits paired HVP/gradient",
        configuration: .init(metrics: [overGradient, .wallClock], warmupIterations: 2, maxDuration: .seconds(3))
    ) { benchmark, problem in
        for iteration in benchmark.scaledIterations {
            let ratio = pairedRatio(
                iteration: iteration,
                numerator: { blackHole(problem.hessianOperator().apply(along: problem.direction)[0][0, 0]) },
                denominator: { blackHole(problem.lossGradient()[0][0, 0]) })
            record(ratio, as: overGradient, in: benchmark)
        }
    } setup: {
        try DigitsMLP(hidden: 32)
    }

    // Full Hessians.
    for hidden in [16, 32] {
        let label = "64-\(hidden)-10"
        Benchmark("Full Hessian \(label) structured") { benchmark, problem in
            for _ in benchmark.scaledIterations { blackHole(try problem.structuredHessian()[0, 0]) }
        } setup: {
            try DigitsMLP(hidden: hidden, checkingStructured: true, againstGeneric: hidden == 16)
        }
        let genericConfiguration = Benchmark.Configuration(
            warmupIterations: hidden == 16 ? 1 : 0, maxDuration: .seconds(hidden == 16 ? 5 : 10),
            maxIterations: hidden == 16 ? 5 : 1)
        Benchmark("Full Hessian \(label) generic fullHessian", configuration: genericConfiguration) { benchmark, problem in
            for _ in benchmark.scaledIterations { blackHole(problem.hessianOperator().fullHessian()[0, 0]) }
        } setup: {
            try DigitsMLP(hidden: hidden)
        }
    }

    // Lanczos.
    let lanczosConfiguration = Benchmark.Configuration(warmupIterations: 0, maxDuration: .seconds(10), maxIterations: 3)
    Benchmark("Lanczos top-5 784-64-64-10", configuration: lanczosConfiguration) { benchmark, problem in
        // `problem` is the checked problem that setup returns.
        for _ in benchmark.scaledIterations { blackHole(try problem.topFive().largest[0].value) }
    } setup: {
        try GaussianMLP.checked(sizes: [784, 64, 64, 10], samples: 1000, seed: 7)
    }
}

// MARK: - Digits MLP

/// A 64-h-10 tanh MLP on all digits: loss, gradient, Hessian operator, structured Hessian.
final class DigitsMLP {
    let network: Sequential<Double>
    let parameters: [Tensor<Double>]
    let inputs: Matrix<Double>
    let targets: Matrix<Double>
    /// A seeded standard-normal direction, one matrix per parameter.
    let direction: [Matrix<Double>]

    /// Loads the data and draws the weights; optionally checks products and Hessians.
    /// - Parameters:
    ///   - checkingProducts: the HVP must match central differences of the gradient.
    ///   - checkingStructured: the structured Hessian times the direction must match the HVP.
    ///   - againstGeneric: the structured Hessian must match `fullHessian()` entry by entry.
    init(hidden: Int, checkingProducts: Bool = false, checkingStructured: Bool = false, againstGeneric: Bool = false) throws {
        let data = try Dataset<Double>.load(.digits)
        guard let targets = data.oneHotTargets else { throw HessianCheckFailure("the digits data set has no labels") }
        inputs = try Standardizer(fittedTo: data.features).standardized(data.features)
        self.targets = targets
        var generator = Xoshiro256StarStar(seed: 0x4845_5353 &+ UInt64(hidden))
        network = Sequential<Double>([
            try Dense.pytorchDefault(inputs: 64, outputs: hidden, using: &generator), Activation(.tanh),
            try Dense.pytorchDefault(inputs: hidden, outputs: 10, using: &generator),
        ])
        parameters = network.parameters
        direction = parameters.map { Matrix.randomNormal(rows: $0.rows, columns: $0.columns, using: &generator) }
        if checkingProducts { try checkProduct() }
        if checkingStructured { try checkStructured(againstGeneric: againstGeneric) }
    }

    /// Forward pass and the mean softmax cross-entropy, on the tape.
    func loss(of model: Sequential<Double>? = nil) -> Tensor<Double> {
        Loss.softmaxCrossEntropy((model ?? network)(Tensor(inputs)), targets)
    }

    /// Forward and backward.
    func lossGradient() -> [Matrix<Double>] {
        gradient(of: loss(), withRespectTo: parameters).map(\.value)
    }

    /// Forward pass and the Hessian operator (which records the gradient's graph).
    func hessianOperator() -> HessianOperator<Double> {
        HessianOperator(of: loss(), withRespectTo: parameters)
    }

    /// The structured P × P Hessian.
    func structuredHessian() throws -> Matrix<Double> {
        guard let structured = OneHiddenLayerHessian(model: network, loss: .softmaxCrossEntropy) else {
            throw HessianCheckFailure("Dense → tanh → Dense was not recognized as a one-hidden-layer network")
        }
        return try structured.hessian(inputs: inputs, targets: targets)
    }

    /// H·v against (∇L(θ + εv) − ∇L(θ − εv)) / 2ε, ε = 1e-5: agreement to 1e-6
    /// relative (the difference quotient's own error is O(ε²) plus rounding ~1e-11/ε).
    private func checkProduct() throws {
        let product = hessianOperator().apply(along: direction).flatMap(\.elements)
        let epsilon = 1e-5
        func shiftedGradient(_ sign: Double) -> [Double] {
            var model = network
            model.updateParameterValues(zip(parameters, direction).map { $0.value + (sign * epsilon) * $1 })
            let shifted = model.parameters
            return gradient(of: loss(of: model), withRespectTo: shifted).flatMap(\.value.elements)
        }
        let (plus, minus) = (shiftedGradient(1), shiftedGradient(-1))
        let reference = zip(plus, minus).map { ($0 - $1) / (2 * epsilon) }
        let error = relativeError(product, reference)
        guard error <= 1e-6 else { throw HessianCheckFailure("HVP vs central differences: relative error \(error)") }
    }

    /// The structured Hessian against one HVP (and optionally the generic Hessian).
    private func checkStructured(againstGeneric: Bool) throws {
        let hessian = try structuredHessian()
        let flatDirection = Matrix(column: direction.flatMap(\.elements))
        let viaMatrix = (hessian * flatDirection).elements
        let viaProduct = hessianOperator().apply(along: direction).flatMap(\.elements)
        let error = relativeError(viaMatrix, viaProduct)
        guard error <= 1e-11 else { throw HessianCheckFailure("structured H·v vs HVP: relative error \(error)") }
        if againstGeneric {
            let generic = hessianOperator().fullHessian()
            let difference = hessian.maxAbsoluteDifference(generic) / generic.maxAbsoluteElement()
            guard difference <= 1e-11 else { throw HessianCheckFailure("structured vs generic Hessian: \(difference)") }
        }
    }
}

/// max |a − b| / max |b|.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeError: \(a.count) and \(b.count) elements")
    let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    return difference / max(b.map(abs).max() ?? 0, .leastNormalMagnitude)
}

// MARK: - Lanczos problem

/// A tanh MLP on Gaussian inputs with random labels (hessian-bench's Lanczos problem, narrower).
final class GaussianMLP {
    let network: Sequential<Double>
    let parameters: [Tensor<Double>]
    let inputs: Tensor<Double>
    let targets: Matrix<Double>
    let seed: UInt64

    init(sizes: [Int], samples: Int, seed: UInt64) {
        var generator = Xoshiro256StarStar(seed: seed)
        var layers: [any Layer<Double>] = []
        for (index, (fanIn, fanOut)) in zip(sizes.dropLast(), sizes.dropFirst()).enumerated() {
            let bound = 1 / Double(fanIn).squareRoot()
            let weight = Matrix<Double>(
                rows: fanOut, columns: fanIn,
                elements: (0..<fanOut * fanIn).map { _ in Double.random(in: -bound..<bound, using: &generator) })
            let bias = Matrix<Double>(row: (0..<fanOut).map { _ in Double.random(in: -bound..<bound, using: &generator) })
            layers.append(Dense(weight: weight, bias: bias))
            if index < sizes.count - 2 { layers.append(Activation(.tanh)) }
        }
        network = Sequential(layers)
        parameters = network.parameters
        inputs = Tensor(Matrix.randomNormal(rows: samples, columns: sizes[0], using: &generator))
        let classes = sizes.last!
        targets = oneHot((0..<samples).map { _ in Int.random(in: 0..<classes, using: &generator) }, classes: classes)
        self.seed = seed
    }

    /// A problem whose top-5 run converges and returns five ordered values.
    static func checked(sizes: [Int], samples: Int, seed: UInt64) throws -> GaussianMLP {
        let problem = GaussianMLP(sizes: sizes, samples: samples, seed: seed)
        let result = try problem.topFive()
        let values = result.largest.map(\.value)
        guard result.converged, values.count == 5, zip(values, values.dropFirst()).allSatisfy({ $0 >= $1 }) else {
            throw HessianCheckFailure("Lanczos top-5: converged \(result.converged), values \(values)")
        }
        return problem
    }

    /// Forward + `HessianOperator` + `Lanczos.eigenpairs(…, selecting: .largest(5))`.
    func topFive() throws -> LanczosResult {
        let hessian = HessianOperator(of: Loss.softmaxCrossEntropy(network(inputs), targets), withRespectTo: parameters)
        return try Lanczos(maximumDimension: 300, tolerance: 1e-10).eigenpairs(
            of: SymmetricOperator(hessian), selecting: .largest(5), start: .random(seed: seed), computeVectors: false)
    }
}

/// A check in setup failed: the timings would be of wrong results.
struct HessianCheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
