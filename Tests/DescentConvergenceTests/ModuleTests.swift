// The module's re-exports: code importing only DescentConvergence sees the
// matrices and optimizers it drives.

import DescentConvergence
import Testing

@Suite struct ModuleTests {
    @Test func reexportsLinalgAndOptimizers() throws {
        var sgd = try SGD<Double>(learningRate: 0.5)
        var w = [Matrix<Double>(column: [2])]
        try sgd.update(&w, with: [w[0]])  // f = ½w², ∇f = w
        #expect(w[0][0, 0] == 1)
    }
}
