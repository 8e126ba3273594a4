// Suite "gradient": forward + backward through the library against the
// hand-written floor (RawNetwork), in Float, per model and batch size.
//
// Both sides compute the loss and the gradient of every parameter from the
// same weights and the same batch; before timing, the two gradients must agree
// to rounding. The headline is the overhead ratio library/raw (ratio of
// medians, both sides measured in the same rounds).

import BenchmarkSupport
import DescentNN

func gradientTable() -> ResultTable {
    ResultTable(
        title: "Forward + backward (loss and every parameter's gradient), Float: library vs raw BLAS",
        header: [
            "model", "P", "batch", "library (median)", "raw BLAS (median)", "library samples/s", "raw samples/s",
            "library/raw", "paired ratios: median (IQR)", "samples × calls",
        ])
}

/// Measures one model at one batch size and appends its row and records.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func benchmarkGradient<Scalar: BLASScalar>(
    _: Scalar.Type, model spec: ModelSpec, batch size: Int, policy: MeasurementPolicy, seed: UInt64,
    into table: inout ResultTable, records: inout [ResultRecord]
) {
    let inputs = CaseInputs<Scalar>(.gradient, model: spec, batch: size, seed: seed)
    let library = inputs.library
    let raw = RawNetwork(spec, weights: inputs.weights, batch: inputs.batch)

    // Correctness first: the same loss and gradient, up to the order of summation.
    let loss = library.loss().scalarValue
    let libraryGradient = library.lossGradient().map(\.value)
    raw.step()
    let difference = relativeDifference(libraryGradient, raw.gradient)
    precondition(
        difference <= summationTolerance(Scalar.self) && abs(Double(loss - raw.loss)) <= 1e-5 * abs(Double(loss)),
        "gradient \(Scalar.self) \(spec.name) batch \(size): library and raw differ (gradient \(difference), "
            + "loss \(loss) vs \(raw.loss))")

    let samples = measureInterleaved(
        policy: policy,
        [
            { blackHole(library.lossGradient()[0].value.elements[0]) },
            {
                raw.step()
                blackHole(raw.loss)
            },
        ])
    raw.checkBuffersDidNotMove()

    let (libraryTime, rawTime) = (samples.median(0), samples.median(1))
    table.append([
        spec.name, grouped(spec.parameterCount), "\(size)", duration(libraryTime), duration(rawTime),
        grouped(Int(Double(size) / libraryTime)), grouped(Int(Double(size) / rawTime)),
        fixed(samples.ratioOfMedians(0, 1), 2), ratioSummary(samples.pairedRatios(0, 1)),
        samples.sampleDescription(0),
    ])
    let key = RecordKey(suite: .gradient, model: spec, scalar: Scalar.self, batch: size)
    records.append(key.record("gradient", samples, 0))
    records.append(key.record("rawGradient", samples, 1))
}
