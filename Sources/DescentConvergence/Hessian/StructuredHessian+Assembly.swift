// Writing the blocks of a structured Hessian into the P×P result: where each
// parameter of a dense layer sits in the flat vector, the "packed pair" index
// of symmetric products, and the scatters from GEMM results to the matrix.
//
// Design note. The GEMMs of `OneHiddenLayerHessian` produce blocks indexed by
// (unit pair, input pair); the result is indexed by flat parameter position.
// The scatters touch each of the P² entries once, row by row through the
// destination (contiguous runs of `fanIn` weights), reading a row of the GEMM
// result that stays in cache. The mirror of the cross block is transposed in
// 32×32 tiles so that neither side is read or written with a cache miss per
// element.

// MARK: - Parameter layout

/// Where a dense layer's parameters sit in the flat parameter vector: the
/// weight (units × fanIn) row by row from `offset`, then the bias (units).
struct DenseLayout {
    let offset: Int
    let units: Int
    let fanIn: Int
    let hasBias: Bool

    /// The inputs seen by the layer counting the constant 1 of the bias: fanIn (+ 1).
    var augmentedFanIn: Int { fanIn + (hasBias ? 1 : 0) }
    /// The number of parameters.
    var count: Int { units * augmentedFanIn }
    /// The position of the first bias.
    var biasOffset: Int { offset + units * fanIn }

    /// The flat position of the parameter joining augmented input `input` to
    /// `unit`: the weight W[unit, input], or the bias when `input == fanIn`.
    @inline(__always)
    func index(unit: Int, input: Int) -> Int {
        input < fanIn ? offset + unit * fanIn + input : biasOffset + unit
    }
}

/// The position of the pair (a, b), a ≤ b < m, in the packed upper triangle
/// of an m×m symmetric matrix, row by row: (0,0), (0,1), …, (0,m−1), (1,1), ….
@inline(__always)
func packedIndex(_ a: Int, _ b: Int, order m: Int) -> Int {
    a * (2 * m - a + 1) / 2 + (b - a)
}

/// The number of pairs a ≤ b < m.
@inline(__always)
func packedCount(_ m: Int) -> Int { m * (m + 1) / 2 }

// MARK: - Scatters

/// The P×P destination of an assembly: a row-major buffer.
struct SymmetricAssembly {
    let elements: UnsafeMutablePointer<Double>
    let order: Int

    /// Writes the diagonal block of one layer, H[(a,b),(a′,b′)] = pairs[pair(a,a′), pair(b,b′)]
    /// for units a, a′ and augmented inputs b, b′ of `layout`.
    ///
    /// - Parameter pairs: packedCount(units) × packedCount(augmentedFanIn), the GEMM of packed pairs.
    func scatterPackedKronecker(_ pairs: Matrix<Double>, layout: DenseLayout) {
        let units = layout.units
        let width = layout.augmentedFanIn
        precondition(
            pairs.rows == packedCount(units) && pairs.columns == packedCount(width),
            "scatterPackedKronecker: \(pairs.shapeDescription) pairs for \(units) units and \(width) inputs")
        var block = [Double](repeating: 0, count: width * width)
        pairs.withUnsafeElements { source in
            block.withUnsafeMutableBufferPointer { blockBuffer in
                let unpacked = blockBuffer.baseAddress!
                for a in 0..<units {
                    for partner in a..<units {
                        // The symmetric width×width block of the unit pair, unpacked.
                        let row = source.baseAddress! + packedIndex(a, partner, order: units) * pairs.columns
                        for b in 0..<width {
                            let start = row + packedIndex(b, b, order: width)
                            for offset in 0..<(width - b) {
                                let value = start[offset]
                                unpacked[b * width + b + offset] = value
                                unpacked[(b + offset) * width + b] = value
                            }
                        }
                        writeBlock(unpacked, layout: layout, rowUnit: a, columnUnit: partner)
                        if partner != a { writeBlock(unpacked, layout: layout, rowUnit: partner, columnUnit: a) }
                    }
                }
            }
        }
    }

