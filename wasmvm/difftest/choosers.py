"""Where the random module generator's choices come from (``difftest.generate``): a
``Chooser`` answers ``int(lo, hi)``, and ``choice``, ``bool`` and ``bits`` build on it.
``RandomChooser`` draws from a seeded ``random.Random`` (a module is reproduced by its
seed); ``DataChooser`` draws from hypothesis's ``data``, so that a failing module shrinks
(choice 0, the simplest, is where it shrinks to)."""

from __future__ import annotations

import random


class Chooser:
    def int(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def bool(self, percent: int = 50) -> bool:
        """True with about ``percent`` % probability (False is the simpler choice)."""
        return self.int(0, 99) >= 100 - percent

    def bits(self, width: int) -> int:
        return self.int(0, (1 << width) - 1)


class RandomChooser(Chooser):
    def __init__(self, rng: random.Random):
        self.rng = rng

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class DataChooser(Chooser):
    """Choices drawn from hypothesis's ``data`` (shrinkable)."""

    def __init__(self, draw):
        from hypothesis import strategies as st

        self._draw = draw
        self._st = st
        self._ints: dict[tuple[int, int], object] = {}

    def int(self, lo: int, hi: int) -> int:
        s = self._ints.get((lo, hi))
        if s is None:
            s = self._ints[(lo, hi)] = self._st.integers(lo, hi)
        return self._draw(s)
