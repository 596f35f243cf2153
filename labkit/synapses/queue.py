"""A synaptic pathway: its code, its delays and its spike queue (kept between runs).

A pathway (``S.pre``, ``S.post``, or a named one from a dict of ``on_pre`` codes) turns
spikes of its source side into executions of its code, each after the synapse's delay.
Pending events live in a ring buffer that the compiled kernel updates in place (layout in
``labkit.codegen.spec``): ``D`` slots of ``capacity`` events, the slot of the current step
at ``qoff``. An event is a *position* in the pathway's order of synapses by source
element (``syn``, made at the first run: the synapse at position ``p`` is ``syn[p]``), not
a synapse index: a spike's events are then consecutive positions, and the element each
reaches is read from ``reach`` (the target side's indices copied into that order) one
after the other instead of at random in a large ``post`` array (CUBA, 10^5 neurons, 80
synapses each: a random 4-byte read in 32 MB per event). Delivery order and values are
those of synapse indices (the same synapses in the same order). Because the buffer is
plain arrays held here, ``store()`` / ``restore()`` copy pending spikes bit for bit (as
synapse indices, translated back into positions at the next run, so that a restore
after ``connect()`` changed the order still finds its synapses), and a second ``run()``
continues with the events the first one left in flight, as Brian2's SpikeQueue does (a
``connect()`` in between moves the positions of pending events with the new order). A
full slot doubles the capacity: ``qdata`` is a :class:`~labkit.plan.buffers.Growable`
the runner widens when the kernel says it is full (cpp_standalone's program widens it
itself).

Delays are rounded to steps as Brian2's C++ queue does, ``int(delay/dt + 0.5)``.
"""

from __future__ import annotations

import numpy as np

from labkit.core.clock import SECOND
from labkit.core.namespace import frame_namespace
from labkit.core.variables import Variable
from labkit.devices import numba_available
from labkit.plan.buffers import Growable

__all__ = ["Pathway", "gather"]


