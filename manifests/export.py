"""An export of a release (``codestack export``): its manifest, card and checks.

An export folder holds ``data/train-NNNNN-of-NNNNN.parquet`` (the documents),
``README.md`` (its card), ``manifest.json`` (``"kind": "repo-documents"``: the source
release by name, version and manifest sha256, the options, totals, columns, shards,
files) and ``SHA256SUMS``. ``codestack verify`` checks an export as it checks a
release: every checksum, then each shard's bytes, sha256, rows and Parquet schema
against the manifest, and the totals.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping

from manifests.checksums import write_sums
from manifests.manifest import MANIFEST, dumps
from manifests.publish import file_entry

KIND = "repo-documents"
EXPORT_VERSION = 1
CARD = "README.md"


def build_export_manifest(*, source: Mapping[str, Any], options: Mapping[str, Any], columns: List[Mapping[str, Any]],
                          shards: List[Mapping[str, Any]], totals: Mapping[str, Any],
                          codestack_version: str) -> Dict[str, Any]:
    return {
        "kind": KIND,
        "export_version": EXPORT_VERSION,
        "name": f"{source['name']}-{KIND}",
        "version": source["version"],
        "codestack_version": codestack_version,
        "source": dict(source),
        "options": dict(options),
        "totals": dict(totals, shards=len(shards), parquet_bytes=sum(s["bytes"] for s in shards),
                       documents=sum(s["rows"] for s in shards)),
        "columns": list(columns),
        "shards": sorted(shards, key=lambda s: s["path"]),
    }


def render_export_card(manifest: Mapping[str, Any]) -> str:
    totals, options, source = manifest["totals"], manifest["options"], manifest["source"]
    markers = options["markers"]
    tokens = "n/a (no tokenizer)" if totals.get("tokens") is None else f"{totals['tokens']:,} ({options['tokenizer']['file']})"
    lines = [
        f"# {manifest['name']} {manifest['version']}",
        "",
        f"Repository documents made from the codestack release `{source['name']}` {source['version']} "
        f"(manifest sha256 `{source['manifest_sha256'][:12]}`): one document per repository, or per part of one, "
        "its files in dependency order (a file after the files it imports, where imports can be read: Python, "
        "JavaScript/TypeScript, Go, Java, C/C++, Rust, Ruby; path order otherwise).",
        "",
        "| | |",
        "|---|---|",
        f"| documents | {totals['documents']:,} |",
        f"| repositories | {totals['repositories']:,} |",
        f"| files | {totals['files']:,} (split across documents: {totals['files_split']:,}) |",
        f"| tokens | {tokens} |",
        f"| Parquet shards | {totals['shards']:,} ({totals['parquet_bytes']:,} bytes, zstd) |",
        "",
        "## Format",
        "",
        f"A document is `{markers['repo']}` + the repository's name, then for each file `{markers['file']}` + its "
        f"path + a newline + its text{', then `' + markers['end'] + '`' if markers['end'] else ''}. "
        f"Documents hold at most {options['max_bytes']:,} bytes" + (
            f" and {options['max_tokens']:,} tokens" if options.get("max_tokens") else "")
        + "; a file alone over that is cut at line ends into documents of its own.",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
        "| `text` | `string` | the document |",
        "| `repo_name` | `string` | the repository |",
        "| `files` | `list<string>` | the paths in the document, in order |",
        "| `num_tokens` | `int64` | tokens of `text` (null without a tokenizer) |",
        "| `languages` | `list<string>` | languages of its files |",
        "",
        "## Verify it",
        "",
        "```sh",
        "sha256sum -c SHA256SUMS",
        "codestack verify .",
        "```",
    ]
    return "\n".join(lines) + "\n"


def finish_export(root: str, manifest: Mapping[str, Any]) -> Dict[str, Any]:
    """Write the card, then the manifest (listing it), then SHA256SUMS."""
    with open(os.path.join(root, CARD), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(render_export_card(manifest))
    final = dict(manifest)
    final["files"] = [file_entry(root, CARD)]
    tmp = os.path.join(root, MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(dumps(final))
    os.replace(tmp, os.path.join(root, MANIFEST))
    write_sums(root)
    return final


def verify_export(root: str, manifest: Mapping[str, Any], present: set) -> List[str]:
    """Problems of an export past its checksums (checked by the caller): each shard's and
    file's bytes, sha256, rows and Parquet schema, as for a release, then the totals."""
    from manifests.verify import _check_shards

    if manifest.get("export_version") != EXPORT_VERSION:
        return [f"{MANIFEST}: export_version {manifest.get('export_version')!r}: this codestack reads {EXPORT_VERSION}"]
    problems = _check_shards(root, dict(manifest), present)
    totals = manifest.get("totals", {})
    rows = sum(s.get("rows", 0) for s in manifest.get("shards", []))
    if totals.get("documents") != rows:
        problems.append(f"{MANIFEST}: totals/documents {totals.get('documents')} != {rows} rows in its shards")
    return problems


def read_json(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
