// The optimizer figures: nine optimizers training the issue's 64-128-10 ReLU
// MLP on the digits for 20 epochs (the same initial weights and the same
// mini-batches for all), the learning-rate range test for SGD and Adam on
// that model, and the shapes of four learning-rate schedules.

import Descent
import Foundation

enum OptimizerFigures {
    static let epochs = 20
    static let batchSize = 32
    /// Seeds the split, the initial weights and the per-epoch shuffles.
    static let splitSeed: UInt64 = 0
    static let modelSeed: UInt64 = 1
    static let shuffleSeed: UInt64 = 0

    /// One optimizer of the comparison.
    struct Entry: Sendable {
        let label: String
        let color: PlotColor
        let lineStyle: LineStyle
        let train: @Sendable (DigitsSplit) throws -> Outcome
    }

    /// The split every run uses: 80% training, 20% held out, stratified.
    struct DigitsSplit: Sendable {
        let training: Dataset<Float>
        let heldOut: Dataset<Float>
    }

    /// What one run leaves: the per-epoch records and the final held-out accuracy.
    struct Outcome {
        let history: TrainingHistory
        let heldOutAccuracy: Double
        let seconds: Double
    }

    // MARK: - The model and one run

    /// The 64-128-10 ReLU MLP: z-score standardization fitted on the training
    /// features, then two `nn.Linear`-initialized layers, drawn from `modelSeed`.
    static func model(standardizingWith features: Matrix<Float>) throws -> Sequential<Float> {
        var generator = Xoshiro256StarStar(seed: modelSeed)
        return Sequential<Float>([
            try Standardizer(fittedTo: features),
            try Dense.pytorchDefault(inputs: 64, outputs: 128, using: &generator),
            Activation(.relu),
            try Dense.pytorchDefault(inputs: 128, outputs: 10, using: &generator),
        ])
    }

    /// Trains a fresh copy of the model with `optimizer`; the held-out part is
    /// the validation set, so the history has its accuracy after every epoch.
    static func train<Method: Optimizer>(_ optimizer: Method, on data: DigitsSplit) throws -> Outcome
    where Method.Scalar == Float {
        var trainer = Trainer(
            model: try model(standardizingWith: data.training.features), optimizer: optimizer,
            configuration: TrainingConfiguration(
                epochs: epochs, batchSize: .examples(batchSize), seed: shuffleSeed, recordsSteps: false, progress: .silent))
        let started = Date()
        let history = try trainer.fit(data.training, validation: data.heldOut)
        let seconds = Date().timeIntervalSince(started)
        return Outcome(history: history, heldOutAccuracy: trainer.evaluate(data.heldOut).accuracy ?? .nan, seconds: seconds)
    }

    /// The nine optimizers, each at a stated rate (the frameworks' default where
    /// there is one; SGD's chosen so that plain, momentum and Nesterov share the
    /// effective rate η/(1 − μ) = 0.1), and LAMB a second time under a cosine
    /// decay to 0, the kind of schedule it is meant to run with.
    static let entries: [Entry] = [
        Entry(label: "SGD, η = 0.1", color: .gray, lineStyle: .solid) { try train(SGD<Float>(learningRate: 0.1), on: $0) },
        Entry(label: "SGD + momentum, η = 0.01, μ = 0.9", color: .black, lineStyle: .solid) {
            try train(SGD<Float>(learningRate: 0.01, momentum: 0.9), on: $0)
        },
        Entry(label: "Nesterov (look-ahead), η = 0.01, μ = 0.9", color: .black, lineStyle: .dashed) {
            try train(SGD<Float>(learningRate: 0.01, momentum: 0.9, nesterov: .lookAhead), on: $0)
        },
        Entry(label: "AdaGrad, η = 0.01", color: .orange, lineStyle: .solid) {
            try train(AdaGrad<Float>(learningRate: 0.01), on: $0)
        },
        Entry(label: "RMSProp, η = 0.001, ρ = 0.9", color: .skyBlue, lineStyle: .solid) {
            try train(RMSProp<Float>(learningRate: 1e-3), on: $0)
        },
        Entry(label: "Adam, α = 0.001", color: .blue, lineStyle: .solid) { try train(Adam<Float>(learningRate: 1e-3), on: $0) },
        Entry(label: "AdamW (PyTorch's), α = 0.001, λ = 0.01", color: .bluishGreen, lineStyle: .dashed) {
            try train(AdamW<Float>(learningRate: 1e-3, weightDecay: 1e-2, convention: .pytorch), on: $0)
        },
        Entry(label: "NAdam, η = 0.002", color: .reddishPurple, lineStyle: .solid) {
            try train(NAdam<Float>(learningRate: 2e-3), on: $0)
        },
        Entry(label: "LAMB, η = 0.01", color: .vermillion, lineStyle: .solid) {
            try train(LAMB<Float>(learningRate: 1e-2), on: $0)
        },
        Entry(label: "LAMB, η = 0.01 → 0 (cosine)", color: .vermillion, lineStyle: .dashed) { data in
            let steps = epochs * ((data.training.count + batchSize - 1) / batchSize)
            let cosine = try CosineDecay(from: 1e-2, to: 0, steps: steps)
            return try train(Scheduled(LAMB<Float>(learningRate: 1e-2), schedules: [.learningRate: cosine]), on: data)
        },
    ]

