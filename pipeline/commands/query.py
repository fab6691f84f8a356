"""codestack query DIR [--language L] [--license ID] [--repo NAME] [--limit N] [--format jsonl|table]

Rows of a release, filtered, read with pyarrow datasets: ``--language`` picks
the language's folder (no other shard is opened); ``--repo`` and ``--license``
are pushed into the Parquet scan (row groups whose statistics exclude the repo
are skipped; only the columns asked for are decoded). Shards are read in path
order and rows in shard order, so the output is the same on every run.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Iterator, List, Optional

TABLE_COLUMNS = ("repo_name", "path", "language", "license_type", "detected_licenses", "length_bytes", "num_tokens")

EXAMPLES = """examples:
  codestack query out/0.1.0 --language Python --limit 3
  codestack query out/0.1.0 --license MIT --format table
  codestack query out/0.1.0 --repo octo/hello --columns path,num_tokens --format table"""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "query",
        help="print a release's rows, filtered (JSON lines or a table)",
        description="Read the rows of a release's Parquet shards that match every filter given, in shard "
        "order. Filters are pushed down into the Parquet scan.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("release", metavar="DIR")
    parser.add_argument("--language", metavar="L", help="a language (as in the manifest, e.g. Python, C++)")
    parser.add_argument("--license", metavar="ID", help="an SPDX id in detected_licenses (case-insensitive)")
    parser.add_argument("--repo", metavar="NAME", help="repo_name, exactly (owner/name)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N rows")
    parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl",
                        help="jsonl (default: every column) or table (a few columns, no content)")
    parser.add_argument("--columns", metavar="A,B", help="only these columns, comma-separated")
    parser.set_defaults(func=run)


def _shard_paths(root: str, manifest: dict, language: Optional[str]) -> List[str]:
    shards = manifest.get("shards", [])
    if language is not None:
        known = sorted({s["language"] for s in shards})
        if language not in known:
            raise _usage(f"--language {language}: not in {root} (languages: {', '.join(known) or 'none'})")
        shards = [s for s in shards if s["language"] == language]
    return [os.path.join(root, s["path"]) for s in sorted(shards, key=lambda s: s["path"])]


def _usage(message: str):
    from pipeline.errors import UsageError

    return UsageError(message)


def query_rows(
    root: str,
    *,
    language: Optional[str] = None,
    license_id: Optional[str] = None,
    repo: Optional[str] = None,
    limit: Optional[int] = None,
    columns: Optional[List[str]] = None,
) -> Iterator[dict]:
    """The matching rows as dicts (timestamps as ISO-8601 strings)."""
    import numpy
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from manifests.manifest import read_manifest

    try:
        manifest = read_manifest(root)
    except (OSError, ValueError) as exc:
        raise _usage(f"{root}: not a release ({exc.__class__.__name__}: {exc})") from exc
    if limit is not None and limit < 0:
        raise _usage(f"--limit {limit}: must be 0 or more")
    paths = _shard_paths(root, manifest, language)
    if not paths or limit == 0:
        return
    dataset = ds.dataset(paths, format="parquet")
    names = dataset.schema.names
    wanted = list(columns) if columns else list(names)
    unknown = [c for c in wanted if c not in names]
    if unknown:
        raise _usage(f"--columns: unknown column(s) {', '.join(unknown)} (columns: {', '.join(names)})")
    condition = None
    if language is not None:
        condition = ds.field("language") == language
    if repo is not None:
        expr = ds.field("repo_name") == repo
        condition = expr if condition is None else condition & expr
    read = list(wanted)
    if license_id is not None and "detected_licenses" not in read:
        read.append("detected_licenses")
    remaining = limit
    for fragment in sorted(dataset.get_fragments(), key=lambda f: f.path):
        scanner = fragment.scanner(schema=dataset.schema, columns=read, filter=condition, use_threads=False)
        for batch in scanner.to_batches():
            if license_id is not None:  # no list-contains in dataset filters: vectorized per batch
                licenses = batch.column("detected_licenses")
                parents = pc.list_parent_indices(licenses).to_numpy()
                matches = pc.fill_null(pc.equal(pc.utf8_lower(pc.list_flatten(licenses)), license_id.lower()), False)
                mask = numpy.zeros(batch.num_rows, dtype=bool)
                mask[parents[matches.to_numpy(zero_copy_only=False)]] = True
                batch = batch.filter(mask)
            if batch.num_rows == 0:
                continue
            rows = batch.select(wanted).to_pylist()
            for row in rows:
                yield {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in row.items()}
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return


def format_table(rows: List[dict], columns: List[str]) -> str:
    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return ",".join(str(v) for v in value)
        text = str(value).replace("\n", "\\n")
        return text if len(text) <= 60 else text[:57] + "..."

    table = [list(columns)] + [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in table)


def run(args) -> int:
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    if args.format == "table" and columns is None:
        columns = list(TABLE_COLUMNS)
    rows = query_rows(args.release, language=args.language, license_id=args.license, repo=args.repo,
                      limit=args.limit, columns=columns)
    count = 0
    if args.format == "table":
        collected = list(rows)
        count = len(collected)
        print(format_table(collected, columns))
    else:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    print(f"codestack: {count} row(s)", file=sys.stderr)
    return 0
