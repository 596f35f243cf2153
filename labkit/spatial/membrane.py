"""A SpatialNeuron's model -> the group's equations and Im linearised around v (gtot, I0).

Why: the cable equation is integrated implicitly, which needs the membrane current as
``Im = I0 - gtot*v`` at each step. As Brian2 does, ``gtot = -dIm/dv`` and
``I0 = Im + gtot*v`` are derived symbolically from whatever ``Im`` the learner wrote (HH
channels, an NMDA block), with every subexpression substituted, and are evaluated with the
present values of the gates each step. Point currents (``I : amp (point current)``) are
divided by the compartment's area and added to ``Im``. ``v`` becomes a parameter of the
group (the cable solver writes it), and the geometry and cable constants become
parameters too, so that equations, monitors and ``neuron.area`` can read them.
"""

from __future__ import annotations

from dataclasses import replace

import sympy

from labkit.equations import Equations
from labkit.equations.model import SingleEquation
from labkit.equations.symbols import symbol
from labkit.errors import EquationError
from labkit.units import amp, meter, second

__all__ = ["membrane_equations", "GEOMETRY"]

_CURRENT_DENSITY = (amp / meter ** 2).dim

#: Per-compartment constants a SpatialNeuron provides (from its morphology, Cm and Ri).
GEOMETRY = """
length : meter (constant)
distance : meter (constant)
area : meter**2 (constant)
volume : meter**3 (constant)
diameter : meter (constant)
r_length_1 : meter (constant)
r_length_2 : meter (constant)
Cm : farad/meter**2 (constant)
Ri : ohm*meter (constant, shared)
Ic : amp/meter**2
"""
_COORDINATES = """
x : meter (constant)
y : meter (constant)
z : meter (constant)
"""


def _split(model: Equations):
    """User equations -> (equations without Im, Im's expression, point-current names)."""
    if "Im" not in model or model["Im"].kind != "sub":
        raise EquationError("a SpatialNeuron's model must define the membrane current per "
                            "area as a subexpression, e.g. 'Im = gL*(EL - v) : "
                            "amp/meter**2' (positive = into the cell)")
    im = model["Im"]
    if im.dim is not _CURRENT_DENSITY:
        raise EquationError(f"'{im.source or im}': Im is a current per area; give it the "
                            "unit amp/meter**2")
    if im.flags:
        raise EquationError(f"'{im.source or im}': Im takes no flags")
    for reserved in ("v", "area", "Cm", "Ri", "length", "distance", "diameter"):
        if reserved in model:
            raise EquationError(f"a SpatialNeuron defines '{reserved}' itself (the membrane "
                                f"potential and the geometry); remove '{reserved}' from "
                                "the model")
    kept, points = [], []
    for eq in model.values():
        if eq.name == "Im":
            continue
        if "point current" in eq.flags:
            if eq.dim is not amp.dim:
                raise EquationError(f"'{eq.source or eq}': a point current is a current "
                                    "(not per area); give it the unit amp")
            points.append(eq.name)
            eq = replace(eq, flags=eq.flags - {"point current"})
        kept.append(eq)
    return kept, im.expr, points


def membrane_equations(model, has_coordinates: bool):
    """The user's model -> (the group's Equations, gtot, I0 as sympy expressions).

    >>> eqs, gtot, I0 = membrane_equations(Equations('''Im = gL*(EL - v) : amp/meter**2
    ...                                             I : amp (point current)'''), False)
    >>> gtot, I0
    (gL, EL*gL + I/area)
    """
    model = model if isinstance(model, Equations) else Equations(model)
    kept, im_expr, points = _split(model)
    area = symbol("area")
    for name in points:
        im_expr = im_expr + symbol(name) / area
    kept.append(SingleEquation("sub", "Im", _CURRENT_DENSITY, "float", im_expr,
                               frozenset(), "Im"))
    extra = Equations("v : volt\n" + GEOMETRY + (_COORDINATES if has_coordinates else ""))
    equations = Equations(kept) + extra
    substituted = dict(equations.get_substituted_expressions(include_subexpressions=True))
    im = substituted["Im"]
    v = symbol("v")
    slope = sympy.diff(im, v)
    if slope.atoms(sympy.Derivative):
        raise EquationError(f"cannot differentiate Im = {im} with respect to v")
    gtot = -slope
    # Brian2's local constants from the total conductance: tau = Cm/gtot and the length
    # constant of an equivalent cylinder (sqrt(d/(4 Ri gtot)) for a cylinder)
    r1, r2, ri = symbol("r_length_1"), symbol("r_length_2"), symbol("Ri")
    space = (2 / sympy.pi) ** sympy.Rational(1, 3) * (area / (1 / r1 + 1 / r2)) ** \
        sympy.Rational(1, 6) / (2 * sympy.sqrt(ri * gtot))
    equations = equations + Equations([
        SingleEquation("sub", "time_constant", second.dim, "float", symbol("Cm") / gtot,
                       frozenset(), "time_constant"),
        SingleEquation("sub", "space_constant", meter.dim, "float", space, frozenset(),
                       "space_constant")])
    # expanded so that the v terms of a linear Im cancel symbolically, not in rounding
    return equations, gtot, sympy.expand(im - slope * v)
