// Tests of MatrixMarketFile: SciPy-written fixtures read bit-exactly, every
// storage kind and symmetry, round trips, and every malformed file reported
// as its specific FileProblem. Fixtures come from scripts/make_npy_fixtures.py.

import Foundation
import Testing

@testable import DescentLinalg

@Suite("MatrixMarketFile reads and writes .mtx files")
struct MatrixMarketFileTests {
    static let fixtures = [
        "array_general_3x4.mtx", "array_symmetric_3x3.mtx", "array_skew_symmetric_3x3.mtx",
        "coordinate_symmetric_5x5.mtx", "coordinate_integer_duplicates.mtx",
    ]

    /// Parses `text` as a `.mtx` file's bytes.
    func matrix<Scalar: BLASScalar>(_ text: String, as _: Scalar.Type = Double.self) throws(FileProblemError) -> Matrix<Scalar> {
        try MatrixMarketFile.decode(Array(text.utf8), as: Scalar.self)
    }

    /// The problem reported for `text`, or nil when it parses.
    func problem(_ text: String) -> FileProblem? {
        do {
            _ = try matrix(text)
            return nil
        } catch {
            return error.problem
        }
    }

    // MARK: - Fixtures

    @Test("SciPy's files read as SciPy reads them, bit for bit, as Double and Float", arguments: fixtures)
    func fixture(name: String) throws {
        let expected = try #require(try FileTestSupport.expectedValues().mtx[name])
        let path = try FileTestSupport.fixturePath("mtx", name)
        let double = try MatrixMarketFile.read(from: path, as: Double.self)
        #expect(double.rows == expected.rows && double.columns == expected.columns)
        #expect(FileTestSupport.bits(double.elements) == expected.doubleBits)
        #expect(expected.doubleBits.count == double.count)
        let single = try Matrix<Float>.load(from: path)
        #expect(FileTestSupport.bits(single.elements) == expected.floatBits.map(UInt64.init))
    }

    @Test("the fixture list covers every .mtx fixture in expected.json")
    func fixtureListIsComplete() throws {
        #expect(Set(try FileTestSupport.expectedValues().mtx.keys) == Set(Self.fixtures))
    }

    // MARK: - Reading

    @Test("array general is column-major")
    func arrayGeneral() throws {
        let text = "%%MatrixMarket matrix array real general\n% comment\n2 3\n1\n4\n2\n5\n3\n6\n"
        #expect(try matrix(text) == Matrix([[1, 2, 3], [4, 5, 6]]))
        let several = "%%MatrixMarket matrix array real general\n2 3\n1 4\n2 5 3\n\n6\n"
        #expect(try matrix(several) == Matrix([[1, 2, 3], [4, 5, 6]]), "values may share lines")
    }

    @Test("symmetric and skew-symmetric arrays store a lower triangle")
    func arraySymmetric() throws {
        let symmetric = "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n"
        #expect(try matrix(symmetric) == Matrix([[1, 2, 3], [2, 4, 5], [3, 5, 6]]))
        let skew = "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n"
        #expect(try matrix(skew) == Matrix([[0, -1, -2], [1, 0, -3], [2, 3, 0]]))
    }

    @Test("coordinate entries: 1-based, mirrored when symmetric, duplicates summed")
    func coordinate() throws {
        let general = "%%MatrixMarket matrix coordinate real general\n%\n2 3 3\n1 3 2.5\n2 1 -1\n1 3 0.5\n"
        #expect(try matrix(general) == Matrix([[0, 0, 3], [-1, 0, 0]]))
        let symmetric = "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n3 1 7\n2 3 4\n"
        #expect(try matrix(symmetric) == Matrix([[1, 0, 7], [0, 0, 4], [7, 4, 0]]))
        let skew = "%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 2\n2 1 5\n3 2 -2\n"
        #expect(try matrix(skew, as: Float.self) == Matrix([[0, -5, 0], [5, 0, 2], [0, -2, 0]]))
        let emptyPattern = "%%MatrixMarket matrix coordinate real general\n4 2 0\n"
        #expect(try matrix(emptyPattern) == Matrix(rows: 4, columns: 2))
    }

