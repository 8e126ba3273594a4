// In-place element access for Descent's own modules (optimizers update
// parameters, moments and gradients in one fused loop), and norms.
//
// The buffer accessors are `package`: no pointer reaches the public API.

extension Matrix {
    /// Calls `body` with the elements (row by row) as a mutable buffer.
    @inlinable
    package mutating func withUnsafeMutableElements<Result>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeMutableBufferPointer { buffer in try body(buffer) }
    }

    /// Calls `body` with the elements (row by row) as a read-only buffer.
    @inlinable
    package func withUnsafeElements<Result>(_ body: (UnsafeBufferPointer<Scalar>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in try body(buffer) }
    }

    /// ‖A‖²_F = Σ a_ij², summed in order (no scaling: overflows to +∞ only
    /// when the true value does not fit). NaN when an element is NaN.
    @inlinable
    public var squaredFrobeniusNorm: Scalar {
        storage.withUnsafeBufferPointer { buffer in
            var total: Scalar = 0
            for value in buffer { total += value * value }
            return total
        }
    }

    /// ‖A‖_F = √(Σ a_ij²), the Euclidean norm of the elements.
    @inlinable
    public var frobeniusNorm: Scalar { squaredFrobeniusNorm.squareRoot() }
}
