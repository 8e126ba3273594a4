// Tests of NumpyFile: NumPy-written fixtures read bit-exactly, the writer
// byte-identical to numpy.save, round trips, and every malformed file reported
// as its specific FileProblem. Fixtures and expected values come from
// scripts/make_npy_fixtures.py.

import Foundation
import Testing

@testable import DescentLinalg

@Suite("NumpyFile reads and writes .npy files")
struct NumpyFileTests {
    /// Every fixture NumPy wrote that Descent must read.
    static let readableFixtures = [
        "f8_c_3x4.npy", "f4_c_2x5.npy", "f8_fortran_3x4.npy", "f4_fortran_4x3.npy", "f2_2x4.npy",
        "f8_vector_5.npy", "f8_scalar.npy", "f8_empty_0x3.npy", "f8_v2_2x3.npy", "f8_v3_2x3.npy",
        "i1_2x3.npy", "i2_2x2.npy", "i4_2x3.npy", "i8_2x3.npy", "u1_2x3.npy", "u2_1x3.npy",
        "u4_1x3.npy", "u8_1x3.npy", "b1_2x2.npy",
    ]

    // MARK: - Fixtures

    @Test("NumPy's files read bit-exactly as Double and as Float", arguments: readableFixtures)
    func fixture(name: String) throws {
        let expected = try #require(try FileTestSupport.expectedValues().npy[name])
        let path = try FileTestSupport.fixturePath("npy", name)
        let double = try NumpyFile.read(from: path, as: Double.self)
        #expect(double.rows == expected.rows && double.columns == expected.columns)
        #expect(FileTestSupport.bits(double.elements) == expected.doubleBits)
        #expect(expected.doubleBits.count == double.count)
        let single = try NumpyFile.read(from: path, as: Float.self)
        #expect(single.shape == double.shape)
        #expect(FileTestSupport.bits(single.elements) == expected.floatBits.map(UInt64.init))
    }

    @Test("the fixture list covers every readable fixture in expected.json")
    func fixtureListIsComplete() throws {
        let readable = try FileTestSupport.expectedValues().npy.filter { $0.value.float64 != nil }.keys
        #expect(Set(readable) == Set(Self.readableFixtures))
    }

    @Test(
        "fixtures Descent must refuse are refused with their specific problem",
        arguments: [
            ("f8_bigendian_2x2.npy", FileProblem.bigEndian(descriptor: ">f8")),
            ("c16_2x2.npy", .unsupportedType("<c16")),
            ("u3_string_2.npy", .unsupportedType("<U3")),
            ("f8_3d_2x3x4.npy", .notAMatrix(shape: [2, 3, 4])),
        ])
    func refusedFixture(name: String, problem: FileProblem) throws {
        let path = try FileTestSupport.fixturePath("npy", name)
        #expect(throws: LinalgError.file(path: path, problem: problem)) { try NumpyFile.read(from: path, as: Double.self) }
        #expect(throws: LinalgError.file(path: path, problem: problem)) { try Matrix<Float>.load(from: path) }
    }

    @Test("the writer produces exactly numpy.save's bytes", arguments: ["f8_c_3x4.npy", "f4_c_2x5.npy"])
    func byteIdenticalToNumpy(name: String) throws {
        let path = try FileTestSupport.fixturePath("npy", name)
        let original = try FileTestSupport.contents(of: path)
        let encoded =
            name.hasPrefix("f8")
            ? NumpyFile.encode(try NumpyFile.read(from: path, as: Double.self))
            : NumpyFile.encode(try NumpyFile.read(from: path, as: Float.self))
        #expect(encoded == original)
    }

    // MARK: - Round trips

