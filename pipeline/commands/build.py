"""codestack build --source SPEC --output DIR --release-version X.Y.Z [...] [BEAM FLAGS...]"""

from __future__ import annotations

import sys

EXAMPLES = """examples:
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0 --workers 2
  codestack build --source git:./repos --output out/0.2.0 --release-version 0.2.0 \
      --previous out/0.1.0 --tokenizer gemma/tokenizer.model
  codestack build --source swh-export:s3://softwareheritage/graph/2024-05-16 \\
      --content-store s3://softwareheritage/content --origin-prefix https://github.com/ \\
      --repo-metadata repos.parquet --output out/1.0.0 --release-version 1.0.0
  codestack build --source swh-api:origins.txt --output out/0.1.0 --release-version 0.1.0
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0 \
      --benchmark humaneval --benchmark mbpp=mbpp.jsonl --benchmark mine=gs://b/tasks.parquet:question,answer
  codestack build --source git:./repos --output out/0.1.0 --release-version 0.1.0 \\
      --config my.yaml --runner DataflowRunner --setup_file ./setup.py ...

Flags codestack does not know are passed to Beam unchanged; a flag Beam does not
know either (any PipelineOptions' flag, e.g. --runner, --project, --flink_master)
is an error that names the nearest known flag."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "build",
        help="build a release from a source",
        description="Run the full pipeline on a source and write a release folder.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--source", required=True, metavar="SPEC",
                        help="git:FOLDER (every git repository under FOLDER), swh-export:PATH_OR_URI "
                        "(an SWH graph export; needs --content-store) or swh-api:FILE (origin URLs, one a line; "
                        "SWH Web API, token from SWH_API_TOKEN)")
    parser.add_argument("--content-store", metavar="PATH_OR_URI",
                        help="swh-export: the gzip blobs by sha1, a folder or s3://softwareheritage/content "
                        "(CODESTACK_S3_ANONYMOUS=1 for unsigned reads)")
    parser.add_argument("--repo-metadata", metavar="FILE",
                        help="swh-export/swh-api: Parquet or CSV with repo_name, github_id, stars, forks, license, "
                        "default_branch, created_at, event_created_at, language")
    parser.add_argument("--as-of", metavar="DATE",
                        help="swh-export/swh-api: each origin's latest full visit at or before DATE (ISO-8601)")
    parser.add_argument("--origin-prefix", action="append", default=[], metavar="URL",
                        help="swh-export/swh-api: only origins starting with URL (repeatable)")
    parser.add_argument("--output", required=True, metavar="DIR", help="the release folder to create")
    parser.add_argument("--release-version", required=True, metavar="X.Y.Z", help="semantic version of the release")
    parser.add_argument("--config", metavar="FILE", help="YAML overriding the defaults (see pipeline/defaults.yaml)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="local worker processes (default 1: in-process)")
    parser.add_argument("--optout-registry", metavar="FILE",
                        help="opt-out registry to apply (default: the packaged registry/optout.yaml)")
    parser.add_argument("--previous", metavar="DIR",
                        help="the previous release: CHANGELOG.md gets an entry for what changed since it")
    parser.add_argument("--cache", metavar="URI",
                        help="per-blob results cache (a folder, gs://..., s3://...): read before, written after; "
                        "the release is the same with or without it, the next build costs what is new")
    parser.add_argument("--tokenizer", metavar="FILE",
                        help="fill num_tokens: a SentencePiece model (Gemma's tokenizer.model) or a tokenizer.json")
    parser.add_argument("--shard-staging", dest="staging_location", metavar="URI",
                        help="where workers write shards before the driver moves them into --output; needed "
                        "by remote runners, e.g. gs://BUCKET/tmp (default: DIR/.staging)")
    parser.add_argument("--benchmark", action="append", default=[], metavar="SPEC",
                        help="drop files holding an item of this benchmark (repeatable; added to the config's "
                        "decontaminate.benchmarks): humaneval (built in, needs codestack[decontaminate]), "
                        "NAME=FILE with NAME a preset (mbpp, apps, gsm8k, ds1000, multipl-e, humaneval-x), or "
                        "NAME=FILE:FIELD,FIELD; FILE is JSONL, JSON or Parquet (.gz too), local or on any Beam filesystem")
    parser.add_argument("--clamd", metavar="ADDRESS",
                        help="scan every file with ClamAV through this clamd (unix:/run/clamav/clamd.ctl, "
                        "tcp:host:3310, ...); what it flags is dropped (config malware.clamd)")
    parser.add_argument("--mixture", metavar="FILE",
                        help="a pretraining mixture spec (YAML: budget, then alpha or weights, max_epochs) planned over "
                        "the release's token counts into manifest.json and the card's language table; needs --tokenizer")
    parser.add_argument("--sensitivity", choices=("low", "default", "high"),
                        help="redact.sensitivity: the redaction thresholds and kinds of one level (see pipeline/defaults.yaml)")
    parser.add_argument("--include-no-license", action="store_true",
                        help="also release files without any license evidence (config license.include_no_license)")
    parser.set_defaults(func=run, accepts_extra=True)


def run(args) -> int:
    from pipeline.build import run_build, summary_table

    config = None
    if args.include_no_license or args.benchmark or args.clamd or args.sensitivity:  # flags override the config file
        import dataclasses

        from pipeline.config import load_config

        config = load_config(args.config, {"redact": {"sensitivity": args.sensitivity}} if args.sensitivity else None)
        if args.include_no_license:
            config = dataclasses.replace(config, license=dataclasses.replace(config.license, include_no_license=True))
        if args.clamd:
            try:
                config = dataclasses.replace(config, malware=dataclasses.replace(config.malware, clamd=args.clamd))
            except ValueError as exc:
                from pipeline.errors import UsageError

                raise UsageError(f"--clamd {args.clamd}: {exc}") from exc
        if args.benchmark:
            benchmarks = tuple(config.decontaminate.benchmarks) + tuple(args.benchmark)
            config = dataclasses.replace(config, decontaminate=dataclasses.replace(config.decontaminate,
                                                                                   benchmarks=benchmarks))
    manifest = run_build(args.source, args.output, args.release_version, args.config, args.workers, args.extra,
                         config=config,
                         optout_registry=args.optout_registry, previous=args.previous, tokenizer=args.tokenizer,
                         source_options=dict(content_store=args.content_store, repo_metadata=args.repo_metadata,
                                             as_of=args.as_of, origin_prefixes=tuple(args.origin_prefix)),
                         staging_location=args.staging_location, mixture=args.mixture, cache=args.cache)
    if manifest.get("dry_run"):
        return 0
    print(summary_table(manifest), file=sys.stderr)
    print(args.output)
    return 0
