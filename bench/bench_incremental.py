"""Incremental benchmark: what the per-blob result cache (``build --cache URI``) saves
on a second release, and whether the release stays byte-identical.

Two corpora of real code (bench/corpus.py: installed distributions as bare git repositories):

- v1: ``--megabytes`` of repositories;
- v2: v1 plus about 10% more repositories (the next ones bench/corpus.py would take,
  at most ~12% more bytes) and about 5% of v1's files edited, each edit a new commit on
  ``main`` (fixed author and date) whose blob is the old one with a line appended or a
  number on one line changed; all other blob ids stay the same. Files to edit are the
  first by sha1 of ``repository/path``: deterministic, no random seed.

Builds, each in a fresh process (local runner, ``--workers`` workers):

1. v1 cold, filling ``WORKDIR/cache`` (copied aside right after);
2. v2 cold, no cache: release A;
3. v2 with v1's cache: release B (the cache takes the new entries);
4. the outside check: v1 plus ONE more repository, cold without cache, then with the
   cache as it was right after build 1.

For each: process CPU seconds (user+sys of the build process and its reaped children),
the CPU seconds of the stages after the source (Beam's per-transform execution time,
grouped by top-level label as in bench_e2e, all but ``source``), wall and peak RSS. Then
the ratios cached/cold (goals: v2 stages after the source <= 0.30, outside check process
CPU <= 0.5; printed as ok/MISSED, not failed on), the cache's bytes on disk and per GB of
content, and whether the cached and cold releases' SHA256SUMS are byte-identical (exit 1
if not).

    python bench/bench_incremental.py --megabytes 100 --workdir /tmp/inc   # the README's figures

``--workdir`` keeps the corpora (reused when there) and releases; the caches and releases
are made anew on every run. ``--corpus-only`` makes the corpora, prints their figures and
stops.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from _common import commit  # noqa: E402
from bench_e2e import stage_of  # noqa: E402
from corpus import FIXED_TIME, _write_tree, build_corpus, is_text  # noqa: E402

#: share of v1's repositories added in v2, and the cap on the bytes they bring (of v1's bytes)
NEW_REPOS = 0.10
NEW_BYTES_CAP = 0.12
#: share of v1's files edited in v2
CHANGED_FILES = 0.05
#: goals (printed, not enforced)
GOAL_V2_AFTER_SOURCE = 0.30
GOAL_OUTSIDE_PROCESS = 0.5

#: line comment of a file type, for the appended line (others get an empty line)
COMMENTS = {**dict.fromkeys((".py", ".pyi", ".pyx", ".sh", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".r", ".pl",
                             ".rb", ".txt", ".in"), b"#"),
            **dict.fromkeys((".c", ".h", ".cc", ".cpp", ".hpp", ".js", ".ts", ".java", ".go", ".rs", ".cs",
                             ".kt", ".swift", ".scala"), b"//"),
            **dict.fromkeys((".sql", ".lua", ".hs"), b"--")}


# ---------------------------------------------------------------------------------------------
# corpora


def head_files(repo_path: str) -> Dict[str, Tuple[str, int]]:
    """``path -> (blob id, size)`` of every file at ``main``'s head of a bare repository."""
    import pygit2

    repo = pygit2.Repository(repo_path)
    tree = repo.references["refs/heads/main"].peel(pygit2.Commit).tree
    out: Dict[str, Tuple[str, int]] = {}

    def walk(tree, prefix):
        for entry in tree:
            if entry.type_str == "tree":
                walk(repo[entry.id], prefix + entry.name + "/")
            elif entry.type_str == "blob":
                out[prefix + entry.name] = (str(entry.id), repo.odb.read_header(entry.id)[1])

    walk(tree, "")
    return out


def repositories(folder: str) -> List[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".git")) if os.path.isdir(folder) else []


def listing(folder: str) -> Dict[str, Dict[str, Tuple[str, int]]]:
    """``repository -> path -> (blob id, size)`` of a corpus."""
    return {name: head_files(os.path.join(folder, name)) for name in repositories(folder)}


def figures(folder: str) -> dict:
    files = listing(folder)
    blobs = {oid: size for repo in files.values() for oid, size in repo.values()}
    return {"repositories": len(files), "files": sum(map(len, files.values())),
            "bytes": sum(size for repo in files.values() for _, size in repo.values()),
            "unique_bytes": sum(blobs.values())}


def _rank(repo: str, path: str) -> bytes:
    return hashlib.sha1(f"{repo}/{path}".encode()).digest()


