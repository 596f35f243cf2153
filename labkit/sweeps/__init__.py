"""Parameter sweeps: ``sweep(fn, grid)`` -> a table, on local cores or a Dask cluster.

>>> from labkit import sweep, Grid, nA                       # doctest: +SKIP
>>> table = sweep(if_point, {"I": np.linspace(0, 0.5, 11) * nA})   # doctest: +SKIP

Modules, in the order a sweep uses them: :mod:`~labkit.sweeps.grid` (the points),
:mod:`~labkit.sweeps.point` (one point, where it runs), :mod:`~labkit.sweeps.backends`
(this process, local processes, Dask), :mod:`~labkit.sweeps.cache` (finished points on
disk), :mod:`~labkit.sweeps.progress` (the bar), :mod:`~labkit.sweeps.frame` (the table),
:mod:`~labkit.sweeps.run` (the schedule). Importing this package imports neither pandas nor
the process pool: they load at the first sweep.
"""

from labkit.sweeps.grid import Grid
from labkit.sweeps.run import sweep

__all__ = ["sweep", "Grid"]
