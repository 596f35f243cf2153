"""The examples in labkit.equations' docstrings are true."""

import doctest
import importlib

import pytest

MODULES = ["checks", "equations", "expressions", "folding", "grammar", "printing", "source",
           "statements", "unitspec", "functions", "model", "symbols"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"labkit.equations.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
