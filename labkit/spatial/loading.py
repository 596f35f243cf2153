"""Section descriptions (from :mod:`labkit.spatial.swc`) -> a Morphology tree.

Why: the SWC reader only describes sections (plain data, micrometres); this module turns
them into Soma and Section objects and attaches each to its parent under its type's name
(``dend``, then ``dend2`` for the next one) and the short names ``L``/``R`` (or ``1``,
``2``, ... when a section has more than two children), as Brian2 names them.
"""

from __future__ import annotations

from labkit.units import um

__all__ = ["build"]


def _section(spec, kinds):
    if spec.kind == "soma":
        x, y, z = spec.points[0]
        return kinds["soma"](diameter=spec.diameters[0] * um, x=x * um, y=y * um, z=z * um)
    points = spec.points
    return kinds["section"](diameter=spec.diameters * um, n=spec.n, x=points[:, 0] * um,
                   y=points[:, 1] * um, z=points[:, 2] * um, type=spec.name)


def build(specs, kinds):
    """SectionSpecs (the root first, parents before children) -> the root section.

    ``kinds`` maps ``"soma"`` and ``"section"`` to the classes to make (Soma, Section): they
    subclass Morphology, whose loaders call this, so they are handed in, not imported.
    """
    sections = []
    for spec in specs:
        section = _section(spec, kinds)
        if spec.parent is not None:
            sections[spec.parent].children.add(spec.name, section, automatic_name=True)
        sections.append(section)
    for spec, section in zip(specs, sections, strict=True):
        for name in spec.names:
            sections[spec.parent].children.add(name, section)
    return sections[0]
