"""The cache on a filesystem (a local folder or any Beam filesystem: ``gs://``, ``s3://``), no Beam pipeline.

Layout::

    <cache>/shards/<build>/<stage>-<version>-<n>.parquet   # entries of one stage and version
    <cache>/index/<created>-<build>.json                   # one build's shards, and what it used

A build's workers write new shards under ``shards/<build>/``; after the build has
succeeded the driver publishes ``index/<created>-<build>.json`` in one step (a
temporary name, then a rename; an object store's single put). Readers take the union
of the index files, so two builds writing one cache at once never overwrite each other's
work, and a shard no index names (a build that died, or one still running) is never read.

Every shard's sha256 and size are in its index entry: a reader checks them and skips a
shard that does not match (truncated, damaged, deleted by a prune running meanwhile),
with a warning; its blobs are recomputed. The cache is a memo of pure per-blob
functions, so whatever it holds or lacks, a release is the same.

Index file (JSON)::

    {"format": 1, "build": "<uuid>", "created": "<ISO time>", "kind": "build" | "prune",
     "release": "0.2.0", "versions": {stage: version},
     "shards": [{"path", "stage", "version", "rows", "bytes", "sha256"}],
     "used": {shard path: entries of it this build used}}
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import posixpath
import uuid
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.cache.memo import Entry

FORMAT = 1
SHARDS = "shards"
INDEX = "index"
SCHEMA = pa.schema([
    ("blob_id", pa.string()),
    ("content_id", pa.string()),
    ("stage", pa.string()),
    ("version", pa.string()),
    ("payload", pa.binary()),
])
_LOG = logging.getLogger(__name__)


class CacheError(Exception):
    """A cache that cannot be used at all (e.g. an index file that is not JSON)."""


def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def join(root: str, *parts: str) -> str:
    if "://" in root:
        return posixpath.join(root.rstrip("/"), *parts)
    import os

    return os.path.join(root, *parts)


def new_build_id() -> str:
    return uuid.uuid4().hex


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --------------------------------------------------------------------------- shards


def encode_shard(entries: Sequence[Entry], version: str) -> bytes:
    """Parquet bytes of ``entries`` (one stage), zstd, in one row group per 64k entries."""
    table = pa.table({
        "blob_id": [e.blob_id for e in entries],
        "content_id": [e.content_id for e in entries],
        "stage": [e.stage for e in entries],
        "version": [version] * len(entries),
        "payload": [e.payload for e in entries],
    }, schema=SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", row_group_size=65536, use_dictionary=["stage", "version"])
    return sink.getvalue()


def write_shard(folder: str, stage: str, version: str, entries: Sequence[Entry]) -> dict:
    """Write one shard under ``folder`` (a unique name); its index entry (path relative to
    the cache root is set by the caller)."""
    data = encode_shard(entries, version)
    name = f"{stage}-{version}-{uuid.uuid4().hex[:12]}.parquet"
    path = join(folder, name)
    fs = _fs()
    with fs.create(path) as handle:
        handle.write(data)
    return {"path": path, "stage": stage, "version": version, "rows": len(entries), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


class ShardDamaged(Exception):
    pass


def read_shard(path: str, sha256: str = "", size: int = -1) -> pa.Table:
    """The shard's table; :class:`ShardDamaged` if it is missing, or its bytes do not match
    the index (truncated, changed), or it is not Parquet of the cache's schema."""
    fs = _fs()
    try:
        with fs.open(path) as handle:
            data = handle.read()
    except Exception as exc:  # missing, unreadable
        raise ShardDamaged(f"{path}: cannot be read: {type(exc).__name__}: {exc}") from exc
    if size >= 0 and len(data) != size:
        raise ShardDamaged(f"{path}: {len(data)} bytes, the index says {size} (truncated?)")
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise ShardDamaged(f"{path}: sha256 does not match the index (damaged)")
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:
        raise ShardDamaged(f"{path}: not a readable Parquet file: {exc}") from exc
    missing = [name for name in SCHEMA.names if name not in table.column_names]
    if missing:
        raise ShardDamaged(f"{path}: no column {missing[0]!r}")
    return table


# --------------------------------------------------------------------------- index


