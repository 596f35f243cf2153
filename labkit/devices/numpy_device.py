"""The numpy device: KernelSpec -> the same loop, each operation vectorised numpy.

No compiler needed (Pyodide, quick checks); it draws random numbers in the same order as
the runtime device, so both give the same results under the same seed.
"""

from __future__ import annotations

import labkit.codegen.compile as kernel_compile
import labkit.codegen.source_cache as kernel_sources

__all__ = ["NumpyDevice"]


class NumpyDevice:
    name = "numpy"

    def kernel(self, spec):
        """KernelSpec -> Kernel running the vectorised loop in Python (its source from
        disk for a structure seen before: no sympy)."""
        return kernel_compile.compile_numpy(kernel_sources.kernel_source(spec, "numpy-device"))

    def __repr__(self) -> str:
        return "<device 'numpy' (vectorised numpy, step by step in Python)>"
