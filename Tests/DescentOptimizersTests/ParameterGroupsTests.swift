import DescentLinalg
import DescentOptimizers
import Testing

@Suite("Parameter groups and the weight-decay exclusion rule")
struct ParameterGroupsTests {
    let names = ["0.weight", "0.bias", "1.gamma", "2.weight"]
    let vectors: Set<String> = ["0.bias", "1.gamma"]

    func parameters() -> [Matrix<Double>] {
        [Matrix([[1, 2]]), Matrix([[3]]), Matrix([[4]]), Matrix([[5, 6]])]
    }

    @Test("Biases and normalization parameters get no decay; the others decay as the optimizer says")
    func defaultExclusion() throws {
        // Zero loss gradient: only decay moves parameters (w ← w − ηλw with coupled L2 in plain SGD).
        var groups = try ParameterGroups(
            names: names, vectorNames: vectors, optimizer: SGD<Double>(learningRate: 0.1, weightDecay: 0.5))
        var w = parameters()
        try groups.update(&w, with: w.map { Matrix(rows: $0.rows, columns: $0.columns) })
        #expect(w[0] == Matrix([[0.95, 1.9]]) && w[3] == Matrix([[4.75, 5.7]]))
        #expect(w[1] == Matrix([[3]]) && w[2] == Matrix([[4]]))
        #expect(groups.groups.count == 2)
    }

    @Test("A schedule's setValue reaches every group but leaves the pinned decay at 0")
    func setValueRespectsPins() throws {
        var groups = try ParameterGroups(
            names: names, vectorNames: vectors, optimizer: SGD<Double>(learningRate: 0.1, weightDecay: 0.5))
        try groups.setValue(0.2, for: .learningRate)
        try groups.setValue(0.7, for: .weightDecay)
        #expect(groups.groups.allSatisfy { $0.optimizer.value(of: .learningRate) == 0.2 })
        #expect(groups.groups[0].optimizer.value(of: .weightDecay) == 0.7)
        #expect(groups.groups[1].optimizer.value(of: .weightDecay) == 0)
        #expect(throws: OptimizerError.self) { try groups.setValue(1, for: .beta2) }
    }

    @Test("Groups equal separate optimizers on their subsets, and their state round-trips")
    func equivalenceAndState() throws {
        var groups = try ParameterGroups(
            groups: [
                ParameterGroup(indices: [0, 3], optimizer: try Adam<Double>(learningRate: 0.1)),
                ParameterGroup(indices: [1, 2], optimizer: try SGD<Double>(learningRate: 0.05, momentum: 0.9)),
            ], parameterCount: 4)
        var adam = try Adam<Double>(learningRate: 0.1)
        var sgd = try SGD<Double>(learningRate: 0.05, momentum: 0.9)
        var w = parameters()
        var a = [w[0], w[3]], s = [w[1], w[2]]
        for _ in 0..<3 {
            try groups.update(&w, with: w)  // f = ½‖w‖², ∇f = w
            try adam.update(&a, with: a)
            try sgd.update(&s, with: s)
        }
        #expect(w[0] == a[0] && w[3] == a[1] && w[1] == s[0] && w[2] == s[1])

        let saved = groups.state()
        var resumed = try ParameterGroups(
            groups: [
                ParameterGroup(indices: [0, 3], optimizer: try Adam<Double>(learningRate: 0.1)),
                ParameterGroup(indices: [1, 2], optimizer: try SGD<Double>(learningRate: 0.05, momentum: 0.9)),
            ], parameterCount: 4)
        try resumed.restore(from: saved)
        var continued = w, restarted = w
        try groups.update(&continued, with: continued)
        try resumed.update(&restarted, with: restarted)
        #expect(continued == restarted)
        #expect(resumed.stepCount == 4)
    }

    @Test("Indices that are not a partition are refused")
    func partition() {
        #expect(throws: OptimizerError.self) {
            _ = try ParameterGroups(
                groups: [ParameterGroup(indices: [0, 0], optimizer: try SGD<Double>(learningRate: 0.1))],
                parameterCount: 2)
        }
    }
}
