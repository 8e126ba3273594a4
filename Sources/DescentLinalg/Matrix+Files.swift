// Matrix+Files: loading and saving a matrix by file name.
//
// Design note. The extension picks the format, so scripts can say
// `Matrix.load(from: path)` without caring how the file was made. Each format
// has its own type with the options this front door leaves at their defaults:
// `NumpyFile`, `CSVFile` (header and separator), `MatrixMarketFile`
// (symmetric storage). Every failure is a `LinalgError.file(path:problem:)`.

extension Matrix {
    /// Reads a matrix, choosing the format by the file's extension (case-insensitive).
    ///
    /// - `.npy`: NumPy array (see ``NumpyFile/read(from:as:)``).
    /// - `.csv`, `.txt`, `.tsv`: numbers separated by commas or whitespace, with
    ///   an optional header line that is detected and dropped (see ``CSVFile/read(from:as:header:separator:)``).
    /// - `.mtx`: Matrix Market (see ``MatrixMarketFile/read(from:as:)``).
    /// - Parameter path: the file to read.
    /// - Returns: the matrix, converted to `Scalar`.
    /// - Throws: `LinalgError.file(path:problem:)`: `.unknownFormat(fileExtension:)`
    ///   for any other extension, otherwise the format's own problems.
    public static func load(from path: String) throws -> Matrix {
        switch try MatrixFileFormat(path: path) {
        case .numpy: return try NumpyFile.read(from: path)
        case .text: return try CSVFile.read(from: path, as: Scalar.self).matrix
        case .matrixMarket: return try MatrixMarketFile.read(from: path)
        }
    }

    /// Writes the matrix, choosing the format by the file's extension (case-insensitive).
    ///
    /// - `.npy`: NumPy array of `Scalar` (`<f4` or `<f8`), as `numpy.save` writes it.
    /// - `.csv`: comma-separated, no header; `.txt` and `.tsv`: tab-separated.
    /// - `.mtx`: Matrix Market `array real general`.
    ///
    /// Numbers are written so that ``load(from:)`` gives back the same bits.
    /// The write is atomic: on failure an existing file is left untouched.
    /// - Parameter path: the file to create or replace.
    /// - Throws: `LinalgError.file(path:problem:)` with `.unknownFormat(fileExtension:)`
    ///   or, when the operating system refuses, `.cannotOpen(reason:)`.
    public func save(to path: String) throws {
        switch try MatrixFileFormat(path: path) {
        case .numpy: try NumpyFile.write(self, to: path)
        case .text:
            let separator: CSVFile.Separator = path.lowercased().hasSuffix(".csv") ? .comma : .whitespace
            try CSVFile.write(self, to: path, separator: separator)
        case .matrixMarket: try MatrixMarketFile.write(self, to: path)
        }
    }
}

/// The file formats `Matrix.load(from:)` and `save(to:)` recognise.
enum MatrixFileFormat {
    case numpy, text, matrixMarket

    /// The format named by the extension of `path`'s last component.
    /// - Throws: `LinalgError.file(path:problem: .unknownFormat(fileExtension:))`,
    ///   with the extension as written (empty when there is none).
    init(path: String) throws {
        let name = path.split(separator: "/").last ?? ""
        let fileExtension = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? ""
        switch fileExtension.lowercased() {
        case "npy": self = .numpy
        case "csv", "txt", "tsv": self = .text
        case "mtx": self = .matrixMarket
        default: throw LinalgError.file(path: path, problem: .unknownFormat(fileExtension: fileExtension))
        }
    }
}

/// A `FileProblem` thrown by a format's parser, which does not know the
/// file's path; the public `read` functions add it to make a `LinalgError`.
struct FileProblemError: Error {
    let problem: FileProblem
    init(_ problem: FileProblem) { self.problem = problem }
}
