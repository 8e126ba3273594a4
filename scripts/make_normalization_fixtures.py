#!/usr/bin/env python3
"""Write the PyTorch reference values for Descent's normalization layers.

Writes Tests/DescentNNTests/Fixtures/normalization/pytorch_reference.json: for
each layer, its inputs (batch x, parameters, upstream gradient G), the forward
output y and the gradients of the loss sum(G * y) with respect to the input
and every parameter, computed by PyTorch in float64; for batch normalization
also the running statistics after one and two training batches (momentum 0.1
and momentum None) and the inference output and gradients that follow.

Beside it, pytorch_batch_norm.safetensors (the batch_norm layer's state_dict
after its two training batches) and pytorch_weight_norm.safetensors, written
with safetensors.torch exactly as PyTorch holds them (weight_g (3, 1),
num_batches_tracked a 0-d int64), to check that Descent loads them.

Shapes follow Descent's layout: a batch is examples x features (rows), a
per-feature vector (gamma, beta, running statistics, bias) is one row [[...]],
weight_g is outputs x 1 (PyTorch's own (outputs, 1)).

Layers and PyTorch counterparts:
  batch_norm*         torch.nn.BatchNorm1d(C)                   (eps 1e-5)
  layer_norm          torch.nn.LayerNorm(C)
  group_norm          torch.nn.GroupNorm(2, C)                  (2-D input; groups of 3:
                      a group of 2 normalizes to +-1 and its gradient is all cancellation)
  weight_norm         torch.nn.utils.weight_norm(nn.Linear(4, 3)), dim 0

Usage (from the repository root):

    pip install numpy safetensors torch --index-url https://download.pytorch.org/whl/cpu \\
        --extra-index-url https://pypi.org/simple
    python3 scripts/make_normalization_fixtures.py

The inputs come from a seeded NumPy generator and are rounded to 6 decimals,
so re-running the script leaves `git status` clean (up to PyTorch's rounding
in the last bit, which the Swift tests' 1e-10 tolerance does not see).
"""

import json
import pathlib
import warnings

import numpy as np
import torch
from safetensors.torch import save_file

FOLDER = pathlib.Path(__file__).resolve().parent.parent / "Tests/DescentNNTests/Fixtures/normalization"
OUTPUT = FOLDER / "pytorch_reference.json"


def save_checkpoint(module, name):
    """The module's state_dict as PyTorch writes it (num_batches_tracked is a 0-d int64)."""
    state = {k: v.detach().clone().contiguous() for k, v in module.state_dict().items()}
    save_file(state, str(FOLDER / name))


def rows(array):
    """A tensor or array as a list of rows (a 1-D vector becomes one row)."""
    a = np.asarray(array.detach().numpy() if isinstance(array, torch.Tensor) else array, dtype=np.float64)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    return [[float(v) for v in row] for row in a]


def uniform(rng, shape, low=-2.0, high=2.0):
    return np.round(rng.uniform(low, high, size=shape), 6)


