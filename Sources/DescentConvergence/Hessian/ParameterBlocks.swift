// Per-layer blocks of a network Hessian: the diagonal block H_BB of a group of
// parameters (a layer's weight and bias), its top eigenvalue and its trace.
//
// The block is an operator of its own: a direction u on the block's
// coordinates is embedded as v = (0, …, u, …, 0) in R^P, multiplied by the
// full Hessian, and the product projected back onto the block: H_BB·u = (H·v)_B.
// One full HVP per block direction; Lanczos and Hutchinson then run unchanged.

import DescentLinalg

/// A group of parameter tensors whose diagonal Hessian block is studied together.
public struct ParameterBlock: Sendable, Hashable {
    /// A label: the layer's index in a `Sequential` ("0", "2"), or the caller's.
    public let name: String
    /// The names of the parameter tensors in the block, in order.
    public let parameterNames: [String]
    /// The block's coordinates in the flattened parameter vector, in order.
    public let ranges: [Range<Int>]

    /// The number of scalar parameters in the block.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }
}

/// What one diagonal block of the Hessian holds.
public struct BlockSpectrum: Sendable {
    /// The block.
    public let block: ParameterBlock
    /// The block's largest eigenvalue, from Lanczos (with its residual bound).
    public let top: RitzPair
    /// tr(H_BB): exact (a sum of the block's diagonal) or estimated.
    public let trace: Double
    /// The Hutchinson estimate behind `trace`, when the trace was estimated.
    public let traceEstimate: TraceEstimate?
    /// Hessian-vector products used for this block (Lanczos plus trace).
    public let products: Int
}

/// How a block's trace is computed.
public enum BlockTraceMethod: Sendable {
    /// Σᵢ (H eᵢ)ᵢ over the block's coordinates: one HVP per parameter of the block (in sweeps of 16).
    case exact
    /// Hutchinson's estimate with the given settings.
    case hutchinson(HutchinsonTrace)
}

extension HessianAnalysis {
    /// One block per layer: parameters whose names share the prefix before the last
    /// "." (`Sequential` names them "index.name"); a parameter without a prefix is its own block.
    public var layerBlocks: [ParameterBlock] {
        var blocks: [(name: String, names: [String], ranges: [Range<Int>])] = []
        for (name, range) in parameters {
            let prefix = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
            if let last = blocks.last, last.name == prefix {
                blocks[blocks.count - 1].names.append(name)
                blocks[blocks.count - 1].ranges.append(range)
            } else {
                blocks.append((prefix, [name], [range]))
            }
        }
        return blocks.map { ParameterBlock(name: $0.name, parameterNames: $0.names, ranges: $0.ranges) }
    }

    /// A block of the parameter tensors named `names` (in the model's order).
    /// - Throws: ``SpectrumError/invalidOption(name:value:requirement:)`` for an unknown or empty list.
    public func block(named label: String, parameterNames names: [String]) throws(SpectrumError) -> ParameterBlock {
        try requireOption(!names.isEmpty, "parameterNames", "[]", "name at least one parameter")
        let chosen = parameters.filter { names.contains($0.name) }
        let known = Set(parameters.map(\.name))
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw .invalidOption(
                name: "parameterNames", value: unknown,
                requirement: "is not a parameter of the model; known: \(parameters.map(\.name).joined(separator: ", "))")
        }
        return ParameterBlock(name: label, parameterNames: chosen.map(\.name), ranges: chosen.map(\.range))
    }

    /// The diagonal block H_BB as an operator on the block's coordinates (one full HVP per column).
    public func blockOperator(_ block: ParameterBlock) -> SymmetricOperator {
        let full = hessian
        let total = parameterCount
        return SymmetricOperator(dimension: block.count) { directions in
            let k = directions.columns
            var embedded = [Double](repeating: 0, count: total * k)
            var offset = 0
            for range in block.ranges {
                for (local, global) in range.enumerated() {
                    for column in 0..<k { embedded[global * k + column] = directions[offset + local, column] }
                }
                offset += range.count
            }
            let product = full.apply(to: Matrix(rows: total, columns: k, elements: embedded))
            var projected = [Double]()
            projected.reserveCapacity(block.count * k)
            product.withUnsafeElements { values in
                for range in block.ranges {
                    projected.append(contentsOf: values[(range.lowerBound * k)..<(range.upperBound * k)])
                }
            }
            return Matrix(rows: block.count, columns: k, elements: projected)
        }
    }

    /// The top eigenvalue and the trace of each block's diagonal Hessian block.
    /// - Parameters:
    ///   - blocks: ``layerBlocks`` by default.
    ///   - lanczos: the solver for each block's top eigenvalue.
    ///   - traceMethod: exact (default) or Hutchinson.
    /// - Throws: ``SpectrumError``.
    public func blockSpectra(
        _ blocks: [ParameterBlock]? = nil, lanczos: Lanczos = Lanczos(), traceMethod: BlockTraceMethod = .exact
    ) throws(SpectrumError) -> [BlockSpectrum] {
        var results: [BlockSpectrum] = []
        for block in blocks ?? layerBlocks {
            let h = blockOperator(block)
            let before = h.productCount
            let top = try lanczos.eigenpairs(of: h, selecting: .largest(1), computeVectors: false)
            let trace: Double
            var estimate: TraceEstimate? = nil
            switch traceMethod {
            case .exact:
                trace = exactTrace(of: h)
            case let .hutchinson(estimator):
                let result = try estimator.estimate(of: h)
                trace = result.mean
                estimate = result
            }
            results.append(
                BlockSpectrum(
                    block: block, top: top.largest[0], trace: trace, traceEstimate: estimate,
                    products: h.productCount - before))
        }
        return results
    }

    /// Σᵢ eᵢᵀHeᵢ from identity columns, 16 at a time.
    private func exactTrace(of h: SymmetricOperator) -> Double {
        var total = 0.0
        var start = 0
        while start < h.dimension {
            let width = min(16, h.dimension - start)
            let columns = Matrix<Double>(rows: h.dimension, columns: width) { i, j in i == start + j ? 1 : 0 }
            let product = h.apply(to: columns)
            for j in 0..<width { total += product[start + j, j] }
            start += width
        }
        return total
    }
}
