"""generate_connections: deterministic rules (exact arrays), devices, caching, errors."""

import numpy as np
import pytest

from labkit.errors import DimensionMismatchError, ExpressionError, LabkitError, UnknownNameError
from labkit.synapses.connect import generate_connections
from labkit.synapses.connect_kernels import numba_source
from labkit.synapses.connect_rule import build_rule
from labkit.units.table import UNITS

mV = UNITS["mV"]
DEVICES = ["numba", "numpy"]


def pairs(n_source, n_target, device="numba", seed=0, **kwds):
    i, j = generate_connections(n_source, n_target, rng=np.random.default_rng(seed),
                                device=device, **kwds)
    assert i.dtype == np.int32 and j.dtype == np.int32
    return list(zip(i.tolist(), j.tolist(), strict=True))


def by_loops(n_source, n_target, keep, n=1):
    return [(a, b) for a in range(n_source) for b in range(n_target) if keep(a, b)
            for _ in range(n)]


@pytest.mark.parametrize("device", DEVICES)
class TestDeterministic:
    def test_all_pairs_in_i_then_j_order(self, device):
        expected = by_loops(4, 3, lambda a, b: True)
        assert pairs(4, 3, device) == expected
        assert pairs(4, 3, device, condition=True) == expected
        assert pairs(4, 3, device, condition="True") == expected

    def test_false_gives_nothing(self, device):
        assert pairs(4, 3, device, condition=False) == []
        assert pairs(4, 3, device, condition="i > 100") == []

    def test_not_self(self, device):
        assert pairs(5, 5, device, condition="i != j") == by_loops(5, 5, lambda a, b: a != b)

    def test_distance_band(self, device):
        got = pairs(12, 12, device, condition="abs(i-j) > 2 and abs(i-j) < 5")
        assert got == by_loops(12, 12, lambda a, b: 2 < abs(a - b) < 5)

    def test_row_only_condition_and_n(self, device):
        got = pairs(5, 3, device, condition="i % 2 == 0 and j != 1", n=2)
        assert got == by_loops(5, 3, lambda a, b: a % 2 == 0 and b != 1, n=2)

    def test_n_as_string(self, device):
        got = pairs(3, 2, device, condition=True, n="i + j")
        assert got == [(a, b) for a in range(3) for b in range(2) for _ in range(a + b)]

    def test_one_to_one(self, device):
        assert pairs(5, 5, device, j="i") == [(a, a) for a in range(5)]
        assert pairs(4, 4, device, j="i", n=2) == [(a, a) for a in range(4) for _ in "xx"]

    def test_shorthand_with_if(self, device):
        assert pairs(6, 6, device, j="i if i % 2 == 0") == [(0, 0), (2, 2), (4, 4)]

    def test_generator_window(self, device):
        got = pairs(8, 8, device, j="k for k in range(i-3, i+4) if k != i",
                    skip_if_invalid=True)
        assert got == by_loops(8, 8, lambda a, b: 0 < abs(a - b) <= 3)

    def test_generator_order_is_generator_order(self, device):
        got = pairs(4, 6, device, j="k for k in range(N_post - 1, i, -2)")
        expected = [(a, b) for a in range(4) for b in range(5, a, -2)]
        assert got == expected

    def test_generator_neighbours(self, device):
        got = pairs(5, 5, device, j="i + (-1)**k for k in range(2) if i > 0 and i < N_pre-1")
        assert got == [(1, 2), (1, 0), (2, 3), (2, 1), (3, 4), (3, 2)]

    def test_float_element_is_truncated(self, device):
        assert pairs(5, 3, device, j="i/2") == [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2)]

    def test_i_generator_orders_by_j(self, device):
        got = pairs(3, 4, device, i="k for k in range(N_pre) if k != j % 3")
        assert got == [(a, b) for b in range(4) for a in range(3) if a != b % 3]

    def test_sample_with_p_one_is_the_range(self, device):
        got = pairs(3, 5, device, j="k for k in sample(1, N_post, 2, p=1.0)")
        assert got == [(a, b) for a in range(3) for b in (1, 3)]

    def test_pre_post_variables(self, device):
        v_pre = np.array([0.1, 0.5, 0.9, 0.3])
        v_post = np.array([0.2, 0.8, 0.4])
        kw = dict(source_vars={"v": v_pre * mV}, target_vars={"v": v_post * mV})
        got = pairs(4, 3, device, condition="v_pre > v_post", **kw)
        assert got == by_loops(4, 3, lambda a, b: v_pre[a] > v_post[b])
        # a plain target name is the post-synaptic variable (as Brian2)
        got = pairs(4, 3, device, condition="v > 0.3*mV and i != j", **kw)
        assert got == by_loops(4, 3, lambda a, b: v_post[b] > 0.3 and a != b)

    def test_shared_variable_and_namespace(self, device):
        got = pairs(6, 6, device, condition="abs(i - j) < width and x_pre > 0",
                    namespace={"width": 2}, source_vars={"x": np.float64(1.0)})
        assert got == by_loops(6, 6, lambda a, b: abs(a - b) < 2)

    def test_boolean_variable(self, device):
        flag = np.array([True, False, True])
        got = pairs(3, 3, device, condition="flag_pre and not flag_post",
                    source_vars={"flag": flag}, target_vars={"flag": flag})
        assert got == [(0, 1), (2, 1)]

    def test_index_arrays(self, device):
        assert pairs(5, 5, device, i=[0, 3, 3], j=[4, 1, 1]) == [(0, 4), (3, 1), (3, 1)]
        assert pairs(5, 5, device, i=2, j=np.array([1, 3])) == [(2, 1), (2, 3)]
        assert pairs(5, 5, device, i=[1, 2], j=0, n=[2, 0]) == [(1, 0), (1, 0)]
        assert pairs(5, 5, device, i=0, j=1) == [(0, 1)]

    def test_empty_groups(self, device):
        assert pairs(0, 5, device) == []
        assert pairs(5, 0, device, condition="i != j") == []


