#!/usr/bin/env python3
"""Summarizes a package-benchmark run of Benchmarks/Performance for docs/benchmarks.md.

Reads the Markdown that `scripts/bench --format markdown --path stdout` prints
(one table of percentiles per benchmark) and prints two Markdown tables: every
benchmark's median wall clock (with its interquartile range), median mallocs,
peak resident memory and sample count; and the ratios of the pairs the suite
measures in the same run: those timed back to back inside one benchmark
("paired", a custom metric in per mille), and those of separate benchmarks
(Descent / raw C, HVP / gradient, generic / structured, Trainer / engine step).

    scripts/bench --format markdown --path stdout --time-units nanoseconds > run.md
    python3 scripts/bench_summary.py run.md
"""

import math
import re
import sys

TIME_UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
COUNT_UNITS = {"#": 1, "K": 1e3, "M": 1e6, "G": 1e9}
DIGITS_EXAMPLES = 1797


def parse(text):
    """{benchmark name: {metric: {percentile: value in base units}}}."""
    results = {}
    name = None
    header = None
    for line in text.splitlines():
        line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line).strip()
        if line.startswith("### "):
            name = line[4:].strip()
            results[name] = {}
            header = None
        elif name and line.startswith("| Metric"):
            header = [cell.strip() for cell in line.strip("|").split("|")]
        elif name and header and line.startswith("|") and not line.startswith("|:"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            label = cells[0]
            units = re.findall(r"\(([^()]*)\)", label)
            scale = 1.0
            if units and units[-1] in TIME_UNITS:
                scale = TIME_UNITS[units[-1]]
            elif units and units[-1] in COUNT_UNITS:
                scale = COUNT_UNITS[units[-1]]
            metric = re.sub(r"\s*\([^()]*\)|\s*\*", "", label).strip()
            if label.startswith("Time (wall clock)"):
                metric = "wall"
            elif label.startswith("Malloc (total)"):
                metric = "mallocs"
            elif label.startswith("Memory (resident peak)"):
                metric = "peak"
            values = {}
            for key, cell in zip(header[1:], cells[1:]):
                try:
                    values[key] = float(cell) * (1 if key == "Samples" else scale)
                except ValueError:
                    pass
            results[name][metric] = values
    return results


def duration(seconds):
    """Three significant digits with a readable unit."""
    if seconds is None or math.isnan(seconds):
        return "—"
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            decimals = 2 if value < 10 else 1 if value < 100 else 0
            return f"{value:.{decimals}f} {unit}"


def count(value):
    if value is None:
        return "—"
    return f"{value / 1e3:.1f}k" if value >= 1e4 else f"{value:.0f}"


def megabytes(value):
    return "—" if value is None else f"{value / 1e6:.0f} MB"


def p50(results, name, metric="wall"):
    return results.get(name, {}).get(metric, {}).get("p50")


def summary_table(results):
    lines = [
        "| benchmark | wall clock p50 | p25–p75 | mallocs p50 | peak RSS | samples |",
        "|---|---|---|---|---|---|",
    ]
    for name, metrics in results.items():
        wall = metrics.get("wall", {})
        lines.append(
            f"| {name} | {duration(wall.get('p50'))} | {duration(wall.get('p25'))}–{duration(wall.get('p75'))} "
            f"| {count(metrics.get('mallocs', {}).get('p50'))} "
            f"| {megabytes(metrics.get('peak', {}).get('p50'))} "
            f"| {int(wall.get('Samples', 0))} |"
        )
    return "\n".join(lines)


def ratio_rows(results):
    """(what, numerator, denominator, divisor of the numerator) for every pair present."""
    rows = []
    for name in results:
        match = re.match(r"(GEMM|SymmetricEigen) n=(\d+) Descent", name)
        if match:
            raw = next((other for other in results if other.startswith(f"{match[1]} n={match[2]} raw")), None)
            if raw:
                rows.append((f"{match[1]} n = {match[2]}: Descent / raw", name, raw, 1))
        match = re.match(r"(HVP/gradient .*) (HVP|HVP apply only)$", name)
        if match:
            rows.append((f"{match[1]}: {match[2]} / gradient", name, f"{match[1]} gradient", 1))
        match = re.match(r"Full Hessian (\S+) generic", name)
        if match:
            rows.append((f"Full Hessian {match[1]}: generic / structured", name, f"Full Hessian {match[1]} structured", 1))
        match = re.match(r"MLP Trainer epoch (\S+) batch (\d+) (\w+)", name)
        if match:
            steps = math.ceil(DIGITS_EXAMPLES / int(match[2]))
            step = f"MLP step {match[1]} batch {match[2]} {match[3]}"
            rows.append((f"batch {match[2]} {match[3]}: Trainer epoch / {steps} / engine step", name, step, steps))
    return rows


def paired_table(results):
    """The ratios that paired benchmarks measured back to back (custom metrics in per mille)."""
    lines = ["| paired benchmark | ratio p50 | p25–p75 | samples |", "|---|---|---|---|"]
    for name, metrics in results.items():
        for metric, values in metrics.items():
            if metric in ("wall", "mallocs", "peak", "Throughput") or "p50" not in values:
                continue
            lines.append(
                f"| {name} | {values['p50'] / 1000:.3f} | {values.get('p25', math.nan) / 1000:.3f}–"
                f"{values.get('p75', math.nan) / 1000:.3f} | {int(values.get('Samples', 0))} |"
            )
    return "\n".join(lines)


def ratio_table(results):
    lines = ["| pair (separate benchmarks) | numerator p50 | denominator p50 | ratio |", "|---|---|---|---|"]
    for what, numerator, denominator, divisor in ratio_rows(results):
        top, bottom = p50(results, numerator), p50(results, denominator)
        if top is None or bottom is None:
            continue
        lines.append(f"| {what} | {duration(top / divisor)} | {duration(bottom)} | {top / divisor / bottom:.2f} |")
    return "\n".join(lines)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_summary.py RUN.md  (the output of scripts/bench --format markdown --path stdout)")
    try:
        with open(sys.argv[1], encoding="utf-8") as file:
            results = parse(file.read())
    except OSError as error:
        sys.exit(f"bench_summary.py: error: cannot read {sys.argv[1]}: {error.strerror}")
    if not results:
        sys.exit(f"bench_summary.py: error: {sys.argv[1]} holds no benchmark tables (was it run with --format markdown?)")
    print(summary_table(results))
    print()
    print(paired_table(results))
    print()
    print(ratio_table(results))


if __name__ == "__main__":
    main()
