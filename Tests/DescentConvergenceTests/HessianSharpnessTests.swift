// Sharpness tracking as a Trainer recorder, checked against the exact Hessian.

import DescentNN
import DescentTraining
import Testing

@testable import DescentConvergence

@Suite struct HessianSharpnessTests {
    /// Full-batch gradient descent for 10 steps, sharpness every 3 steps and after the last:
    /// the recorded values are the tracker's, every one converged, and the last one is the
    /// exact Hessian's λmax of the trained model within its residual bound (≤ 1e-6·λ).
    @Test func recordsTheFullLossSharpnessWithWarmStarts() throws {
        let data = try HessianFixtures.digits(first: 100)
        var trainer = Trainer(
            model: try HessianFixtures.tanhNetwork(hidden: 16), optimizer: try SGD<Double>(learningRate: 0.5),
            configuration: TrainingConfiguration(epochs: 10, batchSize: .full, seed: 1, progress: .silent))
        let tracker = try trainer.trackSharpness(on: data, every: 3)
        try trainer.fit(data)
        let recorded = try #require(trainer.history.recorded["sharpness"])
        #expect(recorded.map(\.step) == [3, 6, 9, 10])
        #expect(recorded.map(\.value) == tracker.measurements.map(\.sharpness))
        #expect(tracker.measurements.allSatisfy { $0.converged && $0.residualBound <= 1e-6 * $0.sharpness })
        let exact = try HessianAnalysis(model: trainer.model, data: data, loss: .softmaxCrossEntropy).exactSpectrum()
        let last = tracker.measurements.last!
        #expect(abs(last.sharpness - exact.largest) <= last.residualBound, "\(last.sharpness) vs \(exact.largest)")
        // Warm starts from the previous top eigenvector need fewer products than the cold first one.
        let products = tracker.measurements.map(\.products)
        #expect(products.dropFirst().allSatisfy { $0 < products[0] }, "products \(products)")
    }

    @Test func measuresOutsideATrainerAndRejectsABadInterval() throws {
        let small = try HessianFixtures.small()
        let (model, data, analysis, exact) = (small.model, small.data, small.analysis, small.exact)
        let tracker = SharpnessTracker(data: data, loss: .softmaxCrossEntropy)
        let value = try tracker.measure(model)
        let top = try SymmetricEigen(of: exact.matrix, selecting: .largest(1), computeVectors: false).values[0]
        #expect(abs(value - top) <= tracker.measurements[0].residualBound)
        #expect(analysis.parameterCount == 1210)
        var trainer = Trainer(
            model: model, optimizer: try SGD<Double>(learningRate: 0.1),
            configuration: TrainingConfiguration(epochs: 1, progress: .silent))
        #expect(throws: SpectrumError.self) { try trainer.trackSharpness(on: data, every: 0) }
    }
}
