"""Quantity -> text: ``'3. mV'`` for people, ``'3. * mvolt'`` for Python (repr).

Why: Brian2 users read values in the unit that suits them (``1.1 kV``, not
``1100. m^2 kg s^-3 A^-1``), and a ``repr`` that evaluates back under ``from labkit import *``
makes notebooks copy-pasteable. Display is computed, not stored: a table of candidate
display units per dimension (prefixed named units, a few compound ones such as ``mS/cm^2``)
and a rule: the prefix that puts the largest magnitude in [1, 1000). Dimensions without a
candidate fall back to base units, ``m^-4 kg^-1 s^3 A^2``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.dimension import BASE_NAMES, DIMENSIONLESS, Dimension
from labkit.units.table import BASE_UNITS, COMMON_PREFIXES, PREFIXES
from labkit.units.ufunc_rules import dim_of

__all__ = ["DisplayUnit", "DISPLAY_UNITS", "best_unit", "format_quantity", "format_in_unit",
           "format_with_spec", "describe"]


class DisplayUnit(NamedTuple):
    """How to show one unit: SI factor, text for people, expression for Python."""

    factor: float
    text: str
    code: str


_NAMED = ("second", "metre", "gram", "amp", "kelvin", "mole", "candela", "volt", "ohm",
          "siemens", "farad", "coulomb", "hertz", "watt", "joule", "newton", "pascal", "molar")
#: Compound units shown as prefixed numerator / fixed denominator (neuroscience habits).
_COMPOUND = (
    # numerator, denominator text, denominator code, denominator SI factor, its dimension
    (("volt", "amp", "siemens", "molar", "metre"), "s", "second", 1.0, "second"),
    (("siemens", "farad", "amp"), "cm^2", "cmetre ** 2", 1e-4, "metre2"),
)


def _build() -> dict[Dimension, list[DisplayUnit]]:
    rows = {row.names[0]: row for row in BASE_UNITS}
    table: dict[Dimension, list[DisplayUnit]] = {}

    def add(dim, entries):
        if dim not in table and dim is not DIMENSIONLESS:
            table[dim] = sorted(entries)

    for power in (1, 2, 3):
        for name in _NAMED:
            row = rows[name]
            prefixes = COMMON_PREFIXES if row.prefixable else ("",)
            code_power = "" if power == 1 else f" ** {power}"
            text_power = "" if power == 1 else f"^{power}"
            add(row.dim**power, [
                DisplayUnit(float(f"1e{(PREFIXES[p] + row.exponent10) * power}"),
                            f"{p}{row.symbol}{text_power}",
                            f"{'kilogram' if p + name == 'kgram' else p + name}{code_power}")
                for p in prefixes])
    second, metre = rows["second"].dim, rows["metre"].dim
    denominators = {"second": second, "metre2": metre**2}
    for names, den_text, den_code, den_factor, den_dim in _COMPOUND:
        for name in names:
            row = rows[name]
            add(row.dim / denominators[den_dim], [
                DisplayUnit(float(f"1e{PREFIXES[p] + row.exponent10}") / den_factor,
                            f"{p}{row.symbol}/{den_text}", f"{p}{name} / {den_code}")
                for p in COMMON_PREFIXES])
    ohm = rows["ohm"]
    add(ohm.dim * metre, [DisplayUnit(float(f"1e{PREFIXES[p] - 2}"), f"{p}ohm*cm",
                                      f"{p}ohm * cmetre") for p in ("", "k", "M")])
    return table


#: Dimension -> candidate display units, sorted by factor.
DISPLAY_UNITS: dict[Dimension, list[DisplayUnit]] = _build()


def _base_unit(dim: Dimension) -> DisplayUnit:
    """The fallback: a product of SI base units."""
    code = []
    for name, exponent in zip(BASE_NAMES, dim.exponents, strict=True):
        if exponent == 0:
            continue
        shown = int(exponent) if float(exponent).is_integer() else exponent
        code.append(name if shown == 1 else f"{name} ** {shown}")
    return DisplayUnit(1.0, str(dim), " * ".join(code))


def best_unit(dim: Dimension, values=None) -> DisplayUnit:
    """dim + values in SI -> the unit putting the largest magnitude in [1, 1000).

    >>> from labkit.units.table import UNITS
    >>> best_unit(UNITS["volt"].dim, 0.003).text
    'mV'
    """
    candidates = DISPLAY_UNITS.get(dim)
    if candidates is None:
        return _base_unit(dim)
    magnitudes = np.abs(np.asarray(values if values is not None else 1.0, dtype=float))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if magnitudes.size == 0:
        return min(candidates, key=lambda c: abs(np.log10(c.factor)))
    largest = magnitudes.max() * (1 + 1e-9)
    chosen = candidates[0]
    for candidate in candidates:
        if candidate.factor <= largest:
            chosen = candidate
    return chosen


def _numbers(values, precision, python_code: bool) -> str:
    values = np.asarray(values)
    if values.ndim and python_code:
        return np.array_repr(values, precision=precision)
    return np.array2string(values, precision=precision)


def format_quantity(quantity, precision=None, python_code: bool = False) -> str:
    """Quantity -> ``'3. mV'`` (or ``'3. * mvolt'`` with ``python_code``).

    >>> from labkit.units import amp, ohm, mV
    >>> format_quantity(2 * amp * 550 * ohm)
    '1.1 kV'
    >>> format_quantity([1, 2, 3] * mV, python_code=True)
    'array([1., 2., 3.]) * mvolt'
    """
    raw = np.asarray(quantity)
    dim = dim_of(quantity)
    if dim is DIMENSIONLESS:
        return _numbers(raw, precision, python_code)
    unit = best_unit(dim, raw)
    scaled = raw / unit.factor if unit.factor != 1.0 else raw
    if python_code:
        return f"{_numbers(scaled, precision, True)} * {unit.code}"
    return f"{_numbers(scaled, precision, False)} {unit.text}"


def format_in_unit(quantity, unit, precision=None, python_code: bool = False) -> str:
    """Quantity + unit -> text in that unit: ``'0.003 V'``; the units must match.

    >>> from labkit.units import mV, volt
    >>> format_in_unit(3 * mV, volt)
    '0.003 V'
    """
    dim, unit_dim = dim_of(quantity), dim_of(unit)
    if dim is not unit_dim:
        raise DimensionMismatchError(
            f"Cannot show {describe(quantity)} in {describe(unit)}", dim, unit_dim)
    factor = float(np.asarray(unit))
    name, code = getattr(unit, "dispname", None), getattr(unit, "name", None)
    if name is None or code is None or np.ndim(unit) != 0:
        if unit_dim is DIMENSIONLESS:
            name = code = "" if factor == 1 else repr(factor)
        else:
            shown = best_unit(unit_dim, factor)
            ratio = factor / shown.factor
            exact = abs(ratio - 1) < 1e-12
            name = shown.text if exact else f"({ratio!r} {shown.text})"
            code = shown.code if exact else f"({ratio!r} * {shown.code})"
    scaled = np.asarray(quantity) / factor
    numbers = _numbers(scaled, precision, python_code)
    if not name:
        return numbers
    return f"{numbers} * {code}" if python_code else f"{numbers} {name}"


def format_with_spec(quantity, spec: str) -> str:
    """Quantity + format spec -> ``f'{3*mV:.2f}' == '3.00 mV'``."""
    raw = np.asarray(quantity)
    dim = dim_of(quantity)
    unit = best_unit(dim, raw) if dim is not DIMENSIONLESS else DisplayUnit(1.0, "", "")
    scaled = raw / unit.factor
    if scaled.ndim == 0:
        text = format(scaled.item(), spec)
    else:
        text = np.array2string(scaled, formatter={"all": lambda v: format(v, spec)})
    return f"{text} {unit.text}".rstrip()


def describe(x, limit: int = 10) -> str:
    """Anything -> a short text for error messages (long arrays are summarised)."""
    size = np.size(x) if isinstance(x, (np.ndarray, list, tuple)) else 1
    dim = dim_of(x)
    if size <= limit:
        if hasattr(x, "dim"):
            return format_quantity(x)
        return str(np.asarray(x)) if isinstance(x, (list, tuple)) else str(x)
    unit = best_unit(dim, np.asarray(x)).text if dim is not DIMENSIONLESS else "no units"
    return f"<array of shape {np.shape(x)} in {unit}>"

