// The paper-reproduction figures: the edge of stability (Cohen et al. 2021)
// on the digits MLP of THEORY.md §7, and the sharpness of a digits MLP with
// and without batch normalization at matched training loss (Santurkar et al.
// 2018). Every number comes from EdgeOfStabilityExperiment and
// BatchNormSmoothnessExperiment.

import Descent
import Foundation

enum ConvergenceExperimentFigures {
    // MARK: - Edge of stability

    /// The step sizes of THEORY.md §7, with a colour each.
    static let rates: [(learningRate: Double, color: PlotColor)] = [
        (0.05, .bluishGreen), (0.25, .orange), (0.5, .vermillion), (1.0, .blue),
    ]

    static func edgeOfStability() throws -> [(String, any Figure)] {
        let data = try Dataset.standardizedDigits()
        var results: [EdgeOfStabilityResult] = []
        print("Edge of stability: 64-32-32-10 tanh MLP, ½-MSE, full-batch GD on the 1,797 digits, 3000 steps")
        for (rate, _) in rates {
            let started = Date()
            let result = try EdgeOfStabilityExperiment(configuration: .init(learningRate: rate)).run(on: data)
            results.append(result)
            let summary = result.summary
            let products = result.sharpness.reduce(0) { $0 + $1.products }
            print(
                "  η = \(rate): 2/η = \(format(result.threshold)), S₀ = \(format(summary.initialSharpness, digits: 3)), "
                    + "S(3000) = \(format(summary.finalSharpness, digits: 3)) (\(format(summary.finalSharpness / result.threshold, digits: 3))·2/η), "
                    + "max S = \(format(summary.maximumSharpness, digits: 3)) at step \(summary.maximumSharpnessStep)")
            print(
                "    t* = \(summary.firstCrossingStep.map(String.init) ?? "none"), "
                    + "settled S/(2/η): \(summary.settledRatios.map { "median \(format($0.median, digits: 3)), range [\(format($0.minimum, digits: 3)), \(format($0.maximum, digits: 3))] over \($0.count)" } ?? "—"), "
                    + "loss rises: \(percent(summary.lossIncreaseFractionBeforeCrossing)) before, \(percent(summary.lossIncreaseFractionAfterCrossing)) after; "
                    + "L(t*) = \(summary.lossAtCrossing.map { format($0, digits: 4) } ?? "—"), "
                    + "L(3000) = \(format(summary.finalLoss, digits: 4)), accuracy \(format(summary.finalAccuracy, digits: 4)); "
                    + "\(products) HVPs, \(format(Date().timeIntervalSince(started), digits: 1)) s")
        }

        let stepAxis = Axis(label: "step t", range: 0...3000)
        let sharpnessPanels: [ChartPanel] = zip(results, rates).map { result, rate in
            let threshold = result.threshold
            let upper = max(result.summary.maximumSharpness, threshold) * 1.12
            return .line(
                LineChart(
                    title: "η = \(format(rate.learningRate)), 2/η = \(format(threshold))", xAxis: stepAxis,
                    yAxis: Axis(label: "sharpness S = λmax(∇²L)", range: 0...upper),
                    series: [
                        LineSeries(
                            name: "S, every 50 steps", x: result.sharpness.map { Double($0.step) },
                            y: result.sharpness.map(\.value), color: rate.color, marker: .circle)
                    ],
                    referenceLines: [ReferenceLine(.horizontal(y: threshold), label: "2/η", color: .black)],
                    legendPosition: .hidden))
        }
        let sharpness = SmallMultiples(
            title: "Sharpness during full-batch gradient descent (Cohen et al. 2021, on the digits)",
            panels: sharpnessPanels, columns: 2, panelWidth: 440, panelHeight: 300,
            note: "64-32-32-10 tanh MLP, PyTorch-default initialization (seed 0), ½-MSE on all 1,797 standardized digits, "
                + "full-batch SGD. Dots: S every 50 steps; dashed: 2/η. S is the top Hessian eigenvalue of the full training loss (Lanczos on exact "
                + "Hessian-vector products, warm-started). At η = 0.05 S stays far below 2/η; at 0.25 it sharpens "
                + "towards 2/η; at 0.5 it crosses, overshoots and then hovers just above 2/η; at 1.0 it starts above "
                + "2/η and is pushed down to it.")

        let lossPanel = LineChart(
            title: "Training loss, every step", xAxis: stepAxis,
            yAxis: Axis(label: "L = (1/n) Σ ½‖f(x) − y‖²", scale: .logarithmic),
            series: zip(results, rates).map { result, rate in
                LineSeries(
                    name: "η = \(format(rate.learningRate))", x: result.losses.indices.map(Double.init), y: result.losses,
                    color: rate.color)
            },
            legendPosition: .topRight)
        let edge = results[2]
        let window = 100...700
        let zoomPanel = LineChart(
            title: "η = 0.5 around the first crossing t*",
            xAxis: Axis(label: "step t", range: Double(window.lowerBound)...Double(window.upperBound)),
            yAxis: Axis(label: "L", scale: .logarithmic),
            series: [
                LineSeries(
                    name: "η = 0.5", x: window.map(Double.init), y: window.map { edge.losses[$0] }, color: rates[2].color)
            ],
            referenceLines: edge.summary.firstCrossingStep.map {
                [ReferenceLine(.vertical(x: Double($0)), label: "t* = \($0)", color: .black)]
            } ?? [],
            legendPosition: .hidden)
        let loss = SmallMultiples(
            title: "The loss at the edge of stability: non-monotone over short times, decreasing over long ones",
            panels: [.line(lossPanel), .line(zoomPanel)], columns: 2, panelWidth: 440, panelHeight: 320,
            note: "Left: the loss of the four runs of the sharpness figure. Right: η = 0.5 around its first crossing t* of "
                + "2/η; before t* the loss falls at every step, after it \(percent(edge.summary.lossIncreaseFractionAfterCrossing)) "
                + "of the steps raise it.")
        return [("eos-sharpness.svg", sharpness), ("eos-loss.svg", loss), ("eos-momentum.svg", try momentum(on: data))]
    }

