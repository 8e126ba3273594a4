// Dataset+CSV: a data set from any numeric CSV file with one target column.
//
// Reading is DescentLinalg's `CSVFile.read` (it already points at ragged
// rows and non-numeric cells by line and column); this file adds what a data
// set needs on top: choosing the target column, rejecting NaN and ±∞ by row,
// column and name, and checking that classification targets are class indices.

import DescentLinalg

/// Which column of a CSV file holds the target.
///
/// A string literal names a column: `targetColumn: "digit"`.
public enum TargetColumn: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The rightmost column (the layout of Descent's bundled data sets and of most exports).
    case last
    /// The column with this header name (the file needs a header row).
    case named(String)
    /// The column at this position, counting from 0.
    case at(Int)

    /// The column named `value`.
    public init(stringLiteral value: String) { self = .named(value) }
}

extension Dataset {
    // MARK: - Reading a CSV file

    /// Reads a data set from a CSV file with one example per line: every
    /// column but the target is a feature.
    ///
    /// The file may have a header row (detected: a first line with any
    /// non-numeric cell); its names become ``featureNames`` and ``targetName``.
    /// Blank lines and `#` comments are skipped (see `CSVFile.read`).
    ///
    /// ```swift
    /// let houses = try Dataset<Double>(csv: "houses.csv", targetColumn: "price", task: .regression)
    /// ```
    /// - Parameters:
    ///   - path: the file to read.
    ///   - targetColumn: the target's column; the last by default.
    ///   - task: `.classification` (the target must hold class indices 0, 1, …;
    ///     C is the largest + 1) or `.regression`.
    /// - Throws: ``DatasetError/file(path:problem:)`` when the file is missing,
    ///   unreadable, ragged, has a non-numeric or empty cell, or no data;
    ///   ``DatasetError/missingHeader(path:targetColumn:)``,
    ///   ``DatasetError/unknownTargetColumn(name:available:)`` or
    ///   ``DatasetError/targetColumnOutOfRange(index:columns:)`` when the target
    ///   column cannot be found; ``DatasetError/emptyData(source:examples:features:)``
    ///   when no feature column is left; ``DatasetError/nonFinite(source:row:column:columnName:value:)``
    ///   for the first NaN or ±∞; ``DatasetError/invalidLabel(source:row:value:problem:)``
    ///   for a classification target that is not a non-negative integer.
    /// - Complexity: one pass to parse, one to check, one to separate the target.
    public init(csv path: String, targetColumn: TargetColumn = .last, task: LearningTask) throws(DatasetError) {
        let table: CSVTable<Scalar>
        do {
            table = try CSVFile.read(from: path, as: Scalar.self)
        } catch let LinalgError.file(path, problem) {
            throw .file(path: path, problem: problem)
        } catch {
            throw .file(path: path, problem: .cannotOpen(reason: "\(error)"))
        }
        try self.init(table, targetColumn: targetColumn, task: task, source: path)
    }

    /// A data set from a table already read (`CSVFile.read`), with the same
    /// checks as ``init(csv:targetColumn:task:)``.
    /// - Parameters:
    ///   - table: the header (or `nil`) and the numbers.
    ///   - targetColumn: the target's column; the last by default.
    ///   - task: `.classification` or `.regression`.
    ///   - source: what to call the table in error messages, such as its path.
    /// - Throws: as ``init(csv:targetColumn:task:)``, except for file errors.
    public init(
        _ table: CSVTable<Scalar>, targetColumn: TargetColumn = .last, task: LearningTask, source: String = "table"
    ) throws(DatasetError) {
        let matrix = table.matrix
        let columns = matrix.columns
        let target = try Self.resolve(targetColumn, header: table.header, columns: columns, source: source)
        guard matrix.rows >= 1, columns >= 2 else {
            throw .emptyData(source: source, examples: matrix.rows, features: max(columns - 1, 0))
        }
        try requireFinite(matrix, source: source, columnNames: table.header)

        // Separate the target column: each row is two contiguous runs of features around it.
        let featureCount = columns - 1
        var featureElements = [Scalar]()
        featureElements.reserveCapacity(matrix.rows * featureCount)
        var targetElements = [Scalar]()
        targetElements.reserveCapacity(matrix.rows)
        let elements = matrix.elements
        for row in 0..<matrix.rows {
            let start = row * columns
            featureElements.append(contentsOf: elements[start..<start + target])
            featureElements.append(contentsOf: elements[start + target + 1..<start + columns])
            targetElements.append(elements[start + target])
        }
        let features = Matrix(rows: matrix.rows, columns: featureCount, elements: featureElements)
        let targets = Matrix(column: targetElements)
        var featureNames = table.header
        let targetName = featureNames?.remove(at: target)

        switch task {
        case .regression:
            self.init(
                unchecked: features, targets: targets, labels: nil, classCount: nil, featureNames: featureNames,
                targetName: targetName)
        case .classification:
            let labels = try Self.classLabels(targetElements, source: source)
            self.init(
                unchecked: features, targets: targets, labels: labels, classCount: (labels.max() ?? -1) + 1,
                featureNames: featureNames, targetName: targetName)
        }
    }

    // MARK: - Helpers

    /// The position (from 0) of the target column.
    private static func resolve(
        _ targetColumn: TargetColumn, header: [String]?, columns: Int, source: String
    ) throws(DatasetError) -> Int {
        switch targetColumn {
        case .last:
            return columns - 1
        case let .at(index):
            guard index >= 0 && index < columns else { throw .targetColumnOutOfRange(index: index, columns: columns) }
            return index
        case let .named(name):
            guard let header else { throw .missingHeader(path: source, targetColumn: name) }
            guard let index = header.firstIndex(of: name) else {
                throw .unknownTargetColumn(name: name, available: header)
            }
            return index
        }
    }

    /// The targets as class indices, or the first value that is not one.
    private static func classLabels(_ values: [Scalar], source: String) throws(DatasetError) -> [Int] {
        var labels = [Int]()
        labels.reserveCapacity(values.count)
        for (row, value) in values.enumerated() {
            let problem: DatasetError.LabelProblem? =
                if value.rounded(.towardZero) != value { .notAnInteger } else if value < 0 {
                    .negative
                } else if value > Scalar(DatasetError.largestClassIndex) { .tooLarge } else { nil }
            if let problem {
                throw .invalidLabel(source: source, row: row + 1, value: Double(value), problem: problem)
            }
            labels.append(Int(value))
        }
        return labels
    }
}
