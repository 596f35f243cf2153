"""Unit data (base units, SI prefixes, Brian2's short names) -> ``UNITS``: name -> Unit.

Why: units are data, not thousands of generated lines. A few rows of base units times the
SI prefixes times the powers 1, 2, 3 give every name Brian2 scripts use (``mV``, ``msecond``,
``nS``, ``Mohm``, ``umetre2``, ``cm2``, ``mM``, ...). The equations parser reads unit strings
such as ``amp/meter**2`` against ``UNITS``; ``EXPORTED`` is the subset that
``from labkit import *`` brings into a script (Brian2's choice plus a few more).

>>> UNITS["mV"] is UNITS["mvolt"]
True
>>> float(UNITS["umetre2"] / UNITS["metre2"])
1e-12
"""

from __future__ import annotations

from labkit.units.dimension import DIMENSIONLESS, Dimension, get_or_create_dimension
from labkit.units.quantity import Unit
from labkit.units.registry import ADDITIONAL, STANDARD, registering_into

__all__ = ["PREFIXES", "COMMON_PREFIXES", "BASE_UNITS", "SHORT_NAMES", "UNITS", "EXPORTED",
           "BaseUnit"]

#: SI prefix -> power of ten (Brian2's set).
PREFIXES: dict[str, int] = {
    "y": -24, "z": -21, "a": -18, "f": -15, "p": -12, "n": -9, "u": -6, "m": -3, "c": -2,
    "d": -1, "": 0, "da": 1, "h": 2, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    "Z": 21, "Y": 24,
}

#: Prefixes whose units ``from labkit import *`` exports, and that display may choose.
COMMON_PREFIXES = ("p", "n", "u", "m", "", "k", "M", "G", "T")


class BaseUnit:
    """One row of the table: names, display symbol, dimension, factor (a power of ten)."""

    __slots__ = ("names", "symbol", "dim", "exponent10", "prefixable", "export")

    def __init__(self, names, symbol, dim, exponent10=0, prefixable=True, export="common"):
        self.names = names
        self.symbol = symbol
        self.dim = dim
        self.exponent10 = exponent10
        self.prefixable = prefixable
        #: what the star import gives: "common" (the common prefixes), "base" (the
        #: unprefixed unit) or "none" (units Brian2 only displays, never exports)
        self.export = export

    def __repr__(self):
        return f"BaseUnit({self.names[0]!r}, {self.symbol!r}, {self.dim})"


_d = get_or_create_dimension
VOLT = _d(m=2, kg=1, s=-3, A=-1)

#: The rows. The first name of a row is the canonical one (used by ``repr``).
BASE_UNITS: tuple[BaseUnit, ...] = (
    BaseUnit(("metre", "meter"), "m", _d(m=1)),
    BaseUnit(("gram", "gramme"), "g", _d(kg=1), -3),
    BaseUnit(("second",), "s", _d(s=1)),
    BaseUnit(("amp", "ampere"), "A", _d(A=1)),
    BaseUnit(("kelvin",), "K", _d(K=1), prefixable=False),
    BaseUnit(("mole", "mol"), "mol", _d(mol=1)),
    BaseUnit(("candela",), "cd", _d(cd=1), export="base"),
    BaseUnit(("volt",), "V", VOLT),
    BaseUnit(("ohm",), "ohm", _d(m=2, kg=1, s=-3, A=-2)),
    BaseUnit(("siemens",), "S", _d(m=-2, kg=-1, s=3, A=2)),
    BaseUnit(("farad",), "F", _d(m=-2, kg=-1, s=4, A=2)),
    BaseUnit(("coulomb",), "C", _d(s=1, A=1)),
    BaseUnit(("hertz",), "Hz", _d(s=-1)),
    BaseUnit(("watt",), "W", _d(m=2, kg=1, s=-3)),
    BaseUnit(("joule",), "J", _d(m=2, kg=1, s=-2)),
    BaseUnit(("newton",), "N", _d(m=1, kg=1, s=-2)),
    BaseUnit(("pascal",), "Pa", _d(m=-1, kg=1, s=-2)),
    BaseUnit(("molar",), "M", _d(m=-3, mol=1), 3),
    BaseUnit(("henry",), "H", _d(m=2, kg=1, s=-2, A=-2), export="none"),
    BaseUnit(("tesla",), "T", _d(kg=1, s=-2, A=-1), export="none"),
    BaseUnit(("weber",), "Wb", _d(m=2, kg=1, s=-2, A=-1), export="none"),
    BaseUnit(("gray",), "Gy", _d(m=2, s=-2), export="none"),
    BaseUnit(("katal",), "kat", _d(s=-1, mol=1), export="none"),
    BaseUnit(("lux",), "lx", _d(m=-2, cd=1), export="none"),
    BaseUnit(("litre", "liter"), "l", _d(m=3), -3),
    BaseUnit(("radian",), "rad", DIMENSIONLESS, prefixable=False),
)
del _d