class TestKernelCache:
    def test_values_are_arguments_not_structure(self):
        a, values_a = build_rule(10, 20, condition="abs(i-j) < w", p=0.1,
                                 namespace={"w": 3})
        b, values_b = build_rule(400, 30, condition="abs(i-j) < w", p=0.7,
                                 namespace={"w": 9})
        names = tuple(sorted(values_a))
        assert names == tuple(sorted(values_b))
        assert numba_source(a, names).hash == numba_source(b, names).hash
        assert values_a["_p_value"] == 0.1 and values_b["_c_w"] == 9

    def test_source_is_printable(self):
        rule, values = build_rule(5, 5, generator="k for k in range(i-3, i+4) if k != i")
        text = str(numba_source(rule, tuple(sorted(values))))
        assert "def _connect_kernel(" in text and "range(_m)" in text


class TestErrors:
    @pytest.mark.parametrize("p", [1.5, -0.1, 2])
    def test_p_outside_unit_interval(self, p):
        with pytest.raises(ValueError, match="between 0 and 1"):
            pairs(5, 5, condition="i != j", p=p)
        with pytest.raises(ValueError, match="between 0 and 1"):
            pairs(5, 5, i=[1], j=[2], p=p)

    def test_index_out_of_range(self):
        with pytest.raises(IndexError, match="i=5 is outside the source group's range 0..2"):
            pairs(3, 3, i=[0, 5], j=1)
        with pytest.raises(IndexError, match="j=-1 is outside the target group's range"):
            pairs(3, 3, i=[0, 1], j=[0, -1])

    @pytest.mark.parametrize("device", DEVICES)
    def test_generator_out_of_range(self, device):
        with pytest.raises(IndexError, match=r"j=-3 is outside the allowed range 0\.\.7 .*"
                           r"for i=0; use skip_if_invalid=True"):
            pairs(8, 8, device, j="k for k in range(i-3, i+4) if k != i")
        with pytest.raises(IndexError, match=r"j=8 is outside .* for i=5"):
            pairs(8, 8, device, j="k for k in range(i, i+4) if k > 3")

    @pytest.mark.parametrize("device", DEVICES)
    def test_range_checked_before_a_condition_on_j(self, device):
        # as Brian2: the condition reads j, so j must be valid before it is evaluated
        with pytest.raises(IndexError, match="j=-1 .* for i=0"):
            pairs(4, 4, device, j="k for k in range(i-1, i+2) if j >= 0 and j < N_post")
        got = pairs(4, 4, device, j="k for k in range(i-1, i+2) if k >= 0 and k < N_post")
        assert got == by_loops(4, 4, lambda a, b: abs(a - b) <= 1)

    def test_unknown_name_suggests(self):
        with pytest.raises(UnknownNameError, match="'v_pst'.*did you mean 'v_post'"):
            pairs(3, 3, condition="v_pst > 0", target_vars={"v": np.zeros(3)})
        with pytest.raises(UnknownNameError, match="'widht'.*did you mean 'width'"):
            pairs(3, 3, condition="abs(i-j) < widht", namespace={"width": 1})
        with pytest.raises(UnknownNameError, match="'N_pots'.*did you mean 'N_post'"):
            pairs(3, 3, j="k for k in range(N_pots)")

    @pytest.mark.parametrize("kwds", [
        dict(j="k for k in range(__import__('os').getpid())"),
        dict(j="k.__class__ for k in range(3)"),
        dict(j="k for k in range(3) if (lambda: 1)()"),
        dict(j="k for k in eval('range(3)')"),
        dict(j="k for k in range(3) for q in range(2)"),
        dict(j="[k for k in range(3)]"),
        dict(j="k for k in range(3) if k in (1, 2)"),
        dict(j="__class__ for __class__ in range(3)"),
        dict(j="k for k in sample(3, p=0.5, size=2)"),
        dict(condition="__import__('os').system('echo hacked') > 0"),
        dict(condition="i.real > 0"),
        dict(condition="(lambda: True)()"),
        dict(p="__import__('os').getpid()"),
        dict(condition=True, n="[1][0]"),
    ])
    def test_injection_is_an_expression_error(self, kwds):
        with pytest.raises(ExpressionError):
            pairs(3, 3, **kwds)

    def test_error_quotes_the_generator(self):
        with pytest.raises(ExpressionError) as info:
            pairs(3, 3, j="k for k in range(N_post) if k.imag")
        assert "k for k in range(N_post) if k.imag" in str(info.value)
        assert "^^^^^" in str(info.value)

    @pytest.mark.parametrize(("kwds", "error", "match"), [
        (dict(j="k for k in range(N_post)", p=0.5), ValueError, "cannot be combined with p"),
        (dict(j="k for k in range(3)", i=1), TypeError, "cannot be combined"),
        (dict(condition="i != j", i=1, j=2), ValueError, "cannot combine condition"),
        (dict(i=1), ValueError, "specify a condition"),
        (dict(condition="k for k in range(3)"), ValueError, "connect\\(j="),
        (dict(j="k for k in range(i, i + 0.5)"), TypeError, "integer"),
        (dict(j="k for k in range(k, 3)"), ValueError, "may depend only on 'i'"),
        (dict(j="k for k in range(3)", n=-1), ValueError, "non-negative"),
        (dict(j="k for k in range(3)", n=1.5), ValueError, "non-negative"),
        (dict(condition=True, n="i - 1"), ValueError, "n=-1 is negative"),
        (dict(condition=True, n="i / 2"), TypeError, "integer"),
        (dict(i=[0], j=[1], skip_if_invalid=True), ValueError, "skip_if_invalid"),
        (dict(i=[0.5], j=[1]), TypeError, "integers"),
        (dict(i=[0], j=[1], p="0.5"), TypeError, "p must be a number"),
        (dict(j="k for k in range(0, 3, 0)"), ValueError, "step of range\\(\\) is zero"),
        (dict(j="k for k in sample(N_post, size=5)"), IndexError, "sample size 5"),
        (dict(condition="i + j"), ExpressionError, "must be a condition"),
        (dict(condition="rand() < 0.5 and randn() > 0"), ExpressionError, "randn"),
        (dict(condition=1.5), TypeError, "condition must be"),
        (dict(condition=True, p=[0.5]), TypeError, "p must be"),
        (dict(j="k for k in range(3) if j"), ExpressionError, "must be a condition"),
        (dict(j="j + 1 for k in range(1)"), ValueError, "cannot depend on the index"),
    ])
    def test_bad_arguments(self, kwds, error, match):
        with pytest.raises(error, match=match):
            pairs(3, 3, **kwds)

    def test_units_are_checked(self):
        volts = {"v": np.zeros(3) * mV}
        with pytest.raises(DimensionMismatchError):
            pairs(3, 3, condition="v_post > 1", target_vars=volts)
        with pytest.raises(DimensionMismatchError, match="dimensionless"):
            pairs(3, 3, condition=True, p="v_post", target_vars=volts)

    def test_variable_of_wrong_length(self):
        with pytest.raises(ValueError, match="has shape"):
            pairs(3, 3, condition="x_pre > 0", source_vars={"x": np.zeros(4)})

    def test_sample_size_clipped_when_skipping(self):
        got = pairs(2, 3, j="k for k in sample(N_post, size=5)", skip_if_invalid=True)
        assert got == by_loops(2, 3, lambda a, b: True)

    def test_bad_device(self):
        with pytest.raises(ValueError, match="unknown device"):
            pairs(3, 3, condition="i != j", device="gpu")


