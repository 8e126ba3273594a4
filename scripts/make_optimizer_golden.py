#!/usr/bin/env python3
"""Write the golden optimizer trajectories Descent's optimizers are checked against.

Writes Tests/DescentOptimizersTests/Fixtures/golden_trajectories.json: for every
optimizer and every convention preset where the framework has the method, the
parameters after each of the first 20 steps on two problems, run in float64:

- "quadratic": f(w) = 1/2 (w - w*)^T H (w - w*), H = R diag(1, 10) R^T with R
  the 30 degree rotation, w* = (1, -2), w0 = (0, 0). One parameter tensor (2).
- "mlp": 2 inputs -> 3 tanh -> 2 outputs, DescentNN's
  Sequential([Dense(2, 3), Activation(.tanh), Dense(3, 2)]) on 5 fixed
  examples with Loss.quadratic, C = (1/n) sum_x 1/2 ||y - t||^2. Parameters in
  Sequential's order: 0.weight (3x2, outputs x inputs as nn.Linear), 0.bias
  (3), 2.weight (2x3), 2.bias (2); a weight is flattened row by row.

Each case records the optimizer's Swift type name, the Descent convention,
the Descent init arguments under their Swift labels (an argument left out
takes Descent's default for that convention, and the framework its own
default), which code computed the reference, and "trajectory"[k][p], the
flattened parameter tensor p after step k + 1.

References (each framework's own optimizer code computes its trajectories;
nothing here re-implements a framework's formula):
  convention "pytorch"  torch.optim.X (foreach=False), gradients by torch.autograd
  convention "optax"    optax.x, with optax.chain(add_decayed_weights(λ), x)
                        for coupled weight decay; gradients by jax.grad
  convention "keras"    keras.optimizers.X on the JAX backend, Variables in
                        float64; gradients by jax.grad
  convention "paper"    "numpy-from-paper": NumPy written here from the paper's
                        (or the lecture notes') formulas, each cited in its
                        *_paper function's docstring below; where the paper
                        leaves a detail open (an ε the algorithm lacks, RAdam's
                        ρₜ > 4), the docstring says which choice Descent made
Methods a framework lacks (LARS and LAMB in PyTorch, LARS and RAdam in Keras)
have no case for that convention. The quadratic runs every case; the MLP runs
one case per optimizer and convention (see mlp_variants), which keeps the file
near 330 KB; values are stored to 13 significant digits (see rounded). SGD's look-ahead Nesterov and RMSProp with the
notes' Nesterov momentum (Goodfellow et al. Alg. 8.6) take the gradient at the
look-ahead point w + mu v; the Swift side runs every case through
`step(_:gradientAt:)`.

Versions used for the committed file: Python 3.11.7, NumPy 2.4.6, torch
2.13.0+cpu, jax 0.10.2, optax 0.2.8, keras 3.15.1 (the "versions" entry of
the JSON records what produced it).

Usage (from the repository root):

    pip install numpy jax optax keras torch --index-url https://download.pytorch.org/whl/cpu \\
        --extra-index-url https://pypi.org/simple
    python3 scripts/make_optimizer_golden.py

KERAS_BACKEND is set to "jax" by the script. Nothing is random: the problem
data are fixed numbers below, so re-running leaves `git status` clean (up to
a framework's rounding in the last bit, far below the Swift tests' 1e-10).
"""

import json
import os
import pathlib
import platform
import sys

os.environ["KERAS_BACKEND"] = "jax"

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import torch  # noqa: E402

keras.config.set_floatx("float64")
torch.set_default_dtype(torch.float64)

OUTPUT = (
    pathlib.Path(__file__).resolve().parent.parent
    / "Tests/DescentOptimizersTests/Fixtures/golden_trajectories.json"
)
STEPS = 20

# MARK: - Problems

ANGLE = np.pi / 6
ROTATION = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])
HESSIAN = ROTATION @ np.diag([1.0, 10.0]) @ ROTATION.T
HESSIAN = (HESSIAN + HESSIAN.T) / 2  # exactly symmetric, so autograd's ½(H + Hᵀ)d is Hd
MINIMIZER = np.array([1.0, -2.0])
QUADRATIC_START = [np.array([0.0, 0.0])]

# Fixed, hand-picked numbers (no generator, so nothing depends on a library's RNG).
MLP_INPUTS = np.array([[0.5, -1.0], [-0.75, 0.5], [1.5, 0.25], [0.0, -1.25], [-1.0, 1.25]])
MLP_TARGETS = np.array([[0.5, -0.25], [-1.0, 0.75], [0.25, 0.5], [1.0, -1.0], [-0.5, 0.0]])
MLP_START = [
    np.array([[0.3, -0.5], [-0.4, 0.6], [0.7, 0.25]]),  # 0.weight
    np.array([0.1, -0.2, 0.05]),  # 0.bias
    np.array([[0.5, -0.3, 0.2], [-0.6, 0.35, 0.1]]),  # 2.weight
    np.array([0.05, -0.1]),  # 2.bias
]
MLP_NAMES = ["0.weight", "0.bias", "2.weight", "2.bias"]


def quadratic_loss(xp, parameters):
    difference = parameters[0] - xp.asarray(MINIMIZER)
    return 0.5 * difference @ (xp.asarray(HESSIAN) @ difference)


def mlp_loss(xp, parameters):
    weight0, bias0, weight2, bias2 = parameters
    hidden = xp.tanh(xp.asarray(MLP_INPUTS) @ weight0.T + bias0)
    output = hidden @ weight2.T + bias2
    return 0.5 * ((output - xp.asarray(MLP_TARGETS)) ** 2).sum() / MLP_INPUTS.shape[0]


PROBLEMS = {
    "quadratic": (quadratic_loss, QUADRATIC_START),
    "mlp": (mlp_loss, MLP_START),
}


def numpy_gradient(problem):
    """The gradient as a NumPy function of NumPy parameters (via jax.grad), for the paper forms."""
    loss, _ = PROBLEMS[problem]
    gradient = jax.jit(jax.grad(lambda p: loss(jnp, p)))
    return lambda parameters: [np.asarray(g) for g in gradient([jnp.asarray(p) for p in parameters])]


# MARK: - Framework runners


