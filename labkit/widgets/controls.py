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


class _DisplayUnit:
    """How a dimension is shown on a slider: SI factor, text, dimension."""

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
    step : Quantity or float, optional
        Slider step; 1/100 of the range (of the decades for a log slider) if omitted.
    log : bool
        A ``FloatLogSlider`` (min must be > 0): for time constants and conductances.
    unit : Unit, optional
        Show values in this unit instead of the automatic choice.
    label : str, optional
        Text before the unit; the name if omitted.
    """

    def __init__(self, name, min, max, value=None, step=None, *, log=False, unit=None,
                 label=None, continuous_update=True):
        self.unit = _DisplayUnit([min, max, value, None if log else step], unit)
        lo, hi = self.unit.to_number(min), self.unit.to_number(max)
        if not lo < hi:
            raise ValueError(f"control {name!r}: min must be below max, got {min!r}, {max!r}")
        common = dict(description=_label(name, label, self.unit.text), style=_STYLE,
                      continuous_update=continuous_update,
                      layout=W.Layout(width="95%", max_width="480px"))
        if log:
            if lo <= 0:
                raise ValueError(f"control {name!r}: a log slider needs min > 0, got {min!r}")
            lo_e, hi_e = math.log10(lo), math.log10(hi)
            number = self.unit.to_number(value) if value is not None else 10 ** ((lo_e + hi_e) / 2)
            step_e = (hi_e - lo_e) / 100 if step is None else float(step)
            widget = W.FloatLogSlider(value=number, base=10, min=lo_e, max=hi_e, step=step_e,
                                      readout_format=".3g", **common)
        else:
            number = self.unit.to_number(value) if value is not None else (lo + hi) / 2
            step_n = (hi - lo) / 100 if step is None else self.unit.to_number(step)
            widget = W.FloatSlider(value=number, min=lo, max=hi, step=step_n,
                                   readout_format=".3g", **common)
        self.log = log
        super().__init__(name, widget, self.unit.to_quantity(widget.value))

    @property
    def value(self):
        return self.unit.to_quantity(self.widget.value)

    @value.setter
    def value(self, value):
        self.widget.value = self.unit.to_number(value)


class IntControl(Control):
    """An integer parameter in ``[min, max]`` (a count: neurons, spikes) on an IntSlider."""

    def __init__(self, name, min, max, value=None, step=1, *, label=None,
                 continuous_update=True):
        value = (min + max) // 2 if value is None else int(value)
        widget = W.IntSlider(value=value, min=int(min), max=int(max), step=int(step),
                             description=label or name, style=_STYLE,
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

    def __init__(self, name, options, value=None, *, label=None):
        pairs = list(options.items()) if isinstance(options, Mapping) else [
            (str(v), v) for v in options]
        if not pairs:
            raise ValueError(f"control {name!r}: a choice needs at least one option")
        self.options = [v for _, v in pairs]
        self.name = name
        index = 0 if value is None else self._index(value)
        widget = W.Dropdown(options=[(text, k) for k, (text, _) in enumerate(pairs)],
                            value=index, description=label or name, style=_STYLE)
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

    def __init__(self, name, value=False, *, label=None):
        widget = W.Checkbox(value=bool(value), description=label or name, style=_STYLE,
                            indent=False)
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
