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

import sympy

from labkit.codegen.compile import KernelSource
from labkit.codegen.printers import PRELUDES, print_expr
from labkit.synapses.connect_draws import numba_lines
from labkit.synapses.connect_rule import ConnectRule, result_names
from labkit.synapses.connect_run import PlainRule, run_plain

__all__ = ["numba_source", "numpy_source", "plain_rule", "row_draw", "run_rule"]

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


def plain_rule(rule: ConnectRule, names: tuple[str, ...]) -> PlainRule:
    """A rule and its value names -> what running it needs, without sympy (both kernels'
    texts, facts about its expressions): see :mod:`labkit.synapses.connect_run`."""
    value = rule.draw_value
    if isinstance(value, sympy.Integer):
        value = int(value)
    elif getattr(value, "is_Symbol", False):
        value = value.name
    else:
        value = None
    numba, numpy = numba_source(rule, names), numpy_source(rule, names)
    return PlainRule(
        rule.outer, rule.draw, rule.sites, rule.check_first, rule.description,
        rule.row_condition == sympy.true, rule.condition == sympy.true, row_draw(rule),
        rule.draw == "p" and bool(result_names(rule.draw_value, rule.outer)), value,
        tuple(names), (numba.text, numba.name, numba.arg_names),
        (numpy.text, numpy.name, numpy.arg_names))


def run_rule(rule: ConnectRule, values: dict, n_outer: int, n_result: int, rng, *,
             skip_if_invalid: bool = False, device: str = "numba", cap: int = 1024,
             limit: int = 1 << 62):
    """Run a rule -> (outer indices, result indices) as int32 arrays, in Brian2's order
    (:func:`labkit.synapses.connect_run.run_plain`)."""
    return run_plain(plain_rule(rule, tuple(sorted(values))), values, n_outer, n_result,
                     rng, skip_if_invalid=skip_if_invalid, device=device, cap=cap,
                     limit=limit)
