"""Where labkit keeps what survives a process: compiled kernels, integration results.

``$LABKIT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/labkit`` or ``~/.cache/labkit``.
Writes are atomic (a temporary file, then ``os.replace``), so two processes filling the
same cache at once never leave a half-written file for a third to read.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
