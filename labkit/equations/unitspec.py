"""unit text after the ``:`` of an equation -> (Dimension, variable type).

``: volt``, ``: siemens/metre**2``, ``: 1/second``, ``: second**-0.5``, ``: 1``,
``: boolean``, ``: integer``. As in Brian2, only *base* units (scale 1: ``volt``, not
``mV``) may appear, because a variable's declared unit states its dimension, not a
scale; ``mV`` gets a message naming the unit to use instead. The text is read with
``ast`` and a tiny whitelist (names, the number 1, ``* / **``, numeric exponents), never
``eval``-ed.
"""

from __future__ import annotations

import ast
import functools
import warnings

import numpy as np

from labkit.equations.model import VarType
from labkit.equations.printing import unit_str
from labkit.errors import UnitError
from labkit.units.dimension import DIMENSIONLESS, Dimension
from labkit.units.table import UNITS


@functools.lru_cache(maxsize=1)
def _unit_tables() -> tuple[dict[str, Dimension], dict[str, Dimension]]:
    """(base units, all units): name -> dimension, from the unit table."""
    everything = {name: unit.dim for name, unit in UNITS.items()}
    base = {
        name: unit.dim
        for name, unit in UNITS.items()
        if float(np.asarray(unit).view(np.ndarray)) == 1.0 and not name[-1].isdigit()
    }
    return base, everything


def parse_unit(text: str) -> tuple[Dimension, VarType]:
    """The dimension and type a unit specification declares.

    Parameters
    ----------
    text : str
        ``'1'``, ``'boolean'``, ``'integer'``, or a product/quotient/power of base units.

    Returns
    -------
    (Dimension, {'float', 'boolean', 'integer'})

    Raises
    ------
    UnitError
        For unknown or non-base units, numbers other than 1, or other syntax.

    Examples
    --------
    >>> parse_unit("siemens/metre**2")
    (Dimension(m^-4 kg^-1 s^3 A^2), 'float')
    >>> parse_unit("boolean")
    (Dimension(1), 'boolean')
    >>> parse_unit("mV")
    Traceback (most recent call last):
    ...
    labkit.errors.UnitError: 'mV' is not a base unit; use 'volt' instead
    """
    spec = " ".join(str(text).split())
    if spec == "1":
        return DIMENSIONLESS, "float"
    if spec in ("boolean", "integer"):
        return DIMENSIONLESS, spec  # type: ignore[return-value]
    if spec == "bool":
        raise UnitError("use 'boolean', not 'bool', as the unit of a boolean variable")
    if not spec:
        raise UnitError("the unit is missing (write e.g. ': volt' or ': 1')")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(spec, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise UnitError(f"cannot read {spec!r} as a unit") from None
    try:
        dim = _dimension(tree.body, spec)
    except RecursionError:
        raise UnitError(f"cannot read {spec!r} as a unit") from None
    _register(tree.body)
    return dim, "float"


def _register(node: ast.AST):
    """Build the declared unit from units, as Brian2 does when it evaluates the text:
    the compound units this makes (``siemens / (metre ** 2)``) become display units."""
    if isinstance(node, ast.Name):
        return UNITS[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        value = _register(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    left, right = _register(node.left), _register(node.right)
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right if isinstance(node.op, ast.Div) else left**right


def _dimension(node: ast.AST, spec: str) -> Dimension:
    if isinstance(node, ast.Name):
        return _base_unit(node.id, spec)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == 1:
        return DIMENSIONLESS
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        left, right = _dimension(node.left, spec), _dimension(node.right, spec)
        return left * right if isinstance(node.op, ast.Mult) else left / right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return _dimension(node.left, spec) ** _number(node.right, spec)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        raise UnitError(
            f"{spec!r} is a quantity, not a unit: use only units, e.g. 'siemens/metre**2', "
            "not '1e-3*siemens/metre**2'"
        )
    raise UnitError(
        f"cannot read {spec!r} as a unit: only unit names, '*', '/', '**' and numeric "
        "exponents are allowed"
    )


def _number(node: ast.AST, spec: str) -> float:
    """An exponent: a number, possibly signed or a quotient (``-0.5``, ``(1/2)``)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _number(node.operand, spec)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        denominator = _number(node.right, spec)
        if denominator == 0:
            raise UnitError(f"division by zero in the exponent of {spec!r}")
        return _number(node.left, spec) / denominator
    raise UnitError(f"the exponents in {spec!r} must be numbers")


def _base_unit(name: str, spec: str) -> Dimension:
    base, everything = _unit_tables()
    if name in base:
        return base[name]
    if name in everything:
        raise UnitError(f"'{name}' is not a base unit; use '{unit_str(everything[name])}' instead")
    allowed = ", ".join(sorted(base, key=str.lower))
    raise UnitError(f"unknown unit '{name}' in {spec!r}; the allowed base units are: {allowed}")
