"""The language stage on real trees: what the content model decides, where names say nothing.

Walks real source trees (the bench corpus's bare git repositories with ``--corpus``, and
trees of this machine rich in files without a telling name: /usr/bin scripts, /usr/share/doc,
/usr/lib/python3/dist-packages, Go's source tree with its testdata) and classifies every text
file by its real path, as a build does. Prints the evidence counts, the distribution of
files the model alone named (evidence ``magika`` with no candidate from the name; choosing
among a name's candidates is counted apart) and of those it was not sure of (``abstained``),
and, per model-named language, up to 30 random samples (seeded) with their first line, so
a wrong mass label (curl's test cases as Vue) shows at a glance.

    python bench/bench_language_trees.py [--corpus /work/bench-2g/corpus] [--samples 30]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from _common import commit  # noqa: E402

from transforms.language import make_classifier  # noqa: E402

TREES = ("/usr/bin", "/usr/share/doc", "/usr/lib/python3/dist-packages", "/usr/local/go/src", "/usr/share/perl5",
         "/etc")
MAX_BYTES = 1 << 20


def tree_files(root: str):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".git", "__pycache__"))
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                if os.path.islink(path) or os.path.getsize(path) > MAX_BYTES:
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            if b"\0" in data[:8192]:
                continue
            try:
                yield os.path.relpath(path, root), data.decode("utf-8")
            except UnicodeDecodeError:
                continue


def corpus_files(folder: str):
    import pygit2

    for name in sorted(os.listdir(folder)):
        repo = pygit2.Repository(os.path.join(folder, name))
        stack = [("", repo.head.peel(pygit2.Tree))]
        while stack:
            prefix, tree = stack.pop()
            for entry in sorted(tree, key=lambda e: e.name):
                obj = repo[entry.id]
                path = f"{prefix}{entry.name}"
                if isinstance(obj, pygit2.Tree):
                    stack.append((path + "/", obj))
                    continue
                data = obj.data
                if len(data) > MAX_BYTES or b"\0" in data[:8192]:
                    continue
                try:
                    yield f"{name}/{path}", data.decode("utf-8")
                except UnicodeDecodeError:
                    continue


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="the bench corpus (bare git repositories)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    classifier = make_classifier()
    evidence = collections.Counter()
    named = collections.defaultdict(list)
    abstained = collections.Counter()
    files = 0
    start = time.process_time()
    sources = [(root, tree_files(root)) for root in TREES if os.path.isdir(root)]
    if args.corpus:
        sources.insert(0, (args.corpus, corpus_files(args.corpus)))
    for root, walk in sources:
        for rel, text in walk:
            files += 1
            path = f"{root}/{rel}" if not rel.startswith(root) else rel
            language, how, candidates = classifier.language(rel, text)
            if how == classifier.model.name and candidates:
                how = f"{how} among the name's candidates"
            evidence[how] += 1
            if how == classifier.model.name:  # the model alone: nothing else spoke
                named[language].append((path, text))
            elif how == "abstained":
                guess = classifier.model.guess(text)
                abstained[guess[0] if guess else "?"] += 1
    seconds = time.process_time() - start
    print(f"language on real trees  commit {commit()}  gate: {classifier.gate.minimums if classifier.gate else None}")
    print(f"{files:,} text files from {', '.join(root for root, _w in sources)} in {seconds:.0f} CPU s")
    print("evidence: " + ", ".join(f"{k} {v:,}" for k, v in evidence.most_common()))
    print("named by the content model alone: " + (", ".join(
        f"{k} {len(v):,}" for k, v in sorted(named.items(), key=lambda kv: -len(kv[1]))) or "none"))
    print("not sure (abstained; the model's guess): " + (", ".join(f"{k} {v:,}" for k, v in abstained.most_common())
                                                          or "none"))
    for language, items in sorted(named.items(), key=lambda kv: -len(kv[1])):
        chosen = sorted(items, key=lambda it: hashlib.sha1(f"{args.seed}:{it[0]}".encode()).digest())[:args.samples]
        print(f"\n== {language}: {len(items):,} files; {len(chosen)} samples")
        for path, text in chosen:
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]
            print(f"  {path[-70:]:70s}  {first}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
