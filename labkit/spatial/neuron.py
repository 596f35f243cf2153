"""SpatialNeuron(morphology, model, Cm, Ri, ...) -> a NeuronGroup of compartments + a cable.

Why: a spatial neuron is a NeuronGroup whose elements are the compartments of a
morphology, numbered as the morphology numbers them; ``v`` is written by the implicit
cable step (:mod:`labkit.plan.spatial`), the channels by the chosen method. Parts of the
neuron are reached as parts of the morphology: ``neuron.dend`` (the sub-tree),
``neuron.dend.main`` (that section alone), ``neuron.dend[50*um]`` (the compartment at a
distance), ``neuron[10*um:100*um]``, ``neuron[3:7]``; each is a subgroup that monitors and
Synapses accept.
"""

from __future__ import annotations

import copy
import functools

import numpy as np

from labkit.cache import source_version
from labkit.equations.equations import Equations
from labkit.groups.group import Subgroup
from labkit.groups.neurongroup import NeuronGroup
from labkit.plan.spatial import plan_spatial
from labkit.spatial.addressing import is_length
from labkit.spatial.cable import flat_geometry, hines_tree
from labkit.spatial.morphology import Morphology
from labkit.units import cm, ohm, uF

__all__ = ["SpatialNeuron", "SpatialSubgroup"]

_DEFAULT_METHODS = ("exact", "exponential_euler", "rk2", "heun")
_CABLE_METHODS = ("backward_euler", "crank_nicolson")


def _subtree_stop(morpho) -> int:
    """One past the highest compartment number of ``morpho``'s sub-tree."""
    last = morpho._start_index() + morpho.n
    for child in morpho.children:
        last = max(last, _subtree_stop(child))
    return last


def _attribute(root, morpho, name):
    """``neuron.dend`` / ``neuron.main`` -> a SpatialSubgroup (None: not a part's name)."""
    if name == "main":
        start = morpho._start_index()
        return SpatialSubgroup(root, start, start + morpho.n, morpho)
    if name in morpho.children or (len(name) > 1 and set(name) <= set("LR123456789")):
        part = morpho[name]
        return SpatialSubgroup(root, part._start_index(), _subtree_stop(part), part)
    return None


def _segment(root, morpho, offset: int, size: int, item):
    """``neuron[...]`` -> a subgroup: by distance on ``morpho``, by a part of the
    morphology (``neuron[morpho.dend[50*um]]``), or by index."""
    if isinstance(item, str):
        found = _attribute(root, morpho, item)
        if found is None:
            morpho[item]   # raises the morphology's error naming the children
        return found
    by_length = is_length(item) or (isinstance(item, slice) and any(
        is_length(bound) for bound in (item.start, item.stop)))
    part = not isinstance(item, slice) and hasattr(item, "indices")
    if by_length or part:   # a distance, or a part of a morphology
        indices = np.atleast_1d(morpho.indices[item] if by_length else item.indices[:])
        return Subgroup(root, int(indices[0]), int(indices[-1]) + 1)
    if isinstance(item, (int, np.integer)):
        item = slice(int(item), int(item) + 1 if int(item) != -1 else None)
    if not isinstance(item, slice):
        raise TypeError(f"cannot index a spatial neuron with {item!r}: use a compartment "
                        "index (3), a slice (2:5), a distance (50*um) or a distance range "
                        "(10*um:100*um)")
    start, stop, step = item.indices(size)
    if step != 1 or stop <= start:
        raise IndexError(f"{item} selects no contiguous run of compartments; use "
                         "neuron[start:stop] with start < stop")
    return Subgroup(root, offset + start, offset + stop)


def _group_equations(model, has_coordinates: bool, linearised):
    """The group's Equations (the user's model without ``Im``, ``v`` and the geometry as
    parameters, the local time and space constants): read back without sympy from the
    plain lines of a model made before (:meth:`Equations.made`, keyed by the model's text
    or recipe, the coordinates and this package's code), else made by ``linearised()``;
    pickled, they travel as those lines and :func:`_membrane_lines` (a sweep's worker
    needs no sympy). Values the model binds (``Equations(eqs, gK=...)``) stay bound."""
    recipe = ("text", model) if isinstance(model, str) else getattr(model, "recipe", None)
    if recipe is None:
        found = linearised()[0]
    else:
        found = Equations.made(
            ("spatial", source_version(("spatial",)), recipe, has_coordinates),
            lambda: linearised()[0], functools.partial(_membrane_lines, model, has_coordinates))
    constants = getattr(model, "constants", None)
    return Equations(found, **constants) if constants else found


def _membrane_lines(model, has_coordinates: bool) -> Equations:
    """The group's Equations made again where they were unpickled (``made()``'s picklable
    ``remake``: this module imports no sympy, so unpickling needs none)."""
    from labkit.spatial.membrane import membrane_equations  # loads sympy

    return membrane_equations(model, has_coordinates)[0]


class SpatialSubgroup(Subgroup):
    """Compartments of a SpatialNeuron that form one sub-tree (or one section)."""

    _kind = "SpatialSubgroup"

    def __init__(self, neuron, start: int, stop: int, morphology, name=None):
        object.__setattr__(self, "_morpho", morphology)
        super().__init__(neuron, start, stop, name=name)

    @property
    def morphology(self):
        """The part of the morphology this subgroup covers (its first section)."""
        return self._morpho

    def __getattr__(self, name: str):
        if not name.startswith("_") and "_morpho" in self.__dict__:
            found = _attribute(self.parent, self._morpho, name)
            if found is not None:
                return found
        return self._read(name, 1)

    def __getitem__(self, item):
        return _segment(self.parent, self._morpho, self._start, self.N, item)


