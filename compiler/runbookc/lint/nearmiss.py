"""Did-you-mean hints at a bounded cost.

difflib compares a word with every candidate, and similar names (a folder of
`alerts_<system>_<part>_NNNN.md`) defeat its quick filters: a corpus where thousands of
references broke at once (a folder renamed) would spend minutes on hints alone. So each
lint run has a budget of comparisons; past it, findings come without a hint. A handful of
typos, the case hints are for, never comes near it.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

BUDGET = 5_000  # candidate comparisons per check run


class NearMiss:
    def __init__(self, budget: int = BUDGET) -> None:
        self._left = budget
        self._seen: dict[tuple[str, str], str | None] = {}

    def affords(self, comparisons: int) -> bool:
        return comparisons <= self._left

    def find(
        self, word: str, candidates: Collection[str], scope: str = "", cutoff: float = 0.6
    ) -> str | None:
        """The closest candidate to `word`, if close enough and the budget allows. Answers
        are remembered by (scope, word): the same candidates must come with the same scope."""
        key = (scope, word)
        if key in self._seen:
            return self._seen[key]
        if not self.affords(len(candidates)):
            return None
        self._left -= len(candidates)
        close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=cutoff)
        self._seen[key] = close[0] if close else None
        return self._seen[key]
