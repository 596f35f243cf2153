"""Quantities print as Brian2 prints them: str and repr of ~740 generated quantities.

``display_cases.py`` runs once under each library, each in a new process (display depends
on the units a process has built so far), and the two lists must be identical line by line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("brian2")

pytestmark = pytest.mark.parity

SCRIPT = Path(__file__).with_name("display_cases.py")


def _shown(library: str) -> list:
    done = subprocess.run([sys.executable, str(SCRIPT), library], capture_output=True,
                          text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_str_and_repr_match_brian2():
    theirs, ours = _shown("brian2"), _shown("labkit")
    assert len(ours) == len(theirs) > 700
    differ = [(label, (b_str, b_repr), (l_str, l_repr))
              for (label, b_str, b_repr), (_, l_str, l_repr) in zip(theirs, ours, strict=True)
              if (b_str, b_repr) != (l_str, l_repr)]
    assert not differ, f"{len(differ)} differ; first: {differ[:5]}"
    # the cases exercise what they should: several display units, base units, user units
    texts = {text for _, text, _ in ours}
    assert {"0.5 ms", "1. fA", "-0.5 nA", "0.999 s", "3. mV/ms"} <= texts
    assert any("m^-4 kg^-1 s^4 A^2" in text for text in texts)
    assert any(text.endswith("uF/(cm^2)") for text in texts)
    assert any("..." in text for text in texts)  # arrays over the print threshold
