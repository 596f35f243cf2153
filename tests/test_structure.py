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


# -- imports follow the stages ---------------------------------------------------------------

#: Third-party packages slow enough to import that labkit defers them to first use
#: (pandas: only sweeps' tables need it).
HEAVY = ("sympy", "numba", "llvmlite", "bqplot", "pandas")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_table():
    """module -> [(imported module or package, at top level?, line)], labkit's and heavy."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}

    def resolve(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    table = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        top = {id(n) for n in tree.body}
        found = []
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] in HEAVY:
                    found.append((name.split(".")[0], id(node) in top, node.lineno))
                elif name.startswith("labkit"):
                    target = resolve(name)
                    if target != module:
                        found.append((target, id(node) in top, node.lineno))
        table[module] = found
    return table


def _circles(edges: dict) -> list:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def _package(module: str) -> str:
    """labkit.units.quantity -> labkit.units; top-level modules (labkit.errors) are their own."""
    return ".".join(module.split(".")[:2])


def test_no_module_imports_itself_through_others():
    """Every import counts, at the top or inside a function: a late import hides nothing."""
    table = _import_table()
    edges = {m: {t for t, _, _ in found if t.startswith("labkit")} for m, found in table.items()}
    assert _circles(edges) == []


def test_no_two_packages_import_each_other():
    table = _import_table()
    edges: dict = {}
    for module, found in table.items():
        for target, _, _ in found:
            if target.startswith("labkit") and _package(target) != _package(module):
                edges.setdefault(_package(module), set()).add(_package(target))
    assert _circles(edges) == []


def test_late_imports_only_defer_sympy_numba_or_bqplot():
    """A labkit module imported inside a function must be one that loads a heavy package
    (sympy, numba, bqplot, pandas) when imported; every other import sits at the top."""
    table = _import_table()

    def loads_heavy(module, seen=None):
        seen = set() if seen is None else seen
        if module in seen:
            return False
        seen.add(module)
        parents = [".".join(module.split(".")[:k]) for k in range(1, module.count(".") + 1)]
        for target, top, _ in table.get(module, ()):
            if top and (target in HEAVY or loads_heavy(target, seen)):
                return True
        return any(loads_heavy(p, seen) for p in parents if p in table)

    late = [f"{module}:{line} imports {target}" for module, found in table.items()
            for target, top, line in found
            if not top and target.startswith("labkit") and not loads_heavy(target)]
    assert late == []


def _layout_rows() -> list[set[str]]:
    """The README's layout table -> per row, the labkit packages and modules it names."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    rows = []
    for line in readme.splitlines():
        first = line.split("|")[1] if line.startswith("| `labkit/") else ""
        names = re.findall(r"`(?:labkit/)?([a-z_]+)(?:/|\.py)`", first)
        if names:
            rows.append({f"labkit.{n}" for n in names})
    return rows


def test_the_readme_layout_table_names_every_package_and_module():
    rows = _layout_rows()
    named = set().union(*rows)
    present = {f"labkit.{p.stem if p.is_file() else p.name}" for p in PACKAGE.iterdir()
               if (p.is_dir() and (p / "__init__.py").exists())
               or (p.suffix == ".py" and p.name != "__init__.py")}
    assert named == present


def test_imports_follow_the_rows_of_the_readme_layout_table():
    """A module imports only from its own row of the table and the rows above it."""
    rank = {name: k for k, row in enumerate(_layout_rows()) for name in row}
    upward = [f"{module} imports {target}"
              for module, found in _import_table().items() if _package(module) in rank
              for target, _, _ in found
              if _package(target) in rank and rank[_package(target)] > rank[_package(module)]]
    assert upward == []
