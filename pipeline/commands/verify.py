"""codestack verify DIR: exit 0 only if every file and checksum holds."""

from __future__ import annotations

import sys


def register(sub) -> None:
    parser = sub.add_parser(
        "verify",
        help="check a release's files, checksums and manifest",
        description="Check every file of a release against SHA256SUMS and manifest.json "
        "(sha256, bytes, Parquet row counts; no missing or extra file), manifest.json against its "
        "JSON schema (manifests/manifest.schema.json), and each shard's Parquet schema and language "
        "against the release schema. Exit 1 on any problem.",
        epilog="example:\n  codestack verify out/0.1.0",
    )
    parser.add_argument("release", metavar="DIR")
    parser.set_defaults(func=run)


def run(args) -> int:
    from manifests.verify import verify_release

    problems = verify_release(args.release)
    for line in problems:
        print(line)
    if problems:
        print(f"codestack: {args.release}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"codestack: {args.release}: OK", file=sys.stderr)
    return 0
