// Tests of SafetensorsFile: files the `safetensors` Python package wrote read
// bit-exactly, the writer byte-identical to the Python writer, round trips,
// and the check set the Python script verifies. Fixtures and expected values
// come from scripts/make_safetensors_fixtures.py; malformed files are tested
// in SafetensorsMalformedFileTests.

import Foundation
import Testing

@testable import DescentLinalg

@Suite("SafetensorsFile reads and writes safetensors files")
struct SafetensorsFileTests {
    /// Every fixture the Python package wrote that Descent must read.
    static let readableFixtures = [
        "float32_layer.safetensors", "float64_specials.safetensors", "mixed_dtypes.safetensors",
        "no_tensors.safetensors", "bfloat16.safetensors",
    ]

    /// `Fixtures/safetensors/expected.json`.
    static func expectedValues() throws -> ExpectedSafetensors {
        let path = try FileTestSupport.fixturePath("safetensors", "expected.json")
        return try JSONDecoder().decode(ExpectedSafetensors.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    // MARK: - Fixtures

    @Test("the Python writer's files read bit-exactly as Double and as Float", arguments: readableFixtures)
    func fixture(name: String) throws {
        let expected = try #require(try Self.expectedValues().readable[name])
        let path = try FileTestSupport.fixturePath("safetensors", name)
        let double = try SafetensorsFile.read(from: path, as: Double.self)
        let single = try SafetensorsFile.read(from: path, as: Float.self)
        let names = expected.tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(double.entries.map(\.name) == names)
        #expect(single.entries.map(\.name) == names)
        #expect(double.metadata == expected.metadata && single.metadata == expected.metadata)
        for (entry, singleEntry) in zip(double.entries, single.entries) {
            let tensor = try #require(expected.tensors[entry.name])
            #expect(double.elementTypes[entry.name]?.rawValue == tensor.dtype, "\(entry.name)")
            #expect(entry.shape == tensor.shape && entry.rank == tensor.shape.count, "\(entry.name)")
            #expect(entry.matrix.rows == tensor.rows && entry.matrix.columns == tensor.columns, "\(entry.name)")
            #expect(FileTestSupport.bits(entry.matrix.elements) == tensor.doubleBits, "\(entry.name)")
            #expect(singleEntry.matrix.shape == entry.matrix.shape)
            #expect(FileTestSupport.bits(singleEntry.matrix.elements) == tensor.floatBits.map(UInt64.init), "\(entry.name)")
        }
    }

    @Test("the fixture list covers every readable fixture in expected.json")
    func fixtureListIsComplete() throws {
        #expect(Set(try Self.expectedValues().readable.keys) == Set(Self.readableFixtures))
    }

    @Test("the layer fixture holds what the script wrote (checked without expected.json)")
    func layerFixture() throws {
        let path = try FileTestSupport.fixturePath("safetensors", "float32_layer.safetensors")
        let contents = try SafetensorsFile.read(from: path, as: Float.self)
        #expect(contents.entries.map(\.name) == ["bias", "empty", "scale", "weight"])
        #expect(contents["weight"]?.matrix == Matrix([[-1, -0.5, 0], [0.5, 1, 1.5]]))
        #expect(contents["bias"] == SafetensorsFile.Entry(name: "bias", matrix: Matrix(column: [0.25, 1.25, 2.25]), rank: 1))
        #expect(contents["scale"] == SafetensorsFile.Entry(name: "scale", matrix: Matrix([[Float(1) / 3]]), rank: 0))
        let empty = try #require(contents["empty"])
        #expect(empty.matrix.rows == 0 && empty.matrix.columns == 3 && empty.shape == [0, 3])
        #expect(contents["missing"] == nil)
        #expect(contents.metadata == ["format": "pt"])
        #expect(Set(contents.elementTypes.values) == [.float32])
    }

    @Test("bfloat16 is the upper half of a single, read exactly (subnormal, -0.0, ∞, NaN)")
    func brainFloat() throws {
        let path = try FileTestSupport.fixturePath("safetensors", "bfloat16.safetensors")
        let values = try #require(try SafetensorsFile.read(from: path, as: Float.self)["brain"]).matrix.elements
        #expect(values.count == 8)
        #expect(Array(values[0..<3]) == [1, -2, 0.5] && values[6] == 3.140625 && values[7] == 0x1p-133)
        #expect(values[3].bitPattern == (-0.0 as Float).bitPattern && values[4] == .infinity && values[5].isNaN)
    }

    @Test("fixtures Descent must refuse name the tensor and the problem")
    func refusedFixtures() throws {
        let refused = try Self.expectedValues().refused
        #expect(refused.count == 2)
        for (name, expected) in refused {
            let path = try FileTestSupport.fixturePath("safetensors", name)
            let problem: FileProblem =
                if let shape = expected.problem.notAMatrix { .notAMatrix(shape: shape) } else {
                    .unsupportedType(expected.problem.unsupportedType ?? "")
                }
            let error = LinalgError.file(path: path, problem: .tensor(name: expected.problem.tensor, problem: problem))
            #expect(throws: error) { try SafetensorsFile.read(from: path, as: Float.self) }
        }
    }

    @Test(
        "the writer produces exactly the Python writer's bytes",
        arguments: ["float32_layer.safetensors", "float64_specials.safetensors", "no_tensors.safetensors"])
    func byteIdenticalToPython(name: String) throws {
        let path = try FileTestSupport.fixturePath("safetensors", name)
        let original = try FileTestSupport.contents(of: path)
        let encoded: [UInt8]
        if name.hasPrefix("float64") {
            let contents = try SafetensorsFile.read(from: path, as: Double.self)
            encoded = SafetensorsFile.encode(contents.entries, metadata: contents.metadata)
        } else {
            let contents = try SafetensorsFile.read(from: path, as: Float.self)
            encoded = SafetensorsFile.encode(contents.entries, metadata: contents.metadata)
        }
        #expect(encoded == original)
    }

    // MARK: - Round trips

    func checkRoundTrip<Scalar: BLASScalar>(_: Scalar.Type) throws {
        let shapes = [(3, 5, 2), (1, 1, 0), (1, 1, 1), (7, 1, 1), (0, 1, 1), (0, 3, 2), (3, 0, 2), (0, 0, 2), (64, 33, 2)]
        let entries = shapes.enumerated().map { index, shape in
            let values = FileTestSupport.randomBitPatterns(shape.0 * shape.1, Scalar.self, seed: UInt64(index))
            return SafetensorsFile.Entry(
                name: "t\(index)", matrix: Matrix(rows: shape.0, columns: shape.1, elements: values), rank: shape.2)
        }
        let metadata = ["epoch": "12", "note": "é ✓ \"quoted\" \\ tab\t nul\u{0}", "": "empty key"]
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/model.safetensors"
            try SafetensorsFile.write(entries.reversed(), metadata: metadata, to: path)
            let back = try SafetensorsFile.read(from: path, as: Scalar.self)
            #expect(back.entries.map(\.name) == entries.map(\.name), "sorted by name whatever the order given")
            for (entry, original) in zip(back.entries, entries) {
                #expect(entry.rank == original.rank && entry.shape == original.shape, "\(entry.name)")
                #expect(entry.matrix.shape == original.matrix.shape, "\(entry.name)")
                #expect(FileTestSupport.bits(entry.matrix.elements) == FileTestSupport.bits(original.matrix.elements))
            }
            #expect(back.metadata == metadata)
            #expect(Set(back.elementTypes.values) == [Scalar.self == Double.self ? .float64 : .float32])
            #expect(try FileTestSupport.listing(of: directory) == ["model.safetensors"], "no temporary file is left")
        }
    }

    @Test("every bit pattern, rank 0, 1 and 2 and empty tensors survive a round trip, with metadata")
    func roundTrip() throws {
        try checkRoundTrip(Float.self)
        try checkRoundTrip(Double.self)
    }

    @Test("a rank-1 row is stored as [n] and reads back as a column; no tensors is a valid file")
    func rowVectorAndEmptyFile() throws {
        let row = SafetensorsFile.Entry(name: "bias", matrix: Matrix<Double>(row: [1, 2, 3]), rank: 1)
        #expect(row.shape == [3])
        let back = try SafetensorsFile.decode(SafetensorsFile.encode([row], metadata: [:]), as: Double.self)
        #expect(back.entries == [SafetensorsFile.Entry(name: "bias", matrix: Matrix(column: [1, 2, 3]), rank: 1)])
        let empty = SafetensorsFile.encode([SafetensorsFile.Entry<Float>](), metadata: [:])
        #expect(empty == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        #expect(
            try SafetensorsFile.decode(empty, as: Float.self)
                == SafetensorsContents(entries: [], elementTypes: [:], metadata: [:]))
    }

