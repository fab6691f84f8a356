"""codestack export RELEASE --format repo-documents --output DIR [...] [BEAM FLAGS...]"""

from __future__ import annotations

import sys

EXAMPLES = """examples:
  codestack export out/1.0.0 --format repo-documents --output out/1.0.0-docs
  codestack export out/1.0.0 --format repo-documents --output docs --tokenizer gemma/tokenizer.model \\
      --max-tokens 8192 --workers 2
  codestack export out/1.0.0 --format repo-documents --output docs --file-marker '<|file|>' --end-marker '<eos>'

One document per repository (or per part of one): the repository marker and name, then
each file as the file marker, its path, a newline and its text, files in dependency order
(a file after the files it imports, where imports can be read). Written as Parquet shards
(text, repo_name, files, num_tokens, languages) with a manifest, a card and SHA256SUMS;
`codestack verify DIR` checks it. The same release and options give the same bytes."""


def register(sub) -> None:
    import argparse

    from pipeline.export import ExportOptions
    from transforms.views.documents import Markers

    defaults, markers = ExportOptions(), Markers()
    parser = sub.add_parser(
        "export",
        help="write a training view of a release (repository documents)",
        description="Turn a release into repository documents for pretraining, as a Beam pipeline.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("release", metavar="RELEASE", help="a release folder (it must verify)")
    parser.add_argument("--format", choices=("repo-documents",), default="repo-documents")
    parser.add_argument("--output", required=True, metavar="DIR", help="the export folder to create")
    parser.add_argument("--max-bytes", type=int, default=defaults.max_bytes, metavar="N",
                        help=f"bytes of text a document holds at most (default {defaults.max_bytes:,}; 0: no limit)")
    parser.add_argument("--max-tokens", type=int, default=0, metavar="N",
                        help="tokens a document holds at most (needs --tokenizer; 0: no limit)")
    parser.add_argument("--tokenizer", metavar="FILE", help="count num_tokens with this SentencePiece model or tokenizer.json")
    parser.add_argument("--repo-marker", default=markers.repo, metavar="TEXT")
    parser.add_argument("--file-marker", default=markers.file, metavar="TEXT")
    parser.add_argument("--end-marker", default=markers.end, metavar="TEXT")
    parser.add_argument("--zstd-level", type=int, default=defaults.zstd_level, metavar="N",
                        help=f"zstd level of the shards (default {defaults.zstd_level}; releases use 9)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="local worker processes")
    parser.add_argument("--shard-staging", dest="staging_location", metavar="URI",
                        help="where a remote runner's workers write shards, e.g. gs://BUCKET/tmp")
    parser.set_defaults(func=run, accepts_extra=True)


def run(args) -> int:
    from pipeline.errors import UsageError
    from pipeline.export import run_export
    from transforms.views.documents import Markers

    if args.max_bytes < 0 or args.max_tokens < 0:
        raise UsageError("--max-bytes and --max-tokens must be 0 (no limit) or more")
    if args.max_tokens and not args.tokenizer:
        raise UsageError("--max-tokens needs --tokenizer (the tokens are counted with it)")
    if not 1 <= args.zstd_level <= 22:
        raise UsageError(f"--zstd-level {args.zstd_level}: must be 1 to 22")
    if not args.file_marker:
        raise UsageError("--file-marker must not be empty (it separates the files of a document)")
    manifest = run_export(args.release, args.output, markers=Markers(args.repo_marker, args.file_marker, args.end_marker),
                          max_bytes=args.max_bytes, max_tokens=args.max_tokens, tokenizer=args.tokenizer,
                          workers=args.workers, beam_args=args.extra, staging_location=args.staging_location,
                          zstd_level=args.zstd_level)
    totals = manifest["totals"]
    print(f"codestack: {totals['documents']:,} documents from {totals['repositories']:,} repositories "
          f"({totals['files']:,} files) in {totals['shards']} shards", file=sys.stderr)
    print(args.output)
    return 0
