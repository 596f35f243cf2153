"""A CableUpdate -> its loop description: backward Euler for the whole tree, Hines's way.

For every compartment ``i``, with ``a`` its area and ``c = Cm*a/dt``, the new potential
satisfies ``c*(v' - v) = a*(I0 - gtot*v') + sum over neighbours of g*(v'_nb - v')``; a
branch point (no capacitance) only balances its currents. Written as ``d*v' - sum g*v'_nb
= b``, the matrix has the tree's shape: eliminating each unknown into its parent, leaves
first, leaves one equation at the root; substituting back from the root gives every
``v'`` exactly (Hines 1984). Both passes are serial loops (each step needs the previous);
the per-compartment parts are element loops. Then ``Ic = Cm*(v' - v)/dt`` and ``v = v'``,
as Brian2 reports them. The tree's arrays are the owner's internal arguments
``hines_parent``, ``hines_g``, ``hines_gsum`` (conductances, already divided by Ri),
``hines_order`` and the work arrays ``hines_d``, ``hines_b``.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.loops import Assign, Const, For, Length, Model, Name, Update
from labkit.codegen.modelcode import clock_names, draws, head, lookups, scope
from labkit.codegen.prepare import prepare
from labkit.codegen.spec import argument

__all__ = ["BUILDERS"]

I, K = Name("_i"), Name("_k")
U, P, F, C = Name("_lk_u"), Name("_lk_p"), Name("_lk_f"), Name("_lk_c")


def _cable(op: S.CableUpdate, p: int, spec) -> tuple:
    prepared = prepare(op, (), (op.gtot, op.I0))
    sc = scope(op, prepared, p, element=I, draw=I)

    def tree(part):
        return Name(argument(op.owner, f"hines_{part}", "internal"))

    parent, g, gsum, order, d, b = (tree(part) for part in
                                    ("parent", "g", "gsum", "order", "d", "b"))
    size, unknowns = Name(op.size), Length(order.name)
    dt = clock_names(op.clock)["dt"]
    v, cm, area, ic = (sc.names[name] for name in ("v", "Cm", "area", "Ic"))
    gtot, I0 = (Model(expr, sc) for expr in prepared.expressions)
    compartments = (*lookups(op, sc, prepared, -1),
                    Assign(C, cm * area / dt, "const double"),
                    Assign(d[I], C + gtot * area + gsum[I]),
                    Assign(b[I], C * v + I0 * area))
    branch_points = (Assign(d[I], gsum[I]), Assign(b[I], Const(0.0)))
    eliminate = (Assign(U, order[unknowns - K], "const int64_t"),
                 Assign(P, parent[U], "const int64_t"),
                 Assign(F, g[U] / d[U], "const double"),
                 Update(d[P], "-", F * g[U]),
                 Update(b[P], "+", F * b[U]))
    root = order[Const(0)]
    substitute = (Assign(U, order[K], "const int64_t"),
                  Assign(b[U], (b[U] + g[U] * b[parent[U]]) / d[U]))
    write = (Assign(ic, cm * (b[I] - v) / dt), Assign(v, b[I]))
    return (*head(op, sc, prepared), *draws(p, prepared, sc, size, size),
            For("_i", Const(0), size, compartments, kind="elements"),
            For("_i", size, unknowns, branch_points, kind="elements"),
            For("_k", Const(1), unknowns, eliminate),
            Assign(b[root], b[root] / d[root]),
            For("_k", Const(1), unknowns, substitute),
            For("_i", Const(0), size, write, kind="elements"))


BUILDERS = {S.CableUpdate: _cable}
