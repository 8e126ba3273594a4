// Tests of how SafetensorsFile and its JSON parser report malformed files:
// each one as its specific FileProblem, naming the tensor at fault, with a
// message that says what is wrong and where. The files are built byte by
// byte here; the fixtures the Python package wrote are in SafetensorsFileTests.

import Testing

@testable import DescentLinalg

@Suite("SafetensorsFile reports every malformed file as its specific problem")
struct SafetensorsMalformedFileTests {
    /// A file with header text `header` (padded with spaces to a multiple of 8) and `data`.
    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        file(headerBytes: Array(header.utf8), data: data)
    }

    /// A file with the header `bytes`, padded with spaces to a multiple of 8, and `data`.
    static func file(headerBytes bytes: [UInt8], data: [UInt8] = []) -> [UInt8] {
        let text = bytes + repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
    }

    /// A one-tensor header: `{"a": {"dtype": dtype, "shape": shape, "data_offsets": offsets}}`.
    static func tensor(_ name: String = "a", dtype: String = "F32", shape: String = "[2,3]", offsets: String = "[0,24]") -> String
    {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    func problem(_ bytes: [UInt8]) -> FileProblem? {
        do {
            _ = try SafetensorsFile.decode(bytes, as: Double.self)
            return nil
        } catch {
            return error.problem
        }
    }

    @Test("the test file builder makes a file the reader accepts")
    func builderIsValid() throws {
        let contents = try SafetensorsFile.decode(
            Self.file(header: "{\(Self.tensor())}", data: Array(repeating: 0, count: 24)), as: Float.self)
        #expect(contents["a"]?.matrix == Matrix(rows: 2, columns: 3))
    }

    @Test("empty, short, foreign and truncated files")
    func brokenFiles() {
        let good = Self.file(header: "{\(Self.tensor())}", data: Array(repeating: 0, count: 24))
        let dataStart = good.count - 24
        #expect(problem([]) == .empty)
        #expect(problem([56, 0, 0, 0, 0]) == .truncated(expectedBytes: 8, actualBytes: 5))
        #expect(problem(Array(good.prefix(8))) == .truncated(expectedBytes: dataStart, actualBytes: 8))
        #expect(problem(Array(good.prefix(30))) == .truncated(expectedBytes: dataStart, actualBytes: 30))
        #expect(
            problem(Array(good.prefix(dataStart + 10))) == .truncated(expectedBytes: dataStart + 24, actualBytes: dataStart + 10))
        #expect(problem(Array(good.prefix(dataStart))) == .truncated(expectedBytes: dataStart + 24, actualBytes: dataStart))
        #expect(problem(NumpyFile.encode(Matrix<Double>([[1]]))) == .badMagic(expected: "safetensors"))
        #expect(problem(Array("PK\u{3}\u{4} a zip archive".utf8)) == .badMagic(expected: "safetensors"))
        #expect(problem(Self.file(header: " {}")) == .badMagic(expected: "safetensors"), "no space before '{'")
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8)
        #expect(problem(huge) == .malformedHeader("the header length 18446744073709551615 is larger than any file"))
        var long = good
        long[0] = 200
        #expect(problem(long) == .truncated(expectedBytes: 208, actualBytes: good.count), "header length beyond the file")
    }

    @Test(
        "malformed JSON says what is wrong and where",
        arguments: [
            (#"{"a":1,}"#, "expected a quoted key at byte 8"),
            (#"{a:1}"#, "expected a quoted key at byte 2 of the header near 'a:1}"),
            (#"{"a" 1}"#, "expected ':' at byte 6"),
            (#"{"a":1"#, "expected '}'"),
            (#"{"a":[1 2]}"#, "expected ']' at byte 9"),
            (#"{"a":"open}"#, "a string is not closed at byte 6"),
            ("{\"a\":\"new\nline\"}", "a control character in a string must be escaped"),
            (#"{"a":"\x"}"#, "unknown escape in a string"),
            (#"{"a":"\u12"}"#, "four hexadecimal digits"),
            (#"{"a":"\ud800"}"#, "must be followed by a low surrogate"),
            (#"{"a":"\udc00"}"#, "lone low surrogate"),
            (#"{"a":01}"#, "a malformed number at byte 6"),
            (#"{"a":1.}"#, "a malformed number"),
            (#"{"a":-}"#, "a malformed number"),
            (#"{"a":1e}"#, "a malformed number"),
            (#"{"a":True}"#, "expected a value"),
            (#"{"a":1,"a":2}"#, #"the key "a" appears twice at byte 8"#),
            (#"{"a":1} {}"#, "unexpected text after the header's object at byte 9"),
            // What the Python package (0.8.0) writes for no tensors and empty metadata; it cannot read it either.
            (#"{},"__metadata__":{}}"#, "unexpected text after the header's object at byte 3"),
            ("{", "expected a quoted key at byte 9 of the header (its end)"),
            (#"{"a":"#, "the header ends where a value should be"),
        ])
    func malformedJSON(header: String, message: String) {
        let found = problem(Self.file(header: header))
        guard case .malformedHeader(let text)? = found else {
            Issue.record("expected .malformedHeader for \(header.debugDescription), got \(String(describing: found))")
            return
        }
        #expect(text.contains(message), "\(text)")
    }

    @Test("valid JSON in every spelling: whitespace, escapes, surrogate pairs, exponents in ignored fields")
    func jsonSpellings() throws {
        let header =
            "{\t\"__metadata__\" : null ,\n\"\\u00e9\\ud83d\\ude00\\/\" : { \"extra\": [true, false, null, -1.5e+3, {\"x\": []}],"
            + " \"dtype\" : \"F64\", \"shape\" : [ ], \"data_offsets\" : [ 0 , 8 ] } }\r\n"
        let bytes = Self.file(header: header, data: Array(repeating: 0, count: 8))
        let contents = try SafetensorsFile.decode(bytes, as: Double.self)
        #expect(contents.entries == [SafetensorsFile.Entry(name: "é😀/", matrix: Matrix([[0]]), rank: 0)])
        #expect(contents.metadata.isEmpty)
    }

    @Test("a hostile header nesting 60,000 arrays is malformed, not a stack overflow; non-UTF-8 is refused")
    func hostileHeaders() {
        guard case .malformedHeader(let text)? = problem(Self.file(header: #"{"a":"# + String(repeating: "[", count: 60_000)))
        else {
            Issue.record("expected .malformedHeader")
            return
        }
        #expect(text.contains("nested more than 32 deep") && text.count < 200)
        let latin1 = Self.file(headerBytes: Array("{\"caf".utf8) + [0xE9] + Array("\":1}".utf8))
        #expect(problem(latin1) == .malformedHeader("the header is not UTF-8 text"))
    }

    @Test(
        "a tensor's entry that is wrong names the tensor",
        arguments: [
            (#""a":[1]"#, "is [1], not an object with dtype, shape and data_offsets"),
            (#""a":{"shape":[2,3],"data_offsets":[0,24]}"#, "no 'dtype'"),
            (#""a":{"dtype":"F32","data_offsets":[0,24]}"#, "no 'shape'"),
            (#""a":{"dtype":"F32","shape":[2,3]}"#, "no 'data_offsets'"),
            (tensor(dtype: "F32\",\"x\":\"y"), ""),
            (#""a":{"dtype":32,"shape":[2,3],"data_offsets":[0,24]}"#, "'dtype' is 32, not a string"),
            (tensor(shape: "[2,-3]"), "'shape' [2, -3] holds -3, not a non-negative integer"),
            (tensor(shape: "[2,3.0]"), "holds 3.0, not a non-negative integer"),
            (tensor(shape: "[2,\"3\"]"), #"holds "3", not a non-negative integer"#),
            (tensor(shape: "6"), "'shape' is 6, not an array of non-negative integers"),
            (tensor(shape: "[99999999999999999999]"), "holds 99999999999999999999"),
            (tensor(shape: "[4611686018427387904,4]"), "the shape [4611686018427387904, 4] is too large"),
            (tensor(offsets: "[0]"), "'data_offsets' is [0], not an array of 2 non-negative integers"),
            (tensor(offsets: "[0,24,48]"), "not an array of 2"),
            (tensor(offsets: "[-8,16]"), "holds -8"),
            (tensor(offsets: "[24,0]"), "'data_offsets' [24, 0] end before they begin"),
        ])
    func tensorEntry(entry: String, message: String) {
        let found = problem(Self.file(header: "{\(entry)}", data: Array(repeating: 0, count: 24)))
        if message.isEmpty {
            #expect(found == nil, "unknown fields are ignored, as the reference reader ignores them")
            return
        }
        guard case .tensor(name: "a", problem: .malformedHeader(let text))? = found else {
            Issue.record("expected .tensor(a, .malformedHeader) for \(entry), got \(String(describing: found))")
            return
        }
        #expect(text.contains(message), "\(text)")
    }

    @Test("metadata must be an object of strings")
    func badMetadata() {
        #expect(
            problem(Self.file(header: #"{"__metadata__":["x"]}"#))
                == .malformedHeader(#"'__metadata__' is ["x"], not an object of strings"#))
        #expect(
            problem(Self.file(header: #"{"__metadata__":{"epoch":12}}"#))
                == .malformedHeader("'__metadata__' entry 'epoch' is 12, not a string"))
    }

    @Test(
        "unknown and unsupported data types name the tensor",
        arguments: ["F31", "C64", "F8_E4M3", "f32", "", "U1"])
    func unsupportedType(dtype: String) {
        let bytes = Self.file(header: "{\(Self.tensor(dtype: dtype))}", data: Array(repeating: 0, count: 24))
        #expect(problem(bytes) == .tensor(name: "a", problem: .unsupportedType(dtype)))
    }

    @Test("the byte count must be element count × dtype size")
    func wrongByteCount() {
        let short = Self.file(header: "{\(Self.tensor(offsets: "[0,20]"))}", data: Array(repeating: 0, count: 20))
        #expect(problem(short) == .tensor(name: "a", problem: .wrongByteCount(expected: 24, found: 20)))
        let halves = Self.file(header: "{\(Self.tensor(dtype: "F16", offsets: "[0,24]"))}", data: Array(repeating: 0, count: 24))
        #expect(problem(halves) == .tensor(name: "a", problem: .wrongByteCount(expected: 12, found: 24)))
    }

    @Test("the tensors must fill the data exactly: overlaps, gaps, trailing bytes, data past the end")
    func layout() {
        let data = [UInt8](repeating: 0, count: 48)
        func layout(_ a: String, _ b: String, data count: Int = 48) -> FileProblem? {
            problem(
                Self.file(header: "{\(Self.tensor(offsets: a)),\(Self.tensor("b", offsets: b))}", data: Array(data.prefix(count)))
            )
        }
        #expect(layout("[0,24]", "[24,48]") == nil)
        #expect(layout("[24,48]", "[0,24]") == nil, "data order need not be name order")
        #expect(layout("[0,24]", "[12,36]") == .overlappingData(first: "a", second: "b"))
        #expect(layout("[0,24]", "[0,24]") == .overlappingData(first: "a", second: "b"))
        #expect(layout("[8,32]", "[0,24]") == .overlappingData(first: "b", second: "a"))
        #expect(layout("[0,24]", "[30,54]") == .unusedData(begin: 24, end: 30))
        #expect(layout("[4,28]", "[28,52]") == .unusedData(begin: 0, end: 4))
        let dataStart = Self.file(header: "{\(Self.tensor(offsets: "[0,24]")),\(Self.tensor("b", offsets: "[24,48]"))}").count
        #expect(layout("[0,24]", "[24,48]", data: 40) == .truncated(expectedBytes: dataStart + 48, actualBytes: dataStart + 40))
        #expect(layout("[0,24]", "[1000,1024]") == .unusedData(begin: 24, end: 1000))
        let trailing = Self.file(header: "{\(Self.tensor())}", data: Array(repeating: 0, count: 30))
        #expect(problem(trailing) == .unusedData(begin: 24, end: 30))
        let emptyInside = Self.file(
            header: #"{"e":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},\#(Self.tensor())}"#, data: Array(data.prefix(24)))
        #expect(problem(emptyInside) == .overlappingData(first: "a", second: "e"))
        let emptyAtEnds = Self.file(
            header: #"{"e":{"dtype":"F32","shape":[0],"data_offsets":[24,24]},"#
                + #""f":{"dtype":"U8","shape":[0,9],"data_offsets":[0,0]},\#(Self.tensor())}"#,
            data: Array(data.prefix(24)))
        #expect(problem(emptyAtEnds) == nil)
    }

    @Test("more than two dimensions is not a matrix, naming the tensor")
    func rankThree() {
        let bytes = Self.file(header: "{\(Self.tensor("kernel", shape: "[1,2,3]"))}", data: Array(repeating: 0, count: 24))
        #expect(problem(bytes) == .tensor(name: "kernel", problem: .notAMatrix(shape: [1, 2, 3])))
    }

    @Test("read and write go through the file: errors name it; a missing folder cannot be opened either way")
    func paths() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write([1, 2, 3], named: "short.safetensors", in: directory)
            #expect(throws: LinalgError.file(path: path, problem: .truncated(expectedBytes: 8, actualBytes: 3))) {
                try SafetensorsFile.read(from: path, as: Float.self)
            }
            let missing = directory + "/no/such/folder/model.safetensors"
            guard case .cannotOpen? = FileTestSupport.problem({ _ = try SafetensorsFile.read(from: missing, as: Float.self) }),
                case .cannotOpen? = FileTestSupport.problem({
                    try SafetensorsFile.write([.init(name: "w", matrix: Matrix<Float>([[1]]))], to: missing)
                })
            else {
                Issue.record("expected .cannotOpen for a missing folder")
                return
            }
            #expect(try FileTestSupport.listing(of: directory) == ["short.safetensors"])
        }
    }

    @Test("messages name the tensor and say what to fix")
    func messages() {
        let problem = FileProblem.tensor(name: "kernel", problem: .wrongByteCount(expected: 24, found: 20))
        #expect(problem.description == "tensor 'kernel': its data_offsets span 20 bytes, but its shape and dtype need 24")
        #expect(
            FileProblem.overlappingData(first: "a", second: "b").description
                == "the data of tensors 'a' and 'b' overlap; each tensor needs its own bytes")
        #expect(FileProblem.unusedData(begin: 24, end: 30).description.hasPrefix("bytes 24..<30 of the data"))
        let error = LinalgError.file(path: "m.safetensors", problem: .tensor(name: "z", problem: .unsupportedType("C64")))
        #expect(
            error.description == "m.safetensors: tensor 'z': unsupported data type 'C64'; use real floating-point or integer data"
        )
    }

    @Test("an entry whose rank does not fit its matrix, or a name given twice or reserved, stops the program")
    func rankPreconditions() async {
        await #expect(processExitsWith: .failure) {
            _ = SafetensorsFile.Entry(name: "w", matrix: Matrix<Float>(rows: 2, columns: 2), rank: 1)
        }
        await #expect(processExitsWith: .failure) {
            _ = SafetensorsFile.Entry(name: "w", matrix: Matrix<Float>(column: [1, 2]), rank: 0)
        }
        await #expect(processExitsWith: .failure) {
            _ = SafetensorsFile.Entry(name: "w", matrix: Matrix<Float>(column: [1, 2]), rank: 3)
        }
        await #expect(processExitsWith: .failure) {
            let entry = SafetensorsFile.Entry(name: "w", matrix: Matrix<Float>([[1]]))
            _ = SafetensorsFile.encode([entry, entry], metadata: [:])
        }
        await #expect(processExitsWith: .failure) {
            _ = SafetensorsFile.encode([SafetensorsFile.Entry(name: "__metadata__", matrix: Matrix<Float>([[1]]))], metadata: [:])
        }
    }
}
