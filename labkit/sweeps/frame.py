"""Points and their outcomes -> a :class:`SweepFrame`: one row per point, units in the names.

Why: a table is what people plot, filter and save, and pandas is the table Python users
know. Units cannot live inside a pandas column, so each column holding a quantity is in
one unit chosen for it (the one that puts its largest value in [1, 1000), as labkit prints
quantities) and says so in its name: ``'I [nA]'``, ``'rate [Hz]'``. Columns, in order:
the parameters, the results, then ``seed``, ``wall_time [s]``, ``error`` (``None``, or
``'Type: message'``), ``worker`` (host:pid), ``compiled`` and ``loaded`` (Numba kernels
this point compiled, or loaded from the disk cache; both 0 when reused from memory).

:meth:`SweepFrame.to_xarray` gives, for a full-product grid, an N-d ``xarray.Dataset``
whose dimensions are the parameters; names lose their ``[unit]``, which moves to the
variable's ``units`` attribute (the CF convention).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from labkit.units.dimension import DIMENSIONLESS
from labkit.units.display import best_unit

__all__ = ["SweepFrame", "build_frame", "parameter_units"]

_UNIT_NAME = re.compile(r"^(.*) \[(.+)\]$")


class SweepFrame(pd.DataFrame):
    """A pandas DataFrame of sweep results whose ``to_xarray()`` knows the grid's axes."""

    @property
    def _constructor(self):
        return SweepFrame

    @property
    def failed(self) -> SweepFrame:
        """The rows of points that raised (their ``error`` column says what)."""
        return self[self["error"].notna()]

    def to_xarray(self):
        """-> ``xarray.Dataset``: N-d over the parameters for a full product, else by point.

        Needs ``xarray`` (``pip install xarray``, or labkit's ``sweep`` extra).
        """
        info = self.attrs.get("sweep", {})
        parameters = [c for c in info.get("parameters", ()) if c in self.columns]
        if info.get("product") and parameters:
            table = pd.DataFrame(self).set_index(parameters)
        else:
            table = pd.DataFrame(self).rename_axis("point")
        dataset = table.to_xarray()
        renames, units = {}, {}
        for name in list(dataset.variables):
            match = _UNIT_NAME.match(str(name))
            if match:
                renames[name], units[match.group(1)] = match.group(1), match.group(2)
        dataset = dataset.rename(renames)
        for name, unit in units.items():
            dataset[name].attrs["units"] = unit
        dataset.attrs = {key: value for key, value in self.attrs.items() if key == "sweep"}
        return dataset


def _dims_of(name: str, values, what: str):
    """Values of one column -> their common Dimension (None for plain values)."""
    dims = {getattr(v, "dim", None) for v in values}
    dims.discard(DIMENSIONLESS)
    if len(dims) > 1:
        shown = ", ".join(sorted(str(d) if d is not None else "no unit" for d in dims))
        raise ValueError(f"sweep: the {what} {name!r} has values in different units "
                         f"({shown}); give every value of {name!r} in the same kind of unit")
    return dims.pop() if dims else None


def parameter_units(grid) -> dict:
    """Grid -> parameter name -> (column name, display factor or None); checks the units."""
    columns = {}
    for name in grid.names:
        values = [point[name] for point in grid.points]
        dim = _dims_of(name, values, "parameter")
        if dim is None:
            columns[name] = (name, None)
        else:
            raw = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values])
            unit = best_unit(dim, raw)
            columns[name] = (f"{name} [{unit.text}]", unit.factor)
    return columns


def _parameter_column(values, factor):
    if factor is None:
        return [v.item() if isinstance(v, np.generic) else v for v in values]
    return [float(np.asarray(v, dtype=float)) / factor for v in values]


def _result_columns(outcomes, errors: list) -> dict:
    """Outcomes -> result columns (column name -> list), noting unit clashes in ``errors``."""
    names = list(dict.fromkeys(name for o in outcomes for name in o.values))
    columns = {}
    for name in names:
        having = [o for o in outcomes if name in o.values]
        dims = [o.dims.get(name) for o in having]
        dim = next((d for d in dims if d is not None and d is not DIMENSIONLESS), None)
        present = {}
        for outcome, d in zip(having, dims, strict=True):
            if (d if d is not DIMENSIONLESS else None) is dim:
                present[outcome.index] = outcome.values[name]
            else:
                errors[outcome.index] = errors[outcome.index] or (
                    f"DimensionMismatchError: result {name!r} has units {d or 1} here but "
                    f"{dim or 1} in other points")
        title, factor = name, 1.0
        if dim is not None:
            raw = [np.ravel(np.asarray(v, dtype=float)) for v in present.values()]
            unit = best_unit(dim, np.concatenate(raw) if raw else None)
            title, factor = f"{name} [{unit.text}]", unit.factor
        scalar = all(isinstance(v, (int, float, bool)) for v in present.values())
        column = []
        for outcome in outcomes:
            value = present.get(outcome.index)
            if value is None:
                column.append(np.nan if scalar else None)
            elif dim is not None:
                column.append(value / factor)
            else:
                column.append(value)
        columns[title] = column
    return columns


def build_frame(grid, outcomes, seeds, product: bool) -> SweepFrame:
    """Grid + outcomes (in grid order) + seeds -> the SweepFrame."""
    errors = [o.error for o in outcomes]
    data = {}
    for name, (title, factor) in parameter_units(grid).items():
        data[title] = _parameter_column([p[name] for p in grid.points], factor)
    results = _result_columns(outcomes, errors)
    data.update(results)
    data["seed"] = list(seeds)
    data["wall_time [s]"] = [o.wall for o in outcomes]
    data["error"] = pd.Series(errors, dtype=object)  # None where the point ran well
    data["worker"] = [o.worker for o in outcomes]
    data["compiled"] = [o.compiled for o in outcomes]
    data["loaded"] = [o.loaded for o in outcomes]
    frame = SweepFrame(data)
    frame.attrs["sweep"] = {"parameters": [t for t, _ in parameter_units(grid).values()],
                            "results": list(results), "product": bool(product)}
    frame.attrs["tracebacks"] = {o.index: o.traceback for o in outcomes if o.traceback}
    return frame
