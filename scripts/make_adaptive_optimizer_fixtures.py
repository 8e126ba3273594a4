#!/usr/bin/env python3
"""First steps of AdaGrad, AdaDelta, RMSProp and Adamax under each convention.

Writes Tests/DescentOptimizersTests/Fixtures/adaptive_first_steps.json, read by
the Swift tests AdaGradTests, AdaDeltaTests, RMSPropTests and AdamaxTests
(through AdaptiveOptimizerSupport.swift).

Each case runs STEPS updates on the quadratic f(θ) = ½θᵀAθ + cᵀθ over six
numbers, split into a 2×2 matrix W and a 2×1 column b (row-major, W first), so
the gradient Aθ + c couples the two tensors. The expected θ after every update
comes from the formulas below, written with NumPy in float64 straight from
the papers and from the framework sources that were read:

- paper: Duchi et al. 2011 / Goodfellow et al. Alg. 8.4 (AdaGrad); Zeiler 2012
  Alg. 1 (AdaDelta); Goodfellow et al. Alg. 8.5, Graves 2013 eqs. 38-41 and
  Alg. 8.6 with δ outside the root (RMSProp); Kingma & Ba 2015 Alg. 2 with ε
  in the denominator (Adamax).
- pytorch: torch/optim/{adagrad,adadelta,rmsprop,adamax}.py (_single_tensor_*).
- optax: optax/_src/alias.py and transform.py (scale_by_rss, scale_by_adadelta,
  scale_by_rms, scale_by_stddev, trace, scale_by_adamax); weight decay for
  optimizers without one is optax.chain(add_decayed_weights(λ), opt).
- keras: keras/src/optimizers/{adagrad,adadelta,rmsprop,adamax}.py and
  base_optimizer.py (_apply_weight_decay: θ ← θ − θλη before the step).

When torch, optax (with JAX in float64) and Keras 3 (JAX backend, float64)
are installed, every framework case is also run through the framework itself
and must agree with the NumPy formulas to 1e-13 relative, so the fixture
records what the frameworks do, not only what their sources were read to do.

Usage (from the repository root):

    pip install numpy torch jax optax keras
    python3 scripts/make_adaptive_optimizer_fixtures.py

Nothing here is random: re-running the script leaves `git status` clean.
"""

import json
import os
import pathlib

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

OUTPUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "Tests/DescentOptimizersTests/Fixtures/adaptive_first_steps.json"
)
STEPS = 3
THETA0 = np.array([0.5, -1.2, 2.0, 0.3, -0.7, 1.5])
A = np.diag([1.0, 3.0, 10.0, 0.5, 2.0, 5.0]) + 0.2 * (np.ones((6, 6)) - np.eye(6))
C = np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.0])


def gradient(theta):
    return A @ theta + C


# ---------------------------------------------------------------------------
# The formulas, one function per optimizer; `o` holds Descent's argument names.

def adagrad(convention, o):
    lr, eps, r0 = o["learningRate"], o["epsilon"], o["initialAccumulator"]
    d, lam = o.get("learningRateDecay", 0.0), o.get("weightDecay", 0.0)
    theta, r, out = THETA0.copy(), np.full(6, r0), []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        if convention == "keras":
            theta = theta - theta * lam * lr
        else:
            g = g + lam * theta
        r = r + g * g
        eta = lr / (1 + (t - 1) * d)
        if convention in ("paper", "pytorch"):
            theta = theta - eta * g / (eps + np.sqrt(r))
        else:  # optax, keras: ε inside the root
            theta = theta - eta * g / np.sqrt(r + eps)
        out.append(theta.copy())
    return out


def adadelta(convention, o):
    lr, rho, eps, lam = o["learningRate"], o["decay"], o["epsilon"], o.get("weightDecay", 0.0)
    theta, eg, ex, out = THETA0.copy(), np.zeros(6), np.zeros(6), []
    for _ in range(STEPS):
        g = gradient(theta)
        if convention == "keras":
            theta = theta - theta * lam * lr
        else:
            g = g + lam * theta
        eg = rho * eg + (1 - rho) * g * g
        delta = np.sqrt(ex + eps) / np.sqrt(eg + eps) * g
        ex = rho * ex + (1 - rho) * delta * delta
        theta = theta - lr * delta
        out.append(theta.copy())
    return out


