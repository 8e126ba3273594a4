// NumpyFile: reading and writing NumPy's `.npy` format.
//
// Design note. Goals, in order: (1) every value read bit-exactly (floats are
// moved by bit pattern, never through text); (2) every malformed file reported
// as the specific `FileProblem`, never a crash; (3) speed: the file is loaded
// once and converted in one tight loop of unaligned little-endian loads, with
// no per-element allocation. The writer produces the same bytes as
// `numpy.save` for a C-ordered 2-D `float32`/`float64` array, including the
// padding that aligns the data to 64 bytes.
//
// Layout (NEP 1): the magic `\x93NUMPY`, two version bytes, the header length
// (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0), the header —
// a Python dictionary literal, Latin-1 before 3.0 and UTF-8 in 3.0 — then the
// raw elements.

/// Reads and writes NumPy `.npy` files.
///
/// ```swift
/// let weights = try NumpyFile.read(from: "weights.npy", as: Double.self)
/// try NumpyFile.write(weights, to: "copy.npy")
/// ```
///
/// Shapes map to matrices as: `()` → 1×1, `(n,)` → n×1 (a column vector),
/// `(m, n)` → m×n. Fortran-ordered (column-major) arrays are reordered to
/// Descent's row-major layout.
public enum NumpyFile {
    // MARK: - Reading

    /// Reads a one- or two-dimensional array from a `.npy` file.
    ///
    /// Little-endian (or native) `f2`, `f4`, `f8`, `i1`…`i8`, `u1`…`u8` and
    /// `b1` data is converted to `Scalar`: exactly where `Scalar` can represent
    /// the value, otherwise rounded to nearest (`f8` or large integers read as `Float`).
    /// - Parameters:
    ///   - path: the file to read; format versions 1.0, 2.0 and 3.0 are accepted.
    ///   - scalarType: the precision of the result, `Float` or `Double`.
    /// - Returns: the array as a matrix, in row-major order.
    /// - Throws: `LinalgError.file(path:problem:)` with `.cannotOpen`, `.empty`,
    ///   `.badMagic`, `.unsupportedVersion`, `.truncated`, `.malformedHeader`,
    ///   `.unsupportedType`, `.bigEndian` or `.notAMatrix`.
    /// - Complexity: O(rows × columns), one pass over the data.
    public static func read<Scalar: BLASScalar>(
        from path: String, as scalarType: Scalar.Type = Scalar.self
    ) throws -> Matrix<Scalar> {
        try FileReader.decode(path) { bytes throws(FileProblemError) in try decode(bytes, as: scalarType) }
    }

    // MARK: - Writing

