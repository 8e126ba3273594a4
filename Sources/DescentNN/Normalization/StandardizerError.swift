// StandardizerError: the ways user data can be unfit for standardization.

/// Why data could not be standardized. Each case says what to fix;
/// ``description`` says it in one sentence. Rows and columns count from 0.
public enum StandardizerError: Error, Equatable, Sendable {
    /// The data to fit has no examples (rows) or no features (columns).
    case emptyData(rows: Int, columns: Int)
    /// The element at `row`, `column` is NaN or ±∞ (the first such element, row by row).
    case nonFinite(row: Int, column: Int, value: Double)
    /// The data has `found` features (columns) but the standardizer was fitted on `expected`.
    case featureCountMismatch(expected: Int, found: Int)
}

extension StandardizerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .emptyData(rows, columns):
            return "Standardizer: the training data is \(rows)×\(columns); "
                + "fitting needs at least one example (row) and one feature (column)"
        case let .nonFinite(row, column, value):
            return "Standardizer: the value at row \(row), column \(column) (counting from 0) is \(value); "
                + "standardization needs finite numbers: remove or impute missing (NaN) and infinite values first"
        case let .featureCountMismatch(expected, found):
            return "Standardizer: the data has \(found) features (columns) but the standardizer was fitted on \(expected); "
                + "pass data with the same columns, in the same order, as the training data"
        }
    }
}
