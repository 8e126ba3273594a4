// Tests of CSVFile: what real-world CSV and whitespace text looks like,
// bit-exact round trips, and every problem reported at its line and column.

import Foundation
import Testing

@testable import DescentLinalg

@Suite("CSVFile reads and writes numeric text tables")
struct CSVFileTests {
    /// Parses `text` as a CSV file's bytes.
    func table<Scalar: BLASScalar>(
        _ text: String, as _: Scalar.Type = Double.self,
        header: CSVFile.HeaderRow = .automatic, separator: CSVFile.Separator = .automatic
    ) throws(FileProblemError) -> CSVTable<Scalar> {
        try CSVFile.decode(Array(text.utf8), as: Scalar.self, header: header, separator: separator)
    }

    /// The problem reported for `text`, or nil when it parses.
    func problem(
        _ text: String, header: CSVFile.HeaderRow = .automatic,
        separator: CSVFile.Separator = .automatic
    ) -> FileProblem? {
        do {
            _ = try table(text, as: Double.self, header: header, separator: separator)
            return nil
        } catch {
            return error.problem
        }
    }

    // MARK: - Reading

    @Test("a spreadsheet export: BOM, CRLF, quoted header, spaces, comments and blank lines")
    func spreadsheetExport() throws {
        let text = "\u{FEFF}\"time, s\" , \"say \"\"hi\"\"\",plain\r\n# a comment\r\n\r\n 1.5 , -2,3e-3\r\n   \r\n4,5 ,  6\r\n"
        let parsed = try table(text)
        #expect(parsed.header == ["time, s", "say \"hi\"", "plain"])
        #expect(parsed.matrix == Matrix([[1.5, -2, 3e-3], [4, 5, 6]]))
    }

    @Test("whitespace-separated text: tabs and runs of spaces, leading and trailing blanks")
    func whitespace() throws {
        let parsed = try table("# x y z\n  1\t2   3  \n\n4 \t 5 6\t\n", as: Float.self)
        #expect(parsed.header == nil)
        #expect(parsed.matrix == Matrix([[1, 2, 3], [4, 5, 6]]))
        let named = try table("\"first name\" second\n1 2\n")
        #expect(named.header == ["first name", "second"])
        #expect(named.matrix == Matrix([[1, 2]]))
    }

