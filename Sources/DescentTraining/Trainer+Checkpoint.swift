// Checkpoints and resume, early stopping and its best weights.
//
// A checkpoint is a directory holding two safetensors files, each written
// atomically (temporary file, then rename):
// - `model.safetensors`: the model exactly as `Layer.save` writes it (PyTorch's
//   `load_state_dict` reads it), with the model description and the training
//   loss in its header, so `eigen hessian --model` needs nothing else;
// - `trainer.safetensors`: the optimizer's buffers as `optimizer.<slot>.<i>`
//   plus, in the header metadata, the step, epoch, optimizer scalars and
//   hyperparameters, the history and the early-stopping state, as JSON.
// Both carry the step in their metadata; `resume` refuses a pair whose steps
// differ (a crash between the two renames).

import DescentLinalg
import DescentNN
import Foundation

/// Early stopping's memory: the best value, its epoch, epochs since.
struct EarlyStoppingState: Codable, Equatable {
    var best: Double?
    var bestEpoch: Int?
    var epochsWithoutImprovement = 0
}

/// The trainer's scalar state, stored as JSON in the checkpoint header.
private struct TrainerSnapshot: Codable {
    var step: Int
    var completedEpochs: Int
    var seed: UInt64
    var optimizer: String
    var optimizerStepCount: Int
    var hyperparameters: [String: Double]
    var scalars: [String: Double]
    var earlyStopping: EarlyStoppingState
    var plateau: ReduceOnPlateau?
    var history: TrainingHistory
}

