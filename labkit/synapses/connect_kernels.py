"""ConnectRule + values -> (outer, result) index arrays: a Numba kernel, or numpy blocks.

Both devices walk the rule's generator loop in the same order and draw the same random
numbers, so under the same ``numpy.random.Generator`` they give identical arrays:

    for each outer index o (in order) whose row condition holds, and whose iterator has
    m > 0 candidates: u = rng.random(sites * m), candidate c's site s is u[s*m + c]

(site 0 decides ``p``/``sample``, sites 1.. are the ``rand()`` calls), except for rules
whose draw is decided per row (:func:`row_draw`), which draw only about as many uniforms as
they keep (:mod:`labkit.synapses.connect_draws`). Nothing else draws.

The Numba device is one generated kernel per rule structure (every number is an argument;
cached in memory and on disk by :mod:`labkit.codegen.compile`) that grows its output
buffers by doubling. The numpy device runs hand-written block code (many rows at once,
flat candidate arrays) over small generated expression functions.

Errors come back from the kernel as a status code and are raised here, the same way for
both devices: the first error in loop order wins.
"""

from __future__ import annotations

import re

import numpy as np
import sympy

from labkit.codegen.compile import KernelSource, compile_numba, compile_numpy
from labkit.codegen.printers import PRELUDES, print_expr
from labkit.synapses.connect_draws import numba_lines, select
from labkit.synapses.connect_rule import ConnectRule, result_names

__all__ = ["numba_source", "numpy_source", "run_rule"]

#: Candidates (or, for rules that draw per row, draws) the numpy device handles at once.
BLOCK_CANDIDATES = 1 << 20
#: Rows a rule that draws per row looks at in one block (it may stop earlier).
BLOCK_ROWS = 1 << 16

_FAIL = "return _out_o, _out_r, 0, {code}, _o, {value}"

#: Kernel lines: the output is full; stop when the synapses made so far project past the
#: memory limit (status 5), else the caller allocates a larger one (``_more_o``/``_r``).
_GROW_OUT = ["if _count >= _limit or (4 * _count >= _limit and",
             "                        _count * _n_outer >= _limit * (_o + 1)):",
             "    return _out_o, _out_r, _count, 5, _o, 0.0"]
_COPY_OUT = ["for _q in range(_count):  # (a slice copy compiles 2 s slower)",
             "    _more_o[_q] = _out_o[_q]", "    _more_r[_q] = _out_r[_q]",
             "_out_o, _out_r = _more_o, _more_r"]


def _one_by_one(n: str) -> list[str]:
    """Kernel lines: ``n`` synapses of the candidate, room checked per synapse."""
    return [f"_n = int({n})", "if _n < 0:", "    " + _FAIL.format(code=4, value="float(_n)"),
            "for _rep in range(_n):", "    if _count == _out_o.shape[0]:",
            *("        " + x for x in _GROW_OUT),
            "        _more_o = np.empty(2 * _count + 16, dtype=np.int32)",
            "        _more_r = np.empty(2 * _count + 16, dtype=np.int32)",
            *("        " + x for x in _COPY_OUT),
            "    _out_o[_count] = _o", "    _out_r[_count] = _r", "    _count += 1"]



def row_draw(rule: ConnectRule) -> str | None:
    """``'p'`` or ``'size'`` when the rule's draw is decided per row (its value reads
    neither the candidate nor ``rand()``), so :mod:`connect_draws` picks the kept
    candidates at the cost of those kept; None when every candidate draws."""
    if rule.draw == "sample_size":
        return "size"
    if rule.draw == "sample_p":
        return "p"
    if rule.draw == "p" and _per_row(rule, rule.draw_value):
        return "p"
    return None


def _per_row(rule: ConnectRule, expr) -> bool:
    """Does ``expr`` read neither the candidate nor ``rand()`` (one value per row)?"""
    names = {s.name for s in expr.free_symbols}
    return not names & {"_k", "_r"} and not result_names(expr, rule.outer) \
        and not any(re.fullmatch(r"_u\d+", n) for n in names)