def edit(path: str, data: bytes, rank: bytes) -> bytes:
    """A small realistic edit of a text file: half of them a line appended (a comment where the
    file type has line comments, else an empty line), the other half one number on one line
    bumped (a version, a constant); a file without digits gets the appended line."""
    lines = data.splitlines(keepends=True)
    if rank[0] % 2 == 1 and lines:
        start = int.from_bytes(rank[1:5], "big") % len(lines)
        for i in list(range(start, len(lines))) + list(range(start)):
            digits = list(re.finditer(rb"[0-9]", lines[i]))
            if digits:
                at = digits[-1].start()
                bumped = str((int(lines[i][at:at + 1]) + 1) % 10).encode()
                lines[i] = lines[i][:at] + bumped + lines[i][at + 1:]
                return b"".join(lines)
    marker = COMMENTS.get(os.path.splitext(path)[1].lower())
    body = data if not data or data.endswith(b"\n") else data + b"\n"
    return body + (marker + b" reviewed for the next release\n" if marker else b"\n")


def commit_edits(repo_path: str, edits: Dict[str, bytes]) -> None:
    """A new commit on ``main`` with these files' new content (every other blob the same)."""
    import pygit2

    repo = pygit2.Repository(repo_path)
    head = repo.references["refs/heads/main"].peel(pygit2.Commit)
    files: Dict[str, bytes] = {}

    def walk(tree, prefix):
        for entry in tree:
            if entry.type_str == "tree":
                walk(repo[entry.id], prefix + entry.name + "/")
            else:
                files[prefix + entry.name] = repo[entry.id].data

    walk(head.tree, "")
    files.update(edits)
    sig = pygit2.Signature("Bench Author", "bench@example.org", FIXED_TIME + 86_400, 0)
    repo.create_commit("refs/heads/main", sig, sig, "small edits\n", _write_tree(repo, files), [head.id])


def make_corpora(work: str, megabytes: float) -> dict:
    """v1, v2 and v1+1 (the outside check's) under ``work``; made once, then reused."""
    done = os.path.join(work, "corpora.json")
    if os.path.isfile(done):
        with open(done) as handle:
            info = json.load(handle)
        if info.get("megabytes") == megabytes:
            return info
    for sub in ("v1", "pool", "v2", "v1plus"):
        shutil.rmtree(os.path.join(work, sub), ignore_errors=True)
    v1, v2, plus = (os.path.join(work, sub) for sub in ("v1", "v2", "v1plus"))
    build_corpus(v1, megabytes)
    one = listing(v1)
    v1_bytes = sum(size for repo in one.values() for _, size in repo.values())

    # (a) new repositories: the ones a larger corpus takes past v1's, in its order
    want = max(1, round(len(one) * NEW_REPOS))
    extras: List[str] = []
    pool = os.path.join(work, "pool")
    for factor in (1.5, 3.0, 6.0):
        shutil.rmtree(pool, ignore_errors=True)
        build_corpus(pool, megabytes * factor)
        extras, added = [], 0
        for name in repositories(pool):
            if name in one:
                continue
            size = sum(s for _, s in head_files(os.path.join(pool, name)).values())
            if added + size > v1_bytes * NEW_BYTES_CAP:
                continue
            extras.append(name)
            added += size
            if len(extras) == want:
                break
        if len(extras) == want:
            break
    if not extras:
        raise SystemExit("no repository past v1's fits: try another --megabytes")

    for target, names in ((v2, extras), (plus, extras[:1])):
        os.makedirs(target)
        for name in one:
            shutil.copytree(os.path.join(v1, name), os.path.join(target, name), symlinks=True)
        for name in names:
            shutil.copytree(os.path.join(pool, name), os.path.join(target, name), symlinks=True)
    shutil.rmtree(pool)

    # (b) ~5% of v1's files edited: the text files first by sha1 of repository/path
    import pygit2

    total = sum(map(len, one.values()))
    ranked = sorted((_rank(name, path), name, path) for name, repo in one.items() for path in repo)
    chosen: Dict[str, Dict[str, bytes]] = collections.defaultdict(dict)
    count = 0
    for rank, name, path in ranked:
        if count >= round(total * CHANGED_FILES):
            break
        data = pygit2.Repository(os.path.join(v1, name))[one[name][path][0]].data
        if not is_text(data):
            continue
        chosen[name][path] = edit(path, data, rank)
        count += 1
    for name, edits in sorted(chosen.items()):
        commit_edits(os.path.join(v2, name), edits)

    # the figures, from the repositories as written
    two = listing(v2)
    changed = sum(1 for name, repo in one.items() for path, (oid, _) in repo.items() if two[name][path][0] != oid)
    info = {"megabytes": megabytes, "v1": figures(v1), "v2": figures(v2), "v1plus": figures(plus), "new_repositories": extras,
            "files_changed": changed,
            "changed_bytes": sum(two[n][p][1] for n, repo in one.items() for p, (oid, _) in repo.items()
                                 if two[n][p][0] != oid)}
    with open(done, "w") as handle:
        json.dump(info, handle, indent=1)
    return info


