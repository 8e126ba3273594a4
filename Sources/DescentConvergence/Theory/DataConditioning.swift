// Input preprocessing and the conditioning of a linear model's Hessian
// (LeCun, Bottou, Orr & Müller, "Efficient BackProp", 1998, §4.3 and §5;
// THEORY.md §8): raw inputs give H = Σ + mmᵀ, centring gives Σ,
// standardizing gives the correlation matrix.

import DescentLinalg

/// The conditioning of H = XᵀX/N for one preprocessing of the inputs.
public struct ConditioningReport: Sendable, Hashable, Codable {
    /// The preprocessing.
    public var preprocessing: LeastSquaresProblem.Preprocessing
    /// Whether a bias column was appended.
    public var intercept: Bool
    /// λmin and λmax of H.
    public var smallestEigenvalue: Double
    public var largestEigenvalue: Double
    /// κ = λmax/λmin on |λ| (∞ when H is singular).
    public var conditionNumber: Double
    /// (κ − 1)/(κ + 1), gradient descent's rate at η* = 2/(λmin + λmax).
    public var optimalRate: Double
    /// ⌈ln(1/ε)/(−ln ρ)⌉ at that rate for ε = 1e-6, or `nil` when κ = ∞.
    public var predictedIterations: Int?
    /// Feature columns dropped because they were constant.
    public var droppedColumns: [Int]

    /// Analyses one preprocessing of `features`.
    /// - Throws: `ConvergenceError` as ``LeastSquaresProblem/init(features:targets:preprocessing:intercept:dropConstantColumns:)``.
    public init(
        features: Matrix<Double>, preprocessing: LeastSquaresProblem.Preprocessing, intercept: Bool = false,
        dropConstantColumns: Bool = true, tolerance: Double = 1e-6
    ) throws(ConvergenceError) {
        let problem = try LeastSquaresProblem(
            features: features, targets: Matrix(rows: features.rows, columns: 1), preprocessing: preprocessing,
            intercept: intercept, dropConstantColumns: dropConstantColumns)
        self.init(problem: problem, tolerance: tolerance)
    }

    /// The report of an existing problem.
    public init(problem: LeastSquaresProblem, tolerance: Double = 1e-6) {
        let values = problem.bowl.eigenvalues
        let magnitudes = values.map(abs)
        let smallest = magnitudes.min()!
        let largest = magnitudes.max()!
        // An eigenvalue at rounding level of λmax is a zero: report κ = ∞, never a huge ratio of noise.
        let singular = smallest <= largest * Double(values.count) * .ulpOfOne
        let κ = singular ? .infinity : largest / smallest
        self.preprocessing = problem.preprocessing
        self.intercept = problem.intercept
        self.smallestEigenvalue = values.first!
        self.largestEigenvalue = values.last!
        self.conditionNumber = κ
        self.optimalRate = κ.isFinite ? (κ - 1) / (κ + 1) : 1
        self.predictedIterations = κ.isFinite ? ConvergenceTheory.iterations(toReduceErrorBy: tolerance, rate: (κ - 1) / (κ + 1)) : nil
        self.droppedColumns = problem.droppedColumns
    }

    /// Raw, centred and standardized reports of the same inputs.
    /// - Throws: `ConvergenceError` for unusable data.
    public static func all(
        features: Matrix<Double>, intercept: Bool = false, dropConstantColumns: Bool = true
    ) throws(ConvergenceError) -> [ConditioningReport] {
        var reports: [ConditioningReport] = []
        for preprocessing in LeastSquaresProblem.Preprocessing.allCases {
            reports.append(
                try ConditioningReport(
                    features: features, preprocessing: preprocessing, intercept: intercept,
                    dropConstantColumns: dropConstantColumns))
        }
        return reports
    }
}