def _rename(rule: ConnectRule, names, language: str) -> dict[str, str]:
    """Canonical symbol -> the text that reads it in ``language`` at a loop position."""
    numba = language == "numba"
    outer, result = ("_o", "_r") if numba else ("_O", "_R")
    pre, post = (outer, result) if rule.outer == "i" else (result, outer)
    rename = {} if numba else {"_o": "_O", "_k": "_K", "_r": "_R"}
    for name in names:
        if name.startswith("_pre_"):
            rename[name] = f"{name}[{pre}]"
        elif name.startswith("_post_"):
            rename[name] = f"{name}[{post}]"
    at = "_ub + {s} * _B" if row_draw(rule) else "{s} * _m + _c"
    for site in range(rule.sites):
        rename[f"_u{site}"] = f"_u[{at.format(s=site)}]" if numba else f"_U[{site}]"
    return rename


def _printer(rule, names, language):
    rename = _rename(rule, names, language)
    return lambda expr: print_expr(expr, language, rename)


def _rows_drawing_each(rule, show):
    """Kernel lines (row, then candidate loop) of a rule where every candidate draws."""
    row = [f"_u = _rng.random({rule.sites} * _m)"] if rule.sites else []
    return row, ["for _c in range(_m):"], []


def _rows_drawing_once(rule, show, kind):
    """Kernel lines (row, then candidate loop) of a rule whose draw is one per row."""
    size_error = ["if not _skip:", "    " + _FAIL.format(code=2, value="float(_size)"),
                  "_size = min(max(_size, 0), _m)"]
    row = numba_lines(kind, rule.sites, show(rule.draw_value), size_error)
    head = ["for _q in range(_ns):", "    _c = _sel_c[_q]"]
    if rule.sites > 1:
        head.append("    _ub = (_sel_g[_q] // _B) * "
                    f"{rule.sites} * _B + _sel_g[_q] % _B")
    return row, head, []


def numba_source(rule: ConnectRule, names: tuple[str, ...]) -> KernelSource:
    """Rule + value names -> the text of one Numba kernel.

    The kernel returns ``(outer buffer, result buffer, count, status, o, value)``;
    status 0 is success, else the error code at outer index ``o``.
    """
    show = _printer(rule, names, "numba")
    check = ["if not (_rf >= 0 and _rf < _n_result):", "    if _skip:", "        continue",
             "    " + _FAIL.format(code=3, value="_rf"), "_r = int(_rf)"]
    row = []
    if rule.row_condition != sympy.true:
        row += [f"if not ({show(rule.row_condition)}):", "    continue"]
    row += [f"_low = int({show(rule.low)})", f"_high = int({show(rule.high)})",
            f"_step = int({show(rule.step)})", "if _step == 0:",
            "    " + _FAIL.format(code=1, value="0.0"), "if _step > 0:",
            "    _m = (_high - _low + _step - 1) // _step", "else:",
            "    _m = (_low - _high - _step - 1) // (-_step)", "if _m <= 0:", "    continue"]
    kind = row_draw(rule)
    draws, head, loop = _rows_drawing_once(rule, show, kind) if kind \
        else _rows_drawing_each(rule, show)
    row += draws
    loop.append(f"_rf = float({show(rule.element)})")
    loop += check if rule.check_first else []
    if rule.condition != sympy.true:
        loop += [f"if not ({show(rule.condition)}):", "    continue"]
    if rule.draw == "p" and not kind:
        loop += [f"if not (_u[_c] < {show(rule.draw_value)}):", "    continue"]
    loop += [] if rule.check_first else check
    if kind and _per_row(rule, rule.n):
        # room for the row's synapses made once per row, before its candidates: growing
        # (replacing) the output inside the candidate loop made each synapse 2.5x slower
        row += [f"_n = int({show(rule.n)})", "if _n < 0 and _ns > 0:",
                "    " + _FAIL.format(code=4, value="float(_n)"),
                "if _count + _ns * _n > _out_o.shape[0]:", *("    " + x for x in _GROW_OUT),
                "    _more_o = np.empty(max(2 * _count + 16, _count + _ns * _n), "
                "dtype=np.int32)",
                "    _more_r = np.empty(_more_o.shape[0], dtype=np.int32)",
                *("    " + x for x in _COPY_OUT)]
        loop += ["for _rep in range(_n):", "    _out_o[_count] = _o", "    _out_r[_count] = _r",
                 "    _count += 1"]
    else:
        loop += _one_by_one(show(rule.n))
    args = ("_n_outer", "_n_result", "_rng", "_skip", "_cap", "_limit", *names)
    buffers = ["    _sel_c = np.empty(1024, dtype=np.int64)",
               "    _sel_g = np.empty(1024, dtype=np.int64)"] if kind else []
    lines = [
        PRELUDES["numba"], "",
        f"def _connect_kernel({', '.join(args)}):",
        f"    # {rule.description}: one loop per outer index {rule.outer}",
        "    _out_o = np.empty(_cap, dtype=np.int32)",
        "    _out_r = np.empty(_cap, dtype=np.int32)", "    _count = 0", *buffers,
        "    for _o in range(_n_outer):", *("        " + line for line in row),
        *("        " + line for line in head), "            _k = _low + _c * _step",
        *("            " + line for line in loop),
        "    return _out_o, _out_r, _count, 0, 0, 0.0", "",
    ]
    return KernelSource("\n".join(lines), "_connect_kernel", args)


