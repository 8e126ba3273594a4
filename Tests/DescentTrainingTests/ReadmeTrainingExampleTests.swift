// The README's training example, run as written (history written to a scratch directory).

import DescentLinalg
import DescentNN
import DescentTraining
import Testing

@Suite("README training example")
struct ReadmeTrainingExampleTests {
    @Test func trainingExampleRuns() throws {
        let scratch = try ScratchDirectory()
        let digits = try Dataset.load(.digits, as: Float.self)  // 1797 × 64, labels 0…9
        let splits = try digits.split(trainingFraction: 0.8, validationFraction: 0.1, seed: 0, stratified: true)
        var generator = Xoshiro256StarStar(seed: 7)
        let model = Sequential<Float>([
            try Standardizer(fittedTo: splits.training.features),
            try Dense.pytorchDefault(inputs: 64, outputs: 128, using: &generator), Activation(.relu),
            try Dense.pytorchDefault(inputs: 128, outputs: 10, using: &generator),
        ])
        var trainer = Trainer(
            model: model, optimizer: try Adam<Float>(learningRate: 1e-3, convention: .pytorch),
            configuration: TrainingConfiguration(epochs: 20, batchSize: 32, seed: 1, progress: .silent))
        let history = try trainer.fit(splits.training, validation: splits.validation)
        let accuracy = try #require(trainer.evaluate(splits.test).accuracy)
        try history.writeEpochCSV(to: scratch.path + "/history.csv")
        // The README says ≈ 0.99 on this split (179 test digits): within two digits of it.
        #expect(abs(accuracy - 0.99) <= 0.012, "test accuracy \(accuracy)")
        #expect(history.epochs.count == 20)
    }
}
