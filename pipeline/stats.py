"""What a release holds, counted in the pipeline: ``<staging>/stats.json``.

Per language: files, content bytes (UTF-8 bytes of the released ``content``),
tokens (``None`` when no tokenizer counted them) and distinct repositories;
files per SPDX license id and per ``license_type``; distinct repositories
overall. Computed with ``CombinePerKey``/``Distinct`` over the records the sink
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


class ReleaseStats(beam.PTransform):
    """Records -> one stats dict (see the module docstring)."""

    def expand(self, records):
        languages = (
            records
            | "PerLanguage" >> beam.Map(language_values)
            | "SumPerLanguage" >> beam.CombinePerKey(beam.combiners.TupleCombineFn(sum, sum, sum, sum))
        )
        repos_per_language = (
            records
            | "LanguageRepo" >> beam.Map(lambda r: (r.language, r.repo_name))
            | "DistinctLanguageRepo" >> beam.Distinct()
            | "OnePerLanguageRepo" >> beam.Map(lambda kv: (kv[0], 1))
            | "ReposPerLanguage" >> beam.CombinePerKey(sum)
        )
        licenses = records | "LicenseIds" >> beam.FlatMap(license_keys) | "FilesPerLicense" >> beam.CombinePerKey(sum)
        license_types = (
            records
            | "LicenseType" >> beam.Map(lambda r: (r.license_type, 1))
            | "FilesPerLicenseType" >> beam.CombinePerKey(sum)
        )
        repositories = (
            records
            | "RepoNames" >> beam.Map(lambda r: r.repo_name)
            | "DistinctRepos" >> beam.Distinct()
            | "CountRepos" >> beam.combiners.Count.Globally()
        )
        return (
            records.pipeline
            | "Start" >> beam.Create([None])
            | "Assemble" >> beam.Map(
                assemble,
                beam.pvalue.AsList(languages),
                beam.pvalue.AsList(repos_per_language),
                beam.pvalue.AsList(licenses),
                beam.pvalue.AsList(license_types),
                beam.pvalue.AsSingleton(repositories),
            )
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