_PIECES = ("row_condition", "low", "high", "step", "draw_value", "element", "condition", "n")


def numpy_source(rule: ConnectRule, names: tuple[str, ...]) -> KernelSource:
    """Rule + value names -> a module whose ``_connect_pieces()`` returns one vectorised
    function per piece of the rule (``row_condition``, ``low``, ..., ``n``), each taking
    ``(_O, _K, _R, _U, _n_outer, _n_result, *values)``."""
    show = _printer(rule, names, "numpy")
    args = ", ".join(("_O", "_K", "_R", "_U", "_n_outer", "_n_result", *names))
    lines = [PRELUDES["numpy"], ""]
    for piece in _PIECES:
        expr = getattr(rule, piece)
        body = "None" if expr is None else show(expr)
        lines += ["", f"def _{piece}({args}):", f"    return {body}", ""]
    table = ", ".join(f"{p!r}: _{p}" for p in _PIECES)
    lines += ["", "def _connect_pieces():", f"    return {{{table}}}", ""]
    return KernelSource("\n".join(lines), "_connect_pieces", ())


def run_rule(rule: ConnectRule, values: dict, n_outer: int, n_result: int, rng, *,
             skip_if_invalid: bool = False, device: str = "numba", cap: int = 1024,
             limit: int = 1 << 62):
    """Run a rule -> (outer indices, result indices) as int32 arrays, in Brian2's order.

    Raises IndexError / ValueError for out-of-range results, a zero step, a bad sample
    size or a negative ``n`` (unless ``skip_if_invalid`` skips the first three), and
    :class:`TooManySynapses` as soon as it is clear there will be more than ``limit``.
    """
    names = tuple(sorted(values))
    args = tuple(values[name] for name in names)
    if device == "numba":
        kernel = compile_numba(numba_source(rule, names))
        with np.errstate(all="ignore"):
            outer, result, count, status, o, value = kernel(
                n_outer, n_result, rng, bool(skip_if_invalid), max(int(cap), 16),
                int(limit), *args)
        if status == 5:
            raise TooManySynapses(count, int(o), n_outer)
        # views, not copies: Synapses._append copies them into its storage, and the
        # buffer's unwritten tail was never touched (no memory)
        outer, result = outer[:count], result[:count]
    elif device == "numpy":
        pieces = compile_numpy(numpy_source(rule, names))()
        with np.errstate(all="ignore"):
            outer, result, status, o, value = _run_blocks(
                rule, pieces, n_outer, n_result, rng, bool(skip_if_invalid), args, limit)
    else:
        raise ValueError(f"unknown device {device!r}; use 'numba' or 'numpy'")
    if status:
        raise _error(rule, status, int(o), value, n_result)
    return outer, result


