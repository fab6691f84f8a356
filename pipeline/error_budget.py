"""The error budget: a build whose stages failed on too many records is not published.

Every stage catches exceptions per record (one bad file never stops a run), which
also turns a systematic failure (a library upgrade, a bad config, an unreachable
content store) into a flood of dead letters and a silently smaller dataset. After
the pipeline has run and before anything is published, the driver compares each
stage's *errors* with that stage's *input* (:func:`find_violations`); a stage over
budget stops the build with one line naming the stage, its counts and its most
frequent error details (:func:`describe`), read from the staged rejects.

Errors are records a stage could not handle for a reason in ``ErrorsConfig.reasons``:

- ``error``: an exception the code did not handle (``transforms.base.apply_core``,
  the license stage, the git source's per-repository ``repositories:error``);
- ``fetch_failed``: a blob still unreadable after ``decode.fetch_attempts`` attempts
  (a content-store outage, throttling or credentials, not the blob itself);
- ``unknown_locator``: a record no blob reader handles (a wiring bug);
- ``api_error``: the SWH Web API failed or answered what could not be parsed.

Bad input (``undecodable``, ``corrupt_blob``, ``missing_blob``, ``path_not_utf8``,
``too_deep``, ...) and policy drops (``too_large``, ``binary``, ``no_license``, the
filters, dedup) are what the archive holds and what the method decides: they are
counted and reported, never budgeted.

A stage's input is what it counted: ``kept`` plus every ``dropped:<reason>`` (plus
``repositories:<reason>`` error counters, which have no per-file count). A stage is
over budget when its errors exceed both ``min_count`` and ``max_share`` of its input.

Pure: plain values in, plain values out; only :func:`read_reject_details` reads files.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import re
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

#: reasons that mean "the code could not handle this record" (see the module docstring)
ERROR_REASONS = ("error", "fetch_failed", "unknown_locator", "api_error")
#: counter prefixes that count errors: per record, and per repository (the git source)
_ERROR_UNITS = ("dropped", "repositories")
#: distinct error details named per stage over budget
TOP_DETAILS = 3
_DETAIL_WIDTH = 100


@dataclasses.dataclass(frozen=True)
class ErrorsConfig:
    #: a stage fails the build when its errors exceed this share of its input (1.0: never)
    max_share: float = 0.001
    #: ... and this many: a handful of errors is always tolerated, whatever the input size
    min_count: int = 10
    #: dead-letter reasons that count as errors
    reasons: Tuple[str, ...] = ERROR_REASONS

    def __post_init__(self):
        if not 0.0 <= self.max_share <= 1.0:
            raise ValueError(f"max_share: {self.max_share} is not in [0, 1]")
        if self.min_count < 0:
            raise ValueError(f"min_count: {self.min_count} is negative")


class Violation(NamedTuple):
    stage: str
    errors: int
    input: int
    #: ``((reason, count), ...)``: the error counters behind ``errors``, sorted by reason
    reasons: Tuple[Tuple[str, int], ...]

    @property
    def share(self) -> float:
        return self.errors / self.input if self.input else 1.0


def stage_errors(values: Mapping[str, int], reasons: Iterable[str]) -> Tuple[Dict[str, int], int]:
    """``({reason: errors}, input)`` of one stage's counters."""
    wanted = set(reasons)
    errors: Dict[str, int] = collections.Counter()
    extra = 0
    for name, value in sorted(values.items()):
        unit, sep, reason = name.partition(":")
        if sep and unit in _ERROR_UNITS and reason in wanted and value:
            errors[reason] += int(value)
            if unit != "dropped":  # not already part of kept + dropped
                extra += int(value)
    total = int(values.get("kept", 0)) + sum(int(v) for k, v in values.items() if k.startswith("dropped:")) + extra
    return dict(sorted(errors.items())), total


def find_violations(counters: Mapping[str, Mapping[str, int]], config: ErrorsConfig,
                    order: Sequence[str] = ()) -> List[Violation]:
    """The stages over budget, in ``order`` (then by name), from ``{stage: {counter: value}}``."""
    rank = {stage: i for i, stage in enumerate(order)}
    out = []
    for stage in sorted(counters, key=lambda s: (rank.get(s, len(rank)), s)):
        by_reason, total = stage_errors(counters[stage], config.reasons)
        errors = sum(by_reason.values())
        if errors > config.min_count and errors > config.max_share * total:
            out.append(Violation(stage, errors, total, tuple(by_reason.items())))
    return out


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_HEX_ID = re.compile(r"\b[0-9a-fA-F]{7,}\b")


def detail_key(reason: str, detail: str) -> str:
    """What groups a reject's ``detail`` with others of the same cause: one line, quoted
    values and hex ids (paths, blob ids) blanked, cut at a fixed width; the reason in
    front unless it is the plain ``error`` (whose details start with the exception type)."""
    text = _HEX_ID.sub("<id>", _QUOTED.sub("'...'", " ".join(detail.split()))) or "(no detail)"
    if len(text) > _DETAIL_WIDTH:
        text = text[: _DETAIL_WIDTH - 3] + "..."
    return text if reason == "error" else f"{reason}: {text}"


def group_details(rows: Iterable[Mapping[str, str]], stages: Iterable[str],
                  reasons: Iterable[str]) -> Dict[str, Dict[str, int]]:
    """``{stage: {detail key: rejects}}`` of the reject rows of ``stages`` with an error reason."""
    stages, reasons = set(stages), set(reasons)
    grouped: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in rows:
        if row.get("stage") in stages and row.get("reason") in reasons:
            grouped[row["stage"]][detail_key(row["reason"], row.get("detail") or "")] += 1
    return {stage: dict(sorted(counts.items())) for stage, counts in sorted(grouped.items())}


def top_details(details: Mapping[str, int], n: int = TOP_DETAILS) -> List[Tuple[str, int]]:
    """The ``n`` most frequent details; ties by text."""
    return sorted(details.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def describe(violations: Sequence[Violation], config: ErrorsConfig,
             details: Optional[Mapping[str, Mapping[str, int]]] = None, rejects_at: str = "") -> str:
    """One line: every stage over budget, its counts and top error details, where the rejects are."""
    parts = []
    for v in violations:
        top = top_details((details or {}).get(v.stage, {}))
        named = "; ".join(f"{key} ({count})" for key, count in top) or ", ".join(f"{r} {n}" for r, n in v.reasons)
        parts.append(f"stage {v.stage}: {v.errors} errors in {v.input} records ({100 * v.share:.2f}%): {named}")
    budget = (f"budget: more than {config.min_count} errors and over {100 * config.max_share:g}% of a stage's "
              "input (errors.min_count, errors.max_share)")
    where = f"; rejects kept in {rejects_at}" if rejects_at else ""
    return f"error budget exceeded, release not published: {' | '.join(parts)} [{budget}]{where}"


def read_reject_details(staging: str, violations: Sequence[Violation],
                        reasons: Iterable[str]) -> Dict[str, Dict[str, int]]:
    """:func:`group_details` of the reject files the pipeline staged (``<staging>/rejects/``);
    ``{}`` if they cannot be read (the counts alone still name the stages)."""
    from apache_beam.io.filesystems import FileSystems

    from pipeline.sink import read_index

    def rows():
        for info in read_index(staging):
            if info.path.startswith("rejects/"):
                with FileSystems.open(FileSystems.join(staging, *info.path.split("/")),
                                      compression_type="uncompressed") as handle:
                    for line in handle:
                        yield json.loads(line)

    try:
        return group_details(rows(), [v.stage for v in violations], reasons)
    except (OSError, ValueError):
        return {}