extension Trainer {
    /// The file a checkpoint's model is written to, if checkpoints are on.
    public var lastCheckpointPath: String? {
        guard let directory = configuration.checkpointDirectory, completedEpochs > 0 else { return nil }
        let path = directory + "/model.safetensors"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    // MARK: - Early stopping

    /// Updates the best value; returns `true` when patience has run out.
    mutating func updateEarlyStopping(with record: EpochRecord) throws(TrainingError) -> Bool {
        guard let stopping = configuration.earlyStopping else { return false }
        let value: Double?
        let higherIsBetter: Bool
        switch stopping.monitor {
        case .validationLoss: (value, higherIsBetter) = (record.validationLoss, false)
        case .validationAccuracy: (value, higherIsBetter) = (record.validationAccuracy, true)
        case .trainingLoss: (value, higherIsBetter) = (record.trainingLoss, false)
        }
        guard let value else {
            throw .invalidConfiguration("early stopping monitors \(stopping.monitor.rawValue), which this run does not compute")
        }
        let improved: Bool
        if let best = earlyStoppingState.best {
            improved = higherIsBetter ? value > best + stopping.minimumImprovement : value < best - stopping.minimumImprovement
        } else {
            improved = true
        }
        if improved {
            earlyStoppingState.best = value
            earlyStoppingState.bestEpoch = record.epoch
            earlyStoppingState.epochsWithoutImprovement = 0
            bestModel = model
            if let directory = configuration.checkpointDirectory {
                try writing(directory + "/best-model.safetensors") { path in
                    try model.save(
                        to: path, metadata: ["epoch": "\(record.epoch)", "step": "\(step)"], loss: configuration.loss)
                }
            }
        } else {
            earlyStoppingState.epochsWithoutImprovement += 1
        }
        return earlyStoppingState.epochsWithoutImprovement >= stopping.patience
    }

    /// Feeds the epoch's metric to the plateau rule; a reduction sets the new learning rate.
    mutating func updatePlateau(with record: EpochRecord) throws(TrainingError) {
        guard var rule = plateau else { return }
        let metric: Double?
        switch plateauMetric {
        case .validationLoss: metric = record.validationLoss
        case .validationAccuracy: metric = record.validationAccuracy
        case .trainingLoss: metric = record.trainingLoss
        }
        guard let metric else {
            throw .invalidConfiguration("reduce-on-plateau watches \(plateauMetric.rawValue), which this run does not compute")
        }
        if rule.record(metric) {
            do { try optimizer.setValue(Scalar(rule.value), for: .learningRate) } catch { throw .optimizer(error) }
        }
        plateau = rule
    }

    /// Puts the best epoch's weights back (early stopping only).
    mutating func restoreBestModel() {
        guard configuration.earlyStopping != nil, let bestModel, let epoch = earlyStoppingState.bestEpoch else { return }
        model = bestModel
        history.restoredEpoch = epoch
    }

    // MARK: - Writing

    /// Writes `model.safetensors` and `trainer.safetensors` into the checkpoint directory.
    public func writeCheckpoint() throws(TrainingError) {
        guard let directory = configuration.checkpointDirectory else {
            throw .invalidConfiguration("no checkpoint directory is set")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .checkpoint(path: directory, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        let state = optimizer.state()
        var entries: [SafetensorsFile.Entry<Scalar>] = []
        for slot in state.buffers.keys.sorted() {
            for (index, buffer) in state.buffers[slot]!.enumerated() {
                entries.append(SafetensorsFile.Entry(name: "optimizer.\(slot).\(index)", matrix: buffer))
            }
        }
        let snapshot = TrainerSnapshot(
            step: step, completedEpochs: completedEpochs, seed: configuration.seed, optimizer: state.optimizer,
            optimizerStepCount: state.stepCount, hyperparameters: state.hyperparameters.mapValues(Double.init),
            scalars: state.scalars.mapValues(Double.init), earlyStopping: earlyStoppingState, plateau: plateau,
            history: history)
        let json: String
        do {
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            encoder.outputFormatting = .sortedKeys
            json = String(decoding: try encoder.encode(snapshot), as: UTF8.self)
        } catch {
            throw .checkpoint(path: directory, reason: "cannot encode the trainer state (\(error))")
        }
        let stepTag = ["step": "\(step)"]
        try writing(directory + "/trainer.safetensors") { path in
            try SafetensorsFile.write(entries, metadata: stepTag.merging(["trainer": json]) { $1 }, to: path)
        }
        try writing(directory + "/model.safetensors") { path in
            try model.save(to: path, metadata: stepTag, loss: configuration.loss)
        }
    }

    private func writing(_ path: String, _ body: (String) throws -> Void) throws(TrainingError) {
        do { try body(path) } catch { throw .checkpoint(path: path, reason: "\(error)") }
    }

    // MARK: - Resume

    /// Loads a checkpoint written by this trainer's configuration: the model,
    /// the optimizer state, the step and epoch counters, the history and the
    /// early-stopping state. `fit` then continues from the next epoch and gives
    /// the same result, bit for bit, as a run that never stopped.
    /// - Throws: ``TrainingError/checkpoint(path:reason:)`` for missing,
    ///   mismatched or foreign files; nothing changes unless everything loads.
    public mutating func resume(from directory: String) throws(TrainingError) {
        let modelPath = directory + "/model.safetensors", trainerPath = directory + "/trainer.safetensors"
        let contents: SafetensorsContents<Scalar>
        do { contents = try SafetensorsFile.read(from: trainerPath, as: Scalar.self) } catch {
            throw .checkpoint(path: trainerPath, reason: "\(error)")
        }
        guard let json = contents.metadata["trainer"] else {
            throw .checkpoint(
                path: trainerPath, reason: "no trainer state in the header; this is not a Descent trainer checkpoint")
        }
        let snapshot: TrainerSnapshot
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            snapshot = try decoder.decode(TrainerSnapshot.self, from: Data(json.utf8))
        } catch {
            throw .checkpoint(path: trainerPath, reason: "the trainer state cannot be read (\(error))")
        }
        guard snapshot.seed == configuration.seed else {
            throw .checkpoint(
                path: trainerPath,
                reason: "saved with seed \(snapshot.seed) but this run uses \(configuration.seed); the batches would differ")
        }
        var loaded = model
        do { try loaded.load(from: modelPath) } catch { throw .checkpoint(path: modelPath, reason: "\(error)") }
        // Reading the header again is cheap; the step tags must agree.
        let modelStep: String?
        do { modelStep = try SafetensorsFile.read(from: modelPath, as: Scalar.self).metadata["step"] } catch {
            throw .checkpoint(path: modelPath, reason: "\(error)")
        }
        guard modelStep == "\(snapshot.step)" else {
            throw .checkpoint(
                path: directory,
                reason: "model.safetensors is from step \(modelStep ?? "?") but trainer.safetensors from step \(snapshot.step)")
        }
        var buffers: [String: [Matrix<Scalar>]] = [:]
        for entry in contents.entries {
            let parts = entry.name.split(separator: ".")
            guard parts.count >= 3, parts[0] == "optimizer", let index = Int(parts.last!) else {
                throw .checkpoint(path: trainerPath, reason: "unexpected tensor \(entry.name)")
            }
            let slot = parts.dropFirst().dropLast().joined(separator: ".")
            var list = buffers[slot, default: []]
            guard index == list.count else {
                throw .checkpoint(path: trainerPath, reason: "optimizer buffers of \(slot) are out of order at \(entry.name)")
            }
            list.append(entry.matrix)
            buffers[slot] = list
        }
        let state = OptimizerState(
            optimizer: snapshot.optimizer, stepCount: snapshot.optimizerStepCount,
            hyperparameters: snapshot.hyperparameters.mapValues { Scalar($0) },
            scalars: snapshot.scalars.mapValues { Scalar($0) }, buffers: buffers)
        var restored = optimizer
        do { try restored.restore(from: state) } catch { throw .checkpoint(path: trainerPath, reason: "\(error)") }
        if configuration.earlyStopping != nil, snapshot.earlyStopping.bestEpoch != nil {
            var best = model
            let bestPath = directory + "/best-model.safetensors"
            do { try best.load(from: bestPath) } catch { throw .checkpoint(path: bestPath, reason: "\(error)") }
            bestModel = best
        }
        model = loaded
        optimizer = restored
        step = snapshot.step
        completedEpochs = snapshot.completedEpochs
        history = snapshot.history
        earlyStoppingState = snapshot.earlyStopping
        if snapshot.plateau != nil { plateau = snapshot.plateau }
    }
}
