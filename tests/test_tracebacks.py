"""labkit's errors in IPython: the message and the learner's line, labkit's frames hidden,
the full traceback one ``%tb`` away; other errors untouched."""

import os
import subprocess
import sys

import pytest

from labkit.errors import ExerciseIncomplete
from labkit.tracebacks import install, short_traceback, uninstall

UNIT_MISTAKE = "E_L = -70 * mV\nE_L + 0.15 * nA"
EQUATION_MISTAKE = '''start_scope()
E_L = -70 * mV
tau = 20 * ms
G = NeuronGroup(1, """
dv/dt = (E_L - v + I)/tau : volt
I : amp
""")
run(1 * ms)'''


@pytest.fixture
def shell():
    """A fresh in-process IPython shell with labkit's short display; what it would send
    to the notebook as an error is collected in ``shell.shown``."""
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.clear_instance()
    ip = InteractiveShell.instance()
    ip.shown = []
    ip._showtraceback = lambda etype, value, stb: ip.shown.append(ip.InteractiveTB.stb2text(
        stb))
    assert install(ip)
    ip.run_cell("from labkit import *", store_history=True)
    yield ip
    uninstall(ip)
    InteractiveShell.clear_instance()
    for name in ("last_type", "last_value", "last_traceback"):
        if hasattr(sys, name):
            delattr(sys, name)


def _plain(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_a_unit_mistake_shows_the_message_and_the_users_line(shell):
    shell.run_cell(UNIT_MISTAKE, store_history=True)
    shown = _plain(shell.shown[-1]).splitlines()
    assert shown[0].startswith("DimensionMismatchError: Cannot calculate -70. mV + ")
    assert "hint: " in shown[1]
    assert any(line.startswith("Cell In[2], line 2: E_L + 0.15 * nA") for line in shown)
    assert "units/quantity.py" not in shell.shown[-1] and "ufunc_rules" not in shell.shown[-1]
    assert shown[-1] == "(4 frames of labkit's own code hidden; run %tb for the full traceback)"
    assert len(shown) == 4


def test_an_equation_mistake_hides_the_twelve_build_frames(shell):
    shell.run_cell(EQUATION_MISTAKE, store_history=True)
    text = _plain(shell.shown[-1])
    assert text.startswith('DimensionMismatchError: in "dv/dt = (E_L - v + I)/tau : volt"')
    assert "Cell In[2], line 8: run(1 * ms)" in text
    for internal in ("magic.py", "network.py", "runner.py", "build.py", "checks.py"):
        assert internal not in text
    assert len(text.splitlines()) == 4


def test_percent_tb_shows_the_full_traceback_afterwards(shell):
    shell.run_cell(EQUATION_MISTAKE, store_history=True)
    shell.shown.clear()
    shell.run_cell("%tb")
    full = _plain(shell.shown[-1])
    assert "checks.py" in full and "runner.py" in full and "Traceback" in full


def test_user_functions_between_labkit_frames_are_shown(shell):
    shell.run_cell("def make(unit):\n    return NeuronGroup(1, 'dv/dt = -v/tau : ' + unit)\n",
                   store_history=True)
    shell.run_cell("make('vlot')", store_history=True)
    text = _plain(shell.shown[-1])
    assert "Cell In[3], line 1: make('vlot')" in text
    assert "Cell In[2], line 2: return NeuronGroup(1, 'dv/dt = -v/tau : ' + unit)" in text


def test_other_errors_keep_the_full_ipython_traceback(shell):
    shell.run_cell("def f():\n    return 1 / 0\nf()", store_history=True)
    text = _plain(shell.shown[-1])
    assert "ZeroDivisionError" in text and "Traceback" in text and "----> 2" in text


def test_an_exercise_blank_says_which_exercise_without_a_traceback_footer(shell):
    shell.run_cell("from labkit.lessons import todo\nx = 1\ntodo('exercise 01.2')",
                   store_history=True)
    lines = _plain(shell.shown[-1]).splitlines()
    assert lines == [
        "ExerciseIncomplete: Exercise 01.2 is waiting for your answer: replace the todo(...)"
        " line with your code, then run the cell again.",
        "Cell In[2], line 3: todo('exercise 01.2')"]


def test_short_traceback_outside_ipython_names_files():
    def blank():
        from labkit.lessons import todo

        todo("exercise 03.1")

    with pytest.raises(ExerciseIncomplete) as info:
        blank()
    lines = short_traceback(info.value, colour=False)
    assert lines[0].startswith("ExerciseIncomplete: Exercise 03.1 is waiting")
    assert any("test_tracebacks.py" in line and 'todo("exercise 03.1")' in line
               for line in lines)
    assert not any("checking.py" in line for line in lines)


def test_another_custom_handler_is_left_in_place():
    class Shell:
        custom_exceptions = (KeyError,)

        def set_custom_exc(self, exc_tuple, handler):  # pragma: no cover - must not be called
            raise AssertionError("replaced someone else's handler")

    assert install(Shell()) is False


def _in_ipython(code: str, **env) -> str:
    script = ("from IPython.core.interactiveshell import InteractiveShell\n"
              "ip = InteractiveShell.instance()\n"
              f"ip.run_cell({code!r})\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_labkit_in_ipython_installs_the_short_display():
    out = _in_ipython("import labkit\nprint(get_ipython().custom_exceptions)")
    assert "labkit.errors.LabkitError" in out


def test_the_environment_variable_keeps_full_tracebacks():
    out = _in_ipython("import labkit\nprint(get_ipython().custom_exceptions)",
                      LABKIT_FULL_TRACEBACKS="1")
    assert out.strip() == "()"
