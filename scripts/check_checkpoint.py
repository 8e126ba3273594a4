#!/usr/bin/env python3
"""Loads a Descent model checkpoint with the `safetensors` package and prints
each tensor's name, dtype, shape and a checksum, so a person (or CI) can see
that a file written by `Layer.save(to:)` is readable outside Swift.

Usage: python3 scripts/check_checkpoint.py MODEL.safetensors
Requires: pip install safetensors numpy
"""
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def main(path: str) -> int:
    tensors = load_file(path)
    with safe_open(path, framework="numpy") as handle:
        metadata = handle.metadata() or {}
    if metadata.get("format") != "descent":
        print(f"{path}: no 'format: descent' metadata; not written by Descent", file=sys.stderr)
        return 1
    for name in sorted(tensors):
        array = tensors[name]
        if not np.all(np.isfinite(array)):
            print(f"{path}: tensor {name} has non-finite values", file=sys.stderr)
            return 1
        print(f"{name}\t{array.dtype}\t{list(array.shape)}\tsum={float(array.sum()):.17g}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
