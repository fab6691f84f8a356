"""Decontamination measured on real files this project did not write.

Real files: the source trees installed on this machine (CPython's standard library,
/usr/include's C and C++ headers, the virtualenv's site-packages: Python, C, C++,
JavaScript, Rust, ...), split in two by the sha1 of their path:

- the **tuning** half (sha1's first byte even) is the only one ``--tune`` reads: the
  distribution of single-line lengths (normalized: lowercased, whitespace removed) and,
  for each candidate ``min_chars``, how many untouched files a needle of at least that
  length matches. ``decontaminate.min_chars`` was chosen there, once;
- the **held-out** half is what the figures are reported on: untouched files (any
  file dropped is a false positive, unless it really holds the benchmark) and the same
  files with a HumanEval item planted (prompt and canonical solution) in one of five
  ways: verbatim, re-indented (nested in a class), its docstring re-wrapped at another
  width, the whole file turned to CRLF, and inside a larger function (extra
  statements before and after, all re-indented). At least 99% of planted files must be
  dropped and at most 0.5% of untouched ones.

    python bench/eval_decontaminate.py            # held-out figures at the configured min_chars
    python bench/eval_decontaminate.py --tune     # the tuning half's figures
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import site
import sys
import sysconfig
import textwrap
import time
from typing import Dict, Iterator, List, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from transforms.decontaminate import DecontaminateConfig, Matcher, NeedleTable, load_benchmarks, normalize  # noqa: E402
from transforms.decontaminate.benchmarks import builtin_humaneval, read_rows  # noqa: E402

SUFFIXES = (".py", ".pyi", ".c", ".h", ".cc", ".cpp", ".hpp", ".js", ".ts", ".rs", ".go", ".java", ".rb", ".pl",
            ".sh", ".md", ".rst", ".txt", ".json", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".html", ".css", ".pyx")
MAX_BYTES = 1 << 20


def default_roots() -> List[str]:
    roots = [sysconfig.get_paths()["stdlib"], "/usr/include"]
    roots += [p for p in site.getsitepackages() if os.path.isdir(p)]
    return [r for r in roots if os.path.isdir(r)]


def real_files(roots: List[str], limit_bytes: int) -> Iterator[Tuple[str, str]]:
    """``(path, text)`` of UTF-8 text files under ``roots``, in sorted order, up to ``limit_bytes``."""
    total = 0
    seen = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                real = os.path.realpath(path)
                if real in seen:
                    continue
                seen.add(real)
                try:
                    if os.path.getsize(path) > MAX_BYTES:
                        continue
                    with open(path, "rb") as handle:
                        raw = handle.read()
                    text = raw.decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if not text.strip():
                    continue
                total += len(raw)
                yield path, text
                if total >= limit_bytes:
                    return


def half_of(path: str) -> str:
    return "tune" if hashlib.sha1(path.encode()).digest()[0] % 2 == 0 else "heldout"


def humaneval_items() -> List[Dict[str, str]]:
    path, raw, _source = builtin_humaneval()
    return [row for _where, row in read_rows(path, raw)]


# ---------------------------------------------------------------------------- planting


def _indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(keepends=True))


def _rewrap_docstring(prompt: str, width: int) -> str:
    """The prompt with each docstring paragraph re-flowed at ``width`` (doctest lines kept)."""
    for quote in ('"""', "'''"):
        if prompt.count(quote) >= 2:
            head, _q, rest = prompt.partition(quote)
            body, _q, tail = rest.partition(quote)
            lines = body.split("\n")
            indent = next((ln[: len(ln) - len(ln.lstrip())] for ln in lines if ln.strip()), "    ")
            out, para = [], []

            def flush():
                if para:
                    out.extend(textwrap.wrap(" ".join(para), width, initial_indent=indent, subsequent_indent=indent,
                                             break_on_hyphens=False, break_long_words=False))
                    para.clear()

            for line in lines:
                stripped = line.strip()
                if not stripped or stripped.startswith(">>>") or not para and line != lines[0] and out and \
                        out[-1].strip().startswith(">>>"):
                    flush()
                    out.append(line)
                else:
                    para.append(stripped)
            flush()
            return head + quote + "\n".join(out) + quote + tail
    return prompt


def plant(text: str, item: Dict[str, str], how: str, rng: random.Random) -> str:
    block = item["prompt"] + item["canonical_solution"]
    if how == "reindented":
        block = "class Solutions:\n" + _indent(block, rng.choice(["    ", "\t", "        "]))
    elif how == "rewrapped":
        block = _rewrap_docstring(item["prompt"], rng.randint(40, 100)) + item["canonical_solution"]
    elif how == "prompt_only":  # a partial item: the problem without its solution
        block = item["prompt"] + "    pass\n"
    elif how == "solution_only":  # a partial item: the solution alone, in another function
        block = "def solve(*args):\n" + item["canonical_solution"]
    elif how == "inside_function":
        block = ("def run_all(cases):\n    results = []\n    for case in cases:\n        results.append(case)\n"
                 + _indent(block, "    ") + "    total = len(results)\n    return total, results\n")
    lines = text.splitlines(keepends=True)
    at = rng.randint(0, len(lines))
    planted = "".join(lines[:at]) + ("\n" if at and not lines[at - 1].endswith("\n") else "") + block + "\n" \
        + "".join(lines[at:])
    if how == "crlf":
        planted = planted.replace("\r\n", "\n").replace("\n", "\r\n")
    return planted


