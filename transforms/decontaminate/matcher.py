"""All needles of all benchmarks in one Aho-Corasick automaton (ahocorasick-rs).

A file is normalized once (:func:`normalize`) and searched once, whatever the number
of needles: the automaton's time follows the file's length, not the needles'
(:mod:`bench.bench_decontaminate` measures it against a per-needle ``in`` loop).
Needles are deduplicated: one pattern per distinct normalized text, with the sorted
``(benchmark, item)`` pairs it belongs to, so the answer never depends on the order
benchmarks were given in.

The table travels to workers as a file (gzip JSON, written by the driver into the
build's staging folder, any Beam filesystem), read in ``DoFn.setup``.
"""

from __future__ import annotations

import gzip
import json
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from transforms.decontaminate.benchmarks import Benchmark
from transforms.decontaminate.normalize import normalize, normalize_with_offsets

TABLE_VERSION = 1


class Match(NamedTuple):
    benchmark: str
    item: str
    start: int  # character offsets into the original text
    end: int


class NeedleTable(NamedTuple):
    """``patterns[i]`` (normalized, sorted, distinct) belongs to ``owners[i]``: sorted
    ``(benchmark, item)`` pairs."""

    patterns: Tuple[str, ...]
    owners: Tuple[Tuple[Tuple[str, str], ...], ...]

    @classmethod
    def from_benchmarks(cls, benchmarks: Sequence[Benchmark]) -> "NeedleTable":
        owners: Dict[str, set] = {}
        for benchmark in benchmarks:
            for needle in benchmark.needles:
                owners.setdefault(needle.text, set()).add((needle.benchmark, needle.item))
        patterns = tuple(sorted(owners))
        return cls(patterns, tuple(tuple(sorted(owners[p])) for p in patterns))

    def to_bytes(self) -> bytes:
        payload = {"version": TABLE_VERSION, "patterns": list(self.patterns),
                   "owners": [[list(o) for o in owners] for owners in self.owners]}
        return gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> "NeedleTable":
        payload = json.loads(gzip.decompress(data))
        if payload.get("version") != TABLE_VERSION:
            raise ValueError(f"needle table version {payload.get('version')!r}, expected {TABLE_VERSION}")
        return cls(tuple(payload["patterns"]), tuple(tuple((b, i) for b, i in owners) for owners in payload["owners"]))


def write_table(table: NeedleTable, path: str) -> None:
    """Write the table where workers can read it (a local path or any Beam filesystem)."""
    from apache_beam.io.filesystems import CompressionTypes, FileSystems

    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(table.to_bytes())


def read_table(path: str) -> NeedleTable:
    from apache_beam.io.filesystems import CompressionTypes, FileSystems

    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return NeedleTable.from_bytes(handle.read())


class Matcher:
    """Built once per worker: the automaton over the table's patterns."""

    def __init__(self, table: NeedleTable):
        import ahocorasick_rs

        self.table = table
        self._automaton = ahocorasick_rs.AhoCorasick(list(table.patterns)) if table.patterns else None

    def first(self, text: str) -> Optional[Tuple[str, str]]:
        """``(benchmark, item)`` of the first needle found in ``text`` (the one whose match
        ends first; among its owners the smallest), or None."""
        if self._automaton is None:
            return None
        found = self._automaton.find_matches_as_indexes(normalize(text))
        if not found:
            return None
        return self.table.owners[found[0][0]][0]

    def matches(self, text: str) -> List[Match]:
        """Every occurrence of every needle, overlapping ones included, with offsets into
        ``text`` (``end`` exclusive), sorted by position then benchmark and item."""
        if self._automaton is None:
            return []
        if not self._automaton.find_matches_as_indexes(normalize(text)):
            return []
        haystack, offsets = normalize_with_offsets(text)
        out = set()
        for index, start, end in self._automaton.find_matches_as_indexes(haystack, overlapping=True):
            for benchmark, item in self.table.owners[index]:
                out.add(Match(benchmark, item, offsets[start], offsets[end - 1] + 1))
        return sorted(out, key=lambda m: (m.start, m.end, m.benchmark, m.item))
