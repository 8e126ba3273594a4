#!/usr/bin/env python3
"""Reference values used by Tests/DescentLinalgTests, computed independently of Descent.

Run:  python3 scripts/reference_values.py
Needs: mpmath and numpy (both on PyPI). Every constant printed here is pasted into a
test next to a comment naming this script, so a reader can regenerate and compare.
"""
import mpmath
import numpy as np

mpmath.mp.dps = 60

# 1. Hilbert matrices: extreme eigenvalues and 2-norm condition numbers, in 60-digit arithmetic.
print("# Hilbert H[i,j] = 1/(i+j+1): n, lambda_min, lambda_max, kappa")
for n in (4, 6, 8, 10):
    h = mpmath.matrix(n, n)
    for i in range(n):
        for j in range(n):
            h[i, j] = mpmath.mpf(1) / (i + j + 1)
    eigenvalues = sorted(mpmath.eigsy(h)[0])
    print(n, mpmath.nstr(eigenvalues[0], 20), mpmath.nstr(eigenvalues[-1], 20),
          mpmath.nstr(eigenvalues[-1] / eigenvalues[0], 20))


# 2. xoshiro256** seeded with SplitMix64 (reference algorithm of Blackman & Vigna).
MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def xoshiro_stream(seed, count):
    s, state = [], seed
    for _ in range(4):
        state, value = splitmix64(state)
        s.append(value)
    out = []
    for _ in range(count):
        out.append((rotl((s[1] * 5) & MASK, 7) * 9) & MASK)
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
    return out


for seed in (0, 42):
    print(f"# xoshiro256** seed {seed}: first 5 outputs")
    print(", ".join(f"0x{v:016X}" for v in xoshiro_stream(seed, 5)))

# 3. Heavy-ball iteration matrix eigenvalues (THEORY.md section 2), with numpy.
print("# heavy ball [[1+mu-eta*lam, -mu], [1, 0]]: eta, mu, lam, eigenvalues")
for eta, mu, lam in ((0.1, 0.9, 1.0), (0.1, 0.9, 10.0), (0.1, 0.9, 39.0), (1.0, 0.25, 1.0)):
    m = np.array([[1 + mu - eta * lam, -mu], [1.0, 0.0]])
    print(eta, mu, lam, np.linalg.eigvals(m))