def affine_case(module, x, upstream):
    """Forward and backward of a module with weight and bias on x, loss sum(G * y)."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = module(xt)
    (y * torch.tensor(upstream, dtype=torch.float64)).sum().backward()
    return {
        "y": rows(y),
        "dx": rows(xt.grad),
        "dweight": rows(module.weight.grad),
        "dbias": rows(module.bias.grad),
    }


def set_affine(module, weight, bias):
    with torch.no_grad():
        module.weight.copy_(torch.tensor(weight[0]))
        module.bias.copy_(torch.tensor(bias[0]))


def batch_norm_cases(rng):
    c = 4
    x1, x2, x3 = uniform(rng, (6, c)), uniform(rng, (5, c), 0.0, 3.0), uniform(rng, (3, c))
    weight, bias = uniform(rng, (1, c), 0.5, 1.5), uniform(rng, (1, c), -0.5, 0.5)
    g1, g3 = uniform(rng, (6, c)), uniform(rng, (3, c))
    cases = {}
    for label, momentum in (("batch_norm", 0.1), ("batch_norm_cumulative", None)):
        bn = torch.nn.BatchNorm1d(c, momentum=momentum).double()
        set_affine(bn, weight, bias)
        bn.train()
        case = {"x1": rows(x1), "x2": rows(x2), "x3": rows(x3), "weight": rows(weight), "bias": rows(bias)}
        case["upstream1"], case["upstream3"] = rows(g1), rows(g3)
        train = affine_case(bn, x1, g1)
        case.update({f"train_{k}": v for k, v in train.items()})
        case["running_mean1"], case["running_var1"] = rows(bn.running_mean), rows(bn.running_var)
        bn.zero_grad()
        with torch.no_grad():
            bn(torch.tensor(x2))
        case["running_mean2"], case["running_var2"] = rows(bn.running_mean), rows(bn.running_var)
        bn.eval()
        bn.zero_grad()
        inference = affine_case(bn, x3, g3)
        case.update({f"inference_{k}": v for k, v in inference.items()})
        cases[label] = case
        if momentum is not None:
            save_checkpoint(bn, "pytorch_batch_norm.safetensors")
    return cases


def per_example_case(rng, module, c=6):
    x, g = uniform(rng, (5, c)), uniform(rng, (5, c))
    weight, bias = uniform(rng, (1, c), 0.5, 1.5), uniform(rng, (1, c), -0.5, 0.5)
    set_affine(module, weight, bias)
    case = {"x": rows(x), "upstream": rows(g), "weight": rows(weight), "bias": rows(bias)}
    case.update(affine_case(module, x, g))
    return case


def weight_norm_case(rng):
    inputs, outputs = 4, 3
    v, g, b = uniform(rng, (outputs, inputs)), uniform(rng, (outputs, 1), 0.5, 2.0), uniform(rng, (1, outputs))
    x, upstream = uniform(rng, (5, inputs)), uniform(rng, (5, outputs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # weight_norm is deprecated in favour of parametrizations; same numbers
        layer = torch.nn.utils.weight_norm(torch.nn.Linear(inputs, outputs).double())
    with torch.no_grad():
        layer.weight_v.copy_(torch.tensor(v))
        layer.weight_g.copy_(torch.tensor(g))
        layer.bias.copy_(torch.tensor(b[0]))
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = layer(xt)
    (y * torch.tensor(upstream)).sum().backward()
    save_checkpoint(layer, "pytorch_weight_norm.safetensors")
    return {
        "weight_v": rows(v), "weight_g": rows(g), "bias": rows(b), "x": rows(x), "upstream": rows(upstream),
        "weight": rows(layer.weight), "y": rows(y),
        "dx": rows(xt.grad), "dweight_v": rows(layer.weight_v.grad), "dweight_g": rows(layer.weight_g.grad),
        "dbias": rows(layer.bias.grad),
    }


def compact_json(fixtures):
    """JSON with one line per matrix, so that a diff shows which value changed."""
    lines = ["{", f' "generator": {json.dumps(fixtures["generator"])},', ' "cases": {']
    names = list(fixtures["cases"])
    for index, name in enumerate(names):
        case = fixtures["cases"][name]
        lines.append(f"  {json.dumps(name)}: {{")
        keys = list(case)
        for k, key in enumerate(keys):
            comma = "," if k < len(keys) - 1 else ""
            lines.append(f"   {json.dumps(key)}: {json.dumps(case[key])}{comma}")
        lines.append("  }" + ("," if index < len(names) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(20260511)
    cases = batch_norm_cases(rng)
    cases["layer_norm"] = per_example_case(rng, torch.nn.LayerNorm(6).double())
    cases["group_norm"] = per_example_case(rng, torch.nn.GroupNorm(2, 6).double())
    cases["weight_norm"] = weight_norm_case(rng)
    fixtures = {"generator": f"PyTorch {torch.__version__.split('+')[0]}, float64", "cases": cases}
    OUTPUT.write_text(compact_json(fixtures))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
