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