WAYS = ("verbatim", "reindented", "rewrapped", "crlf", "inside_function")
#: partial items, reported apart (not part of the 99% target): a solution shorter than
#: min_chars is not a needle, by design
PARTIAL = ("prompt_only", "solution_only")


# ---------------------------------------------------------------------------- runs


def tune(files: List[Tuple[str, str]]) -> None:
    lengths = []
    for _path, text in files:
        lengths.extend(len(normalize(line)) for line in text.splitlines() if line.strip())
    lengths.sort()
    pct = {p: lengths[min(len(lengths) - 1, int(len(lengths) * p))] for p in (0.5, 0.9, 0.99, 0.995, 0.999, 0.9999)}
    print(f"tuning half: {len(files)} files, {len(lengths)} non-blank lines")
    print("normalized line length percentiles: " + ", ".join(f"p{p * 100:g} {v}" for p, v in pct.items()))
    table = NeedleTable.from_benchmarks(load_benchmarks(["humaneval"], 1))
    matcher = Matcher(table)
    shortest: List[int] = []  # per matched file: its longest matching needle
    for path, text in files:
        found = matcher.matches(text)
        if found:
            longest = max(len(normalize(text[m.start:m.end])) for m in found)
            shortest.append(longest)
            print(f"  untouched file matched (longest needle {longest} chars): {path}")
    for cut in (8, 16, 24, 32, 48, 64, 80, 96, 128):
        n = sum(1 for v in shortest if v >= cut)
        print(f"  min_chars {cut:4d}: {n} of {len(files)} untouched files matched ({n / max(1, len(files)):.4%})")


def evaluate(files: List[Tuple[str, str]], min_chars: int, planted_files: int, seed: int) -> None:
    benchmarks = load_benchmarks(["humaneval"], min_chars)
    matcher = Matcher(NeedleTable.from_benchmarks(benchmarks))
    print(f"held-out half: {len(files)} untouched files, {sum(len(t) for _p, t in files) / 1e6:.1f} MB; "
          f"min_chars {min_chars}: {benchmarks[0].describe()['needles']} needles "
          f"({benchmarks[0].too_short} too short)")
    start = time.perf_counter()
    false_positives = [(path, matcher.first(text)) for path, text in files if matcher.first(text) is not None]
    elapsed = time.perf_counter() - start
    print(f"untouched files dropped: {len(false_positives)} of {len(files)} "
          f"({len(false_positives) / max(1, len(files)):.3%}; target <= 0.5%)  [{elapsed:.1f} s, two passes]")
    for path, found in false_positives[:20]:
        print(f"  {found[0]} {found[1]}: {path}")
    rng = random.Random(seed)
    items = humaneval_items()
    chosen = rng.sample(files, min(planted_files, len(files)))
    per_way: Dict[str, List[int]] = {way: [0, 0] for way in WAYS}
    misses = []
    for index, (path, text) in enumerate(chosen):
        way = WAYS[index % len(WAYS)]
        item = items[rng.randrange(len(items))]
        planted = plant(text, item, way, rng)
        per_way[way][1] += 1
        if matcher.first(planted) is not None:
            per_way[way][0] += 1
        else:
            misses.append((way, item["task_id"], path))
    dropped = sum(v[0] for v in per_way.values())
    total = sum(v[1] for v in per_way.values())
    print(f"planted files dropped: {dropped} of {total} ({dropped / max(1, total):.2%}; target >= 99%)")
    for way, (hit, n) in per_way.items():
        print(f"  {way:16s} {hit:5d} / {n:5d}  {hit / max(1, n):.2%}")
    for way, task, path in misses[:20]:
        print(f"  missed: {way} {task} in {path}")
    print("partial items (not in the target: a solution below min_chars is no needle):")
    for way in PARTIAL:
        hit = 0
        for path, text in chosen[:1000]:
            item = items[rng.randrange(len(items))]
            hit += matcher.first(plant(text, item, way, rng)) is not None
        print(f"  {way:16s} {hit:5d} / {min(1000, len(chosen)):5d}  {hit / max(1, min(1000, len(chosen))):.2%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="the tuning half's figures (what min_chars was chosen on)")
    parser.add_argument("--megabytes", type=float, default=400, help="real files to read, both halves together")
    parser.add_argument("--planted", type=int, default=5000, help="held-out files to plant an item in")
    parser.add_argument("--min-chars", type=int, default=DecontaminateConfig().min_chars)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--root", action="append", default=None, help="folders of real files (default: installed trees)")
    args = parser.parse_args()
    roots = args.root or default_roots()
    print(f"roots: {', '.join(roots)}")
    files = list(real_files(roots, int(args.megabytes * 1e6)))
    wanted = "tune" if args.tune else "heldout"
    part = [(p, t) for p, t in files if half_of(p) == wanted]
    if args.tune:
        tune(part)
    else:
        evaluate(part, args.min_chars, args.planted, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
