// Dataset+Standardization: input standardization fitted on the training part
// only, then applied unchanged to every part (LeCun et al. 1998, §4.3; the
// notes' "data normalization").
//
// Fitting on all the data would leak the validation and test examples'
// statistics into training; the statistics belong to the model, like its
// weights, and come from the training examples alone.

import DescentLinalg
import DescentNN

extension Dataset {
    // MARK: - Standardizing features

    /// The same examples with standardized features x̃ₙᵢ = (xₙᵢ − μᵢ)/σᵢ,
    /// μ and σ being `standardizer`'s (fitted elsewhere, normally on the
    /// training part); targets and labels are unchanged.
    ///
    /// ```swift
    /// let standardizer = try Standardizer(fittedTo: splits.training.features)
    /// let validation = try splits.validation.standardized(using: standardizer)
    /// ```
    /// - Throws: ``DatasetError/standardization(_:)`` wrapping
    ///   `StandardizerError.featureCountMismatch` when the standardizer was
    ///   fitted on another number of features.
    public func standardized(using standardizer: Standardizer<Scalar>) throws(DatasetError) -> Dataset {
        let standardizedFeatures: Matrix<Scalar>
        do {
            standardizedFeatures = try standardizer.standardized(features)
        } catch {
            throw .standardization(error)
        }
        return Dataset(
            unchecked: standardizedFeatures, targets: targets, labels: labels, classCount: classCount,
            featureNames: featureNames, targetName: targetName)
    }
}

extension DatasetSplits {
    // MARK: - Standardizing the three parts

    /// Fits a `Standardizer` on the training features alone and applies it to
    /// all three parts: training then has per-feature mean 0 and (population)
    /// standard deviation 1 (0 for a constant feature), while validation and
    /// test are shifted and scaled by the training statistics, not their own.
    ///
    /// Keep the returned standardizer with the model (it is a `Layer` with
    /// saved state) to standardize new inputs the same way.
    ///
    /// ```swift
    /// let (standardized, standardizer) = try splits.standardized()
    /// ```
    /// - Throws: ``DatasetError/standardization(_:)`` wrapping
    ///   `StandardizerError.emptyData` when the training part is empty.
    public func standardized() throws(DatasetError) -> (splits: DatasetSplits, standardizer: Standardizer<Scalar>) {
        let standardizer: Standardizer<Scalar>
        do {
            standardizer = try Standardizer(fittedTo: training.features)
        } catch {
            throw .standardization(error)
        }
        let splits = DatasetSplits(
            training: try training.standardized(using: standardizer),
            validation: try validation.standardized(using: standardizer),
            test: try test.standardized(using: standardizer),
            trainingIndices: trainingIndices, validationIndices: validationIndices, testIndices: testIndices)
        return (splits, standardizer)
    }
}
