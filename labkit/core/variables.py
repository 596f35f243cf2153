"""A group's variables: name -> storage array + dimension + what may be done with it.

Groups keep every state variable and parameter as one float64 (or bool/int) numpy array
that never moves: kernels receive these very arrays, network operations and monitors see
them, and assignments write *into* them (``G.v = ...`` copies values in, it never rebinds),
so a reference taken before a run stays valid after it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.dimension import DIMENSIONLESS, Dimension, readable
from labkit.units.helpers import get_unit
from labkit.units.quantity import Quantity
from labkit.units.ufunc_rules import is_plain_zero

if TYPE_CHECKING:
    import sympy

__all__ = ["DTYPES", "LazySubexpression", "Variable", "checked_values", "as_quantity",
           "is_zero_text"]

#: Kinds of variables: differential-equation state, parameter (``x : unit``),
#: subexpression (computed, no storage), internal (lastspike, not_refractory),
#: index (``i``).
KINDS = ("state", "parameter", "subexpression", "internal", "index")

#: A model's declared type (``: 1``, ``: boolean``, ``: integer``) -> the values' dtype.
DTYPES = {"float": np.float64, "boolean": np.bool_, "integer": np.int64}


@dataclass(eq=False)
class Variable:
    """One named variable of a group.

    ``array`` is the storage (None for subexpressions, whose ``expr`` is their right side
    with other subexpressions substituted). ``read_only`` variables (``i``, ``N``,
    ``constant`` parameters during a run) refuse assignment with an explanation.
    """

    name: str
    dim: Dimension = DIMENSIONLESS
    kind: str = "parameter"
    array: np.ndarray | None = None
    expr: sympy.Expr | None = None
    read_only: bool = False
    shared: bool = False
    #: The declared type, which gives a subexpression's values their dtype (u = v < 1 : 1
    #: reads as 1.0 and 0.0, u = v < 1 : boolean as True and False).
    var_type: str = "float"
    #: Computed from other arrays when ``array`` is read (synapses' ``N_incoming``): the
    #: planner passes it to a kernel only when code or a monitor reads it.
    computed_when_read = False

    @property
    def dtype(self):
        return np.dtype(DTYPES[self.var_type]) if self.array is None else self.array.dtype

    @property
    def is_boolean(self) -> bool:
        return self.dtype == np.bool_


class LazySubexpression(Variable):
    """A subexpression (or a variable linked to one: ``kind='linked'``) whose ``expr`` is
    made by ``load()`` when first read.

    Building a group from a model seen before needs no sympy (:mod:`labkit.groups.
    stored_model`); the expression is parsed only when a run's planning or a read of
    ``G.u`` needs it.
    """

    def __init__(self, name, dim, load, shared=False, var_type="float", kind="subexpression",
                 read_only=False):
        self._load = load
        super().__init__(name, dim, kind, shared=shared, var_type=var_type,
                         read_only=read_only)

    @property
    def expr(self):
        if self._expr is None and self._load is not None:
            self._expr, self._load = self._load(), None
        return self._expr

    @expr.setter
    def expr(self, value):
        self._expr = value

    def __getstate__(self) -> dict:
        """Pickled (a network sent to a worker process): loaded first, since ``load`` is a
        closure over its group, which cannot be pickled."""
        self.expr  # noqa: B018 - loads it
        return dict(vars(self))


def as_quantity(values, dim: Dimension):
    """Raw array (a view) + dimension -> Quantity view, or the array when dimensionless."""
    if dim is DIMENSIONLESS:
        return values
    q = values.view(Quantity)
    q.dim = dim
    return q


def checked_values(value, var: Variable, where: str) -> np.ndarray:
    """A value for ``var`` -> a plain array in SI units, after a dimension check.

    Parameters
    ----------
    value : number, Quantity, bool, array-like
        What the user assigns. A plain zero (``0``, ``0.0``, an array of zeros) fits any
        unit, as in Brian2: ``G.v = 0`` for a variable in volt.
    var : Variable
        The target (its dimension and dtype).
    where : str
        ``"NeuronGroup 'neurongroup', variable 'v'"``: named in errors.
    """
    dim = getattr(value, "dim", None)
    if dim is None and isinstance(value, (list, tuple)) and value and hasattr(value[0], "dim"):
        value = Quantity(value)
        dim = value.dim
    if dim is None:
        dim = DIMENSIONLESS
    if dim is not var.dim and not (dim is DIMENSIONLESS and is_plain_zero(value)):
        if var.dim is DIMENSIONLESS:
            fix = "give a plain number"
        else:
            fix = f"give a value in units of {readable(var.dim)}, e.g. 0*{_unit_name(var.dim)}"
        raise DimensionMismatchError(
            f"cannot set {where} (units of {readable(var.dim)}) to a value in units of "
            f"{readable(dim)}; {fix}", var.dim, dim)
    raw = np.asarray(value.view(np.ndarray) if isinstance(value, Quantity) else value)
    if var.is_boolean and raw.dtype != np.bool_:
        raise TypeError(f"{where} is boolean; assign True/False (or a condition string)")
    return raw


def is_zero_text(text: str) -> bool:
    """``'0'``, ``'0.0'``, ``'-0'``, ``'(0)'`` -> True: a string that is a literal zero.

    ``G.v = '0'`` then sets a variable of any unit, like ``G.v = 0``; an expression that
    merely evaluates to zero (``'v - v'``, ``'0*w'``) is checked for units as usual.

    >>> is_zero_text(' 0.0 '), is_zero_text('(-0)'), is_zero_text('0*w'), is_zero_text('1')
    (True, True, False, False)
    """
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return type(value) in (int, float) and value == 0


def _unit_name(dim: Dimension) -> str:
    return str(get_unit(dim))
