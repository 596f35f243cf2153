"""A chunked model + controls + time views -> :class:`Scope`, a panel that keeps running.

Why: the multi-scale neuron and eye-movement lessons are "GUI demos": the neuron runs on,
the trace scrolls like an oscilloscope, and moving a slider changes the behaviour *while it
runs* (tonic spiking turns into bursting). That needs the chunked model interface
(:class:`~labkit.widgets.model.ChunkedModel`: ``start``, ``advance``, ``set``), a rolling
window of the last ``window`` seconds, and a loop in the background.

Background loop: a thread where there are threads, an asyncio task where there are not
(JupyterLite/Pyodide, ``sys.platform == 'emscripten'``). Widget trait changes made from the
thread reach the browser: with ipywidgets 8 and ipykernel >= 6 a comm message is sent on the
IOPub socket, which ipykernel makes safe to use from any thread, and ipykernel 7 resolves
the parent message of a user thread from the shell's context (the browser test checks that
a running scope's line moves with no interaction). An asyncio task runs on the kernel's own
event loop between messages, so it never races with control callbacks.

Tests drive a scope synchronously with :meth:`Scope.step` (one chunk), no loop needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import time

import ipywidgets as W
import numpy as np

from labkit.units import ms, second
from labkit.widgets.panel import Panel, _format_seconds
from labkit.widgets.results import Results, as_results, concat_results

try:
    import threading
except ImportError:  # pragma: no cover - Python builds without threads
    threading = None

__all__ = ["Scope", "background_mode"]


def background_mode() -> str:
    """``'thread'`` where threads can run, else ``'asyncio'`` (JupyterLite / Pyodide / WASI)."""
    if sys.platform in ("emscripten", "wasi") or threading is None:
        return "asyncio"
    return "thread"


class Scope(Panel):
    """A running panel: the model advances chunk by chunk, views scroll over a time window.

    Parameters
    ----------
    model : ChunkedModel
        Has ``start(**params)``, ``advance(duration) -> results`` and ``set(**params)``.
    controls, views, title, presets, export_dir
        As for :class:`Panel`; views with a time axis scroll with the window.
    window : Quantity
        How much of the past stays visible (e.g. ``2*second``).
    chunk : Quantity
        Simulated time per step.
    speed : float or None
        Simulated seconds per wall-clock second (1.0: real time); ``None``: as fast as it
        goes (with a short pause between chunks so the kernel stays responsive).
    mode : {'auto', 'thread', 'asyncio'}
        Background mechanism (see the module docstring).
    readout : callable or None
        ``readout(results) -> str``: a line of HTML above the views, rewritten after every
        chunk from the visible window's Results (the neuron's regime, where the eye is...).
        Its text is the caller's: escape what it quotes.

    Attributes
    ----------
    running : bool
    readout_line : ipywidgets.HTML
        The line ``readout`` writes (empty, and not shown, without one).
    t : float
        Simulated time reached, in seconds.
    """

    def __init__(self, model, controls, views, title=None, window=2 * second, chunk=50 * ms,
                 speed: float | None = 1.0, presets=None, mode: str = "auto",
                 export_dir=".", readout=None):
        if views is None:
            raise ValueError("a Scope needs its views (they cannot be inferred from chunks)")
        if readout is not None and not callable(readout):
            raise TypeError(f"readout must be a function results -> HTML text, not "
                            f"{type(readout).__name__} {readout!r}")
        self.readout = readout
        self.readout_line = W.HTML(layout=W.Layout(margin="0 0 0 8px"))
        self.window = float(np.asarray(window))
        self.chunk = chunk
        self.speed = speed
        self.mode = background_mode() if mode == "auto" else mode
        if self.mode not in ("thread", "asyncio"):
            raise ValueError(f"mode must be 'auto', 'thread' or 'asyncio', not {mode!r}")
        self.running = False
        self.t = 0.0
        self.chunks = 0
        self.failures = 0  # chunks failed in a row: the loop backs off (see _pause_between)
        self._buffer: Results | None = None
        self._new_params: dict | None = None
        self._restart = False
        self._lock = threading.Lock() if threading is not None else contextlib.nullcontext()
        self._worker = None
        super().__init__(model, controls, views, title=title, presets=presets,
                         export_dir=export_dir)

    # -- Panel hooks --------------------------------------------------------------------------
    def _extra_buttons(self) -> list:
        self.start_button = W.Button(description="start", icon="play",
                                     layout=W.Layout(width="auto"))
        self.pause_button = W.Button(description="pause", icon="pause",
                                     layout=W.Layout(width="auto"))
        self.restart_button = W.Button(description="restart", icon="refresh",
                                       tooltip="back to t = 0 with the current values",
                                       layout=W.Layout(width="auto"))
        self.start_button.on_click(lambda _b: self.start())
        self.pause_button.on_click(lambda _b: self.pause())
        self.restart_button.on_click(lambda _b: self.restart())
        return [self.start_button, self.pause_button, self.restart_button]

    def _set_views(self, views) -> None:
        super()._set_views(views)
        self.views_box.children = [*self._readout_widgets(), *self.views_box.children]

    def _readout_widgets(self) -> list:
        """The readout line, for a subclass that lays its views out itself: [] without one."""
        return [self.readout_line] if self.readout is not None else []

    def _first_run(self) -> None:
        self._set_views(self.views)
        self.model.start(**self.params())
        self.step()

    def _on_control(self, _control) -> None:
        if self._holding:
            self._pending = True
            return
        self.failures = 0                               # a new value is tried at once
        with self._lock:
            if self.running:
                self._new_params = self.params()        # the loop applies it before a chunk
            else:
                self.model.set(**self.params())
                self._new_params = None

    def _adapt_update_mode(self) -> None:
        self.live = True                       # set() is cheap: always follow the slider

    def rerun(self):
        """A scope does not re-run from the start on a change; see :meth:`restart`."""
        return self.step()

    # -- running ------------------------------------------------------------------------------
    def step(self) -> Results | None:
        """Advance one chunk synchronously and redraw; returns the visible window's Results."""
        started = time.perf_counter()
        try:
            with self._lock:
                if self._restart:
                    self.model.start(**self.params())
                    self._restart, self._new_params, self._buffer = False, None, None
                    self.t = 0.0
                elif self._new_params is not None:
                    self.model.set(**self._new_params)
                    self._new_params = None
                chunk = as_results(self.model.advance(self.chunk))
            end = chunk.sim_time
            self.t = float(np.asarray(end)) if end is not None else \
                self.t + float(np.asarray(self.chunk))
            buffer = concat_results(self._buffer, chunk).since(self.t - self.window)
            self._buffer = dataclasses.replace(buffer, sim_time=self.t)
            lo = max(self.t - self.window, 0.0)
            for view in self.views:
                if view.is_time_view and view.t_unit.factor is not None:
                    view.set_xrange(lo / view.t_unit.factor, self.t / view.t_unit.factor)
                view.update(self._buffer)
            if self.readout is not None:
                self.readout_line.value = self.readout(self._buffer)
        except Exception as exc:  # noqa: BLE001 - shown in the panel; the loop goes on
            self.failures += 1
            self._show_error(exc)
            if self.running and self.failures > 1:
                self.status.value = (
                    f"<span style='color:#b00020'>error: the chunk failed {self.failures} "
                    f"times in a row; retrying every {self._backoff():.3g} s (change a value, "
                    "or pause)</span>")
            return None
        wall = time.perf_counter() - started
        self.failures = 0
        self.chunks += 1
        self.results, self.error = self._buffer, None
        self.timings.append(wall)
        self._clear_error()
        self._adapt_update_mode()
        self._show_scope_status(wall)
        return self._buffer

    def _show_scope_status(self, wall=None) -> None:
        """t, the chunk, the wall time of the last chunk run (if any), running or paused."""
        state = f"running ({self.mode})" if self.running else "paused"
        took = "" if wall is None else f" in {_format_seconds(wall)} wall"
        self.status.value = (f"<span style='color:#555'>t = {self.t:.3f} s &middot; chunk of "
                             f"{_format_seconds(self.chunk)}{took} &middot; {state}</span>")

    def _last_wall(self) -> float | None:
        return self.timings[-1] if self.timings else None

    def _interval(self) -> float:
        """Wall seconds between chunk starts (pacing to ``speed``)."""
        if self.speed is None:
            return 0.0
        return float(np.asarray(self.chunk)) / float(self.speed)

    def start(self) -> None:
        """Run in the background until :meth:`pause`."""
        if self.running:
            return
        self.running = True
        if self.mode == "thread":
            self._worker = threading.Thread(target=self._thread_loop, name="labkit-scope",
                                            daemon=True)
            self._worker.start()
        else:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = asyncio.get_event_loop()
            self._worker = loop.create_task(self._async_loop())
        self._show_scope_status(self._last_wall())

    def pause(self, timeout: float = 2.0) -> None:
        """Stop after the current chunk (waits up to ``timeout`` s for the thread)."""
        self.running = False
        worker = self._worker
        if self.mode == "thread" and worker is not None and \
                worker is not threading.current_thread():
            worker.join(timeout)
        with self._lock:                                # a change made during the last chunk
            if self._new_params is not None:
                self.model.set(**self._new_params)
                self._new_params = None
        self._show_scope_status(self._last_wall())

    def restart(self) -> None:
        """Back to t = 0 with the current control values (the loop keeps its state)."""
        with self._lock:
            self._restart = True
        if not self.running:
            self.step()

    def _backoff(self) -> float:
        """Seconds between retries of a failing chunk: 0.1 s, doubling to at most 5 s (it
        retried ~47 times a second, each time redrawing the same error)."""
        return 0.0 if self.failures == 0 else min(5.0, 0.1 * 2 ** (self.failures - 1))

    def _pause_between(self, started: float) -> float:
        """Seconds to wait before the next chunk: what is left of the pacing interval, and
        at least as long as the chunk took. A machine too slow for ``speed`` then runs the
        scope at half its time, not all of it: the kernel still answers the buttons at
        once, and the browser has time to draw what it was sent (on a loaded machine it
        fell tens of seconds behind, and "pause" seemed to do nothing). Unpaced
        (``speed=None``): 5 ms. A chunk that keeps failing waits :meth:`_backoff`."""
        if self.speed is None:
            return max(0.005, self._backoff())
        took = time.perf_counter() - started
        return max(0.005, took, self._interval() - took, self._backoff())

    def _thread_loop(self) -> None:
        while self.running:
            started = time.perf_counter()
            self.step()
            time.sleep(self._pause_between(started))

    async def _async_loop(self) -> None:
        while self.running:
            started = time.perf_counter()
            self.step()
            await asyncio.sleep(self._pause_between(started))
