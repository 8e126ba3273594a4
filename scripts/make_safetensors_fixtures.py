#!/usr/bin/env python3
"""Write the safetensors test fixtures for DescentLinalg, and check files Descent wrote.

Two jobs, both against the reference implementation (the `safetensors`
package, whose reader and writer are the Rust crate the format comes from):

1. Without arguments: write the fixtures in
   Tests/DescentLinalgTests/Fixtures/safetensors/ with `safetensors.numpy`,
   and `expected.json` beside them listing, for every fixture, its metadata and
   for every tensor its dtype, its shape, the matrix shape Descent must give it
   (() -> 1x1, (n,) -> n x 1, (m, n) -> m x n) and the elements in row-major
   order as exact bit patterns: `float64` as 16 hex digits of the IEEE 754
   double, `float32` as 8 hex digits of the single (NumPy's `astype`, i.e. what
   reading the file as `Float` must give). Fixtures Descent must refuse list
   the problem instead. Then, if the folder `descent/` holds files Descent
   wrote, run the check below on it.

2. With `--check DIR`: load `DIR/float32.safetensors` and
   `DIR/float64.safetensors`, written by Descent's `SafetensorsFile.write`
   (the Swift test "Descent's check set" writes them; set
   DESCENT_SAFETENSORS_CHECK_DIRECTORY to choose the folder), and verify with
   `safetensors` that names, dtypes, shapes, metadata and every value's bits
   are the check set defined in `check_set` below, and that the header is laid
   out as the Python writer lays it out: metadata first, tensors sorted by
   name, data in that order and contiguous, header padded with spaces to a
   multiple of 8 bytes. Prints OK, or each difference and exits with status 1.

Usage (from the repository root; `pip install safetensors numpy`):

    python3 scripts/make_safetensors_fixtures.py
    DESCENT_SAFETENSORS_CHECK_DIRECTORY=/tmp/st swift test --filter Safetensors
    python3 scripts/make_safetensors_fixtures.py --check /tmp/st

The fixtures are deterministic (arange-based values, at most one metadata key:
the Python writer orders metadata keys at random), so re-running the script
must leave `git status` clean.
"""

import argparse
import json
import pathlib
import struct
import sys

import numpy as np
import safetensors
from safetensors import safe_open
from safetensors.numpy import save

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "DescentLinalgTests" / "Fixtures" / "safetensors"
DESCENT_WRITTEN = FIXTURES / "descent"

expected = {"readable": {}, "refused": {}}


def bits(array):
    """Row-major elements as float64 and float32 hex bit patterns (integers converted as NumPy converts them)."""
    flat = np.ascontiguousarray(array).reshape(-1)
    doubles = flat.astype(np.float64).view(np.uint64)
    with np.errstate(over="ignore"):
        singles = flat.astype(np.float32).view(np.uint32)
    return ["%016x" % b for b in doubles], ["%08x" % b for b in singles]