@pytest.mark.parametrize("condition, fix", [
    ("[x for x in range(3)]", "connect(j='x for x in range(3)')"),
    ("k for k in range(i, 3)", "connect(j='k for k in range(i, 3)')"),
])
def test_a_loop_given_as_condition_says_where_it_belongs(condition, fix):
    # was a builtin ValueError suggesting connect(j='[x for x in range(3)]'), itself an error
    with pytest.raises(ValueError, match="a condition is an expression") as info:
        pairs(3, 3, condition=condition)
    assert str(info.value).endswith(fix) and isinstance(info.value, LabkitError)
    j = fix[len("connect(j='"):-2]
    assert len(pairs(3, 3, j=j)) in (6, 9)  # the suggested call works


def _synapses(n, name="S"):
    from labkit import NeuronGroup, Synapses

    G = NeuronGroup(n, "v : 1")
    return Synapses(G, G, "w : 1", name=name)


def test_connect_all_pairs_that_cannot_fit_is_refused_at_once():
    # was: 3.3 GB allocated in 12 s, then numba's MemoryError (or the OOM killer)
    import time

    S = _synapses(10**5)
    started = time.perf_counter()
    with pytest.raises(MemoryError, match=r"Synapses 'S'.connect\(\) of 100,000 x 100,000 "
                       r"pairs with p=1 would make about 10,000,000,000 synapses, which would "
                       r"need \d+ GB \(\d+ bytes each\), but only .* available .*smaller p"):
        S.connect(p=1)
    assert time.perf_counter() - started < 1 and len(S) == 0


@pytest.mark.parametrize("device", ["runtime", "numpy"])
def test_connect_stops_early_when_its_rate_would_exhaust_memory(monkeypatch, device):
    from labkit import memory, set_device

    set_device(device)
    monkeypatch.setattr(memory, "available_memory", lambda: 40_000_000)  # 1e6 synapses
    S = _synapses(2000)
    with pytest.raises(MemoryError, match=r"was stopped after making [\d,]+ synapses for the "
                       r"first [\d,]+ of 2,000 neurons; at that rate it would make about "
                       r"3,9\d\d,\d+ synapses") as info:
        S.connect("i != j")
    assert isinstance(info.value, LabkitError) and len(S) == 0
    S.connect("i < 100")  # dense at first, then nothing: 200,000 fit
    assert len(S) == 200_000
