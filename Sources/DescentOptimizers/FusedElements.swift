// The scaffolding of a fused update: a tensor's parameter, gradient and state
// buffers opened as element buffers together, so that an optimizer's update
// reads as one loop over i instead of a pyramid of closures.
//
// These are @inlinable and take a non-escaping body, so inside a
// @specialized update they inline to the nested accessors they replace.

import DescentLinalg

/// Calls `body` with the elements of a parameter (mutable) and its gradient.
@inlinable
package func withElements<Scalar: BLASScalar>(
    _ parameter: inout Matrix<Scalar>, _ gradient: Matrix<Scalar>,
    _ body: (UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>) -> Void
) {
    parameter.withUnsafeMutableElements { w in
        gradient.withUnsafeElements { g in body(w, g) }
    }
}

/// Calls `body` with the elements of a parameter, its gradient and one state
/// buffer of the same shape (parameter and buffer mutable).
@inlinable
package func withElements<Scalar: BLASScalar>(
    _ parameter: inout Matrix<Scalar>, _ gradient: Matrix<Scalar>, _ buffer: inout Matrix<Scalar>,
    _ body: (UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>) -> Void
) {
    parameter.withUnsafeMutableElements { w in
        gradient.withUnsafeElements { g in
            buffer.withUnsafeMutableElements { b in body(w, g, b) }
        }
    }
}

/// Calls `body` with the elements of a parameter, its gradient and two state
/// buffers of the same shape (parameter and buffers mutable).
@inlinable
package func withElements<Scalar: BLASScalar>(
    _ parameter: inout Matrix<Scalar>, _ gradient: Matrix<Scalar>, _ first: inout Matrix<Scalar>,
    _ second: inout Matrix<Scalar>,
    _ body: (
        UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>,
        UnsafeMutableBufferPointer<Scalar>
    ) -> Void
) {
    parameter.withUnsafeMutableElements { w in
        gradient.withUnsafeElements { g in
            first.withUnsafeMutableElements { a in
                second.withUnsafeMutableElements { b in body(w, g, a, b) }
            }
        }
    }
}
