"""The cache in the pipeline: its entries read into the decode stage's group-by-blob, and
the build's new entries written as shards.

Read: the driver names the shards of the current stage versions (:func:`store.plan_reads`);
workers read them (one shard per element, after a Reshuffle) and emit each entry keyed
the way the source's records are grouped by blob (:func:`transforms.fetch.blob_key`:
``sha1``, or ``sha1_git:<id>`` for sources that only know the git id before reading). The
decode stage flattens them with the records before its one GroupByKey, so the join costs no
shuffle of the records, and the entries of a blob reach its occurrences as their ``memo``.

Write: the stages' new entries (:class:`transforms.cache.memo.Memo`) are buffered per
bundle and written as Parquet shards under ``<cache>/shards/<build>/``; their index entries
go to the staging folder, and the driver publishes them after the build succeeded.
"""

from __future__ import annotations

import json
import logging
import struct
from typing import Dict, List, Optional, Sequence, Tuple

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from transforms.cache import store
from transforms.cache.memo import Entry
from transforms.counts import COUNTS, Tally, counted

#: counter namespace of the cache (never part of a release's manifest)
NAMESPACE = "codestack-cache"
#: tags of the values crossing the decode stage's group-by-blob
RECORD, ENTRY = b"R", b"C"
_SHARD_NO = struct.Struct("<I")
#: a worker writes a shard once it holds this many entries of a stage, or this many payload bytes
MAX_SHARD_ROWS = 200_000
MAX_SHARD_BYTES = 64 << 20
_LOG = logging.getLogger(__name__)


def counter(tally: Tally, name: str, n: int = 1) -> None:
    """Add ``n`` to the cache's counter ``name`` in a DoFn's ``tally`` (:mod:`transforms.counts`)."""
    tally.tally(NAMESPACE, name, n)


def entry_value(shard_no: int, stage: str, payload: bytes) -> bytes:
    """An entry as it crosses the group-by-blob: tag, shard number, stage, payload."""
    return ENTRY + _SHARD_NO.pack(shard_no) + stage.encode("ascii") + b"\0" + payload


def parse_entry(value: bytes) -> Tuple[int, str, bytes]:
    """``(shard number, stage, payload)`` of :func:`entry_value`."""
    (shard_no,) = _SHARD_NO.unpack_from(value, 1)
    end = value.index(b"\0", 5)
    return shard_no, value[5:end].decode("ascii"), bytes(value[end + 1:])


def join_keys(blob_id: str, content_id: str, key_kind: str) -> List[str]:
    """The group-by-blob keys an entry joins under (see :func:`transforms.fetch.blob_key`)."""
    keys = []
    if key_kind in ("sha1", "both") and blob_id:
        keys.append(blob_id)
    if key_kind in ("sha1_git", "both") and content_id:
        keys.append(f"sha1_git:{content_id}")
    return keys


class _ReadShardFn(beam.DoFn):
    def __init__(self, key_kind: str):
        self._key_kind = key_kind

    def setup(self):
        self._tally = Tally()

    def finish_bundle(self):
        yield from self._tally.emit()

    def process(self, element):
        shard_no, shard = element
        try:
            table = store.read_shard(shard["full_path"], shard.get("sha256", ""), int(shard.get("bytes", -1)))
        except store.ShardDamaged as exc:
            _LOG.warning("cache: shard skipped, its blobs are recomputed: %s", exc)
            counter(self._tally, "shards:damaged")
            return
        counter(self._tally, "shards:read")
        stage_expected, version = shard["stage"], shard["version"]
        read = stale = 0
        for blob_id, content_id, stage, row_version, payload in store.entries_of(table):
            if stage != stage_expected or row_version != version:
                stale += 1  # an index that names a shard wrongly: never used
                continue
            read += 1
            value = entry_value(shard_no, stage, payload)
            for key in join_keys(blob_id or "", content_id or "", self._key_kind):
                yield key, value
        counter(self._tally, "entries:read", read)
        if stale:
            counter(self._tally, "entries:stale", stale)


