"""The README's code runs as shown (headless: the panel computes its first results)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _python_blocks(heading: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_quick_start_is_the_two_commands():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick, re.DOTALL)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in commands] == ["make lab", "make test"]


def test_widget_example_builds_a_live_panel():
    (code,) = _python_blocks("Using the widgets in your own notebook")
    namespace: dict = {}
    exec(code, namespace)
    panel = namespace["lif"]
    assert panel.controls["tau"].widget.description == "tau [ms]"
    assert set(panel.controls) == {"tau", "I"}
    # a stronger input fires more: the panel re-ran the model with the new value
    before = len(panel.results["spike_t"])
    panel.controls["I"].widget.value = 3.0
    after = len(panel.results["spike_t"])
    assert after > before > 0, (before, after)


def _layout_table() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("| path | what it holds |", 1)[1].split("\n\n", 1)[0]


def test_layout_table_names_every_package_and_module_of_labkit():
    """A package or top-level module added to labkit gets its row (or a place in one)."""
    table = _layout_table()
    named = set(re.findall(r"`(?:labkit/)?([\w.]+)/?`", table))
    package = README.parent / "labkit"
    parts = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.name for p in package.glob("*.py") if p.name != "__init__.py"}
    assert sorted(parts - named) == []


def test_where_to_make_a_change_points_at_files_that_exist():
    text = README.read_text(encoding="utf-8")
    section = text.split("### Where to make a change", 1)[1].split("\n## ", 1)[0]
    paths = [p for p in re.findall(r"`((?:labkit|tests|tools)/[\w/.]+)`", section)
             if "NN" not in p]
    assert paths, "the section names no files"
    assert [p for p in paths if not (README.parent / p).exists()] == []
