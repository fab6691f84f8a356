"""Bucketed tables: an export's big tables prepared once, then looked up by key.

A full export's ``directory_entry``, ``content``, ``revision``, ``release`` and
``snapshot_branch`` tables hold hundreds of billions of rows, of which a build reaches
a small share (the latest snapshots' trees). Joining a walk level with a whole table
shuffles that table again at every level. Instead each table is

1. read once, vectorized (Arrow; only the columns the build needs),
2. split by the first hex digits of its key: SWH ids are sha1 hex, so buckets are even
   in size whatever the data, and their count follows the table's size
   (:func:`digits_for`), which keeps every bucket bounded as the archive grows,
3. shuffled once, as Arrow IPC pieces: a piece per stripe and *coarse* bucket (at most
   :data:`PIECE_DIGITS` hex digits, so a piece holds many rows even when a table has a
   million buckets), not a row per element, and
4. written per bucket as one Parquet file sorted by key, in small row groups whose key
   statistics tell which of them can hold a key. A coarse group holding several buckets
   is split on the worker's local disk first (:func:`write_buckets`), so a worker holds
   one bucket in memory at a time.

A lookup is then a small shuffle of the keys wanted (grouped by bucket) and a read of
the row groups that can hold them (:class:`BucketReader`): a walk level costs what its
frontier touches, and a level with nothing to visit costs nothing.
"""

from __future__ import annotations

import bisect
import collections
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy as np

#: the key column of each bucketed table
TABLE_KEYS: Dict[str, str] = {
    "snapshot_branch": "snapshot_id",
    "release": "id",
    "revision": "id",
    "directory_entry": "directory_id",
    "content": "sha1_git",
}
#: bucket prefixes are at most this many hex digits (16^6 = 16.7M buckets)
MAX_DIGITS = 6
#: a bucket is aimed at this many bytes of the export's (compressed) ORC
BUCKET_BYTES = 64 << 20
#: rows per Parquet row group of a bucket file: what one key lookup reads at least
ROW_GROUP_ROWS = 4096
#: the shuffle's pieces are split by at most this many hex digits (4096 pieces per
#: stripe at most: a 64 MB stripe makes pieces of ~16 KB, not of a few rows)
PIECE_DIGITS = 3

_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _HEX[_c] = 10 + _i
_HEX_CHARS = frozenset("0123456789abcdefABCDEF")


def digits_for(total_bytes: int, bucket_bytes: int = BUCKET_BYTES) -> int:
    """How many hex digits name a bucket of a table of ``total_bytes``: the fewest for
    which a bucket holds at most ``bucket_bytes`` (0: one bucket)."""
    digits = 0
    while digits < MAX_DIGITS and total_bytes > bucket_bytes * (16 ** digits):
        digits += 1
    return digits


def bucket_of(key, digits: int) -> int:
    """The bucket of one key (as :func:`bucket_numbers`); -1 if it has no hex prefix."""
    if key is None:
        return -1
    if not digits:
        return 0
    head = key[:digits]
    if len(head) != digits or not all(c in _HEX_CHARS for c in head):
        return -1
    return int(head, 16)


def bucket_name(bucket: int, digits: int) -> str:
    return format(bucket, f"0{digits}x") if digits else "all"


