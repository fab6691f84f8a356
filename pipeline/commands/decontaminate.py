"""codestack decontaminate PATH... --benchmark SPEC: which files hold a benchmark item."""

from __future__ import annotations

import json
import os
import sys
from typing import Iterator

EXAMPLES = """examples:
  codestack decontaminate src/solutions.py --benchmark humaneval
  codestack decontaminate ./checkout --benchmark humaneval --benchmark mbpp=mbpp.jsonl
  codestack decontaminate data/ --benchmark mine=tasks.parquet:question,answer | jq 'select(.contaminated)'

One JSON line per file (folders are walked, in sorted order; .git folders skipped):
{"path", "contaminated", "matches": [{"benchmark", "item", "start", "end"}]}, start/end
being offsets (Unicode code points) into the decoded file; a file that is not text gets
"skipped" with the reason. Matching is the build's decontaminate stage: lowercased,
every whitespace run removed, needles shorter than decontaminate.min_chars not used.
A summary goes to stderr; --fail-on-match exits 1 if any file holds an item."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "decontaminate",
        help="find benchmark items (HumanEval, MBPP, ...) in files or folders",
        description="Check files or whole checkouts for benchmark items, as the decontaminate stage does.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    parser.add_argument("--benchmark", action="append", default=[], metavar="SPEC",
                        help="humaneval | NAME=FILE (a preset: mbpp, apps, gsm8k, ds1000, multipl-e, humaneval-x) | "
                        "NAME=FILE:FIELD,FIELD (repeatable; added to the config's decontaminate.benchmarks)")
    parser.add_argument("--config", metavar="FILE", help="YAML overriding the defaults (decontaminate: and decode:)")
    parser.add_argument("--min-chars", type=int, metavar="N", help="override decontaminate.min_chars")
    parser.add_argument("--fail-on-match", action="store_true", help="exit 1 if any file holds a benchmark item")
    parser.set_defaults(func=run)


def walk(paths) -> Iterator[str]:
    from pipeline.errors import UsageError

    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d != ".git")
                for name in sorted(files):
                    yield os.path.join(folder, name)
        elif os.path.exists(path):
            yield path
        else:
            raise UsageError(f"{path}: no such file or folder")


def run(args) -> int:
    from pipeline.config import load_config
    from pipeline.errors import UsageError
    from transforms.base import Drop
    from transforms.decontaminate import BenchmarkError, Matcher, NeedleTable, load_benchmarks
    from transforms.fetch import decode_bytes

    config = load_config(args.config)
    specs = tuple(config.decontaminate.benchmarks) + tuple(args.benchmark)
    if not specs:
        raise UsageError("no benchmark: give --benchmark humaneval (or NAME=FILE[:FIELD,FIELD])")
    min_chars = args.min_chars if args.min_chars is not None else config.decontaminate.min_chars
    if min_chars < 1:
        raise UsageError(f"--min-chars {min_chars}: must be at least 1")
    try:
        benchmarks = load_benchmarks(specs, min_chars)
    except BenchmarkError as exc:
        raise UsageError(str(exc)) from exc
    matcher = Matcher(NeedleTable.from_benchmarks(benchmarks))
    files = contaminated = skipped = 0
    for path in walk(args.paths):
        files += 1
        line = {"path": path, "contaminated": False, "matches": []}
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            line["skipped"] = f"unreadable: {exc.strerror}"
        else:
            decoded = decode_bytes(raw, config.decode)
            if isinstance(decoded, Drop):
                line["skipped"] = decoded.reason
            else:
                matches = matcher.matches(decoded[0])
                line["contaminated"] = bool(matches)
                line["matches"] = [m._asdict() for m in matches]
        skipped += "skipped" in line
        contaminated += line["contaminated"]
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    needles = sum(len(b.needles) for b in benchmarks)
    print(f"codestack: {files} files, {contaminated} holding a benchmark item, {skipped} not text; "
          f"{needles} needles from {', '.join(b.name for b in benchmarks)}", file=sys.stderr)
    return 1 if args.fail_on_match and contaminated else 0
