"""codestack query DIR [--language L] [--license ID] [--repo NAME] [--grep REGEX [--ignore-case]]
[--limit N] [--count] [--format jsonl|table]

Rows of a release, filtered, read with pyarrow datasets: ``--language`` picks
the language's folder (no other shard is opened); ``--repo`` and ``--license``
are pushed into the Parquet scan (row groups whose statistics exclude the repo
are skipped; only the columns asked for are decoded). Shards are read in path
order and rows in shard order, so the output is the same on every run.

``--grep REGEX`` keeps the rows whose ``content`` Python's ``re.search`` matches;
Arrow only prefilters them, with conditions every match meets (literals it must
contain, an RE2 pattern matching a superset: :mod:`pipeline.grep`). ``--count``
prints the number of rows (at most ``--limit``) instead of the rows.
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
  codestack query out/0.1.0 --repo octo/hello --columns path,num_tokens --format table
  codestack query out/0.1.0 --grep 'def\s+test_\w+' --language Python --format table
  codestack query out/0.1.0 --grep 'copyright' --ignore-case --count"""


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
    parser.add_argument("--grep", metavar="REGEX",
                        help="only rows whose content Python's re.search(REGEX, content) matches (the other "
                        "filters apply too); a scan summary goes to stderr")
    parser.add_argument("--ignore-case", action="store_true", help="with --grep: re.IGNORECASE")
    parser.add_argument("--count", action="store_true",
                        help="print only the number of matching rows (at most --limit)")
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


def make_grep(pattern: str, ignore_case: bool = False):
    """A :class:`pipeline.grep.Grep`; a pattern ``re`` refuses is a usage error."""
    import re

    from pipeline.grep import Grep

    try:
        return Grep(pattern, ignore_case)
    except (re.error, OverflowError, RecursionError) as exc:
        detail = " ".join(str(exc).split())
        raise _usage(f"--grep {pattern!r}: not a Python regular expression ({detail})") from exc


def query_rows(root: str, **filters) -> Iterator[dict]:
    """The matching rows as dicts (timestamps as ISO-8601 strings); ``filters`` are
    :func:`query_batches`'s."""
    for batch in query_batches(root, **filters):
        for row in batch.to_pylist():
            yield {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in row.items()}


def count_rows(root: str, **filters) -> int:
    """How many rows :func:`query_rows` would give, without building them."""
    return sum(batch.num_rows for batch in query_batches(root, columns=[], **filters))


def query_batches(
    root: str,
    *,
    language: Optional[str] = None,
    license_id: Optional[str] = None,
    repo: Optional[str] = None,
    limit: Optional[int] = None,
    columns: Optional[List[str]] = None,
    grep=None,
):
    """The matching rows as Arrow record batches of ``columns`` (default: all), in order;
    ``grep`` (a :class:`pipeline.grep.Grep`, from :func:`make_grep`) keeps the rows whose
    content its regex finds."""
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
    wanted = list(names) if columns is None else list(columns)
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
    if grep is not None and "content" not in read:
        if "content" not in names:
            raise _usage(f"--grep: {root} has no content column")
        read.append("content")
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
            if grep is not None and batch.num_rows:  # the content is not copied unless printed
                batch = batch.select(wanted).take(grep.matching(batch.column("content")))
            if batch.num_rows == 0:
                continue
            if remaining is not None and batch.num_rows >= remaining:
                yield batch.select(wanted).slice(0, remaining)
                return
            yield batch.select(wanted)
            if remaining is not None:
                remaining -= batch.num_rows


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
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] or None if args.columns else None
    if args.format == "table" and columns is None:
        columns = list(TABLE_COLUMNS)
    if args.ignore_case and args.grep is None:
        raise _usage("--ignore-case: only with --grep REGEX")
    grep = make_grep(args.grep, args.ignore_case) if args.grep is not None else None
    filters = dict(language=args.language, license_id=args.license, repo=args.repo, limit=args.limit, grep=grep)
    if args.count:
        count = count_rows(args.release, **filters)
        print(count)
        _summary(grep, count)
        return 0
    rows = query_rows(args.release, columns=columns, **filters)
    count = 0
    if args.format == "table":
        collected = list(rows)
        count = len(collected)
        print(format_table(collected, columns))
    else:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    _summary(grep, count)
    return 0


def _summary(grep, count: int) -> None:
    if grep is None:
        print(f"codestack: {count} row(s)", file=sys.stderr)
        return
    from pipeline.grep import describe

    how = (f"Arrow prefilter {describe(grep.prefilter)}, then Python re on those rows" if grep.prefilter
           else "no condition every match meets (no literal it must contain, no RE2 superset): every row was "
           "checked with Python re (slower)")
    print(f"codestack: --grep: {how}", file=sys.stderr)
    print(f"codestack: {grep.stats.summary()}", file=sys.stderr)
