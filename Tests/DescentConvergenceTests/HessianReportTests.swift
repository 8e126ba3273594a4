// HessianProblem and HessianReport: the checks and readings behind `eigen hessian`,
// against closed forms (a linear model's Hessian is XᵀX/N) and the exact spectrum.

import DescentAutograd
import DescentLinalg
import DescentNN
import DescentTraining
import Foundation
import Testing

@testable import DescentConvergence

@Suite("Hessian report")
struct HessianReportTests {
    /// N = 12 examples of 3 features with a real-valued target.
    static func regressionData() throws -> Dataset<Double> {
        let features = Matrix<Double>(rows: 12, columns: 3) { i, j in
            sin(0.7 * Double(i * (j + 2)) + Double(j)) + (j == 0 ? 0.5 : 0)
        }
        let targets = Matrix<Double>(rows: 12, columns: 1) { i, _ in cos(Double(i)) }
        return try Dataset(features: features, targets: targets)
    }

    /// The linear model z = x·wᵀ + b with the quadratic loss (1/N)Σ½(y − z)²: its Hessian over
    /// (w, b) is (1/N)·[XᵀX, Xᵀ1; 1ᵀX, N] whatever the weights — the closed-form reference.
    @Test("A linear model under the quadratic loss: the exact report is XᵀX/N's spectrum, positive definite, κ = λmax/λmin")
    func linearModelClosedForm() throws {
        let data = try Self.regressionData()
        let model = Dense<Double>(weight: Matrix([[0.3, -0.2, 0.1]]), bias: Matrix([[0.05]]))
        let specification = ModelSpecification(describing: model, loss: .quadratic)
        let problem = try HessianProblem(model: model, specification: specification, data: data, loss: .quadratic)
        let analysis = try problem.analysis()
        var options = HessianReport.Options()
        options.method = .auto
        options.top = 4
        options.bottom = 4
        options.learningRate = 2
        let (report, _) = try HessianReport.compute(analysis, sampleCount: 12, lossName: "quadratic", options: options)

        let augmented = Matrix<Double>(rows: 12, columns: 4) { i, j in j < 3 ? data.features[i, j] : 1 }
        let gram = Matrix<Double>(rows: 4, columns: 4) { a, b in
            (0..<12).reduce(0) { $0 + augmented[$1, a] * augmented[$1, b] } / 12
        }
        let closedForm = try SymmetricEigen(of: gram, computeVectors: false).values
        #expect(report.method == .exact && report.parameterCount == 4)
        for (mine, expected) in zip(report.top.map(\.value), closedForm.reversed()) {
            #expect(abs(mine - expected) <= 1e-13 * closedForm.last!, "\(mine) vs \(expected)")
        }
        #expect(report.curvature.hasPrefix("positive definite") && report.negativeCount == 0 && report.zeroCount == 0)
        let kappa = try #require(report.conditionNumber)
        #expect(abs(kappa - closedForm.last! / closedForm.first!) <= 1e-10 * kappa)
        #expect(abs(report.trace!.value - closedForm.reduce(0, +)) <= 1e-13 * closedForm.last!)
        // Sharpness against 2/η with η = 2: threshold 1, ratio λmax.
        let sharpness = try #require(report.sharpness)
        #expect(sharpness.threshold == 1 && abs(sharpness.ratio - closedForm.last!) <= 1e-13 * closedForm.last!)

        // Lanczos on the same operator: within the residual bounds, and the same reading.
        options.method = .lanczos
        let (lanczos, _) = try HessianReport.compute(analysis, sampleCount: 12, lossName: "quadratic", options: options)
        #expect(lanczos.method == .lanczos && lanczos.lanczosConverged == true)
        for (pair, expected) in zip(lanczos.top, closedForm.reversed()) {
            #expect(abs(pair.value - expected) <= (pair.residualBound ?? 0) + 1e-12 * closedForm.last!)
        }
        #expect(lanczos.curvature.hasPrefix("positive definite"))
        #expect(lanczos.trace?.source == "hutchinson" && lanczos.hessianVectorProducts > 0)
    }