    @Test("banner words in any case, 'double' as real, CRLF, BOM, comments between entries, -0 kept")
    func lenientSpellings() throws {
        let text =
            "\u{FEFF}%%matrixmarket MATRIX Coordinate Double GENERAL\r\n% c\r\n2 2 2\r\n  1   1  -0\r\n% again\r\n\r\n2\t2\t1e-320\r\n"
        let parsed = try matrix(text)
        #expect(parsed[0, 0].sign == .minus && parsed[0, 0] == 0)
        #expect(parsed[1, 1] == Double("1e-320") && parsed[1, 1] > 0 && parsed[0, 1].sign == .plus)
    }

    // MARK: - Problems

    @Test(
        "missing or foreign banners",
        arguments: [
            ("", FileProblem.empty),
            ("\n \n", .empty),
            ("3 3\n1\n", .badMagic(expected: "MatrixMarket")),
            ("%MatrixMarket matrix array real general\n1 1\n1\n", .badMagic(expected: "MatrixMarket")),
            ("% comment first\n%%MatrixMarket matrix array real general\n1 1\n1\n", .badMagic(expected: "MatrixMarket")),
            ("%%MatrixMarket matrix coordinate pattern general\n1 1 1\n1 1\n", .unsupportedType("pattern")),
            ("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", .unsupportedType("complex")),
            ("%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n", .unsupportedType("hermitian")),
            ("%%MatrixMarket vector array real general\n1\n1\n", .unsupportedType("vector")),
        ])
    func banners(text: String, expected: FileProblem) {
        #expect(problem(text) == expected)
    }

    @Test(
        "malformed banner and size lines say what is wrong",
        arguments: [
            ("%%MatrixMarket matrix array real\n1 1\n1\n", "the banner must read"),
            ("%%MatrixMarket matrix array real general extra\n1 1\n1\n", "the banner must read"),
            ("%%MatrixMarket matrix dense real general\n1 1\n1\n", "unknown storage format 'dense'"),
            ("%%MatrixMarket matrix array rational general\n1 1\n1\n", "unknown field 'rational'"),
            ("%%MatrixMarket matrix array real diagonal\n1 1\n1\n", "unknown symmetry 'diagonal'"),
            ("%%MatrixMarket matrix array real general\n% no size\n", "the size line is missing"),
            ("%%MatrixMarket matrix array real general\n3 x\n", "line 2: the size line must be 'rows columns'"),
            ("%%MatrixMarket matrix array real general\n3 3 9\n", "line 2: the size line must be 'rows columns'"),
            ("%%MatrixMarket matrix coordinate real general\n%\n3 3\n", "line 3: the size line must be 'rows columns entries'"),
            ("%%MatrixMarket matrix coordinate real general\n3 -3 1\n", "non-negative"),
            ("%%MatrixMarket matrix array real symmetric\n3 2\n", "must be square"),
            ("%%MatrixMarket matrix coordinate real general\n4294967296 4294967296 0\n", "too large"),
        ])
    func malformed(text: String, message: String) {
        let found = problem(text)
        guard case .malformedHeader(let detail)? = found else {
            Issue.record("expected .malformedHeader for \(text.debugDescription), got \(String(describing: found))")
            return
        }
        #expect(detail.contains(message), "\(detail)")
    }

