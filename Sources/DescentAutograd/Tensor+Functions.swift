// Element-wise functions: exp, log, the activations of the lecture notes, powers.
//
// Each is one recorded operation given by three pieces: the function f, its
// derivative f′(x) as a fast scalar formula (first-order pullbacks and
// pushforwards use it in one fused pass), and f′ again as a differentiable
// tensor expression (used when the pullback itself is being recorded, so the
// second derivative is exact). Derivatives use the output y = f(x) where that is
// cheaper and stabler (exp′ = y, tanh′ = 1 − y², σ′ = y(1 − y)).

import RealModule

extension Tensor {
    /// Records an element-wise function `f` with derivative `derivative(x, y)`
    /// (fast) and `differentiableDerivative(x, y)` (on the tape).
    @inlinable
    func elementwise(
        _ name: String,
        _ function: (Scalar) -> Scalar,
        derivative: @escaping (_ x: Scalar, _ y: Scalar) -> Scalar,
        differentiableDerivative: @escaping (_ x: Tensor, _ y: Tensor) -> Tensor
    ) -> Tensor {
        Tensor.recording(
            value.map(function), inputs: [self], name: name,
            pullback: { cotangent, inputs, output, _ in
                if Tensor.anyTracked(cotangent, inputs[0], output) {
                    return [cotangent * differentiableDerivative(inputs[0], output)]
                }
                let slope = inputs[0].value.combined(with: output.value, derivative)
                return [Tensor(cotangent.value.hadamardProduct(slope))]
            },
            pushforward: { inputs, tangents, output in
                tangents[0]!.scaled(elementwiseBy: inputs[0].combined(with: output, derivative))
            })
    }

    /// A constant 0/1 tensor of this shape: 1 where `predicate` holds for the element.
    @inlinable
    func indicator(_ predicate: (Scalar) -> Bool) -> Tensor {
        Tensor(value.map { predicate($0) ? 1 : 0 })
    }

    // MARK: - Exponential and logarithm

