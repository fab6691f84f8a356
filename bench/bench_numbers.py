"""Card and phone finders (transforms/redact/numbers.py) on real files: prefilter selectivity and cost.

    python bench/bench_numbers.py [--megabytes 2] [--seed 0] [--sensitivity default] [--matcher]

The files are bench/bench_redact.py's (``real_files``: the installed distributions' text files,
shuffled with the seed, up to the budget). For each finder: the ``hint`` scan over every file
(ms per MB), the lines it marks (per MB), then ``find`` on those lines only, as the redactor runs
it (ms per MB), and the findings. ``--matcher`` also times ``phonenumbers.PhoneNumberMatcher``
(leniency VALID, region US) on the same marked lines, the alternative to parse + is_valid_number
on the finder's own candidates. CPU time of this process (``time.process_time``), best of
``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)


def marked_lines(hint, text):
    """``(start, end)`` of the lines holding a match of ``hint``, each once, in order."""
    out = []
    last = -1
    for match in hint.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if start == last:
            continue
        last = start
        end = text.find("\n", match.end())
        out.append((start, len(text) if end < 0 else end))
    return out


def time_finder(finder, texts, repeat):
    best_hint = best_find = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        lines = [marked_lines(finder.hint, text) for text in texts]
        t1 = time.process_time()
        found = []
        for text, spans in zip(texts, lines):
            for start, end in spans:
                for s, e, kind in finder.find(text, start, end):
                    found.append((text[s:e], text[start:end]))
        t2 = time.process_time()
        best_hint, best_find = min(best_hint, t1 - t0), min(best_find, t2 - t1)
    return best_hint, best_find, sum(len(spans) for spans in lines), lines, found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=2.0, help="real text to scan (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed of the real files (default 0)")
    parser.add_argument("--sensitivity", default="default", choices=("low", "default", "high"))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is shown (default 3)")
    parser.add_argument("--matcher", action="store_true", help="also time phonenumbers.PhoneNumberMatcher")
    parser.add_argument("--show", type=int, default=20, help="findings shown per finder (default 20)")
    args = parser.parse_args(argv)

    from bench_redact import real_files
    from transforms.redact import RedactConfig
    from transforms.redact.numbers import CardFinder, PhoneFinder

    files = real_files(args.megabytes, args.seed)
    texts = [text for _, text in files]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n_lines = sum(t.count("\n") + 1 for t in texts)
    print(f"real files: {len(texts)} files, {mb:.2f} MB, {n_lines} lines (seed {args.seed}); "
          f"sensitivity {args.sensitivity}")
    config = RedactConfig(sensitivity=args.sensitivity)
    total = 0.0
    phone_lines = None
    for name, finder in (("cards", CardFinder(config)), ("phones", PhoneFinder(config))):
        hint_s, find_s, marked, lines, found = time_finder(finder, texts, args.repeat)
        total += hint_s + find_s
        if name == "phones":
            phone_lines = lines
        print(f"{name:7s} hint {hint_s * 1000 / mb:6.2f} ms/MB  find {find_s * 1000 / mb:6.2f} ms/MB  "
              f"total {(hint_s + find_s) * 1000 / mb:6.2f} ms/MB   lines marked {marked / mb:7.1f}/MB "
              f"({marked} of {n_lines})   found {len(found)}")
        for value, line in found[:args.show]:
            print(f"          {value!r:28s} in {line.strip()[:100]!r}")
    print(f"both    {total * 1000 / mb:6.2f} ms/MB")
    if args.matcher:
        import phonenumbers

        t0 = time.process_time()
        matches = 0
        for text, spans in zip(texts, phone_lines):
            for start, end in spans:
                for _ in phonenumbers.PhoneNumberMatcher(text[start:end], "US", leniency=phonenumbers.Leniency.VALID):
                    matches += 1
        elapsed = time.process_time() - t0
        print(f"PhoneNumberMatcher(VALID, US) on the same marked lines: {elapsed * 1000 / mb:6.2f} ms/MB, "
              f"{matches} matches (no context rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
