// Data sets: the bundled CSV files against an independent parse of the same
// files, CSV loading and its errors, one-hot targets, and standardization
// fitted on the training part only.
//
// Expected values are read from the files with plain string splitting and
// `Double(String)` (a different code path from CSVFile), or are closed-form
// (counts, indices). Numbers parse exactly, so data comparisons are exact;
// standardized statistics are sums of O(N) terms of order 1, so 1e-12 in Double.

import DescentLinalg
import DescentNN
import Foundation
import Testing

@testable import DescentTraining

@Suite("Data sets")
struct DatasetTests {
    // MARK: - Helpers

    /// The shipped copy of a bundled file, found from this source file's path (not through the bundle).
    static func sourcePath(of bundled: BundledDataset) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/DescentTraining/Datasets")
            .appendingPathComponent(bundled.fileName).path
    }

    /// The header and numeric rows of a CSV file, by splitting on newlines and commas.
    static func plainParse(_ path: String) throws -> (header: [String], rows: [[Double]]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let rows = try lines.dropFirst().map { line in
            try line.split(separator: ",").map { try #require(Double(String($0))) }
        }
        return (header, rows)
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("descent-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The error a throwing expression throws (nil when it does not throw).
    static func error<T>(_ body: () throws(DatasetError) -> T) -> DatasetError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Bundled data sets

    @Test(arguments: BundledDataset.allCases)
    func bundledDataSetMatchesAPlainParseOfItsFile(_ bundled: BundledDataset) throws {
        let dataset = try Dataset.load(bundled, as: Double.self)
        let (header, rows) = try Self.plainParse(Self.sourcePath(of: bundled))
        let n = bundled.exampleCount
        let d = bundled.featureCount
        #expect(rows.count == n && header.count == d + 1)
        #expect(dataset.count == n && dataset.featureCount == d && dataset.targetCount == 1)
        #expect(dataset.features.rows == n && dataset.features.columns == d)
        #expect(dataset.featureNames == Array(header.prefix(d)) && dataset.targetName == header[d])
        #expect(dataset.features.elements == rows.flatMap { $0.prefix(d) })
        #expect(dataset.targets.elements == rows.map { $0[d] })
        switch bundled.task {
        case .classification:
            let labels = try #require(dataset.labels)
            #expect(labels == rows.map { Int($0[d]) })
            #expect(dataset.classCount == bundled.classCount)
        case .regression:
            #expect(dataset.labels == nil && dataset.classCount == nil && dataset.classCounts == nil)
        }
    }

    @Test func digitsHasTenClassesWithScikitLearnsCounts() throws {
        let digits = try Dataset.load(.digits, as: Float.self)
        #expect(digits.features.shapeDescription == "1797×64")
        #expect(digits.classCount == 10)
        // Counted from the file's last cell by string splitting, then against scikit-learn's published counts.
        let text = try String(contentsOfFile: Self.sourcePath(of: .digits), encoding: .utf8)
        var counted = [Int](repeating: 0, count: 10)
        for line in text.split(separator: "\n").dropFirst() {
            let lastCell = line.split(separator: ",").last.map(String.init) ?? ""
            counted[try #require(Int(lastCell))] += 1
        }
        #expect(digits.classCounts == counted)
        #expect(counted == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        #expect(digits.features.elements.allSatisfy { $0 >= 0 && $0 <= 16 && $0 == $0.rounded() })
    }

    @Test func classificationSetsHaveTheirKnownClassSizes() throws {
        #expect(try Dataset.load(.breastCancer, as: Double.self).classCounts == [212, 357])
        #expect(try Dataset.load(.wine, as: Double.self).classCounts == [59, 71, 48])
        let diabetes = try Dataset.load(.diabetes, as: Double.self)
        #expect(diabetes.features.shapeDescription == "442×10" && diabetes.targetName == "progression")
        #expect(diabetes.targets.elements.min() == 25 && diabetes.targets.elements.max() == 346)
    }

    // MARK: - CSV loading

    @Test func targetColumnCanBeChosenByNameOrPosition() throws {
        let path = try Self.temporaryFile("a,label,b\n1,0,2\n3,1,4\n5,2,6\n")
        let byName = try Dataset<Double>(csv: path, targetColumn: "label", task: .classification)
        let byPosition = try Dataset<Double>(csv: path, targetColumn: .at(1), task: .classification)
        #expect(byName == byPosition)
        #expect(byName.features == Matrix([[1, 2], [3, 4], [5, 6]]))
        #expect(byName.labels == [0, 1, 2] && byName.classCount == 3)
        #expect(byName.featureNames == ["a", "b"] && byName.targetName == "label")
        let lastAsRegression = try Dataset<Double>(csv: path, task: .regression)
        #expect(lastAsRegression.targets == Matrix(column: [2, 4, 6]) && lastAsRegression.labels == nil)
    }

    @Test func nanInFeaturesIsReportedByRowColumnAndName() throws {
        let path = try Self.temporaryFile("x1,x2,y\n1,2,0\n3,nan,1\n")
        let error = Self.error { () throws(DatasetError) in try Dataset<Double>(csv: path, task: .classification) }
        guard case let .nonFinite(source, row, column, name, value)? = error else {
            Issue.record("expected nonFinite, got \(String(describing: error))")
            return
        }
        #expect(source == path && row == 2 && column == 2 && name == "x2" && value.isNaN)
        let message = try #require(error).description
        #expect(message.contains("row 2, column 2 ('x2')") && message.contains("impute"))
    }

    @Test func infinityInTheTargetIsReported() throws {
        let path = try Self.temporaryFile("x,y\n1,2\n3,inf\n")
        let error = Self.error { () throws(DatasetError) in try Dataset<Float>(csv: path, task: .regression) }
        #expect(error == .nonFinite(source: path, row: 2, column: 2, columnName: "y", value: .infinity))
    }

    @Test func missingFileIsACannotOpenError() throws {
        let path = "/nonexistent-descent-folder/missing.csv"
        let error = Self.error { () throws(DatasetError) in try Dataset<Double>(csv: path, task: .regression) }
        guard case let .file(reportedPath, .cannotOpen(reason))? = error else {
            Issue.record("expected .file(.cannotOpen), got \(String(describing: error))")
            return
        }
        #expect(reportedPath == path && reason.contains("No such file"))
    }

    @Test func classLabelsMustBeNonNegativeIntegers() throws {
        let fractional = try Self.temporaryFile("x,y\n1,0\n2,2.5\n")
        #expect(
            Self.error { () throws(DatasetError) in try Dataset<Double>(csv: fractional, task: .classification) }
                == .invalidLabel(source: fractional, row: 2, value: 2.5, problem: .notAnInteger))
        let negative = try Self.temporaryFile("x,y\n1,-1\n2,0\n")
        let error = Self.error { () throws(DatasetError) in try Dataset<Double>(csv: negative, task: .classification) }
        #expect(error == .invalidLabel(source: negative, row: 1, value: -1, problem: .negative))
        #expect(error?.description.contains("task: .regression") == true)
        // The same file is a valid regression data set.
        #expect(try Dataset<Double>(csv: fractional, task: .regression).count == 2)
    }

    @Test func badShapesAndColumnsAreRefused() throws {
        let headerOnly = try Self.temporaryFile("x,y\n")
        #expect(
            Self.error { () throws(DatasetError) in try Dataset<Double>(csv: headerOnly, task: .regression) }
                == .file(path: headerOnly, problem: .empty))
        let oneColumn = try Self.temporaryFile("y\n1\n2\n")
        #expect(
            Self.error { () throws(DatasetError) in try Dataset<Double>(csv: oneColumn, task: .regression) }
                == .emptyData(source: oneColumn, examples: 2, features: 0))
        let named = try Self.temporaryFile("a,b\n1,2\n")
        #expect(
            Self.error { () throws(DatasetError) in try Dataset<Double>(csv: named, targetColumn: "c", task: .regression) }
                == .unknownTargetColumn(name: "c", available: ["a", "b"]))
        #expect(
            Self.error { () throws(DatasetError) in try Dataset<Double>(csv: named, targetColumn: .at(2), task: .regression) }
                == .targetColumnOutOfRange(index: 2, columns: 2))
        let noHeader = try Self.temporaryFile("1,2\n3,4\n")
        #expect(
            Self.error { () throws(DatasetError) in
                try Dataset<Double>(csv: noHeader, targetColumn: "y", task: .regression)
            } == .missingHeader(path: noHeader, targetColumn: "y"))
        let ragged = try Self.temporaryFile("a,b\n1,2\n3\n")
        #expect(
            Self.error { () throws(DatasetError) in try Dataset<Double>(csv: ragged, task: .regression) }
                == .file(path: ragged, problem: .raggedRow(line: 3, expected: 2, found: 1)))
    }

    // MARK: - Building in memory

    @Test func inMemoryDataIsChecked() {
        // NaN ≠ NaN, so the case is matched by pattern rather than compared with ==.
        let features = Matrix<Double>([[1, 2], [3, .nan]])
        let nanError = Self.error { () throws(DatasetError) in
            try Dataset(features: features, targets: Matrix(column: [0, 1]), featureNames: ["a", "b"])
        }
        guard case let .nonFinite("features", 2, 2, "b", value)? = nanError else {
            Issue.record("expected nonFinite at row 2, column 2 ('b'), got \(String(describing: nanError))")
            return
        }
        #expect(value.isNaN)
        let good = Matrix<Double>([[1, 2], [3, 4]])
        if case .inconsistentShapes? = Self.error({ () throws(DatasetError) in
            try Dataset(features: good, targets: Matrix(column: [0, 1, 2]))
        }) {
        } else {
            Issue.record("a target count that differs from the example count must be refused")
        }
        #expect(
            Self.error { () throws(DatasetError) in try Dataset(features: good, labels: [0, -2]) }
                == .invalidLabel(source: "labels", row: 2, value: -2, problem: .negative))
        if case .inconsistentShapes? = Self.error({ () throws(DatasetError) in
            try Dataset(features: good, labels: [0, 3], classCount: 3)
        }) {
        } else {
            Issue.record("a label not below classCount must be refused")
        }
    }

    @Test func oneHotTargetsHaveAOneInTheLabelsColumn() throws {
        let dataset = try Dataset(features: Matrix<Float>(rows: 4, columns: 2), labels: [2, 0, 1, 2], classCount: 4)
        let encoded = try dataset.oneHotEncoded()
        #expect(encoded.targets == Matrix([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]))
        #expect(encoded.labels == dataset.labels && encoded.oneHotTargets == encoded.targets)
        let regression = try Dataset(features: Matrix<Float>(rows: 2, columns: 1), targets: Matrix(column: [1, 2]))
        #expect(regression.oneHotTargets == nil)
        #expect(
            Self.error { () throws(DatasetError) in try regression.oneHotEncoded() }
                == .needsLabels(operation: "one-hot encoding"))
    }

    @Test func subsetGathersRowsInTheGivenOrder() throws {
        let wine = try Dataset.load(.wine, as: Float.self)
        let picked = wine.subset([177, 0, 5, 0])
        #expect(picked.count == 4 && picked.classCount == 3 && picked.featureNames == wine.featureNames)
        for (row, source) in [177, 0, 5, 0].enumerated() {
            #expect(picked.features.row(row) == wine.features.row(source))
            #expect(picked.targets.row(row) == wine.targets.row(source))
            #expect(picked.labels?[row] == wine.labels?[source])
        }
        #expect(wine.subset([]).count == 0)
    }

    // MARK: - Standardization

    @Test func standardizationUsesTrainingStatisticsForEveryPart() throws {
        let wine = try Dataset.load(.wine, as: Double.self)
        let splits = try wine.split(trainingFraction: 0.6, validationFraction: 0.2, seed: 11, stratified: true)
        let (standardized, standardizer) = try splits.standardized()
        let n = Double(splits.training.count)
        let raw = splits.training.features
        for j in 0..<wine.featureCount {
            // The training statistics, computed here directly.
            let column = (0..<raw.rows).map { raw[$0, j] }
            let mean = column.reduce(0, +) / n
            let deviation = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
            #expect(abs(standardizer.mean[0, j] - mean) <= 1e-12 * max(1, abs(mean)))
            let scaled = (0..<raw.rows).map { standardized.training.features[$0, j] }
            let scaledMean = scaled.reduce(0, +) / n
            let scaledVariance = scaled.map { ($0 - scaledMean) * ($0 - scaledMean) }.reduce(0, +) / n
            #expect(abs(scaledMean) <= 1e-12 && abs(scaledVariance - 1) <= 1e-12, "feature \(j)")
            // Validation: shifted and scaled by the training μ and σ, not by its own.
            for i in 0..<splits.validation.count {
                let expected = (splits.validation.features[i, j] - mean) / deviation
                #expect(abs(standardized.validation.features[i, j] - expected) <= 1e-12 * max(1, abs(expected)))
            }
        }
        // Validation's own means are not 0, which shows the statistics came from training.
        let validationMeans = (0..<wine.featureCount).map { j in
            (0..<standardized.validation.count).map { standardized.validation.features[$0, j] }.reduce(0, +)
                / Double(standardized.validation.count)
        }
        #expect(validationMeans.contains { abs($0) > 1e-3 })
        #expect(standardized.test.targets == splits.test.targets && standardized.test.labels == splits.test.labels)
    }

    @Test func standardizingWithAStandardizerOfOtherWidthIsRefused() throws {
        let wine = try Dataset.load(.wine, as: Double.self)
        let standardizer = try Standardizer(fittedTo: Matrix<Double>([[1, 2], [3, 5]]))
        #expect(
            Self.error { () throws(DatasetError) in try wine.standardized(using: standardizer) }
                == .standardization(.featureCountMismatch(expected: 2, found: 13)))
    }
}
