#!/usr/bin/env python3
"""Trajectories of Adam, AdamW, NAdam, RAdam, LARS and LAMB under each framework's
own implementation, for Tests/DescentOptimizersTests/FrameworkConventionTests (the
`.pytorch`, `.optax` and `.keras` conventions must reproduce them).

Run:  python3 scripts/make_framework_convention_fixtures.py
Needs (PyPI): torch (CPU), jax, optax, keras (KERAS_BACKEND=jax), mpmath, and timm
installed with `pip install timm --no-deps` (only timm/optim/lars.py is imported).
Versions used for the committed fixture: torch 2.13, optax 0.2.8, jax 0.10.2,
keras 3.15.1, timm 1.0.31.

Problem: two parameter tensors, A (2x2) and B (3x1), with the separable gradient
g = S * w + c (elementwise), evaluated at the current parameters every step.
All arithmetic is float64. The file also prints the RAdam constants (rho_t and
the rectification r_t at beta2 = 0.999) that RAdamTests quotes, in 30 digits.
"""
import importlib
import json
import os
import sys
import sysconfig
import types

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import torch  # noqa: E402

keras.config.set_floatx("float64")
torch.set_default_dtype(torch.float64)

STEPS = 12
INITIAL = [np.array([[0.5, -1.2], [2.0, 0.3]]), np.array([[1.5], [-0.7], [0.05]])]
SCALES = [np.array([[1.0, 3.0], [0.5, 10.0]]), np.array([[2.0], [0.2], [50.0]])]
OFFSETS = [np.array([[0.1, -0.2], [0.0, 0.4]]), np.array([[-0.3], [0.1], [0.0]])]


def gradient(parameters):
    return [s * w + c for w, s, c in zip(parameters, SCALES, OFFSETS)]


def timm_lars():
    """timm.optim.lars without importing timm/__init__ (which needs torchvision)."""
    root = os.path.join(sysconfig.get_paths()["purelib"], "timm")
    for name, path in (("timm", root), ("timm.optim", os.path.join(root, "optim"))):
        if name not in sys.modules:
            module = types.ModuleType(name)
            module.__path__ = [path]
            sys.modules[name] = module
    return importlib.import_module("timm.optim.lars").Lars


def run_torch(make):
    parameters = [torch.tensor(w, requires_grad=True) for w in INITIAL]
    optimizer = make(parameters)
    trajectory = []
    for _ in range(STEPS):
        grads = gradient([p.detach().numpy() for p in parameters])
        for p, g in zip(parameters, grads):
            p.grad = torch.tensor(g)
        optimizer.step()
        trajectory.append([p.detach().numpy().tolist() for p in parameters])
    return trajectory


def run_optax(transform):
    parameters = [jnp.asarray(w) for w in INITIAL]
    state = transform.init(parameters)
    trajectory = []
    for _ in range(STEPS):
        grads = [jnp.asarray(g) for g in gradient([np.asarray(p) for p in parameters])]
        updates, state = transform.update(grads, state, parameters)
        parameters = optax.apply_updates(parameters, updates)
        trajectory.append([np.asarray(p).tolist() for p in parameters])
    return trajectory


def run_keras(optimizer):
    variables = [keras.Variable(w, dtype="float64") for w in INITIAL]
    trajectory = []
    for _ in range(STEPS):
        grads = gradient([v.numpy() for v in variables])
        optimizer.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
        trajectory.append([v.numpy().tolist() for v in variables])
    return trajectory