    /// Two momentum runs: the sharpness settles at the method's own threshold, not at 2/η.
    static let momentumRuns: [(learningRate: Double, method: EdgeOfStabilityExperiment.Method, title: String)] = [
        (0.5, .heavyBall(momentum: 0.5), "heavy ball, η = 0.5, β = 0.5"),
        (0.3, .nesterov(momentum: 0.9), "Nesterov, η = 0.3, β = 0.9"),
    ]

    static func momentum(on data: Dataset<Double>) throws -> any Figure {
        print("Edge of stability with momentum (same network and data, SGD in PyTorch's form)")
        var panels: [ChartPanel] = []
        for run in momentumRuns {
            let result = try EdgeOfStabilityExperiment(configuration: .init(learningRate: run.learningRate, method: run.method))
                .run(on: data)
            let summary = result.summary
            let plainThreshold = 2 / run.learningRate
            print(
                "  \(run.title): threshold \(format(result.threshold, digits: 3)) (2/η = \(format(plainThreshold))), "
                    + "t* = \(summary.firstCrossingStep.map(String.init) ?? "none"), settled S/threshold: "
                    + "\(summary.settledRatios.map { "median \(format($0.median, digits: 3)), range [\(format($0.minimum, digits: 3)), \(format($0.maximum, digits: 3))]" } ?? "—"), "
                    + "loss rises after t*: \(percent(summary.lossIncreaseFractionAfterCrossing)), L(3000) = \(format(summary.finalLoss, digits: 4))"
            )
            panels.append(
                .line(
                    LineChart(
                        title: run.title, xAxis: Axis(label: "step t", range: 0...3000),
                        yAxis: Axis(label: "sharpness S", range: 0...max(summary.maximumSharpness, plainThreshold) * 1.12),
                        series: [
                            LineSeries(
                                name: "S", x: result.sharpness.map { Double($0.step) }, y: result.sharpness.map(\.value),
                                color: .vermillion, marker: .circle)
                        ],
                        referenceLines: [
                            ReferenceLine(.horizontal(y: result.threshold), label: "method's threshold", color: .black),
                            ReferenceLine(.horizontal(y: plainThreshold), label: "2/η", color: .gray, lineStyle: .dotted),
                        ],
                        legendPosition: .hidden)))
        }
        return SmallMultiples(
            title: "With momentum the sharpness settles at the method's threshold, not at 2/η",
            panels: panels, columns: 2, panelWidth: 440, panelHeight: 300,
            note: "The same network, data and initialization as above, trained by SGD with momentum (PyTorch's form). "
                + "Dashed: the quadratic stability threshold of the method, (2 + 2β)/η for heavy ball (6 here) and "
                + "(2 + 2β)/((1 + 2β)η) for Nesterov (4.52); dotted: 2/η, which would be the threshold without momentum.")
    }

