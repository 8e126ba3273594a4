#!/usr/bin/env python3
"""Draws docs/figures/wine-spectrum.svg: the eigenvalues of the least-squares
Hessian H = X^T X / N of data/wine.csv, raw (with a bias column), centred and
standardized, on a log scale. Computed with NumPy, independently of Descent
(`scripts/run` prints the same condition numbers from Descent).

Run: python3 scripts/make_docs_figures.py   (needs numpy)
"""
import math
import os

import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = np.loadtxt(os.path.join(root, "data", "wine.csv"), delimiter=",", skiprows=1)
x = data[:, :-1]
n = x.shape[0]
variants = [
    ("raw, with a bias column", np.hstack([x, np.ones((n, 1))])),
    ("centred", x - x.mean(axis=0)),
    ("standardized", (x - x.mean(axis=0)) / x.std(axis=0)),
]
spectra = [(name, np.linalg.eigvalsh(m.T @ m / n)) for name, m in variants]

width, height, left, right, top, row = 760, 300, 190, 30, 40, 70
low, high = -4, 7  # log10 range of the axis


def position(value):
    return left + (math.log10(value) - low) / (high - low) * (width - left - right)


parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'font-family="Helvetica, Arial, sans-serif" font-size="13">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">'
         f'Eigenvalues of H = XᵀX/N, wine data (178 × 13)</text>']
for index, (name, values) in enumerate(spectra):
    y = top + 30 + index * row
    kappa = values[-1] / values[0]
    parts.append(f'<text x="{left - 12}" y="{y - 4}" text-anchor="end">{name}</text>')
    parts.append(f'<text x="{left - 12}" y="{y + 12}" text-anchor="end" fill="#555">κ = {kappa:.3g}</text>')
    parts.append(f'<line x1="{position(values[0]):.1f}" x2="{position(values[-1]):.1f}" y1="{y}" y2="{y}" '
                 f'stroke="#c33" stroke-width="3" opacity="0.35"/>')
    for value in values:
        parts.append(f'<circle cx="{position(value):.1f}" cy="{y}" r="4.5" fill="#1f5fa8" opacity="0.8"/>')
axis_y = top + 30 + len(spectra) * row - 25
parts.append(f'<line x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}" stroke="black"/>')
for exponent in range(low, high + 1):
    x_tick = position(10.0 ** exponent)
    parts.append(f'<line x1="{x_tick:.1f}" x2="{x_tick:.1f}" y1="{axis_y}" y2="{axis_y + 5}" stroke="black"/>')
    parts.append(f'<text x="{x_tick:.1f}" y="{axis_y + 20}" text-anchor="middle">10<tspan dy="-6" '
                 f'font-size="10">{exponent}</tspan></text>')
parts.append(f'<text x="{(left + width - right) / 2}" y="{axis_y + 42}" text-anchor="middle">'
             f'eigenvalue λ (log scale); the red bar spans λmin … λmax</text>')
parts.append("</svg>")
with open(os.path.join(root, "docs", "figures", "wine-spectrum.svg"), "w") as handle:
    handle.write("\n".join(parts) + "\n")
for name, values in spectra:
    print(f"{name}: kappa = {values[-1] / values[0]:.4g}")
