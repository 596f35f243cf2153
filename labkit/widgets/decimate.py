"""Long traces -> at most two points per screen pixel column (min and max), vectorised.

Why: a browser redraws an SVG path in time proportional to its number of points. A 1e6-sample
trace on an 800-pixel-wide plot shows at most 800 columns, and what the eye sees in a column
is the range the signal covers there. Keeping each column's minimum and maximum (in sample
order) gives a path of at most ``2 * columns`` points that looks the same as the full trace
and keeps every spike peak and trough: the extremes of the whole trace survive exactly.

>>> import numpy as np
>>> x = np.arange(10_000.0)
>>> y = np.sin(x / 300)
>>> xd, yd = minmax_decimate(x, y, columns=100)
>>> xd.shape, yd.shape
((200,), (200,))
>>> bool(yd.max() == y.max() and yd.min() == y.min())
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["minmax_decimate"]


def minmax_decimate(x, y, columns: int = 800):
    """Samples ``x`` (n,) and ``y`` (n,) or (rows, n) -> (x', y') with <= 2*columns samples.

    Parameters
    ----------
    x : array_like, shape (n,)
        Sample positions (times), increasing.
    y : array_like, shape (n,) or (rows, n)
        Values; several rows (neurons) share ``x`` and are decimated with the same columns.
    columns : int
        Target number of pixel columns.

    Returns
    -------
    x_out : ndarray, shape (m,)
        Positions of the kept samples. For several rows, a row's minimum and maximum fall at
        different samples, so ``x_out`` holds each column's first and last position: the
        path still spans the column and keeps every row's extremes.
    y_out : ndarray, shape (m,) or (rows, m)
        For each column, its minimum and maximum, in the order they occur (one row: the
        sample order; several rows: min then max is not meaningful, so occurrence order per
        row is kept through the two slots). When decimated, ``m`` is twice the number of
        columns used, ``ceil(n / ceil(n / columns))``, so ``m <= 2 * columns``; the input is
        returned unchanged (as float arrays) when it has ``n <= 2 * columns`` samples.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.shape[0]
    if y.shape[-1] != n:
        raise ValueError(f"x has {n} samples but y has {y.shape[-1]} along its last axis")
    columns = max(int(columns), 1)
    if n <= 2 * columns:
        return x, y
    one_row = y.ndim == 1
    rows = y.reshape(1, n) if one_row else y
    width = -(-n // columns)                       # samples per column (ceil)
    used = -(-n // width)                          # columns actually needed
    pad = used * width - n
    if pad:                                        # repeat the last sample: no new extremes
        rows = np.concatenate([rows, np.repeat(rows[:, -1:], pad, axis=1)], axis=1)
    blocks = rows.reshape(rows.shape[0], used, width)
    lo = blocks.argmin(axis=2)
    hi = blocks.argmax(axis=2)
    first, second = np.minimum(lo, hi), np.maximum(lo, hi)   # keep the order they occur in
    base = np.arange(used) * width
    if one_row:
        index = np.stack([base + first[0], base + second[0]], axis=1).ravel()
        index = np.minimum(index, n - 1)
        return x[index], y[index]
    pairs = np.stack([first, second], axis=2)                 # (rows, used, 2)
    values = np.take_along_axis(blocks, pairs, axis=2).reshape(rows.shape[0], 2 * used)
    edges = np.stack([base, np.minimum(base + width - 1, n - 1)], axis=1).ravel()
    return x[edges], values
