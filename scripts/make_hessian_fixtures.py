#!/usr/bin/env python3
"""Fixtures and JAX references for the `eigen hessian` end-to-end tests.

Writes into Tests/DescentProgramTests/Fixtures/hessian/:
- wine-60.csv: 60 rows of the bundled wine data set (seeded choice, file order
  kept), 13 features and the class label in the last column.
- wine-mlp.safetensors: a Standardizer → Dense(13, 5) → tanh → Dense(5, 3)
  network trained by 40 steps of full-batch gradient descent (η = 0.5) on those
  rows, saved the way Descent saves (PyTorch state_dict names, float64,
  "format": "descent") with its description under "descent.model" (the JSON
  layout `ModelSpecification.json()` writes) and the loss "cross-entropy".
- wine-mlp-plain.safetensors: the same function with the standardization
  folded into the first layer (W' = W/σ, b' = b − W·(μ/σ)), as PyTorch's
  `save_file(model.state_dict())` writes it for nn.Sequential(Linear, Tanh,
  Linear): no description at all.
- wine-mlp-nan.safetensors: the described model with one NaN weight.
- reference.json: for both models, with jax.hessian in float64 on the same 60
  rows and the mean softmax cross-entropy (Descent's loss convention): the loss,
  ‖∇L‖, every Hessian eigenvalue (numpy.linalg.eigvalsh, ascending) and the
  trace; and the largest finite-difference error of the JAX Hessian against
  central differences of jax.grad (a check of the reference itself).

Run from the repository root: python3 scripts/make_hessian_fixtures.py
Requires: numpy, jax, safetensors.
"""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np
from safetensors.numpy import save_file

jax.config.update("jax_enable_x64", True)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "DescentProgramTests", "Fixtures", "hessian")
WINE = os.path.join(ROOT, "Sources", "DescentTraining", "Datasets", "wine.csv")


def load_rows():
    with open(WINE) as handle:
        header = handle.readline().strip()
        rows = np.array([[float(x) for x in line.split(",")] for line in handle if line.strip()])
    chosen = np.sort(np.random.default_rng(6).choice(len(rows), size=60, replace=False))
    return header, rows[chosen]


def unflatten(flat, shapes):
    parts, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        parts.append(flat[offset:offset + size].reshape(shape))
        offset += size
    return parts


def mean_cross_entropy(logits, labels):
    log_softmax = logits - jax.scipy.special.logsumexp(logits, axis=1, keepdims=True)
    return -jnp.mean(log_softmax[jnp.arange(len(labels)), labels])


def described_loss(flat, x, labels, mean, std):
    w1, b1, w2, b2 = unflatten(flat, [(5, 13), (5,), (3, 5), (3,)])
    hidden = jnp.tanh(((x - mean) / std) @ w1.T + b1)
    return mean_cross_entropy(hidden @ w2.T + b2, labels)


def plain_loss(flat, x, labels):
    w1, b1, w2, b2 = unflatten(flat, [(5, 13), (5,), (3, 5), (3,)])
    return mean_cross_entropy(jnp.tanh(x @ w1.T + b1) @ w2.T + b2, labels)