def run_torch(problem, make):
    loss, start = PROBLEMS[problem]
    parameters = [torch.tensor(p, requires_grad=True) for p in start]
    optimizer = make(parameters)
    trajectory = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss(torch, parameters).backward()
        optimizer.step()
        trajectory.append([p.detach().numpy().copy() for p in parameters])
    return trajectory


def run_optax(problem, transformation):
    loss, start = PROBLEMS[problem]
    gradient = jax.jit(jax.grad(lambda p: loss(jnp, p)))
    parameters = [jnp.asarray(p) for p in start]
    state = transformation.init(parameters)
    trajectory = []
    for _ in range(STEPS):
        updates, state = transformation.update(gradient(parameters), state, parameters)
        parameters = optax.apply_updates(parameters, updates)
        trajectory.append([np.asarray(p) for p in parameters])
    return trajectory


def run_keras(problem, optimizer):
    loss, start = PROBLEMS[problem]
    gradient = jax.jit(jax.grad(lambda p: loss(jnp, p)))
    variables = [keras.Variable(p, dtype="float64") for p in start]
    optimizer.build(variables)
    trajectory = []
    for _ in range(STEPS):
        gradients = gradient([jnp.asarray(v.value) for v in variables])
        optimizer.apply_gradients(zip(gradients, variables))
        trajectory.append([np.asarray(v.value) for v in variables])
    return trajectory


def run_paper(problem, step):
    """Runs a NumPy paper form: step(t, parameters, state, gradient_at) returns new parameters."""
    _, start = PROBLEMS[problem]
    gradient_at = numpy_gradient(problem)
    parameters = [p.copy() for p in start]
    state = {}
    trajectory = []
    for t in range(1, STEPS + 1):
        parameters = step(t, parameters, state, gradient_at)
        trajectory.append([p.copy() for p in parameters])
    return trajectory


def coupled_decay(weight_decay, transformation):
    """optax's coupled L2: g + λw added before the method (as PyTorch's weight_decay)."""
    if weight_decay:
        return optax.chain(optax.add_decayed_weights(weight_decay), transformation)
    return transformation


def keras_decay(arguments):
    return arguments.get("weightDecay") or None


def pick(arguments, names):
    """Framework keyword arguments from the Descent arguments that are present (Swift label -> framework name)."""
    return {framework: arguments[swift] for swift, framework in names.items() if swift in arguments}


def zeros_like(parameters):
    return [np.zeros_like(p) for p in parameters]


def norm(x):
    return float(np.sqrt(np.sum(x * x)))


# MARK: - SGD (Polyak 1964; Sutskever et al. 2013; Bengio et al. 2013)


def sgd_torch(a):
    return lambda p: torch.optim.SGD(
        p, **pick(a, {"learningRate": "lr", "momentum": "momentum", "dampening": "dampening",
                      "weightDecay": "weight_decay"}),
        nesterov=a.get("nesterov") == "reformulated", foreach=False)


def sgd_optax(a):
    assert not a.get("dampening"), "optax.sgd has no dampening"
    return coupled_decay(a.get("weightDecay"), optax.sgd(
        a["learningRate"], momentum=a.get("momentum"), nesterov=a.get("nesterov") == "reformulated"))


def sgd_keras(a):
    return keras.optimizers.SGD(
        **pick(a, {"learningRate": "learning_rate", "momentum": "momentum"}),
        nesterov=a.get("nesterov") == "reformulated", weight_decay=keras_decay(a))


def sgd_paper(a):
    """Velocity form (the notes, Goodfellow et al. Alg. 8.2): g = ∇f(w) + λw, v ← μv − ηg, w ← w + v.

    Look-ahead Nesterov (Alg. 8.3, Sutskever et al. 2013): the gradient of the
    regularized objective at w̃ = w + μv, then v ← μv − ηg, w ← w + v.
    Reformulated Nesterov (Bengio, Boulanger-Lewandowski & Pascanu 2013, eq. 7),
    in the variable Θ = w + μv: Θ ← Θ + μ²v − (1 + μ)ηg(Θ), v ← μv − ηg(Θ).
    """
    eta, mu, lam = a["learningRate"], a.get("momentum", 0.0), a.get("weightDecay", 0.0)
    nesterov = a.get("nesterov")
    assert not a.get("dampening"), "the paper form has no dampening"

    def regularized(gradient_at, point):
        return [g + lam * p for g, p in zip(gradient_at(point), point)]

    def step(t, w, state, gradient_at):
        v = state.setdefault("v", zeros_like(w))
        if nesterov == "lookAhead":
            g = regularized(gradient_at, [p + mu * vi for p, vi in zip(w, v)])
            state["v"] = [mu * vi - eta * gi for vi, gi in zip(v, g)]
            return [p + vi for p, vi in zip(w, state["v"])]
        g = regularized(gradient_at, w)
        if nesterov == "reformulated":
            new = [p + mu * mu * vi - (1 + mu) * eta * gi for p, vi, gi in zip(w, v, g)]
            state["v"] = [mu * vi - eta * gi for vi, gi in zip(v, g)]
            return new
        state["v"] = [mu * vi - eta * gi for vi, gi in zip(v, g)]
        return [p + vi for p, vi in zip(w, state["v"])]

    return step


# MARK: - Adam, AMSGrad, AdamW (Kingma & Ba 2015; Reddi et al. 2018; Loshchilov & Hutter 2019)


def adam_torch(a, kind=torch.optim.Adam):
    return lambda p: kind(
        p, **pick(a, {"learningRate": "lr", "epsilon": "eps", "weightDecay": "weight_decay", "amsgrad": "amsgrad"}),
        betas=(a.get("beta1", 0.9), a.get("beta2", 0.999)), foreach=False)


def adam_optax(a):
    names = {"beta1": "b1", "beta2": "b2", "epsilon": "eps"}
    method = optax.amsgrad if a.get("amsgrad") else optax.adam
    return coupled_decay(a.get("weightDecay"), method(a["learningRate"], **pick(a, names)))


def adam_keras(a, kind=keras.optimizers.Adam):
    names = {"learningRate": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon",
             "amsgrad": "amsgrad"}
    if kind is keras.optimizers.AdamW:
        names["weightDecay"] = "weight_decay"
        return kind(**pick(a, names))
    return kind(**pick(a, names), weight_decay=keras_decay(a))


