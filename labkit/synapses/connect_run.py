"""A connect() rule, once analysed, run without sympy; and rules kept on disk.

Why: a ``connect()`` string is parsed, checked and analysed with sympy
(:mod:`labkit.synapses.connect_rule`) and printed as a kernel
(:mod:`labkit.synapses.connect_kernels`); a fresh process that connects a network seen
before paid 0.2-0.25 s of CPU for importing sympy alone. What running a rule needs is
plain: a few facts about its structure and the kernels' texts (:class:`PlainRule`), and
for each name its strings use, what it is (an index, a source or target variable, a
constant) with its dimension and type. Those are kept in :func:`labkit.cache.load_plain`'s
store, keyed by the strings and the kinds of ``p`` and ``n``; a later connect() with the
same strings whose names resolve to the same kinds, dimensions and types (checked every
time, the values bound afresh) runs the stored rule: the same kernels on the same values
draw the same numbers, so it makes the same synapses. Anything else (a new text, a name
that now means something else, a damaged entry) takes the cold path, with its checks
and errors.

Both devices (the Numba kernel, numpy blocks) are run from here.
"""

from __future__ import annotations

import difflib
import numbers
import sys
from dataclasses import dataclass

import numpy as np

from labkit.cache import load_plain, save_plain, source_version
from labkit.codegen.compile import KernelSource, compile_numba, compile_numpy, in_memory
from labkit.core.namespace import MISSING, Namespace
from labkit.errors import UnknownNameError
from labkit.synapses.connect_draws import DENSE_SIZE, select
from labkit.units.dimension import DIMENSIONLESS, Dimension

__all__ = ["Names", "PlainRule", "TooManySynapses", "remember", "run", "run_plain",
           "stored_connections"]

#: Candidates (or, for rules that draw per row, draws) the numpy device handles at once.
#: A block's temporaries take ~110 bytes per draw: at 1 << 20, CUBA's 10^4-neuron
#: inhibitory connect (320 000 draws, one block) rose 28 MB over its result, above the
#: process's peak at run(); at 1 << 17 it takes 9 MB, in as much CPU time or less (the
#: same synapses: the draws do not depend on the blocks).
BLOCK_CANDIDATES = 1 << 17
#: Rows a rule that draws per row looks at in one block (it may stop earlier).
BLOCK_ROWS = 1 << 16
#: Below this many candidates considered, numpy's blocks take less time than loading a
#: compiled kernel (0.2-0.5 s, and importing Numba if nothing has yet). Rules that draw
#: per row over rows of one shape are chosen by :data:`COST_NS` instead.
SMALL_WORK = 1_000_000
#: CPU time per unit of work of rules that draw per row over rows of one shape (numpy's
#: matrix paths in connect_draws), in ns: (numpy, Numba's kernel), per synapse expected
#: for ``'p'`` and sparse samples, per candidate for dense samples. Measured with
#: benchmarks/connect_scale.py's rules at N = 4 000-64 000 (2 cores; ``'p'`` on
#: 2026-12-05 at load 2-3, best of 8: numpy 23 / 91 ms, the kernel 17 / 66 ms for
#: ``Ce`` at N = 16 000 / 64 000, 1.0 / 4.1 M synapses). Dense samples on 2026-12-06 (idle,
#: median of 10 calls a process, fixed out-degree ``s`` of ``N``), since numpy finds a row's
#: ``s`` smallest among the uniforms under a bound: numpy 7.4-17.8, the kernel 13.0-18.7 ns
#: a candidate (N = 1 000 / 1 280 / 4 000, s = 80 / 80 / 250 and 1 000).
COST_NS = {"p": (22.0, 16.0), "dense": (11.0, 14.0), "sparse": (65.0, 55.0)}
#: What a compiled kernel costs before it runs: loading it from Numba's disk cache
#: (~30 ms of CPU), and importing Numba when nothing has yet (130-200 ms).
LOAD_NS, IMPORT_NS = 30e6, 150e6
#: The most numpy may lose to a kernel already loaded, to save loading it once Numba is
#: imported: a rule run again in the process pays this each time. Importing Numba itself
#: is never traded for it: it costs ~150 ms of CPU and ~60 MB, and numpy's blocks are
#: below Brian2's time at every call (``Ce`` at N = 64 000: 91 ms, Brian2 107 a later
#: call, 156 a first; loading Numba for it took 266), so a rule runs on numpy until its
#: own work pays the import; a script that runs its network imports Numba then.
REGRET_NS = 15e6


