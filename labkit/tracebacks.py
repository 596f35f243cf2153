"""A labkit error and its traceback -> the short display a learner reads in IPython/Jupyter.

Why: an error raised deep inside labkit (a unit check while a network is built) arrives
with a dozen frames of labkit's own code before the one line that matters, the message.
Those frames say nothing to someone who wrote ``E_L + 0.15*nA``. For labkit's own errors
(:class:`~labkit.errors.LabkitError` and its subclasses) the display is

* the message (it names the object, quotes the string and says the fix), with a hint for
  the kinds of error where one helps;
* the learner's lines: the cells and files outside labkit the error passed through;
* one line saying how many of labkit's frames were hidden and that ``%tb`` shows them.

:func:`install` puts :func:`show_short` in place as IPython's custom exception handler
(``InteractiveShell.set_custom_exc``); ``import labkit`` calls it when it runs inside
IPython. Other errors keep IPython's usual traceback. The full traceback of the last error
is always one command away: ``%tb``. To switch the short display off, call
:func:`uninstall`, or set the environment variable ``LABKIT_FULL_TRACEBACKS=1`` before
importing labkit.
"""

from __future__ import annotations

import linecache
import os
import sys
import traceback
from pathlib import Path

from labkit.errors import DimensionMismatchError, ExerciseIncomplete, LabkitError

__all__ = ["short_traceback", "show_short", "install", "uninstall", "install_in_ipython"]

_LABKIT_DIR = str(Path(__file__).resolve().parent)
_RED, _GREEN, _CYAN, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[2m", "\x1b[0m"

#: Error class -> a hint shown under the message, for kinds where the message alone leaves
#: the reader guessing at the fix.
HINTS = {
    DimensionMismatchError: "terms that are added, subtracted or compared need the same "
                            "unit; convert one with the quantity that relates them "
                            "(a current times a resistance is a voltage)",
}

#: At most this many of the learner's frames are shown (the innermost ones).
MAX_USER_FRAMES = 4


def _is_hidden(filename: str, hidden_dirs: tuple[str, ...]) -> bool:
    try:
        path = str(Path(filename).resolve())
    except (OSError, ValueError):
        return False
    return any(path == d or path.startswith(d + os.sep) for d in hidden_dirs)


def _hidden_dirs() -> tuple[str, ...]:
    """labkit's own directory, and IPython's (its ``run_code`` frame starts every traceback)."""
    dirs = [_LABKIT_DIR]
    ipython = sys.modules.get("IPython")
    if ipython is not None and getattr(ipython, "__file__", None):
        dirs.append(str(Path(ipython.__file__).resolve().parent))
    return tuple(dirs)


def _where(filename: str, lineno: int, name: str, code_name) -> str:
    """A frame -> 'Cell In[3], line 2' for a notebook cell, else 'File x.py:12, in f'."""
    label = code_name(filename) if code_name is not None else None
    if label:
        return f"{label[0]} {label[1]}, line {lineno}"
    return f"File {filename}:{lineno}, in {name}"


def short_traceback(exc: BaseException, tb=None, *, code_name=None,
                    colour: bool = True) -> list[str]:
    """An exception (+ its traceback) -> the lines of its short display.

    Parameters
    ----------
    exc : BaseException
        The error; its ``__traceback__`` is used when ``tb`` is not given.
    code_name : callable, optional
        ``filename -> (label, name) or None``: IPython's ``shell.compile.format_code_name``,
        which turns a cell's file name into ``('Cell', 'In[3]')``.
    colour : bool
        ANSI colours, as IPython's own tracebacks have.

    >>> from labkit.errors import UnitError
    >>> try:
    ...     raise UnitError("'mv' is not a unit; did you mean 'mV'?")
    ... except UnitError as error:
    ...     lines = short_traceback(error, colour=False)
    >>> lines[0]
    "UnitError: 'mv' is not a unit; did you mean 'mV'?"
    """
    red, green, cyan, dim, reset = (_RED, _GREEN, _CYAN, _DIM, _RESET) if colour else \
        ("",) * 5
    tb = exc.__traceback__ if tb is None else tb
    hidden_dirs = _hidden_dirs()
    user, hidden = [], 0
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if _is_hidden(filename, hidden_dirs):
            hidden += _is_hidden(filename, hidden_dirs[:1])
            continue
        user.append((filename, lineno, frame.f_code.co_name))
    lines = [f"{red}{type(exc).__name__}{reset}: {exc}"]
    hint = next((text for cls, text in HINTS.items() if isinstance(exc, cls)), None)
    if hint:
        lines.append(f"  hint: {hint}")
    for filename, lineno, name in user[-MAX_USER_FRAMES:]:
        source = linecache.getline(filename, lineno).strip()
        lines.append(f"{cyan}{_where(filename, lineno, name, code_name)}{reset}: "
                     f"{green}{source}{reset}" if source else
                     f"{cyan}{_where(filename, lineno, name, code_name)}{reset}")
    if hidden and not isinstance(exc, ExerciseIncomplete):
        frames = "frame" if hidden == 1 else "frames"
        lines.append(f"{dim}({hidden} {frames} of labkit's own code hidden; "
                     f"run %tb for the full traceback){reset}")
    return lines


def show_short(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: shows the short display, keeps the full one.

    The exception goes to ``sys.last_*`` first, where ``%tb`` (and ``%debug``) find it.
    """
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    if sys.version_info >= (3, 12):
        sys.last_exc = value
    compiler = getattr(shell, "compile", None)
    stb = short_traceback(value, tb, code_name=getattr(compiler, "format_code_name", None))
    shell._showtraceback(etype, value, stb)
    return stb


def install(shell) -> bool:
    """Make ``shell`` (an IPython InteractiveShell) show labkit's errors short.

    Returns False, and changes nothing, when another custom handler is in place: IPython
    holds only one, and it is not labkit's to take.
    """
    current = tuple(getattr(shell, "custom_exceptions", ()) or ())
    if current and current != (LabkitError,):
        return False
    shell.set_custom_exc((LabkitError,), show_short)
    return True


def uninstall(shell=None) -> None:
    """Back to IPython's full tracebacks for labkit's errors too."""
    shell = shell if shell is not None else _current_shell()
    if shell is not None and tuple(getattr(shell, "custom_exceptions", ())) == (LabkitError,):
        shell.set_custom_exc((), None)


def _current_shell():
    """The running IPython shell, without importing IPython when nobody else has."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if get is not None else None


def install_in_ipython() -> bool:
    """Called by ``import labkit``: install in the running IPython shell, if there is one
    and ``LABKIT_FULL_TRACEBACKS`` is not set."""
    if os.environ.get("LABKIT_FULL_TRACEBACKS", "") not in ("", "0"):
        return False
    shell = _current_shell()
    return shell is not None and install(shell)