# ---------------------------------------------------------------------------------------------
# builds


def run_child(source: str, out: str, version: str, cache: Optional[str], workers: int) -> dict:
    """Runs in the child process: one build, then its figures as JSON on stdout."""
    from apache_beam.metrics.metric import MetricsFilter

    from pipeline.build import run_build

    seconds: Dict[str, float] = collections.Counter()

    def timings(result):
        for item in result.monitoring_metrics().query(MetricsFilter())["counters"]:
            if item.key.metric.name == "metric:ptransform_execution_time:total_msecs:v1":
                seconds[stage_of(item.key.step)] += (item.committed or 0) / 1000.0

    extra = {"cache": cache} if cache is not None else {}  # cold builds call run_build as before the cache
    start = time.perf_counter()
    manifest = run_build(source, out, version, workers=workers, log=lambda m: None, on_result=timings, **extra)
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes, once reaped
    return {
        "wall_seconds": wall,
        "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "peak_rss_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024.0,
        "stage_seconds": dict(seconds),
        "files_released": manifest["totals"]["files"],
    }


def measure(source: str, out: str, version: str, cache: Optional[str], workers: int) -> dict:
    if os.path.exists(out):
        shutil.rmtree(out)
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--workers", str(workers), "--child",
                           f"git:{source}", out, version, cache or "-"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build of {source} (cache {cache}) failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["after_source"] = sum(s for stage, s in result["stage_seconds"].items() if stage != "source")
    return result