    @Test("the header: metadata first with sorted keys, tensors sorted by UTF-8 bytes, spaces to a multiple of 8")
    func writtenHeader() throws {
        let entries = ["é", "b", "B", "a"].map { SafetensorsFile.Entry(name: $0, matrix: Matrix<Float>([[1, 2]])) }
        let bytes = SafetensorsFile.encode(entries, metadata: ["z": "1", "a": "2"])
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0 && bytes.count == 8 + length + 4 * 8)
        let header = String(decoding: bytes[8..<8 + length], as: UTF8.self)
        let json =
            #"{"__metadata__":{"a":"2","z":"1"},"B":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"#
            + #""a":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]},"b":{"dtype":"F32","shape":[1,2],"#
            + #""data_offsets":[16,24]},"é":{"dtype":"F32","shape":[1,2],"data_offsets":[24,32]}}"#
        #expect(header == json + String(repeating: " ", count: length - json.utf8.count))
        #expect(length - json.utf8.count < 8)
        // Header text of exactly 56 bytes gets no padding (the Python writer's rule).
        let aligned = SafetensorsFile.encode(
            [SafetensorsFile.Entry(name: "aaa", matrix: Matrix<Float>(column: [1]), rank: 1)], metadata: [:])
        #expect(aligned[0] == 56 && aligned[8 + 55] == UInt8(ascii: "}"))
    }

    @Test("names and metadata are escaped as serde_json escapes them")
    func escaping() {
        #expect(JSONValue.quoted("w\n\"é/\u{1}") == #""w\n\"é/\u0001""#)
        #expect(JSONValue.quoted("a\tb\\c\u{7F}\u{8}\u{C}\r\u{1F}") == #""a\tb\\c"# + "\u{7F}" + #"\b\f\r\u001f""#)
    }

    @Test("a million floats in 1,000 tensors read back exactly")
    func largeFile() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let entries = (0..<1000).map { index in
                SafetensorsFile.Entry(
                    name: "layer\(index)",
                    matrix: Matrix<Float>(rows: 25, columns: 40) { i, j in Float(index * 1000 + i * 40 + j) * 0.001 })
            }
            let path = directory + "/large.safetensors"
            try SafetensorsFile.write(entries, to: path)
            let back = try SafetensorsFile.read(from: path, as: Float.self)
            let expected = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.matrix) })
            #expect(Dictionary(uniqueKeysWithValues: back.entries.map { ($0.name, $0.matrix) }) == expected)
        }
    }

    // MARK: - The check set scripts/make_safetensors_fixtures.py verifies

    /// The tensors `check_set` in the script expects (keep the two in step).
    static func checkSet<Scalar: BLASScalar>(_: Scalar.Type) -> [SafetensorsFile.Entry<Scalar>] {
        [
            .init(name: "layer1.weight", matrix: Matrix(rows: 3, columns: 4) { i, j in Scalar(i * 4 + j) * 0.25 - 1.5 }),
            .init(name: "layer1.bias", matrix: Matrix(row: (0..<4).map { Scalar($0) + 0.5 }), rank: 1),
            .init(name: "scale", matrix: Matrix([[1 / 3]]), rank: 0),
            .init(name: "empty", matrix: Matrix(rows: 0, columns: 5)),
            .init(
                name: "specials",
                matrix: Matrix(column: [-0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]),
                rank: 1),
            .init(name: "ünïcode \"name\"", matrix: Matrix([[1, 2]])),
        ]
    }
    static let checkMetadata = ["format": "descent", "note": "tab\there, \"quoted\", é ✓\nnew line"]

    @Test("Descent's check set is written byte for byte as the committed files the Python script verified")
    func checkSetFiles() throws {
        try FileTestSupport.withScratchDirectory { scratch throws in
            let directory = ProcessInfo.processInfo.environment["DESCENT_SAFETENSORS_CHECK_DIRECTORY"] ?? scratch
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try SafetensorsFile.write(
                Self.checkSet(Float.self), metadata: Self.checkMetadata, to: directory + "/float32.safetensors")
            try SafetensorsFile.write(
                Self.checkSet(Double.self), metadata: Self.checkMetadata, to: directory + "/float64.safetensors")
            for name in ["float32.safetensors", "float64.safetensors"] {
                let written = try FileTestSupport.contents(of: directory + "/" + name)
                let committed = try FileTestSupport.contents(of: try FileTestSupport.fixturePath("safetensors/descent", name))
                #expect(
                    written == committed,
                    """
                    \(name) changed: write it with DESCENT_SAFETENSORS_CHECK_DIRECTORY=<dir>, check it with \
                    scripts/make_safetensors_fixtures.py --check <dir>, and commit it to Fixtures/safetensors/descent
                    """)
            }
            let back = try SafetensorsFile.read(from: directory + "/float32.safetensors", as: Float.self)
            #expect(back["layer1.bias"]?.matrix == Matrix(column: [0.5, 1.5, 2.5, 3.5]))
            #expect(back["ünïcode \"name\""]?.matrix == Matrix([[1, 2]]) && back.metadata == Self.checkMetadata)
        }
    }
}

// MARK: - Expected values

/// `Fixtures/safetensors/expected.json`.
struct ExpectedSafetensors: Decodable {
    struct Tensor: Decodable {
        var dtype: String
        var shape: [Int]
        var rows: Int
        var columns: Int
        /// Row-major elements as float64 bit patterns, 16 hex digits each.
        var float64: [String]
        /// Row-major elements rounded to float32, as bit patterns, 8 hex digits each.
        var float32: [String]

        var doubleBits: [UInt64] { float64.compactMap { UInt64($0, radix: 16) } }
        var floatBits: [UInt32] { float32.compactMap { UInt32($0, radix: 16) } }
    }
    struct File: Decodable {
        var metadata: [String: String]
        var tensors: [String: Tensor]
    }
    struct Refusal: Decodable {
        struct Problem: Decodable {
            var tensor: String
            var notAMatrix: [Int]?
            var unsupportedType: String?
        }
        var problem: Problem
    }
    var readable: [String: File]
    var refused: [String: Refusal]
}