def _list(pattern: str) -> List[Tuple[str, int, float]]:
    """``(path, size, mtime)`` of the files matching ``pattern`` (empty if none)."""
    fs = _fs()
    try:
        result = fs.match([pattern])[0]
    except Exception:  # nothing there (Beam raises on no match for some filesystems)
        return []
    out = []
    for item in result.metadata_list:
        out.append((item.path, item.size_in_bytes, getattr(item, "last_updated_in_seconds", 0.0) or 0.0))
    return sorted(out)


def read_indexes(root: str) -> List[dict]:
    """Every published index of the cache at ``root``, oldest first (by creation time, then build)."""
    fs = _fs()
    indexes = []
    for path, _size, _mtime in _list(join(root, INDEX, "*.json")):
        try:
            with fs.open(path) as handle:
                index = json.loads(handle.read().decode("utf-8"))
        except Exception as exc:
            _LOG.warning("cache %s: index %s skipped: %s", root, path, exc)
            continue
        if not isinstance(index, dict) or index.get("format") != FORMAT or not isinstance(index.get("shards"), list):
            _LOG.warning("cache %s: index %s skipped: not a format-%d cache index", root, path, FORMAT)
            continue
        index["_file"] = path
        indexes.append(index)
    return sorted(indexes, key=lambda i: (str(i.get("created", "")), str(i.get("build", ""))))


def shards_of(indexes: Iterable[dict]) -> Dict[str, dict]:
    """Every shard the indexes name (relative path -> entry), first mention wins."""
    out: Dict[str, dict] = {}
    for index in indexes:
        for shard in index["shards"]:
            out.setdefault(shard["path"], shard)
    return out


def plan_reads(root: str, versions: Dict[str, str]) -> Tuple[List[dict], Dict[str, int]]:
    """``(shards to read, stale rows by stage)``: the shards of the current version of each
    stage in ``versions``; rows of other versions are counted, never read."""
    reads, stale = [], {}
    for path, shard in sorted(shards_of(read_indexes(root)).items()):
        stage = shard.get("stage")
        if stage not in versions:
            continue
        if shard.get("version") != versions[stage]:
            stale[stage] = stale.get(stage, 0) + int(shard.get("rows", 0))
            continue
        reads.append({**shard, "full_path": join(root, path)})
    return reads, stale


def publish_index(root: str, index: dict) -> str:
    """Write ``index`` as one new index file, atomically (temporary name, then rename)."""
    fs = _fs()
    index = {"format": FORMAT, **{k: v for k, v in index.items() if not k.startswith("_")}}
    created = index.setdefault("created", now_iso())
    stamp = created.replace(":", "").replace("-", "").replace(".", "")
    final = join(root, INDEX, f"{stamp}-{index['build']}.json")
    tmp = final + ".tmp"
    with fs.create(tmp) as handle:
        handle.write(json.dumps(index, indent=1, sort_keys=True).encode("utf-8"))
    fs.rename([tmp], [final])
    return final


def relative(root: str, path: str) -> str:
    """``path`` (under ``root``) relative to ``root``, '/'-separated."""
    root = root.rstrip("/").rstrip("\\")
    if path.startswith(root):
        return path[len(root):].lstrip("/").lstrip("\\").replace("\\", "/")
    return path


# --------------------------------------------------------------------------- stats and prune


