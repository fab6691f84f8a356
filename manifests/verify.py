"""``codestack verify DIR``: every file and checksum of a release holds."""

from __future__ import annotations

import json
import os
from typing import List

from manifests.checksums import SUMS, parse_sums, release_files, sha256_file
from manifests.manifest import MANIFEST


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
    problems.extend(_check_shards(root, manifest, present))
    return problems


def _check_shards(root: str, manifest: dict, present: set) -> List[str]:
    import pyarrow.parquet as pq

    problems = []
    declared = set()
    for key in ("shards", "rejects"):
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
            if path.endswith(".parquet"):
                try:
                    rows = pq.ParquetFile(full).metadata.num_rows
                except Exception as exc:  # a corrupt shard is a finding, not a crash
                    problems.append(f"{path}: unreadable Parquet: {exc}")
                    continue
            else:
                with open(full, "rb") as handle:
                    rows = sum(1 for _ in handle)
            if rows != shard.get("rows"):
                problems.append(f"{path}: {rows} rows != {shard.get('rows')} in {MANIFEST}")
    for path in sorted(present):
        if (path.startswith("data/") or path.startswith("rejects/")) and path not in declared:
            problems.append(f"{path}: shard not in {MANIFEST}")
    return problems
