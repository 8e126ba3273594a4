// SafetensorsFile: reading and writing safetensors, the checkpoint format that
// loads in PyTorch, JAX and NumPy unchanged.
//
// Design note. Goals, in order: (1) every value read bit-exactly, through the
// same conversion loop as `.npy` files; (2) every malformed file reported as
// the specific `FileProblem`, naming the tensor when one tensor is at fault,
// never a crash; (3) the writer's bytes identical to the Python writer's for
// the same tensors, so files diff cleanly and tools that hash them agree.
//
// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// mapping each tensor name to its `dtype`, `shape` and `data_offsets`
// `[begin, end)` (counted from the end of the header), an optional
// `__metadata__` object of strings, then the data: little-endian, C order, the
// tensors filling it without gaps or overlaps. The reader checks all of this,
// as the reference reader does. Reference: https://huggingface.co/docs/safetensors.

/// Reads and writes safetensors files: named tensors plus string metadata.
///
/// ```swift
/// try SafetensorsFile.write(
///     [.init(name: "dense.weight", matrix: weight), .init(name: "dense.bias", matrix: bias, rank: 1)],
///     metadata: ["epoch": "12"], to: "model.safetensors")
/// let contents = try SafetensorsFile.read(from: "model.safetensors", as: Float.self)
/// let bias = contents["dense.bias"]?.matrix   // n×1
/// ```
///
/// Shapes map to matrices as for `.npy` files: `[]` → 1×1, `[n]` → n×1 (a
/// column vector), `[m, n]` → m×n.
public enum SafetensorsFile {
    // MARK: - Types

