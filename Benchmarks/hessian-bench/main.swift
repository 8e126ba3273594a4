// hessian-bench: exact Hessians of one-hidden-layer digits MLPs (structured
// assembly and generic forward-over-reverse) with their eigen-decompositions,
// and top-5 Lanczos on a 784-256-256-10 MLP, against JAX measured in the same
// session by scripts/bench_hessian_jax.py.
// Run: swift run -c release --scratch-path .build-bench hessian-bench [--quick] [--json PATH] [--frameworks PATH]
// The method and the latest results are in docs/benchmarks.md ("Hessians").

import CommandLineSupport

HessianBench.runAsProgram()
