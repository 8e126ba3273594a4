// The README's network example, run as written (with DescentNN for Descent).

import Foundation
import Testing

@testable import DescentNN

@Suite("README")
struct ReadmeExampleTests {
    @Test func networkExampleRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "descent-readme-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path

        var generator = Xoshiro256StarStar(seed: 1)
        let inputs = Matrix<Double>.randomNormal(rows: 32, columns: 4, using: &generator)
        let labels = (0..<32).map { $0 % 3 }
        var model = Sequential<Double>([
            try Dense(inputs: 4, outputs: 8, weightInitializer: .heNormal, using: &generator),
            Activation(.relu),
            try Dense(inputs: 8, outputs: 3, using: &generator),
        ])
        let loss = Loss.softmaxCrossEntropy(model(Tensor(inputs), mode: .training), labels: labels)
        let gradients = gradient(of: loss, withRespectTo: model.parameters).map(\.value)
        let hessian = HessianOperator(of: loss, withRespectTo: model.parameters)
        let h = hessian.fullHessian()  // 67×67, exact
        let curvature = try SymmetricEigen(of: h.symmetrized(), selecting: .largest(1)).values
        try model.save(to: path)  // loads in PyTorch

        #expect(h.rows == 67 && gradients.count == 4)
        #expect(curvature[0] > 0)
        // The gradient the operator recorded is the first-order gradient.
        #expect(zip(hessian.gradient, gradients).allSatisfy { $0.maxAbsoluteDifference($1) < 1e-15 })
    }
}