def matrix_shape(shape):
    """Descent's reading of a tensor shape: () -> 1x1, (n,) -> n x 1, (m, n) -> m x n."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], 1
    return shape[0], shape[1]


def describe(dtype, array, doubles, singles):
    """The expected.json record of one tensor."""
    rows, columns = matrix_shape(array.shape)
    return {"dtype": dtype, "shape": list(array.shape), "rows": rows, "columns": columns,
            "float64": doubles, "float32": singles}


def save_fixture(name, tensors, metadata=None, description=""):
    """Write `tensors` with the Python writer and record what Descent must read."""
    (FIXTURES / name).write_bytes(save(tensors, metadata=metadata))
    records = {}
    with safe_open(FIXTURES / name, framework="np") as f:
        for key in f.keys():
            array = f.get_tensor(key)
            dtype = f.get_slice(key).get_dtype()
            records[key] = describe(dtype, array, *bits(array))
    expected["readable"][name] = {"description": description, "metadata": metadata or {}, "tensors": records}


def save_refused(name, tensors, problem, description=""):
    """Write a file Descent must refuse, with the problem it must report."""
    (FIXTURES / name).write_bytes(save(tensors))
    expected["refused"][name] = {"description": description, "problem": problem}


def hand_written_bfloat16():
    """A BF16 file, built by hand (NumPy has no bfloat16), in the Python writer's layout."""
    # The upper halves of float32 values: 1, -2, 0.5, -0.0, inf, nan, 3.140625, 2^-133 (subnormal).
    upper = np.array([0x3F80, 0xC000, 0x3F00, 0x8000, 0x7F80, 0x7FC0, 0x4049, 0x0001], dtype="<u2")
    header = json.dumps({"brain": {"dtype": "BF16", "shape": [2, 4], "data_offsets": [0, upper.nbytes]}},
                        separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    (FIXTURES / "bfloat16.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + upper.tobytes())
    as_float = (upper.astype(np.uint32) << 16).view(np.float32).reshape(2, 4)
    # Check against the reference reader before recording.
    with safe_open(FIXTURES / "bfloat16.safetensors", framework="np") as f:
        assert f.get_slice("brain").get_dtype() == "BF16" and f.get_slice("brain").get_shape() == [2, 4]
    doubles, singles = bits(as_float)
    expected["readable"]["bfloat16.safetensors"] = {
        "description": "BF16, written by hand: NumPy has no bfloat16",
        "metadata": {},
        "tensors": {"brain": describe("BF16", as_float, doubles, singles)},
    }


def write_fixtures():
    FIXTURES.mkdir(parents=True, exist_ok=True)

    # One precision per file: the layout the writer must reproduce byte for byte.
    save_fixture("float32_layer.safetensors", {
        "weight": (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3),
        "bias": np.arange(3, dtype=np.float32) + 0.25,
        "scale": np.array(np.float32(1) / np.float32(3)),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }, metadata={"format": "pt"}, description="a layer: rank 2, 1, 0 and an empty tensor, one metadata key")
    specials = np.array([-0.0, 5e-324, 2.2250738585072014e-308 / 3, 1e300, -1e-300, np.inf, -np.inf, np.nan,
                         1.0 / 3.0, 0.1, -2.5, 2.0**60], dtype=np.float64)
    save_fixture("float64_specials.safetensors", {
        "a": specials.reshape(3, 4),
        "b": np.arange(5, dtype=np.float64) / 7,
    }, description="float64: -0.0, subnormals, infinities, NaN, values that round in float32")

    # Every dtype Descent converts. The Python writer orders data by dtype, then name,
    # so here the data is not in name order.
    save_fixture("mixed_dtypes.safetensors", {
        "f16": np.array([[0.0, -0.0, 2.0**-24, 65504.0], [np.inf, -np.inf, np.nan, 0.333]], dtype=np.float16),
        "f32": np.arange(4, dtype=np.float32).reshape(2, 2) - 1.5,
        "f64": np.arange(3, dtype=np.float64) * 0.1,
        "i8": np.array([[-128, -1, 0], [1, 100, 127]], dtype=np.int8),
        "i16": np.array([-32768, -2, 2, 32767], dtype=np.int16),
        "i32": np.array([[-(2**31), 123456789, 2**31 - 1]], dtype=np.int32),
        "i64": np.array([-(2**63), 2**53 + 1, 16777217, 2**63 - 1], dtype=np.int64),
        "u8": np.array([0, 1, 128, 255], dtype=np.uint8),
        "u16": np.array([0, 40000, 65535], dtype=np.uint16),
        "u32": np.array([0, 3000000000, 2**32 - 1], dtype=np.uint32),
        "u64": np.array([0, 2**63 + 2**11 + 1, 2**64 - 1], dtype=np.uint64),
        "bool": np.array([[True, False], [False, True]]),
    }, metadata={"source": "make_safetensors_fixtures.py"}, description="every readable dtype, data in dtype order")
    save_fixture("no_tensors.safetensors", {}, description="an empty file: header '{}' only")
    hand_written_bfloat16()

    # Files Descent must refuse.
    save_refused("rank3.safetensors", {
        "bias": np.zeros(2, dtype=np.float32),
        "kernel": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
    }, {"tensor": "kernel", "notAMatrix": [2, 3, 4]}, description="a convolution kernel: 3 dimensions")
    save_refused("complex64.safetensors", {"z": (np.arange(2) + 1j).astype(np.complex64)},
                 {"tensor": "z", "unsupportedType": "C64"}, description="complex numbers")

    (FIXTURES / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(expected['readable']) + len(expected['refused'])} fixtures to {FIXTURES.relative_to(ROOT)}")


# MARK: - Checking files Descent wrote

METADATA = {"format": "descent", "note": "tab\there, \"quoted\", é ✓\nnew line"}


def check_set(dtype):
    """The tensors the Swift test writes, for `dtype` float32 or float64 (keep in step with SafetensorsFileTests)."""
    info = np.finfo(dtype)
    return {
        "layer1.weight": np.arange(12, dtype=dtype).reshape(3, 4) * dtype(0.25) - dtype(1.5),
        "layer1.bias": np.arange(4, dtype=dtype) + dtype(0.5),
        "scale": np.array(dtype(1) / dtype(3)),
        "empty": np.zeros((0, 5), dtype=dtype),
        "specials": np.array([-0.0, np.inf, -np.inf, np.nan, info.smallest_subnormal, info.max], dtype=dtype),
        "ünïcode \"name\"": np.array([[1, 2]], dtype=dtype),
    }


def check_file(path, dtype):
    """The differences between the file Descent wrote and the check set; empty when it matches."""
    problems = []
    want = check_set(dtype)
    want_dtype = {np.float32: "F32", np.float64: "F64"}[dtype]
    if not path.exists():
        return [f"{path}: missing"]
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header_text = raw[8:8 + length].decode("utf-8")
    if length % 8 != 0:
        problems.append(f"{path.name}: header length {length} is not a multiple of 8")
    padding = len(header_text) - len(header_text.rstrip(" "))
    if not header_text.rstrip(" ").endswith("}") or padding >= 8:
        problems.append(f"{path.name}: the header should be JSON then 0 to 7 spaces, is {header_text!r}")
    header = json.loads(header_text)
    names = sorted(want, key=lambda name: name.encode("utf-8"))
    if list(header) != ["__metadata__"] + names:
        problems.append(f"{path.name}: header keys {list(header)}, expected __metadata__ then {names}")
    cursor = 0
    for name in names:
        if name in header and header[name]["data_offsets"][0] != cursor:
            problems.append(f"{path.name}: {name!r} starts at {header[name]['data_offsets'][0]}, expected {cursor}")
        cursor += want[name].nbytes
    if len(raw) != 8 + length + cursor:
        problems.append(f"{path.name}: {len(raw)} bytes, expected {8 + length + cursor}")

    with safe_open(path, framework="np") as f:  # the reference reader validates the whole layout
        if f.metadata() != METADATA:
            problems.append(f"{path.name}: metadata {f.metadata()!r}, expected {METADATA!r}")
        if sorted(f.keys()) != sorted(want):
            problems.append(f"{path.name}: tensors {sorted(f.keys())}, expected {sorted(want)}")
        for name in sorted(set(f.keys()) & set(want)):
            got = f.get_tensor(name)
            stored = f.get_slice(name).get_dtype()
            if stored != want_dtype:
                problems.append(f"{path.name}: {name!r} has dtype {stored}, expected {want_dtype}")
            if got.shape != want[name].shape:
                problems.append(f"{path.name}: {name!r} has shape {got.shape}, expected {want[name].shape}")
            elif got.dtype != want[name].dtype or got.tobytes() != want[name].tobytes():
                problems.append(f"{path.name}: {name!r} values {got.tolist()}, expected {want[name].tolist()}")
    return problems


def check(directory):
    directory = pathlib.Path(directory)
    problems = check_file(directory / "float32.safetensors", np.float32)
    problems += check_file(directory / "float64.safetensors", np.float64)
    for problem in problems:
        print(problem)
    if problems:
        print(f"FAILED: {len(problems)} differences in {directory} (safetensors {safetensors.__version__})")
        return 1
    print(f"OK: {directory}/float32.safetensors and float64.safetensors load in safetensors "
          f"{safetensors.__version__} with the expected names, dtypes, shapes, metadata and values")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", metavar="DIR", help="verify the files Descent wrote into DIR instead")
    arguments = parser.parse_args()
    if arguments.check:
        return check(arguments.check)
    write_fixtures()
    if DESCENT_WRITTEN.exists():
        return check(DESCENT_WRITTEN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
