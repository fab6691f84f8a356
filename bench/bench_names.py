"""Person names (``transforms/redact/names.py``): speed on real files, and a dev sample to review.

    python bench/bench_names.py [--megabytes 4] [--seed 0] [--show 150] [--high]

Speed: the installed Python distributions' text files (``bench/bench_redact.py``'s
:func:`real_files`), shuffled with the seed, within the budget. Timed as the redactor runs
the finder: one Aho-Corasick pass over the lower-cased text for :attr:`NameFinder.anchors`,
then :meth:`NameFinder.find` on each anchored line once. Reported: ms per MB (CPU, this
process) for the pass and for the finder, lines sent to the finder per MB, names found.

Dev sample (``--show N``): N attribution lines (copyright, author, maintainer, written by,
trailers, TODO owners) drawn with the seed from the same installed files at run time, each
printed with what the finder returns; nothing of that third-party text is stored here. The
figures in the redact package's notes came from labelling such samples by hand.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

_CONTEXT = re.compile(r"copyright|©|\(c\) ?[12]\d{3}|author(?!i[sz]|it)|maintainer|written by|-by:|todo\(|"
                      r"created by|contributed by|developed by", re.IGNORECASE)


def _lines_of(text: str, ends):
    seen = set()
    for end in ends:
        start = text.rfind("\n", 0, end) + 1
        if start in seen:
            continue
        seen.add(start)
        stop = text.find("\n", end)
        yield start, len(text) if stop < 0 else stop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print N attribution lines with the finder's names")
    parser.add_argument("--high", action="store_true", help="sensitivity high (names_need_list False)")
    args = parser.parse_args(argv)

    import ahocorasick_rs

    from bench_redact import real_files
    from transforms.redact.config import RedactConfig
    from transforms.redact.names import NameFinder

    t0 = time.process_time()
    finder = NameFinder(RedactConfig(sensitivity="high" if args.high else "default"))
    setup = time.process_time() - t0
    automaton = ahocorasick_rs.AhoCorasick(list(finder.anchors), implementation=ahocorasick_rs.Implementation.DFA)
    files = real_files(args.megabytes, args.seed)
    size = sum(len(text.encode("utf-8")) for _, text in files) / 1e6
    t_pass = t_find = 0.0
    lines = found = 0
    for _, text in files:
        t1 = time.process_time()
        ends = [end for _, _, end in automaton.find_matches_as_indexes(text.lower(), overlapping=True)]
        spans = list(_lines_of(text, ends)) if len(text.lower()) == len(text) else []
        t2 = time.process_time()
        for start, stop in spans:
            found += sum(1 for _ in finder.find(text, start, stop))
        t3 = time.process_time()
        t_pass += t2 - t1
        t_find += t3 - t2
        lines += len(spans)
    print(f"setup (load {len(finder.given)} given names): {setup * 1000:.0f} ms")
    print(f"{len(files)} files, {size:.2f} MB: anchor pass {t_pass / size * 1000:.1f} ms/MB, "
          f"finder {t_find / size * 1000:.1f} ms/MB, {lines / size:.0f} anchored lines/MB, {found} names")

    if args.show:
        candidates = set()
        for _, text in real_files(max(args.megabytes, 200.0), args.seed):
            for line in text.splitlines():
                if len(line) < 300 and _CONTEXT.search(line):
                    candidates.add(line.strip())
        sample = sorted(candidates)
        random.Random(args.seed).shuffle(sample)
        for i, line in enumerate(sample[:args.show]):
            names = [line[s:e] for s, e, _ in finder.find(line, 0, len(line))]
            print(f"{i:4d} {'+' if names else ' '} {names} | {line[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