def rmsprop(convention, o):
    lr, rho, eps = o["learningRate"], o["decay"], o["epsilon"]
    mu, lam = o.get("momentum", 0.0), o.get("weightDecay", 0.0)
    centered, nesterov = o.get("centered", False), o.get("nesterov", False)
    inside = convention in ("optax", "keras") or (convention == "paper" and not nesterov)
    theta, r, mean, v, out = THETA0.copy(), np.zeros(6), np.zeros(6), np.zeros(6), []
    for _ in range(STEPS):
        point = theta + mu * v if (convention == "paper" and nesterov) else theta
        g = gradient(point)
        if convention == "keras":
            theta = theta - theta * lam * lr
        else:
            g = g + lam * point
        r = rho * r + (1 - rho) * g * g
        square = r
        if centered:
            mean = rho * mean + (1 - rho) * g
            square = r - mean * mean
        denominator = np.sqrt(square + eps) if inside else np.sqrt(square) + eps
        s = g / denominator
        if mu == 0:
            theta = theta - lr * s
        elif convention == "pytorch":  # buffer form
            v = mu * v + s
            theta = theta - lr * v
        else:  # velocity form (paper, optax's trace of -lr*s, Keras with m = -v)
            v = mu * v - lr * s
            theta = theta + (mu * v - lr * s if (nesterov and convention == "optax") else v)
        out.append(theta.copy())
    return out


def adamax(convention, o):
    lr, b1, b2, eps, lam = o["learningRate"], o["beta1"], o["beta2"], o["epsilon"], o.get("weightDecay", 0.0)
    theta, m, u, out = THETA0.copy(), np.zeros(6), np.zeros(6), []
    for t in range(1, STEPS + 1):
        g = gradient(theta)
        if convention == "keras":
            theta = theta - theta * lam * lr
        else:
            g = g + lam * theta
        m = b1 * m + (1 - b1) * g
        if convention in ("pytorch", "optax"):
            u = np.maximum(b2 * u, np.abs(g) + eps)
            theta = theta - lr / (1 - b1 ** t) * m / u
        else:
            u = np.maximum(b2 * u, np.abs(g))
            theta = theta - lr / (1 - b1 ** t) * m / (u + eps)
        out.append(theta.copy())
    return out


FORMULAS = {"AdaGrad": adagrad, "AdaDelta": adadelta, "RMSProp": rmsprop, "Adamax": adamax}

# ---------------------------------------------------------------------------
# The cases: every argument is given explicitly (Descent's defaults per
# convention are checked separately by the Swift tests).

CASES = [
    ("AdaGrad", "paper", {"learningRate": 0.1, "epsilon": 1e-7, "initialAccumulator": 0.0}),
    ("AdaGrad", "paper", {"learningRate": 0.1, "epsilon": 1e-7, "initialAccumulator": 0.0, "weightDecay": 0.1,
                          "learningRateDecay": 0.05}),
    ("AdaGrad", "pytorch", {"learningRate": 0.1, "epsilon": 1e-10, "initialAccumulator": 0.0}),
    ("AdaGrad", "pytorch", {"learningRate": 0.1, "epsilon": 1e-10, "initialAccumulator": 0.2, "weightDecay": 0.1,
                            "learningRateDecay": 0.05}),
    ("AdaGrad", "optax", {"learningRate": 0.1, "epsilon": 1e-7, "initialAccumulator": 0.1}),
    ("AdaGrad", "optax", {"learningRate": 0.1, "epsilon": 1e-7, "initialAccumulator": 0.1, "weightDecay": 0.1}),
    ("AdaGrad", "keras", {"learningRate": 0.1, "epsilon": 1e-7, "initialAccumulator": 0.1}),
    ("AdaGrad", "keras", {"learningRate": 0.1, "epsilon": 1e-7, "initialAccumulator": 0.1, "weightDecay": 0.1}),
    ("AdaDelta", "paper", {"learningRate": 1.0, "decay": 0.95, "epsilon": 1e-6}),
    ("AdaDelta", "paper", {"learningRate": 1.0, "decay": 0.95, "epsilon": 1e-6, "weightDecay": 0.1}),
    ("AdaDelta", "pytorch", {"learningRate": 1.0, "decay": 0.9, "epsilon": 1e-6}),
    ("AdaDelta", "pytorch", {"learningRate": 2.0, "decay": 0.9, "epsilon": 1e-6, "weightDecay": 0.1}),
    ("AdaDelta", "optax", {"learningRate": 1.0, "decay": 0.9, "epsilon": 1e-6}),
    ("AdaDelta", "optax", {"learningRate": 2.0, "decay": 0.9, "epsilon": 1e-6, "weightDecay": 0.1}),
    ("AdaDelta", "keras", {"learningRate": 1.0, "decay": 0.95, "epsilon": 1e-7}),
    ("AdaDelta", "keras", {"learningRate": 2.0, "decay": 0.95, "epsilon": 1e-7, "weightDecay": 0.1}),
]
for convention, rho, eps in [("paper", 0.9, 1e-6), ("pytorch", 0.99, 1e-8), ("optax", 0.9, 1e-8),
                             ("keras", 0.9, 1e-7)]:
    base = {"learningRate": 0.01, "decay": rho, "epsilon": eps}
    CASES += [
        ("RMSProp", convention, dict(base)),
        ("RMSProp", convention, dict(base, centered=True)),
        ("RMSProp", convention, dict(base, momentum=0.9)),
        ("RMSProp", convention, dict(base, centered=True, momentum=0.8, weightDecay=0.1)),
    ]
    if convention in ("paper", "optax"):
        CASES += [
            ("RMSProp", convention, dict(base, momentum=0.9, nesterov=True)),
            ("RMSProp", convention, dict(base, momentum=0.8, nesterov=True, centered=True, weightDecay=0.1)),
        ]
