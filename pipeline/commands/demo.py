"""codestack demo --output DIR: sample repositories -> SWH-layout export -> full build -> release in DIR.

The demo runs the full-run source: the sample git repositories are turned into a
Software Heritage graph export (ORC tables) and a content store (gzip blobs) in a
temporary folder, and the build reads ``swh-export:`` from there.
"""

from __future__ import annotations

import os
import sys
import tempfile


def register(sub) -> None:
    parser = sub.add_parser(
        "demo",
        help="build a release from built-in sample repositories",
        description="Create sample git repositories in a temporary folder (several languages and "
        "licenses, duplicates, PII, binaries), turn them into a Software Heritage graph export and "
        "content store, run the full pipeline on that with the local runner, and write the release to DIR.",
        epilog="example:\n  codestack demo --output demo-release && codestack verify demo-release",
    )
    parser.add_argument("--output", required=True, metavar="DIR")
    parser.add_argument("--workers", type=int, default=1, metavar="N")
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipeline.build import run_build, summary_table
    from pipeline.samples import build_samples
    from pipeline.swh_fixtures import build_export

    with tempfile.TemporaryDirectory(prefix="codestack-demo-") as tmp:
        repos = build_samples(os.path.join(tmp, "repos"))
        export, content = os.path.join(tmp, "export"), os.path.join(tmp, "content")
        build_export(repos.values(), export, content)
        manifest = run_build(f"swh-export:{export}", args.output, "0.1.0", workers=args.workers, beam_args=[],
                             source_options={"content_store": content})
    print(summary_table(manifest), file=sys.stderr)
    print(f"release: {os.path.abspath(args.output)}  (check it: codestack verify {args.output})", file=sys.stderr)
    print(os.path.abspath(args.output))
    return 0
