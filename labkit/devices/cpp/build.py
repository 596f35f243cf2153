"""A project directory -> a built program: compiler discovery, ``make``, readable errors.

Every failure is a :class:`~labkit.errors.DeviceError` that says what to do: no compiler
(install one, or use the default device), no ``make``, or a compile error, shown as the
compiler's first error with the generated file, line and the line's text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from labkit.errors import DeviceError

__all__ = ["find_compiler", "openmp_flag", "run_make", "NO_COMPILER"]

NO_COMPILER = ("cpp_standalone needs a C++ compiler; none was found (looked for {looked}). "
               "Install one, or use the default device.")

_openmp: dict[str, str] = {}


def find_compiler(preferred: str | None = None) -> str:
    """``preferred``, else ``$CXX``, else g++, else clang++ -> the compiler's full path."""
    looked = []
    for name in (preferred, os.environ.get("CXX"), "g++", "clang++"):
        if not name or name in looked:
            continue
        looked.append(name)
        path = shutil.which(name)
        if path:
            return path
    raise DeviceError(NO_COMPILER.format(looked=", ".join(looked)))


def openmp_flag(compiler: str) -> str:
    """``'-fopenmp'`` when ``compiler`` builds and links an OpenMP program, else ``''``."""
    if compiler not in _openmp:
        with tempfile.TemporaryDirectory(prefix="labkit-omp-") as tmp:
            source = Path(tmp) / "omp.cpp"
            source.write_text("#include <omp.h>\nint main() { return omp_get_max_threads() > 0"
                              " ? 0 : 1; }\n")
            done = subprocess.run([compiler, "-fopenmp", str(source), "-o",
                                   str(Path(tmp) / "omp")], capture_output=True, check=False)
            _openmp[compiler] = "-fopenmp" if done.returncode == 0 else ""
    return _openmp[compiler]


def run_make(directory: Path, compiler: str, openmp: str, jobs: int | None = None) -> str:
    """Build ``directory`` with ``make``; returns the build output, raises DeviceError."""
    make = shutil.which("make")
    if make is None:
        raise DeviceError("cpp_standalone needs 'make' to build the generated project; none "
                          "was found. Install make, or use the default device.")
    jobs = jobs or os.cpu_count() or 1
    command = [make, f"-j{jobs}", f"CXX={compiler}", f"OPENMP={openmp}"]
    done = subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DeviceError(compile_error(directory, done.stdout + done.stderr, compiler))
    return done.stdout + done.stderr


_LOCATION = re.compile(r"^(?P<file>[^\s:]+\.(?:cpp|h)):(?P<line>\d+):(?:\d+:)?\s*"
                       r"(?:fatal )?error:\s*(?P<message>.*)$", re.MULTILINE)


def compile_error(directory: Path, output: str, compiler: str) -> str:
    """Compiler output -> a message naming the first error's generated file and line."""
    found = _LOCATION.search(output)
    # the compiler's messages, without make's echo of each command
    lines = [ln for ln in output.strip().splitlines() if not ln.startswith(compiler)]
    shown = "\n".join(lines[:40]) + ("\n..." if len(lines) > 40 else "")
    if found is None:
        return (f"building the generated C++ project in {directory} failed ({compiler}):\n"
                f"{shown}")
    path, number = found["file"], int(found["line"])
    source = (directory / path).read_text().splitlines() if (directory / path).exists() else []
    context = "\n".join(f"{k:5d} | {source[k - 1]}" for k in range(max(1, number - 2),
                                                               min(len(source), number + 2) + 1))
    return (f"the generated C++ code does not compile ({compiler}): {found['message']}\n"
            f"in {directory / path}, line {number}:\n{context}\n\ncompiler output:\n{shown}\n"
            "This is a bug in labkit's C++ code generation; please report it with the "
            "script. The default device runs the same model meanwhile.")
