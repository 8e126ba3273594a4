// Independent references for derivative tests, shared by the test targets:
// central finite differences in Double, and the algebraic identities an exact
// Hessian must satisfy (symmetry, agreement of forward-over-reverse with
// double backward, batched sweeps equal to single products).
//
// Tolerances. With step h the central difference has truncation error
// ≈ h²·|f‴|/6 and rounding error ≈ ε·|f|/h. For gradients h = 1e-5 gives
// ≈ 1e-10 + 1e-11·|f|, far inside the 1e-6 relative bound the tests use; the
// HVP differences the gradient with the same h, so its error is of the same
// order, inside 1e-5.
//
// This target is for tests only (no product exports it).

import DescentAutograd

public typealias Function = ([Tensor<Double>]) -> Tensor<Double>

/// A deterministic generator for tests.
public func testGenerator(_ seed: UInt64 = 2026) -> Xoshiro256StarStar { Xoshiro256StarStar(seed: seed) }

/// A random matrix with entries uniform in `range`.
public func randomMatrix(_ rows: Int, _ columns: Int, in range: ClosedRange<Double> = -1...1, seed: UInt64) -> Matrix<Double> {
    var generator = testGenerator(seed)
    return Matrix.randomUniform(rows: rows, columns: columns, in: range, using: &generator)
}

/// ‖a − b‖₂ / max(‖b‖₂, floor): the norm-wise relative error.
public func relativeError(_ a: [Matrix<Double>], _ b: [Matrix<Double>], floor: Double = 1e-8) -> Double {
    var difference = 0.0
    var reference = 0.0
    for (x, y) in zip(a, b) {
        for (u, v) in zip(x.elements, y.elements) {
            difference += (u - v) * (u - v)
            reference += v * v
        }
    }
    let error = difference.squareRoot() / Swift.max(reference.squareRoot(), floor)
    return error.isNaN ? .infinity : error
}

/// ∇f by central differences with step h.
public func finiteDifferenceGradient(_ f: Function, at point: [Matrix<Double>], step h: Double = 1e-5) -> [Matrix<Double>] {
    func value(_ p: [Matrix<Double>]) -> Double { f(p.map { Tensor($0) }).scalarValue }
    return point.indices.map { index in
        let original = point[index].elements
        var elements = original
        for l in elements.indices {
            var plus = point
            var minus = point
            var e = original
            e[l] = original[l] + h
            plus[index] = Matrix(rows: point[index].rows, columns: point[index].columns, elements: e)
            e[l] = original[l] - h
            minus[index] = Matrix(rows: point[index].rows, columns: point[index].columns, elements: e)
            elements[l] = (value(plus) - value(minus)) / (2 * h)
        }
        return Matrix(rows: point[index].rows, columns: point[index].columns, elements: elements)
    }
}

/// H·v by central differences of the (autograd) gradient along v.
public func finiteDifferenceHessianVectorProduct(
    _ f: Function, at point: [Matrix<Double>], along v: [Matrix<Double>], step h: Double = 1e-5
) -> [Matrix<Double>] {
    let plus = zip(point, v).map { $0 + h * $1 }
    let minus = zip(point, v).map { $0 - h * $1 }
    let gPlus = valueWithGradient(at: plus, of: f).gradient
    let gMinus = valueWithGradient(at: minus, of: f).gradient
    return zip(gPlus, gMinus).map { ($0 - $1) / (2 * h) }
}

/// H·v by double backward: the gradient of ⟨∇f, v⟩, with the first gradient's graph recorded.
public func doubleBackwardHessianVectorProduct(_ f: Function, at point: [Matrix<Double>], along v: [Matrix<Double>])
    -> [Matrix<Double>]
{
    let variables = point.map { Tensor(variable: $0) }
    let g = gradient(of: f(variables), withRespectTo: variables, creatingGraph: true)
    var inner = Tensor<Double>(scalar: 0)
    for (gi, vi) in zip(g, v) { inner = inner + (gi * Tensor(vi)).sum() }
    return gradient(of: inner, withRespectTo: variables).map(\.value)
}

/// Random directions shaped like `point`.
public func randomDirection(like point: [Matrix<Double>], seed: UInt64) -> [Matrix<Double>] {
    point.enumerated().map { randomMatrix($1.rows, $1.columns, seed: seed &+ UInt64($0)) }
}

/// The error measures of one derivative check; see ``derivativeErrors(_:at:seed:)``.
public struct DerivativeErrors: Sendable {
    /// Relative error of the autograd gradient against central differences.
    public var gradient: Double
    /// Relative error of the HVP against central differences of the gradient.
    public var hessianVectorProduct: Double
    /// Relative difference between forward-over-reverse and double backward.
    public var doubleBackward: Double
    /// Relative difference between one batched sweep and single products.
    public var batched: Double
    /// |uᵀ(Hv) − vᵀ(Hu)| / max(|uᵀHv|, |vᵀHu|).
    public var asymmetry: Double

    /// Whether every measure is within the standard bounds: gradient ≤ 1e-6,
    /// HVP ≤ 1e-5, double backward ≤ 1e-10, batched ≤ 1e-12, asymmetry ≤ 1e-10.
    public func withinStandardBounds(gradient gradientBound: Double = 1e-6, hessian hessianBound: Double = 1e-5) -> Bool {
        gradient <= gradientBound && hessianVectorProduct <= hessianBound && doubleBackward <= 1e-10 && batched <= 1e-12
            && asymmetry <= 1e-10
    }
}

/// Measures the gradient and Hessian-vector products of `f` at `point` against
/// the independent references: central differences, double backward, single
/// versus batched sweeps, and the symmetry uᵀ(Hv) = vᵀ(Hu).
public func derivativeErrors(_ f: @escaping Function, at point: [Matrix<Double>], seed: UInt64 = 7) -> DerivativeErrors {
    let (_, g) = valueWithGradient(at: point, of: f)
    let gradientError = relativeError(g, finiteDifferenceGradient(f, at: point))

    let u = randomDirection(like: point, seed: seed)
    let v = randomDirection(like: point, seed: seed &+ 100)
    let hv = hessianVectorProduct(of: f, at: point, along: v)
    let hu = hessianVectorProduct(of: f, at: point, along: u)
    let fdError = relativeError(hv, finiteDifferenceHessianVectorProduct(f, at: point, along: v))
    let doubleBackward = relativeError(hv, doubleBackwardHessianVectorProduct(f, at: point, along: v))

    let flatU = u.flatMap(\.elements)
    let flatV = v.flatMap(\.elements)
    let directions = Matrix(rows: flatU.count, columns: 2) { i, j in j == 0 ? flatU[i] : flatV[i] }
    let batched = hessianVectorProducts(of: f, at: point, along: directions)
    let flatHU = hu.flatMap(\.elements)
    let flatHV = hv.flatMap(\.elements)
    let batchedError = relativeError(
        [batched], [Matrix(rows: flatU.count, columns: 2) { i, j in j == 0 ? flatHU[i] : flatHV[i] }], floor: 1e-12)

    let uHv = zip(flatU, flatHV).reduce(0) { $0 + $1.0 * $1.1 }
    let vHu = zip(flatV, flatHU).reduce(0) { $0 + $1.0 * $1.1 }
    let asymmetry = abs(uHv - vHu) / Swift.max(abs(uHv), abs(vHu), 1e-12)
    return DerivativeErrors(
        gradient: gradientError, hessianVectorProduct: fdError, doubleBackward: doubleBackward, batched: batchedError,
        asymmetry: asymmetry)
}
