// Start vectors and random probes for the Krylov and trace methods.
//
// Random vectors come from `Xoshiro256StarStar(seed:)`, so every estimate is
// reproducible from its seed. Rademacher entries take one bit each from the
// generator (64 signs per draw).

import DescentLinalg

/// Where an iterative eigensolver starts.
public enum StartVector: Sendable {
    /// Independent 𝒩(0, 1) entries from the seeded generator, normalized: a
    /// direction uniform on the sphere, with no bias toward any eigenvector.
    case random(seed: UInt64)
    /// Independent ±1 entries from the seeded generator, normalized by √n
    /// (PyHessian's choice for its density and trace estimates).
    case rademacher(seed: UInt64)
    /// A given n×1 vector, normalized: a warm start (the previous top
    /// eigenvector when tracking sharpness), or a deterministic test start.
    case vector(Matrix<Double>)

    /// The unit start vector for dimension n.
    /// - Throws: ``SpectrumError/vectorShape(expected:rows:columns:)`` for a given
    ///   vector that is not n×1; ``SpectrumError/unusableStartVector(reason:)``
    ///   when it is zero or not finite.
    func unitVector(dimension n: Int) throws(SpectrumError) -> Matrix<Double> {
        var vector: Matrix<Double>
        switch self {
        case let .random(seed):
            var generator = Xoshiro256StarStar(seed: seed)
            vector = .randomNormal(rows: n, columns: 1, using: &generator)
        case let .rademacher(seed):
            var generator = Xoshiro256StarStar(seed: seed)
            vector = rademacherMatrix(rows: n, columns: 1, using: &generator)
        case let .vector(given):
            guard given.rows == n && given.columns == 1 else {
                throw .vectorShape(expected: n, rows: given.rows, columns: given.columns)
            }
            vector = given
        }
        let norm = nrm2(vector)
        guard norm.isFinite else { throw .unusableStartVector(reason: "it contains NaN or ±∞") }
        guard norm > 0 || n == 0 else { throw .unusableStartVector(reason: "it is zero") }
        if n > 0 { scal(1 / norm, &vector) }
        return vector
    }
}

/// A rows×columns matrix of independent ±1 entries (Rademacher), row by row,
/// one bit of the generator per entry.
func rademacherMatrix<G: RandomNumberGenerator>(rows: Int, columns: Int, using generator: inout G) -> Matrix<Double> {
    let count = rows * columns
    var elements = [Double](repeating: 1, count: count)
    var bits: UInt64 = 0
    for index in 0..<count {
        if index % 64 == 0 { bits = generator.next() }
        if bits & 1 == 1 { elements[index] = -1 }
        bits >>= 1
    }
    return Matrix(rows: rows, columns: columns, elements: elements)
}
