"""The per-blob result cache (``codestack build --cache URI``): the next release costs what is new.

Most blobs of a new snapshot were in the last one. Their expensive per-blob answers are
kept, content-addressed, keyed by blob id and by the stage's *version* (a hash of the
stage's code, the config fields its answers depend on and the library/data versions that
shape them: :func:`stage_versions`):

====================  ==============================================================
stage                 what is kept for a blob
====================  ==============================================================
``decode``            how its bytes decode (codec, byte-order mark) and its text
                      statistics, or why it cannot be (binary, undecodable); the bytes
                      are still read and checked against the blob id
``license``           what the license stage's extraction gave for it in each path
                      role it was met in (license file, README, manifest, other),
                      with the counts it made, and every ScanCode result that
                      needed: a role met before is replayed without reading the
                      text; a new role reuses the ScanCode results
``language``          the content model's answers for its text (names, shebangs,
                      heuristics run every time)
``filters``           its content measurements (longest encoded run, encoded
                      characters, an HTML file's visible characters); the
                      thresholds are applied every time
``near_dedup``        its MinHash signature (the shingle set for exact verification
                      is recomputed: cheap, and as large as the file)
``redact``            the findings (kind, span, replacement): a cached blob is
                      redacted without a scan
====================  ==============================================================

Entries are Parquet shards read by a join on the blob key inside the decode stage's
group-by-blob (no per-blob request, no driver-side table) and written at the end of a
build (:mod:`transforms.cache.beam_io`); the layout, its atomic index and the stats and
prune commands are in :mod:`transforms.cache.store`; what a stage sees is
:class:`transforms.cache.memo.Memo`. An entry of another version is never used
(``stale``); a damaged shard is skipped with a warning and its blobs are recomputed. Every
cached answer is what the stage would compute, so a release is byte-identical with or
without the cache (tested).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
from typing import Dict

from transforms.cache.memo import CACHED_STAGES, Entry, Memo, memo_get, memo_of, memo_without, source_digest, stage_version

#: bump when a stage's payload format changes without its code's source changing
PAYLOAD_FORMAT = 1

__all__ = ["CACHED_STAGES", "Entry", "Memo", "PAYLOAD_FORMAT", "memo_get", "memo_of", "memo_without",
           "stage_versions"]


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _file_digest(relative: str) -> str:
    """sha256 of a data file of the codestack tree (``transforms/data/...``)."""
    import hashlib
    import os

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), relative)
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "missing"


def stage_versions(decode, license, language, near_dedup, redact, data: Dict[str, str]) -> Dict[str, str]:
    """The version of each cached stage's answers, from the stages' configs (the frozen
    dataclasses of :mod:`pipeline.config`) and ``data`` (:func:`pipeline.versions.data_versions`
    as a dict: library and data versions)."""
    fields = dataclasses.asdict
    return {
        "decode": stage_version("decode", PAYLOAD_FORMAT, source_digest("transforms.fetch"),
                                {"detect_encoding": decode.detect_encoding,
                                 "min_detection_coherence": decode.min_detection_coherence},
                                _version("charset-normalizer"), data.get("python")),
        "license": stage_version("license", PAYLOAD_FORMAT, source_digest("transforms.license"),
                                 {k: v for k, v in fields(license).items()
                                  if k not in ("include_no_license", "cache_entries", "release_idle_seconds")},
                                 _file_digest("transforms/data/license_policy.yaml"),
                                 _file_digest("transforms/data/spdx_texts.npz"), data.get("scancode-toolkit"), data.get("scancode-license-data"),
                                 data.get("license-expression")),
        "language": stage_version("language", PAYLOAD_FORMAT, source_digest("transforms.language.models"),
                                  {"content_model": language.content_model, "guesslang_model": language.guesslang_model},
                                  data.get("magika"), data.get("magika-model"), _version("onnxruntime"),
                                  _version("tensorflow") if language.content_model == "guesslang" else ""),
        "filters": stage_version("filters", PAYLOAD_FORMAT, source_digest("transforms.filters")),
        "near_dedup": stage_version("near_dedup", PAYLOAD_FORMAT, source_digest("transforms.dedup.minhash"),
                                    {"num_perm": near_dedup.num_perm, "seed": near_dedup.seed,
                                     "ngram": near_dedup.ngram}, _version("numpy"), _version("xxhash")),
        "redact": stage_version("redact", PAYLOAD_FORMAT, source_digest("transforms.redact"), fields(redact),
                                _version("detect-secrets"), _version("ahocorasick-rs"), _version("tldextract"),
                                _version("phonenumbers"), _file_digest("transforms/data/given_names.txt")),
    }
