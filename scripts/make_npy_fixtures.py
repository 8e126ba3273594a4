#!/usr/bin/env python3
"""Write the .npy and .mtx test fixtures for DescentLinalg's file readers.

The fixtures are written by NumPy and SciPy themselves, so the Swift tests
check Descent against the reference implementations rather than against
itself. Next to them, `expected.json` lists, for every fixture, the shape and
the elements in row-major order as exact bit patterns: `float64` as 16 hex
digits of the IEEE 754 double, `float32` as 8 hex digits of the single (the
value NumPy's `astype(np.float32)` gives, i.e. what reading the file as `Float`
must give). Fixtures Descent must reject list the expected problem instead.
For .mtx files the float32 values are the float64 ones rounded again; Descent
parses the decimal text straight to Float, which agrees for these fixtures
(the two can differ only for decimals within 2^-53 of a float32 midpoint).

Usage (from the repository root; NumPy 2.x and SciPy installed):

    python3 scripts/make_npy_fixtures.py

Output: Tests/DescentLinalgTests/Fixtures/{npy,mtx}/ and Fixtures/expected.json.
The output is deterministic (seeded generator), so re-running it must leave
`git status` clean.
"""

import json
import pathlib

import numpy as np
import scipy.io
import scipy.sparse
from numpy.lib import format as npy_format

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "DescentLinalgTests" / "Fixtures"
NPY = FIXTURES / "npy"
MTX = FIXTURES / "mtx"

rng = np.random.default_rng(7)
expected = {"npy": {}, "mtx": {}}


def bits(array):
    """Row-major elements of a 0-, 1- or 2-D array as float64 and float32 hex bit patterns."""
    flat = np.ascontiguousarray(array).reshape(-1)
    doubles = flat.astype(np.float64).view(np.uint64)
    with np.errstate(over="ignore"):  # 1e300 becomes inf in float32, as in Swift
        singles = flat.astype(np.float32).view(np.uint32)
    return ["%016x" % b for b in doubles], ["%08x" % b for b in singles]


def matrix_shape(shape):
    """Descent's reading of a NumPy shape: () -> 1x1, (n,) -> n x 1, (m, n) -> m x n."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], 1
    return shape[0], shape[1]


def save_npy(name, array, version=None, description=""):
    """Write `array` with NumPy's own writer and record its expected values."""
    path = NPY / name
    with open(path, "wb") as f:
        npy_format.write_array(f, array, version=version, allow_pickle=False)
    rows, columns = matrix_shape(array.shape)
    doubles, singles = bits(array)
    expected["npy"][name] = {
        "description": description,
        "descr": array.dtype.str,
        "fortran_order": bool(array.flags.f_contiguous and not array.flags.c_contiguous),
        "rows": rows,
        "columns": columns,
        "float64": doubles,
        "float32": singles,
    }


def save_npy_error(name, array, problem, description=""):
    """Write an array Descent must reject, with the problem it must report."""
    with open(NPY / name, "wb") as f:
        npy_format.write_array(f, array, allow_pickle=False)
    expected["npy"][name] = {"description": description, "descr": array.dtype.str, "error": problem}


def record_mtx(name, description):
    """Record what SciPy reads back from a .mtx fixture, densified."""
    dense = scipy.io.mmread(MTX / name)
    dense = dense.toarray() if scipy.sparse.issparse(dense) else np.asarray(dense)
    doubles, singles = bits(dense)
    expected["mtx"][name] = {
        "description": description,
        "rows": dense.shape[0],
        "columns": dense.shape[1],
        "float64": doubles,
        "float32": singles,
    }


def special_doubles(count):
    """`count` seeded normal doubles with the hard cases planted among them."""
    values = rng.standard_normal(count) * 10.0 ** rng.integers(-5, 6, count)
    specials = [-0.0, 5e-324, 2.2250738585072014e-308 / 3, 1e300, -1e-300, np.inf, -np.inf, np.nan, 1.0 / 3.0]
    values[: min(count, len(specials))] = specials[:count]
    return values


