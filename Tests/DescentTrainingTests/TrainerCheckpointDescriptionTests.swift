// The Trainer's checkpoints describe their model and loss, so a program can
// rebuild the trained network from model.safetensors alone.

import DescentNN
import Foundation
import Testing

@testable import DescentTraining

@Suite("Trainer checkpoints describe their model")
struct TrainerCheckpointDescriptionTests {
    @Test("model.safetensors and best-model.safetensors rebuild the trained model, with the training loss")
    func checkpointsAreSelfDescribing() throws {
        let splits = try digitsSplits()
        let training = splits.training.subset(Array(0..<192))
        let validation = splits.validation.subset(Array(0..<64))
        let scratch = try ScratchDirectory()
        var trainer = Trainer(
            model: try digitsModel(standardizingWith: training.features, seed: 4),
            optimizer: try SGD<Float>(learningRate: 0.05),
            configuration: TrainingConfiguration(
                epochs: 2, batchSize: 64, seed: 8, loss: .softmaxCrossEntropy, earlyStopping: EarlyStopping(patience: 3),
                checkpointDirectory: scratch.path, progress: .silent))
        try trainer.fit(training, validation: validation)

        let checkpoint = try ModelCheckpoint<Float>(contentsOf: scratch.path + "/model.safetensors")
        #expect(checkpoint.source == .file)
        #expect(checkpoint.specification == ModelSpecification(describing: trainer.model, loss: .softmaxCrossEntropy))
        #expect(checkpoint.specification.inputWidth == 64 && checkpoint.specification.outputWidth == 10)
        let rebuilt = try #require(checkpoint.model as? Sequential<Float>)
        #expect(rebuilt.parameters.map(\.value) == trainer.model.parameters.map(\.value))
        #expect(rebuilt.namedState.map(\.value) == trainer.model.namedState.map(\.value))
        #expect(rebuilt.predict(validation.features) == trainer.model.predict(validation.features))

        let best = try ModelCheckpoint<Float>(contentsOf: scratch.path + "/best-model.safetensors")
        #expect(best.specification.loss == .softmaxCrossEntropy && best.metadata["epoch"] != nil)
    }
}

/// The getting-started model of docs/guides/eigen-hessian.md: a digits MLP
/// trained for 5 epochs whose checkpoint `eigen hessian` reads. Set
/// DESCENT_GUIDE_CHECKPOINT to a folder to keep it (the guide's run used
/// `DESCENT_GUIDE_CHECKPOINT=/tmp/digits-mlp swift test --filter guideCheckpoint`).
@Suite("Guide checkpoint")
struct GuideCheckpointTests {
    @Test func guideCheckpoint() throws {
        let scratch = try ScratchDirectory()
        let directory = ProcessInfo.processInfo.environment["DESCENT_GUIDE_CHECKPOINT"] ?? scratch.path

        // --- the guide's snippet ---
        let digits = try Dataset.load(.digits, as: Float.self)
        let splits = try digits.split(trainingFraction: 0.8, validationFraction: 0.1, seed: 1, stratified: true)
        var generator = Xoshiro256StarStar(seed: 7)
        let model = Sequential<Float>([
            try Standardizer(fittedTo: splits.training.features),
            try Dense.pytorchDefault(inputs: 64, outputs: 32, using: &generator), Activation(.tanh),
            try Dense.pytorchDefault(inputs: 32, outputs: 10, using: &generator),
        ])
        var trainer = Trainer(
            model: model, optimizer: try SGD<Float>(learningRate: 0.1, momentum: 0.9, convention: .pytorch),
            configuration: TrainingConfiguration(
                epochs: 5, batchSize: 32, seed: 2, loss: .softmaxCrossEntropy, checkpointDirectory: directory,
                progress: .silent))
        try trainer.fit(splits.training, validation: splits.validation)
        // --- end of snippet ---

        let checkpoint = try ModelCheckpoint<Float>(contentsOf: directory + "/model.safetensors")
        #expect(checkpoint.specification.inputWidth == 64 && checkpoint.specification.loss == .softmaxCrossEntropy)
        #expect((trainer.history.epochs.last?.validationAccuracy ?? 0) > 0.9)
    }
}
