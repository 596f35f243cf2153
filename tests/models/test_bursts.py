"""The spike/burst detector (models-reference 1.4's rule) on hand-made trains and traces."""

import doctest

import numpy as np
import pytest

import labkit.models.bursts as bursts
from labkit import ms, second
from labkit.models.bursts import Regime, classify, spike_times, split_bursts


def test_doctests():
    assert doctest.testmod(bursts, optionflags=doctest.ELLIPSIS).failed == 0


def test_hysteresis_counts_a_wide_spike_once_and_needs_the_rearm_level():
    t = np.arange(12) * 1e-3
    V = [-1, 0.2, -0.1, 0.3, -0.4, 0.2, -0.6, 0.1, 0.2, -0.7, -0.3, 0.5]
    np.testing.assert_allclose(np.asarray(spike_times(t, V)), [1e-3, 7e-3, 11e-3])
    # another level pair: threshold 0.25 and re-arm at -0.35
    np.testing.assert_allclose(np.asarray(spike_times(t, V, 0.25, -0.35)), [3e-3, 11e-3])
    assert spike_times(t, np.full(12, 0.5)).size == 1           # starts armed
    assert spike_times(t, np.full(12, -2.0)).size == 0


def test_spike_times_accept_quantities_and_return_seconds():
    found = spike_times(np.arange(4) * ms, [-1, 1, -1, 1])
    assert found.dim == second.dim
    np.testing.assert_allclose(np.asarray(found), [1e-3, 3e-3])


def test_split_bursts_uses_the_geometric_mean_and_leaves_regular_trains_alone():
    train = np.concatenate([o + np.arange(k) * 0.08 for o, k in [(0, 3), (2.0, 5), (4.1, 4)]])
    assert [b.size for b in split_bursts(train)] == [3, 5, 4]
    assert [b.size for b in split_bursts(train, gap=3.0)] == [12]
    jitter = 0.1 + np.random.default_rng(1).uniform(-0.01, 0.01, 30)
    assert len(split_bursts(np.cumsum(jitter))) == 1
    assert split_bursts([]) == [] and [b.size for b in split_bursts([1.0])] == [1]


def test_classify_discards_the_transient_and_the_cut_bursts():
    onsets = np.arange(8) * 2.0
    train = np.concatenate([o + np.arange(7) * 0.08 for o in onsets])
    cut = train[train >= 4.2]                           # the first burst in view is cut
    r = classify(cut)
    assert r.kind == "bursting" and r.spikes_per_burst == 7 and set(r.burst_sizes) == {7}
    assert float(r.period) == pytest.approx(2.0) and float(r.isi) == pytest.approx(0.08)
    tonic_then_bursts = np.concatenate([np.arange(0, 4, 0.1), 5 + train])
    assert classify(tonic_then_bursts).kind == "bursting"
    assert classify(tonic_then_bursts, stop=4.0).kind == "tonic"
    assert classify(tonic_then_bursts, start=5 * second).spikes_per_burst == 7


def test_regime_kinds_and_labels():
    assert classify([]) == Regime("rest") and str(classify([1.0])) == "rest"
    plateau = classify(np.arange(6) * 2.65)
    assert plateau.kind == "plateau" and str(plateau) == "plateau: one long event every 2.65 s"
    assert classify(np.arange(6) * 2.65, plateau_period=3.0).kind == "tonic"
    mixed = np.concatenate([o + np.arange(k) * 0.07 for o, k in
                            [(0, 6), (2, 7), (4, 8), (6, 7), (8, 6)]])
    assert str(classify(mixed)) == "bursting: 7-8 spikes per burst, every 2 s"
