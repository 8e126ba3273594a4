// MatrixFileShape: the shape read from a file's first bytes must be the shape
// the full reader then returns, and a header the reader rejects must be
// rejected here with the same problem, without reading the data.

import Foundation
import Testing

@testable import DescentLinalg

@Suite struct MatrixFileShapeTests {
    static let matrix = Matrix<Double>(rows: 3, columns: 5) { i, j in Double(10 * i + j) }

    @Test(arguments: ["npy", "csv", "mtx"])
    func shapeMatchesTheFullReader(format: String) throws {
        try FileTestSupport.withScratchDirectory { directory in
            let path = directory + "/m." + format
            try Self.matrix.save(to: path)
            let shape = try MatrixFileShape(path: path)
            let size = try FileTestSupport.contents(of: path).count
            #expect(shape.columns == 5 && shape.fileBytes == size)
            if format == "csv" {
                // Rows bounded by the size: every cell takes at least two bytes.
                #expect(!shape.isExact && shape.rows == (size + 1) / 10 && shape.rows >= 3)
            } else {
                #expect(shape.isExact && shape.rows == 3 && !shape.canBeSquare)
                #expect(shape.denseBytes == 8 * 15)
            }
            let loaded = try Matrix<Double>.load(from: path)
            #expect(loaded.rows == 3 && loaded.columns == 5)
        }
    }

    @Test func smallestPossibleCSVCanBeSquare() throws {
        try FileTestSupport.withScratchDirectory { directory in
            // 2n² − 1 bytes: the least a square CSV matrix can take, without a final newline.
            let path = try FileTestSupport.write("1,2\n3,4", named: "m.csv", in: directory)
            let shape = try MatrixFileShape(path: path)
            #expect(shape.columns == 2 && shape.rows == 2 && shape.canBeSquare)
        }
    }

    @Test func coordinateAndShortArraySizes() throws {
        try FileTestSupport.withScratchDirectory { directory in
            let coordinate = try FileTestSupport.write(
                "%%MatrixMarket matrix coordinate real general\n% a comment\n\n7 4 2\n1 1 1.5\n7 4 2\n",
                named: "c.mtx", in: directory)
            let shape = try MatrixFileShape(path: coordinate)
            #expect(shape.rows == 7 && shape.columns == 4 && shape.isExact)
            // The size line is the last line and has no newline: the whole file is read, nothing dropped.
            let short = try FileTestSupport.write(
                "%%MatrixMarket matrix array real general\n%\n2 2", named: "s.mtx", in: directory)
            #expect(try MatrixFileShape(path: short).rows == 2)
        }
    }

    @Test func truncatedNumpyIsReportedFromTheHeader() throws {
        try FileTestSupport.withScratchDirectory { directory in
            let whole = NumpyFile.encode(Matrix<Double>.identity(4))
            let path = try FileTestSupport.write(Array(whole.dropLast(8)), named: "t.npy", in: directory)
            #expect(
                throws: LinalgError.file(
                    path: path, problem: .truncated(expectedBytes: whole.count, actualBytes: whole.count - 8))
            ) {
                try MatrixFileShape(path: path)
            }
        }
    }

    @Test func fileProblemsAreTheReadersProblems() throws {
        try FileTestSupport.withScratchDirectory { directory in
            #expect(throws: LinalgError.file(path: directory + "/x.dat", problem: .unknownFormat(fileExtension: "dat"))) {
                try MatrixFileShape(path: directory + "/x.dat")
            }
            let empty = try FileTestSupport.write("\n# only a comment\n", named: "e.csv", in: directory)
            #expect(throws: LinalgError.file(path: empty, problem: .empty)) { try MatrixFileShape(path: empty) }
            let banner = try FileTestSupport.write("%%MatrixMarket matrix array real general\n", named: "b.mtx", in: directory)
            #expect(
                throws: LinalgError.file(path: banner, problem: .malformedHeader("the size line is missing after the banner"))
            ) {
                try MatrixFileShape(path: banner)
            }
            let notNumpy = try FileTestSupport.write("hello", named: "n.npy", in: directory)
            #expect(throws: LinalgError.file(path: notNumpy, problem: .badMagic(expected: ".npy"))) {
                try MatrixFileShape(path: notNumpy)
            }
        }
    }

    @Test func describesMemory() {
        #expect(SystemMemory.describe(bytes: 1.5 * 1_073_741_824) == "1.5 GiB")
        #expect(SystemMemory.describe(bytes: 12 * 1_048_576) == "12 MiB")
        #expect(SystemMemory.describe(bytes: 100) == "1 KiB")
        #expect(SystemMemory.physicalBytes > 0)
    }
}
