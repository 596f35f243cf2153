"""Physical dimensions: an interned 7-tuple of exponents over the SI base dimensions.

Interning makes every dimension check an identity test (``a is b``), which is what keeps
unit-checked arithmetic cheap; immutability makes a Dimension safe to share and hash.
"""

from __future__ import annotations

from fractions import Fraction

#: Order of the exponents, with the SI base unit symbol shown for each.
BASE_NAMES = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")
BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")

_interned: dict[tuple[float, ...], Dimension] = {}


def _clean(exponent) -> float:
    """Exponents are floats, snapped to the nearest small fraction to kill rounding noise."""
    value = float(exponent)
    if value.is_integer():  # nearly every exponent: the Fraction below cost import
        return 0.0 if value == 0 else value  # labkit ~40 ms (the unit table's 11 000)
    snapped = Fraction(value).limit_denominator(12)
    if abs(float(snapped) - value) < 1e-9:
        value = float(snapped)
    return 0.0 if value == 0 else value


class Dimension:
    """An immutable, interned dimension such as volt (m^2 kg s^-3 A^-1).

    Never construct directly; use :func:`get_or_create_dimension` or arithmetic on existing
    dimensions.

    >>> from labkit.units.dimension import get_or_create_dimension
    >>> length = get_or_create_dimension(m=1)
    >>> (length / get_or_create_dimension(s=1)) ** 2
    Dimension(m^2 s^-2)
    """

    __slots__ = ("_exponents", "_hash")

    def __new__(cls, exponents):
        key = tuple(_clean(e) for e in exponents)
        if len(key) != 7:
            raise ValueError(f"a Dimension needs 7 exponents, got {len(key)}")
        existing = _interned.get(key)
        if existing is not None:
            return existing
        self = object.__new__(cls)
        object.__setattr__(self, "_exponents", key)
        object.__setattr__(self, "_hash", hash(key))
        _interned[key] = self
        return self

    def __setattr__(self, name, value):
        raise AttributeError("Dimension objects are immutable")

    def __reduce__(self):
        # Unpickling goes through __new__, so identity (interning) survives pickling.
        return (Dimension, (self._exponents,))

    @property
    def exponents(self) -> tuple[float, ...]:
        return self._exponents

    @property
    def is_dimensionless(self) -> bool:
        return self is DIMENSIONLESS

    def __mul__(self, other: Dimension) -> Dimension:
        if not isinstance(other, Dimension):
            return NotImplemented
        return Dimension(a + b for a, b in zip(self._exponents, other._exponents, strict=True))

    def __truediv__(self, other: Dimension) -> Dimension:
        if not isinstance(other, Dimension):
            return NotImplemented
        return Dimension(a - b for a, b in zip(self._exponents, other._exponents, strict=True))

    def __pow__(self, power) -> Dimension:
        power = float(power)
        return Dimension(a * power for a in self._exponents)

    def __eq__(self, other) -> bool:
        return self is other

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        if self is DIMENSIONLESS:
            return "1"
        parts = []
        for symbol, exp in zip(BASE_SYMBOLS, self._exponents, strict=True):
            if exp == 0:
                continue
            if exp == 1:
                parts.append(symbol)
            else:
                shown = int(exp) if float(exp).is_integer() else Fraction(exp).limit_denominator(12)
                parts.append(f"{symbol}^{shown}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"Dimension({self})"

    def readable(self) -> str:
        """As a user reads it: 'volt', 'volt/second' (see the module's :func:`readable`)."""
        return readable(self)


DIMENSIONLESS = Dimension((0,) * 7)


def dim_of(x) -> Dimension:
    """Anything -> its Dimension (DIMENSIONLESS unless it carries a ``dim``)."""
    dim = getattr(x, "dim", DIMENSIONLESS)
    return dim if isinstance(dim, Dimension) else DIMENSIONLESS


def get_or_create_dimension(*args, **keywords) -> Dimension:
    """Build a Dimension from 7 exponents, or from keywords ``m kg s A K mol cd``
    (also the long names: ``length mass time current temperature substance luminosity``).

    >>> get_or_create_dimension(m=2, kg=1, s=-3, A=-1)
    Dimension(m^2 kg s^-3 A^-1)
    """
    if args:
        if keywords:
            raise TypeError("give either 7 exponents or keywords, not both")
        exponents = args[0] if len(args) == 1 else args
        return Dimension(exponents)
    long_names = ("length", "mass", "time", "current", "temperature", "substance", "luminosity")
    exponents = [0.0] * 7
    for key, value in keywords.items():
        if key in BASE_SYMBOLS:
            exponents[BASE_SYMBOLS.index(key)] = value
        elif key in long_names:
            exponents[long_names.index(key)] = value
        else:
            raise TypeError(f"unknown base dimension {key!r}; use one of {', '.join(BASE_SYMBOLS)}")
    return Dimension(exponents)


#: Named dimensions shown in messages instead of base-unit products, most specific first.
_READABLE: dict[Dimension, str] = {}


def register_readable(dim: Dimension, name: str) -> None:
    """Let :func:`readable` show ``dim`` under ``name`` (the unit table fills this)."""
    _READABLE.setdefault(dim, name)


def readable(dim) -> str:
    """A dimension as a user reads it: 'volt', 'volt/second', or base units as a fallback.

    >>> readable(get_or_create_dimension(s=-1))
    'hertz'
    """
    if not isinstance(dim, Dimension):
        return str(dim)
    if dim is DIMENSIONLESS:
        return "1 (dimensionless)"
    name = _READABLE.get(dim)
    if name is not None:
        return name
    second = get_or_create_dimension(s=1)
    base = _READABLE.get(dim * second)
    if base is not None:
        return f"{base}/second"
    return str(dim)


for _dim, _name in (
    (get_or_create_dimension(s=1), "second"),
    (get_or_create_dimension(s=-1), "hertz"),
    (get_or_create_dimension(m=1), "metre"),
    (get_or_create_dimension(kg=1), "kilogram"),
    (get_or_create_dimension(A=1), "amp"),
    (get_or_create_dimension(K=1), "kelvin"),
    (get_or_create_dimension(mol=1), "mole"),
    (get_or_create_dimension(cd=1), "candela"),
    (get_or_create_dimension(m=2, kg=1, s=-3, A=-1), "volt"),
    (get_or_create_dimension(m=2, kg=1, s=-3, A=-2), "ohm"),
    (get_or_create_dimension(m=-2, kg=-1, s=3, A=2), "siemens"),
    (get_or_create_dimension(m=-2, kg=-1, s=4, A=2), "farad"),
    (get_or_create_dimension(s=1, A=1), "coulomb"),
    (get_or_create_dimension(m=2, kg=1, s=-3), "watt"),
    (get_or_create_dimension(m=2, kg=1, s=-2), "joule"),
    (get_or_create_dimension(m=1, kg=1, s=-2), "newton"),
    (get_or_create_dimension(m=-1, kg=1, s=-2), "pascal"),
    (get_or_create_dimension(m=-3, mol=1), "mole/metre^3"),
    (get_or_create_dimension(m=-2, A=1), "amp/metre^2"),
    (get_or_create_dimension(m=-4, kg=-1, s=3, A=2), "siemens/metre^2"),
    (get_or_create_dimension(m=-4, kg=-1, s=4, A=2), "farad/metre^2"),
    (get_or_create_dimension(m=3, kg=1, s=-3, A=-2), "ohm*metre"),
    (get_or_create_dimension(m=2), "metre^2"),
    (get_or_create_dimension(m=3), "metre^3"),
    (get_or_create_dimension(s=-0.5), "second^-1/2"),
):
    register_readable(_dim, _name)
del _dim, _name