def adamw_optax(a):
    names = {"beta1": "b1", "beta2": "b2", "epsilon": "eps", "weightDecay": "weight_decay"}
    if not a.get("amsgrad"):
        return optax.adamw(a["learningRate"], **pick(a, names))
    # optax.adamw has no AMSGrad switch: the same chain as optax.adamw with scale_by_amsgrad.
    scale = optax.scale_by_amsgrad(**pick(a, {"beta1": "b1", "beta2": "b2", "epsilon": "eps"}))
    return optax.chain(scale, optax.add_decayed_weights(a.get("weightDecay", 1e-4)),
                       optax.scale_by_learning_rate(a["learningRate"]))


def adam_paper(a, decoupled=False):
    """Kingma & Ba Alg. 1 with coupled L2 (g = ∇f + λθ):
    m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
    θ ← θ − α·m̂/(√v̂ + ε). AMSGrad (Reddi et al. 2018, Alg. 2): v̂ₘₐₓ = max(v̂ₘₐₓ, v)
    on the raw second moment, then Adam's bias correction (Reddi et al. use
    none; Descent keeps Kingma & Ba's, as PyTorch does).
    AdamW (Loshchilov & Hutter Alg. 2, schedule multiplier ηₜ = 1, no L2 in g):
    θ ← θ − ηₜ(α·m̂/(√v̂ + ε) + λθ).
    """
    alpha, b1, b2 = a.get("learningRate", 1e-3), a.get("beta1", 0.9), a.get("beta2", 0.999)
    eps = a.get("epsilon", 1e-8)
    lam = a.get("weightDecay", 1e-4 if decoupled else 0.0)
    amsgrad = a.get("amsgrad", False)

    def step(t, w, state, gradient_at):
        g = gradient_at(w)
        if not decoupled:
            g = [gi + lam * p for gi, p in zip(g, w)]
        m = state.setdefault("m", zeros_like(w))
        v = state.setdefault("v", zeros_like(w))
        vmax = state.setdefault("vmax", zeros_like(w))
        new = []
        for i, p in enumerate(w):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            vmax[i] = np.maximum(vmax[i], v[i])
            m_hat = m[i] / (1 - b1**t)
            v_hat = (vmax[i] if amsgrad else v[i]) / (1 - b2**t)
            adam = alpha * m_hat / (np.sqrt(v_hat) + eps)
            new.append(p - (adam + lam * p) if decoupled else p - adam)
        return new

    return step


# MARK: - AdaGrad (Duchi, Hazan & Singer 2011), AdaDelta (Zeiler 2012)


def adagrad_torch(a):
    return lambda p: torch.optim.Adagrad(
        p, **pick(a, {"learningRate": "lr", "learningRateDecay": "lr_decay", "weightDecay": "weight_decay",
                      "initialAccumulator": "initial_accumulator_value", "epsilon": "eps"}), foreach=False)


def adagrad_optax(a):
    assert not a.get("learningRateDecay"), "optax.adagrad has no learning-rate decay"
    names = {"initialAccumulator": "initial_accumulator_value", "epsilon": "eps"}
    return coupled_decay(a.get("weightDecay"), optax.adagrad(a["learningRate"], **pick(a, names)))


def adagrad_keras(a):
    names = {"learningRate": "learning_rate", "initialAccumulator": "initial_accumulator_value",
             "epsilon": "epsilon"}
    return keras.optimizers.Adagrad(**pick(a, names), weight_decay=keras_decay(a))


def adagrad_paper(a):
    """Duchi et al. 2011 (Goodfellow et al. Alg. 8.4) with coupled L2 (g = ∇f + λθ):
    r ← r + g² (r₀ = initialAccumulator), θ ← θ − η·g/(δ + √r)."""
    eta, eps, lam = a["learningRate"], a["epsilon"], a.get("weightDecay", 0.0)
    r0 = a.get("initialAccumulator", 0.0)

    def step(t, w, state, gradient_at):
        g = [gi + lam * p for gi, p in zip(gradient_at(w), w)]
        r = state.setdefault("r", [np.full_like(p, r0) for p in w])
        for i in range(len(w)):
            r[i] = r[i] + g[i] ** 2
        return [p - eta * gi / (eps + np.sqrt(ri)) for p, gi, ri in zip(w, g, r)]

    return step


def adadelta_torch(a):
    return lambda p: torch.optim.Adadelta(
        p, **pick(a, {"learningRate": "lr", "decay": "rho", "epsilon": "eps", "weightDecay": "weight_decay"}),
        foreach=False)


def adadelta_optax(a):
    return optax.adadelta(**pick(a, {"learningRate": "learning_rate", "decay": "rho", "epsilon": "eps",
                                     "weightDecay": "weight_decay"}))


def adadelta_keras(a):
    names = {"learningRate": "learning_rate", "decay": "rho", "epsilon": "epsilon"}
    return keras.optimizers.Adadelta(**pick(a, names), weight_decay=keras_decay(a))


def adadelta_paper(a):
    """Zeiler 2012, Alg. 1, with coupled L2 and an optional global rate η (1 in the paper):
    E[g²] ← ρE[g²] + (1−ρ)g², Δx = −(RMS[Δx]ₜ₋₁/RMS[g]ₜ)·g with RMS[y] = √(E[y²] + ε),
    E[Δx²] ← ρE[Δx²] + (1−ρ)Δx², x ← x + ηΔx."""
    eta, rho, eps = a.get("learningRate", 1.0), a.get("decay", 0.95), a.get("epsilon", 1e-6)
    lam = a.get("weightDecay", 0.0)

    def step(t, w, state, gradient_at):
        g = [gi + lam * p for gi, p in zip(gradient_at(w), w)]
        eg = state.setdefault("eg", zeros_like(w))
        ex = state.setdefault("ex", zeros_like(w))
        new = []
        for i, p in enumerate(w):
            eg[i] = rho * eg[i] + (1 - rho) * g[i] ** 2
            delta = -np.sqrt(ex[i] + eps) / np.sqrt(eg[i] + eps) * g[i]
            ex[i] = rho * ex[i] + (1 - rho) * delta**2
            new.append(p + eta * delta)
        return new

    return step


# MARK: - RMSProp (Tieleman & Hinton 2012; Graves 2013; Goodfellow et al. Alg. 8.5, 8.6)


