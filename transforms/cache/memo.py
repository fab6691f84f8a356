"""What a stage sees of the cache (no Beam): the cached answers a record carries, and the
answers it computed that the cache lacks.

A record's ``memo`` (an internal :class:`transforms.record.CodeFile` field, never released)
is a sorted tuple of ``(stage, payload)`` pairs: the answers the cache held for the record's
blob, of the current version of each stage (the reader has checked versions). A stage asks
:meth:`Memo.get`; if there is no answer it computes one and hands it to :meth:`Memo.put`,
and the stage's Beam wrapper drains :meth:`Memo.drain` into the build's new cache entries.

A payload is what the stage needs to give the same output without the expensive step, and
nothing that depends on where the blob occurs (path, repository): entries are per blob.
Payloads are bytes (JSON for most stages, raw arrays for MinHash signatures); the stage
owns their format, and its :func:`stage_version` changes when the format does.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Iterable, List, NamedTuple, Optional, Sequence, Tuple

#: the stages whose per-blob results are cached, in graph order
CACHED_STAGES = ("decode", "license", "language", "filters", "near_dedup", "redact")


class Entry(NamedTuple):
    """One cache entry: a stage's answer for a blob (``blob_id``: SWH ``sha1``; ``content_id``:
    ``sha1_git``; either may be empty where the source did not give it)."""

    blob_id: str
    content_id: str
    stage: str
    payload: bytes


def source_digest(*modules: str) -> str:
    """sha256 of the source files of ``modules`` (dotted names of modules or packages): a
    stage's answers change when its code does, whatever the package version says."""
    import importlib.util

    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            digest.update(f"{name}:missing\0".encode())
            continue
        paths: List[str] = [spec.origin]
        if spec.submodule_search_locations:  # a package: every .py file in it
            root = os.path.dirname(spec.origin)
            paths = sorted(os.path.join(folder, file) for folder, _dirs, files in os.walk(root)
                           for file in files if file.endswith(".py"))
        for path in paths:
            with open(path, "rb") as handle:
                data = handle.read()
            digest.update(f"{name}:{os.path.basename(path)}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def stage_version(stage: str, *parts: Any) -> str:
    """The version of a stage's cached answers: a short hash of the stage, its payload format,
    the config fields and library/data versions its answers depend on (``parts``, any JSON)."""
    text = json.dumps([stage, *parts], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def memo_of(pairs: Iterable[Tuple[str, bytes]]) -> Tuple[Tuple[str, bytes], ...]:
    """A record's ``memo``: one payload per stage, sorted by stage. Of several payloads of a
    stage for one blob (builds that met it in different roles: the license stage scans a
    blob as a LICENSE file in one tree and as a header in another), the longest wins, which
    holds the others' answers (an entry is written with the answers it was given, plus the
    new ones); then the smallest bytes, so the choice never depends on arrival order."""
    out = {}
    for stage, payload in pairs:
        best = out.get(stage)
        if best is None or (-len(payload), payload) < (-len(best), best):
            out[stage] = payload
    return tuple(sorted(out.items()))


def memo_get(memo: Sequence[Tuple[str, bytes]], stage: str) -> Optional[bytes]:
    for name, payload in memo:
        if name == stage:
            return payload
    return None


def memo_without(memo: Sequence[Tuple[str, bytes]], stage: str) -> Tuple[Tuple[str, bytes], ...]:
    return tuple(pair for pair in memo if pair[0] != stage)


class Memo:
    """One stage's view of the cache on a worker. ``enabled`` False (no ``--cache``): nothing
    is looked up and nothing is kept, and the stage runs as it always did."""

    def __init__(self, stage: str, enabled: bool = False):
        self.stage = stage
        self.enabled = enabled
        self._new: List[Entry] = []
        self.hits = 0
        self.misses = 0

    def get(self, record) -> Optional[bytes]:
        """The cached payload for ``record``'s blob, or None (counted as a hit or a miss)."""
        if not self.enabled:
            return None
        payload = memo_get(record.memo, self.stage)
        if payload is None:
            self.misses += 1
        else:
            self.hits += 1
        return payload

    def peek(self, record) -> Optional[bytes]:
        """:meth:`get` without counting (the stage counts a hit or a miss itself, e.g. only
        where the expensive step was needed at all)."""
        return memo_get(record.memo, self.stage) if self.enabled else None

    def put(self, record, payload: bytes) -> None:
        """A payload this stage computed for ``record``'s blob, for the cache."""
        self.put_ids(record.blob_id, record.content_id, payload)

    def put_ids(self, blob_id: str, content_id: str, payload: bytes) -> None:
        if self.enabled and (blob_id or content_id):
            self._new.append(Entry(blob_id or "", content_id or "", self.stage, bytes(payload)))

    def drain(self) -> List[Entry]:
        new, self._new = self._new, []
        return new

    def take_counts(self) -> Tuple[int, int]:
        """``(hits, misses)`` since the last call."""
        counts = (self.hits, self.misses)
        self.hits = self.misses = 0
        return counts


def dumps(value: Any) -> bytes:
    """A JSON payload (compact; floats round-trip exactly)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def loads(payload: bytes) -> Any:
    return json.loads(bytes(payload).decode("utf-8", "surrogatepass"))
