// The standard derivative check as a test assertion, over DescentTestSupport.

@_exported import DescentTestSupport
import Testing

@testable import DescentAutograd

/// Checks the gradient and Hessian-vector products of `f` at `point`:
/// gradient against central differences (≤ 1e-6), HVP against central
/// differences of the gradient (≤ 1e-5) and against double backward (≤ 1e-10),
/// the batched sweep against single products (≤ 1e-12), and uᵀ(Hv) = vᵀ(Hu) (≤ 1e-10).
func checkDerivatives(
    _ f: @escaping Function, at point: [Matrix<Double>], seed: UInt64 = 7, sourceLocation: SourceLocation = #_sourceLocation
) {
    let errors = derivativeErrors(f, at: point, seed: seed)
    #expect(errors.gradient <= 1e-6, "gradient vs finite differences", sourceLocation: sourceLocation)
    #expect(errors.hessianVectorProduct <= 1e-5, "HVP vs finite differences", sourceLocation: sourceLocation)
    #expect(errors.doubleBackward <= 1e-10, "forward-over-reverse vs double backward", sourceLocation: sourceLocation)
    #expect(errors.batched <= 1e-12, "batched sweep vs single products", sourceLocation: sourceLocation)
    #expect(errors.asymmetry <= 1e-10, "uᵀHv = vᵀHu", sourceLocation: sourceLocation)
}
