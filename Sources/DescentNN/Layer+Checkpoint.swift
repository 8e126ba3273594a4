// Saving and loading a model's parameters and state as safetensors.
//
// The file holds one tensor per named parameter and per state entry (running
// statistics, standardization), under the names the layers give them — for a
// Sequential the PyTorch `state_dict` names ("0.weight", "1.running_var") — so
// `safetensors.numpy.load_file` reads it unchanged and a PyTorch model of the
// same structure can load it. Parameters a layer lists in
// `vectorParameterNames` (biases, normalization γ and β) and vector state
// (running statistics) are 1-D tensors as in PyTorch, `num_batches_tracked` is
// 0-D; every other tensor keeps its 2-D shape. The loader accepts a 1-D tensor
// for any 1×n or n×1 entry.
//
// When every layer of the model is one of DescentNN's own, the header also
// holds the model's description (`ModelSpecification`, JSON under
// "descent.model", with the loss when the caller knows it), so
// `ModelCheckpoint(contentsOf:)` rebuilds the model from the file alone.

/// A checkpoint that does not fit the model it is loaded into.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file lacks a tensor the model needs.
    case missingTensor(path: String, name: String)
    /// The file has tensors the model does not know (likely another architecture).
    case unexpectedTensors(path: String, names: [String])
    /// A tensor's shape differs from the model's.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    /// A tensor holds NaN or ∞.
    case nonFinite(path: String, name: String)
    /// The file holds no model description and none was given.
    case missingDescription(path: String)
    /// The file's model description cannot be used.
    case invalidDescription(path: String, problem: ModelSpecificationError)
    /// The tensors do not fit the model description (the file's own or the one given).
    case descriptionMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missingTensor(path, name):
            "\(path): no tensor named \"\(name)\"; the checkpoint was saved from a different model"
        case let .unexpectedTensors(path, names):
            "\(path): tensors the model does not have: \(names.joined(separator: ", ")); the checkpoint was saved from a different model"
        case let .shapeMismatch(path, name, expected, found):
            "\(path): tensor \"\(name)\" has shape \(found), the model needs \(expected)"
        case let .nonFinite(path, name):
            "\(path): tensor \"\(name)\" contains NaN or infinity; the model that was saved had diverged"
        case let .missingDescription(path):
            "\(path): the checkpoint holds no model description (header key \"\(ModelSpecification.metadataKey)\"; "
                + "files from older Descent versions or from PyTorch have none); give its architecture "
                + "as a ModelSpecification, or the activation to infer Dense layers from the tensor shapes"
        case let .invalidDescription(path, problem):
            "\(path): \(problem)"
        case let .descriptionMismatch(path, reason):
            "\(path): the tensors do not match the model description: \(reason)"
        }
    }
}

extension Layer {
    /// Writes every parameter and state entry to a safetensors file, atomically
    /// (a temporary file renamed into place; an existing file is replaced only
    /// once the new one is complete).
    ///
    /// - Parameters:
    ///   - path: the file to write.
    ///   - metadata: extra string pairs stored in the header (`__metadata__`).
    ///   - loss: the loss the model is trained with, stored in the model description when known.
    /// - Throws: `LinalgError.file` if the file cannot be written.
    public func save(to path: String, metadata: [String: String] = [:], loss: Loss? = nil) throws {
        var entries: [SafetensorsFile.Entry<Scalar>] = []
        let vectors = vectorParameterNames
        for (name, tensor) in namedParameters {
            let value = tensor.value
            let isVector = vectors.contains(name) && (value.rows == 1 || value.columns == 1)
            entries.append(SafetensorsFile.Entry(name: name, matrix: value, rank: isVector ? 1 : 2))
        }
        for (name, value) in namedState { entries.append(stateEntry(name, value)) }
        var allMetadata = metadata
        allMetadata["format"] = "descent"
        if let description = ModelSpecification(describing: self, loss: loss) {
            allMetadata[ModelSpecification.metadataKey] = description.json()
        }
        try SafetensorsFile.write(entries, metadata: allMetadata, to: path)
    }

    /// Reads parameters and state saved by ``save(to:metadata:)`` (or by any
    /// tool writing the same names and shapes) into this model.
    ///
    /// Parameters keep their variable identity (values are replaced). Nothing
    /// changes unless the whole file fits: every name present, no extra ones,
    /// every shape equal (a 1-D tensor of length n fits a 1×n or n×1 entry),
    /// every value finite.
    /// - Throws: ``CheckpointError`` for a file that does not fit the model;
    ///   `LinalgError.file` for a missing or malformed file.
    public mutating func load(from path: String) throws {
        let contents = try SafetensorsFile.read(from: path, as: Scalar.self)
        func fetch(_ name: String, like expected: Matrix<Scalar>) throws -> Matrix<Scalar> {
            guard let entry = contents[name] else { throw CheckpointError.missingTensor(path: path, name: name) }
            let found = entry.matrix
            let sameShape = found.rows == expected.rows && found.columns == expected.columns
            let vectorFits = entry.rank <= 1 && found.count == expected.count && (expected.rows == 1 || expected.columns == 1)
            guard sameShape || vectorFits else {
                throw CheckpointError.shapeMismatch(
                    path: path, name: name, expected: [expected.rows, expected.columns], found: entry.shape)
            }
            guard found.isFinite else { throw CheckpointError.nonFinite(path: path, name: name) }
            return found.reshaped(rows: expected.rows, columns: expected.columns)
        }
        let parameterNames = namedParameters.map(\.name)
        let stateNames = namedState.map(\.name)
        let known = Set(parameterNames + stateNames)
        let extra = contents.entries.map(\.name).filter { !known.contains($0) }
        guard extra.isEmpty else { throw CheckpointError.unexpectedTensors(path: path, names: extra) }
        let parameterValues = try namedParameters.map { try fetch($0.name, like: $0.tensor.value) }
        let stateValues = try namedState.map { (name: $0.name, value: try fetch($0.name, like: $0.value)) }
        updateParameterValues(parameterValues)
        if !stateValues.isEmpty { namedState = stateValues }
    }
}

/// The entry for one state tensor: statistics (1×n or n×1) are 1-D and a 1×1
/// counter such as `num_batches_tracked` is 0-D, as in PyTorch.
private func stateEntry<Scalar>(_ name: String, _ value: Matrix<Scalar>) -> SafetensorsFile.Entry<Scalar> {
    let rank = value.count == 1 && name.hasSuffix("num_batches_tracked") ? 0 : (value.rows == 1 || value.columns == 1 ? 1 : 2)
    return SafetensorsFile.Entry(name: name, matrix: value, rank: rank)
}
