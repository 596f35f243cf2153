"""Bytes an allocation needs -> go ahead, or a labkit error before memory runs out.

Why: numpy allocates lazily and the kernel grows buffers by doubling, so a model that
needs 80 GB fills memory for seconds and ends in a raw ``MemoryError`` or the system's
out-of-memory killer. Where the size is known (a group's arrays, a monitor's records, a
connect() that makes all pairs) or can be projected (a connect() half done), labkit
compares it with what is available first and says what would help.

Available memory is the smaller of the system's (``MemAvailable``) and the process's
control group limit (a container or a ``systemd-run -p MemoryMax=`` cap), since either
one ends the process.
"""

from __future__ import annotations

import os
from pathlib import Path

from labkit.errors import OutOfMemoryError

__all__ = ["available_memory", "check_memory", "size_text"]


def available_memory() -> int:
    """Bytes of memory available now (see the module docstring; a very large number if
    nothing says)."""
    found = [_meminfo(), _cgroup_room()]
    known = [n for n in found if n is not None]
    return min(known) if known else 1 << 62


def _meminfo() -> int | None:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_room() -> int | None:
    """The control group's limit minus what it uses (cgroup v2), or None."""
    try:
        line = Path("/proc/self/cgroup").read_text().splitlines()[0]
        base = Path("/sys/fs/cgroup") / line.split(":", 2)[2].lstrip("/")
        limit = (base / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int((base / "memory.current").read_text()))
    except (OSError, IndexError, ValueError):
        return None


def size_text(n: float) -> str:
    """Bytes -> '80 GB' (decimal units, three digits).

    >>> size_text(23_400_000_000)
    '23.4 GB'
    """
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000:
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} TB"


def check_memory(needed: float, what: str, fix: str) -> None:
    """Raise :class:`~labkit.errors.OutOfMemoryError` if ``needed`` bytes are more than
    available: "``what`` would need 80 GB ..., but only 23.4 GB is available. ``fix``"."""
    available = available_memory()
    if needed > available:
        raise OutOfMemoryError(f"{what} would need {size_text(needed)}, but only "
                               f"{size_text(available)} of memory is available. {fix}")
