// Self-describing checkpoints: every describable layer survives save → rebuild → load,
// and a description that does not fit the tensors is refused with a clear error.

import Foundation
import Testing

@testable import DescentNN

@Suite("Model specifications")
struct ModelSpecificationTests {
    /// One of every describable layer kind, with non-trivial parameters and state.
    static func everyKind(seed: UInt64) throws -> Sequential<Double> {
        var generator = testGenerator(seed)
        let data = Matrix<Double>(rows: 7, columns: 6) { i, j in Double((i * 5 + j * 3) % 7) - 2.5 + 0.1 * Double(j) }
        var batchNorm = BatchNorm<Double>(features: 8, momentum: 0.2, epsilon: 1e-4)
        // One training pass moves the running statistics away from their initial values.
        _ = batchNorm.forward(Tensor(Matrix(rows: 5, columns: 8) { i, j in Double(i * j) * 0.3 - 1 }), mode: .training)
        var model = Sequential<Double>([
            try Standardizer(fittedTo: data),
            try Dense(inputs: 6, outputs: 8, biasInitializer: .uniform(bound: 0.5), using: &generator),
            Activation(.leakyReLU(slope: 0.2)),
            batchNorm,
            try WeightNormalizedDense(inputs: 8, outputs: 8, using: &generator),
            Activation(.elu(alpha: 0.7)),
            LayerNorm(features: 8, epsilon: 1e-6),
            Residual(
                Sequential([try Dense(inputs: 8, outputs: 8, biasInitializer: nil, using: &generator), Activation(.tanh)])),
            GroupNorm(groups: 2, features: 8, affine: false),
            Dropout(probability: 0.25, seed: 99),
            Residual(
                try Dense(inputs: 8, outputs: 4, using: &generator),
                shortcut: try Dense(inputs: 8, outputs: 4, biasInitializer: nil, using: &generator)),
            Activation(.sigmoid), Activation(.softplus), Activation(.gelu), Activation(.relu), Activation(.identity),
            try Dense(inputs: 4, outputs: 3, using: &generator),
        ])
        // Move every parameter off its initial value (γ = 1, β = 0 would hide a swapped pair).
        model.updateParameterValues(
            model.parameters.enumerated().map { index, tensor in
                tensor.value.map { $0 + 0.01 * Double(index + 1) }
            })
        return model
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UInt64.random(in: 0...UInt64.max))-\(name)").path
    }

    @Test("Every describable layer kind survives save, rebuild from the header alone, and load")
    func roundTripOfEveryKind() throws {
        let path = Self.temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let saved = try Self.everyKind(seed: 3)
        try saved.save(to: path, metadata: ["step": "12"], loss: .softmaxCrossEntropy)

        let checkpoint = try ModelCheckpoint<Double>(contentsOf: path)
        #expect(checkpoint.source == .file)
        #expect(checkpoint.specification == ModelSpecification(describing: saved, loss: .softmaxCrossEntropy))
        #expect(checkpoint.specification.loss == .softmaxCrossEntropy)
        #expect(checkpoint.specification.inputWidth == 6 && checkpoint.specification.outputWidth == 3)
        #expect(checkpoint.specification.containsDropout)
        #expect(checkpoint.metadata["step"] == "12")
        let rebuilt = try #require(checkpoint.model as? Sequential<Double>)
        #expect(rebuilt.namedParameters.map(\.name) == saved.namedParameters.map(\.name))
        #expect(rebuilt.parameters.map(\.value) == saved.parameters.map(\.value))
        #expect(rebuilt.namedState.map(\.name) == saved.namedState.map(\.name))
        #expect(rebuilt.namedState.map(\.value) == saved.namedState.map(\.value))
        // The same function: identical outputs in inference mode.
        let input = Matrix<Double>(rows: 4, columns: 6) { i, j in sin(Double(i * 6 + j)) }
        #expect(rebuilt.predict(input) == saved.predict(input))
        // Each layer's kind and settings, spot-checked on the rebuilt model.
        let dropout = try #require(rebuilt.layers[9] as? Dropout<Double>)
        #expect(dropout.probability == 0.25 && dropout.seed == 99)
        let groupNorm = try #require(rebuilt.layers[8] as? GroupNorm<Double>)
        #expect(groupNorm.groups == 2 && groupNorm.weight == nil)
        let batchNorm = try #require(rebuilt.layers[3] as? BatchNorm<Double>)
        #expect(batchNorm.momentum == 0.2 && batchNorm.epsilon == 1e-4 && batchNorm.batchesTracked == 1)
    }

    @Test("The description is JSON under descent.model, with the tensors' PyTorch names unchanged")
    func headerLayout() throws {
        let path = Self.temporaryPath("mlp.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = testGenerator(1)
        let model = Sequential<Double>([
            try Dense(inputs: 4, outputs: 3, using: &generator), Activation(.relu),
            try Dense(inputs: 3, outputs: 2, using: &generator),
        ])
        try model.save(to: path)
        let contents = try SafetensorsFile.read(from: path, as: Double.self)
        #expect(contents.entries.map(\.name) == ["0.bias", "0.weight", "2.bias", "2.weight"])
        let json = try #require(contents.metadata[ModelSpecification.metadataKey])
        #expect(
            json
                == #"{"model":{"sequential":{"_0":[{"dense":{"bias":true,"inputs":4,"outputs":3}},{"activation":{"_0":"relu"}},{"dense":{"bias":true,"inputs":3,"outputs":2}}]}},"version":1}"#
        )
        #expect(
            try ModelSpecification(json: json) == ModelSpecification.multilayerPerceptron(widths: [4, 3, 2], activation: .relu))
    }

    @Test("Activation and loss names round-trip, and unknown names are refused with the known ones")
    func names() throws {
        let functions: [ActivationFunction] = [
            .identity, .relu, .leakyReLU(slope: 0.2), .elu(alpha: 0.5), .tanh, .sigmoid, .softplus, .gelu,
        ]
        for function in functions { #expect(try ActivationFunction(name: function.name) == function) }
        #expect(
            try ActivationFunction(name: "ReLU") == .relu && ActivationFunction(name: "leaky-relu") == .leakyReLU(slope: 0.01))
        let error = #expect(throws: ModelSpecificationError.self) { try ActivationFunction(name: "swish") }
        #expect(error?.description.contains("unknown activation \"swish\"; known: identity, relu") == true)
        #expect(throws: ModelSpecificationError.self) { try ActivationFunction(name: "tanh:3") }
        for loss in [Loss.softmaxCrossEntropy, .quadratic, .binaryCrossEntropy, .binaryCrossEntropyWithLogits] {
            #expect(try Loss(name: loss.name) == loss)
        }
        #expect(try Loss(name: "mse") == .quadratic)
        #expect(throws: ModelSpecificationError.self) { try Loss(name: "hinge") }
    }

    @Test("A description that does not match the tensors is refused, naming the tensor")
    func mismatchedDescription() throws {
        let path = Self.temporaryPath("model.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = testGenerator(2)
        let model = Sequential<Double>([
            try Dense(inputs: 4, outputs: 3, using: &generator), Activation(.tanh),
            try Dense(inputs: 3, outputs: 2, using: &generator),
        ])
        try model.save(to: path)
        let wrongWidth = try ModelSpecification.multilayerPerceptron(widths: [4, 5, 2], activation: .tanh)
        let error = #expect(throws: CheckpointError.self) {
            try ModelCheckpoint<Double>(contentsOf: path, specification: wrongWidth)
        }
        #expect(
            error == .descriptionMismatch(path: path, reason: "tensor \"0.weight\" has shape [3, 4], the model needs [5, 4]"))
        #expect(error?.description.hasPrefix("\(path): the tensors do not match the model description") == true)

        // The file's own description, tampered with: a layer too many.
        let contents = try SafetensorsFile.read(from: path, as: Double.self)
        let tampered = try ModelSpecification.multilayerPerceptron(widths: [4, 3, 2, 2], activation: .tanh)
        try SafetensorsFile.write(contents.entries, metadata: [ModelSpecification.metadataKey: tampered.json()], to: path)
        #expect(throws: CheckpointError.descriptionMismatch(path: path, reason: "no tensor named \"4.weight\"")) {
            try ModelCheckpoint<Double>(contentsOf: path)
        }
        // A description with values no layer accepts is refused before anything is built.
        let invalid = ModelSpecification(model: .groupNorm(groups: 3, features: 8, epsilon: 1e-5, affine: true))
        try SafetensorsFile.write(contents.entries, metadata: [ModelSpecification.metadataKey: invalid.json()], to: path)
        #expect(
            throws: CheckpointError.invalidDescription(
                path: path, problem: .invalid("GroupNorm: 3 groups do not divide 8 features"))
        ) { try ModelCheckpoint<Double>(contentsOf: path) }
        // Newer formats and garbage are refused too.
        try SafetensorsFile.write(
            contents.entries, metadata: [ModelSpecification.metadataKey: #"{"version":7,"model":{"activation":{"_0":"relu"}}}"#],
            to: path)
        #expect(throws: CheckpointError.invalidDescription(path: path, problem: .unsupportedVersion(7))) {
            try ModelCheckpoint<Double>(contentsOf: path)
        }
        try SafetensorsFile.write(
            contents.entries, metadata: [ModelSpecification.metadataKey: #"{"model":{"conv2d":{}}}"#], to: path)
        let garbage = #expect(throws: CheckpointError.self) { try ModelCheckpoint<Double>(contentsOf: path) }
        guard case .invalidDescription(_, .unreadable) = garbage else {
            Issue.record("expected an unreadable description, got \(String(describing: garbage))")
            return
        }
    }

    @Test("A file without a description: a clear error, or Dense layers inferred with the given activation")
    func filesWithoutDescription() throws {
        let path = Self.temporaryPath("pytorch.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // As PyTorch's save_file writes nn.Sequential(Linear(4, 3), ReLU(), Linear(3, 2)): no description.
        let weights: [SafetensorsFile.Entry<Double>] = [
            .init(name: "0.weight", matrix: Matrix(rows: 3, columns: 4) { i, j in Double(i - j) / 4 }),
            .init(name: "0.bias", matrix: Matrix(rows: 1, columns: 3, elements: [0.1, -0.2, 0.3]), rank: 1),
            .init(name: "2.weight", matrix: Matrix(rows: 2, columns: 3) { i, j in Double(i + j) / 3 }),
            .init(name: "2.bias", matrix: Matrix(rows: 1, columns: 2, elements: [0.5, -0.5]), rank: 1),
        ]
        try SafetensorsFile.write(weights, metadata: ["format": "pt"], to: path)
        let missing = #expect(throws: CheckpointError.missingDescription(path: path)) {
            try ModelCheckpoint<Double>(contentsOf: path)
        }
        #expect(missing?.description.contains("no model description") == true)

        let inferred = try ModelCheckpoint<Double>(contentsOf: path, activation: .relu)
        #expect(inferred.source == .inferred)
        #expect(inferred.specification == (try ModelSpecification.multilayerPerceptron(widths: [4, 3, 2], activation: .relu)))
        let input = Matrix<Double>(rows: 1, columns: 4, elements: [1, 2, -1, 0.5])
        // By hand: a = W₀x + b₀, relu, W₂·relu(a) + b₂.
        let firstBias: [Double] = [0.1, -0.2, 0.3], secondBias: [Double] = [0.5, -0.5]
        var hidden = [Double](repeating: 0, count: 3)
        for i in 0..<3 {
            var sum = firstBias[i]
            for j in 0..<4 { sum += Double(i - j) / 4 * input[0, j] }
            hidden[i] = max(0, sum)
        }
        var expected = [Double](repeating: 0, count: 2)
        for i in 0..<2 {
            var sum = secondBias[i]
            for j in 0..<3 { sum += Double(i + j) / 3 * hidden[j] }
            expected[i] = sum
        }
        let output = inferred.model.predict(input)
        #expect(abs(output[0, 0] - expected[0]) < 1e-12 && abs(output[0, 1] - expected[1]) < 1e-12)

        // Tensors that are not a Dense stack cannot be inferred.
        try SafetensorsFile.write(
            weights + [.init(name: "1.running_mean", matrix: Matrix(rows: 1, columns: 3), rank: 1)], to: path)
        let notDense = #expect(throws: CheckpointError.self) { try ModelCheckpoint<Double>(contentsOf: path, activation: .relu) }
        #expect(notDense?.description.contains("\"1.running_mean\" is not \"<index>.weight\"") == true)
    }
}