@dataclass(frozen=True)
class PlainRule:
    """What running a :class:`~labkit.synapses.connect_rule.ConnectRule` needs, without
    sympy: its shape (``outer``, ``draw``, ``sites``, ``check_first``, ``description``),
    facts about its expressions (``row_true``/``condition_true``: the row condition or
    the condition is ``True``; ``row_draw``: see ``connect_kernels.row_draw``;
    ``p_reads_result``: ``p`` reads the result index; ``draw_value``: the name of the
    value ``p``/``size`` reads, or its integer, or None) and the two kernels' texts for
    the value names ``names``."""

    outer: str
    draw: str | None
    sites: int
    check_first: bool
    description: str
    row_true: bool
    condition_true: bool
    row_draw: str | None
    p_reads_result: bool
    draw_value: str | int | None
    names: tuple[str, ...]
    numba: tuple[str, str, tuple[str, ...]]
    numpy: tuple[str, str, tuple[str, ...]]


def run_plain(rule: PlainRule, values: dict, n_outer: int, n_result: int, rng, *,
              skip_if_invalid: bool = False, device: str = "numba", cap: int = 1024,
              limit: int = 1 << 62):
    """Run a rule -> (outer indices, result indices) as int32 arrays, in Brian2's order.

    Raises IndexError / ValueError for out-of-range results, a zero step, a bad sample
    size or a negative ``n`` (unless ``skip_if_invalid`` skips the first three), and
    :class:`TooManySynapses` as soon as it is clear there will be more than ``limit``.
    """
    names = tuple(sorted(values))
    if names != rule.names:
        raise ValueError(f"the rule reads {rule.names}, not {names}")
    args = tuple(values[name] for name in names)
    if device == "numba":
        kernel = compile_numba(KernelSource(*rule.numba))
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
        pieces = compile_numpy(KernelSource(*rule.numpy))()
        with np.errstate(all="ignore"):
            outer, result, status, o, value = _run_blocks(
                rule, pieces, n_outer, n_result, rng, bool(skip_if_invalid), args, limit,
                max(int(cap), 16))
    else:
        raise ValueError(f"unknown device {device!r}; use 'numba' or 'numpy'")
    if status:
        raise _error(rule, status, int(o), value, n_result)
    return outer, result


def run(rule: PlainRule, values, n_outer, n_result, rng, skip, device, limit):
    """Run a rule with an output buffer sized for the expected number of synapses."""
    expected, exact = 2 * n_outer, False
    if rule.draw == "p" and "_p_value" in values:
        expected = int(n_outer * n_result * values["_p_value"] * 1.1)
    size = _constant_size(rule, values)
    if size is not None:  # sample(..., size=k): at most k per row, no buffer to regrow
        expected, exact = n_outer * min(size, n_result), True
    if device == "auto":
        device = _choose(rule, values, n_outer, n_result)
    # the buffer's pages beyond what is written are never touched (np.empty), so a
    # generous estimate costs address space, not memory
    cap = min(max(1024, expected), max(limit, 16), (1 << 31) - 1 if exact else 1 << 26)
    return run_plain(rule, values, n_outer, n_result, rng, skip_if_invalid=skip,
                     device=device, cap=cap, limit=limit)


def _size_value(rule: PlainRule, values):
    size = rule.draw_value
    return values.get(size) if isinstance(size, str) else size


def _constant_size(rule: PlainRule, values) -> int | None:
    """``k`` of ``sample(..., size=k)`` when it is a number (not an expression), else None."""
    if rule.row_draw != "size":
        return None
    size = _size_value(rule, values)
    if isinstance(size, (int, np.integer)) and int(size) >= 0:
        return int(size)
    return None