def stats(root: str, versions: Optional[Dict[str, str]] = None) -> dict:
    """What the cache holds: per stage and version rows and bytes (``current`` when
    ``versions`` says so), the builds that wrote or used it, and files no index names."""
    indexes = read_indexes(root)
    shards = shards_of(indexes)
    by_stage: Dict[str, dict] = {}
    for shard in shards.values():
        key = f"{shard['stage']}@{shard['version']}"
        slot = by_stage.setdefault(key, {"stage": shard["stage"], "version": shard["version"], "shards": 0,
                                         "rows": 0, "bytes": 0})
        slot["shards"] += 1
        slot["rows"] += int(shard.get("rows", 0))
        slot["bytes"] += int(shard.get("bytes", 0))
        if versions is not None:
            slot["current"] = versions.get(shard["stage"]) == shard["version"]
    named = {join(root, path) for path in shards}
    on_disk = _list(join(root, SHARDS, "*", "*.parquet"))
    orphans = [(path, size) for path, size, _mtime in on_disk if path not in named]
    builds = [{"build": i.get("build"), "kind": i.get("kind", "build"), "created": i.get("created"),
               "release": i.get("release"), "new_rows": sum(int(s.get("rows", 0)) for s in i["shards"]),
               "used_rows": sum(int(n) for n in (i.get("used") or {}).values())} for i in indexes]
    return {
        "root": root,
        "shards": len(shards),
        "rows": sum(int(s.get("rows", 0)) for s in shards.values()),
        "bytes": sum(int(s.get("bytes", 0)) for s in shards.values()),
        "stages": [by_stage[k] for k in sorted(by_stage)],
        "builds": builds,
        "orphan_files": len(orphans),
        "orphan_bytes": sum(size for _p, size in orphans),
    }


def prune(root: str, keep: int, orphan_grace_seconds: float = 86400.0, dry_run: bool = False,
          now: Optional[float] = None) -> dict:
    """Drop what the last ``keep`` builds neither wrote nor used.

    A shard stays if one of the last ``keep`` builds wrote it or used at least one of its
    entries; the others are deleted. Index files of older builds are replaced by one
    ``prune`` index naming the shards of theirs that stay (written before anything is
    deleted, so a reader always finds every shard that stays). Files under ``shards/`` that
    no index names (a build that died) are deleted once older than ``orphan_grace_seconds``
    (a build still running has not published its index yet). Granularity is the shard: a
    shard some of whose entries are still used stays whole."""
    import time

    if keep < 1:
        raise ValueError("keep must be at least 1")
    now = time.time() if now is None else now
    fs = _fs()
    indexes = read_indexes(root)
    builds = [i for i in indexes if i.get("kind", "build") == "build"]
    recent = builds[-keep:]
    recent_ids = {i["build"] for i in recent}
    keep_paths = set()
    for index in recent:
        keep_paths.update(s["path"] for s in index["shards"])
        keep_paths.update(path for path, used in (index.get("used") or {}).items() if used)
    shards = shards_of(indexes)
    drop_paths = sorted(set(shards) - keep_paths)
    old = [i for i in indexes if i.get("build") not in recent_ids]
    carried = sorted({s["path"] for i in old for s in i["shards"]} & keep_paths)
    named = {join(root, path) for path in shards}
    orphans = [(path, size) for path, size, mtime in _list(join(root, SHARDS, "*", "*.parquet"))
               if path not in named and (not mtime or now - mtime > orphan_grace_seconds)]
    report = {"kept_shards": len(shards) - len(drop_paths), "dropped_shards": len(drop_paths),
              "dropped_rows": sum(int(shards[p].get("rows", 0)) for p in drop_paths),
              "dropped_bytes": sum(int(shards[p].get("bytes", 0)) for p in drop_paths),
              "orphan_files": len(orphans), "orphan_bytes": sum(size for _p, size in orphans),
              "index_files_replaced": len(old)}
    if dry_run:
        return report
    if old:
        if carried:
            publish_index(root, {"build": new_build_id(), "kind": "prune", "created": now_iso(),
                                 "shards": [shards[p] for p in carried], "used": {}})
        fs.delete([i["_file"] for i in old])
    doomed = [join(root, p) for p in drop_paths] + [path for path, _size in orphans]
    if doomed:
        _delete_quietly(doomed)
    return report


def _delete_quietly(paths: Sequence[str]) -> None:
    fs = _fs()
    for start in range(0, len(paths), 500):
        batch = list(paths[start:start + 500])
        try:
            fs.delete(batch)
        except Exception as exc:  # some already gone: delete the rest one by one
            for path in batch:
                try:
                    fs.delete([path])
                except Exception:
                    _LOG.info("cache: %s already gone (%s)", path, type(exc).__name__)


def entries_of(table: pa.Table) -> Iterator[Tuple[str, str, str, str, bytes]]:
    """``(blob_id, content_id, stage, version, payload)`` rows of a shard's table."""
    columns = [table.column(name).to_pylist() for name in SCHEMA.names]
    return zip(*columns)
