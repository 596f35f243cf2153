"""The pieces of numpy code every operation's emitter writes: expressions, the per-step
head, random draws, TimedArray lookups, statements.

Shared by ``loop_numpy`` (neurons, monitors, inputs) and ``synapse_numpy`` (synapses).
"""

from __future__ import annotations

from labkit.codegen.loop_common import timed_index
from labkit.codegen.printers import PRELUDES, print_expr

LANG = "numpy"


def _expr(expr, rename) -> str:
    return print_expr(expr, LANG, rename)


#: The kernel module's imports: numpy's, plus the plain-Python exp/exprel under the names
#: the Numba printer gives them, for the per-step scalars (no Numba on this device).
_PRELUDE = ("import math\n\n" + PRELUDES[LANG]
            + "from labkit.codegen.support import exp_scalar as _lk_exp\n"
            + "from labkit.codegen.support import exprel_scalar as _exprel\n")


def _scalar(expr, rename) -> str:
    """A per-step scalar, printed and computed as Numba does (``math``, and labkit's own
    ``exp``/``exprel`` in plain Python, see ``_PRELUDE``): the same bits on both devices."""
    return print_expr(expr, "numba", rename)


def _head(op, w, d, prepared, rename) -> None:
    roles = op.roles()
    for lookup in prepared.hoisted_lookups:
        args = [_scalar(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, False)}]")
    for name, expr in prepared.hoisted:
        w(d, f"{rename[name]} = {_scalar(expr, rename)}")


def _draws(p, w, d, prepared, size: str) -> None:
    for j, kind in enumerate(prepared.randoms):
        call = "random" if kind == "rand" else "standard_normal"
        w(d, f"_lkr{p}_{j} = _rng.{call}({size})")


def _lookups(op, w, d, lookups, rename) -> None:
    roles = op.roles()
    for lookup in lookups:
        args = [_expr(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, True)}]")


def _whole(arg_text: str) -> str:
    """``_g0_v[_lk_idx]`` stays; a whole array ``_g0_v`` is assigned through ``[:]``."""
    return arg_text if arg_text.endswith("]") else f"{arg_text}[:]"


def _statements(op, w, d, prepared, rename, held=frozenset(), nr="") -> None:
    roles = op.roles()
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        value = _expr(stmt.expr, rename)
        target = rename[stmt.target]
        if stmt.target in roles and roles[stmt.target].role == "array":
            if stmt.target in held:
                w(d, f"{target}[:] = np.where({nr}, {value}, {target})")
            else:
                w(d, f"{_whole(target)} = {value}")
        else:
            w(d, f"{target} = {value}")


