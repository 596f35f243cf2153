"""pyproject.toml's dependencies -> binder/requirements.txt, an exact lock; and its checks.

Why: Binder (repo2docker) builds the course's image from ``binder/``: it installs
``requirements.txt`` with pip into the Python that ``runtime.txt`` names. Without exact
versions every rebuild gets whatever the day brings. This script resolves labkit's
dependencies and its ``course`` extra afresh (a new venv of the runtime's Python, pip's own
resolver, nothing installed) and writes every resolved distribution as ``name==version``.

    python tools/binder_lock.py              # resolve afresh, rewrite the lock (make binder-lock)
    python tools/binder_lock.py --check      # is every dependency of pyproject.toml pinned?
    python tools/binder_lock.py --installed  # does this environment match the lock? (postBuild)

``--check`` is quick and offline (a test runs it, so a dependency added to pyproject.toml
without ``make binder-lock`` fails the suite); ``--installed`` is how postBuild makes sure
that the image holds exactly the lock and that labkit's requirements are all met.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency provides it
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
LOCK = BINDER / "requirements.txt"
RUNTIME = BINDER / "runtime.txt"
EXTRAS = ("course",)
REGENERATE = "make binder-lock"

HEADER = """\
# The Python environment Binder builds (repo2docker installs this file with pip, into the
# Python of binder/runtime.txt): labkit's dependencies and its {extras} extra, every
# distribution at the exact version a fresh resolve chose for Python {python} on Linux.
# Generated, do not edit: `{regenerate}` (tools/binder_lock.py) resolves afresh and
# rewrites it. labkit itself is installed from the checkout by binder/postBuild, without
# dependencies: this file is the whole environment.
"""


def runtime_python(runtime: Path = RUNTIME) -> str:
    """binder/runtime.txt (``python-3.11``) -> ``"3.11"``."""
    text = runtime.read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(3\.\d+)", text)
    if match is None:
        raise ValueError(f"{runtime}: {text!r} is not a repo2docker runtime such as "
                         "'python-3.11'")
    return match.group(1)


def project_requirements(pyproject: Path = REPO / "pyproject.toml",
                         extras=EXTRAS) -> list[Requirement]:
    """The ``dependencies`` of pyproject.toml and those of ``extras``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lines = list(project.get("dependencies", []))
    for extra in extras:
        lines += project.get("optional-dependencies", {}).get(extra, [])
    return [Requirement(line) for line in lines]


def read_lock(lock: Path = LOCK) -> dict[str, str]:
    """requirements.txt -> {canonical name: version}; every line must be ``name==version``."""
    pins = {}
    for number, raw in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;=<>!~]+)", line)
        if match is None:
            raise ValueError(f"{lock.name} line {number}: {raw!r} is not an exact pin "
                             f"'name==version'; regenerate the lock with `{REGENERATE}`")
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def unmet(requirements: list[Requirement], versions: dict[str, str],
          python: str) -> list[tuple[Requirement, str | None]]:
    """The requirements (for Linux, Python ``python``) that ``versions`` leaves unmet, each
    with the version it has (None: absent)."""
    environment = {"python_version": python, "python_full_version": f"{python}.0",
                   "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                   "platform_machine": "x86_64", "extra": ""}
    found = []
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        version = versions.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            found.append((requirement, version))
    return found


def check(lock: Path = LOCK) -> list[str]:
    """pyproject.toml against the lock (offline): what is missing or out of range."""
    where = lock.relative_to(REPO) if lock.is_relative_to(REPO) else lock
    return [f"{where}: {requirement} is "
            f"{'not pinned' if version is None else f'pinned at {version}, outside its range'}"
            f"; run `{REGENERATE}`"
            for requirement, version in unmet(project_requirements(), read_lock(lock),
                                              runtime_python())]


def check_installed(lock: Path = LOCK) -> list[str]:
    """This environment against the lock and labkit's own requirements."""
    installed = {canonicalize_name(d.metadata["Name"]): d.version
                 for d in metadata.distributions()}
    problems = [f"{name}=={version} is locked, but "
                + (f"{installed[name]} is installed" if name in installed else "it is missing")
                for name, version in read_lock(lock).items()
                if installed.get(name) != version]
    if "labkit" not in installed:
        problems.append("labkit is not installed (binder/postBuild installs it)")
    python = ".".join(map(str, sys.version_info[:2]))
    problems += [f"labkit needs {requirement}; "
                 f"{'it is missing' if version is None else f'{version} is installed'}"
                 for requirement, version in unmet(project_requirements(), installed, python)]
    return problems


def resolve(python: str) -> dict[str, str]:
    """A fresh venv of Python ``python`` -> what pip resolves for ``labkit[extras]``."""
    interpreter = shutil.which(f"python{python}")
    if interpreter is None:
        raise SystemExit(f"binder/runtime.txt asks for Python {python}, and there is no "
                         f"python{python} on PATH; install it to regenerate the lock")
    with tempfile.TemporaryDirectory(prefix="binder-lock-") as tmp:
        venv, report = Path(tmp) / "venv", Path(tmp) / "report.json"
        subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
        target = f"{REPO}[{','.join(EXTRAS)}]"
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--dry-run", "--ignore-installed", "--report", str(report), target],
                       check=True)
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
            for item in installs if canonicalize_name(item["metadata"]["name"]) != "labkit"}


def write_lock(pins: dict[str, str], python: str, lock: Path = LOCK) -> None:
    header = HEADER.format(extras=", ".join(f"`{e}`" for e in EXTRAS), python=python,
                           regenerate=REGENERATE)
    body = "".join(f"{name}=={pins[name]}\n" for name in sorted(pins))
    lock.write_text(header + body, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="check that pyproject.toml's dependencies are pinned (offline)")
    mode.add_argument("--installed", action="store_true",
                      help="check that this environment holds exactly the lock")
    args = parser.parse_args(argv)
    if args.check or args.installed:
        problems = check_installed() if args.installed else check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    python = runtime_python()
    pins = resolve(python)
    write_lock(pins, python)
    print(f"{LOCK.relative_to(REPO)}: {len(pins)} distributions pinned for Python {python}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
