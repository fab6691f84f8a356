"""The stage: a record's redaction, with the per-blob cache's findings (:func:`redact_record`, :func:`make_core`)."""

from __future__ import annotations

import collections
from typing import Optional, Sequence, Tuple


from transforms.base import Count, Outcome
from transforms.cache.memo import Memo, dumps as memo_dumps, loads as memo_loads
from transforms.record import CodeFile
from transforms.redact.config import CATEGORIES, Finding, RECORD_FIELDS, RedactConfig, STAGE, apply_findings
from transforms.redact.redactor import Redactor

# --- the stage ------------------------------------------------------------------------
def findings_payload(findings: Sequence[Finding], placeholders: int = 0) -> bytes:
    """The cache's payload of a file's findings and placeholder count (:mod:`transforms.cache`)."""
    return memo_dumps([[list(f) for f in findings], placeholders])


def findings_from_payload(payload: bytes) -> Tuple[Tuple[Finding, ...], int]:
    rows, placeholders = memo_loads(payload)
    return tuple(Finding(str(kind), int(start), int(end), str(rep)) for kind, start, end, rep in rows), int(placeholders)


def redact_record(record: CodeFile, redactor: Redactor, count: Count, memo: Optional[Memo] = None) -> Outcome:
    """Redact one file; add the per-category counts to the record and the counters. With the
    cache (``memo``), a blob's findings come from it when it has them (no scan)."""
    payload = memo.get(record) if memo is not None else None
    if record.memo or record.released_before:  # the last stage that reads either: the sink never sees them
        record = record._replace(memo=(), released_before=False)
    if payload is not None:
        result = apply_findings(record.content, *findings_from_payload(payload))
    else:
        result = redactor.redact(record.content)
        if memo is not None:
            memo.put(record, findings_payload(result.findings, result.placeholders))
    if result.placeholders:
        count("placeholder", result.placeholders)
    if not result.findings:
        return record
    counts = result.counts()
    for category in CATEGORIES:
        if counts[category]:
            count(f"redacted:{category}", counts[category])
    for kind, n in sorted(collections.Counter(f.kind for f in result.findings).items()):
        count(f"kind:{kind}", n)
    count("files_redacted")
    updates = {RECORD_FIELDS[c]: getattr(record, RECORD_FIELDS[c]) + counts[c] for c in CATEGORIES}
    return record._replace(content=result.text, **updates)


def make_core(config: RedactConfig = RedactConfig(), cached: bool = False):
    """Factory run in ``DoFn.setup``: builds the redactor once per worker; ``cached``: findings
    come from and go to the per-blob cache (the core's ``memo``)."""
    redactor = Redactor(config)
    memo = Memo(STAGE, enabled=cached)

    def core(record: CodeFile, count: Count) -> Outcome:
        return redact_record(record, redactor, count, memo)

    core.memo = memo
    return core
