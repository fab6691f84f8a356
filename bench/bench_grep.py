"""Speed of ``codestack query --grep`` against a plain Python ``re.search`` loop.

Ours: :func:`pipeline.commands.query.count_rows` with a :class:`pipeline.grep.Grep`
(what ``codestack query DIR --grep REGEX --count`` runs): the content column read with
pyarrow per shard, the Arrow prefilter, Python ``re.search`` on the candidates only.
The peer, measured in the same run over the same shards: read the content column
with pyarrow (``ParquetFile.iter_batches``), ``to_pylist``, ``re.search`` on every row.
Both count matching rows; the counts must agree (exit 1 otherwise). MB are the UTF-8
bytes of the content scanned; MB/s per core is bytes / CPU seconds
(``time.process_time``, every thread of the process). One process.

The release should be built outside the repository, e.g. (about 4 minutes)::

    codestack build --source git:/work/bench-2g/corpus --output /work/bench-grep/0.1.0 \\
        --release-version 0.1.0 --workers 2 --include-no-license
    python bench/bench_grep.py --release /work/bench-grep/0.1.0

A release whose content is under ``--min-gb`` is scanned several times over (its
shard list repeated, ``passes`` in the output) so that each contender reads at least
that much; the output says so.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from _common import commit  # noqa: E402

from manifests.manifest import read_manifest  # noqa: E402
from pipeline.commands.query import count_rows  # noqa: E402
from pipeline.grep import Grep, describe  # noqa: E402

PATTERNS = ["def\\s+test_\\w+", "import numpy", "TODO|FIXME", "(?i)copyright", "\\d{4}-\\d{2}-\\d{2}"]


def content_bytes(paths):
    """Rows and UTF-8 content bytes of the shards (from the Parquet column statistics' sizes)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rows = size = 0
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(columns=["content"]):
            rows += batch.num_rows
            size += pc.sum(pc.binary_length(batch.column(0))).as_py() or 0
    return rows, size


def peer(paths, regex, passes):
    """A plain loop: every row's content as a Python str, ``re.search`` on each."""
    import pyarrow.parquet as pq

    matched = 0
    for _ in range(passes):
        for path in paths:
            for batch in pq.ParquetFile(path).iter_batches(columns=["content"]):
                for text in batch.column(0).to_pylist():
                    if text is not None and regex.search(text):
                        matched += 1
    return matched


def ours(root, grep, passes):
    return sum(count_rows(root, grep=grep) for _ in range(passes))


def timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", default="/work/bench-grep/0.1.0", help="a release folder (outside the repo)")
    parser.add_argument("--min-gb", type=float, default=1.0, help="scan at least this much content (GB)")
    parser.add_argument("--pattern", action="append", help="a regex (repeatable; default: a few realistic ones)")
    parser.add_argument("--no-peer", action="store_true", help="ours only (no comparison, no count check)")
    args = parser.parse_args(argv)

    manifest = read_manifest(args.release)
    paths = [os.path.join(args.release, s["path"]) for s in sorted(manifest["shards"], key=lambda s: s["path"])]
    rows, size = content_bytes(paths)
    passes = max(1, -int(-args.min_gb * 1e9 // max(size, 1)))
    shard_bytes = sum(os.path.getsize(p) for p in paths)
    print(f"bench_grep  commit {commit()}  release {args.release} ({manifest['version']})")
    print(f"{len(paths)} shards, {shard_bytes / 1e9:.2f} GB of Parquet; {rows:,} rows, {size / 1e9:.2f} GB of content"
          + (f"; scanned {passes} times over (the shard list repeated) to reach {args.min_gb:g} GB" if passes > 1
             else ""))
    scanned = size * passes / 1e6
    header = f"{'pattern':24s} {'matches':>8s} {'checked':>9s} {'ours MB/s/core':>15s} {'(wall)':>8s}"
    print(header + ("" if args.no_peer else f" {'peer MB/s/core':>15s} {'(wall)':>8s} {'x':>6s}") + "  prefilter")
    failed = False
    for pattern in args.pattern or PATTERNS:
        grep = Grep(pattern)
        found, cpu, wall = timed(ours, args.release, grep, passes)
        line = f"{pattern:24s} {found:8,d} {grep.stats.candidates:9,d} {scanned / cpu:15,.0f} {scanned / wall:8,.0f}"
        if not args.no_peer:
            expected, peer_cpu, peer_wall = timed(peer, paths, re.compile(pattern), passes)
            line += f" {scanned / peer_cpu:15,.0f} {scanned / peer_wall:8,.0f} {peer_cpu / cpu:6.1f}"
            if expected != found:
                line += f"  COUNTS DIFFER: peer {expected:,}"
                failed = True
        print(line + "  " + (describe(grep.prefilter) if grep.prefilter else "none: every row to Python re"),
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
