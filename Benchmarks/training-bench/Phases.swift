// Phases: where a training step's time goes. The engine loop again, with the
// clock read between its phases, plus the extra work the Trainer's step does
// (Sources/DescentTraining/Trainer.swift, `takeStep`), each done on the side
// and timed on its own, so that Trainer − engine can be attributed.
//
// Design note. A clock read costs ~20–30 ns, about 0.1% of the fastest step
// (batch 32); the phases' sum is checked against the uninstrumented engine
// loop in the report. The copy-on-write copy that `optimizer.update` pays when
// the model still references the parameter storage is forced and timed
// separately ("copy"), so "update" is the optimizer's arithmetic alone.

import BenchmarkSupport
import DescentAutograd
import DescentLinalg
import DescentNN
import DescentTraining

/// The phases of one step, in the order they run.
enum Phase: String, CaseIterable, Codable, Sendable {
    /// `batches[position]`: the rows of the batch gathered into matrices.
    case gather
    /// `model.parameters`: the list of variables to differentiate by.
    case parameterRead
    /// The forward pass and the loss, recorded on the tape.
    case forward
    /// `gradient(of:withRespectTo:)`.
    case backward
    /// The copy of every parameter that an in-place update makes while the model still holds the storage.
    case copy
    /// `optimizer.update(&values, with: gradients)` on unique storage.
    case update
    /// `model.updateParameterValues(values)`.
    case writeBack
    // Timed on the side:
    /// One `map(\.value)` over the gradient tensors: a key path instead of a closure.
    case keyPathMap
    // The Trainer's extra work, timed on the side:
    /// `identical(point, before)`: element-wise comparison of the parameter lists.
    case trainerIdentical
    /// `GradientGuard.apply` with no clipping: the gradient norm and finiteness.
    case trainerGradientGuard
    /// `parameters.firstIndex { !$0.isFinite }` after the update.
    case trainerFinitenessScan
    /// The arg-max accuracy count over the logits.
    case trainerAccuracy

    var label: String {
        switch self {
        case .gather: "gather the batch"
        case .parameterRead: "`model.parameters`"
        case .forward: "forward + loss"
        case .backward: "backward (`gradient(of:)`)"
        case .copy: "copy-on-write of the parameters"
        case .update: "optimizer update"
        case .writeBack: "`updateParameterValues`"
        case .keyPathMap: "(aside) one `map(\\.value)`: key path instead of closure"
        case .trainerIdentical: "Trainer: `identical(point, before)`"
        case .trainerGradientGuard: "Trainer: `GradientGuard.apply` (norm)"
        case .trainerFinitenessScan: "Trainer: finiteness scan"
        case .trainerAccuracy: "Trainer: accuracy count"
        }
    }

    /// Whether this is part of the engine step (the others are the Trainer's extras).
    var isEngine: Bool { Phase.engine.contains(self) }

    static let engine: [Phase] = [.gather, .parameterRead, .forward, .backward, .copy, .update, .writeBack]
}

/// Nanoseconds per phase, summed over one run, and the number of steps.
struct PhaseTotals {
    var nanoseconds = [Phase: UInt64]()
    var steps = 0

    /// Seconds per step in `phase`.
    func secondsPerStep(_ phase: Phase) -> Double {
        Double(nanoseconds[phase, default: 0]) * 1e-9 / Double(Swift.max(steps, 1))
    }
}

/// One instrumented run of the engine loop.
func phaseRun<Method: Optimizer<Float>>(_ spec: RunSpec, _ optimizer: Method) -> PhaseTotals {
    var model = spec.initialModel
    var optimizer = optimizer
    var totals = PhaseTotals()
    var clock = monotonicNanoseconds()
    func lap(_ phase: Phase) {
        let now = monotonicNanoseconds()
        totals.nanoseconds[phase, default: 0] += now - clock
        clock = now
    }
    var consumed: Float = 0
    do {
        for epoch in 0..<spec.epochs {
            let batches = try spec.data.batches(size: .examples(spec.batchSize), epoch: epoch, seed: spec.seed)
            clock = monotonicNanoseconds()
            for position in batches.indices {
                let batch = batches[position]
                lap(.gather)
                let variables = model.parameters
                lap(.parameterRead)
                let output = model.forward(Tensor(batch.features), mode: .training)
                let loss = Loss.softmaxCrossEntropy(output, labels: batch.labels!)
                consumed += loss.scalarValue
                lap(.forward)
                let gradientTensors = gradient(of: loss, withRespectTo: variables)
                var gradients = gradientTensors.map { $0.value }
                lap(.backward)
                var values = variables.map { $0.value }
                for index in values.indices { values[index].withUnsafeMutableElements { consumed += $0[0] } }
                lap(.copy)
                try optimizer.update(&values, with: gradients)
                lap(.update)
                model.updateParameterValues(values)
                lap(.writeBack)

                // On the side: what a key path costs, then the Trainer's extras.
                let viaKeyPath = gradientTensors.map(\.value)
                consumed += viaKeyPath[0].elements[0]
                lap(.keyPathMap)
                if !identical(variables.map { $0.value }, variables.map { $0.value }) { consumed += 1 }
                lap(.trainerIdentical)
                let report = try GradientGuard<Float>().apply(to: &gradients)
                consumed += report.norm
                lap(.trainerGradientGuard)
                if values.contains(where: { !$0.isFinite }) { consumed += 1 }
                lap(.trainerFinitenessScan)
                consumed += Float(correctCount(output.value, batch.labels!))
                lap(.trainerAccuracy)
                totals.steps += 1
            }
        }
    } catch { fatalError("the instrumented loop failed: \(error)") }
    blackHole(consumed)
    return totals
}

/// The Trainer's comparison: same count and equal elements.
private func identical(_ a: [Matrix<Float>], _ b: [Matrix<Float>]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
}

/// Rows whose arg-max column equals the label (the Trainer's accuracy count).
private func correctCount(_ output: Matrix<Float>, _ labels: [Int]) -> Int {
    var correct = 0
    output.withUnsafeElements { values in
        let columns = output.columns
        for row in 0..<output.rows {
            var best = 0
            for column in 1..<columns where values[row * columns + column] > values[row * columns + best] { best = column }
            if best == labels[row] { correct += 1 }
        }
    }
    return correct
}

/// One instrumented run.
struct PhaseRun: OptimizerVisitor {
    var spec: RunSpec
    func visit<Method: Optimizer<Float>>(_ optimizer: Method) -> PhaseTotals { phaseRun(spec, optimizer) }
}
