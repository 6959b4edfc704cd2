"""Element 5: Qualifications and Training."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from .base import FAIL, PASS, WARN, AuditContext, CheckResult, result
from .certifications import EXPIRED, EXPIRING, MISSING
from .common import (
    active_workers,
    affirmed,
    graded,
    in_window,
    is_vague_ticket,
    keys,
    missing_table,
    on_or_before,
    plural,
    refs,
    vague_ticket_words,
    window_words,
    work_dates,
)
from .registry import check


@check("E5.1", 5, "Training matrix names specific tickets")
def matrix_specific(ctx: AuditContext) -> CheckResult:
    """Fail when a Training Matrix ticket is vague ('as required', 'TBD', 'various', blank: see
    vague_ticket_words); Warn when an active worker's role has no matrix row (their tickets cannot be
    checked); Pass otherwise."""
    missing = missing_table("E5.1", ctx.data, "training_matrix")
    if missing:
        return missing
    matrix = ctx.data.table("training_matrix")
    vague_words = vague_ticket_words(ctx.settings)
    vague = matrix[keys(matrix["ticket"]).map(lambda k: is_vague_ticket(k, vague_words)).astype(bool)]
    issues = ctx.data.issues
    blank = issues[(issues["table"] == "Training Matrix") & (issues["column"] == "Ticket")
                   & (issues["severity"] == "rejected")]
    bad = [*refs(vague, "training_matrix"), *(f"Training Matrix row {int(r)}" for r in blank["row"].dropna())]
    workers = active_workers(ctx.data.table("workers"), ctx.as_of)
    roles = set(keys(matrix["role"]))
    unlisted = workers[~keys(workers["role"]).isin(roles)]
    unlisted_roles = sorted(set(unlisted["role"].dropna()))
    if matrix.empty and not bad:
        return result("E5.1", FAIL, "the Training Matrix has no rows: name the tickets each role needs")
    detail = f"{len(bad)} of {plural(len(matrix) + len(blank), 'matrix row')} name no specific ticket"
    if not vague.empty:
        detail += " (" + ", ".join(f"'{t}'" for t in vague["ticket"].drop_duplicates().head(5)) + ")"
    if unlisted_roles:
        detail += (f"; {plural(len(unlisted_roles), 'role')} of active workers not in the matrix: "
                   + ", ".join(unlisted_roles))
    status = FAIL if bad else WARN if unlisted_roles else PASS
    return result("E5.1", status, detail, [*bad, *refs(unlisted, "workers")])


@check("E5.2", 5, "No active worker with an expired or missing required ticket")
def tickets_current(ctx: AuditContext) -> CheckResult:
    """From the certifications: Fail on any Expired or Missing ticket, Warn on any Expiring within
    expiry_warning_days or when no ticket is required of anyone (nothing to judge), Pass otherwise."""
    missing = missing_table("E5.2", ctx.data, "workers", "training_matrix", "training_records")
    if missing:
        return missing
    certs = ctx.certifications
    if certs.empty:
        return result("E5.2", WARN, "no required ticket for any active worker (no active worker, or no matrix "
                                    "row for their roles): nothing to judge")
    expired, absent, expiring = (certs[certs["status"] == s] for s in (EXPIRED, MISSING, EXPIRING))
    workers = certs["worker"].nunique()
    detail = (f"{len(expired)} expired, {len(absent)} missing, {len(expiring)} expiring within "
              f"{ctx.settings.audit.expiry_warning_days} days, of {plural(len(certs), 'required ticket')} "
              f"held by {plural(workers, 'active worker')}")
    status = FAIL if len(expired) or len(absent) else WARN if len(expiring) else PASS
    shown = pd.concat([expired, absent, expiring])
    return result("E5.2", status, detail, [f"{w}: {t} ({s})" for w, t, s in
                                            zip(shown["worker"], shown["ticket"], shown["status"], strict=True)])


@check("E5.3", 5, "Orientation record with sign-off for every active worker")
def orientations(ctx: AuditContext) -> CheckResult:
    """Each active worker has an Orientation record on/before as-of with a Worker Signature."""
    missing = missing_table("E5.3", ctx.data, "workers", "orientation")
    if missing:
        return missing
    workers = active_workers(ctx.data.table("workers"), ctx.as_of)
    if workers.empty:
        return result("E5.3", FAIL, "no active workers on Workers")
    ori = ctx.data.table("orientation")
    ori = ori[on_or_before(ctx, ori["date"])]
    signed = set(keys(ori.loc[affirmed(ori["worker_signature"]), "worker"]))
    unsigned_only = set(keys(ori["worker"])) - signed
    without = workers[~workers["key"].isin(signed)]
    n_with = len(workers) - len(without)
    detail = (f"{n_with} of {plural(len(workers), 'active worker')} {'has' if n_with == 1 else 'have'} "
              "a signed orientation")
    if not without.empty:
        n_unsigned = int(without["key"].isin(unsigned_only).sum())
        detail += (f"; missing for {', '.join(without['name'].head(10))}{' …' if len(without) > 10 else ''}"
                   f" ({n_unsigned} of them {'has' if n_unsigned == 1 else 'have'} one without a signature)")
    return result("E5.3", graded(len(without), len(workers), ctx.settings.audit.shortfall_warn_share), detail,
                  refs(without, "workers"))


_BUCKETS = 512


def _word_counts(notes: list[list[str]]) -> np.ndarray:
    """Per note, how often each word occurs, words hashed into buckets (a shared bucket only adds overlap)."""
    counts = np.zeros((len(notes), _BUCKETS), dtype=np.int32)
    for row, words in enumerate(notes):
        for w in words:
            counts[row, hash(w) % _BUCKETS] += 1
    return counts


def _similar_notes(notes: list[list[str]], days: np.ndarray, window_days: int, threshold: float,
                   skip: np.ndarray) -> set[int]:
    """Positions of talks whose notes (as words) are at least ``threshold`` alike (difflib ratio) to the notes of
    a talk on an earlier day within ``window_days``. Talks are in date order; [] = no notes to compare;
    ``skip`` marks talks already known to repeat."""
    repeated: set[int] = set()
    counts = _word_counts(notes)
    lengths = counts.sum(axis=1)
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(autojunk=False)
    start = 0
    for i, words in enumerate(notes):
        while days[i] - days[start] > window_days:
            start += 1
        if not words or skip[i] or start == i:
            continue
        earlier = np.arange(start, i)
        earlier = earlier[(lengths[earlier] > 0) & (days[earlier] < days[i])]
        if not len(earlier):
            continue
        # difflib's ratio is at most 2 * (words in common) / (total words): an exact, cheap bound.
        common = np.minimum(counts[earlier], counts[i]).sum(axis=1)
        bound = 2 * common / (lengths[earlier] + lengths[i])
        candidates = earlier[bound >= threshold]
        if not len(candidates):
            continue
        matcher.set_seq2(words)
        for j in candidates[np.argsort(-bound[bound >= threshold], kind="stable")]:
            matcher.set_seq1(notes[j])
            if matcher.ratio() >= threshold:
                repeated.add(i)
                break
    return repeated


@check("E5.4", 5, "Ongoing training: regular toolbox talks, topics not repeated")
def toolbox_talks(ctx: AuditContext) -> CheckResult:
    """Toolbox talks at least every toolbox_interval_days from the first work day in the window to as-of; a talk
    repeats an earlier one (on an earlier day, within toolbox_repeat_weeks) when its topic is the same (case,
    spacing, punctuation ignored) or its notes (notes_min_chars or longer) are notes_similarity alike,
    word by word (difflib ratio over the words).
    Fail: no talks, a gap over twice the interval, or repeats above shortfall_warn_share of talks. Warn: any
    gap or repeat."""
    missing = missing_table("E5.4", ctx.data, "toolbox_talk")
    if missing:
        return missing
    audit = ctx.settings.audit
    talks = ctx.data.table("toolbox_talk")
    talks = talks[in_window(ctx, talks["date"])].sort_values(["date", "timestamp", "row"], kind="stable")
    if talks.empty:
        return result("E5.4", FAIL, f"no toolbox talks {window_words(ctx)}")

    # Gaps: from the first day of work in the window (or the first talk) through each talk to as-of.
    work = work_dates(ctx.data, ctx)
    start = min(work.min(), talks["date"].iloc[0]) if len(work) else talks["date"].iloc[0]
    points = pd.Series([start, *talks["date"], ctx.as_of_ts])
    steps = points.diff().dt.days.iloc[1:].reset_index(drop=True)
    gaps = steps[steps > audit.toolbox_interval_days]
    longest = int(steps.max()) if len(steps) else 0
    after_gap = [talks["id"].iloc[i] for i in gaps.index if i < len(talks)]

    # Repeats: same topic on an earlier day within the repeat window, or near-identical notes.
    window_days = audit.toolbox_repeat_weeks * 7
    day = ((talks["date"] - pd.Timestamp("1970-01-01")).dt.days).to_numpy()
    topic = keys(talks["topic"]).to_numpy()
    frame = pd.DataFrame({"topic": topic, "day": day}, index=range(len(talks)))
    # The last *earlier* day with this topic: same-day talks (one talk to several crews) are not repeats.
    earlier = frame.groupby("topic")["day"].transform(_previous_other_day)
    same_topic = (frame["topic"] != "") & ((frame["day"] - earlier) <= window_days)
    notes = [n.split() if len(n) >= audit.notes_min_chars else [] for n in keys(talks["notes"])]
    similar = _similar_notes(notes, day, window_days, audit.notes_similarity, same_topic.to_numpy())
    repeated = same_topic.to_numpy() | np.isin(np.arange(len(talks)), list(similar))
    n_rep = int(repeated.sum())

    detail = (f"{plural(len(talks), 'toolbox talk')} {window_words(ctx)}; {plural(len(gaps), 'gap')} over "
              f"{audit.toolbox_interval_days} days (longest {longest}); {n_rep} "
              f"{'repeats' if n_rep == 1 else 'repeat'} a topic or notes from the "
              f"previous {audit.toolbox_repeat_weeks} weeks")
    if n_rep / len(talks) > audit.shortfall_warn_share or longest > 2 * audit.toolbox_interval_days:
        status = FAIL
    elif n_rep or len(gaps):
        status = WARN
    else:
        status = PASS
    return result("E5.4", status, detail, [*talks["id"][repeated], *after_gap])


def _previous_other_day(days: pd.Series) -> pd.Series:
    """For each talk (in date order) of one topic: the latest earlier day the topic was given, else NaN."""
    out, last, current = [], np.nan, None
    for d in days:
        if current is not None and d != current:
            last = current
        out.append(last)
        current = d
    return pd.Series(out, index=days.index, dtype="float64")
