"""ScanCode's approximate license matching, as shipped vs behind codestack's candidate filter.

Every license-like file (LICENSE, COPYING, NOTICE, ...) of the Python distributions
installed here is matched approximately twice in one process: once with ScanCode's
own ``match_set.compute_candidates`` and ``high_tids_set_subset``, once with the
versions ``transforms.license.install_candidate_filter`` puts in front of them. It
prints the time of each, the ratio, and whether every file got the same matches
(rule, span and score of each) and the same detected expressions; the exact-coverage
shortcut of ``Scanner`` is off in both runs, so both match every file approximately.

    python bench/bench_license_candidates.py [--max-files 200]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import commit  # noqa: E402


def license_texts(limit: int):
    from transforms.license import is_license_file

    seen, texts = set(), []
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        for file in sorted(dist.files or (), key=str):
            path = str(file)
            if "__pycache__" in path or not is_license_file(path):
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError, ValueError):
                continue
            if text.strip() and text not in seen:
                seen.add(text)
                texts.append((f"{dist.metadata['Name']}:{path}", text))
    return texts[:limit]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-files", type=int, default=200)
    args = parser.parse_args(argv)

    from licensedcode import match_set

    from transforms import license as lic

    engine = lic.make_engine()
    index = engine.scanner._index
    scanner = lic.Scanner(index, cache_entries=0, exact_coverage=2.0)  # > 1: always approximate
    filtered = (match_set.compute_candidates, match_set.high_tids_set_subset)
    original = tuple(f.scancode_original for f in filtered)
    texts = license_texts(args.max_files)

    def run(functions):
        match_set.compute_candidates, match_set.high_tids_set_subset = functions
        start = time.process_time()
        out = []
        for _name, text in texts:
            matches = index.match(query_string=text, approximate=True)
            out.append(([(m.rule.identifier, m.qspan.start, m.qspan.end, m.score()) for m in matches],
                        scanner.detect(text, approximate=True).expressions))
        return out, time.process_time() - start

    try:
        theirs, theirs_seconds = run(original)
        ours, our_seconds = run(filtered)
    finally:
        match_set.compute_candidates, match_set.high_tids_set_subset = filtered
    differing = [name for (name, _text), a, b in zip(texts, theirs, ours) if a != b]
    megabytes = sum(len(text) for _name, text in texts) / 1e6
    print(f"codestack license candidate filter benchmark  commit {commit()}")
    print(f"{len(texts)} distinct license-like files of the installed distributions, {megabytes:.2f} MB, "
          f"each matched approximately (cpu seconds)")
    print(f"  ScanCode as shipped:        {theirs_seconds:7.2f} s")
    print(f"  behind the candidate filter: {our_seconds:6.2f} s   ({theirs_seconds / our_seconds:.1f}x faster)")
    print(f"  files with different matches or expressions: {len(differing)}" +
          (f" ({', '.join(differing[:5])})" if differing else ""))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
