// The exact mode of HessianAnalysis: the full P×P Hessian and its spectrum,
// the oracle every matrix-free estimate is tested against.
//
// Design note. The matrix comes from one function, `assembleExactHessian()`,
// so a faster exact assembly (a structured formula for known architectures)
// plugs in there and everything downstream — the asymmetry report, the
// symmetrization, the eigen-decomposition and the summary — is unchanged.
// The memory check runs first: P² doubles are refused beyond the limit before
// anything is allocated.

import DescentAutograd
import DescentLinalg
import DescentNN

extension HessianAnalysis {
    /// The default limit on the exact Hessian's storage: 2 GiB, P ≤ 16,384.
    public static let defaultExactMemoryLimit = 1 << 31

    /// The exact Hessian, symmetrized, with the asymmetry it had before.
    ///
    /// - Parameter memoryLimit: the most bytes the P×P matrix may take (P²·8);
    ///   ``defaultExactMemoryLimit`` by default. The eigen-decomposition needs about as much again.
    /// - Throws: ``SpectrumError/hessianTooLarge(parameterCount:bytes:limit:)`` before allocating anything;
    ///   ``SpectrumError/nonFiniteProduct(what:)`` when an entry is NaN or ±∞.
    /// - Complexity: P Hessian-vector products in sweeps of 16 (for the generic path).
    public func exactHessian(memoryLimit: Int = defaultExactMemoryLimit) throws(SpectrumError) -> ExactHessian {
        let (square, overflow) = parameterCount.multipliedReportingOverflow(by: parameterCount)
        let (bytes, overflowBytes) = square.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        if overflow || overflowBytes || bytes > memoryLimit {
            throw .hessianTooLarge(
                parameterCount: parameterCount, bytes: overflow || overflowBytes ? Int.max : bytes, limit: memoryLimit)
        }
        let assembled = assembleExactHessian()
        let asymmetry = Asymmetry(of: assembled)
        guard asymmetry.largestMagnitude.isFinite, !asymmetry.difference.isNaN else {
            throw .nonFiniteProduct(what: "the exact Hessian")
        }
        return ExactHessian(
            matrix: assembled.symmetrized(), asymmetry: asymmetry.difference,
            largestMagnitude: asymmetry.largestMagnitude)
    }

    /// The exact Hessian's eigenvalues (and, on request, eigenvectors) with the saddle summary.
    /// - Parameters:
    ///   - computeVectors: eigenvectors too (much slower than values alone).
    ///   - negativeThreshold: eigenvalues below −`negativeThreshold`·max|λ| count as negative; 1e-9 by default.
    ///   - memoryLimit: as for ``exactHessian(memoryLimit:)``.
    /// - Throws: what ``exactHessian(memoryLimit:)`` throws; ``SpectrumError/eigensolver(_:)``.
    public func exactSpectrum(
        computeVectors: Bool = false, negativeThreshold: Double = 1e-9, memoryLimit: Int = defaultExactMemoryLimit
    ) throws(SpectrumError) -> HessianSpectrum {
        try exactHessian(memoryLimit: memoryLimit).spectrum(
            computeVectors: computeVectors, negativeThreshold: negativeThreshold)
    }

    /// The exact P×P Hessian, not yet symmetrized: the single entry point of the
    /// exact mode, where a structured (faster) assembly can replace the generic one.
    func assembleExactHessian() -> Matrix<Double> {
        // Dense → activation → Dense (no state, so the mode does not matter): the structured
        // assembly, 14–48× faster than P products (docs/benchmarks.md "Hessians"), same ordering.
        if let sequential = model as? Sequential<Double>,
            let structured = OneHiddenLayerHessian(model: sequential, loss: loss),
            let matrix = try? structured.hessian(inputs: inputs, targets: targets)
        {
            return matrix
        }
        return hessianOperator.fullHessian(directionsPerSweep: 16)
    }
}

