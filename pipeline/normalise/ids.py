"""Stable record IDs for form responses and double-submit detection.

An ID depends only on the response itself (its Timestamp and who/what it is
about), never on its row position, so sorting, inserting or deleting rows in
the sheet does not change it. Forms timestamps are to the second, so two
different responses share an ID only if the same person submits the same
subject in the same second: that is a double tap, reported as a duplicate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from .cells import name_key


def record_id(prefix: str, timestamp: datetime, identity: Sequence[object]) -> str:
    """``PREFIX-YYMMDD-XXXXX``: the date for people, a hash of the response for uniqueness."""
    basis = timestamp.isoformat(timespec="seconds") + "|" + "|".join(
        name_key(v) if isinstance(v, str) else ("" if v is None else name_key(str(v))) for v in identity)
    digest = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:5].upper()
    return f"{prefix}-{timestamp.year % 100:02d}{timestamp.month:02d}{timestamp.day:02d}-{digest}"


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