def bucket_numbers(keys, digits: int, lut: np.ndarray = _HEX) -> np.ndarray:
    """The bucket of every key of a string array, vectorized: the value of its first
    ``digits`` hex digits (at most 15: an int64); -1 for a null key or one without such
    a prefix."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    n = len(keys)
    valid = np.asarray(keys.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if not digits:
        return np.where(valid, 0, -1).astype(np.int64)
    if not pa.types.is_string(keys.type):
        keys = keys.cast(pa.string())
    heads = pc.utf8_slice_codeunits(keys, 0, digits)
    lengths = pc.binary_length(heads).fill_null(0).to_numpy(zero_copy_only=False)
    ok = lengths == digits
    numbers = np.full(n, -1, dtype=np.int64)
    if not ok.any():
        return numbers
    fixed = heads.filter(pa.array(ok))
    offsets = np.frombuffer(fixed.buffers()[1], dtype=np.int32)[fixed.offset:fixed.offset + len(fixed) + 1]
    data = np.frombuffer(fixed.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    nibbles = lut[data.reshape(-1, digits)]
    value = np.zeros(len(fixed), dtype=np.int64)
    for column in range(digits):
        value = value * 16 + nibbles[:, column]
    value[(nibbles == 255).any(axis=1)] = -1
    numbers[np.flatnonzero(ok)] = value
    return numbers


def split_by_bucket(table, key: str, digits: int) -> Tuple[List[Tuple[int, object]], int]:
    """``([(bucket, rows of that bucket)], rows without a usable key)`` of an Arrow table."""
    import pyarrow as pa

    numbers = bucket_numbers(table.column(key), digits)
    usable = numbers >= 0
    dropped = int(len(numbers) - usable.sum())
    if dropped:
        table = table.filter(pa.array(usable))
        numbers = numbers[usable]
    if not len(numbers):
        return [], dropped
    if numbers.min() == numbers.max():  # one bucket (a small table): no reordering
        return [(int(numbers[0]), table)], dropped
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    table = table.take(pa.array(order))
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ordered)) + 1))
    ends = np.concatenate((starts[1:], [len(ordered)]))
    return [(int(ordered[s]), table.slice(int(s), int(e - s))) for s, e in zip(starts, ends)], dropped


_LOWER_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _LOWER_HEX[_c] = _i
#: hex digits whose value orders keys (60 bits: an int64)
_ORDER_DIGITS = 15


def key_order(keys) -> np.ndarray:
    """Row indices that sort a string array as Arrow's sort does. SWH ids are lowercase
    hex: their first 15 digits as an int64 order them, and numpy sorts those ~5x faster
    than Arrow sorts the strings; where that cannot decide (a key that is not such
    hex, or two different keys with the same first digits) Arrow's sort is used."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    prefix = bucket_numbers(keys, _ORDER_DIGITS, _LOWER_HEX)
    if len(prefix) and prefix.min() >= 0:
        order = np.argsort(prefix, kind="stable")
        ranked = prefix[order]
        tied = np.flatnonzero(ranked[1:] == ranked[:-1])
        if not len(tied) or pc.all(pc.equal(keys.take(pa.array(order[tied])),
                                           keys.take(pa.array(order[tied + 1])))).as_py():
            return order
    return pc.sort_indices(keys).to_numpy(zero_copy_only=False)


