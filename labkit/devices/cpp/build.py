"""A project directory -> a built program: compiler discovery, ``make``, readable errors.

Every failure is a :class:`~labkit.errors.DeviceError` that says what to do: no compiler
(install one, or use the default device), no ``make``, a compiler that cannot build even
a minimal program (its installation, not labkit, is at fault: what it said is shown), a
build that takes longer than :data:`BUILD_TIMEOUT` (stopped, with the output so far), or a
compile error, shown as the compiler's first error with the generated file, line and the
line's text.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from labkit.errors import DeviceError

__all__ = ["BUILD_TIMEOUT", "compiler_problem", "find_compiler", "openmp_flag", "run_make",
           "NO_COMPILER"]

NO_COMPILER = ("cpp_standalone needs a C++ compiler; none was found (looked for {looked}). "
               "Install one, or use the default device.")

_openmp: dict[str, str] = {}

#: Seconds a build may take before it is stopped (a hanging compiler must not hang
#: labkit); ``$LABKIT_CPP_BUILD_TIMEOUT`` sets another. A large model builds in under 2 min.
BUILD_TIMEOUT = float(os.environ.get("LABKIT_CPP_BUILD_TIMEOUT", "600"))

_MINIMAL = ("#include <cmath>\n#include <cstdint>\n#include <vector>\n#include <cstdio>\n"
            "int main() { std::vector<double> v(3, 1.0); std::printf(\"%g\", std::exp(v[0]));"
            " return 0; }\n")


def _run(command: list, cwd, compiler: str, what: str) -> subprocess.CompletedProcess:
    """Run a build command with :data:`BUILD_TIMEOUT`; on timeout, stop it and everything
    it started (make's compilers) and raise a DeviceError with its output so far."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=BUILD_TIMEOUT)
    except BaseException as stop:  # a timeout, or Ctrl-C: leave no compiler behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        if not isinstance(stop, subprocess.TimeoutExpired):
            raise
        # what the compiler said, without make's echo of each command
        said = "\n".join(ln for ln in (output or "").strip().splitlines()
                         if not ln.startswith(compiler))[-1500:]
        raise DeviceError(
            f"{what} took more than {BUILD_TIMEOUT:g} s and was stopped ({compiler}); the "
            f"compiler may hang.{' Its output so far: ' + said if said else ''} Check it "
            f"(run '{compiler} --version'), choose another (set_device('cpp_standalone', "
            "compiler='clang++') or $CXX), allow more time with LABKIT_CPP_BUILD_TIMEOUT="
            "<seconds>, or use the default device.") from None
    return subprocess.CompletedProcess(command, process.returncode, output, "")


def compiler_problem(compiler: str) -> str | None:
    """What ``compiler`` said when it failed to build a minimal program, or None if it
    builds one (then a failed build is labkit's generated code's fault)."""
    with tempfile.TemporaryDirectory(prefix="labkit-cxx-") as tmp:
        source = Path(tmp) / "minimal.cpp"
        source.write_text(_MINIMAL)
        done = _run([compiler, str(source), "-o", str(Path(tmp) / "minimal")], tmp, compiler,
                    "building a minimal C++ program")
    if done.returncode == 0:
        return None
    return (done.stdout or "").strip()[-1500:] or f"exit code {done.returncode}, no message"


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
            done = _run([compiler, "-fopenmp", str(source), "-o", str(Path(tmp) / "omp")],
                        tmp, compiler, "checking for OpenMP")
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
    done = _run(command, directory, compiler, f"building the C++ project in {directory}")
    if done.returncode != 0:
        problem = compiler_problem(compiler)
        if problem is not None:
            raise DeviceError(
                f"the C++ compiler {compiler} cannot build even a minimal program, so the "
                f"fault is the compiler or its installation, not this model. It said: "
                f"{problem}\nRepair or reinstall it, choose another (set_device("
                "'cpp_standalone', compiler='clang++') or $CXX), or use the default device.")
        raise DeviceError(compile_error(directory, done.stdout, compiler))
    return done.stdout


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
