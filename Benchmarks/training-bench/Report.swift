// Report: the Markdown tables (the table type, verdicts and number formatting
// are BenchmarkSupport's).

import BenchmarkSupport

/// The target: Descent's Trainer above JAX's pipelined figure, stated
/// as an upper bound on time per sample, Descent / JAX pipelined ≤ 1.
let pipelinedJAXTarget = RatioTarget(maximumRatio: 1)

/// Samples per second, three significant digits: "574k", "1.21M".
func rate(_ samplesPerSecond: Double?) -> String {
    guard let value = samplesPerSecond, value.isFinite else { return "—" }
    if value >= 1e6 { return fixed(value / 1e6, 2) + "M" }
    if value >= 1e5 { return fixed(value / 1e3, 0) + "k" }
    return fixed(value / 1e3, 1) + "k"
}

/// A median with half its interquartile range in percent: "574k ±1.2%".
func rateWithSpread(_ record: ThroughputRecord?) -> String {
    guard let record else { return "—" }
    let halfRange = 50 * (record.upperQuartile - record.lowerQuartile) / record.samplesPerSecond
    return rate(record.samplesPerSecond) + " ±" + fixed(halfRange, 1) + "%"
}

/// A share (0…1) as a whole percentage, or a dash.
func percent(_ share: Double?) -> String { share.map { fixed(100 * $0, 0) + "%" } ?? "—" }

/// A ratio with two decimals, or a dash when either side is unknown.
func ratioText(_ numerator: Double?, _ denominator: Double?) -> String {
    guard let numerator, let denominator, denominator > 0 else { return "—" }
    return fixed(numerator / denominator, 2)
}

/// Steps in one epoch of `examples` at batch size `batch` (the last one partial).
func stepsPerEpoch(examples: Int, batch: Int) -> Int { (examples + batch - 1) / batch }

// MARK: - Tables

/// Samples per second of every case, with the PyTorch and JAX columns when given.
func throughputTable(_ results: [CaseResult], frameworks: FrameworkResults?) -> ResultTable {
    var header = ["optimizer", "batch", "Descent Trainer", "engine step", "Trainer time / engine time"]
    if frameworks != nil {
        header += [
            "PyTorch", "JAX, blocking each step", "JAX pipelined", "Descent/PyTorch", "Descent/JAX blocking",
            "Descent/JAX pipelined", "target: > JAX pipelined",
        ]
    }
    header.append(frameworks == nil ? "others' CPU share" : "others' CPU share: Descent / Python")
    var table = ResultTable(title: "Training throughput, samples per second (Float, 64-128-10 ReLU, digits)", header: header)
    for result in results {
        let ours = result.trainer.samplesPerSecond
        var cells = [
            result.trainer.optimizer.label, "\(result.trainer.batch)", rateWithSpread(result.trainer),
            rateWithSpread(result.engine), ratioText(result.engine.samplesPerSecond, ours),
        ]
        var verdict = Verdict.informational
        if let frameworks {
            func theirs(_ name: String) -> Double? {
                frameworks.samplesPerSecond(name, result.trainer.optimizer, result.trainer.batch)
            }
            let pytorch = theirs("pytorch"), jax = theirs("jax"), pipelined = theirs("jax-pipelined")
            cells += [
                rate(pytorch), rate(jax), rate(pipelined), ratioText(ours, pytorch), ratioText(ours, jax),
                ratioText(ours, pipelined),
            ]
            if let pipelined {
                verdict = pipelinedJAXTarget.verdict(pipelined / ours)
                cells.append(verdict.text)
            } else {
                cells.append("—")
            }
        }
        var load = percent(result.trainer.competingLoad)
        if let frameworks {
            let theirs = frameworks.throughput.filter {
                $0.optimizer == result.trainer.optimizer && $0.batch == result.trainer.batch
            }.compactMap(\.competingLoad).max()
            load += " / " + percent(theirs)
        }
        cells.append(load)
        table.append(cells, verdict: verdict)
    }
    table.notes = [
        "Others' CPU share: the share of both CPUs' time that other processes used while the case was measured "
            + "(a case is measured again, up to --attempts times, while it exceeds --load-limit).",
        "Median of the runs, ± half the interquartile range. A run trains whole epochs (all 1797 examples, "
            + "shuffled, last partial batch kept) from the same initial weights with a fresh optimizer; "
            + "Descent/X > 1 means Descent is faster.",
    ]
    return table
}

