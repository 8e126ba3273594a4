#!/usr/bin/env python3
"""PyTorch and JAX reference for training-bench: training throughput of the digits MLP.

Measures, on this machine and in the same session as
`swift run -c release --scratch-path .build-bench training-bench`, the same
training in PyTorch eager and in JAX with a jitted step:

- model 64-128-10 ReLU (`nn.Linear` default initialization; JAX starts from
  the same initial weights), mean softmax cross-entropy, float32;
- data: all 1797 examples of Sources/DescentTraining/Datasets/digits.csv,
  pixels / 16, reshuffled every epoch, cut into batches of 32, 128, 1024 with
  the last partial batch kept (training-bench's Trainer does the same);
- optimizers: SGD (lr 0.1), SGD with momentum 0.9 (lr 0.01), Adam (lr 1e-3):
  `torch.optim` defaults otherwise, `optax.sgd` / `optax.adam` in JAX.

Throughput (samples per second): a run trains whole epochs from the initial
weights with a fresh optimizer; the epochs per run are chosen from a warm-up so
that a run lasts at least --min-run-time; the frameworks alternate run by run
(order rotated every round) and the result is the median of --runs runs.

- "pytorch": eager, `opt.zero_grad(set_to_none=True)`, forward,
  `F.cross_entropy`, `backward()`, `opt.step()`; the batch gathered by
  indexing with a slice of `torch.randperm`.
- "jax": one jitted step (gather by index inside the jit, value_and_grad,
  optax update, parameters and optimizer state donated), with
  `block_until_ready` after every step, as a loop that reads the loss would.
- "jax-pipelined": the same step, blocking only at the end of each epoch, so
  Python dispatches step k+1 while XLA runs step k.

Also the wall time of 20 epochs of Adam at batch 32 for each, JAX's jit
compilation (the two batch shapes, 32 and the last 5) timed separately and
excluded, and the final loss and accuracy on all examples.

A case is measured again (up to --attempts times in all) while other processes
used more than --load-limit percent of the CPUs during it: on a shared 2-CPU
machine PyTorch's OpenMP threads lose their CPU to a build next door and a case
slows down by up to 100x. Each record keeps the share others used.

Threads: `torch.set_num_threads(N)` (and OMP/MKL variables set before the
import); XLA has no thread-count flag that this jaxlib accepts, so the process
is pinned to N CPUs with `sched_setaffinity` (XLA sizes its pool from the
CPUs it may use), set before JAX is imported. On the 2-CPU benchmark machine
this changes nothing; on a larger one it keeps the comparison at N threads.

Usage:
    python3 scripts/bench_training_frameworks.py [--json PATH] [--threads N] [--runs N]
                                                 [--min-run-time S] [--attempts N] [--load-limit PERCENT]
                                                 [--quick] [--seed N]
`training-bench --frameworks PATH` reads the JSON.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

EXAMPLES = 1797
BATCH_SIZES = [32, 128, 1024]
OPTIMIZERS = ["sgd", "momentum", "adam"]
FRAMEWORKS = ["pytorch", "jax", "jax-pipelined"]
DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "DescentTraining", "Datasets", "digits.csv")


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="threads for PyTorch and JAX (default 2)")
    parser.add_argument("--json", help="write every result as JSON (training-bench --frameworks reads it)")
    parser.add_argument("--data", default=DEFAULT_DATA, help="the digits CSV (default: the bundled one)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per case, at least 5 (default 7)")
    parser.add_argument("--min-run-time", type=float, default=None, help="least seconds per run (default 0.25)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="5 runs of at least 0.05 s (a smoke run)")
    parser.add_argument("--attempts", type=int, default=4, help="measure a case again, up to N times in all (default 4),")
    parser.add_argument("--load-limit", type=float, default=10, help="while others used more than this %% of the CPUs")
    options = parser.parse_args()
    options.runs = options.runs or (5 if options.quick else 7)
    if options.runs < 5:
        parser.error("--runs must be at least 5")
    options.min_run_time = options.min_run_time or (0.05 if options.quick else 0.25)
    return options


OPTIONS = parse_options()

# Thread limits, before torch and jax are imported (both read them at start-up).
from bench_common import limit_threads  # noqa: E402  (imports nothing heavy)

ALLOWED_CPUS = limit_threads(OPTIONS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

from bench_common import cpu_times, progress, write_atomically  # noqa: E402

torch.set_num_threads(OPTIONS.threads)
LEARNING_RATES = {"sgd": 0.1, "momentum": 0.01, "adam": 1e-3}


# MARK: - Competing load (as BenchmarkSupport's CompetingLoadMonitor)


def measure_while_quiet(label, measure):
    """Runs `measure` again (at most --attempts times) while other processes used more than
    --load-limit of the CPUs during it; returns the last result and the others' share."""
    for attempt in range(1, OPTIONS.attempts + 1):
        busy, total, own = cpu_times()
        result = measure()
        busy2, total2, own2 = cpu_times()
        share = max(0.0, (busy2 - busy) - (own2 - own)) / max(total2 - total, 1)
        if share * 100 <= OPTIONS.load_limit or attempt == OPTIONS.attempts:
            return result, share
        progress(f"  {label}: other processes used {100 * share:.0f}% of the CPUs; measuring again")