for convention, eps in [("paper", 1e-8), ("pytorch", 1e-8), ("optax", 1e-8), ("keras", 1e-7)]:
    base = {"learningRate": 0.02, "beta1": 0.9, "beta2": 0.999, "epsilon": eps}
    CASES += [("Adamax", convention, dict(base)), ("Adamax", convention, dict(base, weightDecay=0.1))]

# With the default ε the conventions differ by 1e-13 to 1e-9 here; a large ε
# makes where it sits (inside or outside a root, in a maximum or a
# denominator) change the first step at the percent level, so a wrong
# placement cannot pass the Swift tests' 1e-12 tolerance.
for convention in ("paper", "pytorch", "optax", "keras"):
    r0 = 0.1 if convention in ("optax", "keras") else 0.0
    CASES += [
        ("AdaGrad", convention, {"learningRate": 0.1, "epsilon": 0.5, "initialAccumulator": r0}),
        ("AdaDelta", convention, {"learningRate": 1.0, "decay": 0.9, "epsilon": 0.05}),
        ("RMSProp", convention, {"learningRate": 0.01, "decay": 0.9, "epsilon": 0.5, "centered": True,
                                 "momentum": 0.5}),
        ("Adamax", convention, {"learningRate": 0.02, "beta1": 0.9, "beta2": 0.999, "epsilon": 0.5}),
    ]


# ---------------------------------------------------------------------------
# The frameworks themselves, where installed.

