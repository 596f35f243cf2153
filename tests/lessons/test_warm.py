"""labkit.lessons.warm fails loudly: a notebook cell that raises makes it exit 1, naming it."""

import json

import pytest

from labkit.lessons import warm

pytestmark = pytest.mark.slow  # starts a kernel


def _notebook(*sources: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{k}",
                   "metadata": {}, "outputs": [], "source": source}
                  for k, source in enumerate(sources)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


def test_a_raising_cell_fails_the_warm_up_and_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(warm, "warm_panels", lambda: [])  # the lessons' panels: not here
    (tmp_path / "a_fine.ipynb").write_text(_notebook("x = 1"))
    (tmp_path / "b_broken.ipynb").write_text(_notebook("x = 1", "1 / 0", "y = 2"))
    assert warm.main([str(tmp_path), str(tmp_path / "missing")]) == 1
    out, err = capsys.readouterr()
    assert f"{tmp_path / 'a_fine.ipynb'}: ran" in out
    assert f"warm: {tmp_path / 'b_broken.ipynb'}: a cell raised ZeroDivisionError" in err
    assert f"warm: {tmp_path / 'missing'}: no such directory of notebooks" in err
