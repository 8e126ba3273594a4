#!/usr/bin/env python3
"""JAX reference for hessian-bench: exact Hessians with eigen-decompositions, and top-5 Lanczos.

Measures on this machine, in the same session as
`swift run -c release --scratch-path .build-bench hessian-bench`, in float64:

- exact Hessians of 64-16-10, 64-32-10 and 64-64-10 tanh MLPs (P = 1,210 /
  2,410 / 4,810) on all 1797 examples of Sources/DescentTraining/Datasets/digits.csv,
  inputs standardized per feature ((x − mean)·(1/std), population std, constant
  columns left at 0), one-hot targets, for the mean ½-MSE loss ("quadratic",
  (1/N)·Σ½‖o − y‖²) and the mean softmax cross-entropy; the Hessian is
  `jax.jit(jax.hessian(loss))` of the flat parameter vector (forward-over-reverse,
  vmapped over all P basis directions), then `jnp.linalg.eigh` (values and
  vectors) and `jnp.linalg.eigvalsh`, each jitted; compile times are measured
  separately (ahead-of-time `lower().compile()`) and excluded;
- top-5 eigenvalues of the 784-256-256-10 tanh MLP's Hessian (P = 269,322)
  of the mean softmax cross-entropy on 1,000 random Gaussian inputs with random
  labels, by `scipy.sparse.linalg.eigsh(LinearOperator(hvp), k=5, which='LA')`
  with a jitted Hessian-vector product (jvp of grad); once with SciPy's default
  tolerance (0: machine precision) and once with tol = 1e-10 (the relative
  residual bound Descent's Lanczos stops at), each from the same seeded start.

Weights and the random inputs come from SplitMix64 streams that hessian-bench
draws identically (so both sides differentiate the same function and their
eigenvalues can be compared): every layer's weight (row by row, PyTorch's
out × in layout) then bias, uniform in ±1/√fan_in (PyTorch's nn.Linear
default); digits models from seed S, the Lanczos model from seed S + 1, whose
stream then gives the inputs (Box–Muller, cos branch, two uniforms per value)
and the labels (draw mod 10).

A case is measured again (up to --attempts times in all) while other processes
used more than --load-limit percent of the CPUs during it; each record keeps
the share others used.

Threads: the process is pinned to N CPUs with sched_setaffinity before JAX is
imported (XLA sizes its thread pool from the CPUs it may use; it has no
thread-count flag), and OMP/MKL/OPENBLAS_NUM_THREADS = N for SciPy.

Usage:
    python3 scripts/bench_hessian_jax.py [--json PATH] [--threads N] [--repeats N]
                                         [--models 16,32,64] [--only exact,lanczos] [--quick] [--seed N]
                                         [--attempts N] [--load-limit PERCENT]
`hessian-bench --frameworks PATH` reads the JSON.
"""

import argparse
import os
import platform
import sys
import time

DEFAULT_DATA = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "DescentTraining", "Datasets", "digits.csv")
EXAMPLES = 1797
LANCZOS_SIZES = [784, 256, 256, 10]
LANCZOS_SAMPLES = 1000


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="CPUs for JAX and SciPy (default 2)")
    parser.add_argument("--json", help="write every result as JSON (hessian-bench --frameworks reads it)")
    parser.add_argument("--data", default=DEFAULT_DATA, help="the digits CSV (default: the bundled one)")
    parser.add_argument("--repeats", type=int, default=None, help="timed calls per quantity (default 3, quick 1)")
    parser.add_argument("--models", default="16,32,64", help="hidden widths of the digits models (default 16,32,64)")
    parser.add_argument("--only", default="exact,lanczos", help="exact and/or lanczos, separated by commas (default both)")
    parser.add_argument("--quick", action="store_true", help="one repeat, the 64-16-10 model only, no Lanczos")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--attempts", type=int, default=3, help="measure a case again, up to N times in all (default 3),")
    parser.add_argument("--load-limit", type=float, default=10, help="while others used more than this %% of the CPUs")
    options = parser.parse_args()
    options.repeats = options.repeats or (1 if options.quick else 3)
    if options.repeats < 1:
        parser.error("--repeats must be at least 1")
    try:
        options.hidden = [int(width) for width in options.models.split(",")]
    except ValueError:
        parser.error(f"--models needs comma-separated hidden widths, got '{options.models}'")
    options.suites = options.only.split(",")
    if any(suite not in ["exact", "lanczos"] for suite in options.suites):
        parser.error(f"--only takes exact and/or lanczos, got '{options.only}'")
    if options.quick:
        options.hidden = [16]
        options.suites = ["exact"]
    return options


