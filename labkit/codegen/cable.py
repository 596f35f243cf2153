"""A CableUpdate -> its loop description: an implicit step for the whole tree, Hines's way.

For every compartment ``i``, with ``a`` its area and ``c = Cm*a/dt``, the new potential
satisfies ``c*(v' - v) = a*(I0 - gtot*v') + sum over neighbours of g*(v'_nb - v')``; a
branch point (no capacitance) only balances its currents. Written as ``d*v' - sum g*v'_nb
= b``, the matrix has the tree's shape: eliminating each unknown into its parent, leaves
first, leaves one equation at the root; substituting back from the root gives every
``v'`` exactly (Hines 1984). The tree (:func:`labkit.spatial.cable.hines_tree`) comes
section by section: inside a section each compartment's parent is the one before it, so
every pass runs over contiguous arrays with its running value in a local, and looks an
index up only at the section's two branch points.

Why it is written this way (the passes are serial: each unknown needs the one before, so
their speed is the latency of that chain): the elimination is split. Factorising the
diagonal (``1/d``, ``c = g/d``, ``d_parent -= g*g/d``, with ``g*g`` precomputed) holds the
one division per unknown; the right-hand side (``b/d`` stored, ``b_parent += c*b``) and
the substitution (``v'_u = b_u/d_u + c_u*v'_parent``) are chains of multiply-adds. The
diagonal changes from step to step only through the membrane's ``gtot``: when ``gtot``
cannot change during a run (``CableUpdate.constant_gtot``: a passive membrane), the
factorisation runs at the first step of a run only (the flag ``hines_fresh``, which the
plan resets), which halves the cost of a passive tree's step. Then ``Ic = Cm*(v' - v)/dt``
and ``v = v'``, as Brian2 reports them. The tree's arrays are the owner's internal
arguments ``hines_g``, ``hines_gg``, ``hines_gsum``, ``hines_start``, ``hines_stop``,
``hines_node``, ``hines_pnode``, the work arrays ``hines_d``, ``hines_b``, ``hines_c``,
``hines_inv`` and the flag ``hines_fresh``.

With ``CableUpdate.crank_nicolson`` the step is Crank-Nicolson's, as NEURON's
``secondorder``: the same solve with ``c = Cm*a/(dt/2)`` gives ``v(t + dt/2)`` (a
backward-Euler half step), and ``v(t + dt) = 2 v(t + dt/2) - v(t)``. The channels, updated
before the cable with ``v(t)``, are then read as living half a step away from ``v`` (from
``t - dt/2`` to ``t + dt/2``: a midpoint rule), so ``gtot`` and ``I0`` are centred too and
the whole is second order in ``dt``.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.loops import Assign, Const, For, If, Length, Model, Name, Update
from labkit.codegen.modelcode import clock_names, draws, head, lookups, scope
from labkit.codegen.prepare import prepare
from labkit.codegen.spec import argument

__all__ = ["BUILDERS"]

I, J, K = Name("_i"), Name("_j"), Name("_k")
U, C = Name("_lk_u"), Name("_lk_c")
FIRST, LAST = Name("_lk_first"), Name("_lk_last")
RUN, INV = Name("_lk_run"), Name("_lk_inv")


def _sections(tree, reverse: bool, body) -> For:
    """``body(tree, s)`` for every section ``s``: leaves first when ``reverse``."""
    count = Length(tree("start").name)
    return For("_k", Const(0), count, body(tree, count - Const(1) - K if reverse else K))


def _factorise(tree, s):
    """Section ``s``'s diagonal, eliminated from its end node to its first compartment:
    ``1/d`` and ``c = g/d`` stored, ``g*g/d`` taken from the parent's diagonal."""
    g, gg, d, inv, c, node, start, stop, pnode = (
        tree(p) for p in ("g", "gg", "d", "inv", "c", "node", "start", "stop", "pnode"))

    def one(j):
        return (Assign(INV, Const(1.0) / RUN), Assign(inv[j], INV), Assign(c[j], g[j] * INV))

    return (Assign(U, node[s], "const int64_t"), Assign(FIRST, start[s], "const int64_t"),
            Assign(LAST, stop[s] - Const(1), "const int64_t"),
            Assign(RUN, d[U], "double"), Assign(INV, Const(0.0), "double"), *one(U),
            Assign(RUN, d[LAST] - gg[U] * INV),
            For("_j", LAST, FIRST, (*one(J), Assign(RUN, d[J - Const(1)] - gg[J] * INV)),
                step=-1),
            *one(FIRST), Update(d[pnode[s]], "-", gg[FIRST] * INV))


