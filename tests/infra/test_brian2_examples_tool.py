"""tools/brian2_examples.py counts the CPU time of every process an example started."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "brian2_examples.py"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's child subreaper")
def test_the_cpu_time_counts_a_process_the_script_left_running(tmp_path):
    # labkit's fast start leaves a compile job running when a short script ends. The tool
    # runs in a process of its own: it adopts orphans and waits for all its children.
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "orphan.py").write_text(
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time\\n"
        "end = time.process_time() + 1.0\\nwhile time.process_time() < end: pass'])\n")
    results = tmp_path / "results.json"
    subprocess.run([sys.executable, str(TOOL), "--examples", str(examples), "--target",
                    "brian2", "--json", str(results)], check=True, capture_output=True,
                   timeout=120)
    result = json.loads(results.read_text())["orphan"]
    assert result["status"] == "ran" and result["cpu_seconds"] >= 1.0
