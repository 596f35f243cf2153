"""Helpers of the cpp_standalone device: building, inputs and results, running.

``build``: compiler discovery, ``make``, readable compile errors; ``io``: argument values
<-> the binary files the program reads and writes; ``kernel``: a kernel object the runner
calls like the Numba one, which runs the compiled program instead. The project's text is
written by :mod:`labkit.codegen.cpp_project`, as all generated text is by codegen.
"""