def rmsprop_torch(a):
    return lambda p: torch.optim.RMSprop(
        p, **pick(a, {"learningRate": "lr", "decay": "alpha", "epsilon": "eps", "weightDecay": "weight_decay",
                      "momentum": "momentum", "centered": "centered"}), foreach=False)


def rmsprop_optax(a):
    names = {"decay": "decay", "epsilon": "eps", "centered": "centered", "nesterov": "nesterov"}
    momentum = a.get("momentum") or None
    return coupled_decay(a.get("weightDecay"), optax.rmsprop(a["learningRate"], **pick(a, names), momentum=momentum))


def rmsprop_keras(a):
    names = {"learningRate": "learning_rate", "decay": "rho", "momentum": "momentum", "epsilon": "epsilon",
             "centered": "centered"}
    return keras.optimizers.RMSprop(**pick(a, names), weight_decay=keras_decay(a))


def rmsprop_paper(a):
    """Tieleman & Hinton 2012 with Graves 2013's centred variant, heavy-ball momentum in
    velocity form and the notes' Nesterov form (Goodfellow et al. Alg. 8.6), coupled L2:
    r ← ρr + (1−ρ)g², (centred: ḡ ← ρḡ + (1−ρ)g, r̃ = r − ḡ²),
    v ← μv − η·g/√(r̃ + ε) (Alg. 8.5's δ inside the root), θ ← θ + v;
    Nesterov (Alg. 8.6): g taken at θ̃ = θ + μv, and Alg. 8.6, which has no δ,
    gets one outside the root, g/(√r + ε) (THEORY.md §14, S4.3)."""
    eta, rho, eps = a["learningRate"], a["decay"], a["epsilon"]
    mu, lam = a.get("momentum", 0.0), a.get("weightDecay", 0.0)
    centered, nesterov = a.get("centered", False), a.get("nesterov", False)

    def step(t, w, state, gradient_at):
        v = state.setdefault("v", zeros_like(w))
        r = state.setdefault("r", zeros_like(w))
        mean = state.setdefault("mean", zeros_like(w))
        point = [p + mu * vi for p, vi in zip(w, v)] if nesterov else w
        g = [gi + lam * p for gi, p in zip(gradient_at(point), point)]
        new = []
        for i, p in enumerate(w):
            r[i] = rho * r[i] + (1 - rho) * g[i] ** 2
            mean[i] = rho * mean[i] + (1 - rho) * g[i]
            square = r[i] - mean[i] ** 2 if centered else r[i]
            scale = np.sqrt(square) + eps if nesterov else np.sqrt(square + eps)
            v[i] = mu * v[i] - eta * g[i] / scale
            new.append(p + v[i])
        return new

    return step



# MARK: - Adamax, NAdam, RAdam (Kingma & Ba 2015 §7.1; Dozat 2016; Liu et al. 2020)


def adam_family_torch(kind, extra=None):
    names = {"learningRate": "lr", "epsilon": "eps", "weightDecay": "weight_decay"} | (extra or {})
    return lambda a: (lambda p: kind(p, **pick(a, names), betas=(a.get("beta1", 0.9), a.get("beta2", 0.999)),
                                     foreach=False))


def adam_family_optax(method):
    names = {"beta1": "b1", "beta2": "b2", "epsilon": "eps"}
    return lambda a: coupled_decay(a.get("weightDecay"), method(a["learningRate"], **pick(a, names)))


