"""The default device: KernelSpec -> one Numba-compiled loop over all time steps.

Kernels are cached by structure at three levels: the generated source per KernelSpec
(``loop_numba.numba_source`` is memoised), the compiled dispatcher per source hash in
memory, and the machine code on disk (``codegen.compile``), so a re-run with new values
costs neither sympy nor Numba, and a new process loads instead of compiling.
"""

from __future__ import annotations

__all__ = ["RuntimeDevice"]


class RuntimeDevice:
    """Compiles with Numba; falls back to the numpy device (with a warning) without it."""

    name = "runtime"

    def kernel(self, spec):
        """KernelSpec -> compiled Kernel (callable with the arguments its source names)."""
        try:
            import numba  # noqa: F401
        except ImportError:  # e.g. Pyodide
            import warnings

            from labkit.devices.numpy_device import NumpyDevice

            warnings.warn("numba is not installed; running on the numpy device",
                          RuntimeWarning, stacklevel=3)
            return NumpyDevice().kernel(spec)
        from labkit.codegen.compile import compile_numba
        from labkit.codegen.loop_numba import numba_source

        return compile_numba(numba_source(spec))

    def __repr__(self) -> str:
        return "<device 'runtime' (Numba, one compiled loop per run)>"
