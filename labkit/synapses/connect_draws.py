"""A row's probability or sample size -> the candidates it keeps, at the cost of those kept.

``connect('i < NE', p=0.00125)`` on 64 000 x 64 000 neurons considers 4e9 pairs to make 5e6
synapses. When the draw of a rule is decided per row (``p`` that reads neither ``j`` nor
``rand()``, ``sample(..., p=...)``, ``sample(..., size=...)``), a row need not draw one
uniform per candidate: this module picks the kept candidates directly (geometric jumps for
``p``, rejection of repeats for ``size``, as Brian2 does) so that connecting costs time in
proportion to the synapses made. It holds both implementations of that draw, the Numba
kernel's lines and the numpy device's vectorised blocks, side by side, because they must
draw the very same numbers.

The stream, for each row whose row condition holds and that has ``m > 0`` candidates, with
``S`` uniforms per draw (``S = rule.sites``: the selection, then one per ``rand()`` call):

- ``p`` (the row's probability): ``p <= 0`` (or NaN) draws nothing and keeps nothing.
  ``p >= 1/4`` is *dense*: ``B = m``, one chunk, candidate ``c`` is kept if ``u[c] < p``.
  Otherwise *sparse*: ``B = min(m, int(m p + SIGMAS sqrt(m p)) + EXTRA)``; starting at
  position -1, each draw ``u`` moves by ``1 + floor(log(1 - u) / log1p(-p))`` (a
  geometric jump) and the position is kept while it is below ``m``; the row ends at the
  first position >= ``m - 1``.
- ``size`` (the clipped sample size ``s``): ``s == 0`` draws nothing. ``16 s >= m`` is
  dense: ``B = m``, one chunk, the ``s`` candidates with the smallest ``u`` are kept.
  Otherwise sparse: ``B = s + s*s // m + 2 isqrt(s) + EXTRA`` (the 2 is SIGMAS / 2.5); draw
  ``u`` proposes candidate ``floor(u m)``, and the first ``s`` distinct proposals are kept.
- Draws come in chunks of ``S*B`` uniforms (``rng.random(S * B)``), as many as the row
  needs; the row's draw ``t`` is ``chunk[t // B][t % B]``, and a kept candidate first drawn
  at ``t`` reads its ``rand()`` call site ``s`` at ``chunk[t // B][s*B + t % B]``. The
  rest of the last chunk is discarded. Dense rows thus draw exactly what every row drew
  before this module existed (``u = rng.random(S*m)``, site ``s`` at ``u[s*m + c]``).

The chunk sizes leave a margin of five standard deviations, so a second chunk is rare; the
numpy device draws all rows' first chunks at once and, for a row that needs more, rewinds
the generator and redraws from that row on.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DENSE_P", "DENSE_SIZE", "numba_lines", "row_chunks", "select"]

#: A probability from which a row draws one uniform per candidate (Brian2 switches there).
DENSE_P = 0.25
#: A sample is dense when its size is at least 1/DENSE_SIZE of the candidates (Brian2: 0.06).
DENSE_SIZE = 16
#: A sparse chunk's margin over the draws a row is expected to need: SIGMAS standard
#: deviations (for sizes, SIGMAS * sqrt(s) / 2.5) plus EXTRA. Both devices print these.
SIGMAS, EXTRA = 5.0, 8


def row_chunks(kind: str, m: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows' candidate counts and draw values -> (chunk size B, dense?) per row; B = 0
    for rows that draw nothing. ``kind`` is ``'p'`` or ``'size'`` (see the module doc)."""
    m = np.asarray(m, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        if kind == "p":
            p = np.asarray(value, dtype=float)
            draws = (m > 0) & (p > 0)
            dense = draws & (p >= DENSE_P)
            mp = m * np.where(dense | ~draws, 0.0, p)
            sparse = np.minimum(m, (mp + SIGMAS * np.sqrt(mp)).astype(np.int64) + EXTRA)
        else:
            s = np.asarray(value, dtype=np.int64)
            draws = (m > 0) & (s > 0)
            dense = draws & (DENSE_SIZE * s >= m)
            sparse = s + s * s // np.maximum(m, 1) \
                + int(SIGMAS / 2.5) * np.sqrt(s).astype(np.int64) + EXTRA
    chunk = np.where(dense, m, np.where(draws, sparse, 0))
    return chunk.astype(np.int64), dense


def select(kind, m, value, sites: int, rng, budget: int = 1 << 62):
    """Rows (candidate counts, draw values) -> the kept candidates, drawing as the kernel.

    Returns ``(row, c, U, rows_done)``: kept candidates ordered by row then ``c``, ``U`` of
    shape ``(sites, kept)`` (``U[s]``: the uniform of ``rand()`` call site ``s``), and how
    many leading rows were handled: rows stop once their draws exceed ``budget`` (at least
    one row is always handled), so the caller bounds its memory.
    """
    m = np.asarray(m, dtype=np.int64)
    value = np.asarray(value, dtype=np.int64 if kind == "size" else float)
    if not len(m):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((sites, 0)), 0
    chunk, dense = row_chunks(kind, m, value)
    draws_per_chunk = sites * chunk
    fits = np.cumsum(draws_per_chunk) <= budget
    n = max(1, int(np.argmin(fits)) if not fits.all() else len(m))
    equal = _equal_rows if kind == "p" else _equal_samples
    found = equal(m[:n], value[:n], chunk[:n], dense[:n], sites, rng)
    if found is not None:
        return (*found, n)
    chunks = (chunk[:n] > 0).astype(np.int64)
    parts, start = [], 0
    while start < n:
        part = slice(start, n)
        drawn = draws_per_chunk[part] * chunks[part]
        offset = np.cumsum(drawn) - drawn
        saved = rng.bit_generator.state
        u = rng.random(int(drawn.sum()))
        row, c, t, needed = _evaluate(kind, m[part], value[part], chunk[part], dense[part],
                                      chunks[part], sites, u, offset)
        short = np.flatnonzero(needed > chunks[part])
        stop = int(short[0]) if len(short) else n - start
        keep = row < stop
        row, c, t = row[keep], c[keep], t[keep]
        first = offset[row] + (t // chunk[part][row]) * draws_per_chunk[part][row] \
            + t % chunk[part][row]
        sites_u = np.stack([u[first + s * chunk[part][row]] for s in range(sites)]) \
            if sites else np.zeros((0, len(row)))
        parts.append((row + start, c, sites_u))
        if not len(short):
            break
        rng.bit_generator.state = saved  # the row at `stop` needs another chunk: redraw
        rng.random(int(drawn[:stop].sum()))
        start += stop
        chunks[start] += 1
    row = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    U = np.concatenate([p[2] for p in parts], axis=1)
    return row, c, U, n


def _equal_rows(m, p, chunk, dense, sites: int, rng):
    """:func:`select` for rows of a probability that all draw chunks of one size ``B``
    (``connect('i < NE', p=p)``: every drawing row has ``m = N_post`` and the same ``p``),
    as a matrix of rows x draws -> ``(row, c, U)``; None, the generator untouched, when
    the rows differ or a row needs a second chunk (the flat path handles those).

    Why: the flat path's bookkeeping (a row and draw index per draw, gathers through
    them) took 3/4 of its time; here, the same numbers in the same order, one row of the
    matrix per row: ``connect('i<n_exc', p=80/N)`` at N = 4 000 (256 000 synapses) took
    58 ms of CPU, Brian2 24."""
    drawing = np.flatnonzero(chunk > 0)
    if not len(drawing):
        return None
    size = int(chunk[drawing[0]])
    if (chunk[drawing] != size).any() or dense[drawing].any() != dense[drawing].all():
        return None
    saved = rng.bit_generator.state
    u = rng.random(len(drawing) * sites * size).reshape(len(drawing), sites * size)
    rows_m = m[drawing][:, None]
    if dense[drawing[0]]:  # B = m: candidate c is draw c
        keep = u[:, :size] < p[drawing][:, None]
        c = np.broadcast_to(np.arange(size), keep.shape)[keep]
        counts = np.count_nonzero(keep, axis=1)
    else:  # the flat path's _jumps, a row at a time
        # in place in u (its site 0 is not returned) and in floats: the positions are
        # integers below 2^53, so floor and cumsum in float64 give the kernel's int()
        # and sums exactly, without an integer copy of every draw
        position = u[:, :size]
        # one p and one m for all rows (the usual case): scalars, not columns; a
        # column's broadcast took 2.5x a scalar's time per draw
        p_rows, m_rows = p[drawing], m[drawing]
        inv = 1.0 / np.log1p(-p_rows)
        one_p, one_m = (p_rows == p_rows[0]).all(), (m_rows == m_rows[0]).all()
        inv = inv[0] if one_p else inv[:, None]
        limit = float(m_rows[0]) if one_m else rows_m.astype(float)
        _walk(position, inv, limit)
        position -= 1.0  # the walk starts at position -1
        if (position[:, -1] < rows_m[:, 0] - 1).any():  # a row needs another chunk
            rng.bit_generator.state = saved
            return None
        keep = position < limit
        c = position[keep].astype(np.int64)
        # positions grow along a row, so a row keeps a prefix: its first position
        # outside (argmin stops there) is its count, a tenth of count_nonzero's time
        counts = np.where(keep[:, -1], size, np.argmin(keep, axis=1))
    row = np.repeat(drawing, counts)
    # site 0 decided the selection and no expression reads it (a per-row draw's value
    # reads neither the candidate nor rand()): NaN in its place, not a copy of 8 bytes
    # per synapse (a fifth of the time at N = 16 000); the rand() sites as drawn
    U = np.broadcast_to(np.nan, (sites, len(row)))
    if sites > 1:
        U = np.concatenate([U[:1], [u[:, s * size:(s + 1) * size][keep]
                                    for s in range(1, sites)]])
    return row, c, U


def _walk(draws, inv, limit) -> None:
    """Uniforms (rows x draws, overwritten) -> each draw's position after its geometric
    jump, counted from the row's start at 0 (the kernel's ``_pos`` + 1): the step of a
    jump outside the row (NaN too, as the kernel's ``not (x < m)``) is ``m + 1``
    (``fmin`` gives ``m`` for both), past the row's end."""
    np.subtract(1.0, draws, out=draws)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log(draws, out=draws)
        draws *= inv
    np.fmin(draws, limit, out=draws)
    np.floor(draws, out=draws)
    draws += 1.0
    np.cumsum(draws, axis=1, out=draws)


def _equal_dense_samples(drawing, width: int, s: int, chunk: int, sites: int, rng):
    """:func:`select` for dense samples of rows that all have ``m`` candidates and the
    same size ``s`` (fixed out- or in-degree ``sample(N, size=s)`` with ``16 s >= N``),
    as a matrix -> ``(row, c, U)``: a row keeps the candidates of its ``s`` smallest
    uniforms; None, the generator untouched, when the rows differ or a row has another
    uniform equal to its ``s``-th smallest (the flat path then keeps the first ones in
    index order).

    Why: the flat path sorts every row's uniforms (a lexsort of all candidates):
    in-degree 80 at N = 1 000 took 190 ms of CPU on the numpy device, Brian2 29."""
    saved = rng.bit_generator.state
    u = rng.random(len(drawing) * sites * width).reshape(len(drawing), sites * width)
    at, c, count = _smallest(u[:, :width], s)
    if (count != s).any():  # a tie at the threshold: which one is kept is the flat path's
        rng.bit_generator.state = saved
        return None
    row = drawing[at]
    U = np.broadcast_to(np.nan, (sites, len(row)))  # site 0: see _equal_rows
    if sites > 1:
        U = np.concatenate([U[:1], [u[at, k * width + c] for k in range(1, sites)]])
    return row, c, U


def _smallest(first, s: int):
    """Rows of uniforms -> ``(row, c, count)``: the row and column, in row-major order, of
    each uniform at most its row's ``s``-th smallest, and their count per row (``s`` but
    for ties): among the uniforms under a bound (:func:`_smallest_below`) when that can
    tell, else among whole rows."""
    found = _smallest_below(first, s)
    if found is not None:
        return found
    threshold = np.partition(first, s - 1, axis=1)[:, s - 1:s]
    at, c = np.divmod(np.flatnonzero(first <= threshold), first.shape[1])
    return at, c, np.bincount(at, minlength=first.shape[0])


def _smallest_below(first, s: int):
    """Rows of uniforms -> ``(row, c, count)``: the row and column, in row-major order, of
    each uniform at most its row's ``s``-th smallest, and their count per row; found among
    the uniforms under a bound that at least ``s`` of every row are below (about ``s``
    plus 8 standard deviations of them; None when a row has fewer, or the bound is not
    small). Why: ``np.partition`` of whole rows was most of a dense sample's time (in-degree
    80 at N = 1 000: 9 of ~20 ms a ``connect()``, Brian2 ~22); the rows' few uniforms under
    the bound give the same ``s``-th smallest, and a row-major ``flatnonzero`` of them is
    cheaper than the 2-D mask's indexing."""
    rows, width = first.shape
    bound = (s + 8.0 * np.sqrt(s) + 16.0) / width
    if bound > 0.5:
        return None
    flat = np.flatnonzero(first < bound)
    at = flat // width
    below = np.bincount(at, minlength=rows)
    if below.min() < s:
        return None
    values = first.ravel().take(flat)
    # the values under the bound, a row of a padded matrix each, keep the s-th smallest
    place = np.arange(len(at))
    place -= np.repeat(np.cumsum(below) - below, below)
    packed = np.full((rows, int(below.max())), np.inf)
    packed[at, place] = values
    threshold = np.partition(packed, s - 1, axis=1)[:, s - 1]
    at, c = np.divmod(flat[values <= threshold.take(at)], width)
    return at, c, np.bincount(at, minlength=rows)


def _equal_samples(m, size, chunk, dense, sites: int, rng):
    """:func:`select` for samples of rows that all have ``m`` candidates and the same size
    ``s`` (fixed out- or in-degree), as a matrix -> ``(row, c, U)``, or None (see
    :func:`_equal_dense_samples` and :func:`_equal_sparse_samples`)."""
    drawing = np.flatnonzero(chunk > 0)
    if not len(drawing) or (m[drawing] != m[drawing[0]]).any() \
            or (size[drawing] != size[drawing[0]]).any():
        return None
    which = _equal_dense_samples if dense[drawing[0]] else _equal_sparse_samples
    return which(drawing, int(m[drawing[0]]), int(size[drawing[0]]),
                 int(chunk[drawing[0]]), sites, rng)


def _equal_sparse_samples(drawing, width: int, s: int, chunk: int, sites: int, rng):
    """Sparse samples (``16 s < m``) of equal rows: a row's draw ``t`` proposes candidate
    ``floor(u m)``, and the first ``s`` distinct proposals are kept, in candidate order;
    None, the generator untouched, when a row's first chunk holds fewer than ``s``
    distinct proposals (the flat path draws it another).

    Why: the flat path's lexsort of all proposals by row, candidate and draw took 160 ms
    of CPU for out-degree 80 at N = 4 000 (320 000 synapses); Brian2 64."""
    saved = rng.bit_generator.state
    u = rng.random(len(drawing) * sites * chunk).reshape(len(drawing), sites * chunk)
    proposal = (u[:, :chunk] * width).astype(np.int64)
    # each row sorted by candidate, then draw: the first of a candidate's draws is new
    order = np.sort(proposal * chunk + np.arange(chunk), axis=1)
    candidate, draw = np.divmod(order, chunk)
    new = np.ones(order.shape, dtype=bool)
    new[:, 1:] = candidate[:, 1:] != candidate[:, :-1]
    first = np.zeros(order.shape, dtype=bool)  # in draw order: the draw finds a new one
    rows = np.broadcast_to(np.arange(len(drawing))[:, None], order.shape)
    first[rows[new], draw[new]] = True
    found = np.cumsum(first, axis=1)
    if (found[:, -1] < s).any():  # a row needs another chunk
        rng.bit_generator.state = saved
        return None
    last = np.argmax(found >= s, axis=1)  # the draw that finds the s-th candidate
    keep = new & (draw <= last[:, None])
    row = np.repeat(drawing, s)
    t = draw[keep]
    U = np.broadcast_to(np.nan, (sites, len(row)))  # site 0: see _equal_rows
    if sites > 1:
        U = np.concatenate([U[:1], [u[:, k * chunk:(k + 1) * chunk][keep.nonzero()[0], t]
                                    for k in range(1, sites)]])
    return row, candidate[keep], U


def _grow(size: str) -> list[str]:
    """Kernel lines: make the selection buffers hold at least ``size`` entries."""
    return [f"if _sel_c.shape[0] < {size}:",
            f"    _grown_c = np.empty(max({size}, 2 * _sel_c.shape[0]), dtype=np.int64)",
            "    _grown_g = np.empty(_grown_c.shape[0], dtype=np.int64)",
            "    for _q in range(_ns):",
            "        _grown_c[_q] = _sel_c[_q]",
            "        _grown_g[_q] = _sel_g[_q]",
            "    _sel_c, _sel_g = _grown_c, _grown_g"]


def _select(k: str) -> list[str]:
    """Kernel lines: ``_thr``, the ``k``-th smallest of ``_u[:_m]`` (Wirth's selection on a
    copy). Not ``np.partition``: a kernel using it took 20 MB more resident memory to
    load from the cache (CUBA 10^3's connect(), 21 -> 41 MB)."""
    return ["_sw = np.empty(_m)", "for _si in range(_m):", "    _sw[_si] = _u[_si]",
            f"_sk = {k}", "_sl = 0", "_sr = _m - 1",
            "while _sl < _sr:",
            "    _sx = _sw[_sk]", "    _si = _sl", "    _sj = _sr",
            "    while _si <= _sj:",
            "        while _sw[_si] < _sx:", "            _si += 1",
            "        while _sx < _sw[_sj]:", "            _sj -= 1",
            "        if _si <= _sj:",
            "            _st = _sw[_si]", "            _sw[_si] = _sw[_sj]",
            "            _sw[_sj] = _st", "            _si += 1", "            _sj -= 1",
            "    if _sj < _sk:", "        _sl = _si",
            "    if _sk < _si:", "        _sr = _sj",
            "_thr = _sw[_sk]"]


def _next_chunk(sites: int) -> list[str]:
    """Kernel lines: append one chunk of ``sites * _B`` uniforms to ``_u``."""
    return [f"_grown_u = np.empty(_u.shape[0] + {sites} * _B)",
            "for _q in range(_u.shape[0]):", "    _grown_u[_q] = _u[_q]",
            f"_fresh = _rng.random({sites} * _B)",
            f"for _q in range({sites} * _B):", "    _grown_u[_u.shape[0] + _q] = _fresh[_q]",
            "_u = _grown_u"]


def numba_lines(kind: str, sites: int, value: str, size_error: list[str]) -> list[str]:
    """The Numba kernel's lines for one row (after ``_m``, before the candidate loop) ->
    ``_ns`` kept candidates ``_sel_c[:_ns]`` (in order) with their draws ``_sel_g``,
    the chunk size ``_B`` and the uniforms ``_u``; ``continue`` when nothing is drawn.

    ``value`` is the text of the row's ``p`` or sample size; ``size_error`` the lines
    that handle a size outside ``[0, _m]`` (they may clip ``_size``).
    """
    draw = f"_u = _rng.random({sites} * _B)"
    if kind == "p":
        # The hot loops neither grow nor replace an array: the selection holds a row's
        # candidates (dense) or as many entries as draws so far (sparse), and a sparse
        # row's chunks are walked in a loop of their own. Replacing an array inside the
        # loop over draws made each draw 4x slower (Numba reloads it): at 64 000 neurons
        # connect('i<n_exc', p=80/N) took 0.35 s of CPU in the kernel, 0.09 s without.
        keep = ["_sel_c[_ns] = {c}", "_sel_g[_ns] = {t}", "_ns += 1"]
        lines = [f"_pv = float({value})", "if not (_pv > 0.0):", "    continue", "_ns = 0",
                 f"if _pv >= {DENSE_P!r}:", "    _B = _m", "    " + draw,
                 *("    " + x for x in _grow("_m")),
                 "    for _c in range(_m):", "        if _u[_c] < _pv:",
                 *("            " + x.format(c="_c", t="_c") for x in keep),
                 "else:",
                 f"    _B = min(_m, int(_m * _pv + {SIGMAS!r} * math.sqrt(_m * _pv)) + {EXTRA})",
                 "    _inv = 1.0 / math.log1p(-_pv)", "    " + draw,
                 *("    " + x for x in _grow("_B")),
                 "    _pos = -1", "    _t = 0", "    _base = 0", "    _more = True",
                 "    while _more:", "        _more = False",
                 "        for _w in range(_B):",
                 "            _x = math.log(1.0 - _u[_base + _w]) * _inv",
                 "            _t += 1", "            if not (_x < _m):", "                break",
                 "            _pos += 1 + int(_x)", "            if _pos >= _m:",
                 "                break",
                 *("            " + x.format(c="_pos", t="_t - 1") for x in keep),
                 "            if _pos == _m - 1:", "                break",
                 "            if _w == _B - 1:  # the chunk is used up: the row goes on",
                 "                _more = True",
                 "        if _more:",
                 *("            " + x for x in _next_chunk(sites)),
                 f"            _base += {sites} * _B",
                 *("            " + x for x in _grow("_t + _B"))]
        return lines
    return [f"_size = int({value})", "if _size < 0 or _size > _m:",
            *("    " + x for x in size_error), "if _size == 0:", "    continue", "_ns = 0",
            f"if {DENSE_SIZE} * _size >= _m:", "    _B = _m", "    " + draw,
            # the _size smallest uniforms, ties in index order (the numpy device's
            # lexsort): a selection finds the largest kept in O(m), where an argsort of
            # each row took 70 of 77 ms (in-degree 80 of 1000 neurons, 80 000 synapses)
            *("    " + x for x in _select("_size - 1")), "    _ties = _size",
            "    for _c in range(_m):", "        if _u[_c] < _thr:", "            _ties -= 1",
            *("    " + x for x in _grow("_m")),
            "    for _c in range(_m):",
            "        if _u[_c] < _thr or (_u[_c] == _thr and _ties > 0):",
            "            if _u[_c] == _thr:", "                _ties -= 1",
            # no room check: the selection holds _m. Growing (replacing) it inside this
            # loop made the whole kernel 2.7x slower (in-degree 80 of 1000: 43 -> 16 ms)
            "            _sel_c[_ns] = _c", "            _sel_g[_ns] = _c", "            _ns += 1",
            "else:",
            f"    _B = _size + _size * _size // _m + {int(SIGMAS / 2.5)} * int(math.sqrt(_size))"
            f" + {EXTRA}",
            "    " + draw, "    while True:",
            *("        " + x for x in _first_distinct(sites)),
            "        if _last >= 0:", "            break",
            *("        " + x for x in _next_chunk(sites)),
            *("    " + x for x in _grow("_size")),
            "    for _q in range(_nd):", "        _t = _order[_q]",
            "        if _new[_t] and _t <= _last:", "            _sel_c[_ns] = _v[_t]",
            "            _sel_g[_ns] = _t", "            _ns += 1"]


def _first_distinct(sites: int) -> list[str]:
    """Kernel lines: the draws so far -> proposals ``_v``, their order by value then draw
    (a bucket sort: proposals are uniform, so this is linear), the first draw of each
    value ``_new``, and ``_last``, the draw that found the ``_size``-th value (or -1)."""
    return [f"_nd = (_u.shape[0] // ({sites} * _B)) * _B",
            "_scale = _nd / _m  # bucket of a value: non-decreasing in it, below _nd + 1",
            "_v = np.empty(_nd, dtype=np.int64)", "_start = np.zeros(_nd + 2, dtype=np.int64)",
            "_t = 0", f"for _base in range(0, _u.shape[0], {sites} * _B):",
            "    for _w in range(_B):", "        _v[_t] = int(_u[_base + _w] * _m)",
            "        _start[int(_v[_t] * _scale) + 1] += 1", "        _t += 1",
            "for _q in range(_nd + 1):", "    _start[_q + 1] += _start[_q]",
            "_order = np.empty(_nd, dtype=np.int64)", "for _t in range(_nd):",
            "    _b = int(_v[_t] * _scale)", "    _order[_start[_b]] = _t",
            "    _start[_b] += 1",
            "for _q in range(1, _nd):  # insertion sort of nearly sorted values, stable",
            "    _t = _order[_q]", "    _z = _q - 1",
            "    while _z >= 0 and _v[_order[_z]] > _v[_t]:",
            "        _order[_z + 1] = _order[_z]", "        _z -= 1",
            "    _order[_z + 1] = _t",
            "_new = np.zeros(_nd, dtype=np.bool_)", "for _q in range(_nd):",
            "    if _q == 0 or _v[_order[_q]] != _v[_order[_q - 1]]:",
            "        _new[_order[_q]] = True",
            "_last = -1", "_found = 0", "for _t in range(_nd):", "    if _new[_t]:",
            "        _found += 1", "        if _found == _size:", "            _last = _t",
            "            break"]


def _within(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts per row -> (row of each flat element, its index within the row)."""
    row = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return row, np.arange(len(row)) - starts[row]


def _evaluate(kind, m, value, chunk, dense, chunks, sites, u, offset):
    """Rows' first ``chunks`` chunks of draws -> kept (row, c, draw t) ordered by row then
    ``c``, and the chunks each row needs (more than it has: it needs another chunk)."""
    needed = np.zeros(len(m), dtype=np.int64)
    rows, cs, ts = [], [], []
    d = np.flatnonzero(dense)
    if len(d):
        row, c = _within(m[d])
        row = d[row]
        x = u[offset[row] + c]
        if kind == "p":
            keep = x < value[row]
        else:  # the s smallest uniforms of the row
            order = np.lexsort((x, row))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = c
            keep = rank < value[row]
        rows.append(row[keep]), cs.append(c[keep]), ts.append(c[keep])
        needed[d] = 1
    s = np.flatnonzero(~dense & (chunk > 0))
    if len(s):
        row, t = _within(chunk[s] * chunks[s])
        row = s[row]
        b = chunk[row]
        x = u[offset[row] + (t // b) * sites * b + t % b]
        head = np.arange(len(row)) - t  # flat index of each draw's row start
        pick = _jumps if kind == "p" else _distinct
        keep, c, end = pick(row, t, head, x, m, value)
        rows.append(row[keep]), cs.append(c[keep]), ts.append(t[keep])
        ended, first = np.unique(row[end], return_index=True)
        needed[s] = chunks[s] + 1
        needed[ended] = t[end][first] // chunk[ended] + 1
    row, c, t = (np.concatenate(a or [np.zeros(0, np.int64)]) for a in (rows, cs, ts))
    if kind == "p" and len(rows) == 1:  # jumps and dense rows both come in order
        return row, c, t, needed
    # by row (a stable integer sort), then by c: p's parts are each in order already
    order = np.argsort(row, kind="stable") if kind == "p" else np.lexsort((c, row))
    return row[order], c[order], t[order], needed


def _jumps(row, t, head, x, m, p):
    """Geometric jumps -> (kept?, candidate, row ends here?) per draw."""
    with np.errstate(divide="ignore", invalid="ignore"):
        jump = np.log(1.0 - x) * (1.0 / np.log1p(-p))[row]
    size = m[row]
    inside = jump < size  # False for NaN, as the kernel's `not (x < m)`
    step = np.where(inside, 1 + np.where(inside, jump, 0.0).astype(np.int64), size + 1)
    total = np.cumsum(step)
    position = total - (total - step)[head] - 1
    return position < size, position, position >= size - 1


def _distinct(row, t, head, x, m, size):
    """Proposals floor(u m) -> (kept? (the first s distinct), candidate, s-th found here?)."""
    proposal = (x * m[row]).astype(np.int64)
    order = np.lexsort((t, proposal, row))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (row[order][1:] != row[order][:-1]) | (proposal[order][1:] !=
                                                      proposal[order][:-1])
    first = np.sort(order[new])  # first proposals of each candidate, by row then draw
    rank = np.arange(len(first)) - np.searchsorted(row[first], row[first])
    keep = np.zeros(len(row), dtype=bool)
    keep[first[rank < size[row[first]]]] = True
    end = np.zeros(len(row), dtype=bool)
    end[first[rank == size[row[first]] - 1]] = True
    return keep, proposal, end
