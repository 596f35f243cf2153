"""Counts of a running sweep -> a progress bar: a widget in a notebook, a line in a terminal.

Why: a sweep of minutes with no sign of life gets interrupted. Both displays show the same
three facts, points done, points failed, and the time left, estimated from the points this
run has finished so far (points taken from the cache are counted as done at the start and
not used for the estimate).
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress", "make_progress", "status_text"]


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def status_text(done: int, failed: int, total: int, cached: int, elapsed: float,
                finished: bool = False) -> str:
    """The counts -> one line, e.g. ``'12/64 done, 1 failed, 0:23 left'``.

    >>> status_text(12, 1, 64, 0, 5.0)
    '12/64 done, 1 failed, 0:22 left'
    >>> status_text(64, 0, 64, 60, 2.5, finished=True)
    '64/64 done (60 from the cache), 0 failed, in 2.5 s'
    """
    text = f"{done}/{total} done"
    if cached:
        text += f" ({cached} from the cache)"
    text += f", {failed} failed"
    if finished:
        return text + f", in {elapsed:.1f} s"
    computed = done - cached
    if computed > 0:
        return text + f", {_clock(elapsed * (total - done) / computed)} left"
    return text + ", time left: after the first point"


class Progress:
    """Counts the points; subclasses draw. This one draws nothing (``progress=False``)."""

    def __init__(self, total: int, cached: int = 0):
        self.total, self.cached = total, cached
        self.done, self.failed = cached, 0
        self.started = time.perf_counter()

    def point(self, failed: bool) -> None:
        """One more point finished (failed or not)."""
        self.done += 1
        self.failed += bool(failed)
        self.draw(False)

    def tick(self) -> None:
        """Time passed: refresh the estimate."""
        self.draw(False)

    def close(self, interrupted: bool = False) -> None:
        self.draw(True, interrupted)

    def text(self, finished: bool = False) -> str:
        return status_text(self.done, self.failed, self.total, self.cached,
                           time.perf_counter() - self.started, finished)

    def draw(self, final: bool, interrupted: bool = False) -> None:
        """Show the counts (``final``: the sweep ended)."""


class TerminalProgress(Progress):
    """One line on stderr: rewritten in place on a terminal, every few seconds in a log."""

    def __init__(self, total: int, cached: int = 0, stream=None):
        super().__init__(total, cached)
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self.draw(False)

    def draw(self, final: bool, interrupted: bool = False) -> None:
        now = time.perf_counter()
        if not final and now - self._last < (0.2 if self.live else 10.0):
            return
        self._last = now
        line = "sweep: " + (self.text(finished=True) + ", interrupted" if interrupted
                            else self.text(finished=final))
        if self.live:
            self.stream.write("\r" + line.ljust(72) + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class WidgetProgress(Progress):
    """An ipywidgets bar with the counts beside it, displayed in the notebook."""

    def __init__(self, total: int, cached: int = 0):
        import ipywidgets
        from IPython.display import display

        super().__init__(total, cached)
        self.bar = ipywidgets.IntProgress(value=cached, min=0, max=max(total, 1),
                                          description="sweep")
        self.label = ipywidgets.HTML(self.text())
        self.widget = ipywidgets.HBox([self.bar, self.label])
        self._last = 0.0
        display(self.widget)

    def draw(self, final: bool, interrupted: bool = False) -> None:
        now = time.perf_counter()
        if not final and now - self._last < 0.1:
            return
        self._last = now
        self.bar.value = self.done
        if final:
            self.bar.bar_style = "danger" if interrupted else (
                "warning" if self.failed else "success")
        text = self.text(finished=final)
        self.label.value = text + (", interrupted" if interrupted else "")


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets can be displayed)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def make_progress(progress, total: int, cached: int = 0) -> Progress:
    """``progress=True``: a widget in a notebook, else a terminal line; False: nothing."""
    if progress is False or progress is None:
        return Progress(total, cached)
    if progress is not True:
        raise ValueError(f"sweep: progress must be True or False, got {progress!r}")
    if _in_notebook():
        return WidgetProgress(total, cached)
    return TerminalProgress(total, cached)
