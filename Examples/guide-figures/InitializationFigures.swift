// The initialization figures: activations of a 10-layer, width-256 network on
// x ~ N(0, I) under four initializers, for ReLU and tanh, against the
// mean-field prediction of THEORY.md §10.

import Descent

enum InitializationFigures {
    static let width = 256
    static let depth = 10
    /// Examples in the batch whose activations are histogrammed.
    static let histogramBatch = 1000
    /// Weight draws averaged for the second-moment chart, and their batch.
    static let draws = 10
    static let drawBatch = 500

    struct Scheme {
        let label: String
        let initializer: Initializer
        let color: PlotColor
        let marker: MarkerShape
    }

    static let schemes = [
        Scheme(label: "N(0, 1)", initializer: .normal(standardDeviation: 1), color: .vermillion, marker: .triangle),
        Scheme(label: "N(0, 0.01²)", initializer: .normal(standardDeviation: 0.01), color: .reddishPurple, marker: .diamond),
        Scheme(label: "Glorot uniform", initializer: .glorotUniform, color: .blue, marker: .circle),
        Scheme(label: "He normal", initializer: .heNormal, color: .bluishGreen, marker: .square),
    ]
    static let activations: [(name: String, function: ActivationFunction)] = [("ReLU", .relu), ("tanh", .tanh)]

    /// The activations z¹ … z^L of a freshly drawn network for a fresh batch x ~ N(0, I).
    static func activations(
        _ function: ActivationFunction, _ initializer: Initializer, batch: Int, seed: UInt64
    ) throws -> [Matrix<Double>] {
        var generator = Xoshiro256StarStar(seed: seed)
        var layers: [any Layer<Double>] = []
        for _ in 0..<depth {
            layers.append(
                try Dense<Double>(
                    inputs: width, outputs: width, weightInitializer: initializer, biasInitializer: nil, using: &generator))
            layers.append(Activation<Double>(function))
        }
        let x = Matrix<Double>.randomNormal(rows: batch, columns: width, using: &generator)
        let outputs = Sequential(layers).layerOutputs(for: x)
        return stride(from: 1, to: outputs.count, by: 2).map { outputs[$0] }
    }

