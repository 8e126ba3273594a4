// autograd-bench: what Descent's autograd costs over hand-written backprop on
// BLAS, and what its exact Hessian-vector products cost over a gradient.
// Run: swift run -c release autograd-bench [--quick] [--only gradient|hvp|directions|digits] [--json PATH]
// The method and the latest results are in docs/benchmarks.md ("Autograd").

import CommandLineSupport

AutogradBench.runAsProgram()