def reference(loss, flat, *data):
    value = float(loss(flat, *data))
    gradient = np.asarray(jax.grad(loss)(flat, *data))
    hessian = np.asarray(jax.hessian(loss)(flat, *data))
    # The reference checked: central differences of the exact gradient, step 1e-5.
    grad = jax.jit(jax.grad(loss))
    step = 1e-5
    columns = []
    for i in range(len(flat)):
        e = np.zeros(len(flat))
        e[i] = step
        columns.append((np.asarray(grad(flat + e, *data)) - np.asarray(grad(flat - e, *data))) / (2 * step))
    finite_difference = np.stack(columns, axis=1)
    eigenvalues = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    return {
        "loss": value,
        "gradient_norm": float(np.linalg.norm(gradient)),
        "parameter_count": len(flat),
        "eigenvalues": [float(v) for v in eigenvalues],
        "trace": float(np.trace(hessian)),
        "finite_difference_max_error": float(np.max(np.abs(finite_difference - hessian))),
        "hessian_max_abs": float(np.max(np.abs(hessian))),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    header, rows = load_rows()
    with open(os.path.join(OUT, "wine-60.csv"), "w") as handle:
        handle.write(header + "\n")
        for row in rows:
            handle.write(",".join(repr(float(v)) if i < 13 else str(int(v)) for i, v in enumerate(row)) + "\n")
    x, labels = rows[:, :13], rows[:, 13].astype(int)
    mean, std = x.mean(axis=0), x.std(axis=0)

    # Glorot-uniform initial weights, zero biases; 40 full-batch GD steps.
    rng = np.random.default_rng(11)
    w1 = rng.uniform(-1, 1, (5, 13)) * np.sqrt(6 / 18)
    w2 = rng.uniform(-1, 1, (3, 5)) * np.sqrt(6 / 8)
    flat = jnp.concatenate([jnp.ravel(w1), jnp.zeros(5), jnp.ravel(w2), jnp.zeros(3)])
    step = jax.jit(jax.grad(described_loss))
    for _ in range(40):
        flat = flat - 0.5 * step(flat, x, labels, mean, std)
    flat = np.asarray(flat)
    w1, b1, w2, b2 = unflatten(flat, [(5, 13), (5,), (3, 5), (3,)])

    description = {
        "loss": "cross-entropy",
        "model": {"sequential": {"_0": [
            {"standardizer": {"features": 13}},
            {"dense": {"bias": True, "inputs": 13, "outputs": 5}},
            {"activation": {"_0": "tanh"}},
            {"dense": {"bias": True, "inputs": 5, "outputs": 3}},
        ]}},
        "version": 1,
    }
    tensors = {
        "0.mean": mean, "0.standard_deviation": std,
        "1.weight": w1, "1.bias": b1, "3.weight": w2, "3.bias": b2,
    }
    metadata = {"format": "descent", "descent.model": json.dumps(description, separators=(",", ":"), sort_keys=True)}
    save_file({k: np.ascontiguousarray(v, dtype=np.float64) for k, v in tensors.items()},
              os.path.join(OUT, "wine-mlp.safetensors"), metadata=metadata)
    broken = dict(tensors)
    broken["3.weight"] = w2.copy()
    broken["3.weight"][1, 2] = np.nan
    save_file({k: np.ascontiguousarray(v, dtype=np.float64) for k, v in broken.items()},
              os.path.join(OUT, "wine-mlp-nan.safetensors"), metadata=metadata)

    folded_w1 = w1 / std
    folded_b1 = b1 - w1 @ (mean / std)
    plain = {"0.weight": folded_w1, "0.bias": folded_b1, "2.weight": w2, "2.bias": b2}
    save_file({k: np.ascontiguousarray(v, dtype=np.float64) for k, v in plain.items()},
              os.path.join(OUT, "wine-mlp-plain.safetensors"), metadata={"format": "pt"})
    plain_flat = np.concatenate([np.ravel(folded_w1), folded_b1, np.ravel(w2), b2])

    result = {
        "described": reference(described_loss, jnp.asarray(flat), x, labels, mean, std),
        "plain": reference(plain_loss, jnp.asarray(plain_flat), x, labels),
        "generator": "scripts/make_hessian_fixtures.py (jax %s, float64)" % jax.__version__,
    }
    with open(os.path.join(OUT, "reference.json"), "w") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    for name in ("described", "plain"):
        r = result[name]
        print(name, "loss", r["loss"], "P", r["parameter_count"], "top", r["eigenvalues"][-3:],
              "bottom", r["eigenvalues"][:3], "fd error", r["finite_difference_max_error"], "max", r["hessian_max_abs"])


if __name__ == "__main__":
    main()
