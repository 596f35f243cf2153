"""Every operation is described once and every language prints every description."""

import doctest

from labkit.codegen import kernels, loops, operations
from labkit.codegen import spec as S
from labkit.codegen.print_cpp import CppLoops
from labkit.codegen.print_python import NumbaLoops, NumpyLoops


def test_every_operation_class_has_a_loop_description():
    classes = {c for c in vars(S).values()
               if isinstance(c, type) and issubclass(c, S.Operation) and c is not S.Operation}
    missing = classes - set(operations.BUILDERS)
    assert not missing, f"describe {missing} in labkit.codegen.operations.BUILDERS"


def test_every_printer_prints_every_node():
    nodes = {c.__name__ for c in vars(loops).values() if isinstance(c, type)
             and c.__module__ == loops.__name__ and not issubclass(c, loops.E)
             and c.__name__ not in ("Scope", "GrowColumns")}
    for printer in (NumbaLoops, NumpyLoops, CppLoops):
        missing = {n for n in nodes if not hasattr(printer, f"_{n}")}
        assert not missing, f"{printer.__name__} cannot print {missing}"
    assert hasattr(CppLoops, "_GrowColumns")  # only C++ enlarges buffers in place


def test_docstring_examples():
    for module in (kernels, loops, operations):
        assert doctest.testmod(module).failed == 0