    @Test("A saddle is read as indefinite, with the exact negative count, and κ left undefined")
    func saddle() throws {
        let small = try HessianFixtures.small()
        var options = HessianReport.Options()
        options.method = .exact
        options.layers = true
        options.density = true
        let (report, density) = try HessianReport.compute(
            small.analysis, sampleCount: 100, lossName: "cross-entropy", options: options)
        let spectrum = try small.exact.spectrum()
        #expect(report.top.map(\.value) == spectrum.top(5) && report.bottom.map(\.value) == spectrum.bottom(5))
        if spectrum.negativeCount > 0 {
            #expect(report.curvature == "indefinite: \(spectrum.negativeCount) negative eigenvalues (negative curvature: not a minimum)")
            #expect(report.conditionNumber == nil)
        } else {
            #expect(report.curvature.hasPrefix("positive"))
        }
        #expect(report.negativeCount == spectrum.negativeCount && report.negativeCountIsExact)
        // Diagonal blocks partition the diagonal: their exact traces add up to tr(H).
        let blocks = try #require(report.layers)
        #expect(
            abs(blocks.map(\.trace).reduce(0, +) - spectrum.trace) <= 1e-10 * abs(spectrum.largest)
                * Double(spectrum.eigenvalues.count))
        // The smoothed exact density integrates to 1 (SLQ's normalization).
        #expect(abs((density?.integral ?? 0) - 1) < 1e-3)
    }

    @Test("auto: exact when P ≤ 5,000 and P² doubles fit the limit, else Lanczos")
    func autoResolution() {
        var options = HessianReport.Options()
        #expect(HessianReport.resolve(.auto, parameterCount: 2_410, options: options) == .exact)
        #expect(HessianReport.resolve(.auto, parameterCount: 5_001, options: options) == .lanczos)
        options.memoryLimit = 2_410 * 2_410 * 8 - 1
        #expect(HessianReport.resolve(.auto, parameterCount: 2_410, options: options) == .lanczos)
        #expect(HessianReport.resolve(.slq, parameterCount: 10, options: options) == .slq)
        #expect(HessianReport.resolve(.auto, parameterCount: Int.max / 2, options: options) == .lanczos)
        // The Lanczos basis (min(m, P) vectors of P doubles) must fit the limit too.
        options.memoryLimit = 200 * 10_000 * 8
        #expect(throws: Never.self) { try HessianReport.requireBasisFits(.lanczos, parameterCount: 10_000, options: options) }
        #expect(
            throws: SpectrumError.invalidOption(
                name: "memory limit", value: "16000000 bytes",
                requirement: "the lanczos basis of 200 vectors of 10001 parameters needs 16001600 bytes; raise the limit")
        ) { try HessianReport.requireBasisFits(.lanczos, parameterCount: 10_001, options: options) }
        #expect(throws: Never.self) { try HessianReport.requireBasisFits(.exact, parameterCount: 10_001, options: options) }
    }

    @Test("Edge-of-stability verdicts at λmax·η/2 below 0.9, within 10% of 1, above 1.1")
    func sharpnessVerdicts() {
        #expect(HessianReport.Sharpness(learningRate: 0.1, sharpness: 10).verdict.hasPrefix("below 2/η"))
        #expect(HessianReport.Sharpness(learningRate: 0.1, sharpness: 20.5).verdict.hasPrefix("at the edge of stability"))
        let above = HessianReport.Sharpness(learningRate: 0.1, sharpness: 30)
        #expect(above.verdict.hasPrefix("above 2/η") && abs(above.ratio - 1.5) < 1e-12 && abs(above.threshold - 20) < 1e-12)
    }

    @Test("HessianProblem refuses data that does not fit the model, naming both numbers")
    func problemChecks() throws {
        let data = try Self.regressionData()
        let wide = ModelSpecification(model: .dense(inputs: 4, outputs: 1, bias: true))
        let model = Dense<Double>(weight: Matrix(rows: 1, columns: 4), bias: nil)
        #expect(
            throws: SpectrumError.incompatibleData(
                "the model takes 4 input features but the data has 3 feature columns (4 columns minus the target); check --target or the model"
            )
        ) { try HessianProblem(model: model, specification: wide, data: data, loss: .quadratic) }

        let labels = [0, 1, 2, 1, 0, 3, 1, 2, 0, 1, 2, 0]
        let classes = try Dataset(features: data.features, labels: labels)
        let threeClasses = try ModelSpecification.multilayerPerceptron(widths: [3, 3], activation: .relu)
        let classifier = Dense<Double>(weight: Matrix(rows: 3, columns: 3), bias: nil)
        #expect(
            throws: SpectrumError.incompatibleData(
                "the model has 3 outputs (classes 0–2) but the labels in the data go up to 3 (4 classes)")
        ) { try HessianProblem(model: classifier, specification: threeClasses, data: classes, loss: .softmaxCrossEntropy) }
        #expect(throws: SpectrumError.self) {
            try HessianProblem(model: classifier, specification: threeClasses, data: data, loss: .softmaxCrossEntropy)
        }
        #expect(throws: SpectrumError.incompatibleData("--samples 13 is more than the 12 examples in the data")) {
            try HessianProblem(model: model, specification: nil, data: data, loss: .quadratic, samples: .first(13))
        }

        // Samples: the first N in order, or a seeded subset kept in file order.
        let narrow = Dense<Double>(weight: Matrix(rows: 1, columns: 3), bias: nil)
        let first = try HessianProblem(model: narrow, specification: nil, data: data, loss: .quadratic, samples: .first(5))
        #expect(first.inputs == data.subset(Array(0..<5)).features && first.availableExamples == 12)
        let drawn = try HessianProblem(
            model: narrow, specification: nil, data: data, loss: .quadratic, samples: .random(5, seed: 4))
        let again = try HessianProblem(
            model: narrow, specification: nil, data: data, loss: .quadratic, samples: .random(5, seed: 4))
        #expect(drawn.inputs == again.inputs && drawn.inputs != first.inputs && drawn.data.count == 5)
        // One-hot targets over the model's outputs, not over the classes present.
        let fourClasses = try ModelSpecification.multilayerPerceptron(widths: [3, 5], activation: .relu)
        let wider = Dense<Double>(weight: Matrix(rows: 5, columns: 3), bias: nil)
        let onehot = try HessianProblem(model: wider, specification: fourClasses, data: classes, loss: .softmaxCrossEntropy)
        #expect(onehot.targets.columns == 5 && onehot.targets[5, 3] == 1)
    }

    @Test("From a CSV file: cross-entropy for class labels, the quadratic loss for real targets, unless one is given")
    func lossFromTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "descent-report-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelPath = folder.appendingPathComponent("m.safetensors").path
        try Dense<Double>(weight: Matrix([[0.1, 0.2], [0.3, -0.1]]), bias: Matrix([[0, 0.1]])).save(to: modelPath)
        let checkpoint = try ModelCheckpoint<Double>(contentsOf: modelPath)
        let labelled = folder.appendingPathComponent("labels.csv").path
        try "a,b,y\n1,2,0\n0.5,1,1\n-1,0,1\n".write(toFile: labelled, atomically: true, encoding: .utf8)
        let real = folder.appendingPathComponent("real.csv").path
        try "a,b,y\n1,2,0.5\n0.5,1,1.5\n-1,0,1\n".write(toFile: real, atomically: true, encoding: .utf8)

        let classification = try HessianProblem(checkpoint: checkpoint, dataPath: labelled)
        #expect(classification.loss == .softmaxCrossEntropy && classification.lossSource == "default")
        // Real targets and two outputs: the quadratic loss is chosen, and its shape check speaks.
        #expect(throws: SpectrumError.self) { try HessianProblem(checkpoint: checkpoint, dataPath: real) }
        // Cross-entropy asked for on real targets: the label error, with its row.
        let error = #expect(throws: DatasetError.self) {
            try HessianProblem(checkpoint: checkpoint, dataPath: real, loss: .softmaxCrossEntropy)
        }
        #expect("\(error!)".contains("row 1"))
    }
}
