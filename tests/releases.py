"""Small releases written without running the pipeline, for the tests of manifests/.

The shards are encoded by the sink's own encoder; the stats are what
``pipeline/stats.py`` computes, from the same per-record functions.
"""

from __future__ import annotations

import collections
import hashlib
import os
from typing import Dict, List, Optional

from manifests.manifest import build_manifest, columns_of, stage_counts
from manifests.publish import finish_release
from pipeline.sink import PARQUET_SCHEMA, SinkConfig, data_shard_path, encode_parquet, row_order
from pipeline.stats import assemble, language_values, license_keys
from transforms.record import CodeFile

CONFIG = {"decode": {"max_bytes": 10_000_000}, "sink": {"zstd_level": 9}}


def record(repo: str, path: str, content: str, language: str = "Python", licenses=("MIT",), tokens=None, **kw):
    base = dict(blob_id=hashlib.sha1(content.encode()).hexdigest(), content_id="c" * 40, directory_id="d" * 40,
                path=path, repo_name=repo, snapshot_id="s" * 40, revision_id="r" * 40, branch_name="refs/heads/main",
                content=content, language=language, detected_licenses=list(licenses), length_bytes=len(content),
                license_type="permissive" if licenses else "no_license", num_tokens=tokens,
                committer_date="2023-11-14T22:13:20+00:00")
    base.update(kw)
    return CodeFile(**base)


def stats_of(records: List[CodeFile]) -> dict:
    languages: Dict[str, list] = {}
    repos_per_language = collections.defaultdict(set)
    licenses = collections.Counter()
    for r in records:
        language, values = language_values(r)
        languages[language] = [a + b for a, b in zip(languages.get(language, [0, 0, 0, 0]), values)]
        repos_per_language[language].add(r.repo_name)
        for key, n in license_keys(r):
            licenses[key] += n
    types = collections.Counter(r.license_type for r in records)
    return assemble(None, [(k, tuple(v)) for k, v in languages.items()],
                    [(k, len(v)) for k, v in repos_per_language.items()], list(licenses.items()),
                    list(types.items()), len({r.repo_name for r in records}))


def write_release(root: str, version: str, records: List[CodeFile], previous: Optional[str] = None,
                  tokenizer: Optional[dict] = None, config: Optional[dict] = None, stages: Optional[dict] = None) -> dict:
    os.makedirs(root, exist_ok=True)
    by_language = collections.defaultdict(list)
    for r in records:
        by_language[r.language].append(r)
    shards = []
    for language, rows in sorted(by_language.items()):
        data = encode_parquet(sorted(rows, key=row_order), SinkConfig())
        rel = data_shard_path(language, 0, 1)
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "wb") as handle:
            handle.write(data)
        shards.append({"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                       "rows": len(rows), "language": language})
    config = config or CONFIG
    import json

    manifest = build_manifest(
        name="codestack", version=version, codestack_version="0.1.0", config=config,
        config_hash=hashlib.sha256(json.dumps(config, sort_keys=True, separators=(",", ":")).encode()).hexdigest(),
        source={"kind": "git", "repositories": len({r.repo_name for r in records}), "snapshots_digest": "a" * 64},
        shards=shards, rejects=[],
        stages=stage_counts(stages or {"source": {"kept": len(records) + 1}, "decode": {"kept": len(records),
                                                                                          "dropped:binary": 1},
                                        "sink": {"kept": len(records)}}, ["source", "decode", "sink"]),
        stats=stats_of(records), columns=columns_of(PARQUET_SCHEMA), tokenizer=tokenizer,
    )
    return finish_release(root, manifest, previous_root=previous)
