// descent-demo: the README's main job until the real programs (bowl-bench,
// eigen) land. It shows the foundation on real data: the least-squares
// Hessian H = XᵀX/N of a data set, its spectrum and condition number under
// three preprocessings (LeCun et al. 1998, "Efficient BackProp" §4.3), and
// the GEMM throughput of this machine.
//
// 4. trains the digits MLP with momentum and with Adam (history CSVs in descent-output/).
//
// Usage: descent-demo [path/to/data.csv]   (default data/wine.csv; last column is the target)

import Descent
import Foundation

func standardDeviations(_ x: Matrix<Double>) -> [Double] {
    let means = x.mean(alongAxis: 0)
    let centred = Matrix(rows: x.rows, columns: x.columns) { i, j in x[i, j] - means[0, j] }
    return centred.hadamardProduct(centred).mean(alongAxis: 0).elements.map { $0.squareRoot() }
}

func hessianSpectrum(_ x: Matrix<Double>) throws -> SymmetricEigen<Double> {
    try SymmetricEigen(of: syrk(x, transposing: true, alpha: 1 / Double(x.rows)), computeVectors: false)
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func format(_ value: Double) -> String { String(format: "%10.3g", value) }

func gemmThroughput<S: BLASScalar>(_: S.Type, n: Int) -> Double {
    var generator = Xoshiro256StarStar(seed: 1)
    let a = Matrix<S>.randomNormal(rows: n, columns: n, using: &generator)
    let b = Matrix<S>.randomNormal(rows: n, columns: n, using: &generator)
    var c = Matrix<S>(rows: n, columns: n)
    gemm(a, b, into: &c)  // warm-up: threads started, pages touched
    var best = Double.infinity
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        gemm(a, b, into: &c)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return 2 * Double(n * n * n) / best / 1e9
}

func run() throws {
    let path = CommandLine.arguments.dropFirst().first ?? "data/wine.csv"
    let table = try CSVFile.read(from: path, as: Double.self)
    let data = table.matrix
    let features = data.columns(0..<(data.columns - 1))
    let (n, d) = (features.rows, features.columns)
    guard d >= 1, n >= 2 else {
        throw DemoError(
            "\(path) has \(n) rows and \(data.columns) columns; the demo needs at least 2 rows "
                + "and at least 2 columns (features, then the target in the last column)")
    }
    print("Descent: linear algebra on real data")
    print("\(path): \(n) examples × \(d) features (target '\(table.header?.last ?? "last column")' left out)\n")

    // 1. Conditioning of the least-squares Hessian under three preprocessings.
    let means = features.mean(alongAxis: 0)
    let deviations = standardDeviations(features)
    let withBias = Matrix(rows: n, columns: d + 1) { i, j in j < d ? features[i, j] : 1 }
    let centred = Matrix(rows: n, columns: d) { i, j in features[i, j] - means[0, j] }
    let standardized = Matrix(rows: n, columns: d) { i, j in
        deviations[j] > 0 ? centred[i, j] / deviations[j] : 0
    }
    print("1. Hessian of least squares, H = XᵀX/N (syrk), full spectrum (dsyevd)")
    print("   preprocessing              λmin       λmax          κ")
    for (name, x) in [("raw, with a bias column", withBias), ("centred", centred), ("standardized", standardized)] {
        let spectrum = try hessianSpectrum(x)
        let (smallest, largest) = (spectrum.values.first ?? .nan, spectrum.values.last ?? .nan)
        print(
            "   \(name.padding(toLength: 24, withPad: " ", startingAt: 0))\(format(smallest)) \(format(largest)) \(format(spectrum.conditionNumber))"
        )
    }
    print("   Gradient descent needs about κ·ln(1/ε) steps at η = 1/λmax (docs/linear-algebra.md):")
    print("   standardizing the inputs is the cheapest speed-up there is.\n")

    // 2. Principal directions: the top eigenpairs only (dsyevr), no full spectrum.
    let covariance = syrk(standardized, transposing: true, alpha: 1 / Double(n))
    let top = try SymmetricEigen(of: covariance, selecting: .largest(min(3, d)))
    let total = covariance.trace
    print("2. Top \(min(3, d)) eigenpairs of the standardized covariance (dsyevr, selected range)")
    guard let vectors = top.vectors else { return }
    for (rank, index) in top.values.indices.reversed().enumerated() {
        let vector = vectors.column(index).elements
        let heaviest = vector.indices.max { abs(vector[$0]) < abs(vector[$1]) } ?? 0
        let name = table.header?[heaviest] ?? "feature \(heaviest)"
        print(
            String(
                format: "   λ%d = %6.3f  (%4.1f%% of the variance; heaviest feature: %@)",
                rank + 1, top.values[index], 100 * top.values[index] / total, name))
    }
    print("")

    // 3. Throughput of the BLAS underneath.
    print("3. GEMM throughput, 1024×1024 (best of 3)")
    print(
        String(
            format: "   dgemm %6.1f GFLOP/s   sgemm %6.1f GFLOP/s", gemmThroughput(Double.self, n: 1024),
            gemmThroughput(Float.self, n: 1024)))
    print("")
    try trainDigits()
    print("\nNext: `swift run -c release training-bench` compares training throughput with PyTorch and JAX.")
}

/// 4. The notes' training loop on real data: the 64-128-10 MLP on digits with
/// heavy-ball momentum and with Adam, the same seed and batches for both.
func trainDigits() throws {
    let digits = try Dataset.load(.digits, as: Float.self)
    let splits = try digits.split(trainingFraction: 0.8, validationFraction: 0.1, seed: 0, stratified: true)
    print("4. Training a 64-128-10 ReLU MLP on digits (\(splits.training.count) training, \(splits.validation.count) validation, \(splits.test.count) test), batch 32, 20 epochs")
    try FileManager.default.createDirectory(atPath: "descent-output", withIntermediateDirectories: true)
    func model() throws -> Sequential<Float> {
        var generator = Xoshiro256StarStar(seed: 7)
        return Sequential<Float>([
            try Standardizer(fittedTo: splits.training.features),
            try Dense.pytorchDefault(inputs: 64, outputs: 128, using: &generator), Activation(.relu),
            try Dense.pytorchDefault(inputs: 128, outputs: 10, using: &generator),
        ])
    }
    let configuration = TrainingConfiguration<Float>(epochs: 20, batchSize: 32, seed: 1, progress: .silent)
    func report<Method: Optimizer<Float>>(_ name: String, _ file: String, _ optimizer: Method) throws {
        var trainer = Trainer(model: try model(), optimizer: optimizer, configuration: configuration)
        let started = Date()
        let history = try trainer.fit(splits.training, validation: splits.validation)
        let seconds = Date().timeIntervalSince(started)
        let test = trainer.evaluate(splits.test)
        try history.writeEpochCSV(to: "descent-output/\(file)")
        let last = history.epochs.last!
        print(
            String(
                format: "   %-28@ training loss %.4f  validation accuracy %.3f  test accuracy %.3f  (%.2f s; descent-output/%@)",
                name, last.trainingLoss, last.validationAccuracy ?? .nan, test.accuracy ?? .nan, seconds, file))
    }
    try report("SGD, momentum 0.9, η = 0.01", "digits-momentum.csv", try SGD<Float>(learningRate: 0.01, momentum: 0.9))
    try report("Adam, α = 1e-3", "digits-adam.csv", try Adam<Float>(learningRate: 1e-3))
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("descent-demo: \(error)\n".utf8))
    exit(1)
}
