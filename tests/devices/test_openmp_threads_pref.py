"""cpp_standalone's threads from Brian2's ``prefs.devices.cpp_standalone.openmp_threads``
(the cuba_openmp example sets it); ``set_device(..., threads=n)`` wins when given."""

import pytest

from labkit import get_device, prefs, set_device


@pytest.fixture(autouse=True)
def _default_threads():
    yield
    prefs.devices.cpp_standalone.openmp_threads = 0


def test_the_preference_sets_the_threads_unless_set_device_does():
    set_device('cpp_standalone')
    assert prefs.devices.cpp_standalone.openmp_threads == 0
    assert get_device().threads == 1
    prefs.devices.cpp_standalone.openmp_threads = 4
    assert get_device().threads == 4
    set_device('cpp_standalone', threads=2)
    assert get_device().threads == 2


def test_threads_below_one_are_refused():
    with pytest.raises(ValueError, match="threads must be >= 1, got 0"):
        set_device('cpp_standalone', threads=0)


def test_an_unknown_preference_of_the_group_is_refused():
    with pytest.raises(AttributeError, match="devices.cpp_standalone.openmp_thread"):
        prefs.devices.cpp_standalone.openmp_thread = 4