/// Microseconds per step of every phase, one column per case.
func phaseTable(_ phases: [PhaseRecord], throughput: [CaseResult], examples: Int) -> ResultTable {
    let cases =
        throughput.isEmpty
        ? uniqueCases(phases)
        : throughput.map { ($0.trainer.optimizer, $0.trainer.batch) }
    var table = ResultTable(
        title: "Where a step's time goes (µs per step)",
        header: ["phase"] + cases.map { "\($0.0.rawValue), \($0.1)" })
    func seconds(_ phase: Phase, _ key: (OptimizerKind, Int)) -> Double? {
        phases.first { $0.phase == phase && $0.optimizer == key.0 && $0.batch == key.1 }?.secondsPerStep
    }
    func microseconds(_ value: Double?) -> String { value.map { fixed($0 * 1e6, $0 < 1e-5 ? 2 : 1) } ?? "—" }
    for phase in Phase.engine {
        table.append([phase.label] + cases.map { microseconds(seconds(phase, $0)) })
    }
    let engineSums = cases.map { key in Phase.engine.compactMap { seconds($0, key) }.reduce(0, +) }
    table.append(["**sum of the engine phases**"] + engineSums.map { microseconds($0) })
    func perStep(_ key: (OptimizerKind, Int), _ pick: (CaseResult) -> ThroughputRecord) -> Double? {
        guard let result = throughput.first(where: { $0.trainer.optimizer == key.0 && $0.trainer.batch == key.1 })
        else { return nil }
        let steps = Double(stepsPerEpoch(examples: examples, batch: key.1))
        return Double(examples) / pick(result).samplesPerSecond / steps
    }
    table.append(["engine loop, uninstrumented"] + cases.map { microseconds(perStep($0, \.engine)) })
    table.append(["**Trainer step**"] + cases.map { microseconds(perStep($0, \.trainer)) })
    table.append(
        ["Trainer − engine"]
            + cases.map { key in
                microseconds(perStep(key, \.trainer).flatMap { t in perStep(key, \.engine).map { t - $0 } })
            })
    for phase in Phase.allCases where !phase.isEngine {
        table.append([phase.label] + cases.map { microseconds(seconds(phase, $0)) })
    }
    table.notes = [
        "Engine phases: the engine loop with the clock read between phases (median over the runs of the mean per "
            + "step). The Trainer rows below \"Trainer − engine\" are the extra operations of `Trainer.takeStep`, "
            + "repeated on the side of the same loop and timed alone; Trainer and engine rows come from the "
            + "throughput table (whole runs, no clock reads inside)."
    ]
    return table
}

private func uniqueCases(_ phases: [PhaseRecord]) -> [(OptimizerKind, Int)] {
    var seen: [(OptimizerKind, Int)] = []
    for record in phases where !seen.contains(where: { $0.0 == record.optimizer && $0.1 == record.batch }) {
        seen.append((record.optimizer, record.batch))
    }
    return seen
}

/// The 20-epoch wall times, ours and the frameworks'.
func twentyEpochsTable(_ ours: EpochsRecord, cold: Double, frameworks: FrameworkResults?) -> ResultTable {
    var table = ResultTable(
        title: "20 epochs of Adam at batch 32 (1140 steps, 35,940 samples)",
        header: [
            "framework", "wall time (median)", "runs: min–max", "first run / jit compile", "final loss", "final accuracy",
            "others' CPU share",
        ])
    func row(_ name: String, _ record: EpochsRecord, first: String) {
        table.append([
            name, duration(record.seconds), duration(record.runs.min() ?? .nan) + " – " + duration(record.runs.max() ?? .nan),
            first, record.finalLoss.map { fixed($0, 4) } ?? "—", record.finalAccuracy.map { fixed(100 * $0, 1) + "%" } ?? "—",
            percent(record.competingLoad),
        ])
    }
    row("Descent Trainer", ours, first: "first run in the process: " + duration(cold))
    let names = ["pytorch": "PyTorch eager", "jax": "JAX, blocking each step", "jax-pipelined": "JAX pipelined"]
    for record in frameworks?.twentyEpochs ?? [] {
        row(
            names[record.framework] ?? record.framework, record,
            first: record.compileSeconds.map { "compile " + duration($0) + " (excluded)" } ?? "—")
    }
    table.notes = [
        "Each run starts from the same initial weights with a fresh optimizer. Final loss and accuracy: on all "
            + "examples after training (inference mode)."
    ]
    return table
}
