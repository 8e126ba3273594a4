// Normalization layers against PyTorch: forward outputs, the gradients of
// Σ G ⊙ y with respect to input and parameters, and batch-norm running
// statistics, from Fixtures/normalization/pytorch_reference.json, and
// PyTorch's own checkpoints of two of the layers, all written by
// scripts/make_normalization_fixtures.py (PyTorch, float64).
//
// Tolerances: norm-wise relative error ≤ 1e-12 in Double — both sides
// evaluate the same formulas in a different order, which costs a few ulps
// (≈ 1e-15) amplified by at most 1/σ ≈ 10 here. In Float ≤ 1e-5: the inputs
// are rounded to Float (relative 6e-8) and each pass adds ~10 roundings of
// 6e-8, again amplified by at most ~10.

import Foundation
import Testing

@testable import DescentNN

extension NormalizationTests {
    @Suite("Normalization against PyTorch")
    struct PyTorchReference {
        struct Fixtures: Decodable {
            let generator: String
            let cases: [String: [String: [[Double]]]]
        }

        struct Case {
            let values: [String: [[Double]]]
            func matrix<S: BLASScalar>(_ key: String, _: S.Type = S.self) throws -> Matrix<S> {
                let rows = try #require(values[key], "fixture has no \(key)")
                return Matrix(rows.map { $0.map { S($0) } })
            }
        }

        static func fixture(_ name: String) throws -> Case {
            let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            let data = try Data(contentsOf: folder.appending(path: "normalization/pytorch_reference.json"))
            let fixtures = try JSONDecoder().decode(Fixtures.self, from: data)
            return Case(values: try #require(fixtures.cases[name], "no fixture \(name)"))
        }

        /// Norm-wise relative error of `actual` against the fixture's `key`.
        static func expectMatches<S: BLASScalar>(
            _ actual: Matrix<S>, _ fixture: Case, _ key: String, tolerance: Double,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let expected: Matrix<Double> = try fixture.matrix(key)
            #expect(
                actual.rows == expected.rows && actual.columns == expected.columns,
                "\(key): \(actual.shapeDescription) vs \(expected.shapeDescription)", sourceLocation: sourceLocation)
            let error = relativeError([actual.converted(to: Double.self)], [expected], floor: 1e-12)
            #expect(error <= tolerance, "\(key): relative error \(error) > \(tolerance)", sourceLocation: sourceLocation)
        }

        /// y, ∂/∂x, ∂/∂weight, ∂/∂bias of Σ G ⊙ layer(x), compared with `prefix` + y, dx, dweight, dbias.
        static func expectForwardAndBackward<S: BLASScalar, L: Layer<S>>(
            _ layer: inout L, mode: LayerMode, input: String, upstream: String, prefix: String, _ fixture: Case,
            tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let x = Tensor(variable: try fixture.matrix(input, S.self))
            let y = layer.forward(x, mode: mode)
            let loss = (y * Tensor(try fixture.matrix(upstream, S.self))).sum()
            let g = gradient(of: loss, withRespectTo: [x] + layer.parameters).map(\.value)
            let keys = ["y", "dx"] + layer.namedParameters.map { "d" + $0.name }
            for (key, value) in zip(keys, [y.value] + g) {
                try expectMatches(value, fixture, prefix + key, tolerance: tolerance, sourceLocation: sourceLocation)
            }
        }

        static func withAffine<S: BLASScalar, L: Layer<S>>(_ layer: L, _ fixture: Case) throws -> L {
            var copy = layer
            copy.namedParameters = [
                ("weight", Tensor(variable: try fixture.matrix("weight"))),
                ("bias", Tensor(variable: try fixture.matrix("bias"))),
            ]
            return copy
        }

        func checkBatchNorm<S: BLASScalar>(_: S.Type, name: String, momentum: Double?, tolerance: Double) throws {
            let fixture = try Self.fixture(name)
            var layer = try Self.withAffine(BatchNorm<S>(features: 4, momentum: momentum), fixture)
            try Self.expectForwardAndBackward(
                &layer, mode: .training, input: "x1", upstream: "upstream1", prefix: "train_", fixture, tolerance: tolerance)
            try Self.expectMatches(layer.runningMean, fixture, "running_mean1", tolerance: tolerance)
            try Self.expectMatches(layer.runningVariance, fixture, "running_var1", tolerance: tolerance)
            _ = layer(Tensor(try fixture.matrix("x2", S.self)), mode: .training)
            try Self.expectMatches(layer.runningMean, fixture, "running_mean2", tolerance: tolerance)
            try Self.expectMatches(layer.runningVariance, fixture, "running_var2", tolerance: tolerance)
            try Self.expectForwardAndBackward(
                &layer, mode: .inference, input: "x3", upstream: "upstream3", prefix: "inference_", fixture, tolerance: tolerance)
        }

