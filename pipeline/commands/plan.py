"""codestack plan --source swh-export:URI [--content-store URI] | --table-stats FILE"""

from __future__ import annotations

import json

EXAMPLES = """examples:
  codestack plan --source swh-export:s3://softwareheritage/graph/2023-09-06 \\
      --content-store s3://softwareheritage/content        # reads ORC footers only
  codestack plan --table-stats 2023-09-06                  # published sizes (packaged: 2023-09-06, 2025-10-08)
  codestack plan --table-stats my-export.yaml --json       # rows and bytes per table, with their source

Nothing is built and no table data is read: the figures are the export's sizes times the
costs bench/scale_model.py measured, under the assumptions it prints."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "plan",
        help="predict what a build of an SWH export costs, from metadata alone",
        description="Predict per stage core-hours, shuffle bytes, blob GET requests, bytes read and Dataflow "
        "dollars (list prices, dated) of a build of a Software Heritage export, with the assumptions and "
        "an uncertainty range. Reads only the ORC files' footers, or published table sizes.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--source", metavar="SPEC", help="swh-export:PATH_OR_URI (the export to plan)")
    what.add_argument("--table-stats", metavar="FILE",
                      help="YAML with rows and bytes per table and their cited source, or the name of a packaged "
                      "one (2023-09-06, 2025-10-08)")
    parser.add_argument("--content-store", metavar="PATH_OR_URI",
                        help="the blobs (only named in the plan: blob counts come from the assumptions)")
    parser.add_argument("--costs", metavar="FILE", help="fitted costs JSON (default: the packaged scale model's)")
    parser.add_argument("--prices", metavar="FILE", help="prices YAML (default: packaged Dataflow list prices)")
    parser.add_argument("--assumptions", metavar="FILE", help="assumptions YAML (default: packaged, The Stack v2 anchor)")
    parser.add_argument("--json", action="store_true", help="the plan as JSON")
    parser.set_defaults(func=run)


def _export_stats(args):
    import os

    from pipeline.errors import UsageError
    from pipeline.plan import DATA
    from pipeline.plan.stats import load_table_stats, read_export_stats

    if args.table_stats:
        packaged = os.path.join(DATA, f"swh-{args.table_stats}.yaml")
        return load_table_stats(packaged if not os.path.exists(args.table_stats) and os.path.exists(packaged)
                                else args.table_stats)
    kind, sep, where = args.source.partition(":")
    if kind != "swh-export" or not sep or not where:
        raise UsageError(f"--source {args.source!r}: plan takes swh-export:PATH_OR_URI (or --table-stats FILE)")
    return read_export_stats(where)


def _versions() -> dict:
    try:
        from pipeline.versions import data_versions
    except ImportError:
        return {}
    return data_versions()


def run(args) -> int:
    from pipeline.plan import load_data, render
    from pipeline.plan.model import plan

    stats = _export_stats(args)
    costs = load_data("costs.json", args.costs)
    prices = load_data("prices.yaml", args.prices)
    assumptions = load_data("assumptions.yaml", args.assumptions)
    result = plan(stats, costs, assumptions, prices)
    versions = _versions()
    if args.json:
        result.update(prices=prices, assumptions=assumptions, versions=versions,
                      costs={k: costs.get(k) for k in ("commit", "date", "machine", "command")})
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        print(render(result, costs, assumptions, prices, versions))
    return 0
