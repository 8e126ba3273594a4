#!/usr/bin/env python3
"""Reference values for Tests/DescentConvergenceTests/Spectra*Tests.swift, computed with SciPy.

Run:  python3 scripts/hessian_spectra_reference_values.py
Needs: numpy and scipy. Every constant printed here is pasted into a test next to a
comment naming this script, so a reader can regenerate and compare.
"""
import numpy as np
from scipy import stats

# 1. Student-t quantiles t_p(nu) (two-sided 90/95/99% intervals use p = 0.95/0.975/0.995),
#    and the normal limit. Used by the Hutchinson confidence interval.
print("# p, nu, scipy.stats.t.ppf(p, nu)")
for p in (0.95, 0.975, 0.995):
    for nu in (1, 2, 5, 9, 29, 99, 1000):
        print(p, nu, repr(float(stats.t.ppf(p, nu))))
    print(p, "normal", repr(float(stats.norm.ppf(p))))

# 2. THEORY.md §9.4: Gauss quadrature of diag(1..10) with v = ones/sqrt(10), m = 3.
a = np.arange(1, 11, dtype=float)
v = np.ones(10) / np.sqrt(10)
q = [v]
alpha, beta = [], []
w = a * v
for j in range(3):
    alpha.append(q[j] @ w)
    w = w - alpha[j] * q[j] - (beta[j - 1] * q[j - 1] if j > 0 else 0)
    beta.append(np.linalg.norm(w))
    q.append(w / beta[j])
    w = a * q[j + 1]
t = np.diag(alpha) + np.diag(beta[:2], 1) + np.diag(beta[:2], -1)
nodes, vectors = np.linalg.eigh(t)
weights = vectors[0] ** 2
print("# SLQ diag(1..10), m = 3: nodes, weights, moments j = 0..6 (quadrature, exact)")
print([repr(float(x)) for x in nodes])
print([repr(float(x)) for x in weights])
for j in range(7):
    print(j, repr(float(weights @ nodes**j)), repr(float(np.mean(a**j))))
