// Every operation's gradient and Hessian-vector product against central
// finite differences in Double, on random inputs away from kinks.

import Testing

@testable import DescentAutograd

/// Σ C ⊙ t with a fixed random C of t's shape, so that no gradient is trivially uniform.
func weightedSum(_ t: Tensor<Double>, seed: UInt64 = 99) -> Tensor<Double> {
    (t * Tensor(randomMatrix(t.rows, t.columns, in: 0.5...1.5, seed: seed))).sum()
}

/// Σ C ⊙ tanh(t): puts curvature behind linear operations so their HVPs are not zero.
func curvedSum(_ t: Tensor<Double>) -> Tensor<Double> { weightedSum(t.tanh()) }

@Suite("Derivatives of every operation")
struct OperationDerivativeTests {
    let x = randomMatrix(3, 4, seed: 1)
    let y = randomMatrix(3, 4, seed: 2)
    let positive = randomMatrix(3, 4, in: 0.5...2, seed: 3)

    // MARK: - Arithmetic with broadcasting

    @Test("+ − ⊙ ÷ with equal shapes", arguments: ["+", "-", "*", "/"])
    func binary(_ symbol: String) {
        let op: (Tensor<Double>, Tensor<Double>) -> Tensor<Double> =
            switch symbol {
            case "+": (+)
            case "-": (-)
            case "*": (*)
            default: (/)
            }
        checkDerivatives({ p in curvedSum(op(p[0], p[1])) }, at: [x, positive])
        checkDerivatives({ p in weightedSum(op(p[0], p[1])) }, at: [x, positive])
    }

    @Test(
        "broadcasting a row, a column and a scalar",
        arguments: [(1, 4), (3, 1), (1, 1)])
    func broadcasting(_ shape: (Int, Int)) {
        let small = randomMatrix(shape.0, shape.1, in: 0.5...2, seed: 4)
        for op in [(+), (-), (*), (/)] as [(Tensor<Double>, Tensor<Double>) -> Tensor<Double>] {
            checkDerivatives({ p in curvedSum(op(p[0], p[1])) }, at: [x, small])
            checkDerivatives({ p in curvedSum(op(p[1], p[0] + 3)) }, at: [x, small])
        }
    }

    @Test func scalarOperations() {
        checkDerivatives({ p in curvedSum(2 * p[0] + 3) }, at: [x])
        checkDerivatives({ p in curvedSum(3 - p[0] / 2) }, at: [x])
        checkDerivatives({ p in curvedSum(-p[0] * 0.5 - 1) }, at: [x])
        checkDerivatives({ p in weightedSum(2 / p[0]) }, at: [positive])
    }

    // MARK: - Element-wise functions

    @Test(
        "element-wise functions",
        arguments: [
            "exp", "log", "erf", "tanh", "sigmoid", "relu", "leakyReLU", "elu", "softplus", "gelu",
            "squared", "squareRoot", "reciprocal", "pow3", "pow0.5", "pow-1.5",
        ])
    func elementwise(_ name: String) {
        // Inputs away from the kinks at 0, and positive where the domain needs it.
        let mixed = Matrix(rows: 3, columns: 4) { i, j in [-1.3, -0.4, 0.3, 1.1][j] + 0.1 * Double(i) }
        let domainPositive = ["log", "squareRoot", "pow0.5", "pow-1.5", "reciprocal"].contains(name)
        let input = domainPositive ? positive : mixed
        let f: (Tensor<Double>) -> Tensor<Double> =
            switch name {
            case "exp": { $0.exp() }
            case "log": { $0.log() }
            case "erf": { $0.erf() }
            case "tanh": { $0.tanh() }
            case "sigmoid": { $0.sigmoid() }
            case "relu": { $0.relu() }
            case "leakyReLU": { $0.leakyReLU(slope: 0.1) }
            case "elu": { $0.elu(alpha: 0.7) }
            case "softplus": { $0.softplus() }
            case "gelu": { $0.gelu() }
            case "squared": { $0.squared() }
            case "squareRoot": { $0.squareRoot() }
            case "reciprocal": { $0.reciprocal() }
            case "pow3": { $0.pow(3) }
            case "pow0.5": { $0.pow(0.5) }
            default: { $0.pow(-1.5) }
            }
        checkDerivatives({ p in weightedSum(f(p[0])) }, at: [input])
        checkDerivatives({ p in curvedSum(f(p[0]) * (p[0] + 1)) }, at: [input])
    }

