// The matrix product, the one operation where nearly all the time goes.
//
// For C = op(A)·op(B) with cotangent G:
//   ∂A = G·op(B)ᵀ (or its transpose when A enters transposed), ∂B = op(A)ᵀ·G.
// For k tangents at once, the stacked layout (k·r)×c of Ȧ and the side-by-side
// layout r×(k·c) of Ḃ turn op(Ȧ)·op(B) and op(A)·op(Ḃ) into one GEMM each:
//   [Ȧ₁; …; Ȧₖ]·B                 (A not transposed)
//   [Ȧ₁ | … | Ȧₖ]ᵀ·op(B)          (A transposed: rows of the result are Ȧⱼᵀ·op(B))
//   op(A)·[Ḃ₁ | … | Ḃₖ]           (B not transposed)
//   op(A)·[Ḃ₁; …; Ḃₖ]ᵀ            (B transposed)

/// The matrix product op(a)·op(b), where op transposes when asked (GEMM).
///
/// - Parameters:
///   - a: an m×n tensor (n×m when `transposingA`).
///   - b: an n×p tensor (p×n when `transposingB`).
/// - Returns: the m×p product.
/// - Complexity: 2·m·n·p operations; its pullback costs two more products of
///   the same size (one per tracked operand).
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
public func matmul<Scalar: BLASScalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposingA: Bool = false, transposingB: Bool = false
) -> Tensor<Scalar> {
    let product = matrixProduct(a.value, b.value, transposingA: transposingA, transposingB: transposingB)
    return Tensor.recording(
        product, inputs: [a, b], name: "matmul",
        pullback: { cotangent, inputs, _, needed in
            let (a, b) = (inputs[0], inputs[1])
            var result: [Tensor<Scalar>?] = [nil, nil]
            if needed[0] {
                result[0] =
                    transposingA
                    ? matmul(b, cotangent, transposingA: transposingB, transposingB: true)  // op(B)·Gᵀ
                    : matmul(cotangent, b, transposingB: !transposingB)  // G·op(B)ᵀ
            }
            if needed[1] {
                result[1] =
                    transposingB
                    ? matmul(cotangent, a, transposingA: true, transposingB: transposingA)  // Gᵀ·op(A)
                    : matmul(a, cotangent, transposingA: !transposingA)  // op(A)ᵀ·G
            }
            return result
        },
        pushforward: { inputs, tangents, _ in
            let (a, b) = (inputs[0], inputs[1])
            var result: TangentBatch<Scalar>? = nil
            if let ta = tangents[0] {
                let stacked =
                    transposingA
                    ? matrixProduct(ta.sideBySide(), b, transposingA: true, transposingB: transposingB)
                    : matrixProduct(ta.stacked, b, transposingB: transposingB)
                result = TangentBatch(stacked: stacked, count: ta.count)
            }
            if let tb = tangents[1] {
                let sideBySide =
                    transposingB
                    ? matrixProduct(a, tb.stacked, transposingA: transposingA, transposingB: true)
                    : matrixProduct(a, tb.sideBySide(), transposingA: transposingA)
                result = sumOfTangents(result, TangentBatch(sideBySide: sideBySide, count: tb.count))
            }
            return result!
        })
}

/// op(a)·op(b) in a new matrix, allocated here and filled by `gemm(…, into:)`.
///
/// DescentLinalg's allocating `gemm` is not specialized, so from this module it
/// zero-filled its result through generic code, one element at a time (about
/// 15% of a Hessian-vector product in autograd-bench's profile). This helper is
/// specialized with its caller, leaves the result uninitialized — `gemm` with
/// β = 0 overwrites every element without reading it — and calls the
/// specialized `into:` form.
@inline(__always)
func matrixProduct<Scalar: BLASScalar>(
    _ a: Matrix<Scalar>, _ b: Matrix<Scalar>, transposingA: Bool = false, transposingB: Bool = false
) -> Matrix<Scalar> {
    let rows = transposingA ? a.columns : a.rows
    let columns = transposingB ? b.rows : b.columns
    let elements = [Scalar](unsafeUninitializedCapacity: rows * columns) { _, count in count = rows * columns }
    var product = Matrix(rows: rows, columns: columns, elements: elements)
    gemm(a, b, transposingA: transposingA, transposingB: transposingB, beta: 0, into: &product)
    return product
}
