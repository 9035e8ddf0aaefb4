"""Small-cell suppression: counts of people shown so that no one can be singled out.

Every page and document that shows a breakdown of people (by grade) to someone who may not
see each person's value asks ``suppress`` what it may show; nothing else decides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cells:
    """What may be shown of a row of counts: ``None`` is a masked cell."""

    values: list[int | None]
    total: int | None  # None as soon as a cell is masked: the total would give it back

    @property
    def masked(self) -> bool:
        """Some cell is hidden."""
        return any(v is None for v in self.values)

    @property
    def all_masked(self) -> bool:
        return bool(self.values) and all(v is None for v in self.values)


def suppress(counts: Sequence[int], minimum: int, *, forced: Iterable[int] = ()) -> Cells:
    """The cells of ``counts`` that may be shown.

    - a group smaller than ``minimum`` as a whole shows nothing;
    - a cell of 1 to ``minimum - 1`` people is masked (primary suppression), and so are the
      cells at the indexes in ``forced`` (masked in a finer table the reader also sees);
    - a single masked cell could be recomputed from the others and the group's size, which
      the reader may know from elsewhere: the smallest other non-empty cell is masked with it
      (complementary suppression); if there is none, the whole row is masked;
    - the total is given only when no cell is masked.

    Empty cells stay shown: "nobody" singles no one out.
    """
    values: list[int | None] = list(counts)
    total = sum(counts)
    if 0 < total < minimum:
        return Cells(values=[None] * len(values), total=None)
    masked = {i for i, n in enumerate(counts) if 0 < n < minimum}
    masked.update(i for i in forced if 0 <= i < len(counts) and counts[i] > 0)
    if len(masked) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n > 0 and i not in masked]
        if not others:
            return Cells(values=[None] * len(values), total=None)
        masked.add(min(others)[1])
    for i in masked:
        values[i] = None
    return Cells(values=values, total=None if masked else total)
