// BundledDataset: the four small real data sets that ship with Descent.
//
// The CSV files live in the `Datasets` resource folder (attribution in its
// README.md: scikit-learn's BSD-3-Clause export of UCI data, CC BY 4.0) and
// are read through the module's resource bundle, so examples and tests work
// wherever the package is built.

import DescentLinalg
import Foundation  // Bundle.module only; the generated resource accessor imports it publicly

/// A data set bundled with DescentTraining, from the UCI Machine Learning
/// Repository (CC BY 4.0) as exported by scikit-learn (BSD-3-Clause).
///
/// | case | examples | features | target |
/// | --- | --- | --- | --- |
/// | ``digits`` | 1797 | 64 (8×8 pixel intensities 0–16) | `digit`, 10 classes |
/// | ``breastCancer`` | 569 | 30 (cell-nucleus measurements) | `benign`, 2 classes |
/// | ``wine`` | 178 | 13 (chemical analysis) | `cultivar`, 3 classes |
/// | ``diabetes`` | 442 | 10 (age, sex, bmi, bp, six serum measurements) | `progression`, real |
///
/// ```swift
/// let wine = try Dataset.load(.wine, as: Double.self)
/// ```
public enum BundledDataset: String, CaseIterable, Sendable {
    /// Handwritten digits, 8×8 images: 10 classes of 174–183 examples.
    /// Three pixels are 0 in every image, so XᵀX is singular.
    case digits
    /// Wisconsin diagnostic breast cancer: 212 malignant (0) and 357 benign (1)
    /// tumours; features span five orders of magnitude.
    case breastCancer = "breast_cancer"
    /// Wines of three cultivars (59, 71 and 48 examples); features on very different scales.
    case wine
    /// Diabetes progression one year after baseline (a real number, 25–346),
    /// from unscaled age, sex, body-mass index, blood pressure and six serum measurements.
    case diabetes

    /// Whether the target is a class (digits, breast cancer, wine) or a real value (diabetes).
    public var task: LearningTask {
        self == .diabetes ? .regression : .classification
    }

    /// N, the number of examples.
    public var exampleCount: Int {
        switch self {
        case .digits: 1797
        case .breastCancer: 569
        case .wine: 178
        case .diabetes: 442
        }
    }

    /// d, the number of features.
    public var featureCount: Int {
        switch self {
        case .digits: 64
        case .breastCancer: 30
        case .wine: 13
        case .diabetes: 10
        }
    }

    /// C, the number of classes, or `nil` for the regression set.
    public var classCount: Int? {
        switch self {
        case .digits: 10
        case .breastCancer: 2
        case .wine: 3
        case .diabetes: nil
        }
    }

    /// The file name in the `Datasets` resource folder, such as `breast_cancer.csv`.
    public var fileName: String { rawValue + ".csv" }
}

extension Dataset {
    // MARK: - Loading a bundled data set

    /// Loads one of the data sets bundled with DescentTraining: the last
    /// column is the target, the header gives the names.
    ///
    /// - Parameters:
    ///   - bundled: which data set.
    ///   - scalarType: `Float` or `Double`; the files' decimal numbers are
    ///     parsed straight into that precision.
    /// - Returns: a classification data set (labels, C from ``BundledDataset/classCount``)
    ///   or, for ``BundledDataset/diabetes``, a regression one.
    /// - Throws: ``DatasetError/missingBundledResource(name:)`` if the package
    ///   was built without its resources; otherwise the errors of
    ///   ``init(csv:targetColumn:task:)``, which the shipped files never raise.
    public static func load(_ bundled: BundledDataset, as scalarType: Scalar.Type = Scalar.self) throws(DatasetError)
        -> Dataset
    {
        guard let path = Bundle.module.path(forResource: bundled.rawValue, ofType: "csv", inDirectory: "Datasets")
        else { throw .missingBundledResource(name: bundled.fileName) }
        return try Dataset(csv: path, task: bundled.task)
    }
}