    /// Writes a matrix as a two-dimensional `.npy` array (`<f4` for `Float`, `<f8` for `Double`).
    ///
    /// The file has format version 1.0, C (row-major) order and shape
    /// `(rows, columns)`; it is byte-for-byte what `numpy.save` writes for the
    /// same array. The write is atomic: on failure an existing file is untouched.
    /// - Parameters:
    ///   - matrix: the matrix to save.
    ///   - path: the file to create or replace.
    /// - Throws: `LinalgError.file(path:problem: .cannotOpen(reason:))` when the
    ///   operating system refuses the write.
    public static func write<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, to path: String) throws {
        try AtomicFileWriter.write(encode(matrix), to: path)
    }

    // MARK: - Decoding

    /// The magic string every `.npy` file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Where the elements of a `.npy` file are and what they are, from its first bytes.
    struct Layout {
        var header: NumpyHeader
        var elementType: NumpyElementType
        var rows: Int
        var columns: Int
        /// The offset of the first element.
        var dataStart: Int
        /// The offset just past the last element: the file's least size.
        var dataEnd: Int
    }

    /// Parses the magic string, version, header and shape from the start of a
    /// `.npy` file; `bytes` may stop anywhere after the header.
    static func layout(_ bytes: [UInt8]) throws(FileProblemError) -> Layout {
        guard !bytes.isEmpty else { throw FileProblemError(.empty) }
        let magicCount = min(bytes.count, magic.count)
        guard bytes[..<magicCount].elementsEqual(magic[..<magicCount]) else {
            throw FileProblemError(.badMagic(expected: ".npy"))
        }
        guard bytes.count >= 10 else { throw FileProblemError(.truncated(expectedBytes: 10, actualBytes: bytes.count)) }
        let (major, minor) = (bytes[6], bytes[7])
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default: throw FileProblemError(.unsupportedVersion("\(major).\(minor)"))
        }
        let headerStart = 8 + lengthFieldSize
        guard bytes.count >= headerStart else {
            throw FileProblemError(.truncated(expectedBytes: headerStart, actualBytes: bytes.count))
        }
        var headerLength = 0
        for index in 0..<lengthFieldSize { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else {
            throw FileProblemError(.truncated(expectedBytes: dataStart, actualBytes: bytes.count))
        }

        let header = try NumpyHeader(parsing: headerText(bytes[headerStart..<dataStart], utf8: major >= 3))
        let elementType = try NumpyElementType(descriptor: header.descriptor)
        let (rows, columns) = try matrixShape(header.shape)
        let (count, countOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: elementType.size)
        let (dataEnd, endOverflow) = dataStart.addingReportingOverflow(byteCount)
        guard !countOverflow, !byteOverflow, !endOverflow else {
            throw FileProblemError(.malformedHeader("the shape \(header.shape) is too large"))
        }
        return Layout(
            header: header, elementType: elementType, rows: rows, columns: columns, dataStart: dataStart,
            dataEnd: dataEnd)
    }

    /// Parses the bytes of a whole `.npy` file.
    static func decode<Scalar: BLASScalar>(
        _ bytes: [UInt8], as _: Scalar.Type
    ) throws(FileProblemError) -> Matrix<Scalar> {
        let layout = try layout(bytes)
        let (header, elementType, rows, columns) = (layout.header, layout.elementType, layout.rows, layout.columns)
        let (dataStart, dataEnd, count) = (layout.dataStart, layout.dataEnd, rows * columns)
        guard bytes.count >= dataEnd else {
            throw FileProblemError(.truncated(expectedBytes: dataEnd, actualBytes: bytes.count))
        }

        let values: [Scalar] = convert(bytes, from: dataStart, count: count, type: elementType)
        if header.isFortranOrder && header.shape.count == 2 {
            // Column-major m×n data is the row-major n×m transpose.
            return Matrix(rows: columns, columns: rows, elements: values).transposed()
        }
        return Matrix(rows: rows, columns: columns, elements: values)
    }

    /// The header as text: Latin-1 in versions 1.0 and 2.0, UTF-8 in 3.0.
    private static func headerText(_ bytes: ArraySlice<UInt8>, utf8: Bool) throws(FileProblemError) -> String {
        if utf8 {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw FileProblemError(.malformedHeader("a version 3.0 header must be UTF-8 text"))
            }
            return text
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }

    /// `()` → 1×1, `(n,)` → n×1, `(m, n)` → m×n.
    private static func matrixShape(_ shape: [Int]) throws(FileProblemError) -> (rows: Int, columns: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], 1)
        case 2: return (shape[0], shape[1])
        default: throw FileProblemError(.notAMatrix(shape: shape))
        }
    }

    /// Converts `count` elements starting at byte `offset` into a new array.
    ///
    /// The loop runs on the buffer viewed as its concrete type (`Double` or
    /// `Float`), so it is compiled for that type; generic code would pay a
    /// protocol call per element.
    static func convert<Scalar: BLASScalar>(
        _ bytes: [UInt8], from offset: Int, count: Int, type: NumpyElementType
    ) -> [Scalar] {
        bytes.withUnsafeBytes { source in
            [Scalar](unsafeUninitializedCapacity: count) { target, initializedCount in
                if Scalar.self == Double.self {
                    target.withMemoryRebound(to: Double.self) { fill($0, from: source, offset: offset, type: type) }
                } else if Scalar.self == Float.self {
                    target.withMemoryRebound(to: Float.self) { fill($0, from: source, offset: offset, type: type) }
                } else {
                    fill(target, from: source, offset: offset, type: type)
                }
                initializedCount = count
            }
        }
    }

    /// The conversion loop: one unaligned little-endian load and one conversion per element.
    private static func fill<Target: BLASScalar>(
        _ target: UnsafeMutableBufferPointer<Target>, from source: UnsafeRawBufferPointer,
        offset: Int, type: NumpyElementType
    ) {
        func fill<Raw: FixedWidthInteger>(_: Raw.Type, _ convert: (Raw) -> Target) {
            let stride = MemoryLayout<Raw>.size
            for index in target.indices {
                let bits = Raw(littleEndian: source.loadUnaligned(fromByteOffset: offset + index * stride, as: Raw.self))
                target.initializeElement(at: index, to: convert(bits))
            }
        }
        switch type {
        case .float16: fill(UInt16.self) { Target(floatFromHalf($0)) }
        case .float32: fill(UInt32.self) { Target(Float(bitPattern: $0)) }
        case .float64: fill(UInt64.self) { Target(Double(bitPattern: $0)) }
        case .int8: fill(UInt8.self) { Target(Int8(bitPattern: $0)) }
        case .int16: fill(UInt16.self) { Target(Int16(bitPattern: $0)) }
        case .int32: fill(UInt32.self) { Target(Int32(bitPattern: $0)) }
        case .int64: fill(UInt64.self) { Target(Int64(bitPattern: $0)) }
        case .uint8: fill(UInt8.self) { Target($0) }
        case .uint16: fill(UInt16.self) { Target($0) }
        case .uint32: fill(UInt32.self) { Target($0) }
        case .uint64: fill(UInt64.self) { Target($0) }
        case .bool: fill(UInt8.self) { $0 == 0 ? 0 : 1 }
        }
    }

    // MARK: - Encoding

    /// The complete bytes of a `.npy` file holding `matrix`.
    static func encode<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>) -> [UInt8] {
        let preamble = self.preamble(descriptor: Scalar.routines.numpyDescriptor, rows: matrix.rows, columns: matrix.columns)
        let stride = MemoryLayout<Scalar>.size
        return matrix.elements.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: preamble.count + source.count * stride) { buffer, initializedCount in
                let target = UnsafeMutableRawBufferPointer(buffer)
                target.copyBytes(from: preamble)
                let data = UnsafeMutableRawBufferPointer(rebasing: target[preamble.count...])
                if Scalar.self == Double.self {
                    source.withMemoryRebound(to: Double.self) { store($0, into: data) { $0.bitPattern } }
                } else if Scalar.self == Float.self {
                    source.withMemoryRebound(to: Float.self) { store($0, into: data) { $0.bitPattern } }
                } else {
                    preconditionFailure("BLASScalar \(Scalar.self) is neither Float nor Double")
                }
                initializedCount = buffer.count
            }
        }
    }

    /// Stores each value's bit pattern little-endian, one after another.
    static func store<Value, Raw: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<Value>, into target: UnsafeMutableRawBufferPointer, bits: (Value) -> Raw
    ) {
        let stride = MemoryLayout<Raw>.size
        for index in values.indices {
            target.storeBytes(of: bits(values[index]).littleEndian, toByteOffset: index * stride, as: Raw.self)
        }
    }

    /// Magic, version, header length and the space-padded header, as `numpy.save` writes them.
    ///
    /// The header is padded with spaces and ended by a newline so that the
    /// data starts on a 64-byte boundary. (NumPy first adds up to 21 spaces of
    /// room for the first axis to grow; for a 2-D shape they always fall inside
    /// that padding, so the bytes are the same without them.) Version 2.0 is
    /// used only when the header would not fit a 2-byte length.
    static func preamble(descriptor: String, rows: Int, columns: Int) -> [UInt8] {
        let header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let textLength = header.utf8.count + 1  // with the final newline
        var lengthFieldSize = 2
        var padding = 64 - (8 + lengthFieldSize + textLength) % 64
        if textLength + padding > Int(UInt16.max) {
            lengthFieldSize = 4
            padding = 64 - (8 + lengthFieldSize + textLength) % 64
        }
        let headerLength = textLength + padding
        var bytes = magic + [lengthFieldSize == 2 ? 1 : 2, 0]
        for index in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * index))) }
        bytes += Array(header.utf8)
        bytes += Array(repeating: UInt8(ascii: " "), count: padding)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

// MARK: - Half precision

/// The `Float` with the same value as the IEEE 754 binary16 number `bits`.
///
/// Every half-precision value, including subnormals, ±∞ and NaN payloads, is
/// exactly representable in single precision. Written out rather than using
/// `Float16`, which is not available on every platform Descent builds for.
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign: UInt32 = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let significand = UInt32(bits & 0x3FF)
    switch exponent {
    case 0x1F:  // ±∞ or NaN
        return Float(bitPattern: sign | 0x7F80_0000 | significand << 13)
    case 0:  // ±0 or subnormal: significand × 2⁻²⁴
        let magnitude = Float(significand) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    default:  // rebias the exponent from 15 to 127
        return Float(bitPattern: sign | (exponent + 112) << 23 | significand << 13)
    }
}