class ReadCache(beam.PTransform):
    """``pipeline | ReadCache(shards, key_kind)``: ``(blob key, tagged entry)`` of every entry
    of ``shards`` (index entries with ``full_path``), in shard order numbers ``0..n-1``."""

    def __init__(self, shards: Sequence[dict], key_kind: str):
        super().__init__()
        self._shards = [dict(s) for s in shards]
        self._key_kind = key_kind

    def expand(self, pbegin):
        read = (pbegin
                | "CacheShards" >> beam.Create(list(enumerate(self._shards)))
                | "SpreadShards" >> beam.Reshuffle()
                | "ReadShards" >> beam.ParDo(_ReadShardFn(self._key_kind)).with_output_types(Tuple[str, bytes])
                .with_outputs(COUNTS, main="entries"))
        return counted(read).entries


class _WriteEntriesFn(beam.DoFn):
    """Entries -> shards of ``folder`` (one stage and version each), per bundle; yields their
    index entries. Within a bundle an entry of a blob is written once."""

    def __init__(self, folder: str, versions: Dict[str, str]):
        self._folder = folder
        self._versions = dict(versions)

    def setup(self):
        self._tally = Tally()

    def start_bundle(self):
        self._buffers: Dict[str, Dict[Tuple[str, str], bytes]] = {}
        self._bytes: Dict[str, int] = {}

    def process(self, entry):
        blob_id, content_id, stage, payload = entry
        buffer = self._buffers.setdefault(stage, {})
        if (blob_id, content_id) in buffer:
            return
        buffer[(blob_id, content_id)] = payload
        self._bytes[stage] = self._bytes.get(stage, 0) + len(payload) + 80
        if len(buffer) >= MAX_SHARD_ROWS or self._bytes[stage] >= MAX_SHARD_BYTES:
            yield self._flush(stage)

    def _flush(self, stage: str) -> dict:
        buffer = self._buffers.pop(stage)
        self._bytes.pop(stage, None)
        entries = [Entry(blob_id, content_id, stage, payload) for (blob_id, content_id), payload in sorted(buffer.items())]
        info = store.write_shard(self._folder, stage, self._versions[stage], entries)
        counter(self._tally, f"{stage}:written", len(entries))
        return info

    def finish_bundle(self):
        for stage in sorted(self._buffers):
            yield WindowedValue(self._flush(stage), MIN_TIMESTAMP, (GlobalWindow(),))
        yield from self._tally.emit()


def _write_list(infos: List[dict], path: str) -> None:
    from apache_beam.io.filesystems import FileSystems

    with FileSystems.create(path) as handle:
        handle.write(json.dumps(sorted(infos, key=lambda i: i["path"]), indent=1).encode("utf-8"))


class WriteCache(beam.PTransform):
    """``entries | WriteCache(folder, versions, list_path)``: new shards in ``folder``, and the
    list of their index entries written to ``list_path`` (for the driver)."""

    def __init__(self, folder: str, versions: Dict[str, str], list_path: str):
        super().__init__()
        self._folder = folder
        self._versions = dict(versions)
        self._list_path = list_path

    def expand(self, entries):
        path = self._list_path
        written = counted(entries | "WriteShards" >> beam.ParDo(_WriteEntriesFn(self._folder, self._versions))
                          .with_outputs(COUNTS, main="shards"))
        return (written.shards
                | "AllShards" >> beam.combiners.ToList()
                | "ShardList" >> beam.Map(_write_list, path))


class CachePlan:
    """What the graph needs of the cache: the shards to read (``reads``, index entries with
    ``full_path``), where new shards go (``write_folder``; None: nothing is written), the
    current version of each cached stage, and where the new shards' list goes."""

    def __init__(self, versions: Dict[str, str], reads: Sequence[dict] = (), write_folder: Optional[str] = None,
                 list_path: Optional[str] = None, uri: str = "", build: str = ""):
        self.versions = dict(versions)
        self.reads = list(reads)
        self.write_folder = write_folder
        self.list_path = list_path
        self.uri = uri
        self.build = build

    def enabled(self, stage: str) -> bool:
        return stage in self.versions
