#!/usr/bin/env python3
"""Reference permutations for DescentTraining's seeded shuffles, written
independently of the Swift code from the published algorithms.

DescentTraining promises that a seed gives the same split and the same
mini-batch order on every platform and Swift version, so it does not use the
standard library's shuffle. This script reimplements its recipe:

- xoshiro256** (Blackman & Vigna), its 256-bit state filled from the 64-bit
  seed by four SplitMix64 outputs;
- Lemire's bounded integers: (x * n) >> 64, rejecting when the low word is
  below 2^64 mod n;
- Durstenfeld's Fisher-Yates: i = n-1 down to 1, swap i with a uniform
  j in 0..i;
- epoch e's generator: xoshiro256** seeded with
  mix64(seed XOR (e * 0x9E3779B97F4A7C15 mod 2^64)), mix64 being SplitMix64's
  output function;
- a split's generator: xoshiro256** seeded with the seed itself.

It prints the Swift array literals that Tests/DescentTrainingTests/BatchTests.swift
and DatasetTests.swift compare with. Standard library only; deterministic.

Usage (from the repository root):

    python3 scripts/dataset_permutations.py
"""

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256StarStar:
    def __init__(self, seed):
        state = []
        s = seed
        for _ in range(4):
            s = (s + GOLDEN_GAMMA) & MASK
            state.append(mix64(s))
        self.s = state

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result


def uniform_index(bound, generator):
    product = generator.next() * bound
    low = product & MASK
    if low < bound:
        threshold = ((1 << 64) - bound) % bound
        while low < threshold:
            product = generator.next() * bound
            low = product & MASK
    return product >> 64


def permutation(count, generator):
    values = list(range(count))
    for i in range(count - 1, 0, -1):
        j = uniform_index(i + 1, generator)
        values[i], values[j] = values[j], values[i]
    return values


def epoch_generator(seed, epoch):
    return Xoshiro256StarStar(mix64(seed ^ ((epoch * GOLDEN_GAMMA) & MASK)))


def main():
    print("// Batches.shuffledOrder(exampleCount:seed:epoch:)")
    for seed, epoch, count in [(42, 0, 10), (42, 1, 10), (0, 0, 12), (2024, 7, 20)]:
        order = permutation(count, epoch_generator(seed, epoch))
        print(f"(seed: {seed}, epoch: {epoch}, count: {count}): {order}")
    print("// split(..., seed:, stratified: false): the permutation before cutting")
    for seed, count in [(7, 10), (123, 15)]:
        print(f"(seed: {seed}, count: {count}): {permutation(count, Xoshiro256StarStar(seed))}")


if __name__ == "__main__":
    main()
