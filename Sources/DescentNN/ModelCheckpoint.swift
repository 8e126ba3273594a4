// ModelCheckpoint: a saved model read back with no code that knows its shape.
//
// Design note. The order of trust: a description the caller gives (for files
// without one, or to override it), else the file's own "descent.model", else —
// only for plain multilayer perceptrons, and only when the caller names the
// activation — Dense layers inferred from the tensor names and shapes
// PyTorch's `nn.Sequential(Linear, act, Linear, …)` writes. Whatever the
// source, the tensors must then fit the description exactly
// (`Layer.load(from:)`), so a wrong guess is a clear error, not a silently
// different model.

import Foundation

/// A model rebuilt from a safetensors checkpoint: its description, its weights and its header.
public struct ModelCheckpoint<Scalar: BLASScalar> {
    /// Where the description came from.
    public enum DescriptionSource: String, Sendable {
        /// The file's "descent.model" header entry.
        case file
        /// Given by the caller.
        case given
        /// Inferred from the tensor names and shapes (Dense layers) with the caller's activation.
        case inferred
    }

    /// The file read.
    public let path: String
    /// The model, with the file's parameters and state.
    public let model: any Layer<Scalar>
    /// Its description.
    public let specification: ModelSpecification
    /// Where ``specification`` came from.
    public let source: DescriptionSource
    /// The file's header metadata.
    public let metadata: [String: String]

    /// Reads `path` and rebuilds the model it holds.
    ///
    /// - Parameters:
    ///   - path: a safetensors file written by `Layer.save` (or PyTorch's `save_file` of a `state_dict`).
    ///   - given: a description to use instead of the file's (required for files that have none,
    ///     unless `activation` allows inferring one).
    ///   - activation: for files without a description: build Dense layers from the
    ///     tensors "0.weight", "0.bias", "2.weight", … with this activation in the gaps.
    /// - Throws: ``CheckpointError`` (no usable description; tensors that do not fit it);
    ///   `LinalgError.file` for a missing or malformed file.
    public init(contentsOf path: String, specification given: ModelSpecification? = nil, activation: ActivationFunction? = nil)
        throws
    {
        let contents = try SafetensorsFile.read(from: path, as: Scalar.self)
        var specification: ModelSpecification
        var source: DescriptionSource
        if let given {
            (specification, source) = (given, .given)
        } else if let json = contents.metadata[ModelSpecification.metadataKey] {
            do { specification = try ModelSpecification(json: json) } catch {
                throw CheckpointError.invalidDescription(path: path, problem: error)
            }
            source = .file
        } else if let activation {
            let shapes = contents.entries.map { (name: $0.name, shape: $0.shape) }
            do { specification = try ModelSpecification.inferred(fromTensorShapes: shapes, activation: activation) } catch {
                throw CheckpointError.invalidDescription(path: path, problem: error)
            }
            source = .inferred
        } else {
            throw CheckpointError.missingDescription(path: path)
        }
        var model: any Layer<Scalar>
        do { model = try specification.makeModel(as: Scalar.self) } catch {
            throw CheckpointError.invalidDescription(path: path, problem: error)
        }
        do { try model.load(from: path) } catch let error as CheckpointError {
            switch error {
            case .nonFinite: throw error
            default: throw CheckpointError.descriptionMismatch(path: path, reason: Self.reason(error, path: path))
            }
        }
        if specification.loss == nil, source != .file, let json = contents.metadata[ModelSpecification.metadataKey],
            let stored = try? ModelSpecification(json: json)
        {
            specification.loss = stored.loss
        }
        self.path = path
        self.model = model
        self.specification = specification
        self.source = source
        self.metadata = contents.metadata
    }

    /// The error's message without the leading path and the advice meant for another situation.
    private static func reason(_ error: CheckpointError, path: String) -> String {
        var text = error.description
        if text.hasPrefix(path + ": ") { text.removeFirst(path.count + 2) }
        return text.replacingOccurrences(of: "; the checkpoint was saved from a different model", with: "")
    }
}

extension ModelSpecification {
    /// A multilayer perceptron read off tensor names and shapes as PyTorch's
    /// `nn.Sequential(Linear, act, Linear, …)` writes them: "i.weight" (out × in)
    /// and optional "i.bias" (out) for each Dense layer i, `activation` at every index between.
    /// - Parameters:
    ///   - shapes: each tensor's name and shape.
    ///   - activation: the activation in the gaps.
    /// - Throws: ``ModelSpecificationError/invalid(_:)`` naming the tensor that does not fit the pattern.
    public static func inferred(fromTensorShapes shapes: [(name: String, shape: [Int])], activation: ActivationFunction)
        throws(ModelSpecificationError) -> ModelSpecification
    {
        var weights: [Int: [Int]] = [:]
        var biases: [Int: [Int]] = [:]
        for (name, shape) in shapes {
            let parts = name.split(separator: ".")
            guard parts.count == 2, let index = Int(parts[0]), index >= 0, parts[1] == "weight" || parts[1] == "bias" else {
                throw .invalid(
                    "tensor \"\(name)\" is not \"<index>.weight\" or \"<index>.bias\" of a stack of Dense layers; "
                        + "layers cannot be inferred from this file")
            }
            if parts[1] == "weight" {
                guard shape.count == 2 else { throw .invalid("tensor \"\(name)\" has shape \(shape), a Dense weight is 2-D") }
                weights[index] = shape
            } else {
                biases[index] = shape
            }
        }
        guard let last = weights.keys.max() else { throw .invalid("the file has no \"<index>.weight\" tensors") }
        var layers: [LayerSpecification] = []
        var previousOutputs: Int? = nil
        for index in 0...last {
            guard let weight = weights[index] else {
                if biases[index] != nil { throw .invalid("tensor \"\(index).bias\" has no \"\(index).weight\"") }
                layers.append(.activation(activation))
                continue
            }
            let (outputs, inputs) = (weight[0], weight[1])
            if let previousOutputs, previousOutputs != inputs {
                throw .invalid("\"\(index).weight\" takes \(inputs) inputs but the layer before gives \(previousOutputs)")
            }
            if let bias = biases[index], bias.reduce(1, *) != outputs {
                throw .invalid("\"\(index).bias\" has shape \(bias), the weight has \(outputs) outputs")
            }
            layers.append(.dense(inputs: inputs, outputs: outputs, bias: biases[index] != nil))
            previousOutputs = outputs
        }
        return ModelSpecification(model: .sequential(layers))
    }
}