    func checkRoundTrip<Scalar: BLASScalar>(_: Scalar.Type) throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            for (index, (rows, columns)) in [(3, 5), (1, 1), (7, 1), (1, 7), (0, 3), (3, 0), (0, 0), (64, 33)].enumerated() {
                let values = FileTestSupport.randomBitPatterns(rows * columns, Scalar.self, seed: UInt64(index))
                let matrix = Matrix(rows: rows, columns: columns, elements: values)
                let path = directory + "/m\(index).npy"
                try NumpyFile.write(matrix, to: path)
                let back = try NumpyFile.read(from: path, as: Scalar.self)
                #expect(back.shape == matrix.shape, "\(rows)×\(columns)")
                #expect(FileTestSupport.bits(back.elements) == FileTestSupport.bits(values), "\(rows)×\(columns)")
            }
        }
    }

    @Test("every bit pattern survives a round trip (NaN payloads, subnormals, -0.0), all shapes")
    func roundTrip() throws {
        try checkRoundTrip(Float.self)
        try checkRoundTrip(Double.self)
    }

    @Test("written headers are NumPy's: version 1.0, C order, data aligned to 64 bytes")
    func writtenHeader() throws {
        for (rows, columns) in [(0, 0), (3, 4), (123_456_789, 2)] {
            let preamble = NumpyFile.preamble(descriptor: "<f8", rows: rows, columns: columns)
            #expect(preamble.count % 64 == 0)
            #expect(Array(preamble[6...7]) == [1, 0])
            #expect(Int(preamble[8]) | Int(preamble[9]) << 8 == preamble.count - 10)
            #expect(preamble.last == UInt8(ascii: "\n"))
            let text = String(decoding: preamble[10...], as: UTF8.self)
            #expect(text.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"))
        }
        let single = NumpyFile.encode(Matrix<Float>(rows: 1, columns: 1, repeating: 1))
        #expect(String(decoding: single[10..<26], as: UTF8.self) == "{'descr': '<f4',")
        #expect(single.count == 128 + 4, "a 60-character header pads to 128 bytes")
    }

    // MARK: - Header variants other writers produce

    /// A version 1.0 (or 2.0/3.0) file with `header` text and `data`, padded like NumPy does.
    static func npyFile(header: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let lengthFieldSize = version == 1 ? 2 : 4
        let headerBytes = Array(header.utf8) + [UInt8(ascii: "\n")]
        var bytes = NumpyFile.magic + [version, 0]
        for index in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: headerBytes.count >> (8 * index))) }
        return bytes + headerBytes + data
    }

    /// Little-endian bytes of doubles.
    static func littleEndian(_ values: [Double]) -> [UInt8] {
        values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
    }

    @Test(
        "header dictionaries in any spelling Python accepts",
        arguments: [
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
            "{\"shape\": (2, 3), \"fortran_order\": False, \"descr\": \"<f8\"}",
            "  {  'fortran_order' :False,'shape':(2,3),'descr':'<f8'  ,}   ",
            "{'descr': '=f8', 'fortran_order': False, 'shape': (2L, 3L)}",
            "{'descr': 'f8', 'fortran_order': False, 'shape': (2, 3), 'extra': [1, (2,), None, {'a': 'b'}]}",
            "{'descr':\t'<f8',\n 'fortran_order': True, 'fortran_order': False, 'shape': ( 2 , 3 , )}",
        ])
    func headerSpellings(header: String) throws {
        let data = Self.littleEndian([1, 2, 3, 4, 5, 6])
        let matrix = try NumpyFile.decode(Self.npyFile(header: header, data: data), as: Double.self)
        #expect(matrix == Matrix([[1, 2, 3], [4, 5, 6]]))
    }

    @Test("shapes () and (n,) become 1×1 and n×1; Fortran order is transposed into row order")
    func shapesAndOrder() throws {
        let data = Self.littleEndian([1, 2, 3, 4, 5, 6])
        let scalar = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': ()}", data: data), as: Double.self)
        #expect(scalar == Matrix([[1]]))
        let vector = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '<f8', 'fortran_order': True, 'shape': (6,)}", data: data), as: Double.self)
        #expect(vector == Matrix(column: [1, 2, 3, 4, 5, 6]))
        let fortran = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3)}", data: data), as: Float.self)
        #expect(fortran == Matrix([[1, 3, 5], [2, 4, 6]]))
        let trailing = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", data: data), as: Double.self)
        #expect(trailing == Matrix(column: [1, 2]), "bytes after the data are ignored")
    }

    @Test("one-byte types with '|' and native '=' prefixes; a UTF-8 version 3.0 header")
    func prefixesAndVersions() throws {
        let bytes: [UInt8] = [0, 1, 2, 255]
        let unsigned = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2)}", data: bytes), as: Double.self)
        #expect(unsigned == Matrix([[0, 1], [2, 255]]))
        let signed = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '|i1', 'fortran_order': False, 'shape': (4,)}", data: bytes), as: Float.self)
        #expect(signed == Matrix(column: [0, 1, 2, -1]))
        let flags = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '|b1', 'fortran_order': False, 'shape': (1, 4)}", data: bytes), as: Double.self)
        #expect(flags == Matrix(row: [0, 1, 1, 1]))
        let native = try NumpyFile.decode(
            Self.npyFile(header: "{'descr': '=i2', 'fortran_order': False, 'shape': (2,)}", data: bytes), as: Double.self)
        #expect(native == Matrix(column: [256, -254]))
        let utf8 = try NumpyFile.decode(
            Self.npyFile(
                header: "{'descr': '<u1', 'fortran_order': False, 'shape': (4,), 'note': 'é∑'}",
                data: bytes, version: 3), as: Double.self)
        #expect(utf8 == Matrix(column: [0, 1, 2, 255]))
    }

    @Test("half precision converts exactly, subnormals, infinities and NaN included")
    func halfPrecision() {
        #expect(floatFromHalf(0x3C00) == 1)
        #expect(floatFromHalf(0xC000) == -2)
        #expect(floatFromHalf(0x7BFF) == 65504)
        #expect(floatFromHalf(0x0001) == 0x1p-24)
        #expect(floatFromHalf(0x03FF) == 0x1.FF8p-15)
        #expect(floatFromHalf(0x0400) == 0x1p-14)
        #expect(floatFromHalf(0x8000).bitPattern == (-0.0 as Float).bitPattern)
        #expect(floatFromHalf(0x7C00) == .infinity)
        #expect(floatFromHalf(0xFC00) == -.infinity)
        #expect(floatFromHalf(0x7E00).isNaN)
        #expect(floatFromHalf(0x7C01).isNaN, "signalling NaN stays NaN, not ∞")
    }

    // MARK: - Malformed files

    func problem(_ bytes: [UInt8]) -> FileProblem? {
        do {
            _ = try NumpyFile.decode(bytes, as: Double.self)
            return nil
        } catch {
            return error.problem
        }
    }

    @Test("a hostile header nesting 60,000 tuples is malformed, not a stack overflow")
    func deeplyNestedHeader() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': " + String(repeating: "(", count: 60_000) + "}"
        guard case let .malformedHeader(detail)? = problem(Self.npyFile(header: header, data: [], version: 2)) else {
            Issue.record("expected malformedHeader")
            return
        }
        #expect(detail.contains("nested more than 32 deep"))
        #expect(detail.count < 400, "the message quotes an excerpt, not the whole header")
    }

    @Test("empty, foreign, truncated and future-version files")
    func brokenFiles() throws {
        let good = try FileTestSupport.contents(of: try FileTestSupport.fixturePath("npy", "f8_c_3x4.npy"))
        #expect(good.count == 128 + 12 * 8)
        #expect(problem([]) == .empty)
        #expect(problem(Array("PK\u{3}\u{4} a zip archive".utf8)) == .badMagic(expected: ".npy"))
        #expect(problem(Array("\u{93}NUMPI".utf8)) == .badMagic(expected: ".npy"))
        #expect(problem(Array("x".utf8)) == .badMagic(expected: ".npy"))
        #expect(problem(Array(good.prefix(4))) == .truncated(expectedBytes: 10, actualBytes: 4))
        #expect(problem(Array(good.prefix(9))) == .truncated(expectedBytes: 10, actualBytes: 9))
        #expect(problem(Array(good.prefix(60))) == .truncated(expectedBytes: 128, actualBytes: 60))
        #expect(problem(Array(good.prefix(200))) == .truncated(expectedBytes: 224, actualBytes: 200))
        #expect(problem(Array(good.prefix(128))) == .truncated(expectedBytes: 224, actualBytes: 128))
        var future = good
        future[6] = 4
        #expect(problem(future) == .unsupportedVersion("4.0"))
        future[6] = 1
        future[7] = 1
        #expect(problem(future) == .unsupportedVersion("1.1"))
        let version2 = Array(good[..<6]) + [2, 0, 0xFF, 0xFF, 0, 0]
        #expect(problem(version2) == .truncated(expectedBytes: 12 + 65535, actualBytes: 12))
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}"
        let headerEnd = 10 + header.utf8.count + 1
        #expect(
            problem(Self.npyFile(header: header, data: [1, 2, 3]))
                == .truncated(expectedBytes: headerEnd + 6 * 8, actualBytes: headerEnd + 3))
    }

    @Test(
        "the whole path goes through the file: the error names the file",
        arguments: [
            ("empty.npy", [UInt8](), FileProblem.empty),
            ("short.npy", [0x93, 0x4E, 0x55], .truncated(expectedBytes: 10, actualBytes: 3)),
            ("text.npy", Array("1,2,3\n".utf8), .badMagic(expected: ".npy")),
        ])
    func problemsCarryThePath(name: String, bytes: [UInt8], problem: FileProblem) throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write(bytes, named: name, in: directory)
            #expect(throws: LinalgError.file(path: path, problem: problem)) { try NumpyFile.read(from: path, as: Float.self) }
        }
    }

    @Test(
        "unsupported and big-endian element types",
        arguments: [
            ("<c8", FileProblem.unsupportedType("<c8")), ("|O", .unsupportedType("|O")), ("<f16", .unsupportedType("<f16")),
            ("|S5", .unsupportedType("|S5")), ("<M8[ns]", .unsupportedType("<M8[ns]")), ("<i3", .unsupportedType("<i3")),
            ("", .unsupportedType("")), ("<", .unsupportedType("<")), (">f4", .bigEndian(descriptor: ">f4")),
            (">i8", .bigEndian(descriptor: ">i8")), (">c16", .unsupportedType(">c16")),
        ])
    func elementTypes(descriptor: String, expected: FileProblem) {
        let bytes = Self.npyFile(header: "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (1,)}", data: [0])
        #expect(problem(bytes) == expected)
    }

    @Test("a big-endian one-byte type is harmless and reads")
    func bigEndianByte() throws {
        let bytes = Self.npyFile(header: "{'descr': '>u1', 'fortran_order': False, 'shape': (1,)}", data: [9])
        #expect(try NumpyFile.decode(bytes, as: Double.self) == Matrix([[9]]))
    }

    @Test("structured data types are unsupported, not malformed")
    func structured() {
        let bytes = Self.npyFile(
            header: "{'descr': [('x', '<f8'), ('y', '<i4')], 'fortran_order': False, 'shape': (1,)}",
            data: Array(repeating: 0, count: 12))
        guard case .unsupportedType(let text)? = problem(bytes) else {
            Issue.record("expected .unsupportedType, got \(String(describing: problem(bytes)))")
            return
        }
        #expect(text.contains("'x'") && text.contains("'<i4'"))
    }

    @Test("three or more dimensions are not a matrix", arguments: [[2, 3, 4], [1, 1, 1], [0, 5, 2, 1]])
    func notAMatrix(shape: [Int]) {
        let tuple = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let bytes = Self.npyFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': \(tuple)}", data: [])
        #expect(problem(bytes) == .notAMatrix(shape: shape))
    }

    @Test(
        "malformed header text says what is wrong",
        arguments: [
            ("'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", "does not start with '{'"),
            ("{'descr': '<f8', 'fortran_order': False}", "no 'shape' entry"),
            ("{'fortran_order': False, 'shape': (2,)}", "no 'descr' entry"),
            ("{'descr': '<f8', 'shape': (2,)}", "no 'fortran_order' entry"),
            ("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "'fortran_order' is 0, not True or False"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': 2}", "'shape' is 2, not a tuple"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1)}", "holds -1, not a size"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': ('2',)}", "holds '2', not a size"),
            ("{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}", "unknown name 'false'"),
            ("{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}", "expected '}' at character 18"),
            ("{'descr' '<f8', 'fortran_order': False, 'shape': (2,)}", "expected ':' at character 10"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", "expected '}'"),
            ("{'descr': '<f8' 'fortran_order': False, 'shape': (2,)}", "expected '}'"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2 3)}", "expected ')'"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} junk", "unexpected 'j' after the dictionary"),
            ("{descr: '<f8', 'fortran_order': False, 'shape': (2,)}", "expected a quoted key"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", "not an integer"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", "too large"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (", "ends where a value should be"),
            ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 'open}", "a string is not closed"),
            ("", "does not start with '{'"),
        ])
    func malformedHeader(header: String, message: String) {
        let found = problem(Self.npyFile(header: header, data: Array(repeating: 0, count: 16)))
        guard case .malformedHeader(let text)? = found else {
            Issue.record("expected .malformedHeader for \(header.debugDescription), got \(String(describing: found))")
            return
        }
        #expect(text.contains(message), "\(text)")
    }

    @Test("a version 3.0 header that is not UTF-8 is malformed; Latin-1 in 1.0 is fine")
    func headerEncodings() throws {
        let latin1 = Array("{'descr': '<u1', 'fortran_order': False, 'shape': (1,), 'n': '".utf8) + [0xE9] + Array("'}".utf8)
        var file = NumpyFile.magic + [3, 0, UInt8(latin1.count + 1), 0, 0, 0] + latin1 + [UInt8(ascii: "\n"), 5]
        #expect(problem(file) == .malformedHeader("a version 3.0 header must be UTF-8 text"))
        file = NumpyFile.magic + [1, 0, UInt8(latin1.count + 1), 0] + latin1 + [UInt8(ascii: "\n"), 5]
        #expect(try NumpyFile.decode(file, as: Double.self) == Matrix([[5]]))
    }

    // MARK: - Size

    @Test("a million doubles read back exactly in one pass")
    func largeFile() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let values = (0..<1_000_000).map { Double($0) * 0.001 - 17 }
            let path = directory + "/large.npy"
            try NumpyFile.write(Matrix(rows: 1000, columns: 1000, elements: values), to: path)
            let back = try NumpyFile.read(from: path, as: Double.self)
            #expect(back.elements == values)
            let single = try Matrix<Float>.load(from: path)
            #expect(single.elements == values.map { Float($0) })
        }
    }
}
