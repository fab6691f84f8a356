"""How well ``codestack detect-license`` names the licenses of the current SPDX list.

The texts come from npm's ``spdx-license-list`` (CC0-1.0; one JSON file per SPDX id with
the list's canonical text), pinned by version and sha256 and fetched with ``npm pack``
into ``--cache`` (outside the repository) once. Each text is tried

* as a ``LICENSE`` file, and
* (texts up to 6,000 characters) as the header comment of a C file: re-wrapped at 80
  columns, a filled-in copyright line first, `` * `` prefixes, code after it,

through the same code as ``codestack detect-license PATH`` (:func:`transforms.license.detect_text`).
Right: the detected expression is the SPDX id (case-insensitively); "same text" also counts
an id with the same canonical text (``GPL-2.0-only`` for ``GPL-2.0-or-later``: no text tells them apart). Class: the policy's
class (permissive / non_permissive / no_license) of the detected expression against the
class of the expected id. The ids are split in two halves by the sha1 of the id: ``tune``
(look at its misses while changing rules) and ``held-out`` (report only); both are printed.

    python bench/eval_license_spdx.py [--cache DIR] [--misses tune] [--limit N]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import os
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from _common import commit  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "transforms", "data"))
from regenerate_spdx_texts import PACKAGE, VERSION, fetch as fetch_package, licenses as package_licenses  # noqa: E402

HEADER_MAX = 6000


def fetch(cache: str) -> str:
    """The pinned tarball in ``cache`` (fetched with ``npm pack`` once; sha256 checked)."""
    return fetch_package(cache)


def licenses(tarball: str):
    """``(spdx id, text)`` of every license of the list, sorted by id."""
    return sorted(package_licenses(tarball).items())


def family(spdx_id: str) -> str:
    """``GPL-2.0``, ``GPL-2.0-only``, ``GPL-2.0-or-later`` and ``GPL-2.0+`` share one canonical text."""
    low = spdx_id.lower()
    for suffix in ("-only", "-or-later", "+"):
        if low.endswith(suffix):
            return low[: -len(suffix)]
    return low


def half(spdx_id: str) -> str:
    return "tune" if hashlib.sha1(spdx_id.encode()).digest()[0] % 2 == 0 else "held-out"


def as_header(text: str, spdx_id: str) -> str:
    """The text as the header comment of a C file (re-wrapped at 80 columns, copyright filled in)."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r", "").split("\n\n")]
    lines = ["/*", f" * Copyright (c) 2021 Example Project Authors ({spdx_id.lower()}@example.org)", " *"]
    for paragraph in paragraphs:
        if not paragraph:
            continue
        lines += [" * " + line for line in textwrap.wrap(paragraph, 77)] + [" *"]
    lines[-1] = " */"
    return "\n".join(lines) + "\n\n#include <stdio.h>\n\nint main(void) { return puts(\"hi\") < 0; }\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/codestack/spdx-license-list"))
    parser.add_argument("--misses", choices=("tune", "held-out", "none"), default="none",
                        help="print the misses of that half")
    parser.add_argument("--limit", type=int, default=0, help="only the first N ids (a quick look)")
    args = parser.parse_args(argv)

    from transforms.base import DictCounter
    from transforms.license import LicenseConfig, detect_text, make_engine

    items = licenses(fetch(args.cache))
    if args.limit:
        items = items[: args.limit]
    engine = make_engine(LicenseConfig())
    results = collections.defaultdict(lambda: collections.Counter())
    misses = []
    for spdx_id, text in items:
        want = engine.spdx.classify(spdx_id)
        variants = [("LICENSE", "LICENSE", text)]
        if len(text) <= HEADER_MAX:
            variants.append(("header", "src/main.c", as_header(text, spdx_id)))
        for kind, path, content in variants:
            decision = detect_text(path, content, engine, DictCounter())
            got = decision.expression or ""
            right = got.lower() == spdx_id.lower()
            same_text = right or family(got) == family(spdx_id)
            got_class = decision.license_type
            bucket = results[(half(spdx_id), kind)]
            bucket["n"] += 1
            bucket["right"] += right
            bucket["same_text"] += same_text
            bucket["class_right"] += got_class == want
            if not same_text:
                misses.append((half(spdx_id), kind, spdx_id, got, got_class, want))
    print(f"codestack SPDX-list license evaluation  commit {commit()}  {PACKAGE} {VERSION} ({len(items)} ids)")
    print("right id: the SPDX id itself; same text: or an id with the same canonical text (GPL-2.0, -only,")
    print("-or-later); class: the policy's class of the detection is the expected id's")
    print(f"{'half':<9} {'as':<8} {'texts':>6} {'right id':>9} {'same text':>10} {'class right':>12}")
    for (part, kind), c in sorted(results.items()):
        print(f"{part:<9} {kind:<8} {c['n']:>6} {c['right'] / c['n']:>9.3f} {c['same_text'] / c['n']:>10.3f} "
              f"{c['class_right'] / c['n']:>12.3f}")
    if args.misses != "none":
        for part, kind, spdx_id, got, got_class, want in misses:
            if part == args.misses:
                print(f"  {kind:<7} {spdx_id:<40} got {got or '-':<50} {got_class} (want {want})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