def _too_many(count: int, o: int, n_outer: int, limit: int) -> bool:
    """More than ``limit`` synapses made, or a quarter of it made and, at the rate of rows
    0..o, more than ``limit`` to come (the Numba kernel tests the same at each growth)."""
    return count >= limit or (4 * count >= limit and count * n_outer >= limit * (o + 1))


class TooManySynapses(Exception):  # noqa: N818 - caught by connect(), which says why
    """A rule stopped early: ``count`` synapses made for outer indices 0..``o`` of
    ``n_outer`` were more than the limit or, at that rate, all would be (see
    :func:`_too_many`); ``projected`` is the whole run's at that rate."""

    def __init__(self, count: int, o: int, n_outer: int):
        super().__init__(count, o, n_outer)
        self.count, self.o, self.n_outer = count, o, n_outer
        self.projected = count * n_outer / (o + 1)


def _error(rule: ConnectRule, status: int, o: int, value: float, n_result: int):
    outer = rule.outer
    other = "j" if outer == "i" else "i"
    where = f"{rule.description}, for {outer}={o}"
    if status == 1:
        return ValueError(f"the step of range() is zero in {where}")
    if status == 2:
        return IndexError(f"sample size {value:g} is outside [0, number of candidates] in "
                          f"{where}; use skip_if_invalid=True to clip it")
    if status == 3:
        shown = f"{value:g}" if np.isfinite(value) else str(value)
        return IndexError(f"{other}={shown} is outside the allowed range 0..{n_result - 1} "
                          f"in {where}; use skip_if_invalid=True to skip such pairs")
    return ValueError(f"n={value:g} is negative in {where}; n must be >= 0")


def _full(value, shape, dtype):
    """An expression's value (scalar or array) -> an array of ``shape`` and ``dtype``."""
    return np.broadcast_to(np.asarray(value), shape).astype(dtype, copy=False)


class _Candidates:
    """Flat candidate arrays of one block (row-major): keep them aligned when filtering."""

    def __init__(self, rows, outer, k, u):
        self.fields = {"row": rows, "flat": np.arange(len(rows)), "O": outer, "K": k, "U": u}

    def __getattr__(self, name):
        return self.__dict__["fields"][name]

    def keep(self, mask):
        self.fields = {key: (v[:, mask] if key == "U" else v[mask])
                       for key, v in self.fields.items()}


