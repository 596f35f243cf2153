"""The examples in the connect modules' docstrings are true."""

import doctest
import importlib

import pytest

MODULES = ["connect", "connect_rule", "connect_kernels", "generator_syntax"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"labkit.synapses.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
