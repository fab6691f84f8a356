"""A realistic corpus from real code available offline: the installed Python
distributions of this environment, each laid out as a bare git repository with
its own files (license files included), fixed author and date.

    python bench/corpus.py OUT_DIR --megabytes 50

Deterministic: distributions sorted by name, files sorted by path, taken until
the byte budget is reached; the same environment gives the same repositories.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import sys
from typing import Dict, List, Tuple

FIXED_TIME = 1_700_000_000
MAX_FILE = 2_000_000


def distribution_files(dist) -> List[Tuple[str, str]]:
    """``(path in repo, absolute path)`` of a distribution's installed files."""
    out = []
    for f in dist.files or []:
        rel = str(f)
        if rel.startswith("..") or "__pycache__" in rel or rel.endswith((".pyc", ".so")):
            continue
        full = str(f.locate())
        if os.path.isfile(full) and os.path.getsize(full) <= MAX_FILE:
            out.append((rel.replace(os.sep, "/"), full))
    return sorted(out)


def _write_tree(repo, files: Dict[str, bytes]):
    import pygit2

    children: Dict[str, Dict[str, bytes]] = {}
    builder = repo.TreeBuilder()
    for path, data in sorted(files.items()):
        head, _, rest = path.partition("/")
        if rest:
            children.setdefault(head, {})[rest] = data
        else:
            builder.insert(head, repo.create_blob(data), pygit2.GIT_FILEMODE_BLOB)
    for name, sub in sorted(children.items()):
        builder.insert(name, _write_tree(repo, sub), pygit2.GIT_FILEMODE_TREE)
    return builder.write()


def make_bare_repository(folder: str, origin: str, files: Dict[str, bytes]) -> None:
    import pygit2

    repo = pygit2.init_repository(folder, bare=True, initial_head="main")
    repo.remotes.create("origin", origin)
    tree = _write_tree(repo, files)
    sig = pygit2.Signature("Bench Author", "bench@example.org", FIXED_TIME, 0)
    repo.create_commit("refs/heads/main", sig, sig, "import\n", tree, [])


def build_corpus(out: str, megabytes: float) -> Dict[str, int]:
    budget = int(megabytes * 1_000_000)
    used = repos = files_total = 0
    dists = sorted(importlib.metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower())
    seen = set()
    for dist in dists:
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if not name or name in seen:
            continue
        seen.add(name)
        files = {}
        for rel, full in distribution_files(dist):
            with open(full, "rb") as handle:
                files[rel] = handle.read()
        size = sum(map(len, files.values()))
        if not files or used + size > budget * 1.05 and used > 0:
            continue
        make_bare_repository(os.path.join(out, f"{name}.git"), f"https://github.com/pypi-bench/{name}", files)
        used += size
        repos += 1
        files_total += len(files)
        if used >= budget:
            break
    return {"repositories": repos, "files": files_total, "bytes": used}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--megabytes", type=float, default=50)
    args = parser.parse_args(argv)
    print(build_corpus(args.out, args.megabytes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
