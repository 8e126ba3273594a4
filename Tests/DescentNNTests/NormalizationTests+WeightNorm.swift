// Weight normalization: w = g·v/‖v‖ starts at the drawn weight, matches a
// Dense layer it wraps, and is invariant to the scale of v. Its derivatives are
// checked in NormalizationTests+Derivatives.swift, its values against PyTorch
// in NormalizationTests+PyTorch.swift.
//
// Tolerances: w = v initially up to one rounding of the ratio g/‖v‖ (1e-15
// relative); outputs of equal maps computed in a different order agree to
// 1e-14 (values of order 1); ∇_v ⟂ v holds exactly in exact arithmetic, and
// 1e-13 is a few hundred ulps of the products summed.

import Testing

@testable import DescentNN

extension NormalizationTests {
    @Suite("Weight normalization")
    struct WeightNorm {
        @Test func weightNormStartsAtTheDrawnWeightAndMatchesDense() throws {
            var generator = testGenerator(100)
            let layer = try WeightNormalizedDense<Double>(inputs: 5, outputs: 3, weightInitializer: .heNormal, using: &generator)
            let v = layer.direction.value
            #expect(layer.weight.value.maxAbsoluteDifference(v) <= 1e-15 * v.maxAbsoluteElement(), "w = v initially")
            for j in 0..<3 {
                let norm = v.row(j).elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(layer.magnitude.value[j, 0] - norm) <= 1e-15 * norm, "g = ‖v_j‖")
            }
            #expect(layer.namedParameters.map(\.name) == ["weight_v", "weight_g", "bias"])
            #expect(layer.magnitude.rows == 3 && layer.magnitude.columns == 1)

            let dense = Dense(weight: randomMatrix(3, 5, seed: 101), bias: randomMatrix(1, 3, seed: 102))
            let wrapped = WeightNormalizedDense(dense)
            let x = Tensor(randomMatrix(4, 5, seed: 103))
            #expect(wrapped(x).value.maxAbsoluteDifference(dense(x).value) <= 1e-14)
        }

        @Test func weightNormIsInvariantToTheScaleOfV() {
            // w = g v/‖v‖: scaling v changes nothing, and ∇_v ⟂ v row by row (Salimans & Kingma, eq. 4).
            let v = randomMatrix(3, 4, seed: 110)
            let g = randomMatrix(3, 1, in: 0.5...2, seed: 111)
            let x = Tensor(randomMatrix(6, 4, seed: 112))
            let layer = WeightNormalizedDense(direction: v, magnitude: g, bias: nil)
            let scaled = WeightNormalizedDense(direction: v * 3, magnitude: g, bias: nil)
            #expect(layer(x).value.maxAbsoluteDifference(scaled(x).value) <= 1e-14)
            for j in 0..<3 {
                let norm = layer.weight.value.row(j).elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - g[j, 0]) <= 1e-14, "‖w_j‖ = g_j")
            }
            let loss = layer(x).tanh().sum()
            let dv = gradient(of: loss, withRespectTo: [layer.direction])[0].value
            for j in 0..<3 {
                let dot = zip(dv.row(j).elements, v.row(j).elements).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(dot) <= 1e-13, "∇_v row \(j) · v row \(j)")
            }
        }
    }
}
