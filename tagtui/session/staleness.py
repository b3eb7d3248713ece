"""One way to drop results the user has moved away from.

A worker is handed a ``Token`` when it starts; its result is used only while ``token.current``
holds. Starting over (a new repository, a reload, another highlighted row, Esc) takes a new
token, which makes every older one stale at once: no generation numbers compared by hand.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Token:
    """What a piece of work was started for (a repository, a row) and when."""

    subject: Hashable
    generation: int
    epoch: Epoch = field(repr=False, compare=False)

    @property
    def current(self) -> bool:
        """True while nothing newer was started in the same epoch."""
        return self.epoch.current == self


class Epoch:
    """Issues tokens for one kind of work (tag lists, details, delete plans...)."""

    def __init__(self) -> None:
        self._generation = 0
        self._current = Token(None, 0, self)

    @property
    def current(self) -> Token:
        return self._current

    def advance(self, subject: Hashable = None) -> Token:
        """Start over for ``subject``: every token handed out before is stale from now on."""
        self._generation += 1
        self._current = Token(subject, self._generation, self)
        return self._current
