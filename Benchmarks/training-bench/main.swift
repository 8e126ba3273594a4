// training-bench: training throughput of the 64-128-10 ReLU MLP on the digits
// data set, through the Trainer and through a hand-written engine step, against
// PyTorch and JAX measured by scripts/bench_training_frameworks.py.
// Run: swift run -c release --scratch-path .build-bench training-bench [--quick] [--json PATH] [--frameworks PATH]
// The method and the latest results are in docs/benchmarks.md ("Training").

import CommandLineSupport

TrainingBench.runAsProgram()