# MARK: - Data and model


def load_digits(path):
    """Features (N×64, pixels / 16) and labels of the digits CSV, as numpy arrays."""
    with open(path) as file:
        header = file.readline().strip().split(",")
        if len(header) != 65 or header[-1] != "digit":
            raise SystemExit(f"error: '{path}' is not the digits data (64 pixel columns and a last column 'digit')")
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
    if table.shape[0] != EXAMPLES:
        raise SystemExit(f"error: '{path}' has {table.shape[0]} examples; {EXAMPLES} expected")
    return (table[:, :64] / 16).astype(np.float32), table[:, 64].astype(np.int64)


def initial_torch_model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def torch_optimizer(kind, parameters):
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=LEARNING_RATES[kind])
    if kind == "momentum":
        return torch.optim.SGD(parameters, lr=LEARNING_RATES[kind], momentum=0.9)
    return torch.optim.Adam(parameters, lr=LEARNING_RATES[kind])


def optax_optimizer(kind):
    if kind == "sgd":
        return optax.sgd(LEARNING_RATES[kind])
    if kind == "momentum":
        return optax.sgd(LEARNING_RATES[kind], momentum=0.9)
    return optax.adam(LEARNING_RATES[kind])


# MARK: - PyTorch


class TorchTrainer:
    """Eager PyTorch training from fixed initial weights."""

    def __init__(self, features, labels, initial_state, seed):
        self.features = torch.from_numpy(features)
        self.labels = torch.from_numpy(labels)
        self.initial_state = initial_state
        self.generator = torch.Generator().manual_seed(seed)

    def run(self, kind, batch, epochs):
        """Seconds to train `epochs` epochs (model and optimizer made inside the timed span), and the model."""
        start = time.perf_counter()
        model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        model.load_state_dict(self.initial_state)
        optimizer = torch_optimizer(kind, model.parameters())
        for _ in range(epochs):
            order = torch.randperm(EXAMPLES, generator=self.generator)
            for first in range(0, EXAMPLES, batch):
                indices = order[first : first + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = F.cross_entropy(model(self.features[indices]), self.labels[indices])
                loss.backward()
                optimizer.step()
        return time.perf_counter() - start, model

    def metrics(self, model):
        with torch.no_grad():
            logits = model(self.features)
            loss = F.cross_entropy(logits, self.labels).item()
            accuracy = (logits.argmax(dim=1) == self.labels).double().mean().item()
        return loss, accuracy


# MARK: - JAX


def logits_of(parameters, x):
    hidden = jax.nn.relu(x @ parameters["w1"].T + parameters["b1"])
    return hidden @ parameters["w2"].T + parameters["b2"]


class JaxTrainer:
    """A jitted train step per optimizer; the batch is gathered inside the jit."""

    def __init__(self, features, labels, initial_state, seed):
        self.features = jax.device_put(features)
        self.labels = jax.device_put(labels.astype(np.int32))
        self.initial = {
            "w1": initial_state["0.weight"].numpy(),
            "b1": initial_state["0.bias"].numpy(),
            "w2": initial_state["2.weight"].numpy(),
            "b2": initial_state["2.bias"].numpy(),
        }
        self.generator = np.random.default_rng(seed)
        self.steps = {kind: self.make_step(kind) for kind in OPTIMIZERS}

    @staticmethod
    def make_step(kind):
        transform = optax_optimizer(kind)

        def loss_of(parameters, x, y):
            return optax.softmax_cross_entropy_with_integer_labels(logits_of(parameters, x), y).mean()

        def step(parameters, state, features, labels, indices):
            loss, gradients = jax.value_and_grad(loss_of)(parameters, features[indices], labels[indices])
            updates, state = transform.update(gradients, state, parameters)
            return optax.apply_updates(parameters, updates), state, loss

        return transform, jax.jit(step, donate_argnums=(0, 1))

    def fresh(self, kind):
        """New device copies of the initial weights (donation consumes them) and a fresh optimizer state."""
        parameters = {name: jnp.array(value) for name, value in self.initial.items()}
        transform, _ = self.steps[kind]
        state = transform.init(parameters)
        jax.block_until_ready((parameters, state))
        return parameters, state

    def run(self, kind, batch, epochs, pipelined):
        """Seconds to train `epochs` epochs (the fresh state is made before the clock starts), and the weights."""
        parameters, state = self.fresh(kind)
        _, step = self.steps[kind]
        start = time.perf_counter()
        for _ in range(epochs):
            order = self.generator.permutation(EXAMPLES).astype(np.int32)
            for first in range(0, EXAMPLES, batch):
                parameters, state, loss = step(parameters, state, self.features, self.labels, order[first : first + batch])
                if not pipelined:
                    loss.block_until_ready()
            jax.block_until_ready(parameters)
        return time.perf_counter() - start, parameters

    def compile_seconds(self, kind, batch):
        """First calls of a new jit of the step for both batch shapes (full and last partial), blocking."""
        self.steps[kind] = self.make_step(kind)
        parameters, state = self.fresh(kind)
        _, step = self.steps[kind]
        start = time.perf_counter()
        for size in sorted({batch, EXAMPLES % batch or batch}):
            parameters, state, loss = step(parameters, state, self.features, self.labels, np.arange(size, dtype=np.int32))
            loss.block_until_ready()
        return time.perf_counter() - start

    def metrics(self, parameters):
        logits = logits_of(parameters, self.features)
        loss = optax.softmax_cross_entropy_with_integer_labels(logits, self.labels).mean()
        accuracy = (jnp.argmax(logits, axis=1) == self.labels).mean()
        return float(loss), float(accuracy)


# MARK: - Measuring


def quartiles(values):
    array = np.asarray(values, dtype=np.float64)
    return float(np.quantile(array, 0.25)), float(np.quantile(array, 0.5)), float(np.quantile(array, 0.75))


def measure_throughput(torch_trainer, jax_trainer, kind, batch):
    sides = {
        "pytorch": lambda epochs: torch_trainer.run(kind, batch, epochs)[0],
        "jax": lambda epochs: jax_trainer.run(kind, batch, epochs, pipelined=False)[0],
        "jax-pipelined": lambda epochs: jax_trainer.run(kind, batch, epochs, pipelined=True)[0],
    }
    estimates = {}
    for name, run in sides.items():
        run(1)  # warm-up (and jit compilation of both shapes for JAX)
        estimates[name] = run(2) / 2
    records = []
    for name in FRAMEWORKS:
        epochs = max(1, int(np.ceil(OPTIONS.min_run_time / max(estimates[name], 1e-9))))
        records.append({"framework": name, "optimizer": kind, "batch": batch, "epochsPerRun": epochs, "runs": []})
    for round_index in range(OPTIONS.runs):
        shift = round_index % len(FRAMEWORKS)
        for record in records[shift:] + records[:shift]:
            seconds = sides[record["framework"]](record["epochsPerRun"])
            record["runs"].append(record["epochsPerRun"] * EXAMPLES / seconds)
    for record in records:
        lower, middle, upper = quartiles(record["runs"])
        record.update(samplesPerSecond=middle, lowerQuartile=lower, upperQuartile=upper)
    return records


def measure_twenty_epochs(torch_trainer, jax_trainer):
    results = []
    torch_trainer.run("adam", 32, 1)
    runs = [torch_trainer.run("adam", 32, 20)[0] for _ in range(OPTIONS.runs)]
    loss, accuracy = torch_trainer.metrics(torch_trainer.run("adam", 32, 20)[1])
    results.append(
        {"framework": "pytorch", "seconds": statistics.median(runs), "runs": runs, "compileSeconds": None,
         "finalLoss": loss, "finalAccuracy": accuracy})
    compile_seconds = jax_trainer.compile_seconds("adam", 32)
    for name, pipelined in [("jax", False), ("jax-pipelined", True)]:
        runs = [jax_trainer.run("adam", 32, 20, pipelined)[0] for _ in range(OPTIONS.runs)]
        loss, accuracy = jax_trainer.metrics(jax_trainer.run("adam", 32, 20, pipelined)[1])
        results.append(
            {"framework": name, "seconds": statistics.median(runs), "runs": runs, "compileSeconds": compile_seconds,
             "finalLoss": loss, "finalAccuracy": accuracy})
    return results


def rate(value):
    return f"{value / 1e6:.2f}M" if value >= 1e6 else f"{value / 1e3:.0f}k"


def main():
    if OPTIONS.json:
        directory = os.path.dirname(os.path.abspath(OPTIONS.json))
        if not os.access(directory, os.W_OK):
            raise SystemExit(f"error: cannot write '{OPTIONS.json}': '{directory}' is not a writable directory")
    features, labels = load_digits(OPTIONS.data)
    initial_state = {name: value.clone() for name, value in initial_torch_model(OPTIONS.seed).state_dict().items()}
    torch_trainer = TorchTrainer(features, labels, initial_state, OPTIONS.seed)
    jax_trainer = JaxTrainer(features, labels, initial_state, OPTIONS.seed)
    started = time.perf_counter()

    progress("20 epochs of Adam at batch 32…")
    twenty, share = measure_while_quiet("20 epochs", lambda: measure_twenty_epochs(torch_trainer, jax_trainer))
    for record in twenty:
        record["competingLoad"] = share
    throughput = []
    for kind in OPTIMIZERS:
        for batch in BATCH_SIZES:
            progress(f"throughput: {kind}, batch {batch}…")
            records, share = measure_while_quiet(
                f"{kind}, batch {batch}", lambda: measure_throughput(torch_trainer, jax_trainer, kind, batch))
            for record in records:
                record["competingLoad"] = share
            throughput += records
    elapsed = time.perf_counter() - started

    settings = (
        f"torch.set_num_threads({OPTIONS.threads}); process pinned to CPUs {ALLOWED_CPUS} with sched_setaffinity "
        f"(XLA's pool follows); OMP/MKL/OPENBLAS_NUM_THREADS={OPTIONS.threads}"
    )
    print(f"# PyTorch {torch.__version__} ({torch.get_num_threads()} threads), JAX {jax.__version__}, "
          f"optax {optax.__version__}, {platform.processor() or platform.machine()}; total {elapsed:.0f} s\n")
    print("| optimizer | batch | PyTorch | JAX, blocking each step | JAX pipelined | others' CPU share |")
    print("|---|---|---|---|---|---|")
    for kind in OPTIMIZERS:
        for batch in BATCH_SIZES:
            cells = [rate(next(r["samplesPerSecond"] for r in throughput
                               if r["framework"] == name and r["optimizer"] == kind and r["batch"] == batch))
                     for name in FRAMEWORKS]
            share = next(r["competingLoad"] for r in throughput if r["optimizer"] == kind and r["batch"] == batch)
            print(f"| {kind} | {batch} | " + " | ".join(cells) + f" | {100 * share:.0f}% |")
    print("\n| 20 epochs, Adam, batch 32 | median | compile (excluded) | final loss | final accuracy |")
    print("|---|---|---|---|---|")
    for record in twenty:
        compile_text = f"{record['compileSeconds']:.2f} s" if record["compileSeconds"] is not None else "—"
        print(f"| {record['framework']} | {record['seconds']:.3f} s | {compile_text} | "
              f"{record['finalLoss']:.4f} | {100 * record['finalAccuracy']:.1f}% |")

    if OPTIONS.json:
        document = {
            "program": "scripts/bench_training_frameworks.py",
            "torchVersion": torch.__version__,
            "jaxVersion": jax.__version__,
            "optaxVersion": optax.__version__,
            "python": platform.python_version(),
            "threads": OPTIONS.threads,
            "threadSettings": settings,
            "examples": EXAMPLES,
            "seed": OPTIONS.seed,
            "totalSeconds": elapsed,
            "throughput": throughput,
            "twentyEpochs": twenty,
        }
        write_atomically(document, OPTIONS.json)
        progress(f"wrote {OPTIONS.json}")


if __name__ == "__main__":
    main()
