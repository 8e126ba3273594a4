// Suites "hvp" and "directions": the cost of exact Hessian-vector products
// relative to the gradient of the same loss, measured in the same rounds.
//
// One HVP, as a user pays for it: the forward pass, `HessianOperator(of:…)`
// (which records the gradient's graph) and one `apply(along:)`. Also timed:
// the forward pass + operator alone ("build"), and `apply` alone on an existing
// operator (what each further product costs: Lanczos, CG, power iteration).
// The "directions" suite times `apply(to:)` with k = 1, 16 and 64 columns per
// sweep and divides by k.

import BenchmarkSupport
import DescentNN

/// The target: one HVP costs at most 2.5 gradients.
let hvpTarget = RatioTarget(maximumRatio: 2.5)

func hvpTable() -> ResultTable {
    ResultTable(
        title: "One Hessian-vector product vs one gradient (HVP = forward + `HessianOperator` + `apply(along:)`)",
        header: [
            "model", "type", "batch", "gradient (median)", "HVP (median)", "HVP/gradient",
            "paired ratios: median (IQR)", "target", "result", "build/gradient", "apply/gradient", "samples × calls",
        ])
}

func directionsTable() -> ResultTable {
    ResultTable(
        title: "`apply(to:)` with k directions per sweep, per direction, vs one gradient",
        header: [
            "model", "type", "batch", "gradient (median)", "k = 1", "k = 1 / gradient", "k = 16, per direction",
            "k = 16 / gradient", "k = 64, per direction", "k = 64 / gradient",
        ])
}

/// A seeded direction: one standard-normal matrix per parameter.
func randomDirection<Scalar: BLASScalar>(
    like parameters: [Tensor<Scalar>], using generator: inout Xoshiro256StarStar
) -> [Matrix<Scalar>] {
    parameters.map { Matrix.randomNormal(rows: $0.rows, columns: $0.columns, using: &generator) }
}

/// Measures one HVP case and appends its row and records.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func benchmarkHVP<Scalar: BLASScalar>(
    _: Scalar.Type, model spec: ModelSpec, batch size: Int, policy: MeasurementPolicy, seed: UInt64,
    into table: inout ResultTable, records: inout [ResultRecord]
) {
    var inputs = CaseInputs<Scalar>(.hvp, model: spec, batch: size, seed: seed)
    let library = inputs.library
    let direction = randomDirection(like: library.parameters, using: &inputs.generator)
    let hessian = library.hessianOperator()

    // Correctness first: the operator's gradient is the plain gradient, and a
    // product in a batch of two is the product alone.
    let plainGradient = library.lossGradient().map(\.value)
    precondition(
        relativeDifference(hessian.gradient, plainGradient) <= summationTolerance(Scalar.self),
        "hvp \(Scalar.self) \(spec.name): the operator's gradient differs from gradient(of:)")
    let single = hessian.apply(along: direction)
    let flat = Matrix(column: direction.flatMap(\.elements))
    let paired = hessian.apply(to: Matrix(rows: flat.rows, columns: 2) { i, j in j == 0 ? flat[i, 0] : 1 })
    let firstColumn = Matrix(column: (0..<paired.rows).map { paired[$0, 0] })
    precondition(
        relativeDifference([firstColumn], [Matrix(column: single.flatMap(\.elements))]) <= summationTolerance(Scalar.self),
        "hvp \(Scalar.self) \(spec.name): apply(to:) with two columns differs from apply(along:)")

    let samples = measureInterleaved(
        policy: policy,
        [
            { blackHole(library.lossGradient()[0].value.elements[0]) },
            { blackHole(library.hessianOperator().gradient[0].elements[0]) },
            { blackHole(library.hessianOperator().apply(along: direction)[0].elements[0]) },
            { blackHole(hessian.apply(along: direction)[0].elements[0]) },
        ])

    let ratio = samples.ratioOfMedians(2, 0)
    table.append(
        [
            spec.name, "\(Scalar.self)", "\(size)", duration(samples.median(0)), duration(samples.median(2)),
            fixed(ratio, 2), ratioSummary(samples.pairedRatios(2, 0)), hvpTarget.text, hvpTarget.verdict(ratio).text,
            fixed(samples.ratioOfMedians(1, 0), 2), fixed(samples.ratioOfMedians(3, 0), 2), samples.sampleDescription(2),
        ], verdict: hvpTarget.verdict(ratio))
    let key = RecordKey(suite: .hvp, model: spec, scalar: Scalar.self, batch: size)
    for (index, quantity) in ["gradient", "build", "hvp", "apply"].enumerated() {
        records.append(key.record(quantity, samples, index))
    }
}

/// Measures `apply(to:)` with 1, 16 and 64 directions and appends a row and records.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func benchmarkDirections<Scalar: BLASScalar>(
    _: Scalar.Type, model spec: ModelSpec, batch size: Int, policy: MeasurementPolicy, seed: UInt64,
    into table: inout ResultTable, records: inout [ResultRecord]
) {
    var inputs = CaseInputs<Scalar>(.directions, model: spec, batch: size, seed: seed)
    let library = inputs.library
    let hessian = library.hessianOperator()
    let counts = [1, 16, 64]
    let directions = counts.map {
        Matrix<Scalar>.randomNormal(rows: hessian.parameterCount, columns: $0, using: &inputs.generator)
    }

    // Correctness first: column j of a sweep is the product with column j alone.
    let wide = hessian.apply(to: directions[2])
    let last = hessian.apply(to: Matrix(column: (0..<wide.rows).map { directions[2][$0, 63] }))
    precondition(
        relativeDifference([Matrix(column: (0..<wide.rows).map { wide[$0, 63] })], [last]) <= summationTolerance(Scalar.self),
        "directions \(Scalar.self) \(spec.name): column 63 of a 64-wide sweep differs from the product alone")

    var bodies: [() -> Void] = [{ blackHole(library.lossGradient()[0].value.elements[0]) }]
    for matrix in directions { bodies.append { blackHole(hessian.apply(to: matrix).elements[0]) } }
    let samples = measureInterleaved(policy: policy, bodies)

    let gradientTime = samples.median(0)
    var cells = [spec.name, "\(Scalar.self)", "\(size)", duration(gradientTime)]
    let key = RecordKey(suite: .directions, model: spec, scalar: Scalar.self, batch: size)
    records.append(key.record("gradient", samples, 0))
    for (offset, k) in counts.enumerated() {
        let perDirection = samples.median(offset + 1) / Double(k)
        cells += [duration(perDirection), fixed(perDirection / gradientTime, 2)]
        records.append(key.record("applyPerDirection", samples, offset + 1, directions: k, divisor: Double(k)))
    }
    table.append(cells)
}