def main():
    NPY.mkdir(parents=True, exist_ok=True)
    MTX.mkdir(parents=True, exist_ok=True)

    # Floating point, every layout.
    save_npy("f8_c_3x4.npy", special_doubles(12).reshape(3, 4), description="float64, C order")
    f4 = rng.standard_normal(10).astype(np.float32)
    f4[:4] = [-0.0, 1e-45, 3.4e38, np.float32(1) / np.float32(3)]
    save_npy("f4_c_2x5.npy", f4.reshape(2, 5), description="float32, C order")
    save_npy("f8_fortran_3x4.npy", np.asfortranarray(rng.standard_normal((3, 4))),
             description="float64, Fortran order")
    save_npy("f4_fortran_4x3.npy", np.asfortranarray(rng.standard_normal((4, 3)).astype(np.float32)),
             description="float32, Fortran order")
    f2 = np.array([[0.0, -0.0, 2.0**-24, 65504.0], [np.inf, -np.inf, np.nan, 0.333]], dtype=np.float16)
    save_npy("f2_2x4.npy", f2, description="float16 with subnormal, max, infinities, NaN")
    save_npy("f8_vector_5.npy", rng.standard_normal(5), description="1-D, becomes a 5x1 column")
    save_npy("f8_scalar.npy", np.array(np.pi), description="0-D, becomes 1x1")
    save_npy("f8_empty_0x3.npy", np.zeros((0, 3)), description="no rows")
    save_npy("f8_v2_2x3.npy", rng.standard_normal((2, 3)), version=(2, 0), description="format version 2.0")
    save_npy("f8_v3_2x3.npy", rng.standard_normal((2, 3)), version=(3, 0), description="format version 3.0")

    # Integers and booleans.
    save_npy("i1_2x3.npy", np.array([[-128, -1, 0], [1, 100, 127]], dtype=np.int8))
    save_npy("i2_2x2.npy", np.array([[-32768, -2], [2, 32767]], dtype=np.int16))
    save_npy("i4_2x3.npy", np.array([[-(2**31), -7, 0], [5, 123456789, 2**31 - 1]], dtype=np.int32))
    save_npy("i8_2x3.npy", np.array([[-(2**63), -1, 2**53 + 1], [2**62 + 2**40 + 1, 16777217, 2**63 - 1]],
                                    dtype=np.int64), description="values that round in float64 and float32")
    save_npy("u1_2x3.npy", np.array([[0, 1, 2], [127, 128, 255]], dtype=np.uint8))
    save_npy("u2_1x3.npy", np.array([[0, 40000, 65535]], dtype=np.uint16))
    save_npy("u4_1x3.npy", np.array([[0, 3000000000, 2**32 - 1]], dtype=np.uint32))
    save_npy("u8_1x3.npy", np.array([[0, 2**63 + 2**11 + 1, 2**64 - 1]], dtype=np.uint64))
    save_npy("b1_2x2.npy", np.array([[True, False], [False, True]]))

    # Files Descent must reject.
    save_npy_error("f8_bigendian_2x2.npy", np.arange(4.0).reshape(2, 2).astype(">f8"),
                   {"bigEndian": ">f8"})
    save_npy_error("c16_2x2.npy", (np.arange(4.0) + 1j).reshape(2, 2), {"unsupportedType": "<c16"})
    save_npy_error("u3_string_2.npy", np.array(["abc", "de"]), {"unsupportedType": "<U3"})
    save_npy_error("f8_3d_2x3x4.npy", np.zeros((2, 3, 4)), {"notAMatrix": [2, 3, 4]})

    # MatrixMarket, as SciPy writes it.
    general = rng.standard_normal((3, 4))
    # No -0.0 here: SciPy's reader turns the "-0" it writes into +0.0.
    general[0, 0], general[1, 2], general[2, 3] = -2.5e-310, 1e300, 5e-324
    scipy.io.mmwrite(MTX / "array_general_3x4.mtx", general)
    record_mtx("array_general_3x4.mtx", "scipy.io.mmwrite of a dense array")
    lower = scipy.sparse.random(5, 5, density=0.5, random_state=np.random.RandomState(7), format="coo")
    symmetric = scipy.sparse.tril(lower) + scipy.sparse.tril(lower, -1).T
    scipy.io.mmwrite(MTX / "coordinate_symmetric_5x5.mtx", scipy.sparse.coo_matrix(symmetric),
                     symmetry="symmetric")
    record_mtx("coordinate_symmetric_5x5.mtx", "scipy.io.mmwrite of a sparse symmetric matrix")
    dense_symmetric = rng.standard_normal((3, 3))
    scipy.io.mmwrite(MTX / "array_symmetric_3x3.mtx", dense_symmetric + dense_symmetric.T, symmetry="symmetric")
    record_mtx("array_symmetric_3x3.mtx", "scipy.io.mmwrite of a dense symmetric array")

    # Hand-written files in the corners of the format, read back by SciPy for the expected values.
    (MTX / "coordinate_integer_duplicates.mtx").write_text(
        "%%MatrixMarket matrix coordinate integer general\n"
        "% duplicates are summed\n"
        "\n"
        "3 2 5\n"
        "1 1 4\n"
        "3 2 -7\n"
        "1 1 6\n"
        "2 1 1\n"
        "3 2 2\n")
    record_mtx("coordinate_integer_duplicates.mtx", "integer field, duplicate entries, comments")
    (MTX / "array_skew_symmetric_3x3.mtx").write_text(
        "%%MatrixMarket MATRIX Array Real Skew-Symmetric\n"
        "3 3\n"
        "1.5\n"
        "-2.25e-3\n"
        "4\n")
    record_mtx("array_skew_symmetric_3x3.mtx", "skew-symmetric array, mixed-case banner")

    (FIXTURES / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
