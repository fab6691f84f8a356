"""Speed of the decontaminate stage's core against a naive per-needle ``in`` loop.

Needles: HumanEval (built in) plus 10,000 synthetic MBPP-like items (a task sentence
and a short solution each, from a fixed seed: MBPP itself cannot be downloaded here),
at the default ``min_chars``. Files: the bench corpus (``--corpus DIR``, bare git
repositories from bench/corpus.py, read with pygit2), else the installed source trees
bench/eval_decontaminate.py reads. Both contenders get the same decoded texts in
memory and the same normalization (:func:`normalize`, counted in both); ours also
counts building the automaton. One process, one core.

    python bench/bench_decontaminate.py [--corpus /work/bench-2g/corpus] [--megabytes 200]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import List

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from _common import commit  # noqa: E402
from eval_decontaminate import default_roots, real_files  # noqa: E402

from transforms.decontaminate import DecontaminateConfig, Matcher, NeedleTable, load_benchmarks, normalize  # noqa: E402
from transforms.decontaminate.benchmarks import Benchmark, Needle  # noqa: E402

VERBS = ["find", "count", "remove", "sort", "check", "merge", "reverse", "sum", "split", "rotate", "compress", "match"]
THINGS = ["elements", "words", "digits", "tuples", "substrings", "vowels", "pairs", "keys", "rows", "numbers"]
WHERE = ["in the given list", "of a string", "from two arrays", "in a nested dictionary", "of the matrix",
         "between two integers", "with a lambda function", "using regex", "in a binary tree", "of a sentence"]


def synthetic_mbpp(n: int, seed: int = 7, min_chars: int = 32) -> Benchmark:
    """``n`` MBPP-like items: ``text`` (a task sentence) and ``code`` (a small function)."""
    rng = random.Random(seed)
    needles: List[Needle] = []
    for task in range(1, n + 1):
        verb, thing, where = rng.choice(VERBS), rng.choice(THINGS), rng.choice(WHERE)
        text = f"Write a function to {verb} the {rng.choice(['odd', 'even', 'unique', 'largest', 'first'])} " \
               f"{thing} {where} (task {rng.randrange(10**6)})."
        name = f"{verb}_{thing}_{task}"
        var = rng.choice(["x", "arr", "s", "nums", "items"])
        code = (f"def {name}({var}, k={rng.randrange(100)}):\n    result = [v for v in {var} if v % (k + 1) == "
                f"{rng.randrange(7)}]\n    return sorted(result)[:{rng.randrange(1, 9)}]\n")
        for field, value in (("text", text), ("code", code)):
            normalized = normalize(value)
            if len(normalized) >= min_chars:
                needles.append(Needle(normalized, "mbpp-synthetic", str(task), field))
    return Benchmark("mbpp-synthetic", f"synthetic, seed {seed}", "-", ("text", "code"), n, needles, 0)


def corpus_texts(folder: str, limit: int) -> List[str]:
    import pygit2

    texts, total = [], 0
    for name in sorted(os.listdir(folder)):
        repo = pygit2.Repository(os.path.join(folder, name))
        stack = [repo.head.peel(pygit2.Tree)]
        while stack:
            tree = stack.pop()
            for entry in sorted(tree, key=lambda e: e.name):
                obj = repo[entry.id]
                if isinstance(obj, pygit2.Tree):
                    stack.append(obj)
                    continue
                data = obj.data
                if b"\0" in data[:8192]:
                    continue
                try:
                    texts.append(data.decode("utf-8"))
                except UnicodeDecodeError:
                    continue
                total += len(data)
                if total >= limit:
                    return texts
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="bench corpus folder (bare git repositories)")
    parser.add_argument("--megabytes", type=float, default=200)
    parser.add_argument("--items", type=int, default=10_000, help="synthetic MBPP-like items")
    parser.add_argument("--peer-megabytes", type=float, default=4, help="text the naive loop gets (it is slow)")
    args = parser.parse_args()
    limit = int(args.megabytes * 1e6)
    texts = corpus_texts(args.corpus, limit) if args.corpus else [t for _p, t in real_files(default_roots(), limit)]
    size = sum(len(t.encode("utf-8")) for t in texts)
    min_chars = DecontaminateConfig().min_chars
    start = time.perf_counter()
    benchmarks = load_benchmarks(["humaneval"], min_chars) + [synthetic_mbpp(args.items, min_chars=min_chars)]
    table = NeedleTable.from_benchmarks(benchmarks)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    matcher = Matcher(table)
    built = time.perf_counter() - start
    print(f"codestack decontaminate benchmark  commit {commit()}")
    print(f"needles: {len(table.patterns):,} distinct (HumanEval {benchmarks[0].describe()['needles']}, "
          f"{args.items:,} synthetic MBPP-like items), min_chars {min_chars}; loaded in {loaded:.2f} s")
    print(f"files: {len(texts):,}, {size / 1e6:.1f} MB ({'bench corpus ' + args.corpus if args.corpus else 'installed source trees'})")
    start = time.perf_counter()
    hits = sum(matcher.first(text) is not None for text in texts)
    ours = time.perf_counter() - start
    print(f"codestack (Aho-Corasick, ahocorasick-rs): {size / 1e6 / (ours + built):.1f} MB/s per core "
          f"({ours:.2f} s + automaton {built:.2f} s), {hits} files matched")
    peer_texts, peer_size = [], 0
    for text in texts:
        peer_texts.append(text)
        peer_size += len(text.encode("utf-8"))
        if peer_size >= args.peer_megabytes * 1e6:
            break
    needles = list(table.patterns)
    start = time.perf_counter()
    peer_hits = sum(any(needle in haystack for needle in needles) for haystack in map(normalize, peer_texts))
    peer = time.perf_counter() - start
    start = time.perf_counter()
    same_hits = sum(matcher.first(text) is not None for text in peer_texts)
    same = time.perf_counter() - start + built
    assert same_hits == peer_hits, (same_hits, peer_hits)
    print(f"naive per-needle `in` loop on the first {peer_size / 1e6:.1f} MB: {peer_size / 1e6 / peer:.2f} MB/s "
          f"per core; codestack on the same text {peer_size / 1e6 / same:.1f} MB/s: {peer / same:.0f}x "
          f"(same {same_hits} files matched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