class Pathway:
    """One synaptic pathway of a Synapses object.

    Parameters
    ----------
    synapses : Synapses
        The owner.
    prepost : {'pre', 'post'}
        Triggered by spikes of the source (``'pre'``) or of the target (``'post'``).
    objname : str
        Its name: ``'pre'``, ``'post'`` or the key of an ``on_pre``/``on_post`` dict.
    code : str
        The statements run per synaptic event.
    delay : Quantity or None
        One delay for every synapse of this pathway; ``None``: a delay per synapse
        (``S.delay`` / ``S.<objname>.delay``, 0 until set).
    event : str
        The event of the source that triggers it (``'spike'`` or a custom event).
    """

    def __init__(self, synapses, prepost: str, objname: str, code: str, delay=None,
                 event: str = "spike"):
        self.synapses = synapses
        self.prepost, self.objname, self.code = prepost, objname, code
        self.event = event
        if delay is None:
            self.delay_var = Variable("delay", SECOND, "parameter", np.zeros(0))
        else:
            seconds = _delay_seconds(delay, synapses, objname)
            self.delay_var = Variable("delay", SECOND, "parameter", np.array([seconds]),
                                      shared=True)
        self._qdata = Growable(np.zeros((1, 16), dtype=np.int32), axis=1)
        # ``syn`` where the queue keeps no order (its kernel does not read it): one per
        # queue, since cpp_standalone refuses two arguments that share a buffer
        self._no_order = np.zeros(1, dtype=np.int32)
        self.qn = np.zeros(1, dtype=np.int64)
        self.qn0 = np.zeros(1, dtype=np.int64)
        self.qoff = np.zeros(1, dtype=np.int64)
        self._dt: float | None = None
        self._csr_key = None
        self._csr = (np.zeros(1, np.int64), np.zeros(0, np.int32), 0)
        # the order (CSR key) whose positions qdata holds; None: synapse indices (nothing
        # run yet, or restored from a state)
        self._held = None
        self._reach_key = None
        self._reach = np.zeros(1, dtype=np.int32)

    @property
    def qdata(self) -> np.ndarray:
        """The pending events: ``D`` slots (rows) of positions in the order of synapses by
        source (the row's first ``qn``; see the module docstring)."""
        return self._qdata.array

    @property
    def source(self):
        """The group whose spikes trigger this pathway."""
        s = self.synapses
        return s.source if self.prepost == "pre" else s.target

    # -- delays -----------------------------------------------------------------------------

    @property
    def delay(self):
        return self.synapses._get_variable(self.delay_var, units=True)

    @delay.setter
    def delay(self, value):
        namespace = frame_namespace(1) if isinstance(value, str) else None
        self.synapses._assign(self.delay_var, value, True, namespace,
                              f"{self.synapses._label()}, delay of pathway '{self.objname}'")

    def delay_steps(self, dt: float, n_syn: int) -> tuple[np.ndarray, int]:
        """Each synapse's delay in steps (Brian2's C++ rounding), checked to be >= 0 ->
        ``(steps, hom)``: ``hom`` >= 0 when every synapse has the same delay (its steps;
        ``steps`` is then a placeholder that the kernel does not read), else -1.

        Two SIMD passes (min, max) over the delays at most: at 10^6 neurons a run's
        preparation spent 67 ms in ``any``/``min``/``max`` passes over 80 M zeros."""
        seconds = self.delay_var.array
        if not self.delay_var.shared:
            seconds = seconds[:n_syn]
        if not seconds.size:
            return np.zeros(1, dtype=np.int32), 0
        low, high = seconds.min(), seconds.max()
        if low < 0:
            k = int(np.argmin(seconds))
            raise ValueError(
                f"{self.synapses._label()}: synapse {k} of pathway '{self.objname}' has a "
                f"negative delay ({seconds[k] * 1e3:g} ms); delays must be >= 0")
        if low == high:  # one delay (often 0): the queue needs no per-synapse steps
            return np.zeros(1, dtype=np.int32), int(np.floor(low / dt + 0.5))
        scaled = seconds / dt  # one temporary, rounded in place
        scaled += 0.5
        steps = np.floor(scaled, out=scaled).astype(np.int32)
        del scaled
        return steps, -1

    # -- the queue ----------------------------------------------------------------------------

    def _events(self) -> list[tuple[int, int]]:
        """Pending events as (steps from now, synapse), in delivery order."""
        d = self.qn.shape[0]
        off = int(self.qoff[0])
        out = []
        for rel in range(d):
            slot = (off + rel) % d
            out.extend((rel, int(s)) for s in self.qdata[slot, :self.qn[slot]])
        return out

    def _layout(self, n_slots: int, capacity: int, events) -> None:
        """New buffer with ``n_slots`` slots, current slot 0, holding ``events``."""
        counts = np.zeros(n_slots, dtype=np.int64)
        for rel, _ in events:
            counts[min(rel, n_slots - 1)] += 1
        capacity = max(capacity, int(counts.max()) if counts.size else 0, 1)
        self._qdata.array = np.zeros((n_slots, capacity), dtype=np.int32)
        self.qn = np.zeros(n_slots, dtype=np.int64)
        self.qn0 = np.zeros(n_slots, dtype=np.int64)
        self.qoff = np.zeros(1, dtype=np.int64)
        for rel, syn in events:
            slot = min(rel, n_slots - 1)
            self.qdata[slot, self.qn[slot]] = syn
            self.qn[slot] += 1

    def _translate(self, table: np.ndarray) -> None:
        """Each pending event ``e`` -> ``table[e]`` (positions <-> synapse indices)."""
        for slot in range(self.qn.shape[0]):
            row = self.qdata[slot, :self.qn[slot]]
            row[:] = table[row]

    def prepare(self, dt: float, n_syn: int, sources: np.ndarray, version: int,
                reached: np.ndarray | None = None, indexed: bool = True) -> dict:
        """Bring the queue in line with this run's delays and dt -> its arrays by part name
        (``start``, ``stop``, ``ptr``, ``syn``, ``delay``, ``hom``, ``qdata``, ``qn``, ...,
        and ``reach`` when ``reached`` is given).

        ``sources``: each synapse's element in the source's storage (absolute indices);
        ``reached``: the element each synapse reaches on the other side, when the code uses
        it (copied into the queue's order as ``reach``); ``indexed``: the code reads each
        event's synapse (``syn``). Otherwise, and with one delay for every synapse, ``syn``
        is a placeholder the kernel never reads and the order is not kept (4 bytes per
        synapse: CUBA's queues need ``ptr`` and ``reach`` alone); it is made again from
        the sources where events in flight must be translated (``_order``).
        """
        group = self.source
        steps, hom = self.delay_steps(dt, n_syn)
        n_slots = hom + 1 if hom >= 0 else int(steps.max()) + 1
        key = (version, n_syn, group._start, group._stop)
        pending = bool(self.qn.any())
        keep = indexed or hom < 0  # the kernel reads syn (the push: each synapse's delay)
        if key != self._csr_key:
            if self._held is not None and pending:  # positions of the old order -> synapses
                self._translate(self._order())
            self._held = None
            order, ptr, reach = _arrange(sources, group._stop, reached, keep or pending)
            ptr = ptr[group._start:] - ptr[group._start]  # the source's elements only
            out_degree = int(np.diff(ptr).max()) if ptr.size > 1 else 0
            self._csr, self._csr_key = (ptr, order, out_degree), key
            self._reach, self._reach_key = (np.zeros(1, dtype=np.int32), None) \
                if reach is None else (reach, key)
        if self._held is None:  # synapse indices -> positions in this order
            if pending:
                where = np.empty(n_syn, dtype=np.int32)
                where[self._order()] = np.arange(n_syn, dtype=np.int32)
                self._translate(where)
                del where
            self._held = key
        parts = {}
        if reached is not None:
            if self._reach_key != key:
                self._reach = gather(reached, self._order())
                self._reach_key = key
            parts["reach"] = self._reach
        ptr, order, out_degree = self._csr
        if keep and order is None:
            order = self._order()
        self._csr = (ptr, order if keep else None, out_degree)
        if self._dt is not None and self._dt != dt:  # Brian2: re-bin pending spikes
            events = [(int(round(rel * self._dt / dt)), s) for rel, s in self._events()]
            self._layout(max(n_slots, self.qn.shape[0]), self.qdata.shape[1], events)
        elif n_slots > self.qn.shape[0]:
            self._layout(n_slots, self.qdata.shape[1], self._events())
        wanted = min(max(64, 2 * out_degree), max(n_syn, 1))
        if self.qdata.shape[1] < wanted:
            self._qdata.enlarge(wanted)
        self._dt = dt
        return {"start": group._start, "stop": group._stop, "ptr": ptr,
                "syn": order if keep else self._no_order, "delay": steps, "hom": hom,
                "qdata": self._qdata, "qn": self.qn, "qn0": self.qn0, "qoff": self.qoff,
                **parts}

    def _order(self) -> np.ndarray:
        """The synapses in the order of the queue's key (by source, stable): kept where the
        kernel reads it, else made again from the sources. ``connect()`` only appends
        synapses and ``restore()`` replaces the events in flight, so the key's first
        ``n_syn`` sources are still those the order was made from."""
        order = self._csr[1]
        if order is None:
            s = self.synapses
            sources = s._pre if self.prepost == "pre" else s._post
            order = _stable_order(sources[:self._csr_key[1]], self.source._stop)[0]
        return order

    # -- store / restore ----------------------------------------------------------------------

    def state(self) -> dict:
        """The queue with its events as synapse indices (valid in any order of synapses)."""
        qdata = self.qdata.copy()
        if self._held is not None:
            order = self._order()
            for slot in range(self.qn.shape[0]):
                qdata[slot, :self.qn[slot]] = order[qdata[slot, :self.qn[slot]]]
        return {"qdata": qdata, "qn": self.qn.copy(),
                "qoff": self.qoff.copy(), "dt": self._dt, "delay": self.delay_var.array.copy()}

    def restore(self, state: dict) -> None:
        self._qdata.array, self.qn = state["qdata"].copy(), state["qn"].copy()
        self._held = None  # synapse indices: positions again at the next run
        self.qn0 = np.zeros_like(self.qn)
        self.qoff, self._dt = state["qoff"].copy(), state["dt"]
        self.delay_var.array = state["delay"].copy()

    def __repr__(self) -> str:
        return f"<SynapticPathway '{self.synapses.name}_{self.objname}' ({self.prepost})>"


