"""Where labkit keeps what survives a process: compiled kernels, integration results.

``$LABKIT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/labkit`` or ``~/.cache/labkit``.
Writes are atomic (a temporary file, then ``os.replace``), so two processes filling the
same cache at once never leave a half-written file for a third to read.

``load_plain``/``save_plain`` keep results made of plain data only (str, numbers, tuples,
frozensets, dimensions: no sympy objects), so that a process reading them back never
imports sympy (0.2-0.25 s of CPU): what building a model seen before needs (its names,
units and flags, which strings parsed) is read from there. ``source_version`` keys them
on labkit's code without importing sympy.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import tempfile
from pathlib import Path

_LABKIT = Path(__file__).resolve().parent


def cache_root() -> Path:
    """Environment -> the cache directory (not created here)."""
    root = os.environ.get("LABKIT_CACHE_DIR")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
        root = os.path.join(xdg, "labkit")
    return Path(root)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@functools.lru_cache(maxsize=8)
def source_version(packages: tuple[str, ...]) -> str:
    """The version of the code in ``packages`` (folders of labkit) and of sympy, without
    importing sympy: a hash of each source file's name, size and modification time (an
    edit or a checkout changes them; computed once per process, in well under a ms) and of
    sympy's ``release.py`` (its version), found without importing it."""
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted((_LABKIT / package).glob("*.py")):
            stat = path.stat()
            digest.update(f"{package}/{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    try:
        spec = importlib.util.find_spec("sympy")
        release = Path(spec.origin).with_name("release.py")
        digest.update(release.read_bytes())
    except (AttributeError, ImportError, OSError, TypeError, ValueError):
        digest.update(b"no sympy")
    return digest.hexdigest()[:16]


def _plain_path(kind: str, text: str, version: str) -> Path:
    key = hashlib.sha256(text.encode()).hexdigest()[:32]
    return cache_root() / "plain" / kind / f"{key}-{version}.pickle"


def load_plain(kind: str, text: str, version: str, valid):
    """The plain result stored for ``text``, or None when there is none, or it is
    unreadable, or not ``valid(result)`` (a partial or foreign file: the caller then
    makes it afresh, the cold way)."""
    try:
        with open(_plain_path(kind, text, version), "rb") as handle:
            stored_text, result = pickle.loads(handle.read())
    except Exception:  # noqa: BLE001 - any unreadable entry is only a cache miss
        return None
    try:
        return result if stored_text == text and valid(result) else None
    except Exception:  # noqa: BLE001 - a malformed entry is only a cache miss
        return None


#: Plain results written per kind and process, at most: a loop over generated texts
#: (``G.v = f'{x}*mV'``) must not fill the disk with entries nobody reads again.
PLAIN_PER_PROCESS = 200
_plain_written: dict[str, int] = {}


def save_plain(kind: str, text: str, version: str, result) -> None:
    """Store ``result`` (plain data) for ``text``; never an error (a cache miss later)."""
    if _plain_written.get(kind, 0) >= PLAIN_PER_PROCESS:
        return
    _plain_written[kind] = _plain_written.get(kind, 0) + 1
    try:
        atomic_write(_plain_path(kind, text, version),
                     pickle.dumps((text, result), protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
