"""ConnectRule + values -> (outer, result) index arrays: a Numba kernel, or numpy blocks.

Both devices walk the rule's generator loop in the same order and draw the same random
numbers, so under the same ``numpy.random.Generator`` they give identical arrays:

    for each outer index o (in order) whose row condition holds, and whose iterator has
    m > 0 candidates: u = rng.random(sites * m), candidate c's site s is u[s*m + c]

(site 0 decides ``p``/``sample``, sites 1.. are the ``rand()`` calls). Nothing else
draws. The Numba device is one generated kernel per rule structure (every number is an
argument; cached in memory and on disk by :mod:`labkit.codegen.compile`) that grows its
output buffers by doubling. The numpy device runs hand-written block code (many rows at
once, flat candidate arrays) over small generated expression functions.

Errors come back from the kernel as a status code and are raised here, the same way for
both devices: the first error in loop order wins.
"""

from __future__ import annotations

import numpy as np
import sympy

from labkit.codegen.compile import KernelSource, compile_numba, compile_numpy
from labkit.codegen.printers import PRELUDES, print_expr
from labkit.synapses.connect_rule import ConnectRule, result_names

__all__ = ["numba_source", "numpy_source", "run_rule"]

#: Candidates the numpy device handles at once (rows per block = this / n_result).
BLOCK_CANDIDATES = 1 << 20

_FAIL = "return _out_o, _out_r, 0, {code}, _o, {value}"


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
    for site in range(rule.sites):
        rename[f"_u{site}"] = f"_u[{site} * _m + _c]" if numba else f"_U[{site}]"
    return rename


def _printer(rule, names, language):
    rename = _rename(rule, names, language)
    return lambda expr: print_expr(expr, language, rename)