def _delay_seconds(delay, synapses, objname) -> float:
    dim = getattr(delay, "dim", None)
    if dim is not SECOND or np.size(delay) != 1:
        raise TypeError(f"{synapses._label()}: the delay of pathway '{objname}' must be one "
                        f"time (e.g. 2*ms); got {delay!r}. For a delay per synapse, leave "
                        "delay out and set S.delay = ... after connect()")
    seconds = float(np.asarray(delay.view(np.ndarray)))
    if seconds < 0:
        raise ValueError(f"{synapses._label()}: the delay of pathway '{objname}' is "
                         f"negative ({seconds * 1e3:g} ms); delays must be >= 0")
    return seconds


def gather(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``values[order]`` (int32), in blocks: numpy would first copy an int32 index array of
    10^8 synapses to int64 (800 MB) to index with it. Blocks of 2^18 (a 2 MB copy each):
    2^22 took 32 MB over the result at the first run, for no measurable speed."""
    out = np.empty(order.size, dtype=np.int32)
    block = 1 << 18
    for start in range(0, order.size, block):
        np.take(values, order[start:start + block], out=out[start:start + block],
                mode="clip")  # indices are valid; "raise" would buffer the output
    return out


#: Synapses from which a counting sort orders them (below, numpy's sort is quicker than
#: loading the compiled one).
COUNTING_FROM = 1 << 20


def _arrange(sources, n_elements, reached, keep: bool):
    """-> (the order by source or None when not ``keep``, ``ptr``, ``reached`` in that
    order or None). Without ``keep``, large networks copy ``reached`` into the order in
    one counting pass, the order itself never made (it would be 4 bytes per synapse at
    the first run's peak)."""
    if not keep and reached is not None and sources.size >= COUNTING_FROM \
            and numba_available():
        from labkit.synapses.counting_sort import counting_scatter

        reach, ptr = counting_scatter(sources, reached, n_elements)
        return None, ptr, reach
    order, ptr = _stable_order(sources, n_elements)
    reach = None if reached is None else gather(reached, order)
    return (order if keep else None), ptr, reach


def _stable_order(sources: np.ndarray, n_elements: int) -> tuple[np.ndarray, np.ndarray]:
    """Synapse indices sorted by source element, stable (int32), and where each element's
    start (``ptr``, int64, ``n_elements + 1``). Large networks use a counting sort, which
    needs no memory besides its result (``np.argsort`` and ``np.bincount`` make int64
    copies first, twice the result's size per synapse)."""
    if sources.size < COUNTING_FROM or not numba_available():
        ptr = np.zeros(n_elements + 1, dtype=np.int64)
        np.cumsum(np.bincount(sources, minlength=n_elements), out=ptr[1:])
        return np.argsort(sources, kind="stable").astype(np.int32), ptr
    from labkit.synapses.counting_sort import counting_sort

    return counting_sort(sources, n_elements)
