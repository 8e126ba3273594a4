import DescentLinalg
import DescentOptimizers
import Testing

@Suite("Gradient clipping and the non-finite guard")
struct ClippingTests {
    @Test("The notes' global-norm rule: g = (3, 4), u = 1 gives (0.6, 0.8); u = 10 leaves it (THEORY §13 #14)")
    func globalNormNotesExample() throws {
        var gradients = [Matrix<Double>(row: [3, 4])]
        let report = try GradientGuard(clipping: .globalNorm(1)).apply(to: &gradients)
        #expect(report.norm == 5 && report.clipped && !report.skipped)
        #expect(abs(gradients[0][0, 0] - 0.6) < 1e-15 && abs(gradients[0][0, 1] - 0.8) < 1e-15)

        var untouched = [Matrix<Double>(row: [3, 4])]
        let second = try GradientGuard(clipping: .globalNorm(10)).apply(to: &untouched)
        #expect(!second.clipped && untouched[0] == Matrix(row: [3, 4]))
    }

    @Test("Global norm spans tensors; per-tensor norm clips each alone; value clamps elements")
    func theThreeRules() throws {
        let original = [Matrix<Double>(row: [3, 0]), Matrix<Double>(row: [0, 4])]
        var global = original
        _ = try GradientGuard(clipping: .globalNorm(2.5)).apply(to: &global)
        #expect(abs(global[0][0, 0] - 1.5) < 1e-15 && abs(global[1][0, 1] - 2) < 1e-15)

        var perTensor = original
        _ = try GradientGuard(clipping: .perTensorNorm(3.5)).apply(to: &perTensor)
        #expect(perTensor[0] == original[0])
        #expect(abs(perTensor[1][0, 1] - 3.5) < 1e-15)

        var clamped = [Matrix<Double>(row: [-7, 0.5, 2])]
        let report = try GradientGuard(clipping: .value(1)).apply(to: &clamped)
        #expect(clamped[0] == Matrix(row: [-1, 0.5, 1]) && report.clipped)
    }

    @Test("A NaN gradient is skipped or stops, as the caller chooses, and names the element")
    func nonFinite() throws {
        var gradients = [Matrix<Float>(row: [1, 2]), Matrix<Float>(row: [3, .nan, 5])]
        let report = try GradientGuard<Float>(clipping: .globalNorm(1), nonFinite: .skipStep).apply(to: &gradients)
        #expect(report.skipped && !report.clipped)
        #expect(gradients[0] == Matrix(row: [1, 2]))  // untouched
        let error = #expect(throws: OptimizerError.self) {
            _ = try GradientGuard<Float>(nonFinite: .stop).apply(to: &gradients)
        }
        guard case let .nonFiniteGradient(index, element, value) = error else {
            Issue.record("expected nonFiniteGradient, got \(String(describing: error))")
            return
        }
        #expect(index == 1 && element == 1 && value.isNaN)
    }

    @Test("Invalid thresholds throw instead of silently zeroing gradients")
    func invalidThreshold() {
        var gradients = [Matrix<Double>(row: [1])]
        #expect(throws: OptimizerError.self) { _ = try GradientGuard(clipping: .globalNorm(0)).apply(to: &gradients) }
        #expect(throws: OptimizerError.self) { _ = try GradientGuard(clipping: .value(-1)).apply(to: &gradients) }
    }
}

@Suite("Clipping gradients whose squared norm overflows")
struct ClippingOverflowTests {
    @Test("Float elements of 1e20 (‖g‖² overflows) are clipped to norm u, not zeroed")
    func overflow() throws {
        var gradients = [Matrix<Float>(row: [3e20, 0]), Matrix<Float>(row: [0, 4e20])]
        let report = try GradientGuard<Float>(clipping: .globalNorm(1)).apply(to: &gradients)
        #expect(!report.skipped && report.clipped)
        #expect(abs(report.norm / 5e20 - 1) < 1e-6)
        #expect(abs(gradients[0][0, 0] - 0.6) < 1e-6 && abs(gradients[1][0, 1] - 0.8) < 1e-6)

        var single = [Matrix<Float>(row: [3e20, 4e20])]
        _ = try GradientGuard<Float>(clipping: .perTensorNorm(10)).apply(to: &single)
        #expect(abs(single[0][0, 0] - 6) < 1e-5 && abs(single[0][0, 1] - 8) < 1e-5)
    }
}
