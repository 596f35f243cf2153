"""``python -m labkit.devices.compile_job`` < request (JSON) -> a kernel in the disk cache.

Why: the runtime device's fast start (:mod:`labkit.devices.fast_start`) runs a model on
numpy while its Numba kernel compiles here, in another process, so that the user's
process never waits for Numba's compiler (nor holds its lock). The request names the
kernel file (``<hash>.py`` in the kernel cache), its function and arguments, and the
argument types as the user's process saw them; the kernel is compiled for exactly that
signature and saved by Numba's disk cache, which the user's process then loads.
``"parallel": true``: a kernel of the runtime device's threads (``prange``, a team: see
:mod:`labkit.devices.threads`), compiled while the serial kernel runs on.
Exit status 0: compiled (or found) and saved; anything else: the reason is on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import labkit.codegen.compile as kernel_compile
from labkit.devices.threads import load_tbb

__all__ = ["argument_type", "main"]


def argument_type(description):
    """A description from ``fast_start.describe_argument`` -> the Numba type of such an argument."""
    import numba
    import numpy as np

    kind = description[0]
    if kind == "array":
        _, dtype, ndim, layout, writeable, aligned = description
        return numba.types.Array(numba.from_dtype(np.dtype(dtype)), ndim, layout,
                                 readonly=not writeable, aligned=aligned)
    if kind == "generator":
        return numba.typeof(np.random.default_rng(0))
    samples = {"bool": True, "int": 0, "float": 0.0}
    name = description[1]
    sample = samples[name] if name in samples else np.dtype(name).type(0)
    return numba.typeof(sample)


def main() -> int:
    KernelSource, compile_numba = kernel_compile.KernelSource, kernel_compile.compile_numba

    request = json.load(sys.stdin)
    path = Path(request["path"])
    source = KernelSource(path.read_text(encoding="utf-8"), request["name"],
                          tuple(request["arg_names"]))
    if source.hash != path.stem:
        print(f"compile_job: {path} hashes to {source.hash}, not to its name: another "
              "labkit or numba version wrote it", file=sys.stderr)
        return 2
    parallel = bool(request.get("parallel", False))
    if parallel:  # the layer the user's process uses
        load_tbb()
    kernel = compile_numba(source, parallel)
    kernel.func.compile(tuple(argument_type(d) for d in request["types"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
