// The slow-learning figures: the notes' sigmoid neuron (x = 1, y = 0) trained
// for 300 epochs with the quadratic cost and with cross-entropy (Nielsen ch. 3).

import Descent

enum SlowLearningFigures {
    /// One training configuration: a loss and a learning rate.
    struct Run {
        let label: String
        let loss: Loss
        let learningRate: Double
        let color: PlotColor
        let lineStyle: LineStyle
    }

    static let runs = [
        Run(label: "quadratic cost, η = 0.15", loss: .quadratic, learningRate: 0.15, color: .blue, lineStyle: .solid),
        Run(
            label: "cross-entropy, η = 0.15", loss: .binaryCrossEntropyWithLogits, learningRate: 0.15, color: .vermillion,
            lineStyle: .solid),
        Run(
            label: "cross-entropy, η = 0.005 (Nielsen's)", loss: .binaryCrossEntropyWithLogits, learningRate: 0.005,
            color: .bluishGreen,
            lineStyle: .dashed),
    ]
    static let starts = [SigmoidNeuron(weight: 0.6, bias: 0.9), SigmoidNeuron(weight: 2, bias: 2)]
    static let example = [SigmoidNeuron.Example(input: 1, target: 0)]
    static let epochs = 300

    static func startTitle(_ start: SigmoidNeuron) -> String {
        "start (w, b) = (\(format(start.weight)), \(format(start.bias))), z₀ = \(format(start.output(for: 1), digits: 3))"
    }

    static func make() -> [(String, any Figure)] {
        let epochAxis = Axis(label: "epoch", range: 0...Double(epochs))
        let x = (0...epochs).map(Double.init)
        // trajectories[start][run]
        let trajectories = starts.map { start in
            runs.map { run in
                start.gradientDescentTrajectory(run.loss, on: example, learningRate: run.learningRate, epochs: epochs)
            }
        }
        print("Slow learning: output z = σ(w + b) after \(epochs) epochs (THEORY.md §13 item 3)")
        for (start, perRun) in zip(starts, trajectories) {
            for (run, trajectory) in zip(runs, perRun) {
                let first = start.costAndGradient(run.loss, on: example)
                print(
                    "  (\(format(start.weight)), \(format(start.bias))) \(run.label): C₀ = \(format(first.cost, digits: 10)), "
                        + "∂C/∂w₀ = \(format(first.weight, digits: 10)), z₃₀₀ = \(format(trajectory[epochs].output(for: 1), digits: 7))"
                )
            }
        }

        func series(_ trajectory: [SigmoidNeuron], _ run: Run, name: String? = nil, _ value: (SigmoidNeuron) -> Double)
            -> LineSeries
        {
            LineSeries(name: name ?? run.label, x: x, y: trajectory.map(value), color: run.color, lineStyle: run.lineStyle)
        }

        let slow = trajectories[1][0]
        func belowHalf(_ trajectory: [SigmoidNeuron]) -> String {
            trajectory.firstIndex { $0.output(for: 1) < 0.5 }.map(String.init) ?? "never"
        }
        print(
            "  from (2, 2): quadratic z₁₅₀ = \(format(slow[150].output(for: 1), digits: 4)); z < 0.5 from epoch \(belowHalf(slow)) "
                + "(quadratic) and \(belowHalf(trajectories[1][1])) (cross-entropy, η = 0.15)")
        let output = SmallMultiples(
            title: "The sigmoid neuron's output while it learns to map x = 1 to y = 0",
            panels: zip(starts, trajectories).map { start, perRun in
                .line(
                    LineChart(
                        title: startTitle(start), xAxis: epochAxis, yAxis: Axis(label: "output z = σ(w + b)", range: 0...1),
                        series: zip(perRun, runs).map { series($0, $1) { $0.output(for: 1) } }))
            },
            columns: 2, panelWidth: 440, panelHeight: 320, sharesLegend: true,
            note: "Full-batch gradient descent on the single example (x,\u{A0}y) = (1,\u{A0}0). Both costs want z → 0. From the "
                + "saturated start (2,\u{A0}2) the quadratic cost keeps z above \(format(slow[150].output(for: 1), digits: 2)) "
                + "for 150 epochs and first gets it below 0.5 at epoch \(belowHalf(slow)); cross-entropy at the same η does "
                + "that in \(belowHalf(trajectories[1][1])) epochs.")

        let cost = SmallMultiples(
            title: "Cost against epoch (Nielsen, Neural Networks and Deep Learning, ch. 3)",
            panels: [(0, runs[0]), (1, runs[0])].map { index, run in
                .line(
                    LineChart(
                        title: "Quadratic cost from (\(format(starts[index].weight)), \(format(starts[index].bias)))",
                        xAxis: epochAxis, yAxis: Axis(label: "cost C = (y − z)²/2"),
                        series: [
                            series(trajectories[index][0], run, name: "η = 0.15") {
                                $0.costAndGradient(run.loss, on: example).cost
                            }
                        ]))
            }
                + [0, 1].map { index in
                    .line(
                        LineChart(
                            title: "Cross-entropy from (\(format(starts[index].weight)), \(format(starts[index].bias)))",
                            xAxis: epochAxis,
                            yAxis: Axis(label: "cost C = −[y ln z + (1 − y) ln(1 − z)]"),
                            series: [1, 2].map { r in
                                series(trajectories[index][r], runs[r], name: r == 1 ? "η = 0.15" : "η = 0.005 (Nielsen's)") {
                                    $0.costAndGradient(runs[r].loss, on: example).cost
                                }
                            }))
                },
            columns: 2, panelWidth: 440, panelHeight: 300,
            note: "Top: the quadratic cost at η = 0.15 learns quickly from (0.6, 0.9) but starts slowly from (2, 2). "
                + "Bottom: cross-entropy starts fast from both (shown at Nielsen's η = 0.005 and at the same η = 0.15).")

        let gradient = SmallMultiples(
            title: "Why: the size of the gradient ∂C/∂w along the way",
            panels: zip(starts, trajectories).map { start, perRun in
                .line(
                    LineChart(
                        title: startTitle(start), xAxis: epochAxis, yAxis: Axis(label: "|∂C/∂w|", scale: .logarithmic),
                        series: zip(perRun, runs).map { trajectory, run in
                            series(trajectory, run) { abs($0.costAndGradient(run.loss, on: example).weight) }
                        }))
            },
            columns: 2, panelWidth: 440, panelHeight: 320, sharesLegend: true,
            note: "Quadratic cost: ∂C/∂w = zσ′(a), only 0.0173 at the saturated start (2,\u{A0}2) where σ′(4) = 0.0177. "
                + "Cross-entropy: ∂C/∂w = z, 56.6 times larger there; it shrinks only as the error z − y does.")

        return [("slow-learning-output.svg", output), ("slow-learning-cost.svg", cost), ("slow-learning-gradient.svg", gradient)]
    }
}

/// `value` with `digits` significant decimals, no trailing zeros (`0.6`, `2`, `0.0939557`).
func format(_ value: Double, digits: Int = 6) -> String {
    var text = String(format: "%.\(digits)f", value)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}