def main():
    Lars = timm_lars()
    cases = {}

    def add(name, hyperparameters, trajectory):
        cases[name] = {"hyperparameters": hyperparameters, "trajectory": trajectory}

    # Adam family (lead's Adam.swift/AdamW.swift, checked here as well).
    h = {"learningRate": 0.05, "weightDecay": 0.01}
    add("Adam.pytorch.amsgrad", h, run_torch(lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.01, amsgrad=True)))
    add("Adam.optax.amsgrad", {"learningRate": 0.05}, run_optax(optax.amsgrad(0.05)))
    add("Adam.keras", h, run_keras(keras.optimizers.Adam(learning_rate=0.05, weight_decay=0.01)))
    add("AdamW.pytorch", h, run_torch(lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.01)))
    add("AdamW.optax", h, run_optax(optax.adamw(0.05, weight_decay=0.01)))

    # NAdam.
    add("NAdam.pytorch", h, run_torch(lambda p: torch.optim.NAdam(p, lr=0.05, weight_decay=0.01)))
    hd = {"learningRate": 0.05, "weightDecay": 0.05}
    add("NAdam.pytorch.decoupled", hd, run_torch(
        lambda p: torch.optim.NAdam(p, lr=0.05, weight_decay=0.05, decoupled_weight_decay=True)))
    add("NAdam.optax", h, run_optax(optax.chain(optax.add_decayed_weights(0.01), optax.nadam(0.05))))
    add("NAdam.optax.decoupled", hd, run_optax(optax.nadamw(0.05, weight_decay=0.05)))
    add("NAdam.keras", hd, run_keras(keras.optimizers.Nadam(learning_rate=0.05, weight_decay=0.05)))

    # RAdam (12 steps cross the switch-over at t = 6).
    add("RAdam.pytorch", h, run_torch(lambda p: torch.optim.RAdam(p, lr=0.05, weight_decay=0.01)))
    add("RAdam.pytorch.decoupled", hd, run_torch(
        lambda p: torch.optim.RAdam(p, lr=0.05, weight_decay=0.05, decoupled_weight_decay=True)))
    add("RAdam.optax", h, run_optax(optax.chain(optax.add_decayed_weights(0.01), optax.radam(0.05))))

    # LARS.
    hl = {"learningRate": 1.0, "momentum": 0.9, "weightDecay": 0.01, "trustCoefficient": 0.02}
    for nesterov in (False, True):
        suffix = ".nesterov" if nesterov else ""
        add("LARS.optax" + suffix, hl, run_optax(
            optax.lars(1.0, weight_decay=0.01, trust_coefficient=0.02, momentum=0.9, nesterov=nesterov)))
        add("LARS.pytorch" + suffix, hl, run_torch(
            lambda p, n=nesterov: Lars(p, lr=1.0, momentum=0.9, weight_decay=0.01, trust_coeff=0.02, nesterov=n)))

    # LAMB.
    add("LAMB.optax", h, run_optax(optax.lamb(0.05, weight_decay=0.01)))
    add("LAMB.keras", h, run_keras(keras.optimizers.Lamb(learning_rate=0.05, weight_decay=0.01)))

    fixture = {
        "generator": "scripts/make_framework_convention_fixtures.py",
        "versions": {"torch": torch.__version__, "optax": optax.__version__, "jax": jax.__version__,
                     "keras": keras.__version__},
        "initial": [w.tolist() for w in INITIAL],
        "scales": [s.tolist() for s in SCALES],
        "offsets": [c.tolist() for c in OFFSETS],
        "cases": cases,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "Tests", "DescentOptimizersTests", "Fixtures", "framework_conventions.json")
    with open(path, "w") as file:
        json.dump(fixture, file, indent=1)
        file.write("\n")
    print("wrote", os.path.normpath(path), "with", len(cases), "cases")

    # RAdam constants quoted by RAdamTests.
    mpmath.mp.dps = 30
    beta2 = mpmath.mpf("0.999")
    limit = 2 / (1 - beta2) - 1
    for t in range(1, 8):
        power = beta2**t
        rho = limit - 2 * t * power / (1 - power)
        r = mpmath.sqrt((rho - 4) * (rho - 2) * limit / ((limit - 4) * (limit - 2) * rho)) if rho > 4 else None
        print(f"RAdam beta2=0.999 t={t} rho={mpmath.nstr(rho, 25)} r={mpmath.nstr(r, 25) if r else '-'}")


if __name__ == "__main__":
    main()
