#!/usr/bin/env python3
"""Fixtures and NumPy reference values for the `eigen` end-to-end tests.

Writes into Tests/DescentProgramTests/Fixtures/:
  pd.{npy,csv,mtx}          6x6 positive definite, eigenvalues 0.5 1 2 3 5 10
  psd.{npy,csv,mtx}         5x5 positive semidefinite B Bᵀ (B integer 5x3): two zero eigenvalues
  indefinite.{npy,csv,mtx}  4x4, eigenvalues -2 -0.5 1 3
  nonsquare.npy             3x4
  nonsymmetric.npy          4x4, worst asymmetry at (1, 3) (0-based), difference 0.5
  nan.csv                   4x4 with NaN at row 2, column 1 (0-based)
  truncated.npy             header of a 4x4 float64 array, 40 of its 128 data bytes
  huge-header.npy           only the header of a 200000x200000 float64 array (the test
                            extends it to full size as a sparse file)
  matrix.dat                a valid matrix under an unknown extension
  eigen-expected.json       numpy.linalg.eigvalsh values and what follows from them:
                            κ on |λ| with zeros |λ| ≤ n·ε·max|λ|, inertia, and for the
                            positive (semi)definite ones L, μ(₊), 2/L, the closed-form rates
                            of GD at 1/L and 2/(L+μ), Polyak and Nesterov, and ⌈ln(1e6)/(−ln ρ)⌉.

Run from the repository root: python3 scripts/make_eigen_fixtures.py
"""

import json
import math
import os

import numpy as np
import scipy.io

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "DescentProgramTests", "Fixtures")
EPS = np.finfo(np.float64).eps


def rotation(n, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def from_spectrum(values, seed):
    q = rotation(len(values), seed)
    a = q @ np.diag(values) @ q.T
    return (a + a.T) / 2  # exactly symmetric, as the files must be


def save_all(name, a):
    np.save(os.path.join(OUT, name + ".npy"), a)
    np.savetxt(os.path.join(OUT, name + ".csv"), a, delimiter=",", fmt="%.17g")
    scipy.io.mmwrite(os.path.join(OUT, name + ".mtx"), a, precision=17, symmetry="symmetric")


def iterations(rate, epsilon=1e-6):
    if rate >= 1:
        return None
    if rate <= 0:
        return 0
    return math.ceil(math.log(1 / epsilon) / -math.log(rate))


def reference(a):
    n = a.shape[0]
    values = np.linalg.eigvalsh(a)
    tau = n * EPS * np.max(np.abs(values))
    positive = int(np.sum(values > tau))
    negative = int(np.sum(values < -tau))
    zero = n - positive - negative
    magnitudes = np.abs(values)
    kappa = math.inf if magnitudes.min() <= tau else float(magnitudes.max() / magnitudes.min())
    entry = {
        "eigenvalues": values.tolist(),
        "zeroTolerance": float(tau),
        "conditionNumber": "Infinity" if math.isinf(kappa) else kappa,
        "inertia": {"positive": positive, "zero": zero, "negative": negative},
    }
    if negative == 0:
        big = float(values[-1])
        small = float(values[values > tau][0])
        k = big / small
        q = (math.sqrt(k) - 1) / (math.sqrt(k) + 1)
        rates = [1 - 1 / k, (k - 1) / (k + 1), q, 1 - 1 / math.sqrt(k)]
        entry.update(
            {
                "largestCurvature": big,
                "smallestCurvature": small,
                "largestStableLearningRate": 2 / big,
                "learningRates": [1 / big, 2 / (big + small), 4 / (math.sqrt(big) + math.sqrt(small)) ** 2, 1 / big],
                "rates": rates,
                "iterations": [iterations(r) for r in rates],
            }
        )
    return entry


def data_reference(x):
    """κ of XᵀX/N raw, centred and standardized (population standard deviation), as ConditioningReport."""
    rows = {}
    centred = x - x.mean(axis=0)
    for name, inputs in [("raw", x), ("centered", centred), ("standardized", centred / x.std(axis=0))]:
        h = inputs.T @ inputs / x.shape[0]
        values = np.linalg.eigvalsh(h)
        kappa = float(np.max(np.abs(values)) / np.min(np.abs(values)))
        rate = (kappa - 1) / (kappa + 1)
        rows[name] = {
            "smallestEigenvalue": float(values[0]),
            "largestEigenvalue": float(values[-1]),
            "conditionNumber": kappa,
            "optimalRate": rate,
            "predictedIterations": iterations(rate),
        }
    return rows


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}

    pd = from_spectrum([0.5, 1, 2, 3, 5, 10], seed=1)
    save_all("pd", pd)
    expected["pd"] = reference(pd)

    b = np.array([[1, 2, 0], [0, 1, 1], [2, 0, 1], [1, 1, 1], [0, 2, 3]], dtype=np.float64)
    psd = b @ b.T  # integer entries: exactly symmetric, rank 3
    save_all("psd", psd)
    expected["psd"] = reference(psd)
    assert expected["psd"]["inertia"]["zero"] == 2, expected["psd"]

    indefinite = from_spectrum([-2, -0.5, 1, 3], seed=2)
    save_all("indefinite", indefinite)
    expected["indefinite"] = reference(indefinite)

    np.save(os.path.join(OUT, "nonsquare.npy"), np.arange(12, dtype=np.float64).reshape(3, 4))

    asymmetric = from_spectrum([1, 2, 3, 4], seed=3)
    asymmetric[1, 3] += 0.5
    asymmetric[0, 2] += 0.1
    np.save(os.path.join(OUT, "nonsymmetric.npy"), asymmetric)

    with_nan = from_spectrum([1, 2, 3, 4], seed=4)
    with_nan[2, 1] = np.nan
    np.savetxt(os.path.join(OUT, "nan.csv"), with_nan, delimiter=",", fmt="%.17g")

    whole = open(os.path.join(OUT, "pd.npy"), "rb").read()
    np.save(os.path.join(OUT, "truncated-full.npy"), from_spectrum([1, 2, 3, 4], seed=5))
    full = open(os.path.join(OUT, "truncated-full.npy"), "rb").read()
    os.remove(os.path.join(OUT, "truncated-full.npy"))
    with open(os.path.join(OUT, "truncated.npy"), "wb") as f:
        f.write(full[: len(full) - 128 + 40])

    with open(os.path.join(OUT, "huge-header.npy"), "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f8", "fortran_order": False, "shape": (200000, 200000)}
        )

    with open(os.path.join(OUT, "matrix.dat"), "wb") as f:
        f.write(whole)

    # A small regression data set with a header: 12 examples, features on very different scales.
    rng = np.random.default_rng(6)
    features = np.column_stack(
        [rng.uniform(0, 1, 12), rng.normal(100, 15, 12), rng.integers(1000, 5000, 12).astype(np.float64)]
    )
    target = features @ np.array([2.0, 0.1, 0.001]) + rng.normal(0, 0.1, 12)
    table = np.column_stack([features, target])
    np.savetxt(os.path.join(OUT, "data.csv"), table, delimiter=",", fmt="%.17g",
               header="width,height,weight,price", comments="")
    table[4, 1] = np.nan
    np.savetxt(os.path.join(OUT, "data-nan.csv"), table, delimiter=",", fmt="%.17g",
               header="width,height,weight,price", comments="")
    expected["data"] = data_reference(features)

    with open(os.path.join(OUT, "eigen-expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