    // MARK: - Batch normalization

    /// The batch-normalization comparison: THEORY-free, so the settings are stated here.
    static let normalizationRate = 0.05
    static let normalizationLevels = [0.3, 0.2, 0.1, 0.05]
    static let normalizationSeeds: [UInt64] = [0, 1, 2]

    static func batchNormSmoothness() throws -> [(String, any Figure)] {
        let data = try Dataset.standardizedDigits()
        print(
            "Batch normalization: 64-64-64-64-10 tanh MLP with and without BatchNorm before each tanh, ½-MSE, "
                + "full-batch GD at η = \(format(normalizationRate)) (2/η = \(format(2 / normalizationRate)))")
        var results: [BatchNormSmoothnessResult] = []
        for seed in normalizationSeeds {
            let started = Date()
            let result = try BatchNormSmoothnessExperiment(
                configuration: .init(
                    learningRate: normalizationRate, lossLevels: normalizationLevels,
                    sharpnessInterval: seed == 0 ? 50 : nil, seed: seed)
            ).run(on: data)
            results.append(result)
            print(
                "  seed \(seed) (\(format(Date().timeIntervalSince(started), digits: 1)) s), largest S·η/2 = "
                    + "\(format(result.largestThresholdFraction))")
            for level in result.levels {
                print(
                    "    L ≤ \(format(level.lossLevel)): without BN step \(level.plain.step), S = \(format(level.plain.sharpness, digits: 2)), "
                        + "gᵀHg/‖g‖² = \(format(level.plain.gradientCurvature, digits: 4)); with BN step \(level.batchNormalized.step), "
                        + "S = \(format(level.batchNormalized.sharpness, digits: 2)), gᵀHg/‖g‖² = "
                        + "\(format(level.batchNormalized.gradientCurvature, digits: 4)); S ratio \(format(level.sharpnessRatio, digits: 2))"
                )
            }
        }
        try printInitialBlocks(on: data)
        let comparisons = results.flatMap(\.levels)
        let stepRatios = comparisons.map { Double($0.plain.step) / Double(max($0.batchNormalized.step, 1)) }
        let sharpnessRatios = comparisons.map(\.sharpnessRatio)
        print(
            "  over seeds \(normalizationSeeds) and the \(normalizationLevels.count) levels: BN reaches a level "
                + "\(format(stepRatios.min()!, digits: 1))–\(format(stepRatios.max()!, digits: 1))× sooner; "
                + "S(with)/S(without) = \(format(sharpnessRatios.min()!, digits: 2))–\(format(sharpnessRatios.max()!, digits: 2))"
        )
        let result = results[0]
        let plainColor = PlotColor.blue, normalizedColor = PlotColor.vermillion
        func curve(_ points: [SharpnessAtLoss], _ name: String, _ color: PlotColor) -> LineSeries {
            LineSeries(name: name, x: points.map(\.loss), y: points.map(\.sharpness), color: color, marker: .circle)
        }
        func levelMarks(_ points: [LossLevelMeasurement], _ color: PlotColor) -> LineSeries {
            LineSeries(
                name: "", x: points.map(\.loss), y: points.map(\.sharpness), color: color, lineStyle: .none,
                marker: .diamond)
        }
        let sharpnessPanel = LineChart(
            title: "Sharpness against training loss (seed 0)",
            xAxis: Axis(label: "training loss L (training moves right to left)", scale: .logarithmic),
            yAxis: Axis(label: "S = λmax(∇²L)", range: 0...30),
            series: [
                curve(result.plainTrajectory, "without batch norm", plainColor),
                curve(result.batchNormalizedTrajectory, "with batch norm", normalizedColor),
                levelMarks(result.levels.map(\.plain), plainColor),
                levelMarks(result.levels.map(\.batchNormalized), normalizedColor),
            ],
            referenceLines: normalizationLevels.map {
                ReferenceLine(.vertical(x: $0), label: "", color: .gray, lineStyle: .dotted)
            },
            legendPosition: .topLeft)
        func lossCurve(_ losses: [Double], _ name: String, _ color: PlotColor) -> LineSeries {
            LineSeries(name: name, x: losses.indices.map { Double($0 + 1) }, y: losses, color: color)
        }
        let lossPanel = LineChart(
            title: "Training loss against step (seed 0)",
            xAxis: Axis(label: "step t + 1", scale: .logarithmic), yAxis: Axis(label: "L", scale: .logarithmic),
            series: [
                lossCurve(result.plainLosses, "without batch norm", plainColor),
                lossCurve(result.batchNormalizedLosses, "with batch norm", normalizedColor),
            ],
            referenceLines: normalizationLevels.map {
                ReferenceLine(.horizontal(y: $0), label: "L = \(format($0))", color: .gray, lineStyle: .dotted)
            },
            legendPosition: .bottomLeft)
        let figure = SmallMultiples(
            title: "Batch normalization does not lower the sharpness of this network at matched loss",
            panels: [.line(sharpnessPanel), .line(lossPanel)], columns: 2, panelWidth: 460, panelHeight: 340,
            note: "64-64-64-64-10 tanh MLP (PyTorch-default Dense layers, the same draws in both; BatchNorm before each tanh, "
                + "batch statistics over all 1,797 standardized digits), ½-MSE, full-batch GD at η = \(format(normalizationRate)). "
                + "S every 50 steps and (diamonds) where L first falls to 0.3, 0.2, 0.1 and 0.05. With batch norm each level "
                + "is reached \(format(stepRatios.min()!, digits: 1))–\(format(stepRatios.max()!, digits: 1)) times sooner, "
                + "but at every matched loss S is \(format(sharpnessRatios.min()!, digits: 1))–\(format(sharpnessRatios.max()!, digits: 1)) "
                + "times higher (seeds \(normalizationSeeds.map(String.init).joined(separator: ", "))); both stay below 2/η = \(format(2 / normalizationRate)) (largest S·η/2 = \(format(result.largestThresholdFraction, digits: 2)))."
        )
        return [("bn-sharpness.svg", figure)]
    }

