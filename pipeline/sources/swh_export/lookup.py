"""The Beam side of bucketed tables: prepare them once, then look keys up by bucket.

``PrepareTables`` groups the stripes' Arrow pieces by (table, bucket), the one shuffle
of each big table in a build, and writes a sorted Parquet file per bucket under the
build's staging folder. Its output (one small descriptor per bucket file) is the side
input of every lookup, so no lookup starts before the files are complete.

A lookup step keys what it wants by the bucket of its key (``keyed``), groups by bucket
(a shuffle of the wanted keys only) and reads them in chunks (:class:`LookupFn`): the
grouped values are streamed, never held as a list, so a key wanted by millions of
values (the empty blob, a subtree every fork shares) costs memory for one chunk.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Tuple

import apache_beam as beam

from pipeline.sources.swh_export.buckets import (
    PIECE_DIGITS, ROW_GROUP_ROWS, TABLE_KEYS, BucketReader, bucket_name, bucket_of, chunks, write_bucket,
    write_buckets)
from pipeline.sources.swh_export.common import _Fn
from transforms.counts import COUNTS, CountedParDo, counted

#: values handled per read of a bucket file (bounds a lookup's memory)
CHUNK = 4096


def bucket_location(root: str, table: str, bucket: int, digits: int) -> str:
    return f"{root.rstrip('/')}/{table}/{bucket_name(bucket, digits)}.parquet"


class _WriteBucketFn(_Fn):
    def __init__(self, root: str, digits: Dict[str, int], row_group_rows: int, piece_digits: int):
        self._root = root
        self._digits = dict(digits)
        self._row_group_rows = row_group_rows
        self._piece_digits = piece_digits

    def _results(self, item):
        (table, piece), pieces = item
        digits = self._digits[table]
        if digits <= self._piece_digits:  # the piece is the bucket
            location = bucket_location(self._root, table, piece, digits)
            yield table, piece, location, write_bucket(pieces, location, TABLE_KEYS[table], self._row_group_rows)
            return
        for bucket, location, rows in write_buckets(
                pieces, lambda bucket: bucket_location(self._root, table, bucket, digits), TABLE_KEYS[table],
                digits, self._row_group_rows):
            yield table, bucket, location, rows


class PrepareTables(beam.PTransform):
    """``((table, piece), ipc bytes)`` pieces -> ``(table, bucket, location, rows)`` per bucket file."""

    def __init__(self, root: str, digits: Dict[str, int], row_group_rows: int = ROW_GROUP_ROWS,
                 piece_digits: int = PIECE_DIGITS):
        super().__init__()
        self._root = root
        self._digits = dict(digits)
        self._row_group_rows = row_group_rows
        self._piece_digits = piece_digits

    def expand(self, pieces):
        return (pieces | "PiecesByBucket" >> beam.GroupByKey()
                | "WriteBuckets" >> CountedParDo(_WriteBucketFn(self._root, self._digits, self._row_group_rows,
                                                               self._piece_digits)))


def keyed(table: str, digits: int):
    """``(key, value)`` -> ``(bucket, (key, value))`` for a lookup in ``table``."""
    def key_by_bucket(item):
        return bucket_of(item[0], digits), item
    key_by_bucket.__name__ = f"key_by_{table}_bucket"
    return key_by_bucket


class LookupFn(_Fn):
    """``(bucket, [(key, value), ...])`` with the bucket files as side input -> what
    :meth:`_chunk` makes of each chunk of values and the rows of their keys.

    Subclasses set ``TABLE`` and ``COLUMNS`` (read besides the key) and implement
    ``_chunk(bucket, values, rows_of)`` where ``rows_of(keys[, columns])`` returns the
    Arrow table of those keys' rows in this bucket (None: the table has no such bucket).
    """

    TABLE = ""
    COLUMNS: Tuple[str, ...] = ()

    def __init__(self, chunk: int = CHUNK):
        self._chunk_size = chunk
        self._reader = None

    def _files(self, descriptors: Iterable[tuple]) -> Dict[int, str]:
        return {bucket: location for table, bucket, location, _rows in descriptors if table == self.TABLE}

    def process(self, item, descriptors):
        return self._results(item, descriptors)

    def _results(self, item, descriptors):
        bucket, values = item
        if self._reader is None:
            self._reader = BucketReader(self._files(descriptors), TABLE_KEYS[self.TABLE])
        reader = self._reader

        def rows_of(keys: List[str], columns=None):
            return reader.read(bucket, keys, self.COLUMNS if columns is None else columns)

        for chunk in chunks(values, self._chunk_size):
            yield from self._chunk(bucket, chunk, rows_of)

    def _chunk(self, bucket: int, values: list, rows_of):
        raise NotImplementedError

    def teardown(self):
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def lookup(values, label: str, fn: LookupFn, digits: int, tables, outputs: Tuple[str, ...] = (), main: str = "out"):
    """``values`` (``(key, value)``) | key by bucket | group | ``fn`` with the bucket files."""
    grouped = (values | f"{label}ByBucket" >> beam.Map(keyed(fn.TABLE, digits))
               | f"{label}Group" >> beam.GroupByKey())
    step = beam.ParDo(fn, descriptors=beam.pvalue.AsList(tables)).with_outputs(*outputs, COUNTS, main=main)
    applied = counted(grouped | label >> step)
    return applied if outputs else applied[main]
