"""Model + controls + views -> :class:`Panel`, a widget that re-runs the model as controls move.

Why: this is the object every lesson ends with. Data flows one way (mpl-interactions'
split): controls give parameter values (Quantities), the model turns them into
:class:`Results`, the views draw them. The panel adds what makes tuning pleasant and safe:

* **live or on release**: after each run it times model + drawing; under ``live_below``
  (0.1 s) sliders update while dragging, otherwise only when released;
* **a status line**: simulated time, wall time, live/on-release; a busy line while a run
  takes longer than ``busy_after`` (a model compiling);
* **errors in the panel**: an exception in the model is shown (type, message, traceback in a
  collapsible block) and the last good plots stay; the next valid value recovers;
* **defaults, presets, export**: a reset-to-defaults button, named presets (a dropdown),
  export of the results (.npz) and the figure (.png/.svg via matplotlib, which works without
  a browser; :meth:`Panel.download_png` asks the browser to save bqplot's own rendering).

Headless: the first simulation runs in ``__init__``, so a panel built in a notebook executed
by nbval/nbclient has its data (``panel.results``, the marks) without any front-end.
"""

from __future__ import annotations

import contextlib
import html
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

import ipywidgets as W

from labkit.errors import LabkitError
from labkit.tracebacks import short_traceback
from labkit.widgets.controls import Control, control_from_spec
from labkit.widgets.export import save_figure, save_npz
from labkit.widgets.model import FunctionModel
from labkit.widgets.results import Results, as_results

__all__ = ["Panel"]

_NO_PRESET = "(presets)"
#: Whether threads run here (not in Pyodide/WASI builds, where a scope uses asyncio).
_THREADS = sys.platform not in ("emscripten", "wasi")
#: The status line while a run takes long (the first run of a new model compiles it).
BUSY_STATUS = ("<span style='color:#b35900'>&#9203; running&hellip; (a new model is "
               "compiled on its first run: a few seconds)</span>")


def _as_controls(controls) -> list[Control]:
    if isinstance(controls, Mapping):
        return [control_from_spec(name, spec) for name, spec in controls.items()]
    return list(controls or [])


def _format_seconds(seconds) -> str:
    """0.2 -> '200 ms', 1.5 -> '1.5 s' (4 significant digits: 200.000000004 is 200)."""
    seconds = float(seconds)
    return f"{seconds * 1e3:.4g} ms" if seconds < 1 else f"{seconds:.4g} s"