def _forward(tree, s):
    """Section ``s``'s right-hand side, the same way: ``b/d`` stored, ``c*b`` added to
    the parent's (the running sum is a multiply-add chain: no division)."""
    b, inv, c, node, start, stop, pnode = (
        tree(p) for p in ("b", "inv", "c", "node", "start", "stop", "pnode"))

    def one(j):
        return (Assign(b[j], RUN * inv[j]),)

    return (Assign(U, node[s], "const int64_t"), Assign(FIRST, start[s], "const int64_t"),
            Assign(LAST, stop[s] - Const(1), "const int64_t"),
            Assign(RUN, b[U], "double"), *one(U),
            Assign(RUN, b[LAST] + c[U] * RUN),
            For("_j", LAST, FIRST, (*one(J), Assign(RUN, b[J - Const(1)] + c[J] * RUN)),
                step=-1),
            *one(FIRST), Update(b[pnode[s]], "+", c[FIRST] * RUN))


def _backward(tree, s):
    """Section ``s``'s potentials from its parent node's: ``v' = b/d + c*v'_parent``."""
    b, c, node, start, stop, pnode = (
        tree(p) for p in ("b", "c", "node", "start", "stop", "pnode"))
    return (Assign(RUN, b[pnode[s]], "double"),
            For("_j", start[s], stop[s], (Assign(RUN, b[J] + c[J] * RUN), Assign(b[J], RUN))),
            Assign(U, node[s], "const int64_t"), Assign(b[U], b[U] + c[U] * RUN))


def _cable(op: S.CableUpdate, p: int, spec) -> tuple:
    prepared = prepare(op, (), (op.gtot, op.I0))
    sc = scope(op, prepared, p, element=I, draw=I)

    def tree(part):
        return Name(argument(op.owner, f"hines_{part}", "internal"))

    d, b, gsum, fresh = (tree(part) for part in ("d", "b", "gsum", "fresh"))
    size, unknowns = Name(op.size), Length(d.name)
    dt = clock_names(op.clock)["dt"]
    v, cm, area, ic = (sc.names[name] for name in ("v", "Cm", "area", "Ic"))
    gtot, I0 = (Model(expr, sc) for expr in prepared.expressions)
    # Crank-Nicolson: a backward-Euler half step to v(t + dt/2), extrapolated below
    step = dt * Const(0.5) if op.crank_nicolson else dt
    capacitive = Assign(C, cm * area / step, "const double")
    diagonal = Assign(d[I], C + gtot * area + gsum[I])
    rhs = Assign(b[I], C * v + I0 * area)
    # the branch points and the spare (gsum 1, b 0: see hines_tree)
    nodes_diagonal, nodes_rhs = Assign(d[I], gsum[I]), Assign(b[I], Const(0.0))
    if op.crank_nicolson:   # v(t + dt) = 2 v(t + dt/2) - v(t)
        new_v = (Assign(ic, cm * (b[I] - v) / step), Assign(v, Const(2.0) * b[I] - v))
    else:
        new_v = (Assign(ic, cm * (b[I] - v) / dt), Assign(v, b[I]))
    factorise = (For("_i", size, unknowns, (nodes_diagonal,), kind="elements"),
                 _sections(tree, True, _factorise))
    solve = (_sections(tree, True, _forward), _sections(tree, False, _backward),
             For("_i", Const(0), size, new_v, kind="elements"))
    start = (*head(op, sc, prepared), *draws(p, prepared, sc, size, size))
    if op.constant_gtot:   # factorised once a run, at its first step
        once = (For("_i", Const(0), size, (capacitive, diagonal), kind="elements"),
                *factorise, Assign(fresh[Const(0)], Const(1)))
        return (*start, If(fresh[Const(0)].eq(Const(0)), once),
                For("_i", Const(0), size,
                    (*lookups(op, sc, prepared, -1), capacitive, rhs), kind="elements"),
                For("_i", size, unknowns, (nodes_rhs,), kind="elements"), *solve)
    return (*start,
            For("_i", Const(0), size, (*lookups(op, sc, prepared, -1), capacitive,
                                       diagonal, rhs), kind="elements"),
            For("_i", size, unknowns, (nodes_rhs,), kind="elements"), *factorise, *solve)


BUILDERS = {S.CableUpdate: _cable}
