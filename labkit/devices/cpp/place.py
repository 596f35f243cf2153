"""A cpp_standalone ``directory=`` -> a checked project directory, used by one process
at a time.

Why: a path that is a file, lies under a file or cannot be written ended in raw
``NotADirectoryError``/``FileNotFoundError``/``FileExistsError`` deep in the build; two
processes building and running in one directory overwrote each other's ``main`` (``OSError:
Text file busy``). :func:`checked_directory` refuses a bad path when it is given, saying
why; :func:`one_process` holds an exclusive lock on the directory from building to reading
the results, so a second process waits its turn (and says that it waits).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from labkit.errors import DeviceError
from labkit.logs import info

__all__ = ["checked_directory", "one_process"]

#: Seconds a run waits for another process's lock before it says that it is waiting.
_TELL_AFTER = 2.0


def checked_directory(directory) -> Path:
    """``directory=`` -> its absolute path, or a DeviceError that says why it cannot be
    used (it is created when the project is written, as in Brian2)."""
    path = Path(directory).expanduser().resolve()
    fix = ("give cpp_standalone a directory it can create or write to, e.g. "
           "set_device('cpp_standalone', directory='output'), or directory=None for "
           "labkit's cache")
    if path.exists() and not path.is_dir():
        raise DeviceError(f"cpp_standalone: directory={str(directory)!r} is a file, not a "
                          f"directory; {fix}")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise DeviceError(f"cpp_standalone: directory={str(directory)!r} cannot be created: "
                          f"{existing} is a file, not a directory; {fix}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise DeviceError(f"cpp_standalone: directory={str(directory)!r} cannot be written: "
                          f"{existing} is not writable for this user; {fix}")
    return path


@contextlib.contextmanager
def one_process(directory: Path):
    """Hold ``directory``'s lock (``.labkit-lock``) for the body; waits for another
    process that holds it. Without ``fcntl`` (Windows) the body runs unlocked."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / ".labkit-lock", "a+b")  # noqa: SIM115 - held across yield
    except OSError as error:
        raise DeviceError(f"cpp_standalone cannot use the directory {directory}: "
                          f"{error.strerror}; give it a directory it can write to "
                          "(set_device('cpp_standalone', directory=...))") from None
    with handle:
        started, told = time.monotonic(), False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and time.monotonic() - started > _TELL_AFTER:
                    info(f"cpp_standalone: another process is building or running in "
                         f"{directory}; waiting for it to finish (give each process its "
                         "own directory= to run them side by side).", "cpp_standalone")
                    told = True
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
