"""Opt-out registry: validate/load time of a large registry, and matching throughput.

    python bench/bench_optout.py [--entries 10000] [--origins 200000] [--seed 6]

Generates a canonical registry of N entries (owners, repositories, origins) and
M origins in mixed URL spellings (a tenth of them opted out), then measures:
``validate`` + ``load`` of the file (what CI and every build do), and
``Matcher.match`` over the origins (what the ``optout`` stage does per file).
Peer, measured in the same run: The Stack v2-style exact, case-sensitive
``repo_name in set`` lookup (which misses the differently-cased and renamed
ones: its miss count is printed).

Times are CPU seconds of this process (``time.process_time``): the work is
single-threaded and CPU-bound, and the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from registry import dumps, load, make_entry, validate  # noqa: E402

from _common import commit

REF = "https://github.com/codestack-demo/codestack/issues/6"


def name(rng: random.Random, n: int = 10) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-") for _ in range(n)).strip("-") or "x"


def spell(rng: random.Random, owner: str, repo: str) -> str:
    o = "".join(c.upper() if rng.random() < 0.3 else c for c in owner)
    form = rng.choice(["https://github.com/{o}/{r}", "https://www.github.com/{o}/{r}.git", "git@github.com:{o}/{r}.git",
                       "ssh://git@github.com/{o}/{r}", "https://github.com/{o}/{r}/"])
    return form.format(o=o, r=repo)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--origins", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    owners = sorted({name(rng) for _ in range(args.entries // 2)})
    repos = sorted({(name(rng), name(rng, 8)) for _ in range(args.entries // 4)})
    entries = [make_entry("owner", o, REF, "2024-06-03") for o in owners]
    entries += [make_entry("repository", f"{o}/{r}", REF, "2024-06-03", 1000 + i) for i, (o, r) in enumerate(repos)]
    entries += [make_entry("origin", f"https://gitlab.com/{name(rng)}/{name(rng)}", REF, "2024-06-03")
                for _ in range(args.entries - len(entries))]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "optout.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(dumps(entries))
        size = os.path.getsize(path)
        t = time.process_time()
        problems = validate(path)
        t_validate = time.process_time() - t
        t = time.process_time()
        registry = load(path)
        t_load = time.process_time() - t
    assert not problems, problems[:3]
    matcher = registry.matcher()

    origins, truth = [], []
    for _ in range(args.origins):
        if rng.random() < 0.1:
            if rng.random() < 0.5:
                owner, repo = rng.choice(owners), name(rng, 8)
            else:
                owner, repo = rng.choice(repos)
            truth.append(True)
        else:
            owner, repo, _ = name(rng) + "z", name(rng, 8), truth.append(False)
        origins.append((spell(rng, owner, repo), f"{owner}/{repo}"))

    t = time.process_time()
    hits = [bool(matcher.match(origin_url=url)) for url, _ in origins]
    t_match = time.process_time() - t
    assert hits == truth

    # the optout stage: files in repository order (20 per origin), cached per origin per worker
    from transforms.optout import CachedMatcher

    cached = CachedMatcher(matcher)
    files = [url for url, _ in origins[: args.origins // 20] for _ in range(20)]
    t = time.process_time()
    for url in files:
        cached.match(origin_url=url)
    t_files = time.process_time() - t

    # peer: exact, case-sensitive repo_name membership, as The Stack v2 applied its opt-outs
    exact = {f"{o}/{r}" for o, r in repos}
    spelled = [url.split("github.com")[1].lstrip("/:").removesuffix("/").removesuffix(".git") for url, _ in origins]
    t = time.process_time()
    peer = [s in exact for s in spelled]
    t_peer = time.process_time() - t
    missed = sum(1 for p, want in zip(peer, truth) if want and not p)

    print(f"commit {commit()}  seed {args.seed}")
    print(f"registry: {len(registry):,} entries, {size / 1e6:.2f} MB; validate {t_validate:.2f} s "
          f"({len(registry) / t_validate:,.0f} entries/s), load {t_load:.2f} s")
    print(f"codestack Matcher.match: {args.origins:,} origins in {t_match:.2f} s = {args.origins / t_match:,.0f} origins/s; "
          f"{sum(hits):,} opted out, 0 missed")
    print(f"optout stage core (CachedMatcher, 20 files per origin): {len(files) / t_files:,.0f} files/s")
    print(f"peer (exact case-sensitive repo_name set): {args.origins / t_peer:,.0f} lookups/s; "
          f"missed {missed:,} of {sum(truth):,} opted-out origins")


if __name__ == "__main__":
    main()