    @Test("the separator is detected from the first line, or forced")
    func separators() throws {
        #expect(try table("1,2\n3,4\n").matrix == Matrix([[1, 2], [3, 4]]))
        #expect(try table("1 2\n3 4\n").matrix == Matrix([[1, 2], [3, 4]]))
        #expect(try table("a,b\n1 ,2\n").matrix == Matrix([[1, 2]]))
        #expect(
            problem("1 2\n3 4\n", header: .absent, separator: .comma)
                == .nonNumericCell(line: 1, column: 1, text: "1 2"))
        #expect(
            problem("1,2\n", header: .absent, separator: .whitespace)
                == .nonNumericCell(line: 1, column: 1, text: "1,2"))
        #expect(try table("\"a, b\" c\n1 2\n").header == ["a, b", "c"], "a comma inside quotes is not a separator")
        #expect(try table("only\n1\n2\n").matrix == Matrix(column: [1, 2]))
    }

    @Test("header detection: automatic, present, absent")
    func headerModes() throws {
        #expect(try table("1,2\n3,4\n").header == nil)
        #expect(try table("x,2\n3,4\n").header == ["x", "2"])
        #expect(try table(",name\n3,4\n").header == ["", "name"], "an unnamed index column still makes a header")
        let numericNames = try table("1,2\n3,4\n", header: .present)
        #expect(numericNames.header == ["1", "2"])
        #expect(numericNames.matrix == Matrix([[3, 4]]))
        #expect(problem("x,y\n3,4\n", header: .absent) == .nonNumericCell(line: 1, column: 1, text: "x"))
        #expect(
            problem("1,,3\n4,5,6\n") == .nonNumericCell(line: 1, column: 2, text: ""),
            "a first row of numbers with a gap is data with an empty cell, not a header")
    }

    @Test("every spelling Swift's number parser accepts, nan and inf included")
    func numberSpellings() throws {
        let parsed = try table("nan,inf,-inf,+1.5,.5,1.,1E3,0x1p-2,-0,1e400,Infinity,NaN\n")
        let values = parsed.matrix.elements
        #expect(values[0].isNaN && values[11].isNaN)
        #expect(Array(values[1...10]) == [.infinity, -.infinity, 1.5, 0.5, 1, 1000, 0.25, 0, .infinity, .infinity])
        #expect(values[9].sign == .plus && values[8].sign == .minus, "-0 keeps its sign")
    }

    @Test("Float cells are parsed straight to Float, not rounded twice through Double")
    func singlePrecisionParsing() throws {
        // 1.00000005960464477539062500000001 lies just above the midpoint of two floats;
        // rounding to Double first lands exactly on the midpoint, which then rounds to even (down).
        let text = "1.00000005960464477539062500000001\n"
        let parsed = try table(text, as: Float.self)
        #expect(parsed.matrix[0, 0] == Float("1.00000005960464477539062500000001"))
        #expect(parsed.matrix[0, 0] == 1 + Float.ulpOfOne)
    }

    // MARK: - Problems

    @Test(
        "ragged rows are reported at their physical line",
        arguments: [
            ("1,2,3\n# comment\n\n4,5\n", FileProblem.raggedRow(line: 4, expected: 3, found: 2)),
            ("a,b\n1,2,3\n", .raggedRow(line: 2, expected: 2, found: 3)),
            ("1 2 3\n4 5 6 7\n", .raggedRow(line: 2, expected: 3, found: 4)),
            ("1,2,3\r\n4,5,6\r\n7,8\r\n", .raggedRow(line: 3, expected: 3, found: 2)),
        ])
    func ragged(text: String, expected: FileProblem) {
        #expect(problem(text) == expected)
    }

    @Test(
        "non-numeric and empty cells are reported at line and column",
        arguments: [
            ("1,2\n3,abc\n", FileProblem.nonNumericCell(line: 2, column: 2, text: "abc")),
            ("\u{FEFF}x,y\n\n1, 2\n3,4 5\n", .nonNumericCell(line: 4, column: 2, text: "4 5")),
            ("1,2,\n", .nonNumericCell(line: 1, column: 3, text: "")),
            ("1,2\n,4\n", .nonNumericCell(line: 2, column: 1, text: "")),
            ("1,2\n3,1,5\n", .raggedRow(line: 2, expected: 2, found: 3)),
            ("1,2\n3,\"4\"x\n", .nonNumericCell(line: 2, column: 2, text: "4x")),
            ("1,2\n3;4,5\n", .nonNumericCell(line: 2, column: 1, text: "3;4")),
            ("1,2\n3,4.5.6\n", .nonNumericCell(line: 2, column: 2, text: "4.5.6")),
            ("1,2\n3,1_000\n", .nonNumericCell(line: 2, column: 2, text: "1_000")),
        ])
    func nonNumeric(text: String, expected: FileProblem) {
        #expect(problem(text) == expected)
    }

    @Test(
        "files without data rows are empty",
        arguments: [
            "", "\u{FEFF}", "\n\n  \r\n", "# only\n# comments\n", "name,other\n", "a,b\n# no data\n\n",
        ])
    func empty(text: String) {
        #expect(problem(text) == .empty)
    }

    @Test("quoted data cells are numbers too")
    func quotedNumbers() throws {
        #expect(
            problem("1,2\n\"3\",\" 4 \"\n") == .nonNumericCell(line: 2, column: 2, text: " 4 "),
            "spaces inside quotes belong to the cell")
        #expect(try table("\"1\",\"2\"\n3,4\n").matrix == Matrix([[1, 2], [3, 4]]))
    }

    @Test("errors from a file carry its path")
    func pathInErrors() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write("1,2\n3\n", named: "bad.csv", in: directory)
            #expect(throws: LinalgError.file(path: path, problem: .raggedRow(line: 2, expected: 2, found: 1))) {
                try CSVFile.read(from: path, as: Double.self)
            }
            let empty = try FileTestSupport.write("", named: "empty.txt", in: directory)
            #expect(throws: LinalgError.file(path: empty, problem: .empty)) { try Matrix<Float>.load(from: empty) }
        }
    }

    // MARK: - Writing

    @Test("the writer's exact text: shortest round-trip numbers, quoted names only where needed")
    func writtenText() {
        let matrix = Matrix<Double>([[1, 0.1, -2.5e-300], [.infinity, -0.0, 123456789012345680]])
        let text = String(
            decoding: CSVFile.encode(matrix, header: ["x", "a,b", "say \"hi\""], separator: .comma),
            as: UTF8.self)
        #expect(text == "x,\"a,b\",\"say \"\"hi\"\"\"\n1.0,0.1,-2.5e-300\ninf,-0.0,1.2345678901234568e+17\n")
        let tabs = String(
            decoding: CSVFile.encode(Matrix<Float>([[0.1, 2]]), header: ["a b", "c"], separator: .whitespace),
            as: UTF8.self)
        #expect(tabs == "\"a b\"\tc\n0.1\t2.0\n")
    }

    func checkRoundTrip<Scalar: BLASScalar>(_: Scalar.Type) throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let shapes = [(3, 4), (1, 1), (5, 1), (1, 5), (40, 7)]
            for (index, (rows, columns)) in shapes.enumerated() {
                var values = FileTestSupport.awkwardValues(rows * columns, Scalar.self, seed: UInt64(index))
                if values.count > 8 { values[7] = .nan; values[8] = -.infinity }
                let matrix = Matrix(rows: rows, columns: columns, elements: values)
                for separator in [CSVFile.Separator.comma, .whitespace] {
                    let path = directory + "/m\(index).csv"
                    let names = (0..<columns).map { "column \($0)" }
                    try CSVFile.write(matrix, to: path, header: index.isMultiple(of: 2) ? names : nil, separator: separator)
                    let back = try CSVFile.read(from: path, as: Scalar.self)
                    #expect(back.header == (index.isMultiple(of: 2) ? names : nil))
                    #expect(back.matrix.shape == matrix.shape)
                    #expect(FileTestSupport.sameValues(back.matrix.elements, values), "\(rows)×\(columns) \(separator)")
                }
            }
        }
    }

    @Test("Float and Double round-trip bit-exactly (NaN as NaN), with and without a header")
    func roundTrip() throws {
        try checkRoundTrip(Float.self)
        try checkRoundTrip(Double.self)
    }

    @Test("awkward header names survive a round trip", arguments: [CSVFile.Separator.comma, .whitespace])
    func headerNamesRoundTrip(separator: CSVFile.Separator) throws {
        let names = ["", "#not a comment", " padded ", "a,b", "q\"uote", "tab\there", "é∑ unicode", "\"quoted\""]
        let matrix = Matrix<Double>(rows: 2, columns: names.count) { i, j in Double(i * 10 + j) }
        let bytes = CSVFile.encode(matrix, header: names, separator: separator)
        let back = try CSVFile.decode(bytes, as: Double.self, header: .present, separator: .automatic)
        #expect(back.header == names)
        #expect(back.matrix == matrix)
    }

    @Test("a failed write leaves the existing file untouched and no temporary file behind")
    func failedWrite() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write("1,2\n", named: "keep.csv", in: directory)
            let problem = FileTestSupport.problem {
                try CSVFile.write(Matrix<Double>([[3, 4]]), to: directory + "/missing/keep.csv")
            }
            #expect(problem.map { if case .cannotOpen = $0 { true } else { false } } == true)
            #expect(try CSVFile.read(from: path, as: Double.self).matrix == Matrix([[1, 2]]))
            #expect(try FileTestSupport.listing(of: directory) == ["keep.csv"])
        }
    }
}