    @Test func functionValues() {
        let t = Tensor(Matrix<Double>(row: [-2, 0, 3]))
        #expect(t.relu().value.elements == [0, 0, 3])
        #expect(t.leakyReLU(slope: 0.1).value.elements == [-0.2, 0, 3])
        #expect(abs(t.sigmoid().value[0, 2] - 1 / (1 + Double.exp(-3))) < 1e-15)
        // Stable forms: no overflow far out.
        let far = Tensor(Matrix<Double>(row: [-800, 800]))
        #expect(far.sigmoid().value.elements == [0, 1])
        #expect(far.softplus().value.elements == [0, 800])
        // GELU(1) = Φ(1) = 0.8413447460685429 (scipy.stats.norm.cdf(1)).
        #expect(abs(Tensor(Matrix<Double>(row: [1])).gelu().scalarValue - 0.8413447460685429) < 1e-15)
        #expect(abs(Tensor(Matrix<Double>(row: [-1])).elu(alpha: 2).scalarValue - 2 * (Double.exp(-1) - 1)) < 1e-15)
    }

    // MARK: - Reductions

    @Test func sumsAndMeans() {
        checkDerivatives({ p in p[0].sum().squared() }, at: [x])
        for axis in 0...1 {
            checkDerivatives({ p in curvedSum(p[0].sum(alongAxis: axis)) }, at: [x])
            checkDerivatives({ p in curvedSum(p[0].sum(squeezingAxis: axis)) }, at: [x])
            checkDerivatives({ p in curvedSum(p[0].mean(alongAxis: axis)) }, at: [x])
            checkDerivatives({ p in curvedSum(p[0].mean(squeezingAxis: axis)) }, at: [x])
        }
        checkDerivatives({ p in p[0].mean().tanh() }, at: [x])
        #expect(Tensor(x).sum(squeezingAxis: 0).rows == 4)
        #expect(Tensor(x).sum(squeezingAxis: 1).rows == 3)
    }

    @Test func maxima() {
        for axis in 0...1 {
            checkDerivatives({ p in curvedSum(p[0].max(alongAxis: axis)) }, at: [x])
            checkDerivatives({ p in curvedSum(p[0].max(squeezingAxis: axis) * 2) }, at: [x])
        }
        let m = Tensor(Matrix<Double>([[1, 5, 5], [-1, -3, -2]])).max(alongAxis: 1)
        #expect(m.value.elements == [5, -1])
        // Ties: the derivative goes to the first maximum only, as in PyTorch.
        let w = Tensor(variable: Matrix<Double>(row: [5, 5, 1]))
        #expect(gradient(of: w.max(alongAxis: 1), withRespectTo: [w])[0].value.elements == [1, 0, 0])
        // NaN propagates.
        #expect(Tensor(Matrix<Double>(row: [1, .nan, 3])).max(alongAxis: 1).scalarValue.isNaN)
    }

    @Test func logSumExpAndSoftmax() {
        for axis in 0...1 {
            checkDerivatives({ p in weightedSum(p[0].logSumExp(alongAxis: axis)) }, at: [x])
            checkDerivatives({ p in weightedSum(p[0].logSoftmax(alongAxis: axis)) }, at: [x])
            checkDerivatives({ p in weightedSum(p[0].softmax(alongAxis: axis)) }, at: [x])
            checkDerivatives({ p in curvedSum(p[0].logSumExp(squeezingAxis: axis)) }, at: [x])
        }
        // Stable at extreme logits: log Σ exp(1000, 1000) = 1000 + log 2, and −∞ entries are fine.
        let big = Tensor(Matrix<Double>(row: [1000, 1000])).logSumExp(alongAxis: 1).scalarValue
        #expect(abs(big - (1000 + Double.log(2))) < 1e-12)
        let withMinusInfinity = Tensor(Matrix<Double>(row: [-.infinity, 0])).logSoftmax().value.elements
        #expect(withMinusInfinity == [-.infinity, 0])
        let softmax = Tensor(Matrix<Double>(row: [1, 2, 3])).softmax().value.elements
        // THEORY.md §13 item 4.
        for (value, expected) in zip(softmax, [0.0900305732, 0.2447284711, 0.6652409558]) {
            #expect(abs(value - expected) < 1e-10)
        }
    }