    @Test(
        "bad entries are reported at their line",
        arguments: [
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n4 1 2\n",
                FileProblem.indexOutOfRange(line: 4, row: 4, column: 1, rows: 3, columns: 3)
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 1\n%\n0 2 1\n",
                .indexOutOfRange(line: 4, row: 0, column: 2, rows: 3, columns: 3)
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n0 3 1\n1 1 1\n",
                .indexOutOfRange(line: 3, row: 1, column: 1, rows: 0, columns: 3)
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n2 2 1\n-1 1 1\n",
                .indexOutOfRange(line: 3, row: -1, column: 1, rows: 2, columns: 2)
            ),
            (
                "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 3 1\n",
                .indexOutOfRange(line: 3, row: 1, column: 3, rows: 2, columns: 2)
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 abc\n",
                .nonNumericCell(line: 3, column: 3, text: "abc")
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 1\n1.5 1 2\n",
                .nonNumericCell(line: 3, column: 1, text: "1.5")
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 x 2\n",
                .nonNumericCell(line: 3, column: 2, text: "x")
            ),
            (
                "%%MatrixMarket matrix array real general\n2 1\n1\n2,5\n",
                .nonNumericCell(line: 4, column: 1, text: "2,5")
            ),
            (
                "%%MatrixMarket matrix array real general\n2 2\n1 2\n3 four\n",
                .nonNumericCell(line: 4, column: 2, text: "four")
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1\n",
                .malformedEntry(line: 3, found: 2)
            ),
            (
                "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1 0\n",
                .malformedEntry(line: 3, found: 4)
            ),
        ])
    func badEntries(text: String, expected: FileProblem) {
        #expect(problem(text) == expected)
    }

    @Test(
        "too few or too many entries",
        arguments: [
            ("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", FileProblem.wrongEntryCount(expected: 4, found: 3)),
            ("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n5\n", .wrongEntryCount(expected: 4, found: 5)),
            ("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n", .wrongEntryCount(expected: 6, found: 5)),
            ("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n4\n", .wrongEntryCount(expected: 3, found: 4)),
            ("%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 2\n", .wrongEntryCount(expected: 3, found: 2)),
            ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1\n2 2 2\n", .wrongEntryCount(expected: 1, found: 2)),
            (
                "%%MatrixMarket matrix array real general\n1000000000 1000000000\n1\n",
                .wrongEntryCount(expected: 1_000_000_000_000_000_000, found: 1)
            ),
        ])
    func entryCounts(text: String, expected: FileProblem) {
        #expect(problem(text) == expected)
    }

    @Test("a coordinate size line beyond this machine's memory is an error, not a crash")
    func hugeDeclaredSize() {
        let text = "%%MatrixMarket matrix coordinate real general\n1000000000 1000000000 1\n1 1 2.5\n"
        guard case let .malformedHeader(detail)? = problem(text) else {
            Issue.record("expected malformedHeader, got \(String(describing: problem(text)))")
            return
        }
        #expect(detail.contains("line 2") && detail.contains("densely"))
    }

    @Test("errors from a file carry its path")
    func pathInErrors() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write("not a matrix\n", named: "bad.mtx", in: directory)
            #expect(throws: LinalgError.file(path: path, problem: .badMagic(expected: "MatrixMarket"))) {
                try MatrixMarketFile.read(from: path, as: Double.self)
            }
        }
    }

    // MARK: - Writing

    @Test("the writer's exact text, general and symmetric")
    func writtenText() {
        let general = String(
            decoding: MatrixMarketFile.encode(Matrix<Double>([[1, 0.1], [-2.5e-300, 3]]), symmetric: false),
            as: UTF8.self)
        #expect(general == "%%MatrixMarket matrix array real general\n2 2\n1.0\n-2.5e-300\n0.1\n3.0\n")
        let symmetric = String(
            decoding: MatrixMarketFile.encode(
                Matrix<Float>([[1, 2, 3], [2, 4, 5], [3, 5, 6]]),
                symmetric: true), as: UTF8.self)
        #expect(symmetric == "%%MatrixMarket matrix array real symmetric\n3 3\n1.0\n2.0\n3.0\n4.0\n5.0\n6.0\n")
    }

    func checkRoundTrip<Scalar: BLASScalar>(_: Scalar.Type) throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            for (index, (rows, columns)) in [(3, 4), (1, 1), (6, 1), (1, 6), (0, 3), (25, 9)].enumerated() {
                var values = FileTestSupport.awkwardValues(rows * columns, Scalar.self, seed: UInt64(100 + index))
                if values.count > 7 { values[6] = .infinity; values[7] = .nan }
                let matrix = Matrix(rows: rows, columns: columns, elements: values)
                let path = directory + "/m\(index).mtx"
                try MatrixMarketFile.write(matrix, to: path)
                let back = try MatrixMarketFile.read(from: path, as: Scalar.self)
                #expect(back.shape == matrix.shape)
                #expect(FileTestSupport.sameValues(back.elements, values), "\(rows)×\(columns)")
            }
            for n in [0, 1, 2, 7] {
                let a = Matrix(rows: n, columns: n, elements: FileTestSupport.awkwardValues(n * n, Scalar.self, seed: UInt64(n)))
                let symmetric = a + a.transposed()
                let path = directory + "/s\(n).mtx"
                try MatrixMarketFile.write(symmetric, to: path, symmetric: true)
                let back = try MatrixMarketFile.read(from: path, as: Scalar.self)
                #expect(FileTestSupport.bits(back.elements) == FileTestSupport.bits(symmetric.elements), "\(n)×\(n) symmetric")
            }
        }
    }

    @Test("Float and Double round-trip bit-exactly, general and symmetric storage")
    func roundTrip() throws {
        try checkRoundTrip(Float.self)
        try checkRoundTrip(Double.self)
    }

    @Test("the symmetric file holds only the lower triangle, and reads back whole")
    func symmetricFileIsHalfSize() throws {
        let matrix = Matrix<Double>(rows: 10, columns: 10) { i, j in Double(min(i, j)) + 0.5 }
        let full = MatrixMarketFile.encode(matrix, symmetric: false)
        let half = MatrixMarketFile.encode(matrix, symmetric: true)
        #expect(full.filter { $0 == UInt8(ascii: "\n") }.count == 2 + 100)
        #expect(half.filter { $0 == UInt8(ascii: "\n") }.count == 2 + 55)
        #expect(try MatrixMarketFile.decode(half, as: Double.self) == matrix)
    }

    @Test("writing a non-symmetric matrix as symmetric throws and writes nothing; round-off is accepted")
    func symmetricCheck() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/h.mtx"
            #expect(
                throws: LinalgError.notSymmetric(
                    routine: "MatrixMarketFile.write", row: 0, column: 1, difference: 1,
                    tolerance: Double.ulpOfOne.squareRoot())
            ) {
                try MatrixMarketFile.write(Matrix<Double>([[1, 2], [3, 4]]), to: path, symmetric: true)
            }
            #expect(!FileManager.default.fileExists(atPath: path))
            // A Hessian one ulp off symmetric is written: its lower triangle.
            let offByOne = Double(2).nextUp
            let nearly = Matrix<Double>([[1, 2], [offByOne, 4]])
            try MatrixMarketFile.write(nearly, to: path, symmetric: true)
            #expect(try MatrixMarketFile.read(from: path, as: Double.self) == Matrix([[1, offByOne], [offByOne, 4]]))
        }
    }

    @Test("a failed write leaves the existing file untouched and no temporary file behind")
    func failedWrite() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/keep.mtx"
            try MatrixMarketFile.write(Matrix<Double>([[1, 2]]), to: path)
            let before = try FileTestSupport.contents(of: path)
            try FileManager.default.createDirectory(atPath: directory + "/busy.mtx", withIntermediateDirectories: false)
            _ = try FileTestSupport.write("x", named: "inside", in: directory + "/busy.mtx")
            let problem = FileTestSupport.problem {
                try MatrixMarketFile.write(Matrix<Double>([[3]]), to: directory + "/busy.mtx")
            }
            #expect(problem.map { if case .cannotOpen = $0 { true } else { false } } == true)
            #expect(try FileTestSupport.contents(of: path) == before)
            #expect(try FileTestSupport.listing(of: directory) == ["busy.mtx", "keep.mtx"])
        }
    }
}