class Panel(W.VBox):
    """A live-tuning panel: controls re-run a model whose results the views draw.

    Parameters
    ----------
    model : object with ``simulate(**params)``, or a callable
        Gets every control's value as a keyword argument (Quantities for dimensioned
        controls); returns :class:`Results`, a dict, or monitors (see :func:`as_results`).
    controls : sequence of Control, or mapping name -> spec
        Specs as for ``@live``: ``(1*ms, 100*ms, 'log')``, ``(0, 3)``, a list, a bool.
    views : sequence of View, optional
        Default: chosen from the first results (:func:`~labkit.widgets.views.infer_views`).
    title : str, optional
    presets : mapping of name -> {param: value}, optional
        Shown in a dropdown; choosing one sets those controls, puts the others back at
        their defaults and re-runs once.
    live_below : float
        Wall-time threshold (seconds) under which sliders update while dragging.
    export_dir : path
        Where the export buttons write files.
    busy_after : float
        Seconds after which a run still going shows the busy line in the status.

    Attributes
    ----------
    results : Results or None
        The last successful results.
    error : Exception or None
        The exception of the last run, if it failed.
    timings : list of float
        Wall time (model + drawing) of each successful run, in seconds.
    """

    def __init__(self, model, controls, views=None, title: str | None = None,
                 presets: Mapping | None = None, live_below: float = 0.1,
                 export_dir: str | Path = ".", busy_after: float = 0.3):
        super().__init__()
        self.model = model if hasattr(model, "simulate") else FunctionModel(model)
        self.controls = {c.name: c for c in _as_controls(controls)}
        self.views = None if views is None else list(views)
        self.title = title or ""
        self.presets = dict(presets or {})
        self.live_below = live_below
        self.export_dir = Path(export_dir)
        self.results: Results | None = None
        self.error: Exception | None = None
        self.timings: list[float] = []
        self.live = False
        self.busy = False
        self.busy_after = busy_after
        self._busy_lock = threading.Lock()
        self._busy_token: object | None = None
        self._busy_timer: threading.Timer | None = None
        self._holding = 0
        self._pending = False
        self._in_preset = False
        for name, values in self.presets.items():
            unknown = sorted(set(values) - set(self.controls))
            if unknown:
                raise ValueError(f"preset {name!r} names no control {', '.join(unknown)}; "
                                 f"the controls are {', '.join(self.controls)}")
        self._build()
        if self.views is not None:
            self._set_views(self.views)
        for control in self.controls.values():
            control.observe(self._on_control)
        self._first_run()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title_widget = W.HTML(f"<h3 style='margin:4px 0'>{html.escape(self.title)}</h3>")
        self.status = W.HTML(layout=W.Layout(margin="0 0 0 8px"))
        self.error_box = W.HTML(layout=W.Layout(display="none"))
        self.reset_button = W.Button(description="defaults", icon="undo",
                                     tooltip="put every control back at its default",
                                     layout=W.Layout(width="auto"))
        self.reset_button.on_click(lambda _b: self.reset())
        self.preset_menu = W.Dropdown(options=[_NO_PRESET, *self.presets], value=_NO_PRESET,
                                      layout=W.Layout(width="auto",
                                                      display="" if self.presets else "none"))
        self.preset_menu.observe(self._on_preset, names="value")
        self.export_buttons = {}
        for fmt in ("npz", "png", "svg"):
            button = W.Button(description=f".{fmt}", icon="download",
                              tooltip=f"export the {'results' if fmt == 'npz' else 'figure'}"
                                      f" to a .{fmt} file in {self.export_dir}",
                              layout=W.Layout(width="auto"))
            button.on_click(lambda _b, fmt=fmt: self._export_clicked(fmt))
            self.export_buttons[fmt] = button
        self.toolbar = W.HBox([self.reset_button, self.preset_menu, *self._extra_buttons(),
                               *self.export_buttons.values(), self.status],
                              layout=W.Layout(align_items="center", flex_flow="row wrap"))
        self.controls_box = W.VBox([c.widget for c in self.controls.values()])
        self.views_box = W.VBox([])
        self.children = [self.title_widget, self.controls_box, self.toolbar, self.error_box,
                         self.views_box]

    def _extra_buttons(self) -> list:
        """Buttons subclasses add to the toolbar (a Scope: start/pause/restart)."""
        return []

    def _set_views(self, views) -> None:
        self.views = list(views)
        self.views_box.children = [v.widget for v in self.views]

    # -- running ------------------------------------------------------------------------------
    def params(self) -> dict:
        """The controls' current values, as the model receives them."""
        return {name: control.value for name, control in self.controls.items()}

    def _first_run(self) -> None:
        self.rerun()

    def _on_control(self, _control) -> None:
        if not self._in_preset and self.preset_menu.value != _NO_PRESET:
            self.preset_menu.value = _NO_PRESET         # the values are no longer the preset's
        if self._holding:
            self._pending = True
        else:
            self.rerun()

    @contextlib.contextmanager
    def hold(self):
        """Change several controls, then re-run once (at the end of the ``with`` block)."""
        self._holding += 1
        try:
            yield self
        finally:
            self._holding -= 1
            if not self._holding and self._pending:
                self._pending = False
                self._on_control(None)

    def rerun(self) -> Results | None:
        """Controls' values -> model -> views. Returns the results, or None on error."""
        started = time.perf_counter()
        token = self._busy_soon()
        try:
            results = as_results(self.model.simulate(**self.params()))
            if self.views is None:
                from labkit.widgets.views import infer_views

                self._set_views(infer_views(results))
            for view in self.views:
                view.update(results)
        except Exception as exc:  # noqa: BLE001 - any model error is shown, never raised
            self._not_busy(token)
            self._show_error(exc)
            return None
        self._not_busy(token)
        wall = time.perf_counter() - started
        self.results, self.error = results, None
        self.timings.append(wall)
        self._clear_error()
        self._adapt_update_mode()
        self._show_status(results.sim_time, wall)
        return results

    def _busy_soon(self) -> object:
        """Show the busy line if this run lasts longer than ``busy_after`` seconds (a model
        compiling takes seconds, during which the plots show the previous values). A timer
        thread writes it: widget messages from a thread reach the browser while the kernel
        computes. Returns a token for :meth:`_not_busy`."""
        token = object()
        with self._busy_lock:
            self._busy_token = token
        if _THREADS:                # JupyterLite (Pyodide) has none: no busy line there
            self._busy_timer = threading.Timer(self.busy_after, self._show_busy,
                                               args=(token,))
            self._busy_timer.daemon = True
            self._busy_timer.start()
        return token

    def _show_busy(self, token) -> None:
        with self._busy_lock:
            if self._busy_token is token:
                self.busy = True
                self.status.value = BUSY_STATUS

    def _not_busy(self, token) -> None:
        if self._busy_timer is not None:
            self._busy_timer.cancel()
        with self._busy_lock:
            if self._busy_token is token:
                self._busy_token = None
            self.busy = False

    def _adapt_update_mode(self) -> None:
        """Live while dragging when runs are fast. The first run may include compilation,
        so once there are later runs, only they count (median of the last three)."""
        recent = self.timings[1:][-3:] or self.timings[:1]
        self.live = statistics.median(recent) < self.live_below
        for control in self.controls.values():
            control.continuous_update = self.live

    def _show_status(self, sim_time, wall) -> None:
        mode = "live" if self.live else "on release"
        done = "computed" if sim_time is None else f"simulated {_format_seconds(sim_time)}"
        self.status.value = (f"<span style='color:#555'>{done} in {_format_seconds(wall)} "
                             f"wall &middot; {mode}</span>")

    def _show_error(self, exc: Exception) -> None:
        self.error = exc
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        # labkit's own errors: the message, a hint, the model's lines (labkit's hidden)
        short = short_traceback(exc, colour=False)[1:] if isinstance(exc, LabkitError) else []
        extra = "".join(f"<br>{html.escape(line)}" for line in short
                        if not line.startswith("("))
        self.error_box.value = (
            "<div style='color:#b00020;border-left:3px solid #b00020;padding:2px 8px'>"
            f"<b>{html.escape(type(exc).__name__)}</b>: {html.escape(str(exc))}{extra}"
            "<details><summary>full traceback</summary>"
            f"<pre style='font-size:11px'>{html.escape(tb)}</pre></details>"
            "<i>the plots show the last good run; change a value to try again</i></div>")
        self.error_box.layout.display = ""
        self.status.value = "<span style='color:#b00020'>error</span>"

    def _clear_error(self) -> None:
        if self.error_box.layout.display != "none":
            self.error_box.value = ""
            self.error_box.layout.display = "none"

    # -- defaults and presets -----------------------------------------------------------------
    def set(self, **values) -> None:
        """Set several controls by name (Quantities), then re-run once."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"no control named {', '.join(sorted(unknown))}; the controls are "
                           f"{', '.join(self.controls)}")
        with self.hold():
            for name, value in values.items():
                self.controls[name].value = value

    def reset(self) -> None:
        """Every control back to its default; one re-run."""
        with self.hold():
            for control in self.controls.values():
                control.reset()

    def apply_preset(self, name: str) -> None:
        """Preset ``name``: the values it names, every other control at its default; one
        re-run. (A preset is a state to compare with, whatever was set before it.)"""
        if name not in self.presets:
            raise KeyError(f"no preset {name!r}; the presets are {', '.join(self.presets)}")
        values = self.presets[name]
        self._in_preset = True
        try:
            with self.hold():
                for control_name, control in self.controls.items():
                    control.value = values.get(control_name, control.default)
        finally:
            self._in_preset = False

    def _on_preset(self, change) -> None:
        if change["new"] in self.presets:
            self.apply_preset(change["new"])

    # -- export -------------------------------------------------------------------------------
    def export_npz(self, path: str | Path) -> Path:
        """Current results + parameters -> ``path`` (.npz, see :mod:`labkit.widgets.export`)."""
        return save_npz(path, self._need_results(), self.params())

    def export_figure(self, path: str | Path) -> Path:
        """Current results -> a PNG/SVG/PDF of all views drawn by matplotlib (no browser)."""
        return save_figure(path, self.views, self._need_results(), title=self.title)

    def download_png(self, filename: str = "panel.png") -> None:
        """Ask the browser to save each view's bqplot figure (needs a live front-end)."""
        for k, view in enumerate(self.views or []):
            view.figure.save_png(filename if k == 0 else f"{k}_{filename}")

    def download_svg(self, filename: str = "panel.svg") -> None:
        """As :meth:`download_png`, in SVG."""
        for k, view in enumerate(self.views or []):
            view.figure.save_svg(filename if k == 0 else f"{k}_{filename}")

    def _need_results(self) -> Results:
        if self.results is None:
            raise RuntimeError("the panel has no results yet (the model failed: "
                               f"{self.error!r})")
        return self.results

    def _export_clicked(self, fmt: str) -> None:
        stem = "".join(ch if ch.isalnum() else "_" for ch in self.title) or "panel"
        path = self.export_dir / f"{stem}.{fmt}"
        try:
            written = self.export_npz(path) if fmt == "npz" else self.export_figure(path)
        except Exception as exc:  # noqa: BLE001
            self._show_error(exc)
            return
        self.status.value = f"<span style='color:#555'>wrote {html.escape(str(written))}</span>"

    def __repr__(self):
        names: Sequence[str] = list(self.controls)
        return f"{type(self).__name__}({self.title!r}, controls={names})"
