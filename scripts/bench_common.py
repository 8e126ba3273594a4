"""Helpers the benchmark scripts share (imported from scripts/, next to them)."""

import json
import os
import sys
import tempfile


def write_atomically(document, path):
    """Writes `document` as JSON to a temporary file beside `path`, then renames it into place."""
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".tmp-")
    try:
        with os.fdopen(descriptor, "w") as file:
            json.dump(document, file, indent=2, sort_keys=True)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def limit_threads(threads):
    """Caps the BLAS/OpenMP thread pools and pins the process to the first `threads` CPUs.

    Call it before numpy, scipy, torch or jax is imported: they size their pools at import.
    Returns the CPUs the process may use."""
    for variable in ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]:
        os.environ[variable] = str(threads)
    allowed = sorted(os.sched_getaffinity(0))[:threads]
    os.sched_setaffinity(0, allowed)
    return allowed


def progress(message):
    print(message, file=sys.stderr, flush=True)


# The competing load, as BenchmarkSupport's CompetingLoadMonitor reads it.
def cpu_times():
    """(busy, total) clock ticks of all CPUs (/proc/stat) and this process's user + system ticks."""
    with open("/proc/stat") as file:
        values = [float(value) for value in file.readline().split()[1:9]]
    busy = values[0] + values[1] + values[2] + values[5] + values[6]
    with open("/proc/self/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return busy, busy + values[3] + values[4] + values[7], float(fields[11]) + float(fields[12])
