// Per-layer statistics of a network's activations: what the initialization
// guide plots, and what one looks at to see activations explode, vanish or
// saturate before training starts.

/// Summary statistics of a matrix of activations, over all its elements
/// (every unit of every example together).
///
/// Computed in `Double` whatever the scalar type, with the variance in a second
/// pass around the mean. The variance is the population one (divided by the
/// count). THEORY.md §10: what variance-preserving initializations keep constant
/// is ``secondMoment`` for a layer's outputs zˡ (E[(zˡ)²] = 1 under He for ReLU),
/// and ``variance`` for the pre-activations aˡ.
public struct ActivationStatistics: Sendable, Hashable {
    /// The number of values.
    public let count: Int
    /// The mean E[z].
    public let mean: Double
    /// The population variance E[(z − E[z])²].
    public let variance: Double
    /// The second moment E[z²] = variance + mean².
    public let secondMoment: Double
    /// The smallest value.
    public let minimum: Double
    /// The largest value.
    public let maximum: Double
    /// The fraction of values exactly 0 (for ReLU, the inactive units).
    public let fractionOfZeros: Double

    /// The statistics of every element of `values`.
    ///
    /// An empty matrix gives count 0 and NaN for every other statistic. A NaN
    /// among the values makes the mean, variance, second moment, minimum and
    /// maximum NaN; ±∞ gives infinite or NaN moments, as the arithmetic does.
    /// - Complexity: O(count), two passes.
    public init<Scalar: BLASScalar>(of values: Matrix<Scalar>) {
        let elements = values.elements
        count = elements.count
        guard !elements.isEmpty else {
            (mean, variance, secondMoment, minimum, maximum, fractionOfZeros) = (.nan, .nan, .nan, .nan, .nan, .nan)
            return
        }
        var sum = 0.0, smallest = Double.infinity, largest = -Double.infinity, zeros = 0, hasNaN = false
        for element in elements {
            let value = Double(element)
            sum += value
            if value.isNaN { hasNaN = true }
            smallest = Swift.min(smallest, value)
            largest = Swift.max(largest, value)
            if value == 0 { zeros += 1 }
        }
        let n = Double(count)
        let average = sum / n
        var squaredDeviations = 0.0, squares = 0.0
        for element in elements {
            let value = Double(element)
            squaredDeviations += (value - average) * (value - average)
            squares += value * value
        }
        mean = average
        variance = squaredDeviations / n
        secondMoment = squares / n
        minimum = hasNaN ? .nan : smallest
        maximum = hasNaN ? .nan : largest
        fractionOfZeros = Double(zeros) / n
    }
}

extension Sequential {
    /// The output of every layer for `input`, in order, in inference mode; the
    /// last is the network's output.
    ///
    /// Nothing is recorded on the autograd tape, and the network does not change.
    /// For a stack `Dense, Activation, Dense, Activation, …` the odd indices
    /// (1, 3, …) hold the activations z¹, z², … and the even ones the
    /// pre-activations a¹, a², ….
    ///
    /// ```swift
    /// let outputs = network.layerOutputs(for: x)
    /// let perLayer = stride(from: 1, to: outputs.count, by: 2).map { ActivationStatistics(of: outputs[$0]) }
    /// ```
    /// - Parameter input: a batch, one example per row.
    /// - Returns: one matrix per layer (none for a network without layers).
    public func layerOutputs(for input: Matrix<Scalar>) -> [Matrix<Scalar>] {
        withoutGradients {
            var x = Tensor(input)
            var outputs: [Matrix<Scalar>] = []
            outputs.reserveCapacity(layers.count)
            for layer in layers {
                var copy = layer
                x = copy.forward(x, mode: .inference)
                outputs.append(x.value)
            }
            return outputs
        }
    }
}
