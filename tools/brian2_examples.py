"""Brian2's example scripts, run with only the import changed -> ran / error / timeout each.

Why: Brian2's own examples (``examples/`` of brian-team/brian2, about 80 scripts) are the
measure of labkit's subset: a user takes one, changes ``from brian2 import *`` to
``from labkit import *`` and expects it to run. This tool does exactly that for every
example (the compartmental ones too, since ``SpatialNeuron`` joined the subset) and
reports, per script, whether it ran to the end, the exception it stopped with (type,
message, the last frame) or that it ran out of time. It copies nothing into the project:
the examples are read from a checkout given on the command line, and each converted
script runs in a scratch directory, in its own process, with matplotlib's Agg backend and
``show()`` doing nothing (plotting is part of the script; a window is not).

Usage (from the repository root; ``--markdown results.json`` prints a table instead)::

    python tools/brian2_examples.py --examples ~/brian2/examples [--timeout 120]
        [--json results.json] [--compare older.json] [--target brian2] [--wall 2000]
        [NAME ...]

``NAME``s select the examples whose path contains one of them. ``--target brian2`` runs the
scripts unchanged on Brian2 (the reference: which examples Brian2 itself runs here).
``--compare`` prints the examples whose status changed since an earlier ``--json`` file.
A status is ``ran``, ``error``, ``missing-package`` (a package labkit does not provide and
the venv lacks: scipy, sbi, cv2, ...) or ``timeout``. The time limit is CPU time of the
script's process (``--timeout`` seconds; the wall clock gets four times as long), so a busy
machine does not turn a slow example into a timeout; a timeout says which limit it hit
(``limit``: ``cpu``, or ``wall`` when the machine was too busy: rerun that one alone).
The CPU time counts every process the script started, also one still running when the
script ended (labkit's fast start compiles a kernel in a subprocess: the tool adopts it
and waits for it, where Linux lets it), so a cold kernel cache shows in the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Run before each script: no window, no blocking show().
PRELUDE = ('import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as _lk_plt\n'
           '_lk_plt.show = lambda *a, **k: None\n')
#: Files of the examples folder that are helpers of other scripts, not examples.
HELPERS = {"params.py", "plot_utils.py"}

_IMPORTS = [
    (re.compile(r"^(\s*)from brian2 import \*", re.M), r"\1from labkit import *"),
    (re.compile(r"^(\s*)from brian2\.", re.M), r"\1from labkit."),
    (re.compile(r"^(\s*)import brian2 as ", re.M), r"\1import labkit as "),
    (re.compile(r"^(\s*)import brian2\s*$", re.M), r"\1import labkit as brian2"),
    (re.compile(r"^(\s*)from brian2 import", re.M), r"\1from labkit import"),
]


def convert(source: str) -> str:
    """A Brian2 script -> the same script importing labkit (the only change a user makes)."""
    for pattern, replacement in _IMPORTS:
        source = pattern.sub(replacement, source)
    return source


def examples(root: Path) -> list[Path]:
    """The example scripts under ``root``, sorted."""
    return sorted(p for p in root.rglob("*.py") if p.name not in HELPERS)


def classify(stderr: str) -> dict:
    """A failed script's stderr -> status, exception type, message and last frame."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    match = re.match(r"^([\w.]+)(?::\s*(.*))?$", last)
    kind, message = (match.group(1), match.group(2) or "") if match else ("?", last)
    where = ""
    for line in lines:
        frame = re.match(r'\s*File "([^"]+)", line (\d+), in (\S+)', line)
        if frame:
            where = f"{os.path.basename(frame.group(1))}:{frame.group(2)} {frame.group(3)}"
    missing = (kind in ("ModuleNotFoundError", "ImportError")
               and "labkit" not in message and "brian2" not in message)
    return {"status": "missing-package" if missing else "error", "type": kind,
            "message": message[:300], "where": where}


def adopt_orphans() -> bool:
    """Make this process the parent of its descendants' orphans (Linux's child
    subreaper), so that :func:`run_one` can wait for them and count their CPU time."""
    try:
        import ctypes

        return ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):  # not Linux
        return False


