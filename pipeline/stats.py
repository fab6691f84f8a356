"""What a release holds, counted in the pipeline: ``<staging>/stats.json``.

Per language: files, content bytes (UTF-8 bytes of the released ``content``),
tokens (``None`` when no tokenizer counted them) and distinct repositories;
files per SPDX license id and per ``license_type``; distinct repositories
overall. Computed with ``CombinePerKey``/``GroupByKey`` over the records the sink
writes, so it scales with the run; written once, next to ``shards.json``, and
read by the driver for the manifest, the changelog and the dataset card.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipeline.sink import write_file
from transforms.record import CodeFile

STATS = "stats.json"
#: the license key of files that carry no detected license
NO_LICENSE = "(none)"


def content_bytes(record: CodeFile) -> int:
    return len(record.content.encode("utf-8", "surrogatepass"))


def language_values(record: CodeFile) -> Tuple[str, Tuple[int, int, int, int]]:
    """``(language, (files, content bytes, tokens, files with a token count))``."""
    counted = record.num_tokens is not None
    return record.language, (1, content_bytes(record), record.num_tokens if counted else 0, 1 if counted else 0)


def license_keys(record: CodeFile) -> List[Tuple[str, int]]:
    """One ``(spdx id, 1)`` per distinct license of the file, or ``(NO_LICENSE, 1)``."""
    return [(key, 1) for key in sorted(set(record.detected_licenses))] or [(NO_LICENSE, 1)]


def assemble(_, languages, repos_per_language, licenses, license_types, repositories) -> Dict[str, Any]:
    """The stats document (sorted, plain JSON types)."""
    repos = dict(repos_per_language)
    out: Dict[str, Any] = {"languages": {}, "licenses": {}, "license_types": {}, "repositories": int(repositories)}
    for language, (files, nbytes, tokens, counted) in sorted(languages):
        out["languages"][language] = {
            "files": int(files),
            "content_bytes": int(nbytes),
            "tokens": int(tokens) if counted else None,
            "repositories": int(repos.get(language, 0)),
        }
    out["licenses"] = {key: int(n) for key, n in sorted(licenses)}
    out["license_types"] = {key: int(n) for key, n in sorted(license_types)}
    return out


def _write(stats: Dict[str, Any], staging: str) -> None:
    write_file(FileSystems.join(staging, STATS), json.dumps(stats, sort_keys=True, indent=1).encode())


def counted_facts(record: CodeFile) -> List[Tuple[Tuple[str, str], Tuple[int, int, int, int]]]:
    """What one record adds to the sums: ``((kind, key), (files, bytes, tokens, counted))``
    for its language, each of its licenses and its license type."""
    language, values = language_values(record)
    facts = [(("language", language), values)]
    facts += [(("license", key), (n, 0, 0, 0)) for key, n in license_keys(record)]
    facts.append((("license_type", record.license_type), (1, 0, 0, 0)))
    return facts


def repository_facts(record: CodeFile) -> List[Tuple[Tuple[str, str, str], None]]:
    """The repository of a record, once per language and once overall (deduplicated by key)."""
    return [(("language", record.language, record.repo_name), None), (("all", "", record.repo_name), None)]


def _count_repository(grouped) -> Tuple[Tuple[str, str], int]:
    (kind, language, _repo), _ = grouped
    return (kind, language), 1


def _assemble(_, counts, repositories) -> Dict[str, Any]:
    by_kind: Dict[str, List] = {"language": [], "license": [], "license_type": []}
    for (kind, key), values in counts:
        by_kind[kind].append((key, values if kind == "language" else values[0]))
    per_language = [(language, n) for (kind, language), n in repositories if kind == "language"]
    overall = sum(n for (kind, _language), n in repositories if kind == "all")
    return assemble(None, by_kind["language"], per_language, by_kind["license"], by_kind["license_type"], overall)


class ReleaseStats(beam.PTransform):
    """Records -> one stats dict (see the module docstring): one combine for every sum,
    one grouping for the distinct repositories (a few transforms, not one chain per figure)."""

    def expand(self, records):
        counts = (
            records
            | "Facts" >> beam.FlatMap(counted_facts)
            | "Sums" >> beam.CombinePerKey(beam.combiners.TupleCombineFn(sum, sum, sum, sum))
        )
        repositories = (
            records
            | "RepositoryFacts" >> beam.FlatMap(repository_facts)
            | "DistinctRepositories" >> beam.GroupByKey()
            | "OnePerRepository" >> beam.Map(_count_repository)
            | "Repositories" >> beam.CombinePerKey(sum)
        )
        return (
            records.pipeline
            | "Start" >> beam.Create([None])
            | "Assemble" >> beam.Map(_assemble, beam.pvalue.AsList(counts), beam.pvalue.AsList(repositories))
        )


def write_stats(records, staging: str):
    """Count ``records`` and write ``<staging>/stats.json``."""
    return (
        records
        | "ReleaseStats" >> ReleaseStats()
        | "WriteStats" >> beam.Map(_write, staging)
    )


def read_stats(staging: str) -> Optional[Dict[str, Any]]:
    path = FileSystems.join(staging, STATS)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode())