/// The exact Hessian of a training loss, as a symmetric matrix.
public struct ExactHessian: Sendable {
    /// The symmetric part (H + Hᵀ)/2 of the assembled matrix.
    public let matrix: Matrix<Double>
    /// max|H_ij − H_ji| of the assembled matrix before symmetrization: the
    /// rounding of its assembly (exact arithmetic gives 0).
    public let asymmetry: Double
    /// max|H_ij|.
    public let largestMagnitude: Double

    /// asymmetry / max|H_ij| (0 for the zero matrix).
    public var relativeAsymmetry: Double { largestMagnitude > 0 ? asymmetry / largestMagnitude : 0 }

    /// The eigen-decomposition and its summary.
    /// - Parameters:
    ///   - computeVectors: eigenvectors too (LAPACK `syevd` with vectors; values alone are much faster).
    ///   - negativeThreshold: relative threshold τ ≥ 0 for counting negative eigenvalues (λ < −τ·max|λ|).
    /// - Throws: ``SpectrumError/eigensolver(_:)``; ``SpectrumError/invalidOption(name:value:requirement:)``.
    public func spectrum(computeVectors: Bool = false, negativeThreshold: Double = 1e-9) throws(SpectrumError)
        -> HessianSpectrum
    {
        try requireOption(negativeThreshold >= 0, "negativeThreshold", "\(negativeThreshold)", "must be ≥ 0")
        let eigen: SymmetricEigen<Double>
        do {
            eigen = try SymmetricEigen(of: matrix, computeVectors: computeVectors)
        } catch { throw .eigensolver(error) }
        return HessianSpectrum(
            eigenvalues: eigen.values, eigenvectors: eigen.vectors, negativeThreshold: negativeThreshold)
    }
}

/// All eigenvalues of a Hessian, ascending, with the quantities a reader wants first.
public struct HessianSpectrum: Sendable {
    /// λ₁ ≤ … ≤ λ_P.
    public let eigenvalues: [Double]
    /// The orthonormal eigenvectors as columns (P×P), when computed.
    public let eigenvectors: Matrix<Double>?
    /// τ: eigenvalues below −τ·max|λ| count as negative (rounding makes the zero
    /// eigenvalues of an exact Hessian ±ε·‖H‖·small; τ = 1e-9 keeps them out).
    public let negativeThreshold: Double

    /// λmax (NaN when empty).
    public var largest: Double { eigenvalues.last ?? .nan }
    /// λmin, the most negative curvature when negative (NaN when empty).
    public var smallest: Double { eigenvalues.first ?? .nan }
    /// tr(H) = Σλ.
    public var trace: Double { eigenvalues.reduce(0, +) }

    /// κ = max|λ| / min|λ|, the condition number on magnitudes: ∞ when some λ = 0
    /// (and some is not), NaN when every λ = 0 or there are none.
    public var conditionNumber: Double {
        let magnitudes = eigenvalues.map { abs($0) }
        guard let largest = magnitudes.max(), let smallest = magnitudes.min(), largest > 0 else { return .nan }
        return smallest == 0 ? .infinity : largest / smallest
    }

    /// The eigenvalues counted as negative: λ < −τ·max|λ|, most negative first.
    public var negativeEigenvalues: [Double] {
        let scale = eigenvalues.map { abs($0) }.max() ?? 0
        return eigenvalues.filter { $0 < -negativeThreshold * scale }
    }

    /// How many eigenvalues are negative (a count > 0 means the point is not a minimum; a saddle if ∇L = 0 too).
    public var negativeCount: Int { negativeEigenvalues.count }

    /// Σ|λ| over the negative eigenvalues: the total size of the negative curvature.
    public var negativeMass: Double { negativeEigenvalues.reduce(0) { $0 - $1 } }

    /// The k largest eigenvalues, largest first (fewer when P < k).
    public func top(_ k: Int) -> [Double] { Array(eigenvalues.suffix(max(0, k)).reversed()) }

    /// The k smallest eigenvalues, smallest first (fewer when P < k).
    public func bottom(_ k: Int) -> [Double] { Array(eigenvalues.prefix(max(0, k))) }
}
