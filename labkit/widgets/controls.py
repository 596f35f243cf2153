"""Parameter ranges with units -> ipywidgets controls whose ``value`` is a Quantity.

Why: a slider holds a bare float, a model wants ``20*ms``. A :class:`Control` owns the
widget and the unit: the slider shows numbers in a readable unit (``tau [ms]``, range
1..100), and ``control.value`` gives the model a Quantity in SI (``0.02 s``, printed
``20. ms``). Time constants and conductances span decades, so they get log sliders.

:func:`control_from_spec` reads the abbreviations of ``@live``, in the spirit of
``ipywidgets.interact``: ``(1*ms, 100*ms, 'log')``, ``(0, 3)``, ``(0, 3, 0.5)``, ``(1, 10)``
(integers with an int default or step), ``['euler', 'rk4']`` (choice), ``True`` (checkbox).

>>> from labkit.units import ms
>>> tau = FloatControl("tau", 1 * ms, 100 * ms, 20 * ms, log=True)
>>> tau.widget.description
'tau [ms]'
>>> print(tau.value)
20. ms
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import numpy as np

from labkit.units import DIMENSIONLESS, Quantity, get_dimensions
from labkit.units.display import best_unit

__all__ = ["Control", "FloatControl", "IntControl", "ChoiceControl", "CheckControl",
           "control_from_spec"]

_STYLE = {"description_width": "initial"}


#: Fewest steps a slider's range is cut into by default: each key press moves it by at most
#: 1/20 of the range, a change one sees.
MIN_STEPS = 20
#: Tolerance, in steps, for a value to count as lying on the grid.
_ON_GRID = 1e-6


def on_grid(value: float, start: float, step: float) -> bool:
    """Is ``value`` one of ``start + k*step`` (k an integer)?"""
    k = (value - start) / step
    return abs(k - round(k)) < _ON_GRID


def nice_step(lo: float, hi: float, value: float) -> float:
    """A slider range and its default -> a step of 1, 2, 2.5 or 5 times a power of ten, at
    most 1/MIN_STEPS of the range, with the default and both ends on the grid (the default
    alone when no nice step fits both ends; an exact division of default - lo when no nice
    step fits the default: a slider whose default is off its grid snaps away from it).

    >>> nice_step(0.0, 3.0, 1.0), nice_step(-0.5, 0.5, 0.0), nice_step(0.0, 0.2, 0.05)
    (0.1, 0.05, 0.01)
    """
    span = hi - lo
    largest = span / MIN_STEPS
    top = 10 ** math.floor(math.log10(largest)) * 10
    nice = sorted((m * top / 10**e for e in range(7) for m in (5, 2.5, 2, 1)
                   if m * top / 10**e <= largest * (1 + 1e-9)), reverse=True)
    for needs_ends in (True, False):
        for step in nice:
            if on_grid(value, lo, step) and (not needs_ends or on_grid(hi, lo, step)):
                return step
    return (value - lo) / max(round((value - lo) / largest), 1)


class _DisplayUnit:
    """How a dimension is shown on a slider: SI factor, text, dimension (the best unit for
    the range unless ``unit`` says which: a lesson passes the unit its text uses)."""

    def __init__(self, values, unit=None):
        values = [v for v in values if v is not None]
        if unit is not None:
            self.dim = get_dimensions(unit)
            self.factor = float(np.asarray(unit))
            self.text = str(unit)
        else:
            self.dim = next((get_dimensions(v) for v in values if isinstance(v, Quantity)),
                            DIMENSIONLESS)
            if self.dim is DIMENSIONLESS:
                self.factor, self.text = 1.0, ""
            else:
                shown = best_unit(self.dim, [abs(float(np.asarray(v))) for v in values])
                self.factor, self.text = shown.factor, shown.text
        for v in values:
            if get_dimensions(v) is not self.dim:
                raise ValueError(f"{v!r} does not have the units of {self.text or '1'}")

    def to_number(self, value) -> float:
        """Quantity (or number) -> the number shown on the slider."""
        if get_dimensions(value) is not self.dim:
            raise ValueError(f"{value!r} does not have the units of {self.text or '1'}")
        return float(np.asarray(value)) / self.factor

    def to_quantity(self, number: float):
        """Slider number -> Quantity (float when dimensionless)."""
        if self.dim is DIMENSIONLESS:
            return float(number) * self.factor
        return Quantity(float(number) * self.factor, dim=self.dim)


def _label(name: str, label: str | None, unit_text: str) -> str:
    base = label or name
    return f"{base} [{unit_text}]" if unit_text else base


class Control:
    """One model parameter: ``name`` + a widget (+ unit) -> ``value`` for the model.

    Subclasses build the widget. ``value`` reads and writes in model terms (a Quantity for
    dimensioned sliders); ``default`` is what :meth:`reset` restores.
    """

    def __init__(self, name: str, widget: W.ValueWidget, default: Any):
        self.name = name
        self.widget = widget
        self.default = default

    @property
    def value(self):
        return self.widget.value

    @value.setter
    def value(self, value):
        self.widget.value = value

    def reset(self) -> None:
        """Put the control back at its default value."""
        self.value = self.default

    def observe(self, callback: Callable[[Control], None]) -> None:
        """Call ``callback(self)`` whenever the widget's value changes."""
        self.widget.observe(lambda _change: callback(self), names="value")

    @property
    def continuous_update(self) -> bool:
        return bool(getattr(self.widget, "continuous_update", False))

    @continuous_update.setter
    def continuous_update(self, flag: bool) -> None:
        if hasattr(self.widget, "continuous_update"):
            self.widget.continuous_update = bool(flag)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, value={self.value!r})"


