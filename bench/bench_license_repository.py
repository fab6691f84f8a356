"""Repository-wide notices (transforms.license.repository): what they change on real repositories.

    python bench/bench_license_repository.py [FOLDER] [--samples 30] [--seed 0]

FOLDER holds bare or plain git repositories (default: the bench corpus ``python bench/corpus.py``
writes, e.g. /work/inc-bench100/v1). Every text file of each repository's HEAD goes through the
license stage's in-memory core twice with one ScanCode engine: with ``license.repository_notices``
off and on. Printed: the files and repositories whose class changes, by change (no_license ->
permissive, ...), the evidence that made the change, and ``--samples`` random changed files
(seeded) with the notice that now speaks for them, so that a wrong repository-wide license is
visible at a glance.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def repository_files(path: str):
    """``(path, text)`` of the UTF-8 text blobs of the repository's HEAD tree, sorted."""
    import pygit2

    repo = pygit2.Repository(path)
    out = []

    def walk(tree, prefix):
        for entry in tree:
            name = f"{prefix}{entry.name}"
            if entry.type_str == "tree":
                walk(repo[entry.id], name + "/")
            elif entry.type_str == "blob":
                raw = repo[entry.id].data
                if b"\x00" in raw[:8192] or len(raw) > 2_000_000:
                    continue
                try:
                    out.append((name, raw.decode("utf-8")))
                except UnicodeDecodeError:
                    continue

    walk(repo.head.peel(pygit2.Commit).tree, "")
    return sorted(out)


def records_of(folder: str):
    from transforms.record import CodeFile

    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isdir(path):
            continue
        repo_name = name[:-4] if name.endswith(".git") else name
        try:
            files = repository_files(path)
        except Exception as exc:  # not a repository: said, skipped
            print(f"  skipped {name}: {type(exc).__name__}: {exc}")
            continue
        for rel, text in files:
            raw = text.encode("utf-8")
            yield CodeFile(blob_id=hashlib.sha1(raw).hexdigest(), content_id="", directory_id="", path=rel,
                           repo_name=repo_name, snapshot_id=repo_name, revision_id="", branch_name="", content=text,
                           length_bytes=len(raw))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default="/work/inc-bench100/v1", help="a folder of git repositories")
    parser.add_argument("--samples", type=int, default=30, help="changed files shown (default 30)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from transforms.base import DictCounter
    from transforms.license import Engine, LicenseConfig, license_records, make_engine

    records = list(records_of(args.folder))
    repos = {r.repo_name for r in records}
    size = sum(r.length_bytes for r in records) / 1e6
    print(f"bench_license_repository: {len(records)} files, {len(repos)} repositories, {size:.1f} MB under {args.folder}")
    base = make_engine(LicenseConfig())
    results = {}
    for on in (False, True):
        engine = Engine(dataclasses.replace(base.config, repository_notices=on), base.spdx, base.scanner)
        count = DictCounter()
        t0 = time.process_time()
        results[on] = {(a.record.repo_name, a.record.path): a.decision for a in license_records(records, engine, count)}
        print(f"  repository_notices={str(on).lower():5s}  {time.process_time() - t0:6.1f} s CPU  "
              f"license types {dict(sorted((k, v) for k, v in dict(count).items() if k.startswith('license_type:')))}"
              + (f"  repo_notice evidence {dict(count).get('evidence:repo_notice', 0)}" if on else ""))
    changed = []
    for key in sorted(results[True]):
        before, after = results[False].get(key), results[True][key]
        if before is None or after is None:
            continue
        if (before.license_type, before.expression) != (after.license_type, after.expression):
            changed.append((key, before, after))
    moves = collections.Counter((b.license_type, a.license_type) for _k, b, a in changed)
    by_repo = collections.Counter(k[0] for k, _b, _a in changed)
    print(f"files whose license changes: {len(changed)} of {len(records)} ({len(changed) / max(1, len(records)):.2%}), "
          f"in {len(by_repo)} of {len(repos)} repositories")
    for (b, a), n in sorted(moves.items(), key=lambda item: -item[1]):
        print(f"  {b:15s} -> {a:15s} {n:6d}")
    for repo, n in sorted(by_repo.items(), key=lambda item: (-item[1], item[0])):
        notices = sorted({f"{e.path} ({e.detail}: {e.expression})" for k, _b, a in changed if k[0] == repo
                          for e in a.evidence if e.kind == "repo_notice"})
        print(f"  {repo:40s} {n:6d} files  <- {'; '.join(notices) or 'no repo notice (another effect)'}")
    rng = random.Random(args.seed)
    picked = sorted(rng.sample(range(len(changed)), min(args.samples, len(changed))))
    print(f"-- {len(picked)} random changed files")
    for i in picked:
        (repo, path), before, after = changed[i]
        print(f"  {repo}/{path}: {before.license_type} {before.expression or '-'} -> "
              f"{after.license_type} {after.expression or '-'} (by {after.by})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