def _reap() -> None:
    """Wait for the script's processes still running (adopted orphans), if any."""
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def run_one(script: Path, root: Path, scratch: Path, target: str, timeout: float,
            wall: float | None = None) -> dict:
    """Run one example (converted unless ``target`` is brian2) in ``scratch``; its result."""
    relative = script.relative_to(root)
    work = scratch / relative.parent
    work.mkdir(parents=True, exist_ok=True)
    for helper in script.parent.iterdir():  # data files and helper modules beside it
        if helper.is_file() and helper != script:
            data = helper.read_bytes()
            if helper.suffix == ".py" and target == "labkit":
                data = convert(data.decode()).encode()
            (work / helper.name).write_bytes(data)
    source = script.read_text()
    (work / script.name).write_text(PRELUDE + (convert(source) if target == "labkit"
                                               else source))
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime

    def limit_cpu():  # in the child: SIGXCPU after ``timeout`` CPU seconds
        resource.setrlimit(resource.RLIMIT_CPU, (int(timeout), int(timeout) + 5))

    try:
        done = subprocess.run([sys.executable, script.name], cwd=work, capture_output=True,
                              text=True, timeout=wall or 4 * timeout, preexec_fn=limit_cpu,
                              env={**os.environ, "MPLBACKEND": "Agg"})
        if done.returncode == 0:
            result = {"status": "ran"}
        elif done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            result = {"status": "timeout", "limit": "cpu"}
        else:
            result = classify(done.stderr)
    except subprocess.TimeoutExpired:  # the wall clock: the machine was busy, rerun it
        result = {"status": "timeout", "limit": "wall"}
    _reap()
    result["seconds"] = round(time.perf_counter() - started, 1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # user and system, as RLIMIT_CPU
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime - before, 1)
    return result


def summary(results: dict) -> str:
    counts = {}
    for result in results.values():
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return f"{counts.get('ran', 0)} of {len(results)} ran ({parts})"


def markdown(results: dict) -> str:
    """The results as the README's table: example, status, and why when it did not run."""
    rows = ["| example | result |", "|---|---|"]
    for name, result in sorted(results.items()):
        status = result["status"]
        if status == "ran":
            text = "runs"
        elif status == "timeout":
            text = ("runs out of time (wall clock: a busy machine, rerun)"
                    if result.get("limit") == "wall" else "runs out of time (CPU limit)")
        else:
            message = result.get("message", "").replace("|", "\\|")
            text = f"{status}: `{result.get('type', '')}` {message[:110]}"
        rows.append(f"| `{name}` | {text} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=Path,
                        help="the examples/ folder of a brian-team/brian2 checkout")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="CPU seconds per script")
    parser.add_argument("--wall", type=float,
                        help="wall-clock seconds per script (default: 4 x --timeout); "
                             "more to rerun a wall-clock timeout on a busy machine")
    parser.add_argument("--target", choices=("labkit", "brian2"), default="labkit")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="an earlier --json file")
    parser.add_argument("--markdown", type=Path,
                        help="print this --json file as a markdown table (runs nothing)")
    parser.add_argument("names", nargs="*", help="run only examples whose path has one")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return 0
    if args.examples is None:
        parser.error("--examples is needed to run the examples")
    root = args.examples.resolve()
    scripts = [p for p in examples(root)
               if not args.names or any(n in str(p.relative_to(root)) for n in args.names)]
    results = {}
    adopt_orphans()
    with tempfile.TemporaryDirectory(prefix="lk-examples-") as scratch:
        for script in scripts:
            name = str(script.relative_to(root).with_suffix(""))
            result = results[name] = run_one(script, root, Path(scratch), args.target,
                                             args.timeout, args.wall)
            print(f"{name:58s} {result['status']:15s} {result['cpu_seconds']:6.1f}  "
                  f"{result.get('limit', '')} "
                  f"{result.get('type', '')} {result.get('message', '')[:100]}"
                  f"{' @ ' + result['where'] if result.get('where') else ''}", flush=True)
            if args.json:  # after each example: a long survey cut short keeps its results
                args.json.write_text(json.dumps(results, indent=1, sort_keys=True))
    print(summary(results))
    if args.compare:
        before = json.loads(args.compare.read_text())
        for name in sorted(results):
            old = before.get(name, {}).get("status", "-")
            if old != results[name]["status"]:
                print(f"  {name}: {old} -> {results[name]['status']}")
        print(f"before: {summary({n: r for n, r in before.items() if n in results})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