OPTIONS = parse_options()

# Thread limits, before numpy, scipy and jax are imported.
from bench_common import limit_threads  # noqa: E402  (imports nothing heavy)

ALLOWED_CPUS = limit_threads(OPTIONS.threads)

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse.linalg  # noqa: E402

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from bench_common import cpu_times, progress, write_atomically  # noqa: E402


# MARK: - Competing load (as BenchmarkSupport's CompetingLoadMonitor)


def measure_while_quiet(label, measure):
    """Runs `measure` again (at most --attempts times) while other processes used more than
    --load-limit of the CPUs during it; returns the last result with the others' share in it."""
    for attempt in range(1, OPTIONS.attempts + 1):
        busy, total, own = cpu_times()
        result = measure()
        busy2, total2, own2 = cpu_times()
        share = max(0.0, (busy2 - busy) - (own2 - own)) / max(total2 - total, 1)
        result["competingLoad"] = share
        result["attempts"] = attempt
        if share * 100 <= OPTIONS.load_limit or attempt == OPTIONS.attempts:
            return result
        progress(f"  {label}: other processes used {100 * share:.0f}% of the CPUs; measuring again")


# MARK: - SplitMix64 (the same streams as hessian-bench's Workload.swift)

GAMMA = np.uint64(0x9E3779B97F4A7C15)


