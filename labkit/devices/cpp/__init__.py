"""Helpers of the cpp_standalone device: project files, building, inputs and results.

``files``: CppCode + argument types -> the project's text files; ``build``: compiler
discovery, ``make``, readable compile errors; ``io``: argument values <-> the binary
files the program reads and writes; ``kernel``: a kernel object the runner calls like
the Numba one, which runs the compiled program instead.
"""
