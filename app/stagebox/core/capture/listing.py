"""A listing: one stretch of a paste in one format, with where it starts and whether it is whole.

When the same kind of listing appears more than once (before/after a fix, two boots), the
merge step chooses among them (see ``merge.py``); every format parser therefore returns all
listings it finds, in paste order, instead of merging them itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from stagebox.core.capture.sections import Line

T = TypeVar("T")

#: Lines people put where they cut something out of a listing.
ELLIPSIS = frozenset({"...", "[...]", "…", "(...)", "[snip]", "<snip>", "---8<---"})


@dataclass
class Listing(Generic[T]):
    kind: str  # "cards", "aplay_playback", "lsusb", ...
    start: int  # line number of its first line (orders listings)
    data: T
    complete: bool = True  # False when the paste shows something was cut out
    title: str = ""  # the command that produced it, when the paste says
    notes: list[str] = field(default_factory=list)


def runs(lines: list[Line], is_member: Callable[[str], bool]) -> Iterator[tuple[list[Line], bool]]:
    """Maximal stretches of member lines; blank lines and ellipsis marks do not end a stretch,
    any other line does. Yields (member lines, cut) where ``cut`` says an ellipsis was inside
    or right before the stretch."""
    current: list[Line] = []
    cut = False
    for line in lines:
        stripped = line.text.strip()
        if stripped in ELLIPSIS:
            cut = True
            continue
        if not stripped:
            continue
        if is_member(line.text):
            current.append(line)
            continue
        if current:
            yield current, cut
        current, cut = [], False
    if current:
        yield current, cut


def choose(
    listings: Sequence[Listing[T]], score: Callable[[Listing[T]], int] | None = None
) -> Listing[T] | None:
    """The listing that describes the machine: whole ones first, then best agreement with
    the anchor, then the last in the paste."""
    if not listings:
        return None
    pool = [item for item in listings if item.complete] or list(listings)
    return max(pool, key=lambda item: (score(item) if score else 0, item.start))


def repeat_note(what: str, listings: Sequence[Listing], chosen: Listing | None) -> list[str]:
    if len(listings) < 2 or chosen is None:
        return []
    position = listings.index(chosen) + 1
    return [
        f"{what} appears {len(listings)} times; listing {position} of {len(listings)} "
        "describes the machine (the last whole one that agrees with the card list)"
    ]