    // MARK: - Figures

    static func make() throws -> [(String, any Figure)] {
        let digits = try Dataset.load(.digits, as: Float.self)
        let splits = try digits.split(trainingFraction: 0.8, seed: splitSeed, stratified: true)
        let data = DigitsSplit(training: splits.training, heldOut: splits.test)
        print(
            "\nOptimizers on digits: \(data.training.count) training and \(data.heldOut.count) held-out examples, "
                + "\(epochs) epochs at batch \(batchSize)")
        let epochAxis = Axis(label: "epoch", range: 1...Double(epochs), tickValues: [1, 5, 10, 15, 20])
        var lossSeries: [LineSeries] = []
        var accuracySeries: [LineSeries] = []
        for entry in entries {
            let outcome = try entry.train(data)
            let records = outcome.history.epochs
            let x = records.map { Double($0.epoch + 1) }
            lossSeries.append(
                LineSeries(
                    name: entry.label, x: x, y: records.map(\.trainingLoss), color: entry.color, lineStyle: entry.lineStyle))
            accuracySeries.append(
                LineSeries(
                    name: entry.label, x: x, y: records.map { 100 * ($0.validationAccuracy ?? .nan) }, color: entry.color,
                    lineStyle: entry.lineStyle))
            let first = records.first!, last = records.last!
            print(
                "  \(entry.label.padding(toLength: 42, withPad: " ", startingAt: 0))"
                    + "  loss epoch 1 \(format(first.trainingLoss, digits: 4, significant: true))"
                    + "  epoch 20 \(format(last.trainingLoss, digits: 4, significant: true))"
                    + "  training accuracy (epoch 20) \(format(100 * (last.trainingAccuracy ?? .nan), digits: 4, significant: true)) %"
                    + "  held-out accuracy \(format(100 * outcome.heldOutAccuracy, digits: 4, significant: true)) %"
                    + " (\(Int((outcome.heldOutAccuracy * Double(data.heldOut.count)).rounded()))/\(data.heldOut.count))"
                    + "  (\(format(outcome.seconds, digits: 2)) s)")
        }
        try printAdamWDefaults(data)
        let (rangeFigure, rangeNumbers) = try rangeTestFigure(data)
        print(rangeNumbers)
        return [
            (
                "optimizers-training-loss.svg",
                LineChart(
                    title: "Training loss per epoch, 64-128-10 ReLU MLP on the digits",
                    xAxis: epochAxis, yAxis: Axis(label: "mean mini-batch cross-entropy", scale: .logarithmic),
                    series: lossSeries, legendPosition: .outsideRight,
                    note: "Mean of the mini-batch losses over each epoch (batch 32, \(data.training.count) training digits), "
                        + "the same initial weights (PyTorch's nn.Linear draw, seed \(modelSeed)) and the same shuffles "
                        + "(seed \(shuffleSeed)) for every optimizer; Float.",
                    width: 1000, height: 480)
            ),
            (
                "optimizers-validation-accuracy.svg",
                LineChart(
                    title: "Held-out accuracy after each epoch",
                    xAxis: epochAxis, yAxis: Axis(label: "accuracy on the held-out 20% (%)", range: 85...100),
                    series: accuracySeries, legendPosition: .outsideRight,
                    note: "\(data.heldOut.count) held-out digits (stratified 80/20 split, seed \(splitSeed)), evaluated in "
                        + "inference mode after every epoch. Nothing was chosen by looking at them, so the last point is a "
                        + "test accuracy; one digit is 0.28 percentage points. Values below 85% are off the axis.",
                    width: 1000, height: 480)
            ),
            ("optimizers-range-test.svg", rangeFigure),
            ("optimizers-schedules.svg", try schedulesFigure()),
        ]
    }

