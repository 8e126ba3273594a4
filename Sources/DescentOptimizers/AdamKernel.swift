// The fused moment update shared by Adam and AdamW (and AMSGrad): one pass over
// parameter, gradient and moments per tensor.

import DescentLinalg

/// Where ε sits and in which order the bias corrections are applied. All three
/// are the same formula in exact arithmetic except `.uncorrectedEpsilon`, whose ε
/// is Kingma & Ba's ε̂ (= ε√(1−β₂ᵗ) in the corrected form).
public enum AdamDenominator: String, Sendable, CaseIterable {
    /// Paper and optax: θ ← θ − α·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
    case corrected
    /// PyTorch's arithmetic order: θ ← θ − (α/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε).
    case pytorchOrder
    /// Kingma & Ba §2's "efficient" form, used by Keras: αₜ = α√(1−β₂ᵗ)/(1−β₁ᵗ),
    /// θ ← θ − αₜ·m/(√v + ε̂), with ε̂ = ε taken as is.
    case uncorrectedEpsilon
}

/// Which second moment AMSGrad keeps the running maximum of.
public enum AMSGradMaximum: String, Sendable, CaseIterable {
    /// v̂ₘₐₓ ← max(v̂ₘₐₓ, vₜ) on the raw EMA, then bias-corrected (Reddi et al.'s
    /// v̂ₜ = max(v̂ₜ₋₁, vₜ); PyTorch and Keras).
    case raw
    /// v̂ₘₐₓ ← max(v̂ₘₐₓ, vₜ/(1−β₂ᵗ)) on the bias-corrected EMA (optax).
    case biasCorrected
}

/// Hyperparameters of one fused Adam pass.
package struct AdamCoefficients<Scalar: BLASScalar> {
    package var learningRate: Scalar
    package var beta1: Scalar
    package var beta2: Scalar
    package var epsilon: Scalar
    /// λ added to the gradient (coupled L2).
    package var coupledDecay: Scalar
    /// c in θ ← θ(1 − c) before the step (decoupled decay).
    package var decoupledFactor: Scalar
    /// A multiplier of the whole Adam step (AdamW's schedule multiplier ηₜ).
    package var stepScale: Scalar
    package var denominator: AdamDenominator
    package var amsgrad: AMSGradMaximum?

    package init(
        learningRate: Scalar, beta1: Scalar, beta2: Scalar, epsilon: Scalar, coupledDecay: Scalar,
        decoupledFactor: Scalar, stepScale: Scalar, denominator: AdamDenominator, amsgrad: AMSGradMaximum?
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.coupledDecay = coupledDecay
        self.decoupledFactor = decoupledFactor
        self.stepScale = stepScale
        self.denominator = denominator
        self.amsgrad = amsgrad
    }
}

/// First and second moments (and AMSGrad's maximum) for a parameter list.
package struct AdamMoments<Scalar: BLASScalar>: Sendable {
    package var first: [Matrix<Scalar>] = []
    package var second: [Matrix<Scalar>] = []
    package var maximum: [Matrix<Scalar>] = []

    package init() {}

    package static func slots(amsgrad: Bool) -> [String] {
        amsgrad ? ["firstMoment", "secondMoment", "maximumSecondMoment"] : ["firstMoment", "secondMoment"]
    }

    /// The three slots; `baseState` leaves out those not created yet.
    package var buffers: [String: [Matrix<Scalar>]] {
        ["firstMoment": first, "secondMoment": second, "maximumSecondMoment": maximum]
    }

    package init(buffers: [String: [Matrix<Scalar>]]) {
        first = buffers["firstMoment"] ?? []
        second = buffers["secondMoment"] ?? []
        maximum = buffers["maximumSecondMoment"] ?? []
    }

    /// One Adam update of every parameter at step `t` (1-based).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    package mutating func update(
        _ parameters: inout [Matrix<Scalar>], _ gradients: [Matrix<Scalar>], step t: Int,
        _ c: AdamCoefficients<Scalar>
    ) throws(OptimizerError) {
        try prepareBuffers(&first, like: parameters)
        try prepareBuffers(&second, like: parameters)
        if c.amsgrad != nil { try prepareBuffers(&maximum, like: parameters) }
        let b1 = c.beta1, b2 = c.beta2, eps = c.epsilon, lambda = c.coupledDecay
        let keep = 1 - c.decoupledFactor
        let correction1 = 1 - Scalar.pow(b1, Scalar(t))
        let correction2 = 1 - Scalar.pow(b2, Scalar(t))
        let root2 = correction2.squareRoot()
        let alpha = c.stepScale * c.learningRate
        let efficientAlpha = alpha * root2 / correction1
        let pytorchStep = alpha / correction1
        let denominator = c.denominator, amsgrad = c.amsgrad
        for index in parameters.indices {
            withElements(&parameters[index], gradients[index], &first[index], &second[index]) { w, g, m, v in
                if amsgrad == nil {
                    pass(w, g, m, v, nil)
                } else {
                    maximum[index].withUnsafeMutableElements { vMax in pass(w, g, m, v, vMax) }
                }
            }
        }

        func pass(
            _ w: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>,
            _ m: UnsafeMutableBufferPointer<Scalar>, _ v: UnsafeMutableBufferPointer<Scalar>,
            _ vMax: UnsafeMutableBufferPointer<Scalar>?
        ) {
            for i in w.indices {
                let gi = g[i] + lambda * w[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                // The second moment the denominator uses, raw (not bias-corrected).
                var used = v[i]
                if let vMax {
                    if amsgrad == .biasCorrected {
                        vMax[i] = Swift.max(vMax[i], v[i] / correction2)
                        used = vMax[i] * correction2
                    } else {
                        vMax[i] = Swift.max(vMax[i], v[i])
                        used = vMax[i]
                    }
                }
                let delta: Scalar
                switch denominator {
                case .corrected:
                    let vHat = (amsgrad == .biasCorrected ? vMax?[i] : nil) ?? used / correction2
                    delta = alpha * (m[i] / correction1) / (vHat.squareRoot() + eps)
                case .pytorchOrder:
                    delta = pytorchStep * m[i] / (used.squareRoot() / root2 + eps)
                case .uncorrectedEpsilon:
                    delta = efficientAlpha * m[i] / (used.squareRoot() + eps)
                }
                w[i] = w[i] * keep - delta
            }
        }
    }
}
