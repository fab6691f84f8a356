"""``codestack verify DIR``: every file and checksum of a release holds."""

from __future__ import annotations

import json
import os
from typing import List

from manifests.checksums import SUMS, parse_sums, release_files, sha256_file
from manifests.manifest import MANIFEST, MANIFEST_VERSION, STACK_V2_COLUMNS, columns_of, schema_problems


def verify_release(root: str) -> List[str]:
    """Problems found in the release at ``root``, one line each (empty: it holds)."""
    problems: List[str] = []
    sums_path = os.path.join(root, SUMS)
    if not os.path.isdir(root):
        return [f"{root}: not a folder"]
    if not os.path.isfile(sums_path):
        return [f"{sums_path}: missing"]
    try:
        with open(sums_path, encoding="utf-8") as handle:
            listed = {path: digest for _n, path, digest in parse_sums(handle.read())}
    except (ValueError, UnicodeDecodeError) as exc:
        return [f"{sums_path}: {exc}"]
    present = set(release_files(root))
    for path in sorted(set(listed) - present):
        problems.append(f"{path}: listed in {SUMS} but missing")
    for path in sorted(present - set(listed)):
        problems.append(f"{path}: not listed in {SUMS}")
    for path in sorted(set(listed) & present):
        actual = sha256_file(os.path.join(root, path))
        if actual != listed[path]:
            problems.append(f"{path}: sha256 {actual} != {listed[path]} in {SUMS}")
    if MANIFEST not in present:
        problems.append(f"{MANIFEST}: missing")
        return problems
    try:
        with open(os.path.join(root, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(f"{MANIFEST}: not valid JSON: {exc}")
        return problems
    if isinstance(manifest, dict) and manifest.get("kind") == "repo-documents":  # an export (codestack export)
        from manifests.export import verify_export

        return problems + verify_export(root, manifest, present)
    if not isinstance(manifest, dict) or manifest.get("manifest_version") != MANIFEST_VERSION:
        found = manifest.get("manifest_version") if isinstance(manifest, dict) else type(manifest).__name__
        problems.append(f"{MANIFEST}: manifest_version {found!r}: this codestack reads version {MANIFEST_VERSION}")
        return problems
    schema = schema_problems(manifest)
    problems.extend(schema)
    if schema:
        return problems
    problems.extend(_check_shards(root, manifest, present))
    problems.extend(_check_columns(manifest))
    problems.extend(_check_totals(manifest))
    return problems


def _check_shards(root: str, manifest: dict, present: set) -> List[str]:
    import pyarrow.parquet as pq

    problems = []
    declared = set()
    columns = manifest.get("columns", [])
    for key in ("shards", "rejects", "files"):
        for shard in manifest.get(key, []):
            path = shard.get("path", "")
            declared.add(path)
            full = os.path.join(root, path)
            if path not in present:
                problems.append(f"{path}: in {MANIFEST} but missing")
                continue
            size = os.path.getsize(full)
            if size != shard.get("bytes"):
                problems.append(f"{path}: {size} bytes != {shard.get('bytes')} in {MANIFEST}")
            digest = sha256_file(full)
            if digest != shard.get("sha256"):
                problems.append(f"{path}: sha256 {digest} != {shard.get('sha256')} in {MANIFEST}")
                continue
            if key == "files":
                continue
            if path.endswith(".parquet"):
                try:
                    parquet = pq.ParquetFile(full)
                    rows = parquet.metadata.num_rows
                    schema = parquet.schema_arrow
                except Exception as exc:  # a corrupt shard is a finding, not a crash
                    problems.append(f"{path}: unreadable Parquet: {exc}")
                    continue
                if columns_of(schema) != columns:
                    problems.append(f"{path}: Parquet schema differs from the release schema in {MANIFEST}: "
                                    f"{_schema_difference(columns_of(schema), columns)}")
                languages = set(_distinct_languages(parquet))
                if languages - {shard.get("language")}:
                    problems.append(f"{path}: holds language(s) {sorted(languages)} but {MANIFEST} says "
                                    f"{shard.get('language')!r}")
            else:
                with open(full, "rb") as handle:
                    rows = sum(1 for _ in handle)
            if rows != shard.get("rows"):
                problems.append(f"{path}: {rows} rows != {shard.get('rows')} in {MANIFEST}")
    for path in sorted(present):
        if (path.startswith("data/") or path.startswith("rejects/")) and path not in declared:
            problems.append(f"{path}: shard not in {MANIFEST}")
    return problems


def _schema_difference(actual: list, declared: list) -> str:
    """The first difference between two column lists, in words."""
    declared_by_name = {c["name"]: c for c in declared}
    actual_by_name = {c["name"]: c for c in actual}
    for column in declared:
        if column["name"] not in actual_by_name:
            return f"column {column['name']!r} missing"
    for column in actual:
        other = declared_by_name.get(column["name"])
        if other is None:
            return f"extra column {column['name']!r}"
        if other != column:
            return f"column {column['name']!r} is {column['type']}{'' if column['nullable'] else ' not null'}, " \
                   f"declared {other['type']}{'' if other['nullable'] else ' not null'}"
    return "columns in a different order"


def _distinct_languages(parquet) -> list:
    """The ``language`` values of a shard: from row-group statistics (min, max) where
    they are written, else from the column itself."""
    import pyarrow.compute as pc

    names = parquet.schema_arrow.names
    if "language" not in names:
        return []
    leaves = parquet.metadata.schema
    index = next(i for i in range(len(leaves)) if leaves.column(i).path == "language")
    found = set()
    for group in range(parquet.metadata.num_row_groups):
        stats = parquet.metadata.row_group(group).column(index).statistics
        if stats is None or not stats.has_min_max:
            table = parquet.read_row_group(group, columns=["language"])
            found.update(v for v in pc.unique(table.column("language")).to_pylist() if v is not None)
        else:
            found.update((stats.min, stats.max))
    return sorted(found)


def _check_columns(manifest: dict) -> List[str]:
    names = [c["name"] for c in manifest.get("columns", [])]
    missing = [name for name in STACK_V2_COLUMNS if name not in names]
    if missing:
        return [f"{MANIFEST}: columns: The Stack v2 column(s) {', '.join(missing)} missing from the release schema"]
    return []


def _check_totals(manifest: dict) -> List[str]:
    """Per-language and release totals agree with the shard list."""
    problems = []
    per_language: dict = {}
    for shard in manifest.get("shards", []):
        entry = per_language.setdefault(shard["language"], {"files": 0, "shards": 0, "parquet_bytes": 0})
        entry["files"] += shard["rows"]
        entry["shards"] += 1
        entry["parquet_bytes"] += shard["bytes"]
    languages = manifest.get("languages", {})
    for language in sorted(set(per_language) | set(languages)):
        have, said = per_language.get(language, {}), languages.get(language, {})
        for key in ("files", "shards", "parquet_bytes"):
            if have.get(key, 0) != said.get(key, 0):
                problems.append(f"{MANIFEST}: languages/{language}/{key}: {said.get(key, 0)} != "
                                f"{have.get(key, 0)} in its shards")
    totals = manifest.get("totals", {})
    sums = {
        "files": sum(v["files"] for v in per_language.values()),
        "shards": sum(v["shards"] for v in per_language.values()),
        "parquet_bytes": sum(v["parquet_bytes"] for v in per_language.values()),
        "rejects": sum(r["rows"] for r in manifest.get("rejects", [])),
    }
    for key, value in sums.items():
        if totals.get(key) != value:
            problems.append(f"{MANIFEST}: totals/{key}: {totals.get(key)} != {value} from the shard list")
    return problems
