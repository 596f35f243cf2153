"""The shape of the package, checked: who may read the caller's frame, who names arguments."""

import ast
import re
from pathlib import Path

import labkit

PACKAGE = Path(labkit.__file__).parent
#: The only modules that look at the caller's frame (run() collects objects; names).
FRAME_READERS = {"core/magic.py", "core/namespace.py"}
_FRAME = re.compile(r"_getframe|f_locals|f_globals|f_back|currentframe|inspect\.stack")


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8")


def test_only_magic_and_namespace_read_the_callers_frame():
    readers = {name for name, text in _sources() if _FRAME.search(text)}
    assert readers == FRAME_READERS


def test_kernel_argument_names_for_constants_are_made_in_one_place():
    """Constants and TimedArrays get their arguments from plan.arguments only."""
    typed = []
    for name, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.JoinedStr):
                literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if re.search(r"_(c|ta)_$|^_(c|ta)_|__c_|__t_", literal) and \
                        isinstance(node.values[0], ast.FormattedValue):
                    typed.append(f"{name}:{node.lineno}")
    assert typed == []
