// ModelSpecification: a model's architecture as data, so a checkpoint can
// rebuild the model it was saved from.
//
// Design note. A safetensors checkpoint holds tensors only; to analyse a saved
// network a program also needs the layer sequence (and, for a Hessian, the
// loss). Goals, in order:
// 1. Self-describing checkpoints with nothing else to carry: `Layer.save`
//    stores this description as JSON under the header key "descent.model"
//    whenever every layer can describe itself; the tensor names stay PyTorch's
//    `state_dict` names, so PyTorch and NumPy read the file as before.
// 2. A closed, Codable enum of the layers DescentNN has, not reflection or
//    class names: a description read from a file is validated before a layer
//    is built (a bad width or a group count that does not divide the features
//    is a thrown error, never a trapped precondition).
// 3. Stable, readable JSON: activations and losses are short names
//    ("relu", "leaky-relu:0.01", "cross-entropy"), the same names the programs
//    accept on the command line.
// Weights are not part of the description: `makeModel()` builds layers with
// placeholder values, and `Layer.load(from:)` fills them from the tensors,
// refusing a file whose tensors do not match the description.

import Foundation

/// One layer of a model description; containers nest.
public indirect enum LayerSpecification: Codable, Sendable, Hashable {
    /// ``Dense``: `inputs` → `outputs`, with or without bias.
    case dense(inputs: Int, outputs: Int, bias: Bool)
    /// ``WeightNormalizedDense``: `inputs` → `outputs`, with or without bias.
    case weightNormalizedDense(inputs: Int, outputs: Int, bias: Bool)
    /// ``Activation`` with its function.
    case activation(ActivationFunction)
    /// ``BatchNorm`` (PyTorch's momentum convention; `nil` = cumulative average).
    case batchNorm(features: Int, momentum: Double?, epsilon: Double, affine: Bool)
    /// ``LayerNorm``.
    case layerNorm(features: Int, epsilon: Double, affine: Bool)
    /// ``GroupNorm``.
    case groupNorm(groups: Int, features: Int, epsilon: Double, affine: Bool)
    /// ``Standardizer`` (its statistics are state in the checkpoint).
    case standardizer(features: Int)
    /// ``Dropout`` with its drop probability and generator seed.
    case dropout(probability: Double, seed: UInt64)
    /// ``Residual``: body(x) + x, or body(x) + shortcut(x).
    case residual(body: LayerSpecification, shortcut: LayerSpecification?)
    /// ``Sequential``.
    case sequential([LayerSpecification])
}

/// A whole model: its layers and, when known, the loss it was trained with.
///
/// ```swift
/// let specification = ModelSpecification(describing: model, loss: .softmaxCrossEntropy)!
/// let rebuilt: any Layer<Double> = try specification.makeModel()
/// ```
public struct ModelSpecification: Codable, Sendable, Hashable {
    /// The header key under which ``Layer/save(to:metadata:loss:)`` stores the JSON description.
    public static let metadataKey = "descent.model"
    /// The description format written by this version (readers refuse newer ones).
    public static let currentVersion = 1

    /// The format version of the description.
    public var version: Int
    /// The model itself (a ``LayerSpecification/sequential(_:)`` for a `Sequential`).
    public var model: LayerSpecification
    /// The loss the model was trained with, when known.
    public var loss: Loss?

    /// A description of `model` with an optional loss.
    public init(model: LayerSpecification, loss: Loss? = nil) {
        self.version = Self.currentVersion
        self.model = model
        self.loss = loss
    }

    /// The multilayer perceptron `widths[0] → widths[1] → … → widths.last`: Dense layers
    /// with `activation` between them (none after the last), as PyTorch's
    /// `nn.Sequential(Linear, act, Linear, …)` names them ("0.weight", "2.weight", …).
    /// - Parameters:
    ///   - widths: at least two layer widths, each ≥ 1 (the `--architecture 64-128-10` of the programs).
    ///   - activation: the function between two Dense layers.
    ///   - bias: whether the Dense layers have biases (default `true`).
    /// - Throws: ``ModelSpecificationError/invalid(_:)`` for fewer than two widths or a width < 1.
    public static func multilayerPerceptron(widths: [Int], activation: ActivationFunction, bias: Bool = true)
        throws(ModelSpecificationError) -> ModelSpecification
    {
        guard widths.count >= 2 else {
            throw .invalid("an architecture needs at least an input and an output width, got \(widths)")
        }
        if let bad = widths.first(where: { $0 < 1 }) { throw .invalid("layer width \(bad) in \(widths) is not ≥ 1") }
        var layers: [LayerSpecification] = []
        for index in 0..<(widths.count - 1) {
            if index > 0 { layers.append(.activation(activation)) }
            layers.append(.dense(inputs: widths[index], outputs: widths[index + 1], bias: bias))
        }
        return ModelSpecification(model: .sequential(layers))
    }

