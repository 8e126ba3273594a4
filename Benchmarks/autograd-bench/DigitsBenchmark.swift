// Suite "digits": the issue's reference point — a 64-32-10 tanh MLP on the
// first 1437 examples of the digits data (the size of an 80% training split),
// in Double: gradient, one HVP, and the full 2410×2410 Hessian with 16, 64 and
// 128 directions per sweep. The issue quotes PyTorch at ≈ 0.9 ms per gradient
// and ≈ 2.1 ms per HVP on this machine.

import BenchmarkSupport
import DescentNN

/// The examples used: an 80% split of the 1797 digits.
let digitsExamples = 1437
/// Directions per sweep of the full Hessians.
let fullHessianWidths = [16, 64, 128]

/// The digits data: 64 pixel columns (0–16) and a last column "digit".
struct DigitsData {
    var batch: Batch<Double>

    /// Reads `path`, keeps the first `examples` rows, scales pixels to [0, 1].
    /// - Throws: a message saying what is wrong with the file.
    static func read(from path: String, examples: Int) throws(InputError) -> DigitsData {
        let table: CSVTable<Double>
        do { table = try CSVFile.read(from: path, as: Double.self) } catch {
            throw InputError("cannot read the digits data: \(error)")
        }
        let matrix = table.matrix
        guard table.header?.last == "digit", matrix.columns == 65 else {
            throw InputError("'\(path)' is not the digits data: expected 64 pixel columns and a last column 'digit'")
        }
        guard matrix.rows >= examples else {
            throw InputError("'\(path)' has \(matrix.rows) examples; the benchmark needs \(examples)")
        }
        let labels = (0..<examples).map { Int(matrix[$0, 64]) }
        guard labels.allSatisfy({ (0..<10).contains($0) }) else {
            throw InputError("'\(path)': the 'digit' column must hold integers 0–9")
        }
        let pixels = Matrix<Double>(rows: examples, columns: 64) { i, j in matrix[i, j] / 16 }
        return DigitsData(batch: Batch(inputs: pixels, labels: labels, classes: 10))
    }
}

func digitsTable() -> ResultTable {
    ResultTable(
        title: "Digits, \(ModelSpec.digits.label), \(digitsExamples) examples, Double: one gradient and one HVP",
        header: ["quantity", "median", "interquartile range", "/ library gradient", "samples × calls"])
}

func fullHessianTable() -> ResultTable {
    ResultTable(
        title: "Digits, full Hessian (P = \(grouped(ModelSpec.digits.parameterCount))) by `fullHessian(directionsPerSweep:)`",
        header: ["k", "sweeps", "median", "each call", "per column / gradient"])
}

