// DatasetError: every way a data set, a split or a batch plan can be refused.
//
// Rows and columns in these errors count from 1, as a spreadsheet or an
// editor shows them, because they point into the user's files; the messages
// say so, and say what to do.

import DescentLinalg
import DescentNN

/// Why a data set could not be loaded, built, split, standardized or batched.
///
/// Each case carries what a person needs to fix the input, and
/// ``description`` says it in one sentence with the remedy.
/// Rows and columns count from 1: `row` is the example's number (the first
/// data row after the header is row 1) and `column` the column's position in
/// the file (or in the matrix, for a data set built in memory).
public enum DatasetError: Error, Equatable, Sendable {
    /// The file could not be read or parsed: a missing or unreadable file
    /// (`.cannotOpen`), a row with a different number of cells (`.raggedRow`),
    /// a cell that is not a number (`.nonNumericCell`), or no data (`.empty`).
    case file(path: String, problem: FileProblem)
    /// A data set shipped with Descent is missing from the module's resource
    /// bundle (a packaging problem, not a data problem).
    case missingBundledResource(name: String)
    /// The data has no examples or no feature columns.
    case emptyData(source: String, examples: Int, features: Int)
    /// `targetColumn` names a column the header does not have.
    case unknownTargetColumn(name: String, available: [String])
    /// `targetColumn` is a position outside the file's `columns` columns
    /// (`index` counts from 0, as ``TargetColumn/at(_:)`` takes it).
    case targetColumnOutOfRange(index: Int, columns: Int)
    /// `targetColumn` names a column but the file has no header row.
    case missingHeader(path: String, targetColumn: String)
    /// A NaN or ±∞ at `row`, `column` (both from 1) of `source`, in the column named `columnName` if known.
    case nonFinite(source: String, row: Int, column: Int, columnName: String?, value: Double)
    /// A classification target that is not a class index 0, 1, 2, …
    case invalidLabel(source: String, row: Int, value: Double, problem: LabelProblem)
    /// Parts of a data set that do not fit together (row counts, name counts, label counts).
    case inconsistentShapes(String)
    /// A split fraction outside its range, or fractions that add up to more than 1.
    case invalidFraction(name: String, value: Double, requirement: String)
    /// An operation that needs class labels (a stratified split, one-hot encoding) on a regression data set.
    case needsLabels(operation: String)
    /// A batch size below 1.
    case invalidBatchSize(Int)
    /// Dropping the last partial batch leaves no batch: fewer examples than one batch.
    case noCompleteBatch(batchSize: Int, examples: Int)
    /// Batches of a data set with no examples.
    case noExamplesToBatch
    /// The standardizer refused the data (empty training split, wrong feature count).
    case standardization(StandardizerError)

    /// What is wrong with a class label.
    public enum LabelProblem: Equatable, Sendable {
        /// The value has a fractional part (2.5), or is too large to be an integer index.
        case notAnInteger
        /// The value is below 0.
        case negative
        /// The value exceeds ``DatasetError/largestClassIndex``; a one-hot matrix that wide is almost certainly a mistake.
        case tooLarge
    }

    /// The largest class index a label may have (2²⁰ − 1, about a million classes).
    public static let largestClassIndex = (1 << 20) - 1
}

// MARK: - Messages

extension DatasetError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .file(path, problem):
            return "\(path): \(problem)"
        case let .missingBundledResource(name):
            return "the bundled data set '\(name)' is missing from DescentTraining's resources; "
                + "rebuild the package (the Datasets folder must be copied as a resource)"
        case let .emptyData(source, examples, features):
            return "\(source) has \(examples) examples and \(features) feature columns; "
                + "a data set needs at least one example and one feature besides the target"
        case let .unknownTargetColumn(name, available):
            return "there is no column named '\(name)'; the columns are \(available.joined(separator: ", "))"
        case let .targetColumnOutOfRange(index, columns):
            return "target column \(index) (counting from 0) does not exist: the file has \(columns) columns, 0…\(columns - 1)"
        case let .missingHeader(path, targetColumn):
            return "\(path) has no header row, so the target column cannot be found by the name '\(targetColumn)'; "
                + "add a header line or choose the column by position with .at(index) or .last"
        case let .nonFinite(source, row, column, columnName, value):
            let name = columnName.map { " ('\($0)')" } ?? ""
            return "\(source): row \(row), column \(column)\(name) is \(value) (counting from 1, the first data row "
                + "after the header being row 1); remove or impute missing and infinite values before training"
        case let .invalidLabel(source, row, value, problem):
            let what =
                switch problem {
                case .notAnInteger: "is not an integer"
                case .negative: "is negative"
                case .tooLarge: "is larger than \(Self.largestClassIndex)"
                }
            return "\(source): the class label \(value) in row \(row) (counting from 1) \(what); "
                + "classification targets must be class indices 0, 1, 2, …; for a real-valued target use task: .regression"
        case let .inconsistentShapes(detail):
            return "the parts of the data set do not fit together: \(detail)"
        case let .invalidFraction(name, value, requirement):
            return "\(name) = \(value) is invalid; it must be \(requirement)"
        case let .needsLabels(operation):
            return "\(operation) needs class labels, and this data set has none (a regression target); "
                + "load it with task: .classification, or do without (a split with stratified: false)"
        case let .invalidBatchSize(size):
            return "batch size \(size) is invalid; use a size of at least 1, or .full for full-batch training"
        case let .noCompleteBatch(batchSize, examples):
            return "dropping the last partial batch leaves no batch: \(examples) examples do not fill one batch of "
                + "\(batchSize); use a smaller batch or keep the partial batch (dropLast: false)"
        case .noExamplesToBatch:
            return "the data set has no examples to batch; check the split fractions"
        case let .standardization(error):
            return error.description
        }
    }
}