def to_ipc(table) -> bytes:
    """An Arrow table as one LZ4-compressed IPC stream (what crosses the shuffle)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes):
    import pyarrow as pa

    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def _write_parquet(table, location: str, key: str, row_group_rows: int) -> int:
    import pyarrow.parquet as pq

    from transforms.fetch import open_filesystem

    import pyarrow as pa

    table = table.take(pa.array(key_order(table.column(key))))
    filesystem, path = open_filesystem(location)
    parent = path.rsplit("/", 1)[0]
    filesystem.create_dir(parent, recursive=True)
    partial = path + ".partial"
    with filesystem.open_output_stream(partial) as out:
        pq.write_table(table, out, row_group_size=max(1, row_group_rows), compression="lz4",
                       write_statistics=[key], use_dictionary=False)
    filesystem.move(partial, path)
    return table.num_rows


def write_bucket(pieces: Iterable[bytes], location: str, key: str, row_group_rows: int = ROW_GROUP_ROWS) -> int:
    """Write a bucket's pieces as one Parquet file sorted by ``key`` (any filesystem
    pyarrow opens); returns its rows. A bucket is bounded by :func:`digits_for`, so
    it is sorted in memory; the order of rows with the same key is not kept (every
    reader sorts what it reads)."""
    import pyarrow as pa

    tables = [from_ipc(piece) for piece in pieces]
    return _write_parquet(pa.concat_tables(tables) if len(tables) > 1 else tables[0], location, key, row_group_rows)


def write_buckets(pieces: Iterable[bytes], locate, key: str, digits: int, row_group_rows: int = ROW_GROUP_ROWS,
                  scratch: Optional[str] = None) -> List[Tuple[int, str, int]]:
    """Write the buckets of a coarse group's pieces: each piece is split by the full
    ``digits`` and appended to a local file per bucket under ``scratch`` (the worker's
    disk), then each bucket is sorted and written on its own (``locate(bucket)`` names
    its file), so memory holds one bucket, not the group. Returns ``[(bucket, location,
    rows)]`` in bucket order."""
    import os
    import tempfile

    import pyarrow as pa

    with tempfile.TemporaryDirectory(prefix="codestack-buckets-", dir=scratch) as folder:
        writers: Dict[int, tuple] = {}
        try:
            for piece in pieces:
                for bucket, rows in split_by_bucket(from_ipc(piece), key, digits)[0]:
                    if bucket not in writers:
                        sink = pa.OSFile(os.path.join(folder, f"{bucket}.arrow"), "wb")
                        writers[bucket] = (sink, pa.ipc.new_stream(sink, rows.schema))
                    writers[bucket][1].write_table(rows)
        finally:
            for sink, writer in writers.values():
                writer.close()
                sink.close()
        out = []
        for bucket in sorted(writers):
            with pa.memory_map(os.path.join(folder, f"{bucket}.arrow")) as source:
                table = pa.ipc.open_stream(source).read_all()
            location = locate(bucket)
            out.append((bucket, location, _write_parquet(table, location, key, row_group_rows)))
            del table
        return out


class BucketFile:
    """One bucket's Parquet file: the row groups that can hold a set of keys, and their rows."""

    def __init__(self, location: str, key: str):
        import pyarrow.parquet as pq

        from transforms.fetch import open_filesystem

        filesystem, path = open_filesystem(location)
        self._handle = filesystem.open_input_file(path)
        self._file = pq.ParquetFile(self._handle)
        self._key = key
        metadata = self._file.metadata
        index = self._file.schema_arrow.get_field_index(key)
        self._mins: List[str] = []
        self._maxs: List[str] = []
        self._groups: List[int] = []
        self._unranged = False
        for group in range(metadata.num_row_groups):
            stats = metadata.row_group(group).column(index).statistics
            if metadata.row_group(group).num_rows == 0:
                continue
            if stats is None or not stats.has_min_max:
                self._unranged = True  # a group without statistics may hold any key
                stats = None
            self._mins.append(stats.min if stats is not None else "")
            self._maxs.append(stats.max if stats is not None else "")
            self._groups.append(group)

    def row_groups(self, keys: Sequence[str]) -> List[int]:
        """Row groups whose key range can hold one of ``keys`` (sorted): the file is
        sorted by key, so a key's rows lie in consecutive groups."""
        if self._unranged:
            return list(self._groups) if keys else []
        chosen = set()
        for key in keys:
            at = bisect.bisect_left(self._maxs, key)
            while at < len(self._groups) and self._mins[at] <= key:
                chosen.add(self._groups[at])
                if self._maxs[at] > key:
                    break
                at += 1
        return sorted(chosen)

    def read(self, keys: Sequence[str], columns: Optional[Sequence[str]] = None):
        """The rows whose key is one of ``keys`` (an Arrow table; ``columns`` projected)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        keys = sorted(set(keys))
        groups = self.row_groups(keys)
        wanted = None if columns is None else list(dict.fromkeys([self._key, *columns]))
        if not groups:
            return self._file.schema_arrow.empty_table().select(wanted) if wanted else \
                self._file.schema_arrow.empty_table()
        table = self._file.read_row_groups(groups, columns=wanted)
        mask = pc.is_in(table.column(self._key), value_set=pa.array(keys, type=table.schema.field(self._key).type))
        return table.filter(mask)

    def close(self) -> None:
        self._handle.close()


class BucketReader:
    """The prepared buckets of one table (``{bucket: location}``), a few files kept open."""

    def __init__(self, files: Dict[int, str], key: str, max_open: int = 16):
        self._files = files
        self._key = key
        self._open: "collections.OrderedDict[int, BucketFile]" = collections.OrderedDict()
        self._max_open = max_open

    def _file(self, bucket: int) -> Optional[BucketFile]:
        if bucket not in self._files:
            return None
        handle = self._open.pop(bucket, None)
        if handle is None:
            handle = BucketFile(self._files[bucket], self._key)
            while len(self._open) >= self._max_open:
                self._open.popitem(last=False)[1].close()
        self._open[bucket] = handle
        return handle

    def read(self, bucket: int, keys: Sequence[str], columns: Optional[Sequence[str]] = None):
        """The rows of ``keys`` in ``bucket`` (an Arrow table), or None when the table has
        no row in that bucket."""
        handle = self._file(bucket)
        return None if handle is None else handle.read(keys, columns)

    def close(self) -> None:
        while self._open:
            self._open.popitem()[1].close()


def rows_by_key(table, key: str, columns: Sequence[str]) -> Dict[str, List[tuple]]:
    """``{key: [row, ...]}`` of an Arrow table (rows as tuples of ``columns``): per-row
    Python, for rows that were looked up, i.e. reached."""
    out: Dict[str, List[tuple]] = collections.defaultdict(list)
    if table is None or not table.num_rows:
        return out
    keys = table.column(key).to_pylist()
    values = [table.column(c).to_pylist() for c in columns]
    for k, row in zip(keys, zip(*values)):
        out[k].append(row)
    return out


def chunks(values: Iterable, size: int) -> Iterator[list]:
    """``values`` in lists of at most ``size`` (a grouped iterable streamed, never held whole)."""
    chunk = []
    for value in values:
        chunk.append(value)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
