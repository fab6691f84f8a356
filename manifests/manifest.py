"""``manifest.json``: what a release holds and how it was made (manifest v1).

The format is documented field by field in ``manifests/manifest.schema.json``
(JSON Schema 2020-12), which ``codestack verify`` validates every manifest
against. Written last, after every shard and document is in place; no
wall-clock time, so the same input and config give the same bytes.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifest.schema.json")

#: The Stack v2's columns, which every release keeps under the same names.
STACK_V2_COLUMNS = (
    "blob_id", "content_id", "directory_id", "path", "repo_name", "snapshot_id", "revision_id",
    "branch_name", "visit_date", "revision_date", "committer_date", "github_id", "star_events_count",
    "fork_events_count", "gha_license_id", "gha_event_created_at", "gha_created_at", "gha_language",
    "src_encoding", "language", "is_vendor", "is_generated", "length_bytes", "extension",
    "detected_licenses", "license_type", "content",
)


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


def registry_digest_of(fields: Mapping[str, Any]) -> Optional[str]:
    """The opt-out registry's sha256 named by manifest fields, if any."""
    if fields.get("registry_digest"):
        return fields["registry_digest"]
    registry = fields.get("optout_registry")
    if isinstance(registry, Mapping) and registry.get("sha256"):
        return registry["sha256"]
    return None


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
    stats: Optional[Mapping[str, Any]] = None,
    columns: Optional[List[Mapping[str, Any]]] = None,
    tokenizer: Optional[Mapping[str, Any]] = None,
    registry_digest: Optional[str] = None,
    files: Optional[List[Mapping[str, Any]]] = None,
    versions: Optional[Mapping[str, str]] = None,
) -> Dict[str, Any]:
    """The manifest dict (see ``manifest.schema.json``).

    ``stats``: what the pipeline counted (``pipeline/stats.py``: per language files,
    content bytes, tokens, repositories; licenses; repositories). Without it the
    per-language file counts come from the shards and the rest is ``None``.
    ``files``: the release's other files (card, changelog, plots), added by
    :func:`manifests.publish.finish_release`. ``versions``: what the build depended on
    (``pipeline.versions.data_versions()``: data and libraries by version), written
    sorted by name; left out when None.
    """
    extra = dict(extra or {})
    stats = stats or {}
    counted = stats.get("languages", {})
    languages: Dict[str, Dict[str, Any]] = {}
    for shard in shards:
        entry = languages.setdefault(shard["language"], {"shards": 0, "files": 0, "parquet_bytes": 0})
        entry["shards"] += 1
        entry["files"] += shard["rows"]
        entry["parquet_bytes"] += shard["bytes"]
    for language, entry in languages.items():
        known = counted.get(language, {})
        entry["content_bytes"] = known.get("content_bytes")
        entry["tokens"] = known.get("tokens")
        entry["repositories"] = known.get("repositories")

    def total(key):
        values = [entry[key] for entry in languages.values()]
        if not stats or any(v is None for v in values) or (key == "tokens" and not tokenizer):
            return None
        return sum(values)

    registry_digest = registry_digest or registry_digest_of(extra)
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "name": name,
        "version": version,
        "codestack_version": codestack_version,
        **({"versions": dict(sorted((str(k), str(v)) for k, v in versions.items()))} if versions is not None else {}),
        "config_hash": config_hash,
        "config": config,
        "inputs": {
            "source_kind": source.get("kind"),
            "export_version": source.get("export_version") or source.get("export"),
            "snapshots_digest": source.get("snapshots_digest"),
            "registry_digest": registry_digest,
            "tokenizer": dict(tokenizer) if tokenizer else None,
        },
        "source": source,
        "totals": {
            "files": sum(s["rows"] for s in shards),
            "shards": len(shards),
            "parquet_bytes": sum(s["bytes"] for s in shards),
            "content_bytes": total("content_bytes"),
            "tokens": total("tokens"),
            "repositories": stats.get("repositories"),
            "rejects": sum(s["rows"] for s in rejects),
        },
        "languages": dict(sorted(languages.items())),
        "licenses": dict(stats.get("licenses", {})),
        "license_types": dict(stats.get("license_types", {})),
        "columns": list(columns or []),
        "shards": sorted(shards, key=lambda s: s["path"]),
        "rejects": sorted(rejects, key=lambda s: s["path"]),
        "files": sorted(files or [], key=lambda s: s["path"]),
        "stages": stages,
    }
    manifest.update(extra)
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


def load_schema() -> Dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def schema_problems(manifest: Any) -> List[str]:
    """Where ``manifest`` breaks ``manifest.schema.json``, one line each (empty: it conforms)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    problems = []
    for error in sorted(validator.iter_errors(manifest), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{MANIFEST}: {where}: {error.message[:300]}")
    return problems


def type_name(data_type) -> str:
    """pyarrow's name of a type; lists as ``list<value type>`` (the item field's name,
    ``item`` or Parquet's ``element``, is not part of the release schema)."""
    import pyarrow as pa

    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return f"list<{type_name(data_type.value_type)}>"
    return str(data_type)


def columns_of(schema) -> List[Dict[str, Any]]:
    """``[{"name", "type", "nullable"}]`` of a pyarrow schema."""
    return [{"name": f.name, "type": type_name(f.type), "nullable": bool(f.nullable)} for f in schema]
