"""codestack demo --output DIR: sample repositories -> full build -> release in DIR."""

from __future__ import annotations

import os
import sys
import tempfile


def register(sub) -> None:
    parser = sub.add_parser(
        "demo",
        help="build a release from built-in sample repositories",
        description="Create sample git repositories in a temporary folder (several languages and "
        "licenses, duplicates, PII, binaries), run the full pipeline on them with the local "
        "runner, and write the release to DIR.",
        epilog="example:\n  codestack demo --output demo-release && codestack verify demo-release",
    )
    parser.add_argument("--output", required=True, metavar="DIR")
    parser.add_argument("--workers", type=int, default=1, metavar="N")
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipeline.build import run_build, summary_table
    from pipeline.samples import build_samples

    with tempfile.TemporaryDirectory(prefix="codestack-demo-") as tmp:
        repos = os.path.join(tmp, "repos")
        build_samples(repos)
        manifest = run_build(f"git:{repos}", args.output, "0.1.0", workers=args.workers, beam_args=[])
    print(summary_table(manifest), file=sys.stderr)
    print(f"release: {os.path.abspath(args.output)}  (check it: codestack verify {args.output})", file=sys.stderr)
    print(os.path.abspath(args.output))
    return 0
