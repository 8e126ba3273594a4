// Random matrices: uniform and normal entries, Haar-random orthogonal
// matrices, and symmetric matrices with a prescribed spectrum.

extension Matrix {
    /// A matrix of independent uniform draws from `range`.
    public static func randomUniform<G: RandomNumberGenerator>(
        rows: Int, columns: Int, in range: ClosedRange<Scalar>, using generator: inout G
    ) -> Matrix {
        Matrix(rows: rows, columns: columns) { _, _ in Scalar.random(in: range, using: &generator) }
    }

    /// A matrix of independent normal draws 𝒩(mean, standardDeviation²).
    ///
    /// Draws come in Box–Muller pairs in row-major order, so the first
    /// `rows·columns` normals of a generator are the same whatever the shape.
    public static func randomNormal<G: RandomNumberGenerator>(
        rows: Int, columns: Int, mean: Scalar = 0, standardDeviation: Scalar = 1, using generator: inout G
    ) -> Matrix {
        let count = rows * columns
        var values = [Scalar]()
        values.reserveCapacity(count + 1)
        while values.count < count {
            let (first, second) = generator.nextStandardNormalPair()
            values.append(mean + standardDeviation * Scalar(first))
            values.append(mean + standardDeviation * Scalar(second))
        }
        values.removeLast(values.count - count)
        return Matrix(rows: rows, columns: columns, elements: values)
    }

    /// A Haar-random (uniformly distributed) n×n orthogonal matrix.
    ///
    /// The Q factor of a Gaussian matrix with each column's sign fixed so that
    /// R has a positive diagonal; without that fix Q is not uniformly distributed.
    /// Source: Mezzadri, "How to generate random matrices from the classical
    /// compact groups", Notices AMS 54(5), 2007.
    /// - Throws: ``LinalgError/outOfMemory(routine:)`` only.
    public static func randomOrthogonal<G: RandomNumberGenerator>(
        _ n: Int, using generator: inout G
    ) throws(LinalgError) -> Matrix {
        let gaussian = randomNormal(rows: n, columns: n, using: &generator)
        let qr = try QRDecomposition(of: gaussian)
        let signs = qr.r.diagonal.map { $0 < 0 ? Scalar(-1) : Scalar(1) }
        return Matrix(rows: n, columns: n) { i, j in qr.q[i, j] * signs[j] }
    }

    /// The symmetric matrix `Q·diag(λ)·Qᵀ` with the given eigenvalues and orthonormal basis Q (columns).
    ///
    /// The result is made exactly symmetric (rounding in the product is averaged away).
    /// - Throws: ``LinalgError/nonFinite(routine:row:column:value:)`` for a NaN/∞ eigenvalue (row = column = its index).
    /// - Precondition: `basis` is n×n with n = `eigenvalues.count`.
    public static func symmetric(eigenvalues: [Scalar], basis: Matrix) throws(LinalgError) -> Matrix {
        let n = eigenvalues.count
        precondition(
            basis.rows == n && basis.columns == n,
            "symmetric(eigenvalues:basis:): \(n) eigenvalues need an \(n)×\(n) basis, got \(basis.shapeDescription)")
        if let i = eigenvalues.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(routine: "symmetric(eigenvalues:basis:)", row: i, column: i, value: Double(eigenvalues[i]))
        }
        let scaled = Matrix(rows: n, columns: n) { i, j in basis[i, j] * eigenvalues[j] }
        return gemm(scaled, basis, transposingB: true).symmetrized()
    }

    /// A random symmetric matrix `Q·diag(λ)·Qᵀ` with the given spectrum and a Haar-random Q.
    /// - Returns: the matrix and the basis Q, whose column j is the eigenvector of `eigenvalues[j]`.
    public static func randomSymmetric<G: RandomNumberGenerator>(
        eigenvalues: [Scalar], using generator: inout G
    ) throws(LinalgError) -> (matrix: Matrix, basis: Matrix) {
        let basis = try randomOrthogonal(eigenvalues.count, using: &generator)
        return (try symmetric(eigenvalues: eigenvalues, basis: basis), basis)
    }
}