    /// Why the batch-normalized network starts sharper: the top eigenvalue of each
    /// layer's diagonal Hessian block at the initial weights (seed 0), and how the
    /// signal shrinks through the network without batch norm.
    static func printInitialBlocks(on data: Dataset<Double>) throws {
        print("  At initialization (seed 0), top eigenvalue of each layer's diagonal Hessian block:")
        for batchNormalization in [false, true] {
            var generator = Xoshiro256StarStar(seed: 0)
            var layers: [any Layer<Double>] = []
            var fanIn = 64
            for width in [64, 64, 64] {
                layers.append(try Dense<Double>.pytorchDefault(inputs: fanIn, outputs: width, using: &generator))
                if batchNormalization { layers.append(BatchNorm<Double>(features: width)) }
                layers.append(Activation<Double>(.tanh))
                fanIn = width
            }
            layers.append(try Dense<Double>.pytorchDefault(inputs: fanIn, outputs: 10, using: &generator))
            let model = Sequential(layers)
            let analysis = try HessianAnalysis(model: model, data: data, loss: .quadratic)
            let lanczos = Lanczos(maximumDimension: 100, minimumDimension: 4, tolerance: 1e-6)
            let whole = try lanczos.eigenpairs(of: analysis.hessian, selecting: .largest(1), computeVectors: false)
            let blocks = try analysis.blockSpectra(
                lanczos: lanczos, traceMethod: .hutchinson(HutchinsonTrace(probes: 2, blockSize: 2)))
            print(
                "    \(batchNormalization ? "with" : "without") BN: S = \(format(whole.largest[0].value, digits: 2)); "
                    + blocks.map { "layer \($0.block.name) (\($0.block.count)): \(format($0.top.value, digits: 2))" }
                    .joined(separator: ", "))
            if !batchNormalization {
                let squares = model.layerOutputs(for: data.features).map { output in
                    output.elements.reduce(0) { $0 + $1 * $1 } / Double(output.count)
                }
                print(
                    "    without BN, mean square of each layer's output: \(squares.map { format($0, digits: 3) }.joined(separator: ", "))"
                )
            }
        }
    }

    // MARK: - Formatting

    static func format(_ value: Double, digits: Int = 3) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func percent(_ fraction: Double?) -> String {
        fraction.map { String(format: "%.1f%%", 100 * $0) } ?? "—"
    }
}