def _run_blocks(rule, pieces, n_outer, n_result, rng, skip, args, limit):
    """The numpy device: the Numba kernel's loop, many rows at a time."""
    kind = row_draw(rule)
    block = BLOCK_ROWS if kind else max(1, BLOCK_CANDIDATES // max(n_result, 1))
    outs, count, start = [], 0, 0
    while start < n_outer:
        rows = np.arange(start, min(start + block, n_outer))
        done, first_error, used = _block(rule, kind, pieces, rows, n_result, rng, skip,
                                         (n_outer, n_result, *args))
        if first_error is not None:
            return None, None, first_error[1], first_error[2], first_error[3]
        outs.append(done)
        count += len(done[0])
        start += used
        if _too_many(count, start - 1, n_outer, limit):
            raise TooManySynapses(count, start - 1, n_outer)
    outer = np.concatenate([o for o, _ in outs] or [np.zeros(0, np.int32)])
    result = np.concatenate([r for _, r in outs] or [np.zeros(0, np.int32)])
    return outer.astype(np.int32, copy=False), result.astype(np.int32, copy=False), 0, 0, 0.0


def _candidates_drawing_each(rule, O, low, step, m, rng):
    """Every candidate of the rows, each with ``rule.sites`` uniforms (the kernel's
    ``u = rng.random(sites * m)`` per row)."""
    starts = np.cumsum(m) - m
    rows = np.repeat(np.arange(len(O)), m)
    c = np.arange(len(rows)) - starts[rows]
    if rule.sites == 1:  # the usual case: u is already in candidate order
        U = rng.random(int(m.sum()))[None, :]
    elif rule.sites:
        u = rng.random(rule.sites * int(m.sum()))
        idx = rule.sites * starts[rows] + c
        U = np.stack([u[idx + s * m[rows]] for s in range(rule.sites)])
    else:
        U = np.zeros((0, len(rows)))
    return _Candidates(rows, O[rows], low[rows] + c * step[rows], U)


def _block(rule, kind, pieces, O, n_result, rng, skip, args):
    """Outer indices -> ((outer, result) arrays, first error or None, rows handled).

    Rules that draw per candidate handle every row given; rules that draw per row stop
    once the rows' draws fill a block (:func:`connect_draws.select`)."""
    errors = []  # ((row, position), status, o, value); position -2/-1 are row-level
    given = O

    def row_value(piece, dtype):
        return _full(pieces[piece](O, None, None, None, *args), O.shape, dtype)

    if rule.row_condition != sympy.true:
        O = O[row_value("row_condition", bool)]
    low, high, step = (row_value(p, np.int64) for p in ("low", "high", "step"))
    zero = step == 0
    safe = np.where(zero, 1, step)
    m = np.where(safe > 0, (high - low + safe - 1) // safe, (low - high - safe - 1) // -safe)
    m = np.where(zero, 0, np.maximum(m, 0))
    used = len(given)
    if kind:
        drawn = row_value("draw_value", np.int64 if kind == "size" else float)
        size = np.clip(drawn, 0, m)
        rows, c, U, n = select(kind, m, size if kind == "size" else drawn, rule.sites, rng,
                               budget=BLOCK_CANDIDATES)
        if n < len(O):
            used = int(O[n] - given[0])
            O, low, step, m, drawn, zero = O[:n], low[:n], step[:n], m[:n], drawn[:n], zero[:n]
        if kind == "size":
            bad = ((drawn < 0) | (drawn > m)) & (m > 0)
            if bad.any() and not skip:
                r = int(np.argmax(bad))
                errors.append(((r, -1), 2, O[r], float(drawn[r])))
        cand = _Candidates(rows, O[rows], low[rows] + c * step[rows], U)
    else:
        cand = _candidates_drawing_each(rule, O, low, step, m, rng)
    if zero.any():
        errors.append(((int(np.argmax(zero)), -2), 1, O[np.argmax(zero)], 0.0))

    def value(piece, dtype, R=None):
        return _full(pieces[piece](cand.O, cand.K, R, cand.U, *args), cand.O.shape, dtype)

    def check(rf):
        valid = (rf >= 0) & (rf < n_result)
        if not skip and not valid.all():
            bad = int(np.argmin(valid))
            errors.append(((int(cand.row[bad]), int(cand.flat[bad])), 3, cand.O[bad],
                           float(rf[bad])))
        cand.keep(valid)
        return rf[valid]

    rf = value("element", float)
    if rule.check_first:
        rf = check(rf)
    p_reads_result = rule.draw == "p" and bool(result_names(rule.draw_value, rule.outer))
    if rule.draw == "p" and not p_reads_result and not kind:
        # p does not read j: filter by it first (the masks commute; no errors between)
        early = cand.U[0] < value("draw_value", float)
        cand.keep(early)
        rf = rf[early]
    R = rf.astype(np.int64)
    mask = np.ones(len(R), bool)
    if rule.condition != sympy.true:
        mask &= value("condition", bool, R)
    if p_reads_result:
        mask &= cand.U[0] < value("draw_value", float, R)
    cand.keep(mask)
    rf = rf[mask]
    if not rule.check_first:
        rf = check(rf)
    R = rf.astype(np.int64)
    n = value("n", np.int64, R)
    if (n < 0).any():
        bad = int(np.argmax(n < 0))
        errors.append(((int(cand.row[bad]), int(cand.flat[bad])), 4, cand.O[bad],
                       float(n[bad])))
    if errors:
        return None, min(errors, key=lambda e: e[0]), used
    return (np.repeat(cand.O, n), np.repeat(R, n)), None, used
