"""A section's sub-trees: names -> sections, iterated in the order they were attached.

Why: a child is reached by the name it was given (``morpho.dend``) and also by its number
(``morpho['1']``, the first attached), as in Brian2; iteration goes over the sub-trees, in
attachment order, which is also the order of their compartments in the flat numbering.
"""

from __future__ import annotations

__all__ = ["Children", "is_chained_name"]

#: Short names that can be chained: ``morpho.LRL`` is ``morpho.L.R.L``.
_SHORT = set("LR123456789")


def is_chained_name(name: str) -> bool:
    """True for ``'LRL'`` or ``'12'``: several one-letter child names in a row."""
    return len(name) > 1 and set(name) <= _SHORT


class Children:
    """The sub-trees of one section, by name and by number (``'1'``, ``'2'``, ...).

    Parameters
    ----------
    owner : Morphology
        The section these children hang from; each child's ``parent`` becomes ``owner``.
    """

    def __init__(self, owner):
        self._owner = owner
        self._counter = 0
        self._ordered: list = []
        self._by_name: dict = {}
        self._given: dict = {}

    def __iter__(self):
        return iter(self._ordered)

    def __len__(self) -> int:
        return len(self._ordered)

    def __contains__(self, name) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str):
        if not isinstance(name, str):
            raise TypeError(f"children are named by strings, not {type(name).__name__}: "
                            "write morpho.children['dend']")
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(repr(n) for n in self._given.values()) or "none"
            raise AttributeError(f"the sub-tree {name!r} does not exist (named children: "
                                 f"{known})") from None

    def name(self, child) -> str | None:
        """The name ``child`` was given when attached (not its number)."""
        return self._given.get(child)

    def names(self) -> list:
        """The given names, in attachment order (None for children attached without one)."""
        return [self._given.get(child) for child in self._ordered]

    def aliases(self, child) -> list:
        """Every name of ``child`` but its number: the given one first, then the others."""
        given = self._given.get(child)
        others = [key for key, value in self._by_name.items()
                  if value is child and key != given and not key.isdigit()]
        return [given, *others]

    def add(self, name, subtree, automatic_name: bool = False) -> None:
        """Attach ``subtree`` as ``name`` (``'dend'`` taken: ``'dend2'`` if automatic_name)."""
        if name in self._by_name and self._by_name[name] is not subtree:
            if not automatic_name:
                raise AttributeError(f"the name {name!r} is already used for a sub-tree; "
                                     f"choose another name or delete it first "
                                     f"(del morpho.{name})")
            base, counter = name, 1
            while name in self._by_name:
                counter += 1
                name = f"{base}{counter}"
        if all(child is not subtree for child in self._ordered):
            self._counter += 1
            self._ordered.append(subtree)
            self._by_name[str(self._counter)] = subtree
            self._given[subtree] = name
        if name is not None:
            self._by_name[name] = subtree
        subtree._parent = self._owner

    def remove(self, name: str) -> None:
        """Detach the sub-tree called ``name`` (every name it had goes with it)."""
        subtree = self[name]
        self._ordered = [child for child in self._ordered if child is not subtree]
        self._by_name = {key: child for key, child in self._by_name.items()
                         if child is not subtree}
        self._given.pop(subtree, None)
        subtree._parent = None

    def __repr__(self) -> str:
        if not self._ordered:
            return "<0 children>"
        named = {self.name(child): child for child in self._ordered}
        return f"<{len(self._ordered)} children: {named!r}>"
