// DataConditioningAnalysis: the conditioning of a CSV data set's
// least-squares Hessian H = XᵀX/N, raw, centred and standardized
// (LeCun et al. 1998; THEORY.md §8), from a file on disk.
//
// Design note. The numbers are `ConditioningReport`'s and the reading is
// DescentTraining's `Dataset(csv:targetColumn:task:)` (header detection,
// target by name or position, NaN/∞ located by row and column name); this
// file only adds the memory check before reading and keeps the facts about
// the data that a report should print next to κ. The data set is read as a
// regression one, so any numeric target column is accepted.

import DescentLinalg
import DescentTraining

/// The conditioning of H = XᵀX/N for a data set, in each preprocessing.
public struct DataConditioningAnalysis: Sendable, Hashable, Codable {
    /// Where the data came from.
    public var source: String
    /// N, the number of examples.
    public var examples: Int
    /// The names of the feature columns (from the header), or `nil`.
    public var featureNames: [String]?
    /// The number of feature columns in the file (before constant ones are dropped).
    public var featureCount: Int
    /// The target column's name, when the file has a header.
    public var targetName: String?
    /// Whether a bias column of ones was appended.
    public var intercept: Bool
    /// Raw, centred and standardized, in that order.
    public var reports: [ConditioningReport]

    /// Reads a CSV data set and analyses its least-squares Hessian.
    /// - Parameters:
    ///   - path: a CSV file with one example per row (header optional).
    ///   - targetColumn: the column left out of the features (the last by default).
    ///   - intercept: append a bias column of ones to the features.
    ///   - memoryLimit: bytes the reading may use at most; a larger file is refused before it is read.
    /// - Throws: ``SpectrumInputError/tooLarge(path:rows:columns:neededBytes:limitBytes:)``,
    ///   `DatasetError` for the file's problems (missing, ragged, NaN with its row and column name,
    ///   unknown target column), `ConvergenceError` when no usable column is left.
    public init(
        csv path: String, targetColumn: TargetColumn = .last, intercept: Bool = false, memoryLimit: Double = .infinity
    ) throws {
        let shape = try MatrixFileShape(path: path)
        let needed = Self.memoryNeeded(rows: shape.rows, columns: shape.columns, fileBytes: shape.fileBytes)
        if needed > memoryLimit {
            throw SpectrumInputError.tooLarge(
                path: path, rows: shape.rows, columns: shape.columns, neededBytes: needed, limitBytes: memoryLimit)
        }
        let data = try Dataset<Double>(csv: path, targetColumn: targetColumn, task: .regression)
        try self.init(data, source: path, intercept: intercept)
    }

    /// Analyses a data set already in memory.
    /// - Throws: `ConvergenceError` when no usable column is left.
    public init(_ data: Dataset<Double>, source: String, intercept: Bool = false) throws {
        self.source = source
        examples = data.features.rows
        featureCount = data.features.columns
        featureNames = data.featureNames
        targetName = data.targetName
        self.intercept = intercept
        reports = try ConditioningReport.all(features: data.features, intercept: intercept)
    }

    /// The peak bytes of reading an N×c CSV file and analysing it: the file, the table, the
    /// features and their preprocessed copy (8 bytes per number each), and H with its decomposition (4·8c²).
    /// For a CSV file `rows` may be the bound from the file size that ``MatrixFileShape`` gives.
    public static func memoryNeeded(rows: Int, columns: Int, fileBytes: Int) -> Double {
        let table = 8 * Double(rows) * Double(columns)
        return Double(fileBytes) + 3 * table + 4 * 8 * Double(columns) * Double(columns)
    }
}