class FloatControl(Control):
    """A float parameter in ``[min, max]``, with units, on a linear or log slider.

    Parameters
    ----------
    name : str
        The model parameter it sets.
    min, max : Quantity or float
        The range; they fix the dimension and the unit shown (the best for ``max``).
    value : Quantity or float, optional
        Default value; middle of the range (geometric middle for a log slider) if omitted.
        It lies on the slider's grid (min + k*step): the slider never moves it.
    step : Quantity or float, optional
        Slider step; if omitted, 1, 2, 2.5 or 5 times a power of ten, at most 1/20 of the
        range, that puts the default on the grid (for a log slider: an exponent step of
        about 1/20 decade through the default). A given step must put the default on it.
    log : bool
        A ``FloatLogSlider`` (min must be > 0): for time constants and conductances.
    unit : Unit, optional
        Show values in this unit instead of the automatic choice.
    label : str, optional
        Text before the unit (``'resistance R'``); the name if omitted.
    help : str, optional
        A longer explanation, shown when the pointer rests on the slider.
    """

    def __init__(self, name, min, max, value=None, step=None, *, log=False, unit=None,
                 label=None, continuous_update=True, help=None):
        self.unit = _DisplayUnit([min, max, value, None if log else step], unit)
        lo, hi = self.unit.to_number(min), self.unit.to_number(max)
        if not lo < hi:
            raise ValueError(f"control {name!r}: min must be below max, got {min!r}, {max!r}")
        common = dict(description=_label(name, label, self.unit.text), style=_STYLE,
                      continuous_update=continuous_update, tooltip=help or None,
                      layout=W.Layout(width="95%", max_width="520px"))
        if log:
            if lo <= 0:
                raise ValueError(f"control {name!r}: a log slider needs min > 0, got {min!r}")
            lo_e, hi_e = math.log10(lo), math.log10(hi)
            value_e = math.log10(self.unit.to_number(value)) if value is not None else None
            step_e, value_e = _log_grid(name, lo_e, hi_e, value_e, step)
            number = self.unit.to_number(value) if value is not None else 10**value_e
            widget = W.FloatLogSlider(value=number, base=10, min=lo_e, max=hi_e,
                                      step=step_e, readout_format=".3g", **common)
        else:
            number = self.unit.to_number(value) if value is not None else None
            step_n, number = _linear_grid(name, lo, hi, number,
                                          None if step is None else self.unit.to_number(step))
            widget = W.FloatSlider(value=number, min=lo, max=hi, step=step_n,
                                   readout_format=_readout(step_n), **common)
        self.log = log
        super().__init__(name, widget, self.unit.to_quantity(widget.value))

    @property
    def value(self):
        return self.unit.to_quantity(self.widget.value)

    @value.setter
    def value(self, value):
        self.widget.value = self.unit.to_number(value)


def _readout(step: float) -> str:
    """A slider step -> the format showing its values with the digits the step has
    (0.05 -> '.2f': 0.80, not 0.8000 or 0.800000001)."""
    for digits in range(7):
        if abs(step * 10**digits - round(step * 10**digits)) < 1e-6 * step * 10**digits:
            return f".{digits}f"
    return ".4g"


def _linear_grid(name, lo, hi, value, step):
    """Range, default (or None: the grid point nearest the middle) and step (or None: a nice
    one) -> (step, default) with the default on the slider's grid ``lo + k*step``."""
    if value is None:
        step = step or nice_step(lo, hi, lo)
        return step, lo + round((hi - lo) / 2 / step) * step
    if not lo <= value <= hi:
        raise ValueError(f"control {name!r}: the default {value:g} is outside {lo:g}..{hi:g}")
    if step is None:
        return nice_step(lo, hi, value), value
    if not on_grid(value, lo, step):
        raise ValueError(f"control {name!r}: the default {value:g} is not on the slider's "
                         f"grid {lo:g} + k*{step:g}, so the slider would move it; choose a "
                         f"step that divides {value - lo:g}")
    return step, value