#: Brian2's short names (``brian2.units.stdunits``) -> the long name they alias.
SHORT_NAMES: dict[str, str] = {
    "mV": "mvolt", "mA": "mamp", "uA": "uamp", "nA": "namp", "pA": "pamp",
    "pF": "pfarad", "nF": "nfarad", "uF": "ufarad", "mS": "msiemens", "uS": "usiemens",
    "nS": "nsiemens", "ms": "msecond", "us": "usecond", "Hz": "hertz", "kHz": "khertz",
    "MHz": "Mhertz", "cm": "cmetre", "mm": "mmetre", "um": "umetre", "mM": "mmolar",
    "uM": "umolar", "nM": "nmolar", "cm2": "cmetre2", "cm3": "cmetre3", "mm2": "mmetre2",
    "mm3": "mmetre3", "um2": "umetre2", "um3": "umetre3",
}


def _factor(exponent10: int) -> float:
    # Parsing a decimal literal is correctly rounded: 1e-12 exactly as the literal means.
    return float(f"1e{exponent10}")


def _power_suffix(power: int) -> tuple[str, str]:
    return ("", "") if power == 1 else (str(power), f"^{power}")


def _build() -> tuple[dict[str, Unit], tuple[str, ...]]:
    """The rows x prefixes x powers -> (every unit by name, the exported names)."""
    units: dict[str, Unit] = {}
    exported: list[str] = []
    for row in BASE_UNITS:
        prefixes = PREFIXES if row.prefixable else {"": 0}
        dims: dict[int, Dimension] = {power: row.dim**power for power in (1, 2, 3)}
        for prefix, prefix10 in prefixes.items():
            for power in (1, 2, 3):
                suffix, display_suffix = _power_suffix(power)
                dim = dims[power]
                factor = _factor((row.exponent10 + prefix10) * power)
                dispname = f"{prefix}{row.symbol}{display_suffix}"
                for long_name in row.names:
                    name = f"{prefix}{long_name}{suffix}"
                    units[name] = Unit(factor, dim, name, dispname)
                    if _is_exported(row, prefix, power):
                        exported.append(name)
    for power in (1, 2, 3):
        suffix, display_suffix = _power_suffix(power)
        units[f"kilogram{suffix}"] = Unit(1.0, BASE_UNITS[1].dim**power, f"kilogram{suffix}",
                                          f"kg{display_suffix}")
    exported.append("kilogram")
    for short, long_name in SHORT_NAMES.items():
        units[short] = units[long_name]
        exported.append(short)
    return units, tuple(exported)


def _is_exported(row: BaseUnit, prefix: str, power: int) -> bool:
    """Brian2 exports the common prefixes at power 1 (plus centimetre); we add the
    squared and cubed lengths that membrane and volume parameters use."""
    if row.export != "common":
        return row.export == "base" and prefix == "" and power == 1
    if row.symbol == "m":
        return prefix in COMMON_PREFIXES + ("c",) if power == 1 else prefix in (
            "", "c", "m", "u", "n")
    return power == 1 and (prefix in COMMON_PREFIXES if row.prefixable else prefix == "")


#: Every unit name -> its Unit (about 3,000 names).
UNITS: dict[str, Unit]
#: The names ``from labkit import *`` provides.
EXPORTED: tuple[str, ...]
UNITS, EXPORTED = _build()

#: The prefixes Brian2 displays (no c, d, da, h), in the order it registers them: the
#: first registered wins a tie, and shows infinities (``inf YV``).
DISPLAY_PREFIXES = ("Y", "k", "M", "z", "E", "y", "T", "u", "p", "n", "m", "f", "G", "P",
                    "Z", "a", "")
#: Named units that are never chosen for display (litre: m^3 is; radian: no dimension).
_NOT_DISPLAYED = ("litre", "radian")


def _register_standard() -> None:
    for row in BASE_UNITS:
        if row.names[0] in _NOT_DISPLAYED:
            continue
        for power in (1, 2, 3):
            suffix = _power_suffix(power)[0]
            for prefix in DISPLAY_PREFIXES if row.prefixable else ("",):
                name = f"{prefix}{row.names[0]}{suffix}"
                STANDARD.add(UNITS["kilogram" + suffix if name == "kgram" + suffix else name])


def _register_additional() -> None:
    """Brian2's compound SI units, named as their expressions name them."""
    u = UNITS
    with registering_into(None):  # the parts (metre ** 2, kilogram * kelvin) are not added
        compound = (
         u["pascal"] * u["second"], u["newton"] * u["metre"], u["watt"] / u["metre"] ** 2,
         u["joule"] / u["kelvin"], u["joule"] / (u["kilogram"] * u["kelvin"]),
         u["joule"] / u["kilogram"], u["watt"] / (u["metre"] * u["kelvin"]),
         u["joule"] / u["metre"] ** 3, u["volt"] / u["metre"] ** 3,
         u["coulomb"] / u["metre"] ** 3, u["coulomb"] / u["metre"] ** 2,
         u["farad"] / u["metre"], u["henry"] / u["metre"], u["joule"] / u["mole"],
         u["joule"] / (u["mole"] * u["kelvin"]), u["coulomb"] / u["kilogram"],
         u["gray"] / u["second"], u["katal"] / u["metre"] ** 3)
    for unit in compound:
        ADDITIONAL.add(unit)


_register_standard()
_register_additional()
