"""Stage ``exact_dedup``: one row per ``blob_id``, the kept copy chosen by the preference.

Beam: ``CombinePerKey`` over ``blob_id`` with an accumulator of one record and a
count, so the runner combines on the map side (combiner lifting) and a hot key
(empty files, the common LICENSE texts: millions of copies) never becomes one
worker's list. Counters (``codestack.exact_dedup``): ``kept`` (one per blob),
``dropped:duplicate`` (the other copies), ``duplicated_blobs`` (blobs with two or
more copies) and ``copies:<n>`` (how many blobs had n copies, n in powers-of-two
buckets: ``2``, ``3-4``, ``5-8``, ...).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Dict, Iterable, List, Optional, Tuple

import apache_beam as beam

from transforms.base import FATES, BeamCounter, Count
from transforms.counts import CountedParDo
from transforms.dedup.preference import RELEASED_BEFORE, best, preference_key
from transforms.record import CodeFile, pack, unpack

STAGE = "exact_dedup"


@dataclasses.dataclass(frozen=True)
class ExactDedupConfig:
    #: keep one row per blob_id (the preferred copy)
    enabled: bool = True


def dedup_key(record: CodeFile) -> str:
    """``blob_id``; a record without one (never after ``decode``) is keyed by the sha1 of its text."""
    if record.blob_id:
        return record.blob_id
    return "text:" + hashlib.sha1(record.content.encode("utf-8", "surrogatepass")).hexdigest()


def size_bucket(n: int) -> str:
    """``2``, ``3-4``, ``5-8``, ``9-16``, ...: the powers-of-two bucket of a group size >= 2."""
    if n <= 2:
        return str(n)
    high = 1 << (n - 1).bit_length()
    return f"{high // 2 + 1}-{high}"


def count_copies(count: Count, copies: int) -> None:
    """Counters of one blob that had ``copies`` copies (the kept one included)."""
    count("kept")
    if copies > 1:
        count("dropped:duplicate", copies - 1)
        count("duplicated_blobs")
        count(f"copies:{size_bucket(copies)}")


def exact_dedup(records: Iterable[CodeFile], count: Count) -> List[CodeFile]:
    """The whole stage on a list (the reference the Beam transform must match)."""
    groups: Dict[str, List[CodeFile]] = {}
    for record in records:
        groups.setdefault(dedup_key(record), []).append(record)
    kept = []
    for key in sorted(groups):
        kept.append(best(groups[key]))
        count_copies(count, len(groups[key]))
    return kept


#: a record as it crosses a dedup shuffle: its preference key and the packed record
Entry = Tuple[Tuple, bytes]
#: the preferred entry so far, the copies seen, and how many of them the previous release held
Accumulator = Optional[Tuple[Entry, int, int]]


def entry(record: CodeFile) -> Entry:
    """``(preference_key(record), pack(record))``: what :class:`BestCopy` combines."""
    return preference_key(record), pack(record)


def _better(a: Entry, b: Entry) -> Entry:
    return a if a[0] <= b[0] else b


def _released(value: Entry) -> int:
    return int(value[0][RELEASED_BEFORE] == 0)


def count_lost_released(count: BeamCounter, stage: str, acc: Tuple[Entry, int, int], reason: str) -> None:
    """``build --previous``: copies the previous release held that are not the kept one
    (``<stage>:<reason>``), and ``<stage>:new_winner`` when the kept copy is not a released one,
    in namespace ``FATES`` of ``count``."""
    best_entry, _copies, released = acc
    lost = released - _released(best_entry)
    if lost:
        count.tally(FATES, f"{stage}:{reason}", lost)
        if not _released(best_entry):
            count.tally(FATES, f"{stage}:new_winner")


class BestCopy(beam.CombineFn):
    """Combines the :func:`entry` of each copy of a blob into ``(preferred entry, number of copies,
    copies the previous release held)``: the preference keys decide, the packed records ride
    along unopened."""

    def create_accumulator(self) -> Accumulator:
        return None

    def add_input(self, acc: Accumulator, value: Entry) -> Accumulator:
        if acc is None:
            return value, 1, _released(value)
        return _better(acc[0], value), acc[1] + 1, acc[2] + _released(value)

    def merge_accumulators(self, accumulators: Iterable[Accumulator]) -> Accumulator:
        merged = None
        for acc in accumulators:
            if acc is None:
                continue
            merged = acc if merged is None else (_better(merged[0], acc[0]), merged[1] + acc[1], merged[2] + acc[2])
        return merged

    def extract_output(self, acc: Accumulator) -> Accumulator:
        return acc


class _EmitBest(beam.DoFn):
    def __init__(self, stage: str):
        self._stage = stage
        self._count = None

    def setup(self):
        self._count = BeamCounter(self._stage)

    def process(self, element):
        _key, acc = element
        (_preference, packed), copies, _released_copies = acc
        count_copies(self._count, copies)
        count_lost_released(self._count, self._stage, acc, "duplicate")
        yield unpack(packed)

    def finish_bundle(self):
        yield from self._count.emit()


class ExactDedup(beam.PTransform):
    """``kept = records | ExactDedup()``: the preferred copy of every blob."""

    def __init__(self, config: ExactDedupConfig = ExactDedupConfig()):
        super().__init__(label=STAGE)
        self._config = config

    def expand(self, records):
        return (
            records
            | "KeyByBlob" >> beam.Map(lambda record: (dedup_key(record), entry(record)))
            | "BestPerBlob" >> beam.CombinePerKey(BestCopy())
            | "Emit" >> CountedParDo(_EmitBest(STAGE), output_type=CodeFile)
        )
