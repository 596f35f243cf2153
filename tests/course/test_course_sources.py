"""tools/course/*.py (percent format) -> notebooks/, solutions/: the committed notebooks hold
exactly the cells their sources describe (rebuild with ``make notebooks`` after editing a
source; edit the sources, not the .ipynb files)."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "tools" / "course").glob("*/*.py"))


def _build_module():
    path = ROOT / "tools" / "build_course.py"
    spec = importlib.util.spec_from_file_location("build_course", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parse_percent_format():
    cells = _build_module().parse(
        'ignored\n# %% [markdown]\n# # Title\n#\n# text\n# %% tags=["raises-exception"]\n'
        "x = 1\n\n# %%\ny = 2\n")
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[0].source == "# Title\n\ntext"
    assert cells[1].source == "x = 1" and cells[1].metadata["tags"] == ["raises-exception"]
    assert "tags" not in cells[2].metadata


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_matches_its_source(source):
    built = ROOT / source.parent.name / f"{source.stem}.ipynb"
    assert built.exists(), f"{built} is missing: run make notebooks"
    want = _build_module().parse(source.read_text(encoding="utf-8"))
    have = nbformat.read(built, as_version=4).cells
    assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in have] == \
        [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in want], \
        f"{built} differs from {source}: edit the source and run make notebooks"
    code = [c for c in have if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{built} was not executed"


def test_every_built_notebook_has_a_source():
    for kind in ("notebooks", "solutions"):
        for path in (ROOT / kind).glob("*.ipynb"):
            assert (ROOT / "tools" / "course" / kind / f"{path.stem}.py").exists(), path