def _choose(rule: PlainRule, values, n_outer: int, n_result: int) -> str:
    """'numpy' or 'numba' for a rule (both make the same synapses): the device that
    costs less CPU now, counting Numba's import and the kernel's load when they are still
    to come (the load at most :data:`REGRET_NS`, see there); by :data:`SMALL_WORK` for
    rules without a cost model."""
    costs = _costs(rule, values, n_outer, n_result)
    if costs is None:
        return "numpy" if _work(rule, values, n_outer, n_result) < SMALL_WORK else "numba"
    numpy_ns, numba_ns = costs
    if not _numba_imported():
        fixed = LOAD_NS + IMPORT_NS
    else:
        fixed = 0.0 if in_memory(KernelSource(*rule.numba)) else min(LOAD_NS, REGRET_NS)
    return "numpy" if numpy_ns < numba_ns + fixed else "numba"


def _numba_imported() -> bool:
    return "numba" in sys.modules


def _costs(rule: PlainRule, values, n_outer: int, n_result: int):
    """(numpy, Numba) CPU time in ns of a rule that draws per row with a number (``p`` or
    ``size``) over rows of one shape (``range(N)``, not ``range(i, N)``), by
    :data:`COST_NS`; None for other rules."""
    if rule.row_draw == "p" and "_p_value" in values:
        kind, work = "p", n_outer * n_result * values["_p_value"]
    elif (size := _constant_size(rule, values)) is not None:
        dense = DENSE_SIZE * size >= n_result
        kind = "dense" if dense else "sparse"
        work = n_outer * (n_result if dense else min(size, n_result))
    else:
        return None
    pieces = compile_numpy(KernelSource(*rule.numpy))()
    args = (n_outer, n_result, *(values[name] for name in rule.names))
    with np.errstate(all="ignore"):
        shapes = [np.ndim(pieces[piece](np.arange(2), None, None, None, *args))
                  for piece in ("low", "high", "step")]
    if any(shapes):  # rows of different lengths: numpy's flat path, no model
        return None
    numpy_ns, numba_ns = COST_NS[kind]
    return numpy_ns * work, numba_ns * work


def _work(rule: PlainRule, values, n_outer: int, n_result: int) -> float:
    """The work a rule does: candidates it looks at, or the synapses it expects to make
    when it draws per row (an upper bound when its p or size is an expression)."""
    if rule.row_draw == "p" and "_p_value" in values:
        return n_outer * n_result * values["_p_value"]
    size = _size_value(rule, values)
    if rule.row_draw == "size" and isinstance(size, (int, np.integer)):
        # numpy picks a sample at ~4x a p's cost per synapse; a dense one (see
        # connect_draws) sorts every candidate of its rows
        dense = DENSE_SIZE * int(size) >= n_result
        return n_outer * (8 * n_result if dense else 4 * int(size))
    return float(n_outer) * n_result


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


def _error(rule: PlainRule, status: int, o: int, value: float, n_result: int):
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
        self.fields = {"row": rows, "O": outer, "K": k, "U": u}
        self._kept = None  # positions of the candidates kept so far, None: all

    def __getattr__(self, name):
        return self.__dict__["fields"][name]

    @property
    def flat(self):
        """Each candidate's position among the block's first ones (errors are ordered by
        it), made when an error asks: an arange per synapse took 1/10 of Ce's time."""
        return np.arange(len(self.fields["row"])) if self._kept is None else self._kept

    def keep(self, mask):
        if mask.all():  # the usual case (no pair out of range, no condition): no copies
            return
        self._kept = np.flatnonzero(mask) if self._kept is None else self._kept[mask]
        self.fields = {key: (v[:, mask] if key == "U" else v[mask])
                       for key, v in self.fields.items()}