class SplitMix64:
    """Steele, Lea & Flood's SplitMix64: output i is mix(seed + (i + 1)·γ), so a block of draws is vectorized."""

    def __init__(self, seed):
        self.seed = np.uint64(seed)
        self.drawn = 0

    def next_words(self, count):
        with np.errstate(over="ignore"):
            counters = np.arange(self.drawn + 1, self.drawn + count + 1, dtype=np.uint64)
            z = self.seed + counters * GAMMA
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z = z ^ (z >> np.uint64(31))
        self.drawn += count
        return z

    def uniform(self, count):
        """Uniform in [0, 1): the top 53 bits times 2⁻⁵³."""
        return (self.next_words(count) >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def symmetric_uniform(self, count, bound):
        """Uniform in [−bound, bound): bound·(2u − 1)."""
        return bound * (2 * self.uniform(count) - 1)

    def normal(self, count):
        """Box–Muller, cos branch: √(−2 log(1 − u₁))·cos(2π u₂), u₁ and u₂ interleaved."""
        pairs = self.uniform(2 * count).reshape(count, 2)
        return np.sqrt(-2 * np.log(1 - pairs[:, 0])) * np.cos(2 * np.pi * pairs[:, 1])


def initial_parameters(sizes, generator):
    """The flat vector W₁ (row by row, out × in), b₁, W₂, b₂, …, each uniform in ±1/√fan_in."""
    pieces = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        pieces.append(generator.symmetric_uniform(fan_out * fan_in, bound))
        pieces.append(generator.symmetric_uniform(fan_out, bound))
    return np.concatenate(pieces)


# MARK: - Data and model


def load_digits(path):
    """Standardized features (N×64) and one-hot targets (N×10) of the digits CSV."""
    with open(path) as file:
        header = file.readline().strip().split(",")
        if len(header) != 65 or header[-1] != "digit":
            raise SystemExit(f"error: '{path}' is not the digits data (64 pixel columns and a last column 'digit')")
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
    if table.shape[0] != EXAMPLES:
        raise SystemExit(f"error: '{path}' has {table.shape[0]} examples; {EXAMPLES} expected")
    features = table[:, :64]
    mean = features.mean(axis=0)
    deviation = features.std(axis=0)
    deviation[deviation == 0] = 1
    labels = table[:, 64].astype(np.int64)
    return (features - mean) * (1 / deviation), np.eye(10)[labels]


def mlp_loss(sizes, loss):
    """The mean loss of a tanh MLP as a function of the flat parameter vector, inputs and targets."""

    def function(flat, x, y):
        offset = 0
        h = x
        for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            w = flat[offset : offset + fan_out * fan_in].reshape(fan_out, fan_in)
            offset += fan_out * fan_in
            b = flat[offset : offset + fan_out]
            offset += fan_out
            h = h @ w.T + b
            if index < len(sizes) - 2:
                h = jnp.tanh(h)
        if loss == "quadratic":
            return 0.5 * jnp.sum((h - y) ** 2) / x.shape[0]
        return -jnp.sum(y * jax.nn.log_softmax(h, axis=1)) / x.shape[0]

    return function


# MARK: - Measuring


def timed(call, repeats):
    """Seconds of each of `repeats` calls (each blocks until its result is ready), and the last result."""
    runs = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = jax.block_until_ready(call())
        runs.append(time.perf_counter() - start)
    return runs, result


def compiled(function, *arguments):
    """`jax.jit(function)` compiled ahead of time for `arguments` (which it then takes), and the seconds
    compilation took."""
    start = time.perf_counter()
    executable = jax.jit(function).lower(*arguments).compile()
    return executable, time.perf_counter() - start


def measure_exact(hidden, loss, features, targets):
    sizes = [64, hidden, 10]
    parameters = jnp.asarray(initial_parameters(sizes, SplitMix64(OPTIONS.seed)))
    x, y = jnp.asarray(features), jnp.asarray(targets)
    function = mlp_loss(sizes, loss)
    # The data are arguments, not closed-over constants, so XLA cannot fold any of the work into compilation.
    hessian_function, hessian_compile = compiled(jax.hessian(function), parameters, x, y)
    hessian_runs, hessian = timed(lambda: hessian_function(parameters, x, y), OPTIONS.repeats)
    eigh_function, eigh_compile = compiled(jnp.linalg.eigh, hessian)
    eigh_runs, (values, _) = timed(lambda: eigh_function(hessian), OPTIONS.repeats)
    eigvalsh_function, eigvalsh_compile = compiled(jnp.linalg.eigvalsh, hessian)
    eigvalsh_runs, values_only = timed(lambda: eigvalsh_function(hessian), OPTIONS.repeats)
    values = np.asarray(values)
    matrix = np.asarray(hessian)
    return {
        "model": f"64-{hidden}-10", "loss": loss, "parameters": int(parameters.shape[0]),
        "hessianSeconds": float(np.median(hessian_runs)), "hessianRuns": hessian_runs,
        "hessianCompileSeconds": hessian_compile,
        "eighSeconds": float(np.median(eigh_runs)), "eighRuns": eigh_runs, "eighCompileSeconds": eigh_compile,
        "eigvalshSeconds": float(np.median(eigvalsh_runs)), "eigvalshRuns": eigvalsh_runs,
        "eigvalshCompileSeconds": eigvalsh_compile,
        "largestEigenvalue": float(values[-1]), "smallestEigenvalue": float(values[0]),
        "trace": float(np.trace(matrix)), "frobeniusNorm": float(np.linalg.norm(matrix)),
        "maxEigenvalueDifferenceEighEigvalsh": float(np.max(np.abs(values - np.asarray(values_only)))),
    }


def lanczos_problem():
    generator = SplitMix64(OPTIONS.seed + 1)
    parameters = initial_parameters(LANCZOS_SIZES, generator)
    inputs = generator.normal(LANCZOS_SAMPLES * LANCZOS_SIZES[0]).reshape(LANCZOS_SAMPLES, LANCZOS_SIZES[0])
    labels = (generator.next_words(LANCZOS_SAMPLES) % np.uint64(10)).astype(np.int64)
    return parameters, inputs, np.eye(10)[labels]


def measure_lanczos():
    parameters, inputs, targets = lanczos_problem()
    w, x, y = jnp.asarray(parameters), jnp.asarray(inputs), jnp.asarray(targets)
    function = mlp_loss(LANCZOS_SIZES, "softmaxCrossEntropy")
    gradient = jax.grad(function)

    def product(u, v, inputs, labels):
        return jax.jvp(lambda point: gradient(point, inputs, labels), (u,), (v,))[1]

    # Point and data are arguments, not closed-over constants: XLA would otherwise fold the
    # forward pass into compilation (it warns that constant folding takes seconds) and time
    # only the rest.
    hvp, compile_seconds = compiled(product, w, w, x, y)
    start_vector = np.random.default_rng(OPTIONS.seed).standard_normal(w.shape[0])
    hvp_runs, _ = timed(lambda: hvp(w, jnp.asarray(start_vector), x, y), max(5, OPTIONS.repeats))
    results = []
    for tolerance in [0.0, 1e-10]:
        counter = {"products": 0}

        def matvec(v):
            counter["products"] += 1
            return np.asarray(hvp(w, jnp.asarray(v.reshape(-1)), x, y))

        operator = scipy.sparse.linalg.LinearOperator((w.shape[0], w.shape[0]), matvec=matvec, dtype=np.float64)
        runs, products, values = [], [], None
        for _ in range(OPTIONS.repeats):
            counter["products"] = 0
            start = time.perf_counter()
            values = scipy.sparse.linalg.eigsh(operator, k=5, which="LA", tol=tolerance, v0=start_vector,
                                               return_eigenvectors=False)
            runs.append(time.perf_counter() - start)
            products.append(counter["products"])
        results.append({
            "tolerance": tolerance, "seconds": float(np.median(runs)), "runs": runs, "products": products,
            "eigenvalues": sorted((float(v) for v in values), reverse=True),
        })
    return {
        "model": "784-256-256-10", "loss": "softmaxCrossEntropy", "parameters": int(w.shape[0]),
        "samples": LANCZOS_SAMPLES, "hvpSeconds": float(np.median(hvp_runs)), "hvpCompileSeconds": compile_seconds,
        "eigsh": results,
    }


def main():
    if OPTIONS.json:
        directory = os.path.dirname(os.path.abspath(OPTIONS.json))
        if not os.access(directory, os.W_OK):
            raise SystemExit(f"error: cannot write '{OPTIONS.json}': '{directory}' is not a writable directory")
    features, targets = load_digits(OPTIONS.data)
    started = time.perf_counter()
    exact = []
    for hidden in OPTIONS.hidden if "exact" in OPTIONS.suites else []:
        for loss in ["quadratic", "softmaxCrossEntropy"]:
            progress(f"exact Hessian 64-{hidden}-10, {loss}…")
            exact.append(measure_while_quiet(
                f"64-{hidden}-10 {loss}", lambda: measure_exact(hidden, loss, features, targets)))
    lanczos = None
    if "lanczos" in OPTIONS.suites:
        progress("Lanczos top-5, 784-256-256-10…")
        lanczos = measure_while_quiet("Lanczos", measure_lanczos)
    elapsed = time.perf_counter() - started

    print(f"# JAX {jax.__version__}, SciPy {scipy.__version__}, NumPy {np.__version__}, "
          f"{OPTIONS.threads} CPUs {ALLOWED_CPUS}; total {elapsed:.0f} s\n")
    print("| model | loss | P | jax.hessian | eigh | eigvalsh | compile (excluded) | λmax | others' CPU share |")
    print("|---|---|---|---|---|---|---|---|---|")
    for record in exact:
        compile_seconds = record["hessianCompileSeconds"] + record["eighCompileSeconds"]
        print(f"| {record['model']} | {record['loss']} | {record['parameters']} | {record['hessianSeconds']:.3f} s | "
              f"{record['eighSeconds']:.3f} s | {record['eigvalshSeconds']:.3f} s | {compile_seconds:.2f} s | "
              f"{record['largestEigenvalue']:.10g} | {100 * record['competingLoad']:.0f}% |")
    if lanczos:
        print(f"\nLanczos 784-256-256-10 (P = {lanczos['parameters']}), one HVP {1e3 * lanczos['hvpSeconds']:.1f} ms, "
              f"others used {100 * lanczos['competingLoad']:.0f}% of the CPUs:")
        for result in lanczos["eigsh"]:
            print(f"- eigsh tol={result['tolerance']:g}: {result['seconds']:.3f} s, products {result['products']}, "
                  f"top-5 {', '.join(f'{v:.12g}' for v in result['eigenvalues'])}")

    if OPTIONS.json:
        document = {
            "program": "scripts/bench_hessian_jax.py", "jaxVersion": jax.__version__, "scipyVersion": scipy.__version__,
            "numpyVersion": np.__version__, "python": platform.python_version(), "threads": OPTIONS.threads,
            "threadSettings": f"process pinned to CPUs {ALLOWED_CPUS} with sched_setaffinity (XLA's pool follows); "
                              f"OMP/MKL/OPENBLAS_NUM_THREADS={OPTIONS.threads}",
            "seed": OPTIONS.seed, "repeats": OPTIONS.repeats, "totalSeconds": elapsed, "exact": exact,
            "lanczos": lanczos,
        }
        write_atomically(document, OPTIONS.json)
        progress(f"wrote {OPTIONS.json}")


if __name__ == "__main__":
    main()
