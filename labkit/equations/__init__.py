"""Stage 1, text -> Equations: line grammar, expression parsing through a whitelist into
sympy, and dimension checks.

Only :class:`Equations` and the line's data class are imported with the package: both work
without sympy (an Equations object seen before reads its plain lines), so ``import
labkit`` can re-export ``Equations`` itself. The parser's names load sympy and come from
their modules when first asked for (``from labkit.equations import parse_expression``).

>>> from labkit.equations import Equations
>>> Equations("dv/dt = -v/tau : volt").identifiers
('tau',)
"""

from labkit.equations.equations import Equations
from labkit.equations.model import FLAGS, SingleEquation

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


def __getattr__(name: str):
    """The parser's public names (they load sympy), imported on first use."""
    if name in ("Resolver", "check_condition", "check_dimensions", "check_statement",
                "infer_dimension", "resolver"):
        from labkit.equations import checks as module
    elif name == "parse_expression":
        from labkit.equations import expressions as module
    elif name in ("expression_str", "unit_str"):
        from labkit.equations import printing as module
    elif name in ("Statement", "parse_statements"):
        from labkit.equations import statements as module
    elif name == "parse_unit":
        from labkit.equations import unitspec as module
    else:
        raise AttributeError(f"module 'labkit.equations' has no attribute '{name}'")
    return getattr(module, name)
