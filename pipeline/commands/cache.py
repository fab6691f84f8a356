"""codestack cache stats|prune URI: what a build cache (``build --cache URI``) holds, and pruning it."""

from __future__ import annotations

import json
import sys

from pipeline.errors import UsageError


def register(sub) -> None:
    parser = sub.add_parser(
        "cache",
        help="show or prune a build cache (build --cache URI)",
        description="A build cache holds per-blob results (decode, license extraction and scans, content model, "
        "filter measurements, MinHash signatures, redaction findings) keyed by blob id and stage version, so that the next release "
        "costs what is new. stats: its size per stage and version (current = usable by a build with this "
        "codestack, its libraries and the given --config), the builds that wrote or used it, and files no "
        "index names. prune: drop the shards that none of the last N builds wrote or used.",
        epilog="examples:\n  codestack cache stats gs://bucket/codestack-cache\n"
        "  codestack cache prune gs://bucket/codestack-cache --keep 3",
    )
    actions = parser.add_subparsers(dest="action", metavar="stats|prune", required=True)
    stats = actions.add_parser("stats", help="size per stage and version, builds, unnamed files")
    stats.add_argument("uri", metavar="URI")
    stats.add_argument("--config", metavar="FILE", help="the build config whose stage versions count as current")
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.set_defaults(func=run_stats)
    prune = actions.add_parser("prune", help="drop what the last N builds neither wrote nor used")
    prune.add_argument("uri", metavar="URI")
    prune.add_argument("--keep", type=int, default=3, metavar="N", help="builds whose shards stay (default 3)")
    prune.add_argument("--orphan-grace-hours", type=float, default=24.0, metavar="H",
                       help="files no index names (a build that died) are deleted once this old (default 24; "
                       "a build still running has not published its index yet)")
    prune.add_argument("--dry-run", action="store_true", help="say what would go, delete nothing")
    prune.set_defaults(func=run_prune)


def _check(uri: str) -> None:
    from transforms.cache import store

    if not store.read_indexes(uri):
        raise UsageError(f"{uri}: not a codestack cache (no index/*.json); a build with --cache {uri} makes one")


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1000.0
    return str(n)


def run_stats(args) -> int:
    from pipeline.cache import current_versions
    from pipeline.config import load_config
    from transforms.cache import store

    _check(args.uri)
    figures = store.stats(args.uri, current_versions(load_config(args.config)))
    if args.json:
        print(json.dumps(figures, indent=1, sort_keys=True))
        return 0
    print(f"{figures['root']}: {figures['rows']:,} entries in {figures['shards']} shard(s), {_human(figures['bytes'])}")
    print(f"  {'stage':<11} {'version':<25} {'entries':>12} {'bytes':>12}  current")
    for stage in figures["stages"]:
        print(f"  {stage['stage']:<11} {stage['version']:<25} {stage['rows']:>12,} {_human(stage['bytes']):>12}  "
              f"{'yes' if stage.get('current') else 'no (stale)'}")
    print(f"  builds ({len(figures['builds'])}):")
    for build in figures["builds"]:
        print(f"    {build['created']}  {build['kind']:<5}  release {build.get('release') or '-':<8}  "
              f"{build['new_rows']:>10,} new entries  {build['used_rows']:>10,} used")
    if figures["orphan_files"]:
        print(f"  {figures['orphan_files']} file(s) no index names ({_human(figures['orphan_bytes'])}): "
              "a build that died, or one still running; `cache prune` deletes them once old")
    return 0


def run_prune(args) -> int:
    from transforms.cache import store

    if args.keep < 1:
        raise UsageError(f"--keep {args.keep}: must be at least 1")
    _check(args.uri)
    report = store.prune(args.uri, args.keep, orphan_grace_seconds=args.orphan_grace_hours * 3600.0,
                         dry_run=args.dry_run)
    verb = "would drop" if args.dry_run else "dropped"
    print(f"{args.uri}: {verb} {report['dropped_shards']} shard(s) ({report['dropped_rows']:,} entries, "
          f"{_human(report['dropped_bytes'])}) and {report['orphan_files']} unnamed file(s) "
          f"({_human(report['orphan_bytes'])}); {report['kept_shards']} shard(s) stay", file=sys.stdout)
    return 0
