"""``manifest.json``: what a release holds and how it was made.

Written last, after every shard is in place; no wall-clock time, so the same
input and config give the same bytes.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


def stage_counts(counters: Mapping[str, Mapping[str, int]], order: Iterable[str]) -> Dict[str, Any]:
    """``{stage: {"kept": n, "dropped": {reason: n}, "counters": {...}}}`` in stage order.

    ``counters`` maps a stage to its raw counter values (``kept``, ``dropped:<reason>``, others).
    """
    order = list(order)
    stages = {}
    for stage in order + sorted(set(counters) - set(order)):
        values = counters.get(stage, {})
        dropped = {k.split(":", 1)[1]: v for k, v in sorted(values.items()) if k.startswith("dropped:")}
        other = {k: v for k, v in sorted(values.items()) if k != "kept" and not k.startswith("dropped:")}
        stages[stage] = {"kept": int(values.get("kept", 0)), "dropped": dropped, "dropped_total": sum(dropped.values())}
        if other:
            stages[stage]["counters"] = other
    return stages


def build_manifest(
    *,
    name: str,
    version: str,
    codestack_version: str,
    config: Mapping[str, Any],
    config_hash: str,
    source: Mapping[str, Any],
    shards: List[Mapping[str, Any]],
    rejects: List[Mapping[str, Any]],
    stages: Mapping[str, Any],
    extra: Mapping[str, Any] = None,
) -> Dict[str, Any]:
    languages: Dict[str, Dict[str, int]] = {}
    for shard in shards:
        entry = languages.setdefault(shard["language"], {"shards": 0, "files": 0, "parquet_bytes": 0})
        entry["shards"] += 1
        entry["files"] += shard["rows"]
        entry["parquet_bytes"] += shard["bytes"]
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "name": name,
        "version": version,
        "codestack_version": codestack_version,
        "config_hash": config_hash,
        "config": config,
        "source": source,
        "totals": {
            "files": sum(s["rows"] for s in shards),
            "shards": len(shards),
            "parquet_bytes": sum(s["bytes"] for s in shards),
            "rejects": sum(s["rows"] for s in rejects),
        },
        "languages": dict(sorted(languages.items())),
        "shards": sorted(shards, key=lambda s: s["path"]),
        "rejects": sorted(rejects, key=lambda s: s["path"]),
        "stages": stages,
    }
    manifest.update(extra or {})
    return manifest


def dumps(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_manifest(root: str, manifest: Mapping[str, Any]) -> None:
    tmp = os.path.join(root, MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(dumps(manifest))
    os.replace(tmp, os.path.join(root, MANIFEST))


def read_manifest(root: str) -> Dict[str, Any]:
    with open(os.path.join(root, MANIFEST), encoding="utf-8") as handle:
        return json.load(handle)
