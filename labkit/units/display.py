"""Quantity -> text: ``'0.5 ms'`` for people, ``'0.5 * msecond'`` for Python (repr).

Why: a script ported from Brian2 should print what Brian2 prints. Brian2's rule, learned
from its documentation and behaviour:

* the candidates are the known units of the quantity's dimension in the first registry
  that has any (:mod:`labkit.units.registry`: standard, then user-built, then additional);
  a dimension without any is shown in SI base units (``m^2 kg s^-4 A^-1``);
* among them, the unit that brings the shown values closest to 10 on a log scale wins:
  the smallest sum of ``(log10(|x|/unit) - 1)**2`` over the non-zero values (for arrays
  larger than numpy's print threshold, over the values numpy will show); ``0.5 ms`` (5 is
  nearer to 10 than 500 is), ``999. ms`` becomes ``0.999 s``. Equal scores go to the
  candidate registered first; when every value is zero or NaN the unscaled unit (``V``)
  is used.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.dimension import BASE_NAMES, BASE_SYMBOLS, DIMENSIONLESS, Dimension, dim_of
from labkit.units.registry import REGISTRIES

__all__ = ["DisplayUnit", "best_unit", "base_unit", "format_quantity", "format_in_unit",
           "format_with_spec", "describe"]


class DisplayUnit(NamedTuple):
    """How to show one unit: SI factor, text for people, expression for Python."""

    factor: float
    text: str
    code: str


def _exponent(value: float):
    return int(value) if float(value).is_integer() else float(value)


def base_unit(dim: Dimension) -> DisplayUnit:
    """The fallback: a product of SI base units (``m^2 kg s^-4 A^-1``)."""
    text, code = [], []
    for symbol, name, exponent in zip(BASE_SYMBOLS, BASE_NAMES, dim.exponents, strict=True):
        if exponent == 0:
            continue
        shown = _exponent(exponent)
        text.append(symbol if shown == 1 else f"{symbol}^{shown}")
        code.append(name if shown == 1 else f"{name} ** {shown}")
    return DisplayUnit(1.0, " ".join(text), " * ".join(code))


def _shown(values: np.ndarray) -> np.ndarray:
    """The values numpy prints (its edge items, for arrays over the print threshold)."""
    options = np.get_printoptions()
    if values.size <= options["threshold"]:
        return values.ravel()
    edge = options["edgeitems"]
    parts = [((slice(0, edge), slice(-edge, None)) if length > 2 * edge else (slice(None),))
             for length in values.shape]
    return np.concatenate([values[index].ravel() for index in itertools.product(*parts)])


def _choose(candidates: dict, values: np.ndarray):
    """Registered units of one dimension + values -> the best unit (None: no choice)."""
    factors = np.fromiter(candidates, dtype=float, count=len(candidates))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.abs(values)[:, None] / factors[None, :]
        ratios[ratios == 0] = np.nan  # zeros read well in any unit
        if np.all(np.isnan(ratios)):
            return candidates.get(1.0)
        scores = np.nansum((np.log10(ratios) - 1) ** 2, axis=0)
    return list(candidates.values())[int(np.argmin(scores))]


def best_unit(dim: Dimension, values=None) -> DisplayUnit:
    """dim + values in SI -> the unit Brian2 would show them in.

    >>> from labkit.units.table import UNITS
    >>> best_unit(UNITS["volt"].dim, 0.003).text, best_unit(UNITS["second"].dim, 5e-4).text
    ('mV', 'ms')
    """
    if dim is DIMENSIONLESS:
        return DisplayUnit(1.0, "", "")
    raw = np.asarray(values if values is not None else 1.0, dtype=float)
    shown = _shown(raw)
    for registry in REGISTRIES:
        candidates = registry.get(dim)
        if candidates:
            unit = _choose(candidates, shown)
            if unit is not None:
                return DisplayUnit(float(unit), unit.dispname, unit.name)
    return base_unit(dim)


def _numbers(values, precision, python_code: bool) -> str:
    values = np.asarray(values)
    if values.ndim == 0:
        # numpy applies its print options to arrays only: print a one-element array
        text = np.array_str(values.reshape(1), precision=precision)
        return text.replace("[", "").replace("]", "").strip()
    if python_code:
        return np.array_repr(values, precision=precision)
    return np.array_str(values, precision=precision)


def _joined(numbers: str, unit: DisplayUnit, python_code: bool) -> str:
    if not unit.text:
        return f"Quantity({numbers.strip()})" if python_code else numbers.strip()
    return f"{numbers} * {unit.code}" if python_code else f"{numbers} {unit.text}".strip()


def format_quantity(quantity, precision=None, python_code: bool = False) -> str:
    """Quantity -> ``'3. mV'`` (or ``'3. * mvolt'`` with ``python_code``).

    >>> from labkit.units import amp, ohm, mV, ms
    >>> format_quantity(2 * amp * 550 * ohm), format_quantity(0.5 * ms)
    ('1.1 kV', '0.5 ms')
    >>> format_quantity([1, 2, 3] * mV, python_code=True)
    'array([1., 2., 3.]) * mvolt'
    """
    raw = np.asarray(quantity)
    dim = dim_of(quantity)
    if dim is DIMENSIONLESS and not python_code:
        return _numbers(raw, precision, False)
    unit = best_unit(dim, raw)
    scaled = raw / unit.factor if unit.factor != 1.0 else raw
    return _joined(_numbers(scaled, precision, python_code), unit, python_code)


def format_in_unit(quantity, unit, precision=None, python_code: bool = False) -> str:
    """Quantity + unit -> text in that unit: ``'0.003 V'``; the units must match.

    >>> from labkit.units import mV, volt
    >>> format_in_unit(3 * mV, volt)
    '0.003 V'
    """
    dim, unit_dim = dim_of(quantity), dim_of(unit)
    if dim is not unit_dim and not (dim is DIMENSIONLESS and np.all(np.asarray(quantity) == 0)):
        raise DimensionMismatchError(
            f"Cannot show {describe(quantity)} in {describe(unit)}", dim, unit_dim)
    factor = float(np.asarray(unit))
    if unit_dim is DIMENSIONLESS:
        shown = DisplayUnit(factor, "", "")
    elif getattr(unit, "name", None) is not None and np.ndim(unit) == 0:
        shown = DisplayUnit(factor, unit.dispname, unit.name)
    else:  # a quantity used as unit: named by its dimension, as Brian2 does
        shown = base_unit(unit_dim)._replace(factor=factor)
    numbers = _numbers(np.asarray(quantity) / factor, precision, python_code)
    return _joined(numbers, shown, python_code)


def format_with_spec(quantity, spec: str) -> str:
    """Quantity + format spec -> ``f'{3*mV:.2f}' == '3.00 mV'``."""
    raw = np.asarray(quantity)
    unit = best_unit(dim_of(quantity), raw)
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