class SpatialNeuron(NeuronGroup):
    """A neuron with a morphology: compartments coupled by the cable equation.

    Parameters
    ----------
    morphology : Morphology
        The shape (a copy is kept).
    model : str or Equations
        Must define ``Im``, the membrane current per area (positive into the cell); may
        define point currents (``I : amp (point current)``), which are divided by each
        compartment's area.
    Cm : Quantity
        Specific capacitance (default 0.9 uF/cm**2, as Brian2); a per-compartment variable.
    Ri : Quantity
        Intracellular resistivity (default 150 ohm*cm).
    threshold, threshold_location, refractory, reset
        Spikes; ``threshold_location`` (an index or a part such as ``morpho.axon[50*um]``)
        tests the threshold in that one compartment.
    method : str or tuple
        For the channels' equations (the cable is always implicit).
    cable_method : str
        labkit's own keyword (Brian2 has none): ``'backward_euler'`` (the default, Brian2's
        scheme: first order in ``dt``) or ``'crank_nicolson'`` (second order, as NEURON's
        ``secondorder``: the channels are read as updated half a step away from ``v``, so
        the gates recorded at ``t`` belong to ``t - dt/2``). Crank-Nicolson reaches a given
        accuracy with a far larger step (Rallpack 3's 0.1 % at dt = 5 us instead of
        0.15-0.3 us), but it damps the fastest modes hardly at all: with ``dt`` much
        longer than a compartment's axial time constant, a sudden input makes the
        compartments near it alternate around the smooth solution from step to step,
        fading slowly (Rallpack 1's cable of 1 um compartments at dt = 50 us, a current
        step: +-0.15 mV at x = 0 after 5 ms, where backward Euler is smooth).
    namespace, dt, clock, order, name, dtype, method_options, events
        As for NeuronGroup.
    """

    _kind = "SpatialNeuron"
    _default_name = "spatialneuron*"

    def __init__(self, morphology=None, model=None, threshold=None, refractory=False,
                 reset=None, events=None, threshold_location=None, dt=None, clock=None,
                 order=0, Cm=0.9 * uF / cm ** 2, Ri=150 * ohm * cm, name=None, dtype=None,
                 namespace=None, method=_DEFAULT_METHODS, method_options=None,
                 cable_method="backward_euler"):
        if not isinstance(morphology, Morphology):
            raise TypeError("SpatialNeuron needs a morphology first, e.g. "
                            "SpatialNeuron(morphology=Soma(30*um), model=eqs), not "
                            f"{type(morphology).__name__}")
        if model is None:
            raise TypeError("SpatialNeuron needs a model defining Im, e.g. "
                            "model='Im = gL*(EL - v) : amp/meter**2'")
        if cable_method not in _CABLE_METHODS:
            raise ValueError(f"cable_method={cable_method!r}: use one of "
                             f"{', '.join(map(repr, _CABLE_METHODS))}")
        geometry = flat_geometry(morphology)
        has_coordinates = geometry.coordinates is not None
        object.__setattr__(self, "_membrane", (model, has_coordinates, {}))
        equations = _group_equations(model, has_coordinates, self._linearised)
        if threshold_location is not None:
            location = threshold_location
            if hasattr(location, "indices"):
                location = location.indices[:]
            location = np.atleast_1d(location)
            if location.size != 1:
                raise TypeError("threshold_location must be one compartment (an index or "
                                "morpho.axon[50*um]), not several")
            if threshold is not None:
                threshold = f"({threshold}) and (i == {int(location[0])})"
        object.__setattr__(self, "_morphology", copy.deepcopy(morphology))
        object.__setattr__(self, "_tree", hines_tree(self._morphology))
        object.__setattr__(self, "_cable_method", cable_method)
        super().__init__(morphology.total_compartments, equations, method=method,
                         threshold=threshold, reset=reset, refractory=refractory,
                         events=events, namespace=namespace, dtype=dtype, dt=dt,
                         clock=clock, order=order, name=name, method_options=method_options)
        for key, values in geometry.values.items():
            self.variables[key].array[:] = values
        for key, values in (geometry.coordinates or {}).items():
            self.variables[key].array[:] = values
        self.Cm = Cm
        self.Ri = Ri

    def _linearised(self):
        """``(equations, gtot, I0)``: the group's equations and ``Im = I0 - gtot*v``, made
        with sympy when first asked for (construction of a model seen before and a run
        from the plan store need none of them)."""
        model, has_coordinates, found = self._membrane
        if not found:
            from labkit.spatial.membrane import membrane_equations  # loads sympy

            found["made"] = membrane_equations(model, has_coordinates)
        return found["made"]

    @property
    def morphology(self):
        """The neuron's morphology (a copy of the one it was made with)."""
        return self._morphology

    def __getattr__(self, name: str):
        if "_morphology" in self.__dict__ and not name.startswith("_") \
                and name not in self.__dict__.get("variables", ()):
            found = _attribute(self, self._morphology, name)   # main, dend, LL (= L.L)
            if found is not None:
                return found
        return self._read(name, 1)

    def __getitem__(self, item):
        return _segment(self, self._morphology, 0, self.N, item)

    def _prepare(self, ctx):
        plan = plan_spatial(self, ctx)
        self._last_externals = plan.externals
        return plan
