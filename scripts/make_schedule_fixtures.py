#!/usr/bin/env python3
"""Write the PyTorch and optax reference values for Descent's schedules.

Writes Tests/DescentOptimizersTests/Fixtures/schedules_pytorch.json:

- "schedules": for each case, the learning rate (and, for CyclicLR and
  OneCycleLR, the momentum they cycle) that torch.optim.lr_scheduler hands to
  the optimizer's update number 0, 1, 2, ... A case's "values"[k] is the rate
  read from the optimizer just before its (k+1)-th `optimizer.step()`, the
  loop PyTorch documents (`optimizer.step()` then `scheduler.step()`). That is
  Descent's `value(atStep: k)`: k updates already taken.
- "optax": the same for optax schedules evaluated at count = 0, 1, 2, ...
  (optax's count is the number of updates already taken too), with JAX in
  float64 (`jax_enable_x64`), since optax evaluates in float32 otherwise.
- "plateau": torch ReduceLROnPlateau fed a fixed metric sequence; "values"[k]
  is the learning rate after `scheduler.step(metrics[k])`.

Every case lists its parameters under PyTorch's or optax's own names; the
Swift tests (ScheduleTests.swift) build the matching Descent schedule with the
same numbers.

Usage (from the repository root):

    pip install numpy jax optax torch --index-url https://download.pytorch.org/whl/cpu \\
        --extra-index-url https://pypi.org/simple
    python3 scripts/make_schedule_fixtures.py

Nothing here is random: re-running the script leaves `git status` clean.
"""

import json
import pathlib
import warnings

import torch
from torch.optim import lr_scheduler

OUTPUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "Tests/DescentOptimizersTests/Fixtures/schedules_pytorch.json"
)
BASE_LEARNING_RATE = 0.1


def run_pytorch(name, make_scheduler, steps, parameters, momentum=0.0, record_momentum=False):
    """Runs `steps` updates of SGD on one zero-gradient parameter under a scheduler."""
    weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=BASE_LEARNING_RATE, momentum=momentum)
    scheduler = make_scheduler(optimizer)
    rates, momenta = [], []
    for _ in range(steps):
        rates.append(float(optimizer.param_groups[0]["lr"]))
        momenta.append(float(optimizer.param_groups[0]["momentum"]))
        weight.grad = torch.zeros_like(weight)
        optimizer.step()
        scheduler.step()
    case = {"name": name, "scheduler": type(scheduler).__name__, "parameters": parameters, "values": rates}
    if record_momentum:
        case["momentum"] = momenta
    return case


def pytorch_cases():
    cases = []

    cases.append(run_pytorch(
        "step", lambda o: lr_scheduler.StepLR(o, step_size=30, gamma=0.5), 200,
        {"lr": 0.1, "step_size": 30, "gamma": 0.5}))

    cases.append(run_pytorch(
        "multistep", lambda o: lr_scheduler.MultiStepLR(o, milestones=[20, 50, 50, 120], gamma=0.3), 200,
        {"lr": 0.1, "milestones": [20, 50, 50, 120], "gamma": 0.3}))

    cases.append(run_pytorch(
        "exponential", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.97), 300,
        {"lr": 0.1, "gamma": 0.97}))

    # CosineAnnealingLR is periodic past T_max (Descent's CosineDecay stays at
    # eta_min there, as optax does), so only steps 0...T_max are compared.
    cases.append(run_pytorch(
        "cosine", lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=100, eta_min=0.001), 101,
        {"lr": 0.1, "T_max": 100, "eta_min": 0.001}))

    cases.append(run_pytorch(
        "cosine_restarts", lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.001),
        300, {"lr": 0.1, "T_0": 10, "T_mult": 2, "eta_min": 0.001}))

    cases.append(run_pytorch(
        "cosine_restarts_constant_period",
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=25, T_mult=1, eta_min=0.0), 200,
        {"lr": 0.1, "T_0": 25, "T_mult": 1, "eta_min": 0.0}))

    cases.append(run_pytorch(
        "cyclic_triangular",
        lambda o: lr_scheduler.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=20, mode="triangular",
                                        base_momentum=0.8, max_momentum=0.9),
        200, {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 20, "mode": "triangular",
              "base_momentum": 0.8, "max_momentum": 0.9},
        momentum=0.9, record_momentum=True))

    cases.append(run_pytorch(
        "cyclic_triangular2",
        lambda o: lr_scheduler.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=15, step_size_down=35,
                                        mode="triangular2", base_momentum=0.85, max_momentum=0.95),
        250, {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 15, "step_size_down": 35, "mode": "triangular2",
              "base_momentum": 0.85, "max_momentum": 0.95},
        momentum=0.9, record_momentum=True))

    cases.append(run_pytorch(
        "cyclic_exp_range",
        lambda o: lr_scheduler.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=25, mode="exp_range",
                                        gamma=0.99, base_momentum=0.8, max_momentum=0.9),
        300, {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 25, "mode": "exp_range", "gamma": 0.99,
              "base_momentum": 0.8, "max_momentum": 0.9},
        momentum=0.9, record_momentum=True))

    # OneCycleLR raises past total_steps: the last update it schedules is number total_steps - 1.
    cases.append(run_pytorch(
        "one_cycle_cosine",
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=200, pct_start=0.3, anneal_strategy="cos",
                                          div_factor=25.0, final_div_factor=1e4, base_momentum=0.85,
                                          max_momentum=0.95),
        200, {"max_lr": 0.1, "total_steps": 200, "pct_start": 0.3, "anneal_strategy": "cos", "div_factor": 25.0,
              "final_div_factor": 1e4, "base_momentum": 0.85, "max_momentum": 0.95, "three_phase": False},
        momentum=0.9, record_momentum=True))

    cases.append(run_pytorch(
        "one_cycle_linear_three_phase",
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.05, total_steps=150, pct_start=0.25,
                                          anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0,
                                          three_phase=True, base_momentum=0.8, max_momentum=0.9),
        150, {"max_lr": 0.05, "total_steps": 150, "pct_start": 0.25, "anneal_strategy": "linear",
              "div_factor": 10.0, "final_div_factor": 100.0, "base_momentum": 0.8, "max_momentum": 0.9,
              "three_phase": True},
        momentum=0.9, record_momentum=True))

    return cases


