"""Speed of ``codestack export --format repo-documents`` on a bench release.

Measures CPU seconds (this process and its children: the export runs in process,
``--workers 1``, or with worker processes) per MB of released content, next to a
peer measured in the same run: a plain single-process Python script that reads the
same shards with pyarrow, groups rows by repository in a dict, orders each
repository's files by path (no imports read) and writes the documents with
pyarrow (the least a repo-documents export can do). Both read the same shards and
write zstd Parquet at the same level (the export's default, 3). ``bench/bench_grep.py`` measures ``query --grep``.

    python bench/bench_views.py RELEASE [--workers 1] [--max-bytes 1048576]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from _common import commit  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def content_bytes(release: str) -> int:
    with open(os.path.join(release, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    return sum(entry.get("content_bytes") or 0 for entry in manifest["languages"].values())


def peer(release: str, out: str, max_bytes: int, zstd_level: int) -> int:
    """The naive export: every row in memory, by repository, path order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(os.path.join(release, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    repos = {}
    for shard in sorted(manifest["shards"], key=lambda s: s["path"]):
        table = pq.read_table(os.path.join(release, shard["path"]), columns=["repo_name", "path", "content"])
        for row in table.to_pylist():
            repos.setdefault(row["repo_name"], []).append((row["path"], row["content"]))
    texts, names = [], []
    for repo in sorted(repos):
        doc = f"<repo_name>{repo}"
        for path, content in sorted(repos[repo]):
            part = f"<file_sep>{path}\n{content}"
            if len(doc) + len(part) > max_bytes and doc != f"<repo_name>{repo}":
                texts.append(doc)
                names.append(repo)
                doc = f"<repo_name>{repo}"
            doc += part
        texts.append(doc)
        names.append(repo)
    os.makedirs(out, exist_ok=True)
    pq.write_table(pa.table({"text": texts, "repo_name": names}), os.path.join(out, "docs.parquet"),
                   compression="zstd", compression_level=zstd_level)
    return len(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("release")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-bytes", type=int, default=1 << 20)
    args = parser.parse_args()
    from pipeline.export import run_export

    size = content_bytes(args.release)
    work = tempfile.mkdtemp(prefix="bench-views-")
    try:
        start_cpu, start = cpu_seconds(), time.perf_counter()
        manifest = run_export(args.release, os.path.join(work, "docs"), max_bytes=args.max_bytes, workers=args.workers)
        ours_cpu, ours_wall = cpu_seconds() - start_cpu, time.perf_counter() - start
        start_cpu, start = cpu_seconds(), time.perf_counter()
        peer_docs = peer(args.release, os.path.join(work, "peer"), args.max_bytes, manifest["options"]["zstd_level"])
        peer_cpu, peer_wall = cpu_seconds() - start_cpu, time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    totals = manifest["totals"]
    print(f"codestack views benchmark  commit {commit()}  release {args.release}")
    print(f"content: {size / 1e6:.1f} MB, {totals['files']:,} files, {totals['repositories']:,} repositories")
    print(f"codestack export (--workers {args.workers}): {totals['documents']:,} documents, {ours_cpu:.1f} CPU s, "
          f"{ours_wall:.1f} s wall: {size / 1e6 / ours_cpu:.1f} MB/s per core "
          f"({totals['import_edges']:,} import edges, {totals['files_split']} files split)")
    print(f"peer (one process, dict by repository, path order, no imports): {peer_docs:,} documents, "
          f"{peer_cpu:.1f} CPU s: {size / 1e6 / peer_cpu:.1f} MB/s per core; codestack/peer CPU "
          f"{ours_cpu / peer_cpu:.2f}x ({peer_wall:.1f} s wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