def adam_family_keras(kind):
    names = {"learningRate": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon"}
    return lambda a: kind(**pick(a, names), weight_decay=keras_decay(a))


def nadam_optax(a):
    if not a.get("decoupledWeightDecay"):
        return adam_family_optax(optax.nadam)(a)
    names = {"beta1": "b1", "beta2": "b2", "epsilon": "eps", "weightDecay": "weight_decay"}
    return optax.nadamw(a["learningRate"], **pick(a, names))


def adamax_paper(a):
    """Kingma & Ba 2015, Alg. 2, with coupled L2 and ε added to u (u = 0 only when every g was 0):
    m ← β₁m + (1−β₁)g, u ← max(β₂u, |g|), θ ← θ − (α/(1−β₁ᵗ))·m/(u + ε)."""
    alpha, b1, b2, eps = a["learningRate"], a.get("beta1", 0.9), a.get("beta2", 0.999), a["epsilon"]
    lam = a.get("weightDecay", 0.0)

    def step(t, w, state, gradient_at):
        g = [gi + lam * p for gi, p in zip(gradient_at(w), w)]
        m = state.setdefault("m", zeros_like(w))
        u = state.setdefault("u", zeros_like(w))
        new = []
        for i, p in enumerate(w):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            u[i] = np.maximum(b2 * u[i], np.abs(g[i]))
            new.append(p - alpha / (1 - b1**t) * m[i] / (u[i] + eps))
        return new

    return step


def nadam_paper(a):
    """Dozat 2016 with the momentum schedule μₜ = β₁(1 − ½·0.96^{tψ}) (THEORY.md §12), coupled L2:
    m̂ = μₜ₊₁m/(1 − Πᵢ₌₁ᵗ⁺¹μᵢ) + (1−μₜ)g/(1 − Πᵢ₌₁ᵗμᵢ), v̂ = v/(1−β₂ᵗ), θ ← θ − γ·m̂/(√v̂ + ε)."""
    gamma, b1, b2, eps = a["learningRate"], a.get("beta1", 0.9), a.get("beta2", 0.999), a["epsilon"]
    psi, lam = a.get("momentumDecay", 4e-3), a.get("weightDecay", 0.0)

    def mu(t):
        return b1 * (1 - 0.5 * 0.96 ** (t * psi))

    def step(t, w, state, gradient_at):
        g = [gi + lam * p for gi, p in zip(gradient_at(w), w)]
        m = state.setdefault("m", zeros_like(w))
        v = state.setdefault("v", zeros_like(w))
        product = state.get("product", 1.0) * mu(t)
        state["product"] = product
        new = []
        for i, p in enumerate(w):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            m_hat = mu(t + 1) * m[i] / (1 - product * mu(t + 1)) + (1 - mu(t)) * g[i] / (1 - product)
            new.append(p - gamma * m_hat / (np.sqrt(v[i] / (1 - b2**t)) + eps))
        return new

    return step


def radam_paper(a):
    """Liu et al. 2020, Alg. 2, with coupled L2 and ε added to √v̂:
    ρ∞ = 2/(1−β₂) − 1, ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ); when ρₜ > RADAM_THRESHOLD,
    rₜ = √((ρₜ−4)(ρₜ−2)ρ∞/((ρ∞−4)(ρ∞−2)ρₜ)), θ ← θ − α·rₜ·m̂/(√v̂ + ε); otherwise θ ← θ − α·m̂."""
    alpha, b1, b2, eps = a["learningRate"], a.get("beta1", 0.9), a.get("beta2", 0.999), a["epsilon"]
    lam = a.get("weightDecay", 0.0)
    rho_infinity = 2 / (1 - b2) - 1

    def step(t, w, state, gradient_at):
        g = [gi + lam * p for gi, p in zip(gradient_at(w), w)]
        m = state.setdefault("m", zeros_like(w))
        v = state.setdefault("v", zeros_like(w))
        rho = rho_infinity - 2 * t * b2**t / (1 - b2**t)
        new = []
        for i, p in enumerate(w):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            m_hat = m[i] / (1 - b1**t)
            if rho > RADAM_THRESHOLD:
                r = np.sqrt((rho - 4) * (rho - 2) * rho_infinity / ((rho_infinity - 4) * (rho_infinity - 2) * rho))
                new.append(p - alpha * r * m_hat / (np.sqrt(v[i] / (1 - b2**t)) + eps))
            else:
                new.append(p - alpha * m_hat)
        return new

    return step


RADAM_THRESHOLD = 4.0


# MARK: - LARS (You, Gitman & Ginsburg 2017), LAMB (You et al. 2020)


def lars_optax(a):
    names = {"weightDecay": "weight_decay", "trustCoefficient": "trust_coefficient", "epsilon": "eps",
             "momentum": "momentum", "nesterov": "nesterov"}
    return optax.lars(a["learningRate"], **pick(a, names))


def lars_paper(a):
    """You et al. 2017, Alg. 1, per tensor: λˡ = η‖w‖/(‖g‖ + β‖w‖ + ε) (1 when a norm is 0),
    v ← m·v + γ·λˡ·(g + βw), w ← w − v."""
    gamma, m, beta = a["learningRate"], a.get("momentum", 0.9), a.get("weightDecay", 0.0)
    trust, eps = a.get("trustCoefficient", 1e-3), a.get("epsilon", 0.0)

    def step(t, w, state, gradient_at):
        g = gradient_at(w)
        v = state.setdefault("v", zeros_like(w))
        new = []
        for i, p in enumerate(w):
            weight_norm, gradient_norm = norm(p), norm(g[i])
            ratio = 1.0
            if weight_norm > 0 and gradient_norm > 0:
                ratio = trust * weight_norm / (gradient_norm + beta * weight_norm + eps)
            v[i] = m * v[i] + gamma * ratio * (g[i] + beta * p)
            new.append(p - v[i])
        return new

    return step


def lamb_optax(a):
    names = {"beta1": "b1", "beta2": "b2", "epsilon": "eps", "epsilonInsideRoot": "eps_root",
             "weightDecay": "weight_decay"}
    return optax.lamb(a["learningRate"], **pick(a, names))


def lamb_keras(a):
    names = {"learningRate": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon"}
    return keras.optimizers.Lamb(**pick(a, names), weight_decay=keras_decay(a))


def lamb_paper(a):
    """You et al. 2020, Alg. 2, per tensor: Adam moments (bias-corrected unless biasCorrection is
    false), r = m̂/(√(v̂ + ε_root) + ε) (ε_root = 0 in the paper), u = r + λw, w ← w − η·φ(‖w‖)/‖u‖·u with φ(z) = min(z, clamp)
    (φ(z) = z without a clamp) and ratio 1 when ‖w‖ or ‖u‖ is 0."""
    eta, b1, b2 = a["learningRate"], a.get("beta1", 0.9), a.get("beta2", 0.999)
    eps, lam = a.get("epsilon", 1e-6), a.get("weightDecay", 0.0)
    eps_root = a.get("epsilonInsideRoot", 0.0)
    corrected, clamp = a.get("biasCorrection", True), a.get("weightNormClamp")

    def step(t, w, state, gradient_at):
        g = gradient_at(w)
        m = state.setdefault("m", zeros_like(w))
        v = state.setdefault("v", zeros_like(w))
        new = []
        for i, p in enumerate(w):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            m_hat = m[i] / (1 - b1**t) if corrected else m[i]
            v_hat = v[i] / (1 - b2**t) if corrected else v[i]
            u = m_hat / (np.sqrt(v_hat + eps_root) + eps) + lam * p
            weight_norm, update_norm = norm(p), norm(u)
            phi = min(weight_norm, clamp) if clamp is not None else weight_norm
            ratio = phi / update_norm if weight_norm > 0 and update_norm > 0 else 1.0
            new.append(p - eta * ratio * u)
        return new

    return step


# MARK: - Which code computes each convention

TORCH, OPTAX, KERAS, PAPER = "pytorch", "optax", "keras", "paper"
RUNNERS = {TORCH: run_torch, OPTAX: run_optax, KERAS: run_keras, PAPER: run_paper}

# optimizer -> convention -> (reference label, builder from Descent arguments)
REFERENCES = {
    "SGD": {TORCH: ("torch.optim.SGD", sgd_torch), OPTAX: ("optax.sgd", sgd_optax),
            KERAS: ("keras.optimizers.SGD", sgd_keras), PAPER: ("numpy-from-paper", sgd_paper)},
    "Adam": {TORCH: ("torch.optim.Adam", adam_torch), OPTAX: ("optax.adam / optax.amsgrad", adam_optax),
             KERAS: ("keras.optimizers.Adam", adam_keras), PAPER: ("numpy-from-paper", adam_paper)},
    "AdamW": {TORCH: ("torch.optim.AdamW", lambda a: adam_torch(a, torch.optim.AdamW)),
              OPTAX: ("optax.adamw", adamw_optax),
              KERAS: ("keras.optimizers.AdamW", lambda a: adam_keras(a, keras.optimizers.AdamW)),
              PAPER: ("numpy-from-paper", lambda a: adam_paper(a, decoupled=True))},
    "AdaGrad": {TORCH: ("torch.optim.Adagrad", adagrad_torch), OPTAX: ("optax.adagrad", adagrad_optax),
                KERAS: ("keras.optimizers.Adagrad", adagrad_keras), PAPER: ("numpy-from-paper", adagrad_paper)},
    "AdaDelta": {TORCH: ("torch.optim.Adadelta", adadelta_torch), OPTAX: ("optax.adadelta", adadelta_optax),
                 KERAS: ("keras.optimizers.Adadelta", adadelta_keras), PAPER: ("numpy-from-paper", adadelta_paper)},
    "RMSProp": {TORCH: ("torch.optim.RMSprop", rmsprop_torch), OPTAX: ("optax.rmsprop", rmsprop_optax),
                KERAS: ("keras.optimizers.RMSprop", rmsprop_keras), PAPER: ("numpy-from-paper", rmsprop_paper)},
    "Adamax": {TORCH: ("torch.optim.Adamax", adam_family_torch(torch.optim.Adamax)),
               OPTAX: ("optax.adamax", adam_family_optax(optax.adamax)),
               KERAS: ("keras.optimizers.Adamax", adam_family_keras(keras.optimizers.Adamax)),
               PAPER: ("numpy-from-paper", adamax_paper)},
    "NAdam": {TORCH: ("torch.optim.NAdam", adam_family_torch(
                  torch.optim.NAdam, {"momentumDecay": "momentum_decay", "decoupledWeightDecay": "decoupled_weight_decay"})),
              OPTAX: ("optax.nadam", nadam_optax),
              KERAS: ("keras.optimizers.Nadam", adam_family_keras(keras.optimizers.Nadam)),
              PAPER: ("numpy-from-paper", nadam_paper)},
    "RAdam": {TORCH: ("torch.optim.RAdam", adam_family_torch(
                  torch.optim.RAdam, {"decoupledWeightDecay": "decoupled_weight_decay"})),
              OPTAX: ("optax.radam", adam_family_optax(optax.radam)),
              PAPER: ("numpy-from-paper", radam_paper)},
    "LARS": {OPTAX: ("optax.lars", lars_optax), PAPER: ("numpy-from-paper", lars_paper)},
    "LAMB": {OPTAX: ("optax.lamb", lamb_optax), KERAS: ("keras.optimizers.Lamb", lamb_keras),
             PAPER: ("numpy-from-paper", lamb_paper)},
}
# Methods whose optax alias has no weight decay of its own: coupled decay is optax.chain(add_decayed_weights, …).
OPTAX_CHAINED_DECAY = {"SGD", "Adam", "AdaGrad", "RMSProp", "Adamax", "NAdam", "RAdam"}

# MARK: - Cases: (optimizer, convention, variant, Descent init arguments under their Swift labels)

MOMENTUM = {"learningRate": 0.05, "momentum": 0.9}
ADAM_TUNED = {"learningRate": 0.1, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-3}
AMSGRAD = {"learningRate": 0.1, "beta2": 0.9, "amsgrad": True}

CASES = [
    # SGD: plain, heavy ball (velocity or buffer form), dampening, Nesterov, coupled or Keras's decoupled decay.
    ("SGD", PAPER, "plain", {"learningRate": 0.15}),
    ("SGD", PAPER, "momentum", MOMENTUM),
    ("SGD", PAPER, "momentum+decay", MOMENTUM | {"weightDecay": 0.1}),
    ("SGD", PAPER, "lookAhead", MOMENTUM | {"nesterov": "lookAhead"}),
    ("SGD", PAPER, "lookAhead+decay", MOMENTUM | {"nesterov": "lookAhead", "weightDecay": 0.1}),
    ("SGD", PAPER, "reformulated", MOMENTUM | {"nesterov": "reformulated"}),
    ("SGD", TORCH, "plain+decay", {"learningRate": 0.15, "weightDecay": 0.1}),
    ("SGD", TORCH, "momentum", MOMENTUM),
    ("SGD", TORCH, "momentum+dampening+decay", MOMENTUM | {"dampening": 0.3, "weightDecay": 0.1}),
    ("SGD", TORCH, "nesterov+decay", MOMENTUM | {"nesterov": "reformulated", "weightDecay": 0.1}),
    ("SGD", OPTAX, "plain", {"learningRate": 0.15}),
    ("SGD", OPTAX, "momentum+decay", MOMENTUM | {"weightDecay": 0.1}),
    ("SGD", OPTAX, "nesterov", MOMENTUM | {"nesterov": "reformulated"}),
    ("SGD", KERAS, "plain+decay", {"learningRate": 0.15, "weightDecay": 0.1}),
    ("SGD", KERAS, "momentum", MOMENTUM),
    ("SGD", KERAS, "nesterov+decay", MOMENTUM | {"nesterov": "reformulated", "weightDecay": 0.1}),
    # Adam: defaults (each convention's ε), tuned β and a large ε (ε placement shows), L2, AMSGrad.
    ("Adam", PAPER, "defaults", {"learningRate": 0.1}),
    ("Adam", PAPER, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adam", PAPER, "amsgrad", AMSGRAD),
    ("Adam", TORCH, "defaults", {"learningRate": 0.1}),
    ("Adam", TORCH, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adam", TORCH, "amsgrad+decay", AMSGRAD | {"weightDecay": 0.05}),
    ("Adam", OPTAX, "defaults", {"learningRate": 0.1}),
    ("Adam", OPTAX, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adam", OPTAX, "amsgrad", AMSGRAD),
    ("Adam", KERAS, "defaults", {"learningRate": 0.1}),
    ("Adam", KERAS, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adam", KERAS, "amsgrad", AMSGRAD),
    # AdamW: each convention's default λ, a large λ with AMSGrad.
    ("AdamW", PAPER, "defaults", {"learningRate": 0.1}),
    ("AdamW", PAPER, "tuned+amsgrad", ADAM_TUNED | {"weightDecay": 0.05, "amsgrad": True}),
    ("AdamW", TORCH, "defaults", {"learningRate": 0.1}),
    ("AdamW", TORCH, "tuned+amsgrad", ADAM_TUNED | {"weightDecay": 0.2, "amsgrad": True}),
    ("AdamW", OPTAX, "defaults", {"learningRate": 0.1}),
    ("AdamW", OPTAX, "tuned", ADAM_TUNED | {"weightDecay": 0.2}),
    ("AdamW", OPTAX, "tuned+amsgrad", ADAM_TUNED | {"weightDecay": 0.2, "amsgrad": True}),
    ("AdamW", KERAS, "defaults", {"learningRate": 0.1}),
    ("AdamW", KERAS, "tuned+amsgrad", ADAM_TUNED | {"weightDecay": 0.2, "amsgrad": True}),
    # AdaGrad: each convention's ε and initial accumulator; PyTorch's rate decay; decay.
    ("AdaGrad", PAPER, "explicit+decay", {"learningRate": 0.5, "epsilon": 1e-3, "initialAccumulator": 0.1,
                                           "weightDecay": 0.05}),
    ("AdaGrad", TORCH, "defaults", {"learningRate": 0.5}),
    ("AdaGrad", TORCH, "rateDecay+decay", {"learningRate": 0.5, "learningRateDecay": 0.1, "weightDecay": 0.05,
                                           "initialAccumulator": 0.1, "epsilon": 1e-3}),
    ("AdaGrad", OPTAX, "defaults", {"learningRate": 0.5}),
    ("AdaGrad", OPTAX, "explicit+decay", {"learningRate": 0.5, "epsilon": 1e-3, "initialAccumulator": 0.5,
                                          "weightDecay": 0.05}),
    ("AdaGrad", KERAS, "defaults", {"learningRate": 0.5}),
    ("AdaGrad", KERAS, "explicit+decay", {"learningRate": 0.5, "epsilon": 1e-3, "initialAccumulator": 0.5,
                                          "weightDecay": 0.05}),
    # AdaDelta: Zeiler's form (no global rate), each framework's defaults, a rate, ρ, ε and decay.
    ("AdaDelta", PAPER, "defaults", {}),
    ("AdaDelta", PAPER, "explicit+decay", {"learningRate": 0.5, "decay": 0.9, "epsilon": 1e-3, "weightDecay": 0.05}),
    ("AdaDelta", TORCH, "defaults", {}),
    ("AdaDelta", TORCH, "explicit+decay", {"learningRate": 0.5, "decay": 0.8, "epsilon": 1e-3, "weightDecay": 0.05}),
    ("AdaDelta", OPTAX, "rate", {"learningRate": 1.0}),
    ("AdaDelta", OPTAX, "explicit+decay", {"learningRate": 0.5, "decay": 0.8, "epsilon": 1e-3, "weightDecay": 0.05}),
    ("AdaDelta", KERAS, "defaults", {}),
    ("AdaDelta", KERAS, "explicit+decay", {"learningRate": 0.5, "decay": 0.8, "epsilon": 1e-3, "weightDecay": 0.05}),
    # RMSProp: plain, centred, momentum, the notes' Nesterov (paper only), decay; ε large enough to show where it sits.
    ("RMSProp", PAPER, "plain", {"learningRate": 0.05, "decay": 0.9, "epsilon": 1e-3}),
    ("RMSProp", PAPER, "centered+momentum+decay", {"learningRate": 0.02, "decay": 0.9, "epsilon": 1e-3,
                                                   "centered": True, "momentum": 0.5, "weightDecay": 0.05}),
    ("RMSProp", PAPER, "nesterov", {"learningRate": 0.02, "decay": 0.9, "epsilon": 1e-3, "momentum": 0.5,
                                    "nesterov": True}),
    ("RMSProp", TORCH, "defaults", {"learningRate": 0.05}),
    ("RMSProp", TORCH, "centered+momentum+decay", {"learningRate": 0.02, "decay": 0.9, "epsilon": 1e-3,
                                                   "centered": True, "momentum": 0.5, "weightDecay": 0.05}),
    ("RMSProp", OPTAX, "defaults", {"learningRate": 0.05}),
    ("RMSProp", OPTAX, "nesterov", {"learningRate": 0.02, "decay": 0.9, "epsilon": 1e-3, "momentum": 0.5,
                                    "nesterov": True}),
    ("RMSProp", OPTAX, "centered+momentum+decay", {"learningRate": 0.02, "decay": 0.9, "epsilon": 1e-3,
                                                   "centered": True, "momentum": 0.5, "weightDecay": 0.05}),
    ("RMSProp", KERAS, "defaults", {"learningRate": 0.05}),
    ("RMSProp", KERAS, "centered+momentum+decay", {"learningRate": 0.02, "decay": 0.9, "epsilon": 1e-3,
                                                   "centered": True, "momentum": 0.5, "weightDecay": 0.05}),
    # Adamax.
    ("Adamax", PAPER, "explicit+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adamax", TORCH, "defaults", {"learningRate": 0.1}),
    ("Adamax", TORCH, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adamax", OPTAX, "defaults", {"learningRate": 0.1}),
    ("Adamax", OPTAX, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("Adamax", KERAS, "defaults", {"learningRate": 0.1}),
    ("Adamax", KERAS, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    # NAdam: Dozat's schedule (ψ), optax's constant μ = β₁, Keras's 0.96ᵗ schedule.
    ("NAdam", PAPER, "explicit", {"learningRate": 0.1, "epsilon": 1e-8}),
    ("NAdam", PAPER, "tuned+decay", ADAM_TUNED | {"momentumDecay": 0.1, "weightDecay": 0.05}),
    ("NAdam", TORCH, "defaults", {"learningRate": 0.1}),
    ("NAdam", TORCH, "decoupled", {"learningRate": 0.1, "weightDecay": 0.2, "decoupledWeightDecay": True}),
    ("NAdam", TORCH, "tuned+decay", ADAM_TUNED | {"momentumDecay": 0.1, "weightDecay": 0.05}),
    ("NAdam", OPTAX, "defaults", {"learningRate": 0.1}),
    ("NAdam", OPTAX, "decoupled", {"learningRate": 0.1, "weightDecay": 0.2, "decoupledWeightDecay": True}),
    ("NAdam", OPTAX, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("NAdam", KERAS, "defaults", {"learningRate": 0.1}),
    ("NAdam", KERAS, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    # RAdam: 20 steps cross the rectification threshold (ρₜ passes 4 and 5 at steps 5 and 6 for β₂ = 0.999).
    ("RAdam", PAPER, "explicit", {"learningRate": 0.1, "epsilon": 1e-8}),
    ("RAdam", PAPER, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("RAdam", TORCH, "defaults", {"learningRate": 0.1}),
    ("RAdam", TORCH, "decoupled", {"learningRate": 0.1, "weightDecay": 0.2, "decoupledWeightDecay": True}),
    ("RAdam", TORCH, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    ("RAdam", OPTAX, "defaults", {"learningRate": 0.1}),
    ("RAdam", OPTAX, "tuned+decay", ADAM_TUNED | {"weightDecay": 0.05}),
    # LARS and LAMB: per-tensor trust ratios (w₀ = 0 on the quadratic: the ratio-1 rule on step 1).
    ("LARS", PAPER, "decay", {"learningRate": 0.5, "momentum": 0.9, "weightDecay": 0.01, "trustCoefficient": 0.02}),
    ("LARS", OPTAX, "decay", {"learningRate": 0.5, "momentum": 0.9, "weightDecay": 0.01, "trustCoefficient": 0.02}),
    ("LARS", OPTAX, "nesterov", {"learningRate": 0.5, "momentum": 0.9, "weightDecay": 0.01, "trustCoefficient": 0.02,
                                 "nesterov": True}),
    ("LARS", OPTAX, "epsilon", {"learningRate": 0.5, "momentum": 0.8, "trustCoefficient": 0.02, "epsilon": 0.1}),
    ("LAMB", PAPER, "decay", {"learningRate": 0.05, "weightDecay": 0.01}),
    ("LAMB", PAPER, "epsilonInsideRoot", {"learningRate": 0.05, "epsilon": 0.0, "epsilonInsideRoot": 1e-3}),
    ("LAMB", PAPER, "clamp+uncorrected", {"learningRate": 0.05, "weightDecay": 0.01, "biasCorrection": False,
                                          "weightNormClamp": 0.5}),
    ("LAMB", OPTAX, "epsilonInsideRoot", {"learningRate": 0.05, "epsilon": 1e-4, "epsilonInsideRoot": 1e-3}),
    ("LAMB", OPTAX, "decay", {"learningRate": 0.05, "weightDecay": 0.01}),
    ("LAMB", KERAS, "defaults", {"learningRate": 0.05}),
    ("LAMB", KERAS, "decay", {"learningRate": 0.05, "weightDecay": 0.01, "epsilon": 1e-6}),
]


# MARK: - Output


def reference_label(optimizer, convention, arguments):
    label, _ = REFERENCES[optimizer][convention]
    if convention == OPTAX and optimizer in OPTAX_CHAINED_DECAY and arguments.get("weightDecay"):
        return f"optax.chain(add_decayed_weights, {label})"
    if optimizer == "NAdam" and convention == OPTAX and arguments.get("decoupledWeightDecay"):
        return "optax.nadamw"
    if optimizer == "AdamW" and convention == OPTAX and arguments.get("amsgrad"):
        return "optax.chain(scale_by_amsgrad, add_decayed_weights, scale_by_learning_rate) (optax.adamw's chain)"
    return label


def rounded(x):
    """x to SIGNIFICANT_DIGITS digits: a relative change of at most 5e-13, 1/200 of the tests' 1e-10."""
    return float(f"{float(x):.{SIGNIFICANT_DIGITS}g}")


SIGNIFICANT_DIGITS = 13


def run_case(optimizer, convention, variant, arguments, problem):
    _, build = REFERENCES[optimizer][convention]
    trajectory = RUNNERS[convention](problem, build(arguments))
    for parameters in trajectory:
        for p in parameters:
            assert np.all(np.isfinite(p)), f"{optimizer}/{convention}/{variant}/{problem} diverged"
    return {
        "id": f"{optimizer}/{convention}/{variant}/{problem}",
        "optimizer": optimizer,
        "convention": convention,
        "problem": problem,
        "reference": reference_label(optimizer, convention, arguments),
        "arguments": arguments,
        "trajectory": [[[rounded(x) for x in p.ravel()] for p in parameters] for parameters in trajectory],
    }


def problems_json():
    return {
        "quadratic": {
            "description": "f(w) = 1/2 (w - w*)^T H (w - w*), H = R diag(1, 10) R^T, R the 30 degree rotation",
            "hessian": HESSIAN.tolist(),
            "minimizer": MINIMIZER.tolist(),
            "names": ["w"],
            "shapes": [[2, 1]],
            "start": [QUADRATIC_START[0].tolist()],
        },
        "mlp": {
            "description": "Sequential([Dense(2, 3), Activation(.tanh), Dense(3, 2)]), "
                           "Loss.quadratic: C = (1/n) sum_x 1/2 ||y - t||^2 over n = 5 examples",
            "inputs": MLP_INPUTS.tolist(),
            "targets": MLP_TARGETS.tolist(),
            "names": MLP_NAMES,
            "shapes": [[3, 2], [1, 3], [2, 3], [1, 2]],
            "start": [p.ravel().tolist() for p in MLP_START],
        },
    }


def mlp_variants():
    """The variants also run on the MLP: the last one listed for each optimizer and convention
    (the one exercising the most options), and SGD's look-ahead Nesterov (a gradient oracle
    through autograd). The quadratic runs every variant; this keeps the file a few hundred KB."""
    last = {(optimizer, convention): variant for optimizer, convention, variant, _ in CASES}
    return set((optimizer, convention, variant) for (optimizer, convention), variant in last.items()) | {
        ("SGD", PAPER, "lookAhead")}


def main():
    cases = []
    on_mlp = mlp_variants()
    for optimizer, convention, variant, arguments in CASES:
        cases.append(run_case(optimizer, convention, variant, arguments, "quadratic"))
        if (optimizer, convention, variant) in on_mlp:
            cases.append(run_case(optimizer, convention, variant, arguments, "mlp"))
    header = {
        "description": "Parameters after each of the first 20 optimizer steps, written by "
                       "scripts/make_optimizer_golden.py; trajectory[k][p] is parameter tensor p "
                       "(flattened row by row) after step k + 1",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
                     "jax": jax.__version__, "optax": optax.__version__, "keras": keras.__version__},
        "steps": STEPS,
        "problems": problems_json(),
    }
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [json.dumps(case, ensure_ascii=False, separators=(",", ":")) for case in cases]
    text += ',"cases":[\n' + ",\n".join(lines) + "\n]}\n"
    OUTPUT.write_text(text)
    print(f"wrote {len(cases)} cases, {len(text) // 1024} KB to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