    /// AdamW's paper form with the PyTorch default λ = 0.01 decays 1/α = 1000
    /// times faster than PyTorch's AdamW; λ = αλ_PyTorch makes them equal.
    static func printAdamWDefaults(_ data: DigitsSplit) throws {
        print("  AdamW forms (α = 0.001):")
        let variants: [(String, () throws -> Outcome)] = [
            ("paper form, λ = 0.01 (Descent's default)", { try train(AdamW<Float>(learningRate: 1e-3), on: data) }),
            (
                "paper form, λ = 1e−5 (= αλ of PyTorch's)",
                { try train(AdamW<Float>(learningRate: 1e-3, weightDecay: 1e-5), on: data) }
            ),
        ]
        for (label, run) in variants {
            let outcome = try run()
            let last = outcome.history.epochs.last!
            print(
                "    \(label.padding(toLength: 44, withPad: " ", startingAt: 0))  loss epoch 20 "
                    + "\(format(last.trainingLoss, digits: 4, significant: true))  held-out accuracy "
                    + "\(format(100 * outcome.heldOutAccuracy, digits: 4, significant: true)) %")
        }
    }

    // MARK: - Learning-rate range test

    /// The range test for SGD and Adam from the model's initial weights, on
    /// training mini-batches of 32 taken in the epochs' shuffled order.
    static func rangeTestFigure(_ data: DigitsSplit) throws -> (any Figure, String) {
        let test = try LearningRateRangeTest(from: 1e-5, to: 10, steps: 300)
        let initial = try model(standardizingWith: data.training.features)
        let start = initial.parameters.map(\.value)
        var series: [LineSeries] = []
        var lines: [ReferenceLine] = []
        var numbers = "  Learning-rate range test (1e−5 → 10 over \(test.steps) updates, batch \(batchSize)):"
        let methods:
            [(
                String, PlotColor,
                (LearningRateRangeTest, Sequential<Float>, [Matrix<Float>]) throws -> LearningRateRangeTestResult
            )] = [
                ("SGD", .gray, { try run($0, SGD<Float>(learningRate: 1e-5), $1, $2, data) }),
                ("Adam", .blue, { try run($0, Adam<Float>(learningRate: 1e-5), $1, $2, data) }),
            ]
        for (name, color, sweep) in methods {
            let result = try sweep(test, initial, start)
            let records = result.records
            series.append(
                LineSeries(
                    name: "\(name), loss", x: records.map(\.learningRate), y: records.map(\.loss), color: color,
                    lineStyle: .dotted))
            series.append(
                LineSeries(
                    name: "\(name), smoothed", x: records.map(\.learningRate), y: records.map(\.smoothedLoss), color: color))
            if let suggested = result.suggestedLearningRate {
                lines.append(
                    ReferenceLine(
                        .vertical(x: suggested), label: "\(name) steep: \(format(suggested, digits: 2, significant: true))",
                        color: color))
            }
            numbers +=
                "\n    \(name): stopped (\(result.stopReason.rawValue)) after \(records.count) updates at η = "
                + "\(format(records.last!.learningRate, digits: 3, significant: true)); minimum of the smoothed loss "
                + "\(format(result.minimumRecord?.smoothedLoss ?? .nan, digits: 3, significant: true)) at η = "
                + "\(format(result.minimumLossLearningRate ?? .nan, digits: 3, significant: true)); steepest descent at η = "
                + "\(format(result.steepestDescentLearningRate ?? .nan, digits: 3, significant: true)); minimum/10 = "
                + "\(format(result.minimumLossLearningRateOverTen ?? .nan, digits: 3, significant: true))"
        }
        let chart = LineChart(
            title: "Learning-rate range test on the digits MLP: SGD and Adam",
            xAxis: Axis(label: "learning rate η (log scale)", scale: .logarithmic),
            yAxis: Axis(label: "mini-batch cross-entropy", scale: .logarithmic),
            series: series, referenceLines: lines, legendPosition: .topLeft,
            note: "LearningRateRangeTest(from: 1e−5, to: 10, steps: \(test.steps)): η grows geometrically, one mini-batch "
                + "of \(batchSize) per update, from the initial weights of the training runs. Dotted: the raw loss; solid: "
                + "the bias-corrected moving average (β = 0.98). The run stops once the smoothed loss exceeds 4× its "
                + "minimum. Vertical lines: suggestedLearningRate (steepest fall of the smoothed loss against log η).",
            width: 820, height: 480)
        return (chart, numbers)
    }

