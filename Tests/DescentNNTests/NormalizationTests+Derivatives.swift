// Gradients and Hessian-vector products of every normalization layer, with
// respect to its input and all its parameters at once, against central finite
// differences in Double (DescentTestSupport's `derivativeErrors`).
//
// Tolerances (justified in DescentTestSupport): gradient relative error ≤ 1e-6
// and HVP ≤ 1e-5 against differences with step 1e-5; forward-over-reverse
// against double backward ≤ 1e-10; the exact Hessian's symmetry uᵀHv = vᵀHu
// ≤ 1e-10. The loss Σ G ⊙ tanh(y) is nonlinear in y, so the Hessian has blocks
// in every pair of variables, including (γ, γ) and (β, β).

import Testing

@testable import DescentNN

extension NormalizationTests {
    @Suite("Normalization derivatives")
    struct Derivatives {
        /// f([x, p₁, p₂, …]) = Σ G ⊙ tanh(layer(x)) with the layer's parameters set to p₁, p₂, …
        static func loss<L: Layer<Double>>(of layer: L, mode: LayerMode, upstream: Matrix<Double>) -> Function {
            { variables in
                var copy = layer
                let names = copy.namedParameters.map(\.name)
                copy.namedParameters = zip(names, variables.dropFirst()).map { (name: $0, tensor: $1) }
                return (copy.forward(variables[0], mode: mode).tanh() * Tensor(upstream)).sum()
            }
        }

        /// Checks `layer` at input `x` with its current parameters.
        static func check<L: Layer<Double>>(
            _ layer: L, input x: Matrix<Double>, mode: LayerMode, seed: UInt64,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            var probe = layer
            let output = probe.forward(Tensor(x), mode: mode)
            let upstream = randomMatrix(output.rows, output.columns, seed: seed)
            let point = [x] + layer.namedParameters.map(\.tensor.value)
            let errors = derivativeErrors(loss(of: layer, mode: mode, upstream: upstream), at: point, seed: seed &+ 1)
            #expect(errors.gradient <= 1e-6, "gradient vs finite differences: \(errors.gradient)", sourceLocation: sourceLocation)
            #expect(
                errors.hessianVectorProduct <= 1e-5, "HVP vs finite differences: \(errors.hessianVectorProduct)",
                sourceLocation: sourceLocation)
            #expect(
                errors.doubleBackward <= 1e-10, "HVP vs double backward: \(errors.doubleBackward)", sourceLocation: sourceLocation
            )
            #expect(errors.asymmetry <= 1e-10, "uᵀHv − vᵀHu: \(errors.asymmetry)", sourceLocation: sourceLocation)
            #expect(errors.batched <= 1e-12, "batched sweep: \(errors.batched)", sourceLocation: sourceLocation)
        }

        /// γ and β away from (1, 0), so that their derivatives are generic.
        static func randomized<L: Layer<Double>>(_ layer: L, seed: UInt64) -> L {
            var copy = layer
            copy.namedParameters = layer.namedParameters.enumerated().map { index, entry in
                let t = entry.tensor
                let range: ClosedRange<Double> = entry.name == "weight" ? 0.5...2 : -1...1
                return (entry.name, Tensor(variable: randomMatrix(t.rows, t.columns, in: range, seed: seed &+ UInt64(index))))
            }
            return copy
        }

        @Test func batchNormInTraining() {
            let layer = Self.randomized(BatchNorm<Double>(features: 4), seed: 200)
            Self.check(layer, input: randomMatrix(6, 4, in: -2...2, seed: 201), mode: .training, seed: 202)
        }

        @Test func batchNormInInferenceAndFrozen() {
            var layer = Self.randomized(BatchNorm<Double>(features: 3), seed: 210)
            _ = layer(Tensor(randomMatrix(8, 3, in: 0...3, seed: 211)), mode: .training)  // non-trivial running statistics
            Self.check(layer, input: randomMatrix(5, 3, seed: 212), mode: .inference, seed: 213)
            layer.freeze()
            Self.check(layer, input: randomMatrix(5, 3, seed: 214), mode: .training, seed: 215)
        }

        @Test func batchNormWithoutAffineParameters() {
            let layer = BatchNorm<Double>(features: 3, affine: false)
            Self.check(layer, input: randomMatrix(4, 3, in: -2...2, seed: 220), mode: .training, seed: 221)
        }

        @Test func layerNorm() {
            let layer = Self.randomized(LayerNorm<Double>(features: 5), seed: 230)
            Self.check(layer, input: randomMatrix(4, 5, in: -2...2, seed: 231), mode: .training, seed: 232)
        }

        /// Groups of 12, 4 and 3 features. (A group of 2 is left out on purpose: two values
        /// normalize to ±1 whatever they are, so ∂x̂/∂x = O(ε/σ²) is pure cancellation and a
        /// relative error would measure rounding only.)
        @Test(arguments: [1, 3, 4])
        func groupNorm(groups: Int) {
            let layer = Self.randomized(GroupNorm<Double>(groups: groups, features: 12), seed: 240)
            Self.check(layer, input: randomMatrix(3, 12, in: -2...2, seed: 241), mode: .training, seed: 242)
        }

        @Test func weightNormalizedDenseInInputDirectionMagnitudeAndBias() {
            let layer = WeightNormalizedDense(
                direction: randomMatrix(3, 4, seed: 250), magnitude: randomMatrix(3, 1, in: 0.5...2, seed: 251),
                bias: randomMatrix(1, 3, seed: 252))
            Self.check(layer, input: randomMatrix(5, 4, seed: 253), mode: .training, seed: 254)
        }

        @Test func standardizerAsALayer() throws {
            let layer = try Standardizer(fittedTo: randomMatrix(20, 3, in: -5...5, seed: 260))
            Self.check(layer, input: randomMatrix(4, 3, seed: 261), mode: .inference, seed: 262)
        }
    }
}
