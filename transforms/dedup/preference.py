"""Which copy of a duplicate to keep: one total order, used by exact and near dedup.

Best first: a permissive license, then no license, then a non-permissive one
(anything else after those); then more stars, more forks, the newer revision
(``committer_date``; a file without one is older than any dated one); then a file
the previous release held (``build --previous``: releases stay stable where nothing
else decides); then ``repo_name`` and ``path`` in ascending order; ``blob_id``, ``snapshot_id``,
``revision_id`` and ``content_id`` break what is left, so two different records
never tie and the choice never depends on the order records arrive in.
"""

from __future__ import annotations

import datetime
from typing import Iterable, Optional, Tuple

from transforms.record import CodeFile

#: rank of ``license_type``: lower is better
LICENSE_RANK = {"permissive": 0, "no_license": 1, "non_permissive": 2}
_UNKNOWN_LICENSE = len(LICENSE_RANK)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _micros(iso: Optional[str]) -> Optional[int]:
    """Microseconds since the epoch of an ISO-8601 date (naive dates are UTC); None if absent or invalid."""
    if not iso:
        return None
    try:
        when = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return (when - _EPOCH) // datetime.timedelta(microseconds=1)


def preference_key(record: CodeFile) -> Tuple:
    """Sort key of a record: the smallest key is the copy to keep."""
    when = _micros(record.committer_date)
    return (
        LICENSE_RANK.get(record.license_type, _UNKNOWN_LICENSE),
        -int(record.star_events_count or 0),
        -int(record.fork_events_count or 0),
        (0, -when) if when is not None else (1, 0),
        0 if record.released_before else 1,
        record.repo_name or "",
        record.path or "",
        record.blob_id or "",
        record.snapshot_id or "",
        record.revision_id or "",
        record.content_id or "",
    )


#: position of the "released before" mark in :func:`preference_key`
RELEASED_BEFORE = 4


def best(records: Iterable[CodeFile]) -> CodeFile:
    """The preferred record of a non-empty iterable."""
    return min(records, key=preference_key)
