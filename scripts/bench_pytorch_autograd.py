#!/usr/bin/env python3
"""PyTorch reference for autograd-bench: gradient and double-backward HVP times.

Measures, on this machine and in the same session as
`swift run -c release autograd-bench`, the same models and quantities:

- gradient: forward + `torch.autograd.grad(loss, params)`;
- hvp: forward + `grad(loss, params, create_graph=True)` + `grad(g, params, v)`
  (double backward, PyTorch's standard Hessian-vector product);
- apply: only the second `grad(g, params, v, retain_graph=True)` on an existing graph;
- applyPerDirection (k = 1, 16, 64): `grad(g, params, V, is_grads_batched=True)`
  (vmap over the double backward) divided by k;
- fullHessian (digits model, k = 16, 64, 128): the same batched products over
  ceil(P/k) chunks of identity columns.

Models, batch sizes, loss (mean softmax cross-entropy) and the digits data
(the first 1437 rows of data/digits.csv, pixels / 16) are autograd-bench's.
Inputs are standard normal and labels uniform, seeded, but not the same numbers
as the Swift program's (timing does not depend on them).

Timing follows autograd-bench: the computations of a case are interleaved
(forward order, then reverse) after a warm-up, fast calls are batched to at
least 2 ms a sample, and the result is the median seconds per call.

Usage:
    python3 scripts/bench_pytorch_autograd.py [--threads N] [--json PATH] [--quick]
Threads default to the number of online CPUs, which is what OpenBLAS uses.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from bench_common import write_atomically

SMALL = [64, 128, 10]
LARGE = [784, 256, 256, 10]
DIGITS = [64, 32, 10]
DIGITS_EXAMPLES = 1437


# MARK: - Measuring


def warm_up(body):
    """Seconds per call of `body` once warm (as autograd-bench's warmUp)."""
    start = time.perf_counter()
    body()
    estimate = time.perf_counter() - start
    if estimate < 0.25:
        start = time.perf_counter()
        body()
        estimate = time.perf_counter() - start
    if estimate < 0.001:
        calls = max(1, int(0.01 / max(estimate, 1e-9)))
        start = time.perf_counter()
        for _ in range(calls):
            body()
        estimate = (time.perf_counter() - start) / calls
    return max(estimate, 1e-9)


def measure_interleaved(bodies, minimum_repetitions, minimum_seconds, sample_seconds=0.002, maximum_repetitions=400):
    """Median seconds per call of each body, measured in interleaved rounds."""
    estimates = [warm_up(body) for body in bodies]
    slowest = max(estimates)
    target = max(sample_seconds, min(slowest, minimum_seconds / minimum_repetitions))
    calls = [max(1, round(target / estimate)) for estimate in estimates]
    samples = [[] for _ in bodies]
    totals = [0.0 for _ in bodies]
    rounds = 0
    while rounds < maximum_repetitions and (rounds < minimum_repetitions or min(totals) < minimum_seconds):
        order = range(len(bodies)) if rounds % 2 == 0 else reversed(range(len(bodies)))
        for index in order:
            start = time.perf_counter()
            for _ in range(calls[index]):
                bodies[index]()
            seconds = time.perf_counter() - start
            samples[index].append(seconds / calls[index])
            totals[index] += seconds
        rounds += 1
    return samples


def quartiles(values):
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


# MARK: - Models


def make_model(widths, activation, dtype, generator):
    layers = []
    for index in range(len(widths) - 1):
        linear = torch.nn.Linear(widths[index], widths[index + 1], dtype=dtype)
        with torch.no_grad():
            bound = (6 / (widths[index] + widths[index + 1])) ** 0.5
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-0.1, 0.1, generator=generator)
        layers.append(linear)
        if index < len(widths) - 2:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


