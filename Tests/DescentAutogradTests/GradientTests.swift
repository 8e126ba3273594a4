// The tape itself: accumulation, pruning, no-gradient mode, freeing, double
// backward, Float, and the lecture notes' worked autodiff table.

import Testing

@testable import DescentAutograd

@Suite("Reverse mode and the tape")
struct GradientTests {
    @Test func gradientsAccumulateWhenATensorIsUsedSeveralTimes() {
        // f(w) = Σ (w ⊙ w ⊙ w) + Σ w: ∇f = 3w² + 1.
        let w = Tensor(variable: Matrix<Double>(column: [1, -2, 3]))
        let f = (w * w * w).sum() + w.sum()
        #expect(gradient(of: f, withRespectTo: [w])[0].value.elements == [4, 13, 28])
    }

    @Test func gradientWithRespectToAnIntermediateAndToUnrelatedTensors() {
        let w = Tensor(variable: Matrix<Double>(column: [1, 2]))
        let h = w * 3
        let f = h.squared().sum()  // f = Σ h², ∂f/∂h = 2h = 6w
        let unrelated = Tensor(variable: Matrix<Double>(rows: 2, columns: 2, repeating: 1))
        let constant = Tensor(Matrix<Double>(column: [5]))
        let g = gradient(of: f, withRespectTo: [h, w, unrelated, constant])
        #expect(g[0].value.elements == [6, 12])
        #expect(g[1].value.elements == [18, 36])
        #expect(g[2].value == Matrix(rows: 2, columns: 2))
        #expect(g[3].value == Matrix(column: [0]))
    }

    @Test func noGradientModeAndDetachRecordNothing() {
        let w = Tensor(variable: Matrix<Double>(column: [1, 2]))
        let inference = withoutGradients { (w * w).sum() }
        #expect(!inference.isTracked)
        #expect(!isRecordingGradients == false)
        withoutGradients { #expect(!isRecordingGradients) }
        let stopped = (w.detached() * w).sum()  // only the second factor carries a derivative
        #expect(gradient(of: stopped, withRespectTo: [w])[0].value.elements == [1, 2])
        #expect(w.isVariable && !w.detached().isTracked)
    }

    @Test func theTapeIsFreedWhenTheLastTensorGoesAway() {
        weak var node: TapeNode<Double>?
        do {
            let w = Tensor(variable: Matrix<Double>(column: [1, 2]))
            let loss = (w.tanh() * w).sum()
            node = loss.node
            #expect(node != nil)
            _ = gradient(of: loss, withRespectTo: [w])
        }
        #expect(node == nil)
    }

    @Test func replacingAValueKeepsTheVariable() {
        let w = Tensor(variable: Matrix<Double>(column: [1, 2]))
        let updated = w.replacingValue(with: Matrix(column: [3, 4]))
        let loss = (updated * updated).sum()
        #expect(gradient(of: loss, withRespectTo: [w])[0].value.elements == [6, 8])
    }

    @Test func doubleBackwardGivesTheSecondDerivative() {
        // f(x) = x³ sin-free: f' = 3x², f'' = 6x, f''' = 6 at x = 2.
        let x = Tensor(variable: Matrix<Double>(column: [2]))
        let f = x.pow(3).sum()
        let first = gradient(of: f, withRespectTo: [x], creatingGraph: true)[0]
        #expect(first.isTracked && first.scalarValue == 12)
        let second = gradient(of: first.sum(), withRespectTo: [x], creatingGraph: true)[0]
        #expect(second.scalarValue == 12)
        let third = gradient(of: second.sum(), withRespectTo: [x])[0]
        #expect(third.scalarValue == 6)
    }

    @Test func theLectureNotesAutodiffTable() {
        // THEORY.md §13 item 11: L = −y·log σ(W·X) with X = 3, W = 3, y = 1.
        // dL/dW = −X(1 − σ(9)) = −3e⁻⁹/(1 + e⁻⁹) = −3.7018372796e−4 (the notes drop the sign).
        let w = Tensor(variable: Matrix<Double>(column: [3]))
        let loss = -(w * 3).sigmoid().log().sum()
        #expect(abs(loss.scalarValue - 1.2340218972e-4) < 1e-14)
        let g = gradient(of: loss, withRespectTo: [w])[0].scalarValue
        #expect(abs(g - -3.7018372796e-4) < 1e-13)
        // The chain log∘σ forms 1 − σ(9) ≈ 1.2e−4 from σ ≈ 0.99988, losing about 4 digits:
        // relative error ≈ ε/1.2e−4 ≈ 2e−12 (the logits form of the loss avoids it).
        #expect(abs(g - -3 * Double.exp(-9) / (1 + Double.exp(-9))) < 2e-12 * abs(g))
        // The forward-mode tangent of the same chain, from the Hessian operator's machinery:
        // d²L/dW² = X²σ(9)(1 − σ(9)).
        let sigma = 1 / (1 + Double.exp(-9))
        let h = hessianVectorProduct(
            of: { p in -(p[0] * 3).sigmoid().log().sum() }, at: [Matrix(column: [3])], along: [Matrix(column: [1])])
        #expect(abs(h[0][0, 0] - 9 * sigma * (1 - sigma)) < 1e-16)
    }

    @Test func floatAgreesWithDouble() {
        let x = randomMatrix(5, 4, seed: 21)
        let w = randomMatrix(3, 4, seed: 22)
        func loss<S: BLASScalar>(_ p: [Tensor<S>], _ x: Matrix<S>) -> Tensor<S> {
            matmul(Tensor(x), p[0], transposingB: true).tanh().logSumExp(alongAxis: 1).mean()
        }
        let double = valueWithGradient(at: [w]) { loss($0, x) }
        let float = valueWithGradient(at: [w.converted(to: Float.self)]) { loss($0, x.converted(to: Float.self)) }
        #expect(abs(Double(float.value) - double.value) < 1e-6)
        #expect(float.gradient[0].converted(to: Double.self).maxAbsoluteDifference(double.gradient[0]) < 1e-6)
        let hvp = hessianVectorProduct(
            of: { loss($0, x.converted(to: Float.self)) }, at: [w.converted(to: Float.self)], along: [w.converted(to: Float.self)]
        )
        let reference = hessianVectorProduct(of: { loss($0, x) }, at: [w], along: [w])
        #expect(hvp[0].converted(to: Double.self).maxAbsoluteDifference(reference[0]) < 1e-5)
    }

    @Test func hessianOperatorOnAKnownQuadratic() {
        // f(w) = ½ wᵀAw + bᵀw with A symmetric: H = A exactly, ∇f = Aw + b.
        let a = Matrix<Double>([[4, 1, 0], [1, 3, -1], [0, -1, 2]])
        let b = Matrix<Double>(column: [1, -1, 0.5])
        let w = Tensor(variable: Matrix<Double>(column: [0.3, -0.2, 0.1]))
        let loss = (w * matmul(Tensor(a), w)).sum() * 0.5 + (Tensor(b) * w).sum()
        let operator_ = HessianOperator(of: loss, withRespectTo: [w])
        #expect(operator_.parameterCount == 3)
        #expect(operator_.fullHessian(directionsPerSweep: 2) == a)
        #expect(operator_.gradient[0].maxAbsoluteDifference(a * w.value + b) < 1e-15)
        // Many sweeps over one recorded graph give the same answer.
        let v = Matrix<Double>(column: [1, 2, 3])
        #expect(operator_.apply(to: v) == operator_.apply(to: v))
        #expect(operator_.apply(to: v) == a * v)
    }
}
