"""Print str and repr of a few hundred generated quantities, as JSON, under brian2 or labkit.

Run as ``python display_cases.py brian2`` (or ``labkit``) in a new process: display depends
on which units the process has built so far (``mV/ms`` makes itself a display unit), so
each library starts fresh and goes through the same steps in the same order. The values
come from a seeded generator: magnitudes from 1e-30 to 1e30, signs, zeros, NaN and
infinities, scalars, short arrays with mixed magnitudes and arrays above numpy's print
threshold, for dimensions with named units, with only compound display units, and with
none (shown in base units).
"""

import json
import sys

if sys.argv[1] == "brian2":
    from brian2 import Quantity, get_or_create_dimension
    from brian2 import units as U
else:
    from labkit import Quantity, get_or_create_dimension
    from labkit.units import table as _table

    class U:  # the unit names Brian2's units module has, from labkit's table
        pass

    for _name, _unit in _table.UNITS.items():
        setattr(U, _name, _unit)

import numpy as np

# exponents of m, kg, s, A, K, mol (no candela: Brian2 names its base unit 'candle')
DIMENSIONS = [
    (0, 0, 1, 0, 0, 0),     # second
    (2, 1, -3, -1, 0, 0),   # volt
    (0, 0, 0, 1, 0, 0),     # amp
    (0, 0, -1, 0, 0, 0),    # hertz
    (-2, -1, 3, 2, 0, 0),   # siemens
    (-2, -1, 4, 2, 0, 0),   # farad
    (2, 1, -3, -2, 0, 0),   # ohm
    (1, 0, 0, 0, 0, 0),     # metre
    (2, 0, 0, 0, 0, 0),     # metre^2
    (3, 0, 0, 0, 0, 0),     # metre^3
    (0, 1, 0, 0, 0, 0),     # kilogram
    (0, 0, 0, 0, 1, 0),     # kelvin
    (-3, 0, 0, 0, 0, 1),    # molar
    (0, 0, 1, 1, 0, 0),     # coulomb
    (2, 1, -2, -1, 0, 0),   # weber (mV*ms)
    (0, 0, -2, 0, 0, 0),    # hertz^2
    (4, 2, -6, -2, 0, 0),   # volt^2
    (2, 1, -4, -1, 0, 0),   # volt/second: no standard unit
    (-4, -1, 3, 2, 0, 0),   # siemens/metre^2
    (-4, -1, 4, 2, 0, 0),   # farad/metre^2
    (3, 1, -3, -2, 0, 0),   # ohm*metre
    (-2, 0, 0, 1, 0, 0),    # amp/metre^2
    (-1, 1, -1, 0, 0, 0),   # pascal*second (an additional unit)
    (2, 1, -2, 0, -1, 0),   # joule/kelvin (an additional unit)
    (-3, -1, 4, 2, 0, 0),   # farad/metre (an additional unit)
    (0, 0, 0.5, 0, 0, 0),   # second^0.5
    (1, 0, -1.5, 0, 0, 0),  # metre second^-1.5
]


def _dimension(exponents):
    return get_or_create_dimension(list(exponents) + [0])


def _values(rng, count):
    magnitudes = 10.0 ** rng.uniform(-30, 30, count)
    small = 10.0 ** rng.uniform(-5, 5, count)
    values = np.where(rng.random(count) < 0.6, small, magnitudes)
    values *= np.where(rng.random(count) < 0.3, -1, 1)
    special = rng.random(count)
    values[special < 0.04] = 0.0
    values[(special >= 0.04) & (special < 0.06)] = np.nan
    values[(special >= 0.06) & (special < 0.08)] = np.inf
    return values


def generated(rng):
    """(label, Quantity) for scalars and arrays of every dimension."""
    for exponents in DIMENSIONS:
        dim = _dimension(exponents)
        for value in _values(rng, 8):
            yield f"{value!r} {exponents}", Quantity(value, dim=dim)
        for size in (2, 3, 5):
            values = _values(rng, size)
            yield f"{values.tolist()} {exponents}", Quantity(values, dim=dim)
        yield f"ramp {exponents}", Quantity(np.linspace(0, 10.0 ** rng.integers(-12, 3), 2001),
                                            dim=dim)
        yield f"zeros {exponents}", Quantity(np.zeros(3), dim=dim)
    yield "dimensionless", Quantity(3.0)
    yield "dimensionless array", Quantity(np.array([1.0, 2.5]))


def steps():
    """Expressions evaluated in order: units built from units register for display."""
    return [
        "3 * U.mvolt / U.msecond", "U.mvolt / U.msecond", "3 * U.mvolt / U.msecond",
        "0.002 * U.volt / U.second", "U.volt / U.second", "3 * U.mvolt / U.msecond",
        "U.siemens / U.cmetre ** 2", "1 * U.msiemens / U.cmetre ** 2",
        "5 * U.ufarad / U.cmetre ** 2", "U.ufarad / U.cmetre ** 2",
        "5 * U.ufarad / U.cmetre ** 2", "[5, 0.1, 300] * (U.ufarad / U.cmetre ** 2)",
        "1 / U.msecond", "U.msecond ** 2", "U.msecond ** -1", "(U.mvolt / U.msecond) ** 2",
        "1 / (U.mvolt / U.msecond)", "U.kilogram * U.metre", "U.mvolt * U.msecond",
        "U.ohm * U.cmetre", "150 * U.ohm * U.cmetre", "150 * (U.ohm * U.cmetre)",
        "U.namp / U.umetre ** 2", "2 * U.namp / U.umetre ** 2",
        "[0.5, 90] * U.msecond", "0.5 * U.msecond", "3.5 * U.mvolt ** 2", "0 * U.mvolt",
        "[0, 0] * U.mvolt", "-0.5 * U.namp", "1e-15 * U.amp", "999 * U.msecond",
        "U.mvolt", "U.kilogram", "U.msecond * U.hertz * U.volt",
    ]


def main():
    rng = np.random.default_rng(20261)
    shown = []
    for label, quantity in generated(rng):
        shown.append([label, str(quantity), repr(quantity)])
    for expression in steps():
        quantity = eval(expression)  # noqa: S307 - our own expressions
        shown.append([expression, str(quantity), repr(quantity)])
    for label, quantity in generated(np.random.default_rng(20262)):  # again, after the units
        shown.append([label, str(quantity), repr(quantity)])
    json.dump(shown, sys.stdout)


if __name__ == "__main__":
    main()