    /// One sweep: each update evaluates the loss and gradient on the next training mini-batch.
    static func run<Method: Optimizer>(
        _ test: LearningRateRangeTest, _ optimizer: Method, _ model: Sequential<Float>, _ start: [Matrix<Float>],
        _ data: DigitsSplit
    ) throws -> LearningRateRangeTestResult where Method.Scalar == Float {
        var working = model
        var epoch = 0, position = 0
        var batches = try data.training.batches(size: .examples(batchSize), epoch: epoch, seed: shuffleSeed)
        return try test.run(optimizer, from: start) { point in
            if position == batches.count {
                epoch += 1
                position = 0
                batches = try data.training.batches(size: .examples(batchSize), epoch: epoch, seed: shuffleSeed)
            }
            let batch = batches[position]
            position += 1
            working.updateParameterValues(point)
            let variables = working.parameters
            let loss = Loss.softmaxCrossEntropy(working(Tensor(batch.features), mode: .training), labels: batch.labels!)
            return (loss.scalarValue, gradient(of: loss, withRespectTo: variables).map(\.value))
        }
    }

    // MARK: - Schedules

    /// The shapes of four schedules over 1000 updates, each between 0.001 and 0.1.
    static func schedulesFigure() throws -> any Figure {
        let steps = 1000
        let x = (0..<steps).map(Double.init)
        func values(_ schedule: some LearningRateSchedule) -> [Double] { (0..<steps).map { schedule.value(atStep: $0) } }
        let rateAxis = Axis(label: "η", range: 0...0.13, tickValues: [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12])
        let stepAxis = Axis(label: "update τ", range: 0...Double(steps))
        func panel(_ title: String, _ series: [LineSeries], legend: LegendPosition = .hidden) -> ChartPanel {
            .line(LineChart(title: title, xAxis: stepAxis, yAxis: rateAxis, series: series, legendPosition: legend))
        }
        let restarts = try CosineWarmRestarts(maximumValue: 0.1, minimumValue: 0.001, firstPeriod: 100, periodMultiplier: 2)
        let oneCycle = try OneCycleSchedule(maximumValue: 0.1, totalSteps: steps)
        let triangular = try CyclicalSchedule(lower: 0.001, upper: 0.1, stepsUp: 125)
        let halving = try CyclicalSchedule(lower: 0.001, upper: 0.1, stepsUp: 125, policy: .triangular2)
        let warmCosine = try CosineDecay(from: 0.1, to: 0.001, steps: 900).withLinearWarmup(steps: 100)
        return SmallMultiples(
            title: "Four learning-rate schedules over 1000 updates",
            panels: [
                panel(
                    "CosineWarmRestarts: T₀ = 100, T_mult = 2",
                    [LineSeries(name: "η", x: x, y: values(restarts), color: .blue)]),
                panel(
                    "OneCycleSchedule: peak 0.1, N = 1000",
                    [LineSeries(name: "η", x: x, y: values(oneCycle), color: .vermillion)]),
                panel(
                    "CyclicalSchedule: 125 steps up, 125 down",
                    [
                        LineSeries(name: "triangular", x: x, y: values(triangular), color: .bluishGreen),
                        LineSeries(name: "triangular2", x: x, y: values(halving), color: .reddishPurple, lineStyle: .dashed),
                    ], legend: .automatic),
                panel(
                    "LinearWarmup (100) into CosineDecay (900)",
                    [LineSeries(name: "η", x: x, y: values(warmCosine), color: .orange)]),
            ],
            columns: 2, panelWidth: 460, panelHeight: 300,
            note: "value(atStep: τ) for τ = 0 … 999, the rate of the update that follows τ completed updates. Warm restarts "
                + "jump back to 0.1 at τ = 100, 300 and 700 (periods 100, 200, 400) and approach 0.001 without reaching it; "
                + "one cycle rises from 0.1/25 to 0.1 by τ = 299 and anneals to 0.1/25/10⁴; the triangular cycle climbs from "
                + "0.001 to 0.1 in 125 updates and back (triangular2 halves the amplitude each cycle); the warm-up ramps from 0 "
                + "to 0.1 over 100 updates, then the cosine falls to 0.001 at τ = 1000.")
    }
}