def size_on_disk(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for folder, _dirs, names in os.walk(path):
        total += sum(os.path.getsize(os.path.join(folder, n)) for n in names
                     if not os.path.islink(os.path.join(folder, n)))
    return total


def same_sums(a: str, b: str) -> bool:
    try:
        with open(os.path.join(a, "SHA256SUMS"), "rb") as x, open(os.path.join(b, "SHA256SUMS"), "rb") as y:
            return x.read() == y.read()
    except OSError:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=100, help="size of corpus v1")
    parser.add_argument("--workdir", default=None, help="keep corpora, caches and releases here")
    parser.add_argument("--workers", type=int, default=1, help="run_build's workers")
    parser.add_argument("--corpus-only", action="store_true", help="make the corpora, print their figures, stop")
    parser.add_argument("--child", nargs=4, metavar=("SOURCE", "OUT", "VERSION", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        source, out, version, cache = args.child
        print(json.dumps(run_child(source, out, version, None if cache == "-" else cache, args.workers)))
        return 0

    work = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="codestack-inc-"))
    os.makedirs(work, exist_ok=True)
    corpora = make_corpora(work, args.megabytes)
    v1, v2, plus = (os.path.join(work, sub) for sub in ("v1", "v2", "v1plus"))

    print(f"codestack incremental benchmark  commit {commit()}  corpus: installed distributions "
          f"(deterministic, no seed)  workdir {work}")
    print(f"cores: {os.cpu_count()}  runner: FnApiRunner in-process, {args.workers} worker(s)")
    a, b, p = corpora["v1"], corpora["v2"], corpora["v1plus"]
    print(f"repos v1/v2: {a['repositories']}/{b['repositories']}  files v1/v2: {a['files']}/{b['files']}  "
          f"files changed: {corpora['files_changed']} ({corpora['files_changed'] / a['files']:.1%} of v1's, "
          f"{corpora['changed_bytes'] / 1e6:.2f} MB)  bytes v1/v2: {a['bytes'] / 1e6:.1f}/{b['bytes'] / 1e6:.1f} MB")
    print(f"new repositories in v2: {', '.join(n[:-4] for n in corpora['new_repositories'])}; outside check: v1 + "
          f"{corpora['new_repositories'][0][:-4]} ({p['repositories']} repos, {p['files']} files, "
          f"{p['bytes'] / 1e6:.1f} MB)")
    if args.corpus_only:
        return 0

    releases = os.path.join(work, "releases")
    cache, cache_v1, cache_outside = (os.path.join(work, sub) for sub in ("cache", "cache-after-v1", "cache-outside"))
    for path in (releases, cache, cache_v1, cache_outside):
        shutil.rmtree(path, ignore_errors=True)
    os.makedirs(releases)
    runs: Dict[str, dict] = {}
    out = {k: os.path.join(releases, k) for k in ("v1", "v2-cold", "v2-cached", "outside-cold", "outside-cached")}

    runs["v1 cold, fills cache"] = measure(v1, out["v1"], "0.1.0", cache, args.workers)
    cache_size_v1 = size_on_disk(cache)
    shutil.copytree(cache, cache_v1)
    runs["v2 cold (A)"] = measure(v2, out["v2-cold"], "0.2.0", None, args.workers)
    runs["v2 cached (B)"] = measure(v2, out["v2-cached"], "0.2.0", cache, args.workers)
    cache_size_v2 = size_on_disk(cache)
    runs["v1+1 cold"] = measure(plus, out["outside-cold"], "0.1.0", None, args.workers)
    shutil.copytree(cache_v1, cache_outside)
    runs["v1+1 cached"] = measure(plus, out["outside-cached"], "0.1.0", cache_outside, args.workers)

    print(f"\n{'build':<24}{'cpu s':>8}{'after src':>11}{'source':>8}{'wall s':>8}{'RSS MB':>8}{'files out':>11}")
    for name, r in runs.items():
        print(f"{name:<24}{r['cpu_seconds']:>8.1f}{r['after_source']:>11.2f}{r['stage_seconds'].get('source', 0):>8.2f}"
              f"{r['wall_seconds']:>8.1f}{r['peak_rss_mb']:>8.0f}{r['files_released']:>11}")
    stages = sorted({s for r in runs.values() for s, secs in r["stage_seconds"].items()
                     if secs >= 0.005 and not s.startswith("ref_")},
                    key=lambda s: -max(r["stage_seconds"].get(s, 0) for r in runs.values()))
    print(f"\nstage seconds  {''.join(f'{name:>22}' for name in runs)}")
    for stage in stages:
        cells = "".join(f"{r['stage_seconds'].get(stage, 0):>22.2f}" for r in runs.values())
        print(f"  {stage:<13}{cells}")
    def ratio(x: float, y: float) -> float:
        return x / y if y > 0 else float("nan")

    def verdict(value: float, goal: float) -> str:
        return "ok" if value <= goal else "MISSED"

    cold, warm = runs["v2 cold (A)"], runs["v2 cached (B)"]
    ocold, owarm = runs["v1+1 cold"], runs["v1+1 cached"]
    process = ratio(warm["cpu_seconds"], cold["cpu_seconds"])
    after = ratio(warm["after_source"], cold["after_source"])
    outside = ratio(owarm["cpu_seconds"], ocold["cpu_seconds"])
    outside_after = ratio(owarm["after_source"], ocold["after_source"])
    print(f"\nv2 cached / v2 cold: process cpu {process:.2f}, stages after the source {after:.2f} "
          f"(goal <= {GOAL_V2_AFTER_SOURCE:.2f}: {verdict(after, GOAL_V2_AFTER_SOURCE)}), wall "
          f"{ratio(warm['wall_seconds'], cold['wall_seconds']):.2f}")
    print(f"outside check, v1+1 cached / cold: process cpu {outside:.2f} (goal <= {GOAL_OUTSIDE_PROCESS:.2f}: "
          f"{verdict(outside, GOAL_OUTSIDE_PROCESS)}), stages after the source {outside_after:.2f}")
    print(f"cache on disk: after v1 {cache_size_v1:,} bytes = {cache_size_v1 / (a['bytes'] / 1e9):,.0f} bytes per GB "
          f"of v1's content ({a['bytes']:,} bytes); after v2 {cache_size_v2:,} bytes")
    identical = same_sums(out["v2-cold"], out["v2-cached"])
    outside_identical = same_sums(out["outside-cold"], out["outside-cached"])
    print(f"SHA256SUMS v2 cold (A) == v2 cached (B): {'identical' if identical else 'DIFFERENT'}")
    print(f"SHA256SUMS v1+1 cold == v1+1 cached: {'identical' if outside_identical else 'DIFFERENT'}")
    return 0 if identical and outside_identical else 1


if __name__ == "__main__":
    sys.exit(main())
