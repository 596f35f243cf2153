"""Objects -> the plans of one run: kernel arguments and the values bound to them.

``arguments``: the one function that names a kernel argument after a model name or a
namespace value, and the one that binds values to those names.
"""