    // MARK: - Shapes

    @Test func transposeReshapeSlice() {
        checkDerivatives({ p in curvedSum(p[0].transposed() * p[1].transposed()) }, at: [x, y])
        checkDerivatives({ p in curvedSum(p[0].reshaped(rows: 6, columns: 2)) }, at: [x])
        checkDerivatives({ p in curvedSum(p[0].rows(1..<3)) }, at: [x])
        checkDerivatives({ p in curvedSum(p[0].columns(1..<4) * 2) }, at: [x])
        checkDerivatives({ p in curvedSum(p[0].slice(rows: 0..<2, columns: 2..<4)) }, at: [x])
        checkDerivatives({ p in curvedSum(p[0].padded(toRows: 5, columns: 6, at: (1, 2)) + 0.3) }, at: [x])
    }

    @Test func concatenation() {
        let row = randomMatrix(1, 4, seed: 5)
        let column = randomMatrix(3, 2, seed: 6)
        checkDerivatives({ p in curvedSum(Tensor.concatenating([p[0], p[1]], alongAxis: 0)) }, at: [x, row])
        checkDerivatives({ p in curvedSum(Tensor.concatenating([p[0], p[1], p[0]], alongAxis: 1)) }, at: [x, column])
        // A constant part: its tangent is zero in the batched sweep.
        checkDerivatives(
            { p in curvedSum(Tensor.concatenating([Tensor(column), p[0]], alongAxis: 1)) }, at: [x])
        let joined = Tensor.concatenating([Tensor(Matrix<Double>([[1], [2]])), Tensor(Matrix([[3], [4]]))], alongAxis: 1)
        #expect(joined.value == Matrix([[1, 3], [2, 4]]))
    }

    @Test func selection() {
        let mask = Mask(x) { $0 > 0 }
        checkDerivatives({ p in curvedSum(Tensor.where(mask, p[0] * p[0], p[1])) }, at: [x, y])
        // As in PyTorch and JAX, the branch not taken gets a zero cotangent, and
        // 0·∞ is NaN when that branch's own derivative is infinite (log at 0)…
        let w = Tensor(variable: Matrix<Double>(row: [0, 2]))
        let selectLog = Mask(rows: 1, columns: 2, elements: [false, true])
        let naive = Tensor.where(selectLog, w.log(), w).sum()
        #expect(gradient(of: naive, withRespectTo: [w])[0].value[0, 0].isNaN)
        // …so mask the input too (the "double where" trick): the gradient is then clean.
        let safeInput = Tensor.where(selectLog, w, Tensor(Matrix(row: [1, 1])))
        let safe = Tensor.where(selectLog, safeInput.log(), w).sum()
        #expect(gradient(of: safe, withRespectTo: [w])[0].value.elements == [1, 0.5])
    }

    // MARK: - Matrix product

    @Test("matmul with every transpose", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matrixProduct(_ transposes: (Bool, Bool)) {
        let (ta, tb) = transposes
        let a = randomMatrix(ta ? 4 : 3, ta ? 3 : 4, seed: 11)
        let b = randomMatrix(tb ? 5 : 4, tb ? 4 : 5, seed: 12)
        checkDerivatives({ p in curvedSum(matmul(p[0], p[1], transposingA: ta, transposingB: tb)) }, at: [a, b])
        // One operand constant (as data in a first layer).
        checkDerivatives({ p in curvedSum(matmul(Tensor(a), p[0], transposingA: ta, transposingB: tb)) }, at: [b])
        checkDerivatives({ p in curvedSum(matmul(p[0], Tensor(b), transposingA: ta, transposingB: tb)) }, at: [a])
    }

    @Test func sameTensorTwiceInAProduct() {
        // x·xᵀ: both operands are the same variable; the cotangents must add.
        checkDerivatives({ p in curvedSum(matmul(p[0], p[0], transposingB: true)) }, at: [x])
        checkDerivatives({ p in weightedSum(matmul(p[0], p[0], transposingA: true)) }, at: [x])
    }
}
