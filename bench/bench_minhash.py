"""Benchmark of near dedup's MinHash signatures against datasketch 2.0 and rensa.

Corpus: real ~10 KB source files (``.py`` files of 8-12 KB from the installed
site-packages, a seeded sample). Every implementation goes from the text to a
256-permutation signature of its 5-gram word shingles (lowercased ``\\w+``
tokens), one thread, in the same run:

- codestack: ``MinHasher.signatures`` on batches of ``--batch`` texts;
- datasketch 2.0 ``MinHash(256, seed)`` with its default hash (sha1_hash32,
  affine32 scheme): ``update_batch`` of the shingles as bytes;
- rensa ``RMinHash(256, seed).update(shingles)`` (its documented use), and
  rensa's batch API ``RMinHash.digest_matrix_from_token_byte_sets``.

The peers get the shingles built from the same fast tokens (``b" ".join`` of 5
tokens): the cost of building one item per shingle is part of their API.
Throughput is signatures per CPU-second of this process (``time.process_time``,
best of ``--repeat`` rounds in which the implementations take turns; rensa's
thread pool is pinned to one thread), so figures are per core even on a busy machine.

Accuracy: pairs (file, edited copy) with token replacements drawn so the exact
Jaccard spreads over [0, 1]; RMSE of each estimate against the exact Jaccard of
the shingle sets (computed by brute force).

    /work/venv/bin/python bench/bench_minhash.py [--files 400] [--pairs 300] [--seed 0] [--repeat 7]
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import sys
import sysconfig
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # rensa: one core, like the others

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from transforms.dedup.minhash import MinHasher, estimated_jaccard, shingle_hash, shingles, tokenize  # noqa: E402

from _common import commit

NUM_PERM = 256
NGRAM = 5
MINHASH_SEED = 1




def corpus(count: int, seed: int, low: int = 8_000, high: int = 12_000):
    root = sysconfig.get_paths()["purelib"]
    paths = [p for p in sorted(glob.glob(os.path.join(root, "**", "*.py"), recursive=True))
             if low <= os.path.getsize(p) <= high]
    random.Random(seed).shuffle(paths)
    texts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                texts.append(handle.read())
        except (UnicodeDecodeError, OSError):
            continue
        if len(texts) == count:
            break
    return texts


def shingle_items(text: str):
    toks = tokenize(text)
    return [b" ".join(toks[i : i + NGRAM]) for i in range(len(toks) - NGRAM + 1)]


def codestack_run(texts, batch):
    hasher = MinHasher(NUM_PERM, MINHASH_SEED, NGRAM)
    out = []
    for i in range(0, len(texts), batch):
        out.extend(hasher.signatures(texts[i : i + batch]))
    return out


def datasketch_run(texts):
    from datasketch import MinHash

    out = []
    for text in texts:
        m = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
        m.update_batch(shingle_items(text))
        out.append(m)
    return out


def rensa_run(texts):
    from rensa import RMinHash

    out = []
    for text in texts:
        m = RMinHash(NUM_PERM, MINHASH_SEED)
        m.update(shingle_items(text))
        out.append(m)
    return out


def rensa_matrix_run(texts, batch):
    from rensa import RMinHash

    out = []
    for i in range(0, len(texts), batch):
        matrix = RMinHash.digest_matrix_from_token_byte_sets([shingle_items(t) for t in texts[i : i + batch]],
                                                             NUM_PERM, MINHASH_SEED)
        out.append(matrix)
    return out


def timed(runs, repeat):
    """``{name: (best CPU seconds, best wall seconds)}``; the runs interleave round after
    round, so a change of load on a shared machine hits them all alike."""
    best = {name: (float("inf"), float("inf")) for name, _fn in runs}
    for _ in range(repeat):
        for name, fn in runs:
            cpu, wall = time.process_time(), time.perf_counter()
            fn()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            best[name] = (min(best[name][0], cpu), min(best[name][1], wall))
    return best


def edited_pairs(texts, count, seed):
    """``(original, edited)`` token texts whose exact Jaccard spreads over [0, 1]."""
    rng = random.Random(seed)
    vocab = sorted({t for text in texts[:50] for t in tokenize(text)})
    pairs = []
    for k in range(count):
        toks = tokenize(texts[k % len(texts)])
        target = rng.uniform(0.0, 1.0)
        keep = (2 * target / (1 + target)) ** (1 / NGRAM)  # share of tokens kept for that Jaccard
        edited = [t if rng.random() < keep else rng.choice(vocab) for t in toks]
        pairs.append((b" ".join(toks).decode(), b" ".join(edited).decode()))
    return pairs


def exact_jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(a, NGRAM)), set(shingles(b, NGRAM))
    return len(sa & sb) / len(sa | sb)


def rmse(estimates, truth):
    return float(np.sqrt(np.mean((np.asarray(estimates) - np.asarray(truth)) ** 2)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    from importlib.metadata import version

    import datasketch

    texts = corpus(args.files, args.seed)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"bench_minhash  commit {commit()}  seed {args.seed}  minhash seed {MINHASH_SEED}  "
          f"num_perm {NUM_PERM}  ngram {NGRAM}")
    print(f"corpus: {len(texts)} .py files from site-packages, {mb:.2f} MB, "
          f"mean {mb * 1e6 / len(texts) / 1e3:.1f} KB; datasketch {version('datasketch')}, rensa {version('rensa')}")

    # the signature is datasketch's, given the same hash function
    check = texts[:20]
    for text, sig in zip(check, MinHasher(NUM_PERM, MINHASH_SEED, NGRAM).signatures(check)):
        ref = datasketch.MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=shingle_hash)
        ref.update_batch(shingles(text, NGRAM))
        assert np.array_equal(sig, ref.hashvalues)
    print(f"codestack signature == datasketch.MinHash({NUM_PERM}, {MINHASH_SEED}, hashfunc=shingle_hash): "
          f"yes ({len(check)} files)")

    runs = [
        ("codestack MinHasher (numpy, batched)", lambda: codestack_run(texts, args.batch)),
        ("datasketch 2.0 MinHash, default sha1 hash", lambda: datasketch_run(texts)),
        ("rensa RMinHash.update", lambda: rensa_run(texts)),
        ("rensa digest_matrix_from_token_byte_sets", lambda: rensa_matrix_run(texts, args.batch)),
    ]
    figures = {}
    print(f"\n{'implementation':44} {'sig/s/core':>11} {'MB/s/core':>10} {'wall sig/s':>11}")
    for name, (cpu, wall) in timed(runs, args.repeat).items():
        figures[name] = len(texts) / cpu
        print(f"{name:44} {len(texts) / cpu:11.0f} {mb / cpu:10.2f} {len(texts) / wall:11.0f}")
    ours = figures[runs[0][0]]
    print(f"\ncodestack vs datasketch: {ours / figures[runs[1][0]]:.1f}x;  vs rensa update: "
          f"{ours / figures[runs[2][0]]:.2f}x;  vs rensa batch API: {ours / figures[runs[3][0]]:.2f}x")

    pairs = edited_pairs(texts, args.pairs, args.seed)
    truth = [exact_jaccard(a, b) for a, b in pairs]
    hasher = MinHasher(NUM_PERM, MINHASH_SEED, NGRAM)
    ours_est, ds_est, rs_est = [], [], []
    for a, b in pairs:
        sa, sb = hasher.signatures([a, b])
        ours_est.append(estimated_jaccard(sa, sb))
        da, db = datasketch_run([a, b])
        ds_est.append(da.jaccard(db))
        ra, rb = rensa_run([a, b])
        rs_est.append(ra.jaccard(rb))
    truth_arr = np.asarray(truth)
    near = truth_arr >= 0.5
    print(f"\naccuracy: {len(pairs)} (file, edited copy) pairs, "
          f"exact Jaccard {truth_arr.min():.2f}..{truth_arr.max():.2f} "
          f"(mean {truth_arr.mean():.2f}; {int(near.sum())} pairs >= 0.5)")
    print(f"{'implementation':44} {'RMSE all':>9} {'RMSE J>=0.5':>12} {'max |err|':>10}")
    for name, est in (("codestack", ours_est), ("datasketch 2.0 (sha1)", ds_est), ("rensa RMinHash", rs_est)):
        est = np.asarray(est)
        print(f"{name:44} {rmse(est, truth_arr):9.4f} {rmse(est[near], truth_arr[near]):12.4f} "
              f"{np.abs(est - truth_arr).max():10.4f}")
    print(f"(expected for {NUM_PERM} permutations: sqrt(J(1-J)/{NUM_PERM}) <= {0.5 / NUM_PERM ** 0.5:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
