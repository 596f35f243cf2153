"""Headless mode: a notebook executed by nbclient (as nbval does) builds panels that run
their first simulation and hold their data, with no browser attached."""

import nbformat
from nbclient import NotebookClient

CELLS = [
    "from labkit.units import ms, nA\n"
    "from labkit.widgets import FloatControl, Panel, RasterView, Scope, TraceView, live\n"
    "from labkit.lessons.lesson08 import MultiScaleModel\n"
    "from labkit.widgets.examples import LIFNeuron",
    "panel = Panel(LIFNeuron(), [FloatControl('I', 0 * nA, 1 * nA, 0.5 * nA)],\n"
    "              [TraceView('v'), RasterView()], title='LIF')\n"
    "panel",
    "print('spikes', len(panel.results['spike_t']), 'points', panel.views[0].line.x.size)",
    "@live(I=(0.0, 1.0))\n"
    "def lif(I=0.6):\n"
    "    return LIFNeuron().simulate(I=I * nA)\n"
    "print('live', lif.error, len(lif.results['spike_t']))",
    "scope = Scope(MultiScaleModel(), [FloatControl('a_sp', 0, 4, 2.5)], [TraceView('V')],\n"
    "              chunk=100 * ms)\n"
    "scope.step()\n"
    "print('scope t', round(scope.t, 3), scope.views[0].line.x.size > 0)\n"
    "scope",
]


def test_notebook_runs_headless_and_panels_hold_data(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "spikes 14 points 1000" in text                  # 0.5 nA: period 7.1 ms
    assert "live None 16" in text                            # @live ran its first simulation
    assert "scope t 0.2 True" in text
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in
             o.get("data", {})]
    assert len(views) == 3                                   # panel, @live (displayed), scope