def run_pytorch(optimizer, o):
    import torch

    theta = torch.tensor(THETA0, dtype=torch.float64, requires_grad=True)
    lam = o.get("weightDecay", 0.0)
    if optimizer == "AdaGrad":
        opt = torch.optim.Adagrad([theta], lr=o["learningRate"], lr_decay=o.get("learningRateDecay", 0.0),
                                  weight_decay=lam, initial_accumulator_value=o["initialAccumulator"],
                                  eps=o["epsilon"])
    elif optimizer == "AdaDelta":
        opt = torch.optim.Adadelta([theta], lr=o["learningRate"], rho=o["decay"], eps=o["epsilon"],
                                   weight_decay=lam)
    elif optimizer == "RMSProp":
        opt = torch.optim.RMSprop([theta], lr=o["learningRate"], alpha=o["decay"], eps=o["epsilon"],
                                  weight_decay=lam, momentum=o.get("momentum", 0.0),
                                  centered=o.get("centered", False))
    else:
        opt = torch.optim.Adamax([theta], lr=o["learningRate"], betas=(o["beta1"], o["beta2"]),
                                 eps=o["epsilon"], weight_decay=lam)
    out = []
    for _ in range(STEPS):
        theta.grad = torch.tensor(gradient(theta.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(theta.detach().numpy().copy())
    return out


def run_optax(optimizer, o):
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)
    lam = o.get("weightDecay", 0.0)
    if optimizer == "AdaGrad":
        opt = optax.adagrad(o["learningRate"], initial_accumulator_value=o["initialAccumulator"],
                            eps=o["epsilon"])
    elif optimizer == "AdaDelta":
        opt = optax.adadelta(o["learningRate"], rho=o["decay"], eps=o["epsilon"], weight_decay=lam)
        lam = 0.0  # built in
    elif optimizer == "RMSProp":
        opt = optax.rmsprop(o["learningRate"], decay=o["decay"], eps=o["epsilon"],
                            centered=o.get("centered", False),
                            momentum=o["momentum"] if o.get("momentum", 0.0) > 0 else None,
                            nesterov=o.get("nesterov", False))
    else:
        opt = optax.adamax(o["learningRate"], b1=o["beta1"], b2=o["beta2"], eps=o["epsilon"])
    if lam:
        opt = optax.chain(optax.add_decayed_weights(lam), opt)
    theta = jnp.asarray(THETA0, dtype=jnp.float64)
    state = opt.init(theta)
    out = []
    for _ in range(STEPS):
        g = jnp.asarray(gradient(np.asarray(theta)), dtype=jnp.float64)
        updates, state = opt.update(g, state, theta)
        theta = optax.apply_updates(theta, updates)
        out.append(np.asarray(theta).copy())
    return out


def run_keras(optimizer, o):
    import keras

    keras.config.set_floatx("float64")
    lam = o.get("weightDecay", 0.0) or None
    if optimizer == "AdaGrad":
        opt = keras.optimizers.Adagrad(learning_rate=o["learningRate"],
                                       initial_accumulator_value=o["initialAccumulator"],
                                       epsilon=o["epsilon"], weight_decay=lam)
    elif optimizer == "AdaDelta":
        opt = keras.optimizers.Adadelta(learning_rate=o["learningRate"], rho=o["decay"], epsilon=o["epsilon"],
                                        weight_decay=lam)
    elif optimizer == "RMSProp":
        opt = keras.optimizers.RMSprop(learning_rate=o["learningRate"], rho=o["decay"], epsilon=o["epsilon"],
                                       momentum=o.get("momentum", 0.0), centered=o.get("centered", False),
                                       weight_decay=lam)
    else:
        opt = keras.optimizers.Adamax(learning_rate=o["learningRate"], beta_1=o["beta1"], beta_2=o["beta2"],
                                      epsilon=o["epsilon"], weight_decay=lam)
    theta = keras.Variable(THETA0.copy(), dtype="float64")
    out = []
    for _ in range(STEPS):
        g = keras.ops.convert_to_tensor(gradient(np.asarray(theta.value)), dtype="float64")
        opt.apply_gradients([(g, theta)])
        out.append(np.asarray(theta.value).copy())
    return out


RUNNERS = {"pytorch": run_pytorch, "optax": run_optax, "keras": run_keras}


def check_against_framework(optimizer, convention, options, expected):
    runner = RUNNERS.get(convention)
    if runner is None:
        return "formula only"
    try:
        actual = runner(optimizer, options)
    except ImportError as error:
        return f"not checked ({error})"
    for step, (a, e) in enumerate(zip(actual, expected), start=1):
        error = np.linalg.norm(a - e) / np.linalg.norm(e)
        if error > 1e-13:
            raise SystemExit(f"{optimizer} {convention} {options}: step {step} differs from the framework by {error}")
    return "matches the framework"


def main():
    cases = []
    for optimizer, convention, options in CASES:
        trajectory = FORMULAS[optimizer](convention, options)
        status = check_against_framework(optimizer, convention, options, trajectory)
        print(f"{optimizer:8} {convention:8} {json.dumps(options)}: {status}")
        cases.append({
            "optimizer": optimizer,
            "convention": convention,
            "options": options,
            "theta": [[float(x) for x in step] for step in trajectory],
        })
    fixture = {
        "generator": "scripts/make_adaptive_optimizer_fixtures.py",
        "problem": "f = 0.5 theta^T A theta + c^T theta; theta = [W (2x2, row-major), b (2x1)]",
        "theta0": THETA0.tolist(),
        "A": A.tolist(),
        "c": C.tolist(),
        "cases": cases,
    }
    OUTPUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
