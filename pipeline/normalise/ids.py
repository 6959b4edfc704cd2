"""Stable record IDs for form responses and double-submit detection.

An ID is the form's prefix and the response's Timestamp (``PS-261121-140322``
for a pre-start submitted 2026-11-21 14:03:22). It depends on nothing else: not
the row position, so sorting, inserting or deleting rows keeps it; and not the
answers, so the office correcting a misspelt name (as Data Issues asks) keeps
it too. People can read it and find the response by its time. Responses
submitted in the same second get ``-2``, ``-3``... in the order of their answers
(``tiebreak``), never of their rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .cells import name_key


def record_id(prefix: str, timestamp: datetime) -> str:
    """``PREFIX-YYMMDD-HHMMSS`` of the response's Timestamp."""
    t = timestamp
    return f"{prefix}-{t.year % 100:02d}{t.month:02d}{t.day:02d}-{t.hour:02d}{t.minute:02d}{t.second:02d}"


def tiebreak(identity: Sequence[object]) -> tuple[str, ...]:
    """How responses of the same second are ordered: by their answers, as text."""
    return tuple(name_key(str(v)) if v is not None else "" for v in identity)


def assign_ids(prefix: str, timestamps: Sequence[datetime], identities: Sequence[Sequence[object]]) -> list[str]:
    """The ID of each response; same-second responses numbered by ``tiebreak`` of their identity."""
    ids = [record_id(prefix, t) for t in timestamps]
    same: dict[str, list[int]] = {}
    for i, rid in enumerate(ids):
        same.setdefault(rid, []).append(i)
    for rid, group in same.items():
        if len(group) > 1:  # rare: only same-second responses pay for the ordering
            for n, i in enumerate(sorted(group, key=lambda i: tiebreak(identities[i]))[1:], start=2):
                ids[i] = f"{rid}-{n}"
    return ids


def find_double_submits(timestamps: Sequence[datetime], signatures: Sequence[tuple[object, ...]],
                        window_seconds: float) -> dict[int, int]:
    """Positions that repeat an earlier response with the same answers within the window.

    Returns ``{duplicate position: kept position}``. Compared in timestamp order,
    each against the last kept response with the same answers.
    """
    order = sorted(range(len(timestamps)), key=timestamps.__getitem__)  # stable: ties keep row order
    last_kept: dict[tuple[object, ...], int] = {}
    duplicates: dict[int, int] = {}
    for i in order:
        sig = signatures[i]
        kept = last_kept.get(sig)
        if kept is not None and (timestamps[i] - timestamps[kept]).total_seconds() <= window_seconds:
            duplicates[i] = kept
            continue
        last_kept[sig] = i
    return duplicates