def optax_cases():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import optax

    def evaluate(name, function, schedule, steps, parameters):
        values = [float(schedule(jnp.asarray(step, dtype=jnp.int64))) for step in range(steps)]
        return {"name": name, "schedule": function, "parameters": parameters, "values": values}

    return [
        evaluate(
            "warmup_cosine", "warmup_cosine_decay_schedule",
            optax.warmup_cosine_decay_schedule(init_value=0.001, peak_value=0.1, warmup_steps=20,
                                               decay_steps=120, end_value=0.002),
            150, {"init_value": 0.001, "peak_value": 0.1, "warmup_steps": 20, "decay_steps": 120,
                  "end_value": 0.002}),
        evaluate(
            "exponential", "exponential_decay",
            optax.exponential_decay(init_value=0.1, transition_steps=10, decay_rate=0.5),
            100, {"init_value": 0.1, "transition_steps": 10, "decay_rate": 0.5}),
        evaluate(
            "exponential_staircase", "exponential_decay",
            optax.exponential_decay(init_value=0.1, transition_steps=10, decay_rate=0.5, staircase=True),
            100, {"init_value": 0.1, "transition_steps": 10, "decay_rate": 0.5, "staircase": True}),
        evaluate(
            "linear", "linear_schedule",
            optax.linear_schedule(init_value=0.1, end_value=0.001, transition_steps=100),
            150, {"init_value": 0.1, "end_value": 0.001, "transition_steps": 100}),
    ]


# A validation loss that falls, stalls, improves a little (less than the
# relative threshold once), rises, and falls again; the max-mode cases see it negated.
METRICS = [
    1.0, 0.8, 0.7, 0.65, 0.65, 0.6499, 0.66, 0.64, 0.64, 0.64,
    0.639999, 0.64, 0.5, 0.52, 0.53, 0.51, 0.505, 0.5, 0.4999, 0.6,
    0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
    0.29, 0.3, 0.3, 0.31, 0.28, 0.28, 0.28, 0.28, 0.28, 0.28,
    float("nan"), 0.27, 0.27, 0.27, 0.27, 0.27, 0.27, 0.27, 0.27, 0.27,
]


def plateau_cases():
    configurations = [
        ("min_relative", {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 1e-4,
                          "threshold_mode": "rel", "cooldown": 0, "min_lr": 0.0, "eps": 1e-8}, 1),
        ("min_absolute_cooldown", {"mode": "min", "factor": 0.1, "patience": 1, "threshold": 0.01,
                                   "threshold_mode": "abs", "cooldown": 3, "min_lr": 1e-4, "eps": 1e-8}, 1),
        ("max_relative_floor", {"mode": "max", "factor": 0.3, "patience": 0, "threshold": 0.001,
                                "threshold_mode": "rel", "cooldown": 1, "min_lr": 0.002, "eps": 1e-8}, -1),
        ("max_absolute_eps", {"mode": "max", "factor": 0.5, "patience": 3, "threshold": 0.0,
                              "threshold_mode": "abs", "cooldown": 0, "min_lr": 0.0, "eps": 0.02}, -1),
    ]
    cases = []
    for name, options, sign in configurations:
        weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.SGD([weight], lr=BASE_LEARNING_RATE)
        scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, **options)
        metrics = [sign * m for m in METRICS]
        values = []
        for metric in metrics:
            scheduler.step(metric)
            values.append(float(optimizer.param_groups[0]["lr"]))
        cases.append({"name": name, "parameters": dict(options, lr=BASE_LEARNING_RATE),
                      "metrics": [None if m != m else m for m in metrics], "values": values})
    return cases


def main():
    warnings.simplefilter("ignore")
    torch.set_default_dtype(torch.float64)
    fixture = {
        "generator": f"scripts/make_schedule_fixtures.py with torch {torch.__version__}",
        "schedules": pytorch_cases(),
        "optax": optax_cases(),
        "plateau": plateau_cases(),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUTPUT} ({len(fixture['schedules'])} PyTorch, {len(fixture['optax'])} optax, "
          f"{len(fixture['plateau'])} plateau cases)")


if __name__ == "__main__":
    main()
