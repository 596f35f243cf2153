"""Results (+ parameters) -> files: ``.npz`` data that round-trips units, and figures drawn
by matplotlib.

Why: students hand in numbers and pictures. An ``.npz`` holds each array in SI with its
dimension beside it (as 7 exponents, in a JSON entry), so :func:`load_npz` gives back
Quantities, without pickles (``allow_pickle=False`` works). Figures are drawn by matplotlib
from the views' ``plot_static``: bqplot's own ``save_png``/``save_svg`` render in the browser
and so do nothing in a headless kernel.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from labkit.units import DIMENSIONLESS, Quantity, get_dimensions
from labkit.units.dimension import Dimension
from labkit.widgets.results import Results

__all__ = ["save_npz", "load_npz", "save_figure"]

_META = "__labkit_meta__"


def _encode(value):
    """Value -> (plain array, dimension exponents or None, kind)."""
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, str) for v in value):
        return np.array(value, dtype=str), None, "strings"
    dim = get_dimensions(value) if not isinstance(value, str) else DIMENSIONLESS
    raw = np.asarray(value)
    exponents = None if dim is DIMENSIONLESS else list(dim.exponents)
    return raw, exponents, "scalar" if raw.ndim == 0 else "array"


def _decode(raw, exponents, kind):
    if kind == "strings":
        return tuple(str(v) for v in raw)
    if exponents is not None:
        value = Quantity(raw, dim=Dimension(exponents))
        return value
    return raw.item() if kind == "scalar" else raw


def save_npz(path, results, params=None) -> Path:
    """Results (+ params dict) -> an ``.npz`` file; returns its path.

    >>> import tempfile, os
    >>> from labkit.units import ms
    >>> p = save_npz(os.path.join(tempfile.mkdtemp(), "r.npz"), {"t": [0, 1] * ms}, {"a": 2})
    >>> r, params = load_npz(p)
    >>> print(r["t"], params["a"])
    [0. 1.] ms 2
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_suffix(".npz")
    results = results if isinstance(results, Results) else Results(results)
    arrays, meta = {}, {"results": {}, "params": {}, "sim_time": None}
    for section, mapping in (("results", results), ("params", params or {})):
        for k, (name, value) in enumerate(mapping.items()):
            raw, exponents, kind = _encode(value)
            key = f"{section[0]}{k}"
            arrays[key] = raw
            meta[section][name] = [key, exponents, kind]
    if results.sim_time is not None:
        meta["sim_time"] = float(np.asarray(results.sim_time))
    arrays[_META] = np.array(json.dumps(meta))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path


def load_npz(path) -> tuple[Results, dict]:
    """An ``.npz`` written by :func:`save_npz` -> (Results with Quantities, params dict)."""
    with np.load(Path(path), allow_pickle=False) as data:
        meta = json.loads(str(data[_META]))
        out = {}
        for section in ("results", "params"):
            out[section] = {name: _decode(data[key], exponents, kind)
                            for name, (key, exponents, kind) in meta[section].items()}
    return Results(out["results"], sim_time=meta["sim_time"]), out["params"]


def save_figure(path, views, results, title: str = "", width: float = 7.0) -> Path:
    """Views + Results -> one figure file (format from the suffix: .png, .svg, .pdf).

    Uses ``matplotlib.figure.Figure`` directly (no pyplot, no global state, no display),
    one row per view, each drawn by the view's ``plot_static``.
    """
    from matplotlib.figure import Figure

    path = Path(path)
    views = list(views or [])
    if not views:
        raise ValueError("no views to draw")
    fig = Figure(figsize=(width, 2.6 * len(views)), layout="constrained")
    axes = fig.subplots(len(views), 1, squeeze=False)[:, 0]
    for view, ax in zip(views, axes, strict=True):
        view.plot_static(results, ax)
    if title:
        fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