class Case:
    """A model and a batch, with the four computations timed."""

    def __init__(self, widths, activation, dtype, batch, seed, inputs=None, labels=None):
        generator = torch.Generator().manual_seed(seed)
        self.model = make_model(widths, activation, dtype, generator)
        self.params = list(self.model.parameters())
        if inputs is None:
            inputs = torch.randn(batch, widths[0], dtype=dtype, generator=generator)
            labels = torch.randint(0, widths[-1], (batch,), generator=generator)
        self.inputs, self.labels = inputs, labels
        self.direction = [torch.randn(p.shape, dtype=dtype, generator=generator) for p in self.params]
        self.parameter_count = sum(p.numel() for p in self.params)
        self.dtype = dtype

    def loss(self):
        return F.cross_entropy(self.model(self.inputs), self.labels)

    def gradient(self):
        return torch.autograd.grad(self.loss(), self.params)

    def recorded_gradient(self):
        return torch.autograd.grad(self.loss(), self.params, create_graph=True)

    def hvp(self):
        gradient = self.recorded_gradient()
        return torch.autograd.grad(gradient, self.params, grad_outputs=self.direction)

    def apply(self, gradient, direction):
        return torch.autograd.grad(gradient, self.params, grad_outputs=direction, retain_graph=True)

    def apply_batched(self, gradient, directions):
        return torch.autograd.grad(
            gradient, self.params, grad_outputs=directions, retain_graph=True, is_grads_batched=True
        )

    def split(self, columns):
        """A k×P matrix of directions as one k×shape tensor per parameter."""
        parts, offset = [], 0
        for p in self.params:
            parts.append(columns[:, offset : offset + p.numel()].reshape(columns.shape[0], *p.shape))
            offset += p.numel()
        return parts

    def full_hessian(self, gradient, k):
        p = self.parameter_count
        hessian = torch.empty(p, p, dtype=self.dtype)
        for start in range(0, p, k):
            width = min(k, p - start)
            identity = torch.zeros(width, p, dtype=self.dtype)
            identity[torch.arange(width), start + torch.arange(width)] = 1
            products = self.apply_batched(gradient, self.split(identity))
            hessian[:, start : start + width] = torch.cat([x.reshape(width, -1) for x in products], dim=1).T
        return hessian


# MARK: - Suites


def name(widths):
    return "-".join(str(w) for w in widths)


def scalar_name(dtype):
    return "Double" if dtype == torch.float64 else "Float"


def record(records, suite, widths, dtype, batch, quantity, values, directions=None, divisor=1.0):
    q1, q2, q3 = quartiles(values)
    records.append(
        {
            "suite": suite,
            "model": name(widths),
            "scalar": scalar_name(dtype),
            "batch": batch,
            "quantity": quantity,
            "directions": directions,
            "seconds": q2 / divisor,
            "lowerQuartile": q1 / divisor,
            "upperQuartile": q3 / divisor,
            "samples": len(values),
        }
    )
    return q2 / divisor


def progress(message):
    print(message, file=sys.stderr, flush=True)


