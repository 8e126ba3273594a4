// Comparison: our medians next to PyTorch's for the same quantities, read from
// the JSON that scripts/bench_pytorch_autograd.py writes on the same machine.

import BenchmarkSupport


/// One table per kind of comparison; rows only where PyTorch measured the same thing.
func comparisonTables(_ records: [ResultRecord], _ reference: ReferenceResults) -> [ResultTable] {
    let note =
        "PyTorch \(reference.torchVersion), \(reference.threads) threads (`torch.set_num_threads`), from "
        + "scripts/bench_pytorch_autograd.py run in the same session; ours/PyTorch < 1 means we are faster."
    var single = ResultTable(
        title: "Against PyTorch: one gradient and one HVP (double backward)",
        header: [
            "model", "type", "batch", "gradient: ours", "PyTorch", "ours/PyTorch", "HVP: ours", "PyTorch",
            "ours/PyTorch", "HVP/gradient: ours", "PyTorch",
        ])
    for gradient in records where (gradient.suite == "hvp" || gradient.suite == "digits") && gradient.quantity == "gradient" {
        guard
            let hvp = records.first(where: {
                $0.suite == gradient.suite && $0.model == gradient.model && $0.scalar == gradient.scalar
                    && $0.batch == gradient.batch && $0.quantity == "hvp"
            })
        else { continue }
        let theirGradient = reference.seconds(matching: gradient)
        let theirHVP = reference.seconds(matching: hvp)
        single.append([
            gradient.model, gradient.scalar, "\(gradient.batch)", duration(gradient.seconds), duration(theirGradient ?? .nan),
            ratioText(theirGradient.map { gradient.seconds / $0 }), duration(hvp.seconds), duration(theirHVP ?? .nan),
            ratioText(theirHVP.map { hvp.seconds / $0 }), ratioText(hvp.seconds / gradient.seconds),
            ratioText(theirHVP.flatMap { h in theirGradient.map { h / $0 } }),
        ])
    }
    single.notes = [note]

    var batched = ResultTable(
        title: "Against PyTorch: products on an existing graph, batched products and the full Hessian",
        header: ["quantity", "model", "type", "batch", "k", "ours", "PyTorch", "ours/PyTorch"])
    let names = [
        "apply": "one product on an existing graph", "applyPerDirection": "batched product, per direction",
        "fullHessian": "full Hessian",
    ]
    for record in records where names[record.quantity] != nil {
        guard let theirs = reference.seconds(matching: record) else { continue }
        batched.append([
            names[record.quantity]!, record.model, record.scalar, "\(record.batch)", record.directions.map(String.init) ?? "1",
            duration(record.seconds), duration(theirs), ratioText(record.seconds / theirs),
        ])
    }
    batched.notes = [
        note,
        "PyTorch's batched products use `torch.autograd.grad(…, is_grads_batched=True)` (vmap over the double "
            + "backward); its full Hessian is the same sweeps of k identity columns.",
    ]
    return [single, batched]
}
