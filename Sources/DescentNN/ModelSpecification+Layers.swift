// ModelSpecification+Layers: from a layer to its description and back.
//
// Design note. Describing is a cast over the closed set of DescentNN layers
// (a user's own layer type is simply not describable, and its checkpoints carry
// no description, as before). Building validates every value a file could hold
// before calling an initializer whose preconditions would otherwise trap, and
// gives each layer placeholder parameters of the right shapes for
// `Layer.load(from:)` to replace.

extension LayerSpecification {
    /// The description of `layer`, or `nil` when it (or a layer inside it) is not one of DescentNN's own.
    public init?<Scalar: BLASScalar>(describing layer: any Layer<Scalar>) {
        if let dense = layer as? Dense<Scalar> {
            self = .dense(inputs: dense.inputs, outputs: dense.outputs, bias: dense.bias != nil)
        } else if let dense = layer as? WeightNormalizedDense<Scalar> {
            self = .weightNormalizedDense(inputs: dense.inputs, outputs: dense.outputs, bias: dense.bias != nil)
        } else if let activation = layer as? Activation<Scalar> {
            self = .activation(activation.function)
        } else if let norm = layer as? BatchNorm<Scalar> {
            self = .batchNorm(features: norm.features, momentum: norm.momentum, epsilon: norm.epsilon, affine: norm.weight != nil)
        } else if let norm = layer as? LayerNorm<Scalar> {
            self = .layerNorm(features: norm.features, epsilon: norm.epsilon, affine: norm.weight != nil)
        } else if let norm = layer as? GroupNorm<Scalar> {
            self = .groupNorm(groups: norm.groups, features: norm.features, epsilon: norm.epsilon, affine: norm.weight != nil)
        } else if let standardizer = layer as? Standardizer<Scalar> {
            self = .standardizer(features: standardizer.features)
        } else if let dropout = layer as? Dropout<Scalar> {
            self = .dropout(probability: dropout.probability, seed: dropout.seed)
        } else if let residual = layer as? Residual<Scalar> {
            guard let body = LayerSpecification(describing: residual.body) else { return nil }
            var shortcut: LayerSpecification? = nil
            if let projection = residual.shortcut {
                guard let described = LayerSpecification(describing: projection) else { return nil }
                shortcut = described
            }
            self = .residual(body: body, shortcut: shortcut)
        } else if let sequential = layer as? Sequential<Scalar> {
            var layers: [LayerSpecification] = []
            for inner in sequential.layers {
                guard let described = LayerSpecification(describing: inner) else { return nil }
                layers.append(described)
            }
            self = .sequential(layers)
        } else {
            return nil
        }
    }

    /// A layer of this description with placeholder parameters (zeros; ones for
    /// weight-normalization lengths and directions) and initial state, ready for `load(from:)`.
    /// - Throws: ``ModelSpecificationError/invalid(_:)`` for values out of range.
    public func makeLayer<Scalar: BLASScalar>(as scalarType: Scalar.Type = Scalar.self)
        throws(ModelSpecificationError) -> any Layer<Scalar>
    {
        func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws(ModelSpecificationError) {
            if !condition { throw .invalid(reason()) }
        }
        switch self {
        case let .dense(inputs, outputs, bias):
            try require(inputs >= 1 && outputs >= 1, "Dense \(inputs)→\(outputs) needs widths ≥ 1")
            return Dense<Scalar>(
                weight: Matrix(rows: outputs, columns: inputs), bias: bias ? Matrix(rows: 1, columns: outputs) : nil)
        case let .weightNormalizedDense(inputs, outputs, bias):
            try require(inputs >= 1 && outputs >= 1, "WeightNormalizedDense \(inputs)→\(outputs) needs widths ≥ 1")
            return WeightNormalizedDense<Scalar>(
                direction: Matrix(rows: outputs, columns: inputs, repeating: 1),
                magnitude: Matrix(rows: outputs, columns: 1, repeating: 1),
                bias: bias ? Matrix(rows: 1, columns: outputs) : nil)
        case let .activation(function):
            return Activation<Scalar>(function)
        case let .batchNorm(features, momentum, epsilon, affine):
            try require(features >= 1, "BatchNorm needs features ≥ 1, got \(features)")
            try require(momentum.map { $0 >= 0 && $0 <= 1 } ?? true, "BatchNorm momentum \(momentum ?? 0) is not in [0, 1]")
            try require(epsilon > 0, "BatchNorm epsilon \(epsilon) is not positive")
            return BatchNorm<Scalar>(features: features, momentum: momentum, epsilon: epsilon, affine: affine)
        case let .layerNorm(features, epsilon, affine):
            try require(features >= 1, "LayerNorm needs features ≥ 1, got \(features)")
            try require(epsilon > 0, "LayerNorm epsilon \(epsilon) is not positive")
            return LayerNorm<Scalar>(features: features, epsilon: epsilon, affine: affine)
        case let .groupNorm(groups, features, epsilon, affine):
            try require(groups >= 1 && features >= 1, "GroupNorm needs groups and features ≥ 1, got \(groups) and \(features)")
            try require(features % groups == 0, "GroupNorm: \(groups) groups do not divide \(features) features")
            try require(epsilon > 0, "GroupNorm epsilon \(epsilon) is not positive")
            return GroupNorm<Scalar>(groups: groups, features: features, epsilon: epsilon, affine: affine)
        case let .standardizer(features):
            try require(features >= 1, "Standardizer needs features ≥ 1, got \(features)")
            return Standardizer<Scalar>(features: features)
        case let .dropout(probability, seed):
            try require(probability >= 0 && probability < 1, "Dropout probability \(probability) is not in [0, 1)")
            return Dropout<Scalar>(probability: probability, seed: seed)
        case let .residual(body, shortcut):
            return Residual<Scalar>(try body.makeLayer(as: Scalar.self), shortcut: try shortcut?.makeLayer(as: Scalar.self))
        case let .sequential(layers):
            var built: [any Layer<Scalar>] = []
            for layer in layers { built.append(try layer.makeLayer(as: Scalar.self)) }
            return Sequential<Scalar>(built)
        }
    }
}

extension ModelSpecification {
    /// The description of `model`, or `nil` when some layer in it is not one of DescentNN's own.
    /// - Parameters:
    ///   - model: the model.
    ///   - loss: the loss it is trained with, if known.
    public init?<Scalar: BLASScalar>(describing model: any Layer<Scalar>, loss: Loss? = nil) {
        guard let layer = LayerSpecification(describing: model) else { return nil }
        self.init(model: layer, loss: loss)
    }

    /// The model this description describes, with placeholder parameters; fill
    /// them with `load(from:)`.
    /// - Throws: ``ModelSpecificationError/invalid(_:)`` for values out of range.
    public func makeModel<Scalar: BLASScalar>(as scalarType: Scalar.Type = Scalar.self)
        throws(ModelSpecificationError) -> any Layer<Scalar>
    {
        try model.makeLayer(as: Scalar.self)
    }
}
