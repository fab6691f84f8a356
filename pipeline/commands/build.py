"""codestack build --source SPEC --output DIR --release-version X.Y.Z [...] [BEAM FLAGS...]"""

from __future__ import annotations

import sys

EXAMPLES = """examples:
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0 --workers 2
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0 \\
      --config my.yaml --runner DataflowRunner --setup_file ./setup.py ...

Flags codestack does not know are passed to Beam unchanged."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "build",
        help="build a release from a source",
        description="Run the full pipeline on a source and write a release folder.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--source", required=True, metavar="SPEC", help="git:FOLDER (every git repository under FOLDER)")
    parser.add_argument("--output", required=True, metavar="DIR", help="the release folder to create")
    parser.add_argument("--release-version", required=True, metavar="X.Y.Z", help="semantic version of the release")
    parser.add_argument("--config", metavar="FILE", help="YAML overriding the defaults (see pipeline/defaults.yaml)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="local worker processes (default 1: in-process)")
    parser.set_defaults(func=run, accepts_extra=True)


def run(args) -> int:
    from pipeline.build import run_build, summary_table

    manifest = run_build(args.source, args.output, args.release_version, args.config, args.workers, args.extra)
    print(summary_table(manifest), file=sys.stderr)
    print(args.output)
    return 0