    /// eˣ element by element.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func exp() -> Tensor {
        elementwise("exp", { Scalar.exp($0) }, derivative: { _, y in y }, differentiableDerivative: { _, y in y })
    }

    /// The natural logarithm element by element (NaN below 0, −∞ at 0).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func log() -> Tensor {
        elementwise(
            "log", { Scalar.log($0) }, derivative: { x, _ in 1 / x }, differentiableDerivative: { x, _ in x.reciprocal() })
    }

    /// The error function erf(x) = (2/√π)∫₀ˣ e^{−t²} dt, element by element.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func erf() -> Tensor {
        let twoOverRootPi = 2 / Scalar.sqrt(.pi)
        return elementwise(
            "erf", { Scalar.erf($0) }, derivative: { x, _ in twoOverRootPi * Scalar.exp(-x * x) },
            differentiableDerivative: { x, _ in (x.squared() * -1).exp() * twoOverRootPi })
    }

    // MARK: - Activations

    /// The hyperbolic tangent; tanh′ = 1 − tanh².
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func tanh() -> Tensor {
        elementwise(
            "tanh", { Scalar.tanh($0) }, derivative: { _, y in 1 - y * y }, differentiableDerivative: { _, y in 1 - y.squared() })
    }

    /// The logistic sigmoid σ(x) = 1/(1 + e^{−x}), computed without overflow
    /// for large |x|; σ′ = σ(1 − σ).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func sigmoid() -> Tensor {
        elementwise(
            "sigmoid", logisticSigmoid, derivative: { _, y in y * (1 - y) },
            differentiableDerivative: { _, y in y * (1 - y) })
    }

    /// max(0, x). The derivative is taken as 0 at the kink x = 0, as in PyTorch.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func relu() -> Tensor {
        elementwise(
            "relu", { $0 > 0 ? $0 : 0 }, derivative: { x, _ in x > 0 ? 1 : 0 },
            differentiableDerivative: { x, _ in x.indicator { $0 > 0 } })
    }

    /// x for x > 0, `slope`·x otherwise (PyTorch's default slope is 0.01).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func leakyReLU(slope: Scalar = 0.01) -> Tensor {
        elementwise(
            "leakyReLU", { $0 > 0 ? $0 : slope * $0 }, derivative: { x, _ in x > 0 ? 1 : slope },
            differentiableDerivative: { x, _ in Tensor(x.value.map { $0 > 0 ? 1 : slope }) })
    }

    /// The exponential linear unit: x for x > 0, α(eˣ − 1) otherwise.
    /// Its derivative is 1 for x > 0 and y + α otherwise.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func elu(alpha: Scalar = 1) -> Tensor {
        elementwise(
            "elu", { $0 > 0 ? $0 : alpha * Scalar.expMinusOne($0) }, derivative: { x, y in x > 0 ? 1 : y + alpha },
            differentiableDerivative: { x, y in
                let negative = x.indicator { $0 <= 0 }
                return Tensor(x.value.map { $0 > 0 ? 1 : alpha }) + y * negative
            })
    }

    /// log(1 + eˣ), computed as max(x, 0) + log1p(e^{−|x|}) so it never
    /// overflows; softplus′ = σ.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func softplus() -> Tensor {
        elementwise(
            "softplus", { Swift.max($0, 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs($0))) },
            derivative: { x, _ in logisticSigmoid(x) }, differentiableDerivative: { x, _ in x.sigmoid() })
    }

    /// The Gaussian error linear unit x·Φ(x) (exact, with erf, as PyTorch's default).
    /// GELU′(x) = Φ(x) + x·φ(x).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func gelu() -> Tensor {
        let inverseRootTwo = 1 / Scalar.sqrt(2)
        let inverseRootTwoPi = 1 / Scalar.sqrt(2 * .pi)
        return elementwise(
            "gelu", { $0 * (1 + Scalar.erf($0 * inverseRootTwo)) / 2 },
            derivative: { x, _ in (1 + Scalar.erf(x * inverseRootTwo)) / 2 + x * inverseRootTwoPi * Scalar.exp(-x * x / 2) },
            differentiableDerivative: { x, _ in
                ((x * inverseRootTwo).erf() + 1) * 0.5 + x * (x.squared() * -0.5).exp() * inverseRootTwoPi
            })
    }

    // MARK: - Powers

    /// x² element by element.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func squared() -> Tensor {
        elementwise("square", { $0 * $0 }, derivative: { x, _ in 2 * x }, differentiableDerivative: { x, _ in x * 2 })
    }

    /// √x element by element (NaN below 0; the derivative is +∞ at 0).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func squareRoot() -> Tensor {
        elementwise(
            "sqrt", { Scalar.sqrt($0) }, derivative: { _, y in 1 / (2 * y) },
            differentiableDerivative: { _, y in y.reciprocal() * 0.5 })
    }

    /// 1/x element by element.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func reciprocal() -> Tensor {
        elementwise("reciprocal", { 1 / $0 }, derivative: { _, y in -y * y }, differentiableDerivative: { _, y in -y.squared() })
    }

    /// xᵖ element by element. Integer exponents accept negative x; other
    /// exponents give NaN there.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func pow(_ exponent: Scalar) -> Tensor {
        if exponent == 1 { return self }
        func powerFunction(_ p: Scalar) -> (Scalar) -> Scalar {
            if p.rounded() == p, Swift.abs(p) < Scalar(1 << 30) {
                let n = Int(p)
                return { Scalar.pow($0, n) }
            }
            return { Scalar.pow($0, p) }
        }
        let power = powerFunction(exponent)
        let lower = exponent - 1
        let lowerPower = powerFunction(lower)
        return elementwise(
            "pow", power, derivative: { x, _ in exponent * lowerPower(x) },
            differentiableDerivative: { x, _ in lower == 0 ? Tensor(x.value.map { _ in exponent }) : x.pow(lower) * exponent })
    }
}

/// σ(x) = 1/(1 + e^{−x}), written so that neither branch overflows.
@inlinable
func logisticSigmoid<Scalar: Real>(_ x: Scalar) -> Scalar {
    if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
    let e = Scalar.exp(x)
    return e / (1 + e)
}
