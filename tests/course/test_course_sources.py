"""tools/course/*.py (jupytext percent files) -> notebooks/, solutions/: the committed
notebooks hold exactly the cells their sources describe (rebuild with ``make notebooks``
after editing a source; edit the sources, not the .ipynb files), and every lesson follows
the course's pattern (estimated time, folded answers, inline exercises, links)."""

import importlib.util
import re
from pathlib import Path

import jupytext.config
import nbformat
import pytest

from labkit.course import has_answers, make_lesson

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "tools" / "course").glob("*/*.py"))
LESSONS = sorted((ROOT / "tools" / "course" / "notebooks").glob("*.py"))


def _build_module():
    path = ROOT / "tools" / "build_course.py"
    spec = importlib.util.spec_from_file_location("build_course", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(nb):
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_read_source_uses_jupytext_percent_format(tmp_path):
    source = tmp_path / "99_demo.py"
    source.write_text('# %% [markdown]\n# # Title\n#\n# text\n\n# %% tags=["raises-exception"]\n'
                      "x = 1\n\n# %%\ny = 2\n")
    nb = _build_module().read_source(source)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# Title\n\ntext"
    assert nb.cells[1].source == "x = 1" and nb.cells[1].metadata == {"tags": ["raises-exception"]}
    assert nb.cells[2].metadata == {} and [c.id for c in nb.cells] == ["99-000", "99-001", "99-002"]
    assert "jupytext" not in nb.metadata and nb.metadata["kernelspec"]["name"] == "python3"


def test_sources_are_paired_for_authors():
    """Opening a source in JupyterLab pairs it with an .ipynb beside it (untracked)."""
    config = jupytext.config.load_jupytext_config(str(ROOT / "tools" / "course" / "notebooks"))
    assert config.formats == ["ipynb,py:percent"]
    assert "tools/course/**/*.ipynb" in (ROOT / ".gitignore").read_text()


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_matches_its_source(source):
    kind = source.parent.name
    built = ROOT / kind / f"{source.stem}.ipynb"
    assert built.exists(), f"{built} is missing: run make notebooks"
    authored = _build_module().read_source(source)
    want = make_lesson(authored, source.stem) if kind == "notebooks" else authored
    have = nbformat.read(built, as_version=4)
    assert _cells(have) == _cells(want), \
        f"{built} differs from {source}: edit the source and run make notebooks"
    blanks = [c for c in have.cells if c.cell_type == "code" and "todo(" in c.source
              and "raises-exception" in c.metadata.get("tags", [])]
    code = [c for c in have.cells if c.cell_type == "code" and c not in blanks]
    assert all(c.execution_count is not None for c in code), f"{built} was not executed"
    if kind == "notebooks" and has_answers(authored):
        answered = nbformat.read(ROOT / "solutions" / "lessons" / built.name, as_version=4)
        assert _cells(answered) == _cells(authored), f"solutions/lessons/{built.name} is stale"


def test_every_built_notebook_has_a_source():
    for kind in ("notebooks", "solutions"):
        for path in (ROOT / kind).glob("*.ipynb"):
            assert (ROOT / "tools" / "course" / kind / f"{path.stem}.py").exists(), path
    for path in (ROOT / "solutions" / "lessons").glob("*.ipynb"):
        assert (ROOT / "tools" / "course" / "notebooks" / f"{path.stem}.py").exists(), path


def _check_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and re.search(r"^check\(", cell.source, re.MULTILINE):
            text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                           for o in cell.outputs)
            yield cell.source, text


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("**/*.ipynb")),
                         ids=lambda p: str(p.relative_to(ROOT / "solutions")))
def test_every_worked_answer_passes_its_check(path):
    """The saved output of every check(...) in solutions/ (exercise notebooks and the
    lessons with their answers) says "all correct"."""
    for source, text in _check_outputs(path):
        assert "all correct" in text, f"{path.name}: {source!r} gave\n{text}"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_lesson_follows_the_course_pattern(source):
    """Estimated time at the top, every Think! answer folded, inline exercises checked,
    links to the neighbouring lessons and to the exercise notebook."""
    nb = _build_module().read_source(source)
    first = nb.cells[0].source
    assert re.search(r"\*Estimated time: \d+ minutes", first), "no estimated time at the top"
    for cell in nb.cells:
        questions = len(re.findall(r"\*\*Think!\*\* [A-Z]", cell.source))
        assert cell.source.count("<!-- BEGIN ANSWER -->") >= questions, \
            f"a Think! question without a folded answer in its cell: {cell.source[:120]!r}"
    learner = make_lesson(nb, source.stem)
    assert "<!-- BEGIN ANSWER -->" not in "\n".join(c.source for c in learner.cells)
    if source.stem.startswith("00"):
        return
    inline = [c for c in nb.cells if c.cell_type == "code" and "# BEGIN ANSWER" in c.source]
    assert inline and all(re.search(r'check\("\d\d\.[a-z]"', c.source) for c in inline)
    exercises = f"../exercises/{source.stem}.ipynb"
    assert exercises in first and exercises in nb.cells[-1].source


def test_the_lesson_map_and_the_readme_list_every_lesson_with_its_status():
    """00_start_here's map and the README's course table name every lesson, 00 included,
    each with a status, and none is 'not yet' once its source exists."""
    numbers = {path.name[:2] for path in LESSONS}
    start = (ROOT / "tools" / "course" / "notebooks" / "00_start_here.py").read_text()
    mapped = {m.group(1): m.group(2) for m in re.finditer(
        r"^# \| \[?(\d\d) [^|]*\|[^|]*\|[^|]*\| ([^|]+) \|$", start, re.MULTILINE)}
    assert set(mapped) == numbers
    assert set(mapped.values()) == {"ready"}
    readme = (ROOT / "README.md").read_text()
    listed = {m.group(1): m.group(2).strip() for m in re.finditer(
        r"^\| (\d\d) \|[^|]*\| ([^|]*) \|", readme, re.MULTILINE)}
    assert numbers - {"00"} <= set(listed)
    assert [n for n, status in listed.items() if status != "✓"] == []
