// Saving and loading models as safetensors.

import Foundation
import Testing

@testable import DescentNN

@Suite("Checkpoints")
struct CheckpointTests {
    static func model(seed: UInt64) throws -> Sequential<Double> {
        var generator = testGenerator(seed)
        return Sequential([
            try Dense(inputs: 4, outputs: 3, using: &generator), Activation(.relu),
            try Dense(inputs: 3, outputs: 1, using: &generator),
        ])
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UInt64.random(in: 0...UInt64.max))-\(name)").path
    }

    @Test func roundTripRestoresEveryParameterAndKeepsVariables() throws {
        let path = Self.temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let saved = try Self.model(seed: 1)
        try saved.save(to: path, metadata: ["epoch": "3"])
        var restored = try Self.model(seed: 2)
        let variablesBefore = restored.parameters
        #expect(restored.parameters.map(\.value) != saved.parameters.map(\.value))
        try restored.load(from: path)
        #expect(restored.parameters.map(\.value) == saved.parameters.map(\.value))
        // Same variables: a gradient taken now refers to the ones the optimizer holds.
        let loss = restored(Tensor(Matrix(rows: 2, columns: 4, repeating: 1))).sum()
        #expect(gradient(of: loss, withRespectTo: variablesBefore).contains { $0.value.maxAbsoluteElement() > 0 })

        let contents = try SafetensorsFile.read(from: path, as: Double.self)
        #expect(contents.entries.map(\.name) == ["0.bias", "0.weight", "2.bias", "2.weight"])
        #expect(
            contents["0.bias"]?.shape == [3] && contents["0.weight"]?.shape == [3, 4] && contents["2.weight"]?.shape == [1, 3])
        #expect(contents.metadata["epoch"] == "3" && contents.metadata["format"] == "descent")
        // For the Python check: DESCENT_CHECKPOINT_SAMPLE=/tmp/m.safetensors swift test --filter Checkpoint,
        // then python3 scripts/check_checkpoint.py /tmp/m.safetensors.
        if let sample = ProcessInfo.processInfo.environment["DESCENT_CHECKPOINT_SAMPLE"] {
            try saved.save(to: sample, metadata: ["epoch": "3"])
        }
    }

    @Test func aCheckpointOfAnotherModelIsRefusedAndNothingChanges() throws {
        let path = Self.temporaryPath("other.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = testGenerator(3)
        let wider = Sequential<Double>([
            try Dense(inputs: 4, outputs: 5, using: &generator), Activation(.relu),
            try Dense(inputs: 5, outputs: 1, using: &generator),
        ])
        try wider.save(to: path)
        var model = try Self.model(seed: 1)
        let before = model.parameters.map(\.value)
        #expect(throws: CheckpointError.shapeMismatch(path: path, name: "0.weight", expected: [3, 4], found: [5, 4])) {
            try model.load(from: path)
        }
        #expect(model.parameters.map(\.value) == before)

        let single = Dense(weight: Matrix<Double>([[1, 2, 3, 4]]), bias: nil)
        try single.save(to: path)
        #expect(throws: CheckpointError.unexpectedTensors(path: path, names: ["weight"])) { try model.load(from: path) }
        let error = #expect(throws: CheckpointError.self) { try model.load(from: path) }
        #expect(error?.description.contains("different model") == true)

        // A file with fewer tensors than the model: the first missing one is named.
        var twoLayers = Sequential<Double>([Dense(weight: Matrix([[1, 2, 3, 4]]), bias: nil), Activation(.relu)])
        var withBias = Sequential<Double>([Dense(weight: Matrix([[1, 2, 3, 4]]), bias: Matrix(row: [0])), Activation(.relu)])
        try twoLayers.save(to: path)
        #expect(throws: CheckpointError.missingTensor(path: path, name: "0.bias")) { try withBias.load(from: path) }
        try twoLayers.load(from: path)
    }

    @Test func shapesFollowPyTorchsStateDict() throws {
        let path = Self.temporaryPath("norm.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = testGenerator(4)
        let model = Sequential<Float>([
            try Dense(inputs: 3, outputs: 4, using: &generator), BatchNorm(features: 4), Activation(.relu),
            try Dense(inputs: 4, outputs: 1, using: &generator), LayerNorm(features: 1),
        ])
        try model.save(to: path)
        let contents = try SafetensorsFile.read(from: path, as: Float.self)
        let shapes = Dictionary(uniqueKeysWithValues: contents.entries.map { ($0.name, $0.shape) })
        #expect(
            shapes == [
                "0.weight": [4, 3], "0.bias": [4], "1.weight": [4], "1.bias": [4], "1.running_mean": [4],
                "1.running_var": [4], "1.num_batches_tracked": [], "3.weight": [1, 4], "3.bias": [1], "4.weight": [1],
                "4.bias": [1],
            ])
        var copy = model
        try copy.load(from: path)
        #expect(copy.namedState.map(\.value) == model.namedState.map(\.value))
        if let sample = ProcessInfo.processInfo.environment["DESCENT_CHECKPOINT_SAMPLE_NORM"] { try model.save(to: sample) }
    }

    @Test func divergedWeightsAreRefused() throws {
        let path = Self.temporaryPath("nan.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Dense(weight: Matrix<Double>([[1, .nan]]), bias: nil).save(to: path)
        var target = Dense(weight: Matrix<Double>([[0, 0]]), bias: nil)
        #expect(throws: CheckpointError.nonFinite(path: path, name: "weight")) { try target.load(from: path) }
    }

    @Test func aMissingFileIsAFileError() {
        var model = Dense(weight: Matrix<Double>([[0, 0]]), bias: nil)
        #expect(throws: LinalgError.self) { try model.load(from: "/nonexistent/descent.safetensors") }
    }
}