/// Measures the digits model and appends rows to both tables.
func benchmarkDigits(
    data: DigitsData, policy: MeasurementPolicy, fullHessianRepetitions: Int, seed: UInt64,
    into table: inout ResultTable, fullHessians: inout ResultTable, records: inout [ResultRecord]
) {
    let spec = ModelSpec.digits
    let batch = data.batch
    progress("digits \(spec.label) \(batch.inputs.rows) examples…")
    var generator = caseGenerator(seed: seed, suite: .digits, model: spec, batch: batch.inputs.rows, Double.self)
    let weights = modelWeights(spec, Double.self, using: &generator)
    let library = LibraryModel(spec, weights: weights, batch: batch)
    let raw = RawNetwork(spec, weights: weights, batch: batch)
    let direction = randomDirection(like: library.parameters, using: &generator)
    let hessian = library.hessianOperator()

    // Correctness first: the gradient against hand-written backprop, the HVP
    // against a central difference of hand-written gradients.
    raw.step()
    let gradientDifference = relativeDifference(library.lossGradient().map(\.value), raw.gradient)
    precondition(gradientDifference <= 1e-10, "digits: library and raw gradients differ by \(gradientDifference)")
    let step = 1e-5
    func rawGradient(at sign: Double) -> [Matrix<Double>] {
        let moved = weights.enumerated().map { index, layer in
            (
                weight: layer.weight + direction[2 * index] * (sign * step),
                bias: layer.bias + direction[2 * index + 1] * (sign * step)
            )
        }
        let network = RawNetwork(spec, weights: moved, batch: batch)
        network.step()
        return network.gradient
    }
    let (plus, minus) = (rawGradient(at: 1), rawGradient(at: -1))
    let centralDifference = zip(plus, minus).map { ($0 - $1) / (2 * step) }
    let hvpDifference = relativeDifference(hessian.apply(along: direction), centralDifference)
    precondition(hvpDifference <= 1e-6, "digits: HVP and central difference of gradients differ by \(hvpDifference)")

    let samples = measureInterleaved(
        policy: policy,
        [
            { blackHole(library.lossGradient()[0].value.elements[0]) },
            {
                raw.step()
                blackHole(raw.loss)
            },
            { blackHole(library.hessianOperator().gradient[0].elements[0]) },
            { blackHole(library.hessianOperator().apply(along: direction)[0].elements[0]) },
            { blackHole(hessian.apply(along: direction)[0].elements[0]) },
        ])
    raw.checkBuffersDidNotMove()
    let key = RecordKey(suite: .digits, model: spec, scalar: Double.self, batch: batch.inputs.rows)
    let names = [
        ("gradient", "library gradient (forward + backward)"), ("rawGradient", "raw BLAS gradient"),
        ("build", "forward + `HessianOperator` (build)"), ("hvp", "one HVP (build + `apply(along:)`)"),
        ("apply", "`apply(along:)` on an existing operator"),
    ]
    for (index, (quantity, description)) in names.enumerated() {
        let values = samples.seconds[index]
        table.append([
            description, duration(samples.median(index)),
            duration(quantile(values, 0.25)) + " – " + duration(quantile(values, 0.75)),
            fixed(samples.ratioOfMedians(index, 0), 2), samples.sampleDescription(index),
        ])
        records.append(key.record(quantity, samples, index))
    }

    // The full Hessian. A call takes seconds, so there is no separate warm-up:
    // round 1 is timed too and its matrices are checked (every width must give
    // the same one); later rounds alternate the order of the widths.
    progress("digits full Hessian, k = \(fullHessianWidths.map(String.init).joined(separator: ", "))…")
    var hessianSeconds: [[Double]] = Array(repeating: [], count: fullHessianWidths.count)
    var reference: Matrix<Double>?
    for round in 0..<fullHessianRepetitions {
        let order = round % 2 == 0 ? Array(fullHessianWidths.indices) : fullHessianWidths.indices.reversed()
        for index in order {
            let start = monotonicNanoseconds()
            let full = hessian.fullHessian(directionsPerSweep: fullHessianWidths[index])
            hessianSeconds[index].append(Double(monotonicNanoseconds() - start) * 1e-9)
            blackHole(full[0, 0])
            guard round == 0 else { continue }
            if let reference {
                let difference = relativeDifference([full], [reference])
                precondition(difference <= 1e-12, "digits: full Hessians with different k differ by \(difference)")
            } else {
                reference = full
            }
        }
    }
    let asymmetry =
        reference.map { h in Double(h.maxAbsoluteDifference(h.transposed())) / Double(h.maxAbsoluteElement()) } ?? .nan
    let hessianSamples = InterleavedSamples(
        seconds: hessianSeconds, callsPerSample: Array(repeating: 1, count: fullHessianWidths.count))
    let p = hessian.parameterCount
    for (index, k) in fullHessianWidths.enumerated() {
        let values = hessianSamples.seconds[index]
        fullHessians.append([
            "\(k)", "\((p + k - 1) / k)", duration(hessianSamples.median(index)), values.map(duration).joined(separator: ", "),
            fixed(hessianSamples.median(index) / Double(p) / samples.median(0), 2),
        ])
        var record = key.record("fullHessian", hessianSamples, index, directions: k)
        record.suite = "fullHessian"
        records.append(record)
    }
    fullHessians.notes.append(
        "Time on an existing operator (building it costs one \"build\" above), rounds interleaved, the first one checked. Max |H − Hᵀ| / max |H| = "
            + "\(String(format: "%.1e", asymmetry)); the three widths agree to 1e-12 relative. "
            + "\"per column / gradient\" = seconds / P / one library gradient.")
}