def _log_grid(name, lo_e, hi_e, value_e, step_e):
    """As :func:`_linear_grid`, on exponents: about MIN_STEPS steps per decade unless
    ``step_e`` is given."""
    if value_e is None:
        value_e = (lo_e + hi_e) / 2
        step_e = step_e or (hi_e - lo_e) / max(round((hi_e - lo_e) * MIN_STEPS), 1)
        return step_e, lo_e + round((value_e - lo_e) / step_e) * step_e
    if not lo_e - _ON_GRID <= value_e <= hi_e + _ON_GRID:
        raise ValueError(f"control {name!r}: the default {10**value_e:g} is outside "
                         f"{10**lo_e:g}..{10**hi_e:g}")
    if step_e is None:
        below = value_e - lo_e
        if below < _ON_GRID:
            return (hi_e - lo_e) / max(round((hi_e - lo_e) * MIN_STEPS), 1), value_e
        return below / max(round(below * MIN_STEPS), 1), value_e
    if not on_grid(value_e, lo_e, float(step_e)):
        raise ValueError(f"control {name!r}: the default {10**value_e:g} is not on the log "
                         f"slider's grid (exponent {lo_e:g} + k*{step_e:g}); leave the step "
                         "out to have one chosen")
    return float(step_e), value_e


class IntControl(Control):
    """An integer parameter in ``[min, max]`` (a count: neurons, spikes) on an IntSlider."""

    def __init__(self, name, min, max, value=None, step=1, *, label=None,
                 continuous_update=True, help=None):
        value = (min + max) // 2 if value is None else int(value)
        widget = W.IntSlider(value=value, min=int(min), max=int(max), step=int(step),
                             description=label or name, style=_STYLE, tooltip=help or None,
                             continuous_update=continuous_update)
        super().__init__(name, widget, value)


class ChoiceControl(Control):
    """One of several values (numbers, Quantities, strings) on a Dropdown.

    Parameters
    ----------
    options : sequence or mapping
        The values; a mapping gives ``label -> value``. Values may be Quantities: the
        dropdown holds their positions, so no array comparison happens in the widget.
    """

    def __init__(self, name, options, value=None, *, label=None, help=None):
        pairs = list(options.items()) if isinstance(options, Mapping) else [
            (str(v), v) for v in options]
        if not pairs:
            raise ValueError(f"control {name!r}: a choice needs at least one option")
        self.options = [v for _, v in pairs]
        self.name = name
        index = 0 if value is None else self._index(value)
        widget = W.Dropdown(options=[(text, k) for k, (text, _) in enumerate(pairs)],
                            value=index, description=label or name, style=_STYLE,
                            tooltip=help or None)
        super().__init__(name, widget, self.options[index])

    def _index(self, value) -> int:
        for k, option in enumerate(self.options):
            if option is value or (type(option) is type(value) and
                                   bool(np.all(np.asarray(option == value)))):
                return k
        raise ValueError(f"control {self.name!r}: {value!r} is not one of the options "
                         f"{self.options!r}")

    @property
    def value(self):
        return self.options[self.widget.value]

    @value.setter
    def value(self, value):
        self.widget.value = self._index(value)


class CheckControl(Control):
    """A boolean parameter (``True``/``False``) on a Checkbox."""

    def __init__(self, name, value=False, *, label=None, help=None):
        widget = W.Checkbox(value=bool(value), description=label or name, style=_STYLE,
                            indent=False, tooltip=help or None,
                            layout=W.Layout(width="auto"))        # a long label, uncut
        super().__init__(name, widget, bool(value))


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def control_from_spec(name: str, spec, default=None) -> Control:
    """``@live`` abbreviation (+ the function's default) -> a :class:`Control`.

    ``(lo, hi)``, ``(lo, hi, step)``, ``(lo, hi, 'log')`` -> a float slider; an integer
    slider when ``lo`` and ``hi`` are ints and so is the step or, with no step, the
    function's default (``n=(1, 10)`` with ``def f(n=3)``). Unlike ``interact``, ``I=(0, 3)``
    alone is a float slider: model parameters are mostly continuous. A list or dict ->
    choice; a bool -> checkbox; a Control -> itself.

    >>> from labkit.units import nA
    >>> control_from_spec("I", (0 * nA, 2 * nA)).widget.description
    'I [nA]'
    >>> type(control_from_spec("n", (1, 10), default=3)).__name__
    'IntControl'
    """
    if isinstance(spec, Control):
        return spec
    if isinstance(spec, bool):
        return CheckControl(name, spec if default is None else default)
    if isinstance(spec, (list, Mapping)):
        return ChoiceControl(name, spec, default)
    if isinstance(spec, tuple) and len(spec) in (2, 3):
        lo, hi, *rest = spec
        third = rest[0] if rest else None
        if third == "log":
            return FloatControl(name, lo, hi, default, log=True)
        ints = _is_int(lo) and _is_int(hi)
        if ints and (_is_int(third) or (third is None and _is_int(default))):
            return IntControl(name, lo, hi, default, 1 if third is None else third)
        return FloatControl(name, lo, hi, default, third)
    raise TypeError(f"cannot make a control for {name!r} from {spec!r}; use (min, max), "
                    "(min, max, step), (min, max, 'log'), a list of choices, a bool, or a "
                    "Control")