    static func make() throws -> [(String, any Figure)] {
        var figures: [(String, any Figure)] = []
        var momentPanels: [ChartPanel] = []
        let layers = (1...depth).map(Double.init)
        for (activationIndex, activation) in activations.enumerated() {
            // Histograms: one network per scheme.
            var panels: [ChartPanel] = []
            for (schemeIndex, scheme) in schemes.enumerated() {
                let z = try Self.activations(
                    activation.function, scheme.initializer, batch: histogramBatch,
                    seed: UInt64(100 * activationIndex + schemeIndex))
                let series = z.enumerated().map { layer, values in
                    HistogramSeries(
                        name: "layer \(layer + 1)", values: values.elements.map { abs($0) },
                        color: .viridis(0.85 * Double(layer) / Double(depth - 1)))
                }
                let statistics = z.map { ActivationStatistics(of: $0) }
                panels.append(
                    .histogram(
                        HistogramChart(
                            title:
                                "\(scheme.label): E[z²] from \(format(statistics[0].secondMoment, digits: 3, significant: true)) "
                                + "to \(format(statistics[depth - 1].secondMoment, digits: 3, significant: true))",
                            xAxis: Axis(
                                label: activation.function == .relu ? "z > 0 (log scale)" : "|z| (log scale)", scale: .logarithmic
                            ),
                            series: series, binCount: 60, isFilled: false)))
            }
            let zeros =
                activation.function == .relu ? " The zeros of ReLU (about half the values) cannot be shown on a log axis." : ""
            figures.append(
                (
                    "initialization-\(activation.name.lowercased())-histograms.svg",
                    SmallMultiples(
                        title: "\(activation.name) activations per layer at initialization (width \(width), x ~ N(0, I))",
                        panels: panels, columns: 2, panelWidth: 460, panelHeight: 330, sharesLegend: true,
                        note: "Density histograms of the activations z of layers 1 (dark) to \(depth) (light) of one network per "
                            + "initializer, \(histogramBatch) examples × \(width) units per layer, on bins equal in log₁₀, density per decade."
                            + zeros)
                ))

            // Second moments: measured (mean over several draws) against the prediction.
            var all: [LineSeries] = []
            var zoomed: [LineSeries] = []
            print("\n\(activation.name): E[z²] per layer, measured (mean of \(draws) draws) and mean-field prediction")
            for (schemeIndex, scheme) in schemes.enumerated() {
                var sums = [Double](repeating: 0, count: depth)
                for draw in 0..<draws {
                    let z = try Self.activations(
                        activation.function, scheme.initializer, batch: drawBatch,
                        seed: UInt64(10_000 + 1000 * activationIndex + 100 * schemeIndex + draw))
                    for (layer, values) in z.enumerated() { sums[layer] += ActivationStatistics(of: values).secondMoment }
                }
                let measured = sums.map { $0 / Double(draws) }
                let theory = SignalPropagation(
                    widths: Array(repeating: width, count: depth + 1), initializer: scheme.initializer,
                    activation: activation.function
                ).activationSecondMoments
                let pair = [
                    LineSeries(name: "", x: layers, y: theory, color: scheme.color, lineStyle: .dashed),
                    LineSeries(
                        name: scheme.label, x: layers, y: measured, color: scheme.color, lineStyle: .none, marker: scheme.marker),
                ]
                all += pair
                // The zoom leaves out the schemes that explode or vanish (and, for tanh, keeps the saturated N(0, 1)).
                if schemeIndex >= 2 || (activation.function == .tanh && schemeIndex == 0) { zoomed += pair }
                print("  \(scheme.label.padding(toLength: 15, withPad: " ", startingAt: 0))", terminator: "")
                for layer in [0, 1, 4, 9] {
                    print(
                        "  l=\(layer + 1): \(format(measured[layer], digits: 4, significant: true)) "
                            + "(\(format(theory[layer], digits: 4, significant: true)))", terminator: "")
                }
                print()
            }
            let layerAxis = Axis(label: "layer l", range: 0.5...Double(depth) + 0.5, tickValues: layers)
            momentPanels.insert(
                .line(
                    LineChart(
                        title: "\(activation.name), all four", xAxis: layerAxis,
                        yAxis: Axis(label: "E[(zˡ)²]", scale: .logarithmic),
                        series: all, legendPosition: .hidden)), at: activationIndex)
            momentPanels.append(
                .line(
                    LineChart(
                        title: activation.function == .relu
                            ? "ReLU, He and Glorot (zoom): 1 against 2⁻ˡ" : "tanh (zoom, linear axis)",
                        xAxis: layerAxis,
                        yAxis: activation.function == .relu
                            ? Axis(label: "E[(zˡ)²]", scale: .logarithmic, range: 3e-4...3)
                            : Axis(label: "E[(zˡ)²]", range: 0...1),
                        series: zoomed, legendPosition: .hidden)))
        }
        figures.append(
            (
                "initialization-second-moments.svg",
                SmallMultiples(
                    title: "Second moment of the activations per layer: measured (markers) and predicted (dashed)",
                    panels: momentPanels, columns: 2, panelWidth: 460, panelHeight: 340, sharesLegend: true,
                    note:
                        "Markers: mean of \(draws) networks (width \(width), \(drawBatch) examples each). Dashed: SignalPropagation's "
                        + "mean-field prediction — for ReLU (½·n·Var W)ˡ, so 1 for He and 2⁻ˡ for Glorot; for tanh the recursion "
                        + "q₁ = n·Var W, qₗ₊₁ = n·Var W·E[tanh²(√qₗ Z)], E[(zˡ)²] = E[tanh²(√qₗ Z)].")
            ))
        return figures
    }
}

/// `value` with `digits` significant digits, in scientific notation when very large or small.
func format(_ value: Double, digits: Int, significant: Bool) -> String {
    let magnitude = abs(value)
    if magnitude != 0 && (magnitude >= 1e4 || magnitude < 1e-3) {
        return String(format: "%.\(digits - 1)e", value).replacingOccurrences(of: "e-0", with: "e−").replacingOccurrences(
            of: "e+0", with: "e"
        )
        .replacingOccurrences(of: "e-", with: "e−").replacingOccurrences(of: "e+", with: "e")
    }
    return String(format: "%.\(digits)g", value)
}