    /// A tensor data type (`dtype`) Descent reads; `rawValue` is its name in the header.
    public enum ElementType: String, Sendable, CaseIterable {
        case float16 = "F16", bfloat16 = "BF16", float32 = "F32", float64 = "F64"
        case int8 = "I8", int16 = "I16", int32 = "I32", int64 = "I64"
        case uint8 = "U8", uint16 = "U16", uint32 = "U32", uint64 = "U64"
        case bool = "BOOL"

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .int8, .uint8, .bool: 1
            case .float16, .bfloat16, .int16, .uint16: 2
            case .float32, .int32, .uint32: 4
            case .float64, .int64, .uint64: 8
            }
        }

        /// The same type in the `.npy` conversion loop; `nil` for `bfloat16`, which NumPy lacks.
        var numpyElementType: NumpyElementType? {
            switch self {
            case .float16: .float16
            case .bfloat16: nil
            case .float32: .float32
            case .float64: .float64
            case .int8: .int8
            case .int16: .int16
            case .int32: .int32
            case .int64: .int64
            case .uint8: .uint8
            case .uint16: .uint16
            case .uint32: .uint32
            case .uint64: .uint64
            case .bool: .bool
            }
        }
    }

    /// A named matrix and the rank it has in the file.
    ///
    /// Rank 2 stores shape `[rows, columns]`; rank 1 stores a column or a row
    /// as `[count]` (a bias, which reads back as a count×1 column); rank 0
    /// stores a 1×1 matrix as a scalar, shape `[]`.
    public struct Entry<Scalar: BLASScalar>: Sendable, Equatable {
        /// The tensor's name, such as `"layers.0.weight"`; `"__metadata__"` is reserved.
        public var name: String
        /// The values.
        public var matrix: Matrix<Scalar>
        /// 0, 1 or 2.
        public var rank: Int

        /// An entry to write, or one read from a file.
        /// - Precondition: `rank` is 2; or 1 and the matrix has one row or one column;
        ///   or 0 and the matrix is 1×1.
        public init(name: String, matrix: Matrix<Scalar>, rank: Int = 2) {
            self.name = name
            self.matrix = matrix
            self.rank = rank
            checkRank()
        }

        /// The shape in the file: `[]`, `[count]` or `[rows, columns]`.
        public var shape: [Int] {
            switch rank {
            case 0: []
            case 1: [matrix.count]
            default: [matrix.rows, matrix.columns]
            }
        }

        /// Stops with a message when the rank does not fit the matrix.
        func checkRank() {
            switch rank {
            case 0:
                precondition(
                    matrix.rows == 1 && matrix.columns == 1,
                    "Safetensors entry '\(name)': rank 0 needs a 1×1 matrix, got \(matrix.shapeDescription)")
            case 1:
                precondition(
                    matrix.rows == 1 || matrix.columns == 1,
                    "Safetensors entry '\(name)': rank 1 needs one row or one column, got \(matrix.shapeDescription)")
            case 2: break
            default: preconditionFailure("Safetensors entry '\(name)': rank \(rank) is not 0, 1 or 2")
            }
        }
    }

    // MARK: - Reading

    /// Reads every tensor and the metadata of a safetensors file.
    ///
    /// `F16`, `BF16`, `F32`, `F64`, `I8`…`I64`, `U8`…`U64` and `BOOL` data is
    /// converted to `Scalar`: exactly where `Scalar` can represent the value,
    /// otherwise rounded to nearest (`F64` or large integers read as `Float`).
    /// - Parameters:
    ///   - path: the file to read.
    ///   - scalarType: the precision of the result, `Float` or `Double`.
    /// - Returns: the tensors sorted by name, with each one's data type as
    ///   stored, and the metadata.
    /// - Throws: `LinalgError.file(path:problem:)` with `.cannotOpen`, `.empty`,
    ///   `.truncated` (the header or the data is longer than the file),
    ///   `.badMagic` (the header does not start with `{`), `.malformedHeader`,
    ///   `.overlappingData`, `.unusedData`, or `.tensor(name:problem:)` naming a
    ///   tensor with `.malformedHeader`, `.unsupportedType`, `.wrongByteCount`
    ///   or `.notAMatrix` (more than two dimensions).
    /// - Complexity: O(file size), one pass over the data.
    public static func read<Scalar: BLASScalar>(
        from path: String, as scalarType: Scalar.Type = Scalar.self
    ) throws -> SafetensorsContents<Scalar> {
        try FileReader.decode(path) { bytes throws(FileProblemError) in try decode(bytes, as: scalarType) }
    }

    // MARK: - Writing

    /// Writes tensors and metadata as a safetensors file (`F32` for `Float`, `F64` for `Double`).
    ///
    /// The tensors are stored sorted by name (by their UTF-8 bytes), their data
    /// in that order, and the header padded with spaces to a multiple of 8
    /// bytes: for metadata with at most one key, byte for byte what the
    /// `safetensors` Python package writes. The write is atomic: on failure an
    /// existing file is untouched.
    /// - Parameters:
    ///   - entries: the tensors, in any order.
    ///   - metadata: strings to store under `__metadata__`; none is written when empty.
    ///   - path: the file to create or replace.
    /// - Precondition: the names are different from each other and from `"__metadata__"`.
    /// - Throws: `LinalgError.file(path:problem: .cannotOpen(reason:))` when the
    ///   operating system refuses the write.
    public static func write<Scalar: BLASScalar>(
        _ entries: [Entry<Scalar>], metadata: [String: String] = [:], to path: String
    ) throws {
        try AtomicFileWriter.write(encode(entries, metadata: metadata), to: path)
    }

    // MARK: - Decoding

    /// Parses the bytes of a whole safetensors file.
    static func decode<Scalar: BLASScalar>(
        _ bytes: [UInt8], as _: Scalar.Type
    ) throws(FileProblemError) -> SafetensorsContents<Scalar> {
        guard !bytes.isEmpty else { throw FileProblemError(.empty) }
        guard bytes.count >= 8 else { throw FileProblemError(.truncated(expectedBytes: 8, actualBytes: bytes.count)) }
        if bytes.count > 8 && bytes[8] != UInt8(ascii: "{") { throw FileProblemError(.badMagic(expected: "safetensors")) }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(bytes[index]) << (8 * index) }
        guard headerLength <= UInt64(Int.max - 8) else {
            throw FileProblemError(.malformedHeader("the header length \(headerLength) is larger than any file"))
        }
        let dataStart = 8 + Int(headerLength)
        guard bytes.count >= dataStart else {
            throw FileProblemError(.truncated(expectedBytes: dataStart, actualBytes: bytes.count))
        }

        let header = try SafetensorsHeader(parsing: bytes[8..<dataStart])
        try checkLayout(of: header.tensors, dataStart: dataStart, fileSize: bytes.count)
        var entries: [Entry<Scalar>] = []
        var elementTypes: [String: ElementType] = [:]
        for tensor in header.tensors.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            let (rows, columns) = try matrixShape(tensor)
            let offset = dataStart + tensor.dataOffsets.lowerBound
            let values: [Scalar] =
                if let type = tensor.elementType.numpyElementType {
                    NumpyFile.convert(bytes, from: offset, count: rows * columns, type: type)
                } else {
                    convertBrainFloat(bytes, from: offset, count: rows * columns)
                }
            entries.append(
                Entry(name: tensor.name, matrix: Matrix(rows: rows, columns: columns, elements: values), rank: tensor.shape.count)
            )
            elementTypes[tensor.name] = tensor.elementType
        }
        return SafetensorsContents(entries: entries, elementTypes: elementTypes, metadata: header.metadata)
    }

    /// Checks that the tensors' data fills the bytes after the header exactly: no gap, no overlap.
    ///
    /// Each tensor's byte count was checked with its header entry, so the
    /// offsets, taken in order, must run 0, end₁ = begin₂, …, end of file.
    private static func checkLayout(
        of tensors: [SafetensorsHeader.Tensor], dataStart: Int, fileSize: Int
    ) throws(FileProblemError) {
        let ordered = tensors.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound)
                || ($0.dataOffsets == $1.dataOffsets && $0.name.utf8.lexicographicallyPrecedes($1.name.utf8))
        }
        var end = 0
        var owner = ""  // the last non-empty tensor, whose data ends at `end`
        for tensor in ordered {
            let offsets = tensor.dataOffsets
            if offsets.lowerBound > end { throw FileProblemError(.unusedData(begin: end, end: offsets.lowerBound)) }
            if offsets.lowerBound < end { throw FileProblemError(.overlappingData(first: owner, second: tensor.name)) }
            if !offsets.isEmpty { owner = tensor.name }
            end = offsets.upperBound
        }
        let dataSize = fileSize - dataStart
        if end > dataSize {
            let (expected, overflow) = dataStart.addingReportingOverflow(end)
            throw FileProblemError(.truncated(expectedBytes: overflow ? .max : expected, actualBytes: fileSize))
        }
        if end < dataSize { throw FileProblemError(.unusedData(begin: end, end: dataSize)) }
    }

    /// `[]` → 1×1, `[n]` → n×1, `[m, n]` → m×n.
    private static func matrixShape(_ tensor: SafetensorsHeader.Tensor) throws(FileProblemError) -> (rows: Int, columns: Int) {
        switch tensor.shape.count {
        case 0: return (1, 1)
        case 1: return (tensor.shape[0], 1)
        case 2: return (tensor.shape[0], tensor.shape[1])
        default: throw FileProblemError(.tensor(name: tensor.name, problem: .notAMatrix(shape: tensor.shape)))
        }
    }

    /// Converts bfloat16 values, the upper halves of IEEE 754 singles, exactly.
    private static func convertBrainFloat<Scalar: BLASScalar>(_ bytes: [UInt8], from offset: Int, count: Int) -> [Scalar] {
        bytes.withUnsafeBytes { source in
            (0..<count).map { index in
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: offset + 2 * index, as: UInt16.self))
                return Scalar(Float(bitPattern: UInt32(bits) << 16))
            }
        }
    }

    // MARK: - Encoding

    /// The complete bytes of a safetensors file holding `entries` and `metadata`.
    static func encode<Scalar: BLASScalar>(_ entries: [Entry<Scalar>], metadata: [String: String]) -> [UInt8] {
        var names: Set<String> = []
        for entry in entries {
            entry.checkRank()
            precondition(entry.name != "__metadata__", "Safetensors entry name '__metadata__' is reserved for the metadata")
            precondition(names.insert(entry.name).inserted, "Safetensors entry name '\(entry.name)' appears twice")
        }
        let ordered = entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let elementType: ElementType = Scalar.self == Double.self ? .float64 : .float32
        let stride = MemoryLayout<Scalar>.size
        var tensors: [SafetensorsHeader.Tensor] = []
        var dataSize = 0
        for entry in ordered {
            let byteCount = entry.matrix.count * stride
            tensors.append(
                SafetensorsHeader.Tensor(
                    name: entry.name, elementType: elementType, shape: entry.shape, dataOffsets: dataSize..<dataSize + byteCount))
            dataSize += byteCount
        }
        let header = SafetensorsHeader(tensors: tensors, metadata: metadata).encoded()
        let preamble = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * $0)) } + header
        return [UInt8](unsafeUninitializedCapacity: preamble.count + dataSize) { buffer, initializedCount in
            let target = UnsafeMutableRawBufferPointer(buffer)
            target.copyBytes(from: preamble)
            for (entry, tensor) in zip(ordered, tensors) {
                let data = UnsafeMutableRawBufferPointer(rebasing: target[(preamble.count + tensor.dataOffsets.lowerBound)...])
                entry.matrix.elements.withUnsafeBufferPointer { source in
                    if Scalar.self == Double.self {
                        source.withMemoryRebound(to: Double.self) { NumpyFile.store($0, into: data) { $0.bitPattern } }
                    } else if Scalar.self == Float.self {
                        source.withMemoryRebound(to: Float.self) { NumpyFile.store($0, into: data) { $0.bitPattern } }
                    } else {
                        preconditionFailure("BLASScalar \(Scalar.self) is neither Float nor Double")
                    }
                }
            }
            initializedCount = buffer.count
        }
    }
}

// MARK: - Contents

/// Everything a safetensors file holds, with the tensors as matrices.
public struct SafetensorsContents<Scalar: BLASScalar>: Sendable, Equatable {
    /// The tensors sorted by name (by UTF-8 bytes); each one's `shape` is the shape stored.
    public var entries: [SafetensorsFile.Entry<Scalar>]
    /// The data type each tensor is stored in, by name.
    public var elementTypes: [String: SafetensorsFile.ElementType]
    /// The `__metadata__` strings; empty when the file has none.
    public var metadata: [String: String]

    /// Contents from its parts.
    public init(
        entries: [SafetensorsFile.Entry<Scalar>], elementTypes: [String: SafetensorsFile.ElementType],
        metadata: [String: String]
    ) {
        self.entries = entries
        self.elementTypes = elementTypes
        self.metadata = metadata
    }

    /// The tensor called `name`, or `nil` when there is none.
    public subscript(name: String) -> SafetensorsFile.Entry<Scalar>? {
        entries.first { $0.name == name }
    }
}
