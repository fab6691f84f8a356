"""The driver's side of ``build --cache URI`` (see :mod:`transforms.cache`): before the run, the
versions of the cached stages and the shards of those versions; after it, the build's new
shards published as one index file, with how many entries it took from each shard it read.

Nothing here touches the release: a release is the same with or without the cache, and
what the cache did is logged and kept in the cache's own index, never in ``manifest.json``.
"""

from __future__ import annotations

import json
from typing import Callable, Dict, Optional

from pipeline.config import Config
from pipeline.errors import UsageError
from transforms.cache import CACHED_STAGES, stage_versions, store
from transforms.cache.beam_io import NAMESPACE, CachePlan

LIST_NAME = "cache-shards.json"


def current_versions(config: Config) -> Dict[str, str]:
    from pipeline.versions import data_versions

    return stage_versions(config.decode, config.license, config.language, config.near_dedup, config.redact,
                          dict(data_versions()))


def prepare(uri: str, config: Config, staging: str, log: Callable[[str], None]) -> CachePlan:
    """The cache plan of a build: what to read, where to write (``<uri>/shards/<build>/``)."""
    if not uri:
        raise UsageError("--cache: empty URI")
    versions = current_versions(config)
    try:
        reads, stale = store.plan_reads(uri, versions)
    except Exception as exc:  # an unreachable bucket, a file where the folder should be
        raise UsageError(f"--cache {uri}: cannot be read: {type(exc).__name__}: {exc}") from exc
    from apache_beam.io.filesystems import FileSystems

    build = store.new_build_id()
    plan = CachePlan(versions, reads, store.join(uri, store.SHARDS, build), FileSystems.join(staging, LIST_NAME),
                     uri=uri, build=build)
    rows = sum(int(s.get("rows", 0)) for s in reads)
    log(f"codestack: cache {uri}: {rows:,} entries in {len(reads)} shard(s) of the current stage versions")
    for stage, n in sorted(stale.items()):
        log(f"codestack: cache {uri}: {n:,} {stage} entries of another version not used (cache:stale)")
    return plan


def cache_counters(result) -> Dict[str, int]:
    """The cache's counters (namespace ``codestack-cache``) of a finished pipeline."""
    from pipeline.build import namespace_counters

    return namespace_counters(result, NAMESPACE)


def publish(plan: CachePlan, counters: Dict[str, int], release: str, log: Callable[[str], None]) -> Optional[str]:
    """Publish the build's new shards (one index file); returns its path."""
    from apache_beam.io.filesystems import FileSystems

    try:
        with FileSystems.open(plan.list_path) as handle:
            written = json.loads(handle.read().decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - the release does not depend on the cache
        log(f"codestack: cache {plan.uri}: new entries not published ({type(exc).__name__}: {exc})")
        return None
    shards = [{**info, "path": store.relative(plan.uri, info["path"])} for info in written]
    used = {}
    for name, n in counters.items():
        if name.startswith("used:"):
            shard = plan.reads[int(name.split(":", 1)[1])]
            used[shard["path"]] = used.get(shard["path"], 0) + n
    index = {"build": plan.build, "kind": "build", "release": release, "versions": plan.versions,
             "shards": shards, "used": dict(sorted(used.items())),
             "counters": {k: v for k, v in counters.items() if not k.startswith("used:")}}
    path = store.publish_index(plan.uri, index)
    log(f"codestack: cache {plan.uri}: {summary(counters)}; {sum(s['rows'] for s in shards):,} new entries "
        f"in {len(shards)} shard(s)")
    return path


def summary(counters: Dict[str, int]) -> str:
    """``decode 90% cached, ...`` from the cache counters."""
    parts = []
    for stage in CACHED_STAGES:
        hit, miss = counters.get(f"{stage}:hit", 0), counters.get(f"{stage}:miss", 0)
        if hit + miss:
            parts.append(f"{stage} {hit / (hit + miss):.0%} of {hit + miss:,} cached")
    damaged = counters.get("shards:damaged", 0)
    if damaged:
        parts.append(f"{damaged} damaged shard(s) skipped")
    return ", ".join(parts) or "nothing looked up"
