"""`from labkit import *` is exactly `labkit.__all__` and never shadows a builtin."""

import builtins

import labkit


def test_star_import_does_not_shadow_builtins():
    shadowed = sorted(set(labkit.__all__) & set(dir(builtins)))
    assert shadowed == []


def test_star_import_gives_exactly_all():
    namespace: dict = {}
    exec("from labkit import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(labkit.__all__)


def test_every_exported_name_exists():
    missing = [name for name in labkit.__all__ if not hasattr(labkit, name)]
    assert missing == []


def test_input_still_the_builtin_after_star_import():
    namespace: dict = {}
    exec("from labkit import *\nresult = input is __builtins__['input']", namespace)
    assert namespace["result"] is True


def test_course_units_are_exported():
    for name in ("mV", "ms", "nA", "pF", "nS", "uS", "Mohm", "kHz", "umetre", "cm", "cm2", "um3"):
        assert name in labkit.__all__, name


def test_star_import_gives_numpy_as_np_like_brian2():
    namespace: dict = {}
    exec("from labkit import *\nx = np.arange(3)", namespace)
    assert namespace["x"].tolist() == [0, 1, 2]
    assert "np" in labkit.__all__
