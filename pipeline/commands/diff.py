"""codestack diff OLD_DIR NEW_DIR: the changelog entry between two releases."""

from __future__ import annotations

import json
import os
import sys


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "diff",
        help="what changed between two releases (a CHANGELOG.md entry)",
        description="Compare two releases: files, content bytes and tokens added and removed per language, "
        "repositories added and removed, opt-out removals, config changes. Prints the same entry "
        "`codestack build --previous OLD_DIR` writes to CHANGELOG.md (or the numbers, with --format json).",
        epilog="examples:\n  codestack diff out/0.1.0 out/0.2.0\n  codestack diff out/0.1.0 out/0.2.0 --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", metavar="OLD_DIR")
    parser.add_argument("new", metavar="NEW_DIR")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.set_defaults(func=run)


def run(args) -> int:
    from manifests.changelog import diff_releases, format_entry, recorded_reasons
    from manifests.manifest import MANIFEST, read_manifest
    from pipeline.errors import UsageError

    for root in (args.old, args.new):
        if not os.path.isfile(os.path.join(root, MANIFEST)):
            raise UsageError(f"{root}: not a release (no {MANIFEST})")
    try:
        diff = diff_releases(args.old, args.new)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"cannot compare {args.old} and {args.new}: {exc.__class__.__name__}: {exc}") from exc
    reasons = recorded_reasons(diff, read_manifest(args.new))
    if args.format == "json":
        print(json.dumps({**diff, **({"reasons": reasons} if reasons else {})}, indent=2, sort_keys=True))
    else:
        sys.stdout.write(format_entry(diff, reasons=reasons))
    return 0
