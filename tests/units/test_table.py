"""The unit table: every name has the right dimension and factor."""

import re

import numpy as np
import pytest

from labkit.units import table
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension
from labkit.units.table import EXPORTED, UNITS

# Written out independently of table.py: symbol-free long names -> (dimension, SI factor).
D = get_or_create_dimension
EXPECTED_BASE = {
    "metre": (D(m=1), 1.0), "meter": (D(m=1), 1.0), "gram": (D(kg=1), 1e-3),
    "gramme": (D(kg=1), 1e-3), "second": (D(s=1), 1.0), "amp": (D(A=1), 1.0),
    "ampere": (D(A=1), 1.0), "kelvin": (D(K=1), 1.0), "mole": (D(mol=1), 1.0),
    "mol": (D(mol=1), 1.0), "candela": (D(cd=1), 1.0),
    "volt": (D(m=2, kg=1, s=-3, A=-1), 1.0), "ohm": (D(m=2, kg=1, s=-3, A=-2), 1.0),
    "siemens": (D(m=-2, kg=-1, s=3, A=2), 1.0), "farad": (D(m=-2, kg=-1, s=4, A=2), 1.0),
    "coulomb": (D(s=1, A=1), 1.0), "hertz": (D(s=-1), 1.0), "watt": (D(m=2, kg=1, s=-3), 1.0),
    "joule": (D(m=2, kg=1, s=-2), 1.0), "newton": (D(m=1, kg=1, s=-2), 1.0),
    "pascal": (D(m=-1, kg=1, s=-2), 1.0), "molar": (D(m=-3, mol=1), 1e3),
    "litre": (D(m=3), 1e-3), "liter": (D(m=3), 1e-3), "radian": (DIMENSIONLESS, 1.0),
    "henry": (D(m=2, kg=1, s=-2, A=-2), 1.0), "tesla": (D(kg=1, s=-2, A=-1), 1.0),
    "weber": (D(m=2, kg=1, s=-2, A=-1), 1.0), "gray": (D(m=2, s=-2), 1.0),
    "katal": (D(s=-1, mol=1), 1.0), "lux": (D(m=-2, cd=1), 1.0),
}
PREFIX = {"y": 1e-24, "z": 1e-21, "a": 1e-18, "f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6,
          "m": 1e-3, "c": 1e-2, "d": 1e-1, "": 1.0, "da": 1e1, "h": 1e2, "k": 1e3, "M": 1e6,
          "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "Z": 1e21, "Y": 1e24}
SHORT = {"mV": "mvolt", "ms": "msecond", "nA": "namp", "pF": "pfarad", "nS": "nsiemens",
         "uS": "usiemens", "kHz": "khertz", "Hz": "hertz", "um": "umetre", "cm": "cmetre",
         "mm": "mmetre", "mM": "mmolar", "uM": "umolar", "cm2": "cmetre2", "um2": "umetre2",
         "um3": "umetre3", "us": "usecond", "uF": "ufarad", "mS": "msiemens", "MHz": "Mhertz",
         "cm3": "cmetre3",
         "mA": "mamp", "uA": "uamp", "pA": "pamp", "mm2": "mmetre2", "mm3": "mmetre3",
         "nF": "nfarad", "nM": "nmolar"}
_BASES = "|".join(sorted(EXPECTED_BASE, key=len, reverse=True))
_PATTERN = re.compile(rf"^(da|[yzafpnumcdhkMGTPEZY]?)({_BASES})([23]?)$")


def _expected(name):
    if name in SHORT:
        name = SHORT[name]
    if name.startswith("kilogram"):
        return D(kg=1) ** int(name[8:] or 1), 1.0
    match = _PATTERN.match(name)
    assert match, f"cannot parse unit name {name!r}"
    prefix, base, power = match.groups()
    power = int(power or 1)
    dim, factor = EXPECTED_BASE[base]
    return dim**power, (PREFIX[prefix] * factor) ** power


@pytest.mark.parametrize("name", sorted(UNITS))
def test_every_unit_has_the_right_dimension_and_factor(name):
    dim, factor = _expected(name)
    unit = UNITS[name]
    assert unit.dim is dim, name
    assert float(np.asarray(unit)) == pytest.approx(factor, rel=1e-12), name


def test_required_names_present():
    required = ("second metre meter gram kilogram mg kg amp ampere kelvin mole mol candela volt"
                " ohm siemens farad coulomb hertz Hz watt joule newton pascal molar mM uM litre"
                " liter radian ms mV nA pF nS uS Mohm kHz umetre um cm mm nm mmolar msecond"
                " mvolt cm2 umetre2 um2 um3 metre2 metre3 cm3 mm2 cmetre2 umetre3").split()
    missing = [n for n in required if n not in UNITS and n not in ("mg", "kg", "nm")]
    assert missing == []
    # prefixed gram names: kilogram is the base, prefixes apply to gram
    assert float(np.asarray(UNITS["mgram"])) == pytest.approx(1e-6)
    assert float(np.asarray(UNITS["kgram"])) == pytest.approx(1.0)
    assert float(np.asarray(UNITS["nmetre"])) == pytest.approx(1e-9)


def test_short_names_alias_long_ones():
    for short, long_name in SHORT.items():
        assert UNITS[short] is UNITS[long_name]
    assert str(UNITS["mV"]) == "mV" and repr(UNITS["mV"]) == "mvolt"
    assert str(UNITS["Mohm"]) == "Mohm" and str(UNITS["um2"]) == "um^2"


def test_exported_names_exist_and_are_units():
    assert len(set(EXPORTED)) == len(EXPORTED)
    for name in EXPORTED:
        assert name in UNITS
    for name in ("mV", "ms", "nA", "pF", "nS", "uS", "Mohm", "kHz", "umetre", "cm", "cm2",
                 "um3", "metre2", "metre3", "cmetre2", "umetre2", "mM", "kilogram", "mol"):
        assert name in EXPORTED, name


def test_prefix_table_matches_si():
    for prefix, exponent in table.PREFIXES.items():
        assert PREFIX[prefix] == pytest.approx(10.0**exponent)


def test_matches_brian2_where_both_define_a_name():
    """Every unit Brian2 also defines has Brian2's value and dimension (reference check)."""
    allunits = pytest.importorskip("brian2.units.allunits")
    from brian2.units.fundamentalunits import Unit as BrianUnit

    checked = 0
    for name in dir(allunits):
        theirs = getattr(allunits, name)
        if not isinstance(theirs, BrianUnit) or name not in UNITS:
            continue
        ours = UNITS[name]
        assert float(np.asarray(ours)) == pytest.approx(float(np.asarray(theirs)), rel=1e-12)
        assert ours.dim.exponents == tuple(float(e) for e in theirs.dim._dims), name
        checked += 1
    assert checked > 1000


def test_brian2_star_import_units_are_exported():
    brian2 = pytest.importorskip("brian2")
    from brian2.units.fundamentalunits import Unit as BrianUnit

    theirs = {n for n in dir(brian2) if isinstance(getattr(brian2, n), BrianUnit)}
    assert sorted(theirs - set(EXPORTED)) == []


def test_units_only_displayed_are_not_exported():
    # Brian2 shows weber, henry, gray, ... (3 * mV * ms prints as '3. uWb') but its star
    # import does not give them; 'gray' there is pyplot's colormap function
    for name in ("weber", "uweber", "henry", "tesla", "gray", "mgray", "katal", "lux",
                 "mcandela"):
        assert name in UNITS and name not in EXPORTED, name
    assert "candela" in EXPORTED
