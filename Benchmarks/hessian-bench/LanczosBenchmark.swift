// Suite "lanczos": the five largest eigenvalues of the Hessian of a
// 784-256-256-10 tanh MLP's mean softmax cross-entropy (P = 269,322) on 1000
// random Gaussian inputs with random labels, by `Lanczos` (full
// reorthogonalization, stopped when every wanted Ritz pair's residual bound is
// below 1e-10·|θ|) on the autograd's exact Hessian-vector products.
//
// A timed run is what a user pays: the forward pass and `HessianOperator`
// (which records the gradient's graph once), then the Lanczos run, one
// forward sweep through that graph per product. SciPy's `eigsh` in the Python
// script recomputes the gradient inside every product (a jitted jvp of grad),
// since JAX keeps no graph between calls.

import BenchmarkSupport
import DescentConvergence
import DescentNN

let lanczosTolerance = 1e-10

/// Measures the Lanczos case.
func benchmarkLanczos(seed: UInt64, repeats: Int) throws -> LanczosRecord {
    progress("lanczos \(sizeLabel(LanczosProblem.sizes)): building the problem…")
    let problem = LanczosProblem(seed: seed)
    let network = problem.network
    let parameters = network.parameters
    let inputs = Tensor(problem.inputs)
    func hessianOperator() -> HessianOperator<Double> {
        HessianOperator(of: Loss.softmaxCrossEntropy(network(inputs), problem.targets), withRespectTo: parameters)
    }
    let load = CompetingLoadMonitor()

    // One product and one build, timed after a warm-up.
    var generator = SplitMix64(seed: seed &+ 2)
    let direction = parameters.map { parameter in
        Matrix<Double>(
            rows: parameter.rows, columns: parameter.columns,
            elements: (0..<parameter.value.count).map { _ in generator.normal() })
    }
    let warm = hessianOperator()
    blackHole(warm.apply(along: direction)[0][0, 0])
    let productRuns = (0..<5).map { _ in secondsTaken { blackHole(warm.apply(along: direction)[0][0, 0]) } }
    let buildRuns = (0..<3).map { _ in secondsTaken { blackHole(hessianOperator().gradient[0][0, 0]) } }

    progress("lanczos: top-5 × \(repeats)…")
    let lanczos = Lanczos(maximumDimension: 300, tolerance: lanczosTolerance)
    var runs: [Double] = []
    var result: LanczosResult?
    for _ in 0..<repeats {
        try runs.append(
            secondsTaken {
                result = try lanczos.eigenpairs(
                    of: SymmetricOperator(hessianOperator()), selecting: .largest(5), start: .random(seed: seed),
                    computeVectors: false)
            })
    }
    let final = result!
    return LanczosRecord(
        model: sizeLabel(LanczosProblem.sizes), parameters: warm.parameterCount, samples: LanczosProblem.samples,
        tolerance: lanczosTolerance, seconds: median(runs), runs: runs, productSeconds: median(productRuns),
        buildSeconds: median(buildRuns), products: final.products, converged: final.converged,
        eigenvalues: final.largest.map(\.value), residualBounds: final.largest.map(\.residualBound),
        competingLoad: load.shares()?.others)
}

/// Ours against SciPy's `eigsh` on JAX products.
func lanczosTable(_ record: LanczosRecord, frameworks: FrameworkResults?) -> ResultTable {
    var table = ResultTable(
        title: "Top-5 eigenvalues, \(record.model) (P = \(grouped(record.parameters)), \(record.samples) samples, Double)",
        header: ["method", "time (median)", "products", "one product", "ours / this", "target", "result"])
    table.append([
        "Descent: `Lanczos` (tol \(scientific(record.tolerance))), build included", duration(record.seconds),
        "\(record.products)", duration(record.productSeconds), "1.00", "—", "—",
    ])
    var verdicts: [Verdict] = []
    for eigsh in frameworks?.lanczos?.eigsh ?? [] {
        let ratio = record.seconds / eigsh.seconds
        let verdict: Verdict = ratio < 1 ? .pass : .fail
        verdicts.append(verdict)
        table.append(
            [
                "JAX + SciPy `eigsh` (tol \(eigsh.tolerance == 0 ? "0, the default" : scientific(eigsh.tolerance)))",
                duration(eigsh.seconds), eigsh.products.map(String.init).joined(separator: ", "),
                duration(frameworks!.lanczos!.hvpSeconds), ratioText(ratio), "< 1 (faster)", verdict.text,
            ], verdict: verdict)
    }
    table.notes = [
        "Ours: forward + `HessianOperator` (\(duration(record.buildSeconds))) + `Lanczos.eigenpairs(…, selecting: "
            + ".largest(5))`, converged: \(record.converged). Top-5: "
            + record.eigenvalues.map { String(format: "%.12g", $0) }.joined(separator: ", ")
            + "; residual bounds ≤ \(scientific(record.residualBounds.max() ?? .nan))."
    ]
    if let jax = frameworks?.lanczos {
        table.notes.append(
            "While JAX's case ran, other processes used \(percentText(jax.competingLoad)) of the CPUs.")
    }
    if let theirs = frameworks?.lanczos?.eigsh.first {
        let difference = zip(record.eigenvalues, theirs.eigenvalues).map { abs($0 - $1) / abs($1) }.max() ?? .nan
        table.notes.append(
            "SciPy's top-5 (tol 0): " + theirs.eigenvalues.map { String(format: "%.12g", $0) }.joined(separator: ", ")
                + "; largest relative difference from ours \(scientific(difference)).")
    }
    return table
}
