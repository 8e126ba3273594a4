// linalg-bench: what Descent's wrappers cost over direct OpenBLAS/LAPACKE
// calls, and whether its generic element-wise code is specialized.
// Run: swift run -c release linalg-bench [--quick] [--only gemm|syevd|elementwise]
// The method and the latest results are in docs/benchmarks.md.

import CommandLineSupport

LinalgBench.runAsProgram()
