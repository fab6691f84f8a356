"""Deterministic, crash-safe shard writer.

Beam's ``WriteToParquet`` names and fills shards by bundle, so its output is not
byte-deterministic. codestack keys every record by (group, stable hash) where a
group is a language (or ``rejects``), the number of shards of a group follows
from its total size and a target shard size, each shard is sorted by a total
order of its rows, and written whole to a staging folder. The driver moves
shards into place only after the pipeline has finished (see ``pipeline.build``).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import math
from typing import Callable, Iterable, Iterator, List, NamedTuple, Sequence, Tuple

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash
from apache_beam.io.filesystems import FileSystems

from transforms.base import BeamCounter
from transforms.counts import CountedParDo
from transforms.record import RELEASE_FIELDS, TIMESTAMP_FIELDS, CodeFile, pack, unpack


@dataclasses.dataclass(frozen=True)
class SinkConfig:
    #: a language's shards hold about this many bytes of content each
    target_shard_bytes: int = 256_000_000
    #: rows per Parquet row group, at most
    row_group_rows: int = 10_000
    #: a row group ends once its files' ``length_bytes`` reach this: the sink builds one
    #: row group at a time, so this (not the shard size) bounds the rows it holds decoded
    row_group_bytes: int = 32_000_000
    #: zstd level of the Parquet shards
    zstd_level: int = 9
    #: rejects are split into files of about this many rows
    target_reject_rows: int = 1_000_000


class ShardInfo(NamedTuple):
    path: str  # relative to the release folder
    sha256: str
    bytes: int
    rows: int
    group: str


def _field_type(name: str) -> pa.DataType:
    if name in TIMESTAMP_FIELDS:
        return pa.timestamp("us", tz="UTC")
    annotation = CodeFile.__annotations__[name]
    text = str(annotation)
    if "Sequence" in text:
        return pa.list_(pa.string())
    if "int" in text:
        return pa.int64()
    if "float" in text:
        return pa.float64()
    if "bool" in text:
        return pa.bool_()
    return pa.string()


#: the schema of every data shard (The Stack v2 column names)
PARQUET_SCHEMA = pa.schema(
    [pa.field(name, _field_type(name), nullable="Optional" in str(CodeFile.__annotations__[name]) or name in TIMESTAMP_FIELDS)
     for name in RELEASE_FIELDS]
)


def language_folder(language: str) -> str:
    """The folder of a language under ``data/`` (Linguist names, ``/`` replaced)."""
    return language.replace("/", "_").replace("\x00", "") or "unknown"


def shard_key(record: CodeFile) -> int:
    return xxhash.xxh64_intdigest("\x00".join((record.blob_id, record.repo_name, record.path)).encode("utf-8", "surrogatepass"))


def row_order(record: CodeFile):
    return (record.repo_name, record.path, record.blob_id, record.revision_id, record.snapshot_id)


def _timestamp(value):
    if value is None or value == "":
        return None
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)


def _table(records: Sequence[CodeFile]) -> pa.Table:
    columns = {}
    for name in RELEASE_FIELDS:
        values = [getattr(r, name) for r in records]
        if name in TIMESTAMP_FIELDS:
            values = [_timestamp(v) for v in values]
        elif name == "detected_licenses":
            values = [list(v) for v in values]
        columns[name] = pa.array(values, type=PARQUET_SCHEMA.field(name).type)
    return pa.Table.from_pydict(columns, schema=PARQUET_SCHEMA)


def row_groups(records: Iterable[CodeFile], config: SinkConfig) -> Iterator[List[CodeFile]]:
    """``records`` (in order) cut into row groups: ``row_group_rows`` rows at most, and a group
    ends at the first row that brings its ``length_bytes`` to ``row_group_bytes``."""
    group: List[CodeFile] = []
    weight = 0
    for record in records:
        group.append(record)
        weight += record.length_bytes or 0
        if len(group) >= config.row_group_rows or weight >= config.row_group_bytes:
            yield group
            group, weight = [], 0
    if group:
        yield group


def write_parquet(records: Iterable[CodeFile], config: SinkConfig, handle) -> None:
    """Write ``records`` in the given order as Parquet to the file object ``handle``
    (zstd, row groups by :func:`row_groups`).

    ``records`` is read once, a row group at a time: only one row group is ever
    decoded and converted to Arrow at once, and encoded pages go to ``handle`` as
    each row group is done."""
    with pq.ParquetWriter(handle, PARQUET_SCHEMA, compression="zstd", compression_level=config.zstd_level,
                          use_dictionary=True, write_statistics=True, store_schema=True) as writer:
        empty = True
        for group in row_groups(records, config):
            writer.write_table(_table(group), row_group_size=len(group))
            empty = False
        if empty:
            writer.write_table(_table([]))


def encode_parquet(records: Iterable[CodeFile], config: SinkConfig) -> bytes:
    """The Parquet bytes :func:`write_parquet` writes."""
    buffer = io.BytesIO()
    write_parquet(records, config, buffer)
    return buffer.getvalue()


def write_jsonl(rows: Iterable[NamedTuple], handle) -> None:
    for row in rows:
        handle.write(json.dumps(row._asdict(), sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n")


class _Digesting(io.RawIOBase):
    """A write-only file object that passes bytes on to ``handle`` and keeps their
    sha256 and count (a shard's checksum without holding the shard)."""

    def __init__(self, handle):
        super().__init__()
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._handle.write(data)
        self.sha256.update(data)
        size = memoryview(data).nbytes
        self.size += size
        return size

    def tell(self) -> int:
        return self.size


def _replace(tmp: str, path: str) -> None:
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` at ``path`` (any Beam filesystem) via a temporary name."""
    tmp = path + ".tmp"
    with FileSystems.create(tmp) as handle:
        handle.write(data)
    _replace(tmp, path)


def write_streamed(path: str, write: Callable) -> Tuple[str, int]:
    """``write(handle)`` at ``path`` (any Beam filesystem) via a temporary name;
    ``(sha256 hex, bytes)`` of what it wrote."""
    tmp = path + ".tmp"
    with FileSystems.create(tmp) as handle:
        digesting = _Digesting(handle)
        write(digesting)
    _replace(tmp, path)
    return digesting.sha256.hexdigest(), digesting.size


class _WriteShardFn(beam.DoFn):
    def __init__(self, stage: str, staging: str, write: Callable, path_of: Callable):
        self._stage = stage
        self._staging = staging
        self._write = write
        self._path_of = path_of

    def setup(self):
        self._count = BeamCounter(self._stage)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, element):
        (group, index, total), entries = element
        # (order key, packed row): sorted packed, then decoded one by one as the writer reads them
        # (a packed row starts with its digest: equal keys are ordered by content, never by arrival)
        entries = sorted(entries)
        rel = self._path_of(group, index, total)
        rows = (unpack(packed) for _order, packed in entries)
        sha256, size = write_streamed(FileSystems.join(self._staging, rel), lambda handle: self._write(rows, handle))
        self._count("kept", len(entries))
        self._count("shards")
        yield ShardInfo(rel, sha256, size, len(entries), group)


class WriteShards(beam.PTransform):
    """Group rows into deterministic shards, sort, and write each (``write(rows, handle)``) to ``staging``.

    ``group_of(row)`` names the group, ``weight(row)`` is what the target counts,
    ``hash_of(row)`` places a row, ``order(row)`` sorts a shard (a total order).
    Outputs one ``ShardInfo`` per file written.
    """

    def __init__(self, stage: str, staging: str, *, group_of, weight, target: int, hash_of, order, write, path_of):
        super().__init__()
        self._stage = stage
        self._staging = staging
        self._group_of = group_of
        self._weight = weight
        self._target = target
        self._hash_of = hash_of
        self._order = order
        self._write = write
        self._path_of = path_of

    def expand(self, rows):
        group_of, weight, target, hash_of, order = self._group_of, self._weight, self._target, self._hash_of, self._order
        # rows wait, packed, for the sizes (a side input), then cross the shuffle packed
        placed = rows | "Place" >> beam.Map(lambda r: (group_of(r), weight(r), hash_of(r), (order(r), pack(r))))
        sizes = (
            placed
            | "Weigh" >> beam.Map(lambda p: (p[0], p[1]))
            | "SizePerGroup" >> beam.CombinePerKey(sum)
        )

        def key(placed_row, sizes):
            group, _weight, row_hash, entry = placed_row
            total = max(1, math.ceil(sizes[group] / target))
            return (group, row_hash % total, total), entry

        return (
            placed
            | "KeyByShard" >> beam.Map(key, sizes=beam.pvalue.AsDict(sizes))
            | "GroupShards" >> beam.GroupByKey()
            | "WriteShard" >> CountedParDo(_WriteShardFn(self._stage, self._staging, self._write, self._path_of))
        )


def data_shard_path(language: str, index: int, total: int) -> str:
    return f"data/{language_folder(language)}/train-{index:05d}-of-{total:05d}.parquet"


def reject_shard_path(_group: str, index: int, total: int) -> str:
    return f"rejects/rejects-{index:05d}-of-{total:05d}.jsonl"


def write_data(records, staging: str, config: SinkConfig):
    """Write the data shards; also count what they hold into ``<staging>/stats.json``."""
    from pipeline.stats import write_stats

    write_stats(records, staging)
    return records | "WriteData" >> WriteShards(
        "sink",
        staging,
        group_of=lambda r: r.language,
        weight=lambda r: max(1, r.length_bytes),
        target=config.target_shard_bytes,
        hash_of=shard_key,
        order=row_order,
        write=lambda rows, handle: write_parquet(rows, config, handle),
        path_of=data_shard_path,
    )


def write_rejects(rejects, staging: str, config: SinkConfig):
    return rejects | "WriteRejects" >> WriteShards(
        "rejects",
        staging,
        group_of=lambda r: "rejects",
        weight=lambda r: 1,
        target=config.target_reject_rows,
        hash_of=lambda r: xxhash.xxh64_intdigest(json.dumps(r._asdict(), sort_keys=True).encode("utf-8", "surrogateescape")),
        order=lambda r: tuple(r),
        write=write_jsonl,
        path_of=reject_shard_path,
    )


def write_index(shard_infos, staging: str):
    """Collect every ShardInfo into ``<staging>/shards.json`` for the driver."""

    def write(infos: List[ShardInfo]):
        rows = sorted((info._asdict() for info in infos), key=lambda d: d["path"])
        write_file(FileSystems.join(staging, "shards.json"), json.dumps(rows, sort_keys=True, indent=1).encode())

    return (
        shard_infos
        | "AllShards" >> beam.combiners.ToList()
        | "WriteShardIndex" >> beam.Map(write)
    )


def read_index(staging: str) -> List[ShardInfo]:
    path = FileSystems.join(staging, "shards.json")
    if not FileSystems.exists(path):
        return []
    with FileSystems.open(path) as handle:
        return [ShardInfo(**row) for row in json.loads(handle.read().decode())]


def iter_rows(path: str) -> Iterable[dict]:
    """Rows of one released Parquet shard, as dicts."""
    return pq.read_table(path).to_pylist()
