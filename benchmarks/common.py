"""Timing helpers shared by the benchmark scripts (not a benchmark itself).

A measurement is a Python snippet run in a **fresh subprocess**, so that "whole process"
means what a user waits for: interpreter start, imports, building the model, compiling (or
loading compiled code from a cache) and running. The parent times the process from start to
exit; the snippet reports its own inner timings (import, build, ``run()``, ...) by calling
``report(name=value, ...)``, which prints one ``BENCH_RESULT {json}`` line the parent parses.

Caches are made explicit so that "cold" and "warm" mean what they say:

- labkit: ``LABKIT_CACHE_DIR`` (kernel sources) and ``NUMBA_CACHE_DIR`` (Numba's machine code,
  also for labkit's support functions);
- Brian2: its Cython cache (``prefs.codegen.runtime.cython.cache_dir``, by default
  ``~/.cython/brian_extensions``), which snippets set from ``BENCH_BRIAN2_CACHE``.

``Caches.fresh()`` gives empty directories (a cold start); reusing one ``Caches`` after a first
run gives a warm start. The user's own caches are never touched.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "BENCH_RESULT "

#: Prepended to every snippet: the report() helper and a clock started at process start.
PRELUDE = f"""\
import json as _json, os as _os, time as _time
_T_START = _time.perf_counter()
def report(**values):
    print({MARKER!r} + _json.dumps(values), flush=True)
def brian2_cache_prefs():
    from brian2 import prefs
    if _os.environ.get("BENCH_BRIAN2_CACHE"):
        prefs.codegen.runtime.cython.cache_dir = _os.environ["BENCH_BRIAN2_CACHE"]
"""


@dataclasses.dataclass
class Caches:
    """Cache directories for one series of measurements (cold when new, warm when reused)."""

    root: Path

    @classmethod
    def fresh(cls, parent: Path | None = None) -> Caches:
        return cls(Path(tempfile.mkdtemp(prefix="bench-cache-", dir=parent)))

    def env(self) -> dict[str, str]:
        return {
            "LABKIT_CACHE_DIR": str(self.root / "labkit"),
            "NUMBA_CACHE_DIR": str(self.root / "numba"),
            "BENCH_BRIAN2_CACHE": str(self.root / "brian2"),
        }


@dataclasses.dataclass(frozen=True)
class Timing:
    """One subprocess: its wall time from start to exit and what it reported."""

    wall: float
    data: dict

    def __getitem__(self, key):
        return self.data[key]


def run_snippet(
    code: str, env: dict[str, str] | None = None, timeout: float = 1800
) -> Timing:
    """Run ``code`` (dedented, after PRELUDE) in a fresh Python process; time it."""
    source = PRELUDE + textwrap.dedent(code)
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("PYTHONPATH", str(ROOT))
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", source],
        env=full_env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"benchmark snippet failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        )
    data: dict = {}
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            data.update(json.loads(line[len(MARKER):]))
    return Timing(wall, data)


def repeat(measure: Callable[[], Timing], times: int) -> list[Timing]:
    """Call ``measure`` ``times`` times (each call usually one fresh process)."""
    return [measure() for _ in range(times)]


def median(timings: Sequence[Timing], key: str | None = None) -> float:
    """Median wall time (``key=None``) or median of a reported value."""
    values = [t.wall if key is None else t.data[key] for t in timings]
    return statistics.median(values)


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1e-3:
        return f"{value * 1e6:.0f} us"
    if value < 1:
        return f"{value * 1e3:.0f} ms"
    return f"{value:.2f} s"


def fmt_ratio(numerator: float | None, denominator: float | None) -> str:
    """``labkit / reference`` as '0.25x'; '-' when either is missing."""
    if numerator is None or denominator is None or denominator == 0:
        return "-"
    return f"{numerator / denominator:.2f}x"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    table = [list(map(str, headers))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[k]) for row in table) for k in range(len(headers))]

    def line(row):
        rest = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([row[0].ljust(widths[0])] + rest)

    print(line(table[0]))
    print("  ".join("-" * w for w in widths))
    for row in table[1:]:
        print(line(row))


def machine_summary() -> str:
    import platform

    cores = os.cpu_count()
    return f"Python {platform.python_version()}, {cores} cores, {platform.machine()}"


def versions_summary() -> str:
    """Versions of the simulators compared, read in a subprocess (imports stay out of here)."""
    code = """
        import numba, numpy
        try:
            import brian2; b2 = brian2.__version__
        except Exception:
            b2 = None
        report(numpy=numpy.__version__, numba=numba.__version__, brian2=b2)
    """
    data = run_snippet(code).data
    return f"numpy {data['numpy']}, numba {data['numba']}, brian2 {data['brian2']}"


if __name__ == "__main__":
    print(__doc__)
    print(machine_summary())


#: ``--pin`` of the threads' benchmarks.
PIN_HELP = ("after the first runs, pin the main thread to one core and the other threads to "
            "another (Linux): on a shared machine the scheduler may keep both threads on one "
            "core (with autogroups, another session's jobs weigh as one task however many "
            "they are), and every step's barrier then waits for a yield")


#: The CPUs this process may use, read before any pinning: a second pin_threads() read
#: the main thread's own affinity, one CPU, and put every thread on it (the second model
#: of ``threads_alternating.py --models CUBA COBAHH --pin``: COBAHH 0.93x on "two" threads).
_CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]


def pin_threads() -> None:
    """The main thread on the first CPU this process may use, every other thread (TBB's
    worker, started by the first run on threads) on the second."""
    cpus = _CPUS[:2]
    main = threading.get_native_id()
    for task in os.listdir("/proc/self/task"):
        os.sched_setaffinity(int(task), {cpus[0] if int(task) == main else cpus[-1]})