    // MARK: - JSON

    /// The description as compact JSON (the header value of a checkpoint).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Every value is a finite number, a string or a Bool: encoding cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a description from the JSON ``json()`` writes.
    /// - Throws: ``ModelSpecificationError/unreadable(_:)`` for malformed JSON or an unknown layer;
    ///   ``ModelSpecificationError/unsupportedVersion(_:)`` for a newer format.
    public init(json: String) throws(ModelSpecificationError) {
        let decoded: ModelSpecification
        do {
            decoded = try JSONDecoder().decode(ModelSpecification.self, from: Data(json.utf8))
        } catch let error as ModelSpecificationError {
            throw error
        } catch let DecodingError.dataCorrupted(context) {
            throw .unreadable(Self.explain(context))
        } catch let DecodingError.keyNotFound(key, context) {
            throw .unreadable("missing \"\(key.stringValue)\" at \(Self.explain(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .unreadable(Self.explain(context))
        } catch {
            throw .unreadable("\(error)")
        }
        guard decoded.version <= Self.currentVersion else { throw .unsupportedVersion(decoded.version) }
        self = decoded
    }

    private static func explain(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
    }

    // MARK: - Shapes

    /// The number of input features the model takes, when its first layer that fixes it says so.
    public var inputWidth: Int? { model.inputWidth }

    /// The number of outputs of the model, when its last layer that fixes it says so.
    public var outputWidth: Int? { model.outputWidth }

    /// Whether some layer behaves differently in training (dropout).
    public var containsDropout: Bool { model.containsDropout }
}

/// Why a model description cannot be used.
public enum ModelSpecificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A description whose values are out of range (a width < 1, groups that do not divide the features…).
    case invalid(String)
    /// JSON that is not a model description.
    case unreadable(String)
    /// A description written by a newer Descent.
    case unsupportedVersion(Int)
    /// An activation or loss name that is not known.
    case unknownName(kind: String, name: String, known: [String])

    public var description: String {
        switch self {
        case let .invalid(reason): "the model description is not valid: \(reason)"
        case let .unreadable(reason): "the model description cannot be read: \(reason)"
        case let .unsupportedVersion(version):
            "the model description has format version \(version), newer than this Descent reads (\(ModelSpecification.currentVersion)); update Descent"
        case let .unknownName(kind, name, known):
            "unknown \(kind) \"\(name)\"; known: \(known.joined(separator: ", "))"
        }
    }
}

// MARK: - Shapes of a layer description

extension LayerSpecification {
    var inputWidth: Int? {
        switch self {
        case let .dense(inputs, _, _), let .weightNormalizedDense(inputs, _, _): inputs
        case let .batchNorm(features, _, _, _), let .layerNorm(features, _, _), let .groupNorm(_, features, _, _),
            let .standardizer(features):
            features
        case .activation, .dropout: nil
        case let .residual(body, shortcut): shortcut?.inputWidth ?? body.inputWidth
        case let .sequential(layers): layers.lazy.compactMap(\.inputWidth).first
        }
    }

    var outputWidth: Int? {
        switch self {
        case let .dense(_, outputs, _), let .weightNormalizedDense(_, outputs, _): outputs
        case let .batchNorm(features, _, _, _), let .layerNorm(features, _, _), let .groupNorm(_, features, _, _),
            let .standardizer(features):
            features
        case .activation, .dropout: nil
        case let .residual(body, shortcut): body.outputWidth ?? shortcut?.outputWidth
        case let .sequential(layers): layers.reversed().lazy.compactMap(\.outputWidth).first
        }
    }

