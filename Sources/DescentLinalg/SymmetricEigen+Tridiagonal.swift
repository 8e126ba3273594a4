// The symmetric tridiagonal eigenproblem, which Lanczos reduces every Hessian
// spectrum to. All pairs: QL/QR (`stev`). A selection: bisection (`stebz`)
// for the values, then inverse iteration (`stein`) for the vectors.
// Source: LAPACK Users' Guide §2.4.4; Demmel, Applied Numerical Linear Algebra §5.3.

extension SymmetricEigen {
    /// Decomposes the symmetric tridiagonal matrix T with main diagonal
    /// `diagonal` (n values) and sub/super-diagonal `offDiagonal` (n − 1 values).
    ///
    /// - Parameters:
    ///   - diagonal: the n values on T's main diagonal.
    ///   - offDiagonal: the n − 1 values on T's sub- and super-diagonal.
    ///   - selection: which eigenpairs; ``Selection/all`` uses `stev`, any other
    ///     selection uses bisection and inverse iteration (`stebz` + `stein`).
    ///   - computeVectors: whether to compute the eigenvectors of T.
    /// - Throws: ``LinalgError/nonFinite(routine:row:column:value:)`` (row, column in T),
    ///   ``LinalgError/didNotConverge(routine:info:)``.
    /// - Precondition: `offDiagonal.count == max(0, diagonal.count − 1)`.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public init(
        tridiagonalWithDiagonal diagonal: [Scalar], offDiagonal: [Scalar],
        selecting selection: Selection = .all, computeVectors: Bool = true
    ) throws(LinalgError) {
        let n = diagonal.count
        precondition(
            offDiagonal.count == Swift.max(0, n - 1),
            "A tridiagonal matrix with \(n) diagonal values has \(Swift.max(0, n - 1)) off-diagonal values, got \(offDiagonal.count)"
        )
        let range = selection.lapackRange(count: n)
        let routine = routineName(range.option == "A" ? "stev" : "stebz", Scalar.self)
        if let i = diagonal.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(routine: routine, row: i, column: i, value: Double(diagonal[i]))
        }
        if let i = offDiagonal.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(routine: routine, row: i + 1, column: i, value: Double(offDiagonal[i]))
        }
        if range.isEmpty {
            self.init(values: [], vectors: computeVectors ? Matrix(rows: n, columns: 0) : nil)
        } else if range.option == "A" {
            self = try Self.tridiagonalAll(diagonal, offDiagonal, computeVectors: computeVectors, routine: routine)
        } else {
            self = try Self.tridiagonalSelected(diagonal, offDiagonal, range: range, computeVectors: computeVectors)
        }
    }

    private static func tridiagonalAll(
        _ diagonal: [Scalar], _ offDiagonal: [Scalar], computeVectors: Bool,
        routine: String
    ) throws(LinalgError) -> Self {
        let n = diagonal.count
        var d = diagonal
        var e = offDiagonal + [0]  // LAPACKE reads max(1, n − 1) values.
        var z = [Scalar](repeating: 0, count: computeVectors ? n * n : 1)
        let info = d.withUnsafeMutableBufferPointer { pd in
            e.withUnsafeMutableBufferPointer { pe in
                z.withUnsafeMutableBufferPointer { pz in
                    Scalar.routines.stev(
                        lapackColumnMajor, lapackOption(computeVectors ? "V" : "N"), lapackInt(n),
                        pd.baseAddress, pe.baseAddress, pz.baseAddress, lapackInt(computeVectors ? n : 1))
                }
            }
        }
        try checkLAPACK(info, routine: routine, arguments: ["layout", "jobz", "n", "d", "e", "z", "ldz"]) {
            .didNotConverge(routine: routine, info: $0)
        }
        return Self(values: d, vectors: computeVectors ? Matrix(rows: n, columns: n, elements: z).transposed() : nil)
    }

    private static func tridiagonalSelected(
        _ diagonal: [Scalar], _ offDiagonal: [Scalar], range: LAPACKRange<Scalar>, computeVectors: Bool
    ) throws(LinalgError) -> Self {
        let n = diagonal.count
        let e = offDiagonal + [0]
        var values = [Scalar](repeating: 0, count: n)
        var blocks = [Int32](repeating: 0, count: n)
        var splits = [Int32](repeating: 0, count: n)
        var found: Int32 = 0
        var splitCount: Int32 = 0
        let bisection = routineName("stebz", Scalar.self)
        // Order "B" (by split-off block) is what stein expects; we sort afterwards.
        let info = values.withUnsafeMutableBufferPointer { pw in
            blocks.withUnsafeMutableBufferPointer { pb in
                splits.withUnsafeMutableBufferPointer { ps in
                    Scalar.routines.stebz(
                        lapackOption(range.option), lapackOption("B"), lapackInt(n), range.lower, range.upper,
                        range.first, range.last, 2 * Scalar.leastNormalMagnitude,
                        diagonal, e, &found, &splitCount, pw.baseAddress, pb.baseAddress, ps.baseAddress)
                }
            }
        }
        try checkLAPACK(
            info, routine: bisection,
            arguments: [
                "range", "order", "n", "vl", "vu", "il", "iu", "abstol", "d", "e", "m", "nsplit", "w", "iblock", "isplit",
            ]
        ) { .didNotConverge(routine: bisection, info: $0) }
        let m = Int(found)
        let order = (0..<m).sorted { values[$0] < values[$1] }
        let sortedValues = order.map { values[$0] }
        guard computeVectors, m > 0 else {
            return Self(values: sortedValues, vectors: computeVectors ? Matrix(rows: n, columns: 0) : nil)
        }
        var z = [Scalar](repeating: 0, count: n * m)
        var failures = [Int32](repeating: 0, count: m)
        let inverseIteration = routineName("stein", Scalar.self)
        let steinInfo = z.withUnsafeMutableBufferPointer { pz in
            failures.withUnsafeMutableBufferPointer { pf in
                Scalar.routines.stein(
                    lapackColumnMajor, lapackInt(n), diagonal, e, found, values, blocks, splits,
                    pz.baseAddress, lapackInt(n), pf.baseAddress)
            }
        }
        try checkLAPACK(
            steinInfo, routine: inverseIteration,
            arguments: [
                "layout", "n", "d", "e", "m", "w", "iblock", "isplit", "z", "ldz", "ifailv",
            ]
        ) { .didNotConverge(routine: inverseIteration, info: $0) }
        // Column j of the result is LAPACK's vector order[j] (column-major: contiguous).
        let vectors = Matrix(rows: n, columns: m) { i, j in z[order[j] * n + i] }
        return Self(values: sortedValues, vectors: vectors)
    }
}