        func checkPerExample<S: BLASScalar, L: Layer<S>>(_ layer: L, name: String, tolerance: Double) throws {
            let fixture = try Self.fixture(name)
            var configured = try Self.withAffine(layer, fixture)
            try Self.expectForwardAndBackward(
                &configured, mode: .training, input: "x", upstream: "upstream", prefix: "", fixture, tolerance: tolerance)
        }

        func checkWeightNorm<S: BLASScalar>(_: S.Type, tolerance: Double) throws {
            let fixture = try Self.fixture("weight_norm")
            var layer = WeightNormalizedDense<S>(
                direction: try fixture.matrix("weight_v"), magnitude: try fixture.matrix("weight_g"),
                bias: try fixture.matrix("bias"))
            try Self.expectMatches(layer.weight.value, fixture, "weight", tolerance: tolerance)
            try Self.expectForwardAndBackward(
                &layer, mode: .training, input: "x", upstream: "upstream", prefix: "", fixture, tolerance: tolerance)
        }

        /// The path of a file in Fixtures/normalization.
        static func fixturePath(_ name: String) throws -> String {
            let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            return folder.appending(path: "normalization/\(name)").path
        }

        @Test func pyTorchCheckpointsLoad() throws {
            // PyTorch's own state_dicts: 1-D vectors, a 0-d int64 num_batches_tracked, weight_g (3, 1).
            let reference = try Self.fixture("batch_norm")
            var batchNorm = BatchNorm<Double>(features: 4)
            try batchNorm.load(from: try Self.fixturePath("pytorch_batch_norm.safetensors"))
            #expect(batchNorm.batchesTracked == 2)
            try Self.expectMatches(batchNorm.runningMean, reference, "running_mean2", tolerance: 0)
            try Self.expectMatches(batchNorm.runningVariance, reference, "running_var2", tolerance: 0)
            try Self.expectMatches(try #require(batchNorm.weight).value, reference, "weight", tolerance: 0)
            try Self.expectMatches(
                batchNorm(Tensor(try reference.matrix("x3"))).value, reference, "inference_y", tolerance: 1e-12)

            let weightNorm = try Self.fixture("weight_norm")
            var layer = WeightNormalizedDense(
                direction: Matrix(rows: 3, columns: 4, repeating: 1), magnitude: Matrix(rows: 3, columns: 1),
                bias: Matrix(row: [0, 0, 0]))
            try layer.load(from: try Self.fixturePath("pytorch_weight_norm.safetensors"))
            try Self.expectMatches(layer.magnitude.value, weightNorm, "weight_g", tolerance: 0)
            try Self.expectMatches(layer(Tensor(try weightNorm.matrix("x"))).value, weightNorm, "y", tolerance: 1e-12)
        }

        @Test func fixturesNameTheirGenerator() throws {
            let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            let data = try Data(contentsOf: folder.appending(path: "normalization/pytorch_reference.json"))
            let fixtures = try JSONDecoder().decode(Fixtures.self, from: data)
            #expect(fixtures.generator.hasPrefix("PyTorch"))
            #expect(Set(fixtures.cases.keys).isSuperset(of: ["batch_norm", "layer_norm", "group_norm", "weight_norm"]))
        }

        @Test func batchNormInDouble() throws {
            try checkBatchNorm(Double.self, name: "batch_norm", momentum: 0.1, tolerance: 1e-12)
            try checkBatchNorm(Double.self, name: "batch_norm_cumulative", momentum: nil, tolerance: 1e-12)
        }

        @Test func batchNormInFloat() throws {
            try checkBatchNorm(Float.self, name: "batch_norm", momentum: 0.1, tolerance: 1e-5)
            try checkBatchNorm(Float.self, name: "batch_norm_cumulative", momentum: nil, tolerance: 1e-5)
        }

        @Test func layerNorm() throws {
            try checkPerExample(LayerNorm<Double>(features: 6), name: "layer_norm", tolerance: 1e-12)
            try checkPerExample(LayerNorm<Float>(features: 6), name: "layer_norm", tolerance: 1e-5)
        }

        @Test func groupNorm() throws {
            try checkPerExample(GroupNorm<Double>(groups: 2, features: 6), name: "group_norm", tolerance: 1e-12)
            try checkPerExample(GroupNorm<Float>(groups: 2, features: 6), name: "group_norm", tolerance: 1e-5)
        }

        @Test func weightNorm() throws {
            try checkWeightNorm(Double.self, tolerance: 1e-12)
            try checkWeightNorm(Float.self, tolerance: 1e-5)
        }
    }
}