    var containsDropout: Bool {
        switch self {
        case .dropout: true
        case let .residual(body, shortcut): body.containsDropout || (shortcut?.containsDropout ?? false)
        case let .sequential(layers): layers.contains { $0.containsDropout }
        default: false
        }
    }
}

// MARK: - Names of activations and losses

extension ActivationFunction {
    /// The activations' names (`leaky-relu` and `elu` take an optional `:parameter`).
    public static let names = ["identity", "relu", "leaky-relu", "elu", "tanh", "sigmoid", "softplus", "gelu"]

    /// The short name: "relu", "leaky-relu:0.01", "elu:1.0", …
    public var name: String {
        switch self {
        case .identity: "identity"
        case .relu: "relu"
        case .leakyReLU(let slope): "leaky-relu:\(slope)"
        case .elu(let alpha): "elu:\(alpha)"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .softplus: "softplus"
        case .gelu: "gelu"
        }
    }

    /// The function with this short name ("relu", "tanh", "leaky-relu:0.1", "elu", …; case-insensitive).
    /// - Throws: ``ModelSpecificationError/unknownName(kind:name:known:)``.
    public init(name: String) throws(ModelSpecificationError) {
        let parts = name.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let parameter = parts.count == 2 ? Double(parts[1]) : nil
        if parts.count == 2 && parameter == nil {
            throw .unknownName(kind: "activation", name: name, known: Self.names)
        }
        switch parts.first ?? "" {
        case "identity", "linear", "none": self = .identity
        case "relu": self = .relu
        case "leaky-relu", "leakyrelu", "leaky_relu": self = .leakyReLU(slope: parameter ?? 0.01)
        case "elu": self = .elu(alpha: parameter ?? 1)
        case "tanh": self = .tanh
        case "sigmoid", "logistic": self = .sigmoid
        case "softplus": self = .softplus
        case "gelu": self = .gelu
        default: throw .unknownName(kind: "activation", name: name, known: Self.names)
        }
        if parameter != nil, case .leakyReLU = self {
        } else if parameter != nil, case .elu = self {
        } else if parameter != nil {
            throw .unknownName(kind: "activation", name: name, known: Self.names)
        }
    }
}

extension ActivationFunction: ShortNamed {}

extension Loss {
    /// The losses' names, as the programs accept them.
    public static let names = ["cross-entropy", "quadratic", "binary-cross-entropy", "binary-cross-entropy-logits"]

    /// The short name: "cross-entropy", "quadratic", "binary-cross-entropy", "binary-cross-entropy-logits".
    public var name: String {
        switch self {
        case .softmaxCrossEntropy: "cross-entropy"
        case .quadratic: "quadratic"
        case .binaryCrossEntropy: "binary-cross-entropy"
        case .binaryCrossEntropyWithLogits: "binary-cross-entropy-logits"
        }
    }

    /// The loss with this short name; "mse" is accepted for the quadratic loss
    /// (Descent's ½‖y − z‖² averaged over examples), "bce" and "bce-logits" for the binary ones.
    /// - Throws: ``ModelSpecificationError/unknownName(kind:name:known:)``.
    public init(name: String) throws(ModelSpecificationError) {
        switch name.lowercased() {
        case "cross-entropy", "softmax-cross-entropy", "ce": self = .softmaxCrossEntropy
        case "quadratic", "mse": self = .quadratic
        case "binary-cross-entropy", "bce": self = .binaryCrossEntropy
        case "binary-cross-entropy-logits", "bce-logits": self = .binaryCrossEntropyWithLogits
        default: throw .unknownName(kind: "loss", name: name, known: Self.names + ["mse"])
        }
    }
}

extension Loss: ShortNamed {}

/// A value written in JSON (and on command lines) as its short name: activations and losses.
public protocol ShortNamed: Codable {
    /// The short name ("relu", "cross-entropy").
    var name: String { get }
    /// The value with this short name.
    /// - Throws: ``ModelSpecificationError/unknownName(kind:name:known:)``.
    init(name: String) throws(ModelSpecificationError)
}

extension ShortNamed {
    /// Decodes the short ``name``.
    public init(from decoder: any Decoder) throws {
        self = try Self(name: decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the short ``name``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
