"""Reusable neuron models: constants with units, equation strings, ``simulate_<model>``.

Each module follows the neurodynex3 shape: the model's constants (Quantities), its
equations as a Brian2-style string, a function that builds the network (for panels, which
re-run it without rebuilding) and ``simulate_<model>(...)`` returning monitors. Models never
plot; plots never simulate.

- :mod:`labkit.models.lif`: the course's leaky integrate-and-fire neuron (dimensionless,
  as in lesson 02) and a version in physical units (mV, nA), with the rate formula.
- :mod:`labkit.models.hh`: Hodgkin-Huxley neurons, the Traub-Miles cell of Brian2's COBAHH
  example and the 1952 squid axon.
- :mod:`labkit.models.multiscale`: Ribar & Sepulchre's multi-scale neuron (lesson 08), its
  I-V curves, presets and the regime map; :mod:`labkit.models.bursts` the spike/burst
  detector that names its regimes; :mod:`labkit.models.neuromodulation` the additive and
  depressive modulatory synapses (lesson 09).
- :mod:`labkit.models.eye_movements`: the closed-loop smooth-pursuit model of Stimberg,
  Brette and Goodman 2019 (lesson 12), written with Brian2's API only.
"""