def run(options):
    policy = dict(minimum_repetitions=3 if options.quick else 7, minimum_seconds=0.02 if options.quick else 0.2)
    batches = [32, 128] if options.quick else [32, 128, 1024]
    direction_batches = [32] if options.quick else [32, 128]
    records, lines = [], []

    lines.append("| suite | model | type | batch | gradient | HVP | HVP/gradient | apply/gradient |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for dtype in (torch.float32,):
        for widths in (SMALL, LARGE):
            for batch in batches:
                progress(f"gradient {scalar_name(dtype)} {name(widths)} batch {batch}…")
                case = Case(widths, "relu", dtype, batch, options.seed)
                samples = measure_interleaved([case.gradient], **policy)
                seconds = record(records, "gradient", widths, dtype, batch, "gradient", samples[0])
                lines.append(f"| gradient | {name(widths)} | {scalar_name(dtype)} | {batch} | {seconds * 1e3:.3f} ms | | | |")
    for dtype in (torch.float64, torch.float32):
        for widths in (SMALL, LARGE):
            for batch in batches:
                progress(f"hvp {scalar_name(dtype)} {name(widths)} batch {batch}…")
                case = Case(widths, "relu", dtype, batch, options.seed)
                graph = case.recorded_gradient()
                samples = measure_interleaved(
                    [case.gradient, case.hvp, lambda: case.apply(graph, case.direction)], **policy
                )
                g = record(records, "hvp", widths, dtype, batch, "gradient", samples[0])
                h = record(records, "hvp", widths, dtype, batch, "hvp", samples[1])
                a = record(records, "hvp", widths, dtype, batch, "apply", samples[2])
                lines.append(
                    f"| hvp | {name(widths)} | {scalar_name(dtype)} | {batch} | {g * 1e3:.3f} ms | {h * 1e3:.3f} ms "
                    f"| {h / g:.2f} | {a / g:.2f} |"
                )
    for widths in (SMALL, LARGE):
        for batch in direction_batches:
            for dtype in (torch.float64, torch.float32):
                progress(f"directions {scalar_name(dtype)} {name(widths)} batch {batch}…")
                case = Case(widths, "relu", dtype, batch, options.seed)
                graph = case.recorded_gradient()
                generator = torch.Generator().manual_seed(options.seed + 1)
                bodies = [case.gradient]
                for k in (1, 16, 64):
                    directions = case.split(torch.randn(k, case.parameter_count, dtype=dtype, generator=generator))
                    bodies.append(lambda d=directions: case.apply_batched(graph, d))
                samples = measure_interleaved(bodies, **policy)
                g = record(records, "directions", widths, dtype, batch, "gradient", samples[0])
                for index, k in enumerate((1, 16, 64)):
                    per = record(
                        records, "directions", widths, dtype, batch, "applyPerDirection", samples[index + 1],
                        directions=k, divisor=k,
                    )
                    lines.append(
                        f"| directions k={k} | {name(widths)} | {scalar_name(dtype)} | {batch} | {g * 1e3:.3f} ms "
                        f"| {per * 1e3:.3f} ms per direction | {per / g:.2f} | |"
                    )

    # Digits: the reference point.
    progress("digits…")
    data = load_digits(options.data)
    dtype = torch.float64
    case = Case(DIGITS, "tanh", dtype, DIGITS_EXAMPLES, options.seed, inputs=data[0], labels=data[1])
    graph = case.recorded_gradient()
    samples = measure_interleaved([case.gradient, case.hvp, lambda: case.apply(graph, case.direction)], **policy)
    g = record(records, "digits", DIGITS, dtype, DIGITS_EXAMPLES, "gradient", samples[0])
    h = record(records, "digits", DIGITS, dtype, DIGITS_EXAMPLES, "hvp", samples[1])
    a = record(records, "digits", DIGITS, dtype, DIGITS_EXAMPLES, "apply", samples[2])
    lines.append(
        f"| digits | {name(DIGITS)} tanh | Double | {DIGITS_EXAMPLES} | {g * 1e3:.3f} ms | {h * 1e3:.3f} ms "
        f"| {h / g:.2f} | {a / g:.2f} |"
    )
    progress("digits full Hessian…")
    widths_k = (16, 64, 128)
    # One untimed call per width warms up and checks that the widths agree; then
    # `--full-hessian-repetitions` timed calls each, interleaved (a call takes seconds).
    hessians = [case.full_hessian(graph, k) for k in widths_k]
    for other in hessians[1:]:
        assert torch.allclose(other, hessians[0], rtol=0, atol=1e-12 * hessians[0].abs().max().item())
    samples = [[] for _ in widths_k]
    for repetition in range(options.full_hessian_repetitions):
        order = list(enumerate(widths_k)) if repetition % 2 == 0 else list(reversed(list(enumerate(widths_k))))
        for index, k in order:
            start = time.perf_counter()
            case.full_hessian(graph, k)
            samples[index].append(time.perf_counter() - start)
    for index, k in enumerate(widths_k):
        seconds = record(
            records, "fullHessian", DIGITS, dtype, DIGITS_EXAMPLES, "fullHessian", samples[index], directions=k
        )
        lines.append(f"| full Hessian k={k} | {name(DIGITS)} tanh | Double | {DIGITS_EXAMPLES} | | {seconds:.3f} s | | |")
    return records, lines


def load_digits(path):
    with open(path) as file:
        header = file.readline().strip().split(",")
        if header[-1] != "digit" or len(header) != 65:
            raise SystemExit(f"error: '{path}' is not the digits data (64 pixel columns and a last column 'digit')")
        rows = [[float(cell) for cell in line.split(",")] for line in file if line.strip()]
    if len(rows) < DIGITS_EXAMPLES:
        raise SystemExit(f"error: '{path}' has {len(rows)} examples; {DIGITS_EXAMPLES} are needed")
    table = torch.tensor(rows[:DIGITS_EXAMPLES], dtype=torch.float64)
    return table[:, :64] / 16, table[:, 64].long()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads (default: CPUs)")
    parser.add_argument("--json", help="write the medians as JSON (autograd-bench --pytorch reads it)")
    parser.add_argument("--data", default="data/digits.csv", help="the digits CSV (default data/digits.csv)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="small sizes and short measurements")
    parser.add_argument(
        "--full-hessian-repetitions", type=int, default=1, help="timed full Hessians per width (default 1)"
    )
    options = parser.parse_args()

    torch.set_num_threads(options.threads)
    started = time.perf_counter()
    records, lines = run(options)
    elapsed = time.perf_counter() - started
    print(f"# PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()}")
    print(f"BLAS: {'MKL' if torch.backends.mkl.is_available() else 'not MKL'}; total {elapsed:.0f} s\n")
    print("\n".join(lines))
    if options.json:
        document = {
            "torch_version": torch.__version__,
            "threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "seed": options.seed,
            "total_seconds": elapsed,
            "results": records,
        }
        write_atomically(document, options.json)
        progress(f"wrote {options.json}")


if __name__ == "__main__":
    main()