def numba_source(rule: ConnectRule, names: tuple[str, ...]) -> KernelSource:
    """Rule + value names -> the text of one Numba kernel.

    The kernel returns ``(outer buffer, result buffer, count, status, o, value)``;
    status 0 is success, else the error code at outer index ``o``.
    """
    show = _printer(rule, names, "numba")
    check = ["if not (_rf >= 0 and _rf < _n_result):", "    if _skip:", "        continue",
             "    " + _FAIL.format(code=3, value="_rf"), "_r = int(_rf)"]
    row, loop = [], []
    if rule.row_condition != sympy.true:
        row += [f"if not ({show(rule.row_condition)}):", "    continue"]
    row += [f"_low = int({show(rule.low)})", f"_high = int({show(rule.high)})",
            f"_step = int({show(rule.step)})", "if _step == 0:",
            "    " + _FAIL.format(code=1, value="0.0"), "if _step > 0:",
            "    _m = (_high - _low + _step - 1) // _step", "else:",
            "    _m = (_low - _high - _step - 1) // (-_step)", "if _m <= 0:", "    continue"]
    if rule.sites:
        row.append(f"_u = _rng.random({rule.sites} * _m)")
    if rule.draw == "sample_size":
        row += [f"_size = int({show(rule.draw_value)})", "if _size < 0 or _size > _m:",
                "    if not _skip:", "        " + _FAIL.format(code=2, value="float(_size)"),
                "    _size = min(max(_size, 0), _m)", "_chosen = np.zeros(_m, dtype=np.bool_)",
                "_order = np.argsort(_u[:_m])", "for _c in range(_size):",
                "    _chosen[_order[_c]] = True"]
        loop += ["if not _chosen[_c]:", "    continue"]
    elif rule.draw == "sample_p":
        row.append(f"_sp = float({show(rule.draw_value)})")
        loop += ["if not (_u[_c] < _sp):", "    continue"]
    loop.append(f"_rf = float({show(rule.element)})")
    loop += check if rule.check_first else []
    if rule.condition != sympy.true:
        loop += [f"if not ({show(rule.condition)}):", "    continue"]
    if rule.draw == "p":
        loop += [f"if not (_u[_c] < {show(rule.draw_value)}):", "    continue"]
    loop += [] if rule.check_first else check
    loop += [f"_n = int({show(rule.n)})", "if _n < 0:",
             "    " + _FAIL.format(code=4, value="float(_n)"), "for _rep in range(_n):",
             "    if _count == _out_o.shape[0]:",
             "        if _count >= _limit or (4 * _count >= _limit and",
             "                                _count * _n_outer >= _limit * (_o + 1)):",
             "            return _out_o, _out_r, _count, 5, _o, 0.0",
             "        _more_o = np.empty(2 * _count + 16, dtype=np.int32)",
             "        _more_r = np.empty(2 * _count + 16, dtype=np.int32)",
             "        for _q in range(_count):  # (a slice copy compiles 2 s slower)",
             "            _more_o[_q] = _out_o[_q]", "            _more_r[_q] = _out_r[_q]",
             "        _out_o, _out_r = _more_o, _more_r",
             "    _out_o[_count] = _o", "    _out_r[_count] = _r", "    _count += 1"]
    args = ("_n_outer", "_n_result", "_rng", "_skip", "_cap", "_limit", *names)
    lines = [
        PRELUDES["numba"], "",
        f"def _connect_kernel({', '.join(args)}):",
        f"    # {rule.description}: one loop per outer index {rule.outer}",
        "    _out_o = np.empty(_cap, dtype=np.int32)",
        "    _out_r = np.empty(_cap, dtype=np.int32)", "    _count = 0",
        "    for _o in range(_n_outer):", *("        " + line for line in row),
        "        for _c in range(_m):", "            _k = _low + _c * _step",
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
        outer, result = outer[:count].copy(), result[:count].copy()
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
    block = max(1, BLOCK_CANDIDATES // max(n_result, 1))
    outs, first_error, count = [], None, 0
    for start in range(0, n_outer, block):
        rows = np.arange(start, min(start + block, n_outer))
        done, first_error = _block(rule, pieces, rows, n_result, rng, skip,
                                   (n_outer, n_result, *args))
        if first_error is not None:
            return None, None, first_error[1], first_error[2], first_error[3]
        outs.append(done)
        count += len(done[0])
        if _too_many(count, int(rows[-1]), n_outer, limit):
            raise TooManySynapses(count, int(rows[-1]), n_outer)
    outer = np.concatenate([o for o, _ in outs] or [np.zeros(0, np.int32)])
    result = np.concatenate([r for _, r in outs] or [np.zeros(0, np.int32)])
    return outer.astype(np.int32), result.astype(np.int32), 0, 0, 0.0


def _block(rule, pieces, O, n_result, rng, skip, args):
    """One block of outer indices -> ((outer, result) arrays, first error or None)."""
    errors = []  # ((row, position), status, o, value); position -2/-1 are row-level

    def row_value(piece, dtype):
        return _full(pieces[piece](O, None, None, None, *args), O.shape, dtype)

    if rule.row_condition != sympy.true:
        O = O[row_value("row_condition", bool)]
    low, high, step = (row_value(p, np.int64) for p in ("low", "high", "step"))
    zero = step == 0
    if zero.any():
        errors.append(((int(np.argmax(zero)), -2), 1, O[np.argmax(zero)], 0.0))
    safe = np.where(zero, 1, step)
    m = np.where(safe > 0, (high - low + safe - 1) // safe, (low - high - safe - 1) // -safe)
    m = np.where(zero, 0, np.maximum(m, 0))
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
    cand = _Candidates(rows, O[rows], low[rows] + c * step[rows], U)
    if rule.draw == "sample_size":
        size = row_value("draw_value", np.int64)
        bad = ((size < 0) | (size > m)) & (m > 0)
        if bad.any() and not skip:
            r = int(np.argmax(bad))
            errors.append(((r, -1), 2, O[r], float(size[r])))
        size = np.clip(size, 0, m)
        order = np.lexsort((cand.U[0], cand.row))
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order)) - starts[cand.row[order]]
        cand.keep(rank < size[cand.row])
    elif rule.draw == "sample_p":
        cand.keep(cand.U[0] < row_value("draw_value", float)[cand.row])

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
    if rule.draw == "p" and not p_reads_result:
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
        return None, min(errors, key=lambda e: e[0])
    return (np.repeat(cand.O, n), np.repeat(R, n)), None
