// Measurement: runs of whole epochs, timed end to end, median of the runs.
//
// Design note. Goals, in order: measure what a user gets (whole `fit` calls,
// shuffling, gathering, the last partial batch and all), compare the Trainer
// with the engine loop fairly, bound the run time. A run trains whole epochs
// from the same initial weights with a fresh optimizer; the number of epochs
// per run is chosen once per case from a warm-up so a run lasts at least
// `--min-run-time`. The Trainer and the engine loop alternate (forward order on
// even rounds, reverse on odd), so drift in clock speed or load hits both
// alike; the Trainer/engine ratio is a ratio of medians from the same rounds.

import BenchmarkSupport
import DescentNN
import DescentTraining

/// Runs `measure` again (at most `options.attempts` times in all) while other
/// processes used more than `options.competingLoadLimit` of the CPUs during it:
/// on this shared 2-CPU machine a build next door slows a case by 2–100×
/// (OpenBLAS's and OpenMP's spinning threads lose their CPU). Returns the last
/// result and the share of the CPUs that others used while it ran.
func measureWhileQuiet<Result>(_ label: String, options: TrainingBench, _ measure: () -> Result) -> (
    result: Result, competingLoad: Double
) {
    var attempt = 1
    while true {
        let monitor = CompetingLoadMonitor()
        let result = measure()
        let load = monitor.shares()?.others ?? 0
        if load <= options.competingLoadLimit || attempt >= options.attempts { return (result, load) }
        progress("  \(label): other processes used \(fixed(100 * load, 0))% of the CPUs; measuring again")
        attempt += 1
    }
}

/// Everything one case measures.
struct CaseResult {
    var trainer: ThroughputRecord
    var engine: ThroughputRecord
}

/// Epochs per run for a case whose slower side takes `epochSeconds` an epoch.
func epochsPerRun(epochSeconds: Double, runSeconds: Double) -> Int {
    max(1, Int((runSeconds / max(epochSeconds, 1e-9)).rounded(.up)))
}

/// Times the Trainer and the engine loop for one optimizer and batch size.
func measureThroughput(
    _ kind: OptimizerKind, batch: Int, data: Dataset<Float>, model: Sequential<Float>, options: TrainingBench
) -> CaseResult {
    var spec = RunSpec(
        data: data, batchSize: batch, epochs: 2, seed: options.seed, initialModel: model,
        recordsSteps: options.recordsSteps)
    // Warm-up: page faults, OpenBLAS thread start-up, lazy initialization.
    _ = kind.accept(TrainerRun(spec: spec))
    _ = kind.accept(EngineRun(spec: spec))
    let estimate = max(kind.accept(TrainerRun(spec: spec)), kind.accept(EngineRun(spec: spec))) / 2
    spec.epochs = epochsPerRun(epochSeconds: estimate, runSeconds: options.runSeconds)

    var trainerRates: [Double] = [], engineRates: [Double] = []
    for round in 0..<options.repetitions {
        let trainerFirst = round % 2 == 0
        for side in trainerFirst ? [true, false] : [false, true] {
            let seconds = side ? kind.accept(TrainerRun(spec: spec)) : kind.accept(EngineRun(spec: spec))
            let rate = Double(spec.examples) / seconds
            if side { trainerRates.append(rate) } else { engineRates.append(rate) }
        }
    }
    return CaseResult(
        trainer: ThroughputRecord(
            framework: "descent-trainer", optimizer: kind, batch: batch, runs: trainerRates, epochsPerRun: spec.epochs),
        engine: ThroughputRecord(
            framework: "descent-engine", optimizer: kind, batch: batch, runs: engineRates, epochsPerRun: spec.epochs))
}

/// Median seconds per step of every phase for one optimizer and batch size.
func measurePhases(
    _ kind: OptimizerKind, batch: Int, data: Dataset<Float>, model: Sequential<Float>, options: TrainingBench
) -> [PhaseRecord] {
    var spec = RunSpec(
        data: data, batchSize: batch, epochs: 2, seed: options.seed, initialModel: model,
        recordsSteps: options.recordsSteps)
    _ = kind.accept(PhaseRun(spec: spec))
    let started = monotonicNanoseconds()
    _ = kind.accept(PhaseRun(spec: spec))
    spec.epochs = epochsPerRun(
        epochSeconds: Double(monotonicNanoseconds() - started) * 1e-9 / 2, runSeconds: options.runSeconds)
    let runs = (0..<options.repetitions).map { _ in kind.accept(PhaseRun(spec: spec)) }
    return Phase.allCases.map { phase in
        PhaseRecord(optimizer: kind, batch: batch, phase: phase, secondsPerStep: median(runs.map { $0.secondsPerStep(phase) }))
    }
}

/// Wall time of 20 epochs of Adam at batch 32 through the Trainer: the first
/// run in the process (cold) and the median of the following runs.
func measureTwentyEpochs(data: Dataset<Float>, model: Sequential<Float>, options: TrainingBench) -> (
    record: EpochsRecord, cold: Double
) {
    let spec = RunSpec(
        data: data, batchSize: 32, epochs: 20, seed: options.seed, initialModel: model,
        recordsSteps: options.recordsSteps)
    let cold = OptimizerKind.adam.accept(TrainerRun(spec: spec))
    let runs = (0..<options.repetitions).map { _ in OptimizerKind.adam.accept(TrainerRun(spec: spec)) }
    let metrics = OptimizerKind.adam.accept(FinalMetrics(spec: spec))
    return (
        EpochsRecord(
            framework: "descent-trainer", seconds: median(runs), runs: runs, compileSeconds: nil,
            finalLoss: metrics.loss, finalAccuracy: metrics.accuracy),
        cold
    )
}
