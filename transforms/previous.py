"""The previous release in the pipeline (``build --previous DIR``): which files it held.

Its shards' ``repo_name``, ``path``, ``blob_id`` and ``content_id`` columns (read with Arrow,
one shard per element) join the decode stage's group-by-blob like the cache's entries, so
the mark costs no shuffle of the records: an occurrence whose ``(repo_name, path)`` the
previous release held for that blob gets ``released_before``. That mark

* keeps a released file the kept copy of its exact or near-duplicate cluster unless the
  preference order (license, stars, forks, newer revision) now favours another file: it
  comes after those in :func:`transforms.dedup.preference.preference_key`, before the
  name order that only breaks ties;
* makes each stage count why a previously released file left (counter namespace
  :data:`transforms.base.FATES`, ``<stage>:<reason>``), for the CHANGELOG's reasons.

The previous release holds one row per blob (exact dedup), so a group gets at most one.
"""

from __future__ import annotations

import glob
import os
from typing import List, Sequence, Tuple

import apache_beam as beam

from transforms.cache.beam_io import join_keys

#: tag of a previous release's row as it crosses the decode stage's group-by-blob
PREVIOUS = b"P"
COLUMNS = ["repo_name", "path", "blob_id", "content_id"]


def previous_shards(release: str) -> List[str]:
    """The data shards of a release folder, sorted."""
    return sorted(glob.glob(os.path.join(release, "data", "**", "*.parquet"), recursive=True))


def previous_value(repo_name: str, path: str) -> bytes:
    return PREVIOUS + repo_name.encode("utf-8", "surrogatepass") + b"\0" + path.encode("utf-8", "surrogatepass")


def parse_previous(value: bytes) -> Tuple[str, str]:
    repo, _, path = bytes(value[1:]).partition(b"\0")
    return repo.decode("utf-8", "surrogatepass"), path.decode("utf-8", "surrogatepass")


class _ReadShardFn(beam.DoFn):
    def __init__(self, key_kind: str):
        self._key_kind = key_kind

    def process(self, path: str):
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=COLUMNS)
        columns = [table.column(name).to_pylist() for name in COLUMNS]
        for repo_name, file_path, blob_id, content_id in zip(*columns):
            value = previous_value(repo_name or "", file_path or "")
            for key in join_keys(blob_id or "", content_id or "", self._key_kind):
                yield key, value


class ReadPrevious(beam.PTransform):
    """``pipeline | ReadPrevious(shards, key_kind)``: ``(blob key, tagged (repo, path))`` of every
    file of the previous release's ``shards``."""

    def __init__(self, shards: Sequence[str], key_kind: str):
        super().__init__()
        self._shards = list(shards)
        self._key_kind = key_kind

    def expand(self, pbegin):
        return (pbegin
                | "PreviousShards" >> beam.Create(self._shards)
                | "SpreadPrevious" >> beam.Reshuffle()
                | "ReadPrevious" >> beam.ParDo(_ReadShardFn(self._key_kind)).with_output_types(Tuple[str, bytes]))