    /// Writes the width×width `block` at rows (rowUnit, ·), columns (columnUnit, ·).
    @inline(__always)
    private func writeBlock(_ block: UnsafeMutablePointer<Double>, layout: DenseLayout, rowUnit: Int, columnUnit: Int) {
        let width = layout.augmentedFanIn
        let fanIn = layout.fanIn
        let weightColumn = layout.offset + columnUnit * fanIn
        let biasColumn = layout.biasOffset + columnUnit
        for b in 0..<width {
            let destination = elements + layout.index(unit: rowUnit, input: b) * order
            let source = block + b * width
            (destination + weightColumn).update(from: source, count: fanIn)
            if layout.hasBias { destination[biasColumn] = source[fanIn] }
        }
    }

    /// Writes the second-layer × first-layer block and its mirror:
    /// H[(k,j),(j′,i′)] = curvatureTerm[k·h + j′, j·d̃ + i′] + δⱼⱼ′·ownTerm[k·h + j, i′].
    ///
    /// - Parameters:
    ///   - curvatureTerm: (c·h) × (h̃·d̃).
    ///   - ownTerm: (c·h) × d̃.
    func fillCross(
        curvatureTerm: Matrix<Double>, ownTerm: Matrix<Double>, secondLayer: DenseLayout, firstLayer: DenseLayout
    ) {
        let hidden = firstLayer.units
        let inputWidth = firstLayer.augmentedFanIn
        let hiddenWidth = secondLayer.augmentedFanIn
        precondition(secondLayer.fanIn == hidden, "fillCross: layers do not connect")
        precondition(
            curvatureTerm.rows == secondLayer.units * hidden && curvatureTerm.columns == hiddenWidth * inputWidth
                && ownTerm.rows == secondLayer.units * hidden && ownTerm.columns == inputWidth,
            "fillCross: terms \(curvatureTerm.shapeDescription), \(ownTerm.shapeDescription) do not fit the layers")
        curvatureTerm.withUnsafeElements { curvature in
            ownTerm.withUnsafeElements { own in
                for k in 0..<secondLayer.units {
                    for j in 0..<hiddenWidth {
                        let destination = elements + secondLayer.index(unit: k, input: j) * order
                        for partner in 0..<hidden {
                            let source = curvature.baseAddress! + (k * hidden + partner) * curvatureTerm.columns + j * inputWidth
                            (destination + firstLayer.offset + partner * firstLayer.fanIn).update(
                                from: source, count: firstLayer.fanIn)
                            if firstLayer.hasBias { destination[firstLayer.biasOffset + partner] = source[firstLayer.fanIn] }
                        }
                        guard j < hidden else { continue }  // z's own dependence on W₁: unit j only
                        let ownRow = own.baseAddress! + (k * hidden + j) * inputWidth
                        for input in 0..<inputWidth { destination[firstLayer.index(unit: j, input: input)] += ownRow[input] }
                    }
                }
            }
        }
        mirror(
            rows: secondLayer.offset..<secondLayer.offset + secondLayer.count,
            columns: firstLayer.offset..<firstLayer.offset + firstLayer.count)
    }

    /// H[c, r] = H[r, c] for r in `rows`, c in `columns`, in 32×32 tiles.
    private func mirror(rows: Range<Int>, columns: Range<Int>) {
        let tile = 32
        for rowStart in stride(from: rows.lowerBound, to: rows.upperBound, by: tile) {
            let rowEnd = Swift.min(rowStart + tile, rows.upperBound)
            for columnStart in stride(from: columns.lowerBound, to: columns.upperBound, by: tile) {
                let columnEnd = Swift.min(columnStart + tile, columns.upperBound)
                for row in rowStart..<rowEnd {
                    for column in columnStart..<columnEnd { elements[column * order + row] = elements[row * order + column] }
                }
            }
        }
    }
}
