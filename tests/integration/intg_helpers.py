"""Test-side tools: a stand-in for Equations built from SingleEquation, and a numpy stepper.

``make_eqs`` turns Brian2-style lines (one equation per line, units ignored) into a small
hashable mapping of SingleEquation, so the integration methods can be tested on their own.
``Stepper`` executes an UpdateBlock's statements with numpy (printed by sympy, exec'd once):
the real code printers come later; this is the reference they will be compared with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from labkit.equations.functions import clip, exprel, rand, randn
from labkit.equations.model import SingleEquation
from labkit.equations.symbols import symbol

# SI values of the unit names the test models use (the real parser reads a unit table).
UNITS = {"mV": 1e-3, "ms": 1e-3, "second": 1.0, "volt": 1.0, "nS": 1e-9, "pF": 1e-12,
         "nA": 1e-9, "amp": 1.0, "siemens": 1.0, "farad": 1.0, "Hz": 1.0}
FUNCS = {"exp": sympy.exp, "exprel": exprel, "sqrt": sympy.sqrt, "tanh": sympy.tanh,
         "sin": sympy.sin, "cos": sympy.cos, "log": sympy.log, "abs": sympy.Abs,
         "clip": clip, "int": sympy.floor}

_LINE = re.compile(
    r"^(?:d(?P<diff>\w+)/dt|(?P<sub>\w+))\s*(?:=\s*(?P<expr>[^:]+))?:\s*(?P<unit>[^(]*?)"
    r"\s*(?:\((?P<flags>[^)]*)\))?\s*$"
)


def parse(text: str) -> sympy.Expr:
    """An expression string -> sympy, every name a ``symbol(name)`` (real=True)."""
    names = set(re.findall(r"[A-Za-z_]\w*", text)) - set(FUNCS) - set(UNITS)
    local = {**FUNCS, **UNITS, **{n: symbol(n) for n in names}}
    local["rand"] = lambda: rand(sympy.Integer(0))
    local["randn"] = lambda: randn(sympy.Integer(0))
    return sympy.sympify(sympy.parse_expr(text, local_dict=local))


class FakeEquations(Mapping):
    """Ordered, hashable name -> SingleEquation (the part of Equations integration reads)."""

    def __init__(self, equations):
        self._eqs = {eq.name: eq for eq in equations}

    def __getitem__(self, name):
        return self._eqs[name]

    def __iter__(self):
        return iter(self._eqs)

    def __len__(self):
        return len(self._eqs)

    def __hash__(self):
        return hash(tuple(self._eqs.values()))

    def __eq__(self, other):
        return isinstance(other, FakeEquations) and tuple(self.values()) == tuple(other.values())

    @property
    def diff_eq_names(self):
        return tuple(n for n, e in self._eqs.items() if e.kind == "diff")


def make_eqs(text: str) -> FakeEquations:
    """Brian2-style model lines -> FakeEquations (units are ignored)."""
    equations, pending = [], ""
    for raw in text.strip().splitlines():
        pending += " " + raw.split("#")[0].strip()
        if ":" not in pending:  # as Brian2: an equation runs until the line with its ':'
            continue
        line, pending = pending.strip(), ""
        m = _LINE.match(line)
        assert m, f"cannot read test model line {line!r}"
        flags = frozenset(f.strip() for f in (m["flags"] or "").split(",") if f.strip())
        if m["diff"]:
            equations.append(SingleEquation("diff", m["diff"], expr=parse(m["expr"]), flags=flags))
        elif m["expr"]:
            equations.append(SingleEquation("sub", m["sub"], expr=parse(m["expr"]), flags=flags))
        else:
            equations.append(SingleEquation("param", m["sub"], flags=flags))
    return FakeEquations(equations)


def np_exprel(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(z == 0, 1.0, np.expm1(z) / np.where(z == 0, 1.0, z))


class Stepper:
    """Execute an UpdateBlock with numpy: ``stepper.step(values)`` updates ``values``.

    The statements are printed once (sympy's NumPy printer) into one Python function, so a
    step is one call. ``values`` maps names to floats or arrays (state variables, parameters,
    ``t``, ``dt``); each random call draws ``n`` numbers from ``rng`` when evaluated.
    """

    def __init__(self, block, rng=None, n=1):
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.n = n
        printer = NumPyPrinter({"fully_qualified_modules": False, "allow_unknown_functions": True})
        reads, assigned = set(), set()
        for st in block.statements:  # names used before the block assigns them
            reads |= {s.name for s in st.expr.free_symbols} - assigned
            assigned.add(st.target)
        lines = [f"    {name} = ns[{name!r}]" for name in sorted(reads)]
        lines += [f"    {st.target} = {printer.doprint(st.expr)}" for st in block.statements]
        lines += [f"    ns[{name!r}] = {name}" for name in block.written]
        self.source = "def step(ns):\n" + "\n".join(lines or ["    pass"])
        namespace = {name: getattr(np, name) for name in dir(np) if not name.startswith("_")}
        namespace.update(exprel=np_exprel, randn=self._randn, rand=self._rand, clip=np.clip)
        exec(compile(self.source, "<update block>", "exec"), namespace)
        self.step = namespace["step"]

    def _randn(self, site):
        return self.rng.standard_normal(self.n)

    def _rand(self, site):
        return self.rng.random(self.n)

    def run(self, values: dict, steps: int) -> dict:
        for _ in range(steps):
            self.step(values)
            values["t"] = values["t"] + values["dt"]
        return values


def slope(dts, errors) -> float:
    """Fitted order of convergence: the slope of log(error) against log(dt)."""
    return float(np.polyfit(np.log(dts), np.log(errors), 1)[0])
