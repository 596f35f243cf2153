"""Stage 1, text -> Equations: line grammar, expression parsing through a whitelist into
sympy, and dimension checks.

>>> from labkit.equations import Equations
>>> Equations("dv/dt = -v/tau : volt").identifiers
('tau',)
"""

from labkit.equations.checks import (
    Resolver,
    check_condition,
    check_dimensions,
    check_statement,
    infer_dimension,
    resolver,
)
from labkit.equations.equations import Equations
from labkit.equations.expressions import parse_expression
from labkit.equations.model import FLAGS, SingleEquation
from labkit.equations.printing import expression_str, unit_str
from labkit.equations.statements import Statement, parse_statements
from labkit.equations.unitspec import parse_unit

__all__ = [
    "FLAGS",
    "Equations",
    "Resolver",
    "SingleEquation",
    "Statement",
    "check_condition",
    "check_dimensions",
    "check_statement",
    "expression_str",
    "infer_dimension",
    "parse_expression",
    "parse_statements",
    "parse_unit",
    "resolver",
    "unit_str",
]
