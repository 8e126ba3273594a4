// The optimizer wrappers inside the training loop: parameter groups with the
// default decay exclusion, a scheduled learning rate, and a resume through both.

import DescentLinalg
import DescentNN
import DescentTraining
import Testing

@Suite("Trainer with parameter groups and schedules")
struct TrainerCompositionTests {
    typealias Method = Scheduled<ParameterGroups<Float>>

    func makeTrainer(epochs: Int, directory: String?, splits: DatasetSplits<Float>) throws -> Trainer<Sequential<Float>, Method> {
        let model = try digitsModel(standardizingWith: splits.training.features, seed: 6)
        let groups = try ParameterGroups(
            names: model.namedParameters.map(\.name), vectorNames: model.vectorParameterNames,
            optimizer: try AdamW<Float>(learningRate: 1e-3, weightDecay: 0.05, convention: .pytorch))
        let cosine = try CosineDecay(from: 2e-3, to: 1e-4, steps: 200)
        return Trainer(
            model: model, optimizer: try Scheduled(groups, schedules: [.learningRate: cosine]),
            configuration: TrainingConfiguration(
                epochs: epochs, batchSize: 64, seed: 3, checkpointDirectory: directory, progress: .silent))
    }

    @Test("AdamW decays weights but not biases; the cosine schedule sets each step's rate; resume is bit-identical")
    func groupsAndSchedule() throws {
        let splits = try digitsSplits()
        let scratch = try ScratchDirectory()
        var full = try makeTrainer(epochs: 4, directory: nil, splits: splits)
        let history = try full.fit(splits.training)
        // Each step's recorded rate is the cosine value at the step before it.
        let cosine = try CosineDecay(from: 2e-3, to: 1e-4, steps: 200)
        for record in history.steps {
            #expect(abs(record.learningRate - Double(Float(cosine.value(atStep: record.step - 1)))) <= 1e-9)
        }
        // The bias group is pinned at zero decay; the weight group follows AdamW's 0.05.
        let groups = full.optimizer.base.groups
        #expect(groups.count == 2 && groups[1].optimizer.value(of: .weightDecay) == 0)
        #expect(groups[0].optimizer.value(of: .weightDecay) == 0.05)

        var firstHalf = try makeTrainer(epochs: 2, directory: scratch.path, splits: splits)
        try firstHalf.fit(splits.training)
        var resumed = try makeTrainer(epochs: 4, directory: scratch.path, splits: splits)
        try resumed.resume(from: scratch.path)
        try resumed.fit(splits.training)
        #expect(resumed.model.parameters.map(\.value) == full.model.parameters.map(\.value))
    }
}