def _run_blocks(rule, pieces, n_outer, n_result, rng, skip, args, limit, cap):
    """The numpy device: the Numba kernel's loop, many rows at a time, into int32 buffers
    of ``cap`` that grow by doubling (as the kernel's)."""
    kind = rule.row_draw
    block = BLOCK_ROWS if kind else max(1, BLOCK_CANDIDATES // max(n_result, 1))
    # each block's (int64) indices written into the int32 buffers while they are in the
    # cache: joining the blocks at the end held them all (16 bytes a synapse) beside the
    # result, and read them again (Ce at N = 64 000: 10 ms)
    out_o, out_r = np.empty(cap, np.int32), np.empty(cap, np.int32)
    count, start = 0, 0
    while start < n_outer:
        rows = np.arange(start, min(start + block, n_outer))
        done, first_error, used = _block(rule, kind, pieces, rows, n_result, rng, skip,
                                         (n_outer, n_result, *args))
        if first_error is not None:
            return None, None, first_error[1], first_error[2], first_error[3]
        made = len(done[0])
        if count + made > len(out_o):
            more = max(2 * len(out_o), count + made)
            grown = np.empty(more, np.int32), np.empty(more, np.int32)
            grown[0][:count], grown[1][:count] = out_o[:count], out_r[:count]
            out_o, out_r = grown
        out_o[count:count + made] = done[0]
        out_r[count:count + made] = done[1]
        count += made
        start += used
        if kind:  # look at about as many rows as the last block used: the row values of
            # rows beyond the budget are made again with the next block (at N = 64 000,
            # 51 200 rows made 50 times)
            block = min(BLOCK_ROWS, max(256, 2 * used))
        if _too_many(count, start - 1, n_outer, limit):
            raise TooManySynapses(count, start - 1, n_outer)
    # views: Synapses._append keeps them (a first connect()) or copies them, and the
    # buffers' unwritten tails were never touched (no memory), as the kernel's
    return out_o[:count], out_r[:count], 0, 0, 0.0


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


def _candidates(c, low, step, rows):
    """The candidates ``low + c * step`` of the kept (row, c): without gathering ``low``
    and ``step`` per synapse when every row has the same (``range(N_post)``: ``c``)."""
    if len(low) and (low == low[0]).all() and (step == step[0]).all():
        return c if low[0] == 0 and step[0] == 1 else low[0] + c * step[0]
    return low[rows] + c * step[rows]


def _block(rule, kind, pieces, O, n_result, rng, skip, args):
    """Outer indices -> ((outer, result) arrays, first error or None, rows handled).

    Rules that draw per candidate handle every row given; rules that draw per row stop
    once the rows' draws fill a block (:func:`connect_draws.select`)."""
    errors = []  # ((row, position), status, o, value); position -2/-1 are row-level
    given = O

    def row_value(piece, dtype):
        return _full(pieces[piece](O, None, None, None, *args), O.shape, dtype)

    if not rule.row_true:
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
        # outer indices of consecutive rows (a row condition on i < n, or none):
        # the row numbers shifted, not gathered through them
        contiguous = len(O) and O[-1] - O[0] == len(O) - 1
        outer = (rows if O[0] == 0 else rows + O[0]) if contiguous else O[rows]
        cand = _Candidates(rows, outer, _candidates(c, low, step, rows), U)
    else:
        cand = _candidates_drawing_each(rule, O, low, step, m, rng)
    if zero.any():
        errors.append(((int(np.argmax(zero)), -2), 1, O[np.argmax(zero)], 0.0))

    def value(piece, dtype, R=None):
        return _full(pieces[piece](cand.O, cand.K, R, cand.U, *args), cand.O.shape, dtype)

    def check(rf):
        # two reductions first: the usual case (every index in range) makes no mask
        if not len(rf) or (rf.min() >= 0 and rf.max() < n_result):
            return rf
        valid = (rf >= 0) & (rf < n_result)
        if not skip and not valid.all():
            bad = int(np.argmin(valid))
            errors.append(((int(cand.row[bad]), int(cand.flat[bad])), 3, cand.O[bad],
                           float(rf[bad])))
        cand.keep(valid)
        return rf if valid.all() else rf[valid]

    rf = pieces["element"](cand.O, cand.K, None, cand.U, *args)
    # an integer element (``k``, ``i + k``) stays integer: the kernel's float() of it and
    # int() back give the same index and the same range checks, without two copies
    rf = _full(rf, cand.O.shape, np.int64 if np.asarray(rf).dtype.kind in "iu" else float)
    if rule.check_first:
        rf = check(rf)
    p_reads_result = rule.p_reads_result
    if rule.draw == "p" and not p_reads_result and not kind:
        # p does not read j: filter by it first (the masks commute; no errors between)
        early = cand.U[0] < value("draw_value", float)
        cand.keep(early)
        rf = rf[early]
    R = rf.astype(np.int64, copy=False)
    mask = None
    if not rule.condition_true:
        mask = value("condition", bool, R)
    if p_reads_result:
        drawn = cand.U[0] < value("draw_value", float, R)
        mask = drawn if mask is None else mask & drawn
    if mask is not None and not mask.all():
        cand.keep(mask)
        rf = rf[mask]
    if not rule.check_first:
        rf = check(rf)
    R = rf.astype(np.int64, copy=False)
    # n is mostly one number (n=1): tested once, not broadcast and tested per synapse
    # (with the range check's mask and a mask of ones, a fifth of Ce's time at 64 000)
    n = np.asarray(pieces["n"](cand.O, cand.K, R, cand.U, *args))
    if n.ndim == 0:
        n = n.astype(np.int64)
        if n < 0 and len(R):
            errors.append(((int(cand.row[0]), int(cand.flat[0])), 4, cand.O[0], float(n)))
    else:
        n = _full(n, cand.O.shape, np.int64)
        if (n < 0).any():
            bad = int(np.argmax(n < 0))
            errors.append(((int(cand.row[bad]), int(cand.flat[bad])), 4, cand.O[bad],
                           float(n[bad])))
    if errors:
        return None, min(errors, key=lambda e: e[0]), used
    if n.ndim == 0 or (n == 1).all():
        if n.ndim == 0 and n != 1:
            return (np.repeat(cand.O, n), np.repeat(R, n)), None, used
        return (cand.O, R), None, used  # one synapse per pair: np.repeat took 1/4
    return (np.repeat(cand.O, n), np.repeat(R, n)), None, used


class Names:
    """User names in one connect() call -> canonical names, values and dimensions.

    ``lookup`` gives each name's canonical name (``_o``/``_r``/``_k`` for the indices and
    the loop variable, ``_pre_x``/``_post_x`` for variables, ``_c_x`` for constants),
    dimension and numpy kind, and records the value it binds in ``values``.
    """

    def __init__(self, outer, n_source, n_target, source_vars, target_vars, namespace):
        self.outer = outer
        self.pre_side = "outer" if outer == "i" else "result"
        # mappings read by name (a group's subexpressions are computed when read)
        self.sources = {} if source_vars is None else source_vars
        self.targets = {} if target_vars is None else target_vars
        self.namespace = namespace if isinstance(namespace, Namespace) else \
            Namespace(run=namespace or {})
        self.sizes = (n_source, n_target)
        self.values: dict[str, object] = {}
        self.loop_variable: str | None = None

    def known(self) -> list[str]:
        names = ["i", "j", "N_pre", "N_post", *self.namespace.candidates()]
        names += [f"{n}_pre" for n in self.sources] + [f"{n}_post" for n in self.targets]
        names += list(self.targets)
        loop = self.loop_variable
        return names + ([loop] if loop and not loop.startswith("__") else [])

    def _index(self, name: str) -> str:
        if name == self.loop_variable:
            return "_k"
        if name in ("i", "j"):
            return "_o" if name == self.outer else "_r"
        return "_n_outer" if (name == "N_pre") == (self.outer == "i") else "_n_result"

    def _array(self, side: str, name: str, value, size: int):
        """A group variable -> a constant (shared) or a canonical array name."""
        raw = np.asarray(value)
        label = f"{name}_{side}"
        if raw.ndim == 0:
            return self._constant(label, value)
        if raw.shape != (size,):
            raise ValueError(f"the {side}-synaptic variable '{name}' has shape {raw.shape}, "
                             f"but the group has {size} neurons")
        if raw.dtype.kind not in "biuf":
            raise TypeError(f"the {side}-synaptic variable '{name}' is not numeric")
        key = f"_{side}_{name}"
        self.values[key] = np.ascontiguousarray(raw)
        return key, getattr(value, "dim", DIMENSIONLESS), raw.dtype.kind

    def _constant(self, name: str, value):
        dim = getattr(value, "dim", DIMENSIONLESS)
        raw = np.asarray(value)
        if raw.ndim != 0 or raw.dtype.kind not in "biuf":
            raise TypeError(f"'{name}' in connect() must be a number or a scalar quantity, "
                            f"not {type(value).__name__}")
        key = f"_c_{name}"
        self.values[key] = raw.item()
        return key, dim, raw.dtype.kind

    def lookup(self, name: str, where: str):
        """user name -> (canonical name, Dimension, numpy kind 'b'/'i'/'f')."""
        if name in ("i", "j", "N_pre", "N_post") or name == self.loop_variable:
            return self._index(name), DIMENSIONLESS, "i"
        for suffix, variables, size in (("_pre", self.sources, self.sizes[0]),
                                        ("_post", self.targets, self.sizes[1])):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and base in variables:
                return self._array(suffix[1:], base, variables[base], size)
        if name in self.targets:
            return self._array("post", name, self.targets[name], self.sizes[1])
        value = self.namespace.lookup(name, "connect()")
        if value is not MISSING:
            return self._constant(name, value)
        close = difflib.get_close_matches(name, self.known(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UnknownNameError(
            f"unknown name '{name}' in {where}: it is neither i, j, N_pre, N_post, a "
            f"source/target variable (x_pre, x_post) nor defined in the namespace{hint}")


# -- rules kept on disk ----------------------------------------------------------------------

#: The code a stored rule depends on: the parser, the checks, the rules, the printers.
_PACKAGES = ("synapses", "equations", "codegen", "units", "core")


def _number_key(value, name: str):
    """``p``/``n`` -> what of it shapes the rule ('str:<text>', 'one', 'num', 'int'), or
    None when the cold path must judge it (a bool, a value out of range, ...)."""
    if isinstance(value, str):
        return f"str:{value}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    if name == "p":
        return ("one" if value == 1 else "num") if 0 <= value <= 1 else None
    return "int" if value == int(value) and value >= 0 else None


def rule_key(condition, i, j, p, n) -> str | None:
    """connect()'s arguments -> the text a stored rule is kept under, or None when they
    are not a string rule this store handles (index arrays, False, odd types)."""
    p_key, n_key = _number_key(p, "p"), _number_key(n, "n")
    if p_key is None or n_key is None:
        return None
    if i is None and j is None and (condition is None or condition is True or (
            isinstance(condition, str) and condition != "False")):
        what = f"condition\0{'True' if condition in (None, True) else condition}\0i"
    elif condition is None and isinstance(i, str) != isinstance(j, str) and (
            i is None or j is None):
        what = f"generator\0{i if isinstance(i, str) else j}\0{'j' if isinstance(i, str) else 'i'}"
    else:
        return None
    return f"{what}\0p={p_key}\0n={n_key}"


def _valid(found) -> bool:
    rule, loop_variable, lookups = found
    return isinstance(rule, PlainRule) and (loop_variable is None or isinstance(
        loop_variable, str)) and all(
        isinstance(name, str) and isinstance(key, str) and isinstance(dim, Dimension)
        and isinstance(kind, str) for name, (key, dim, kind) in lookups)


def remember(key: str | None, rule: PlainRule, loop_variable, lookups: dict) -> None:
    """Keep a rule that ran (``lookups``: name -> what it resolved to) under ``key``."""
    if key is not None:
        save_plain("connect-rule", key, source_version(_PACKAGES),
                   (rule, loop_variable, tuple(lookups.items())))


def stored_connections(key, n_source, n_target, *, p, n, namespace, source_vars,
                       target_vars, rng, device, limit, skip_if_invalid):
    """The synapses of a stored rule (as ``generate_connections`` returns them), or None
    when there is none, or a name now resolves to something else."""
    if key is None:
        return None
    found = load_plain("connect-rule", key, source_version(_PACKAGES), _valid)
    if found is None:
        return None
    rule, loop_variable, lookups = found
    names = Names(rule.outer, n_source, n_target, source_vars, target_vars, namespace)
    names.loop_variable = loop_variable
    for name, resolved in lookups:
        try:
            now = names.lookup(name, "connect()")
        except Exception:  # noqa: BLE001 - the cold path raises it with its context
            return None
        if now != resolved:
            return None
    values = dict(names.values)
    if not isinstance(p, str) and p != 1:
        values["_p_value"] = float(p)
    if not isinstance(n, str):
        values["_n_value"] = int(n)
    if tuple(sorted(values)) != rule.names:
        return None
    if rule.outer == "i":
        return run(rule, values, n_source, n_target, rng, skip_if_invalid, device, limit)
    outer, result = run(rule, values, n_target, n_source, rng, skip_if_invalid, device,
                        limit)
    return result, outer
