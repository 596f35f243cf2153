"""Bytes an allocation needs -> go ahead, or a labkit error before memory runs out.

Why: numpy allocates lazily and the kernel grows buffers by doubling, so a model that
needs 80 GB fills memory for seconds and ends in a raw ``MemoryError`` or the system's
out-of-memory killer. Where the size is known (a group's arrays, a monitor's records, a
connect() that makes all pairs) or can be projected (a connect() half done), labkit
compares it with what is available first and says what would help.

Available memory is the smallest of the system's (``MemAvailable``), the process's
control group limit (a container or a ``systemd-run -p MemoryMax=`` cap), since either
one ends the process, and ``prefs.core.memory_limit`` when it is set (bytes or a text
such as ``'2 GB'``: to keep a shared machine usable, or to see the check work).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from labkit.errors import OutOfMemoryError
from labkit.prefs import prefs

__all__ = ["available_memory", "check_memory", "limit_text", "parse_size", "size_text",
           "aligned_zeros", "CACHE_LINE"]

#: Bytes of a cache line (x86-64, most ARM cores).
CACHE_LINE = 64


def available_memory() -> int:
    """Bytes of memory available now (see the module docstring; a very large number if
    nothing says)."""
    found = [_meminfo(), _cgroup_room(), _pref_limit()]
    known = [n for n in found if n is not None]
    return min(known) if known else 1 << 62


def limit_text() -> str:
    """Where the limit comes from, for error messages: the preference when it is the
    smallest, else the system's memory."""
    limit = _pref_limit()
    if limit is not None and limit <= available_memory():
        return ("prefs.core.memory_limit; raise it, or set it to None to use what the "
                "system has")
    return "the machine's available memory"


_UNITS = {"b": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_size(value) -> int:
    """``prefs.core.memory_limit``'s value -> bytes: a number, or '2 GB', '512 MiB'.

    >>> parse_size('1.5 GB'), parse_size(1000), parse_size('64MiB')
    (1500000000, 1000, 67108864)
    """
    if isinstance(value, str):
        text = value.strip().lower()
        number = text.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
        unit = text[len(number):].strip() or "b"
        try:
            return int(float(number) * _UNITS[unit])
        except (ValueError, KeyError):
            raise ValueError(f"prefs.core.memory_limit = {value!r} is not a size; write "
                             "bytes (2_000_000_000) or a text such as '2 GB' or "
                             "'512 MiB'") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"prefs.core.memory_limit = {value!r} is not a size; write bytes "
                         "(2_000_000_000), a text such as '2 GB', or None (no limit)")
    return int(value)


def _pref_limit() -> int | None:
    value = prefs.core.memory_limit
    return None if value is None else parse_size(value)


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
                               f"{size_text(available)} of memory is available (limit: "
                               f"{limit_text()}). {fix}")


def aligned_zeros(shape, dtype) -> np.ndarray:
    """``np.zeros(shape, dtype)`` starting on a cache line (numpy aligns to 16 bytes).
    Why: threads that own parts of an array (the runtime device's team kernel) share no
    cache line when the parts start on a line; an unaligned array's boundary line is written
    by two cores every step."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    raw = np.zeros(n * dtype.itemsize + CACHE_LINE, dtype=np.uint8)
    skip = -raw.ctypes.data % CACHE_LINE
    return raw[skip:skip + n * dtype.itemsize].view(dtype).reshape(shape)
