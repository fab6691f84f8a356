"""``codestack``: the command line. A thin root that only registers commands.

Each command lives in ``pipeline/commands/<name>.py`` with ``register(subparsers)``
(which sets ``func``). Known errors become one line on stderr and an exit code
(1 a check failed, 2 bad usage or input); a traceback only with CODESTACK_DEBUG=1.

A command that takes Beam flags (``accepts_extra``) gets the arguments it does not
know checked against every flag Beam's options register: an unknown one is an error
naming the nearest known flag, never silently dropped. ``codestack --version`` prints
the versions a build depends on (:mod:`pipeline.versions`); ``--version --json`` as JSON.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from typing import List, Optional

from pipeline.errors import CodestackError, UsageError

#: subcommand modules under pipeline/commands, in the order `--help` lists them
COMMANDS = ("demo", "build", "plan", "verify", "optout", "diff", "query", "release", "detect-license", "detect-language", "redact",
            "decontaminate", "export", "mixture", "cache")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codestack",
        description="Build permissively licensed, deduplicated, PII-redacted source-code "
        "datasets from Software Heritage, as versioned Parquet releases.",
    )
    parser.add_argument("--version", nargs=0, action=_VersionAction,
                        help="print codestack's version and the versions of the data and libraries a build "
                        "depends on (Linguist data, ScanCode and its license data, the Magika model, Beam, "
                        "pyarrow, Python), then exit; `codestack --version --json`: one JSON object")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"pipeline.commands.{name.replace('-', '_')}").register(sub)  # detect-license -> detect_license
    return parser


class _VersionAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        print_versions(as_json=False)
        parser.exit(0)


def print_versions(as_json: bool) -> int:
    from pipeline.versions import data_versions, format_versions

    versions = data_versions()
    print(json.dumps(versions, sort_keys=True) if as_json else format_versions(versions))
    return 0


def check_extra(parser: argparse.ArgumentParser, command: str, extra: List[str]) -> None:
    """Refuse arguments neither the command nor Beam knows (pipeline.options.check_beam_flags),
    suggesting among Beam's flags and the command's own."""
    from pipeline.options import check_beam_flags, flags_of

    own = {}
    for action in parser._actions:  # pylint: disable=protected-access
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:  # pylint: disable=protected-access
            own = flags_of(action.choices[command])
    check_beam_flags(extra, own=own)


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = os.environ.get("CODESTACK_DEBUG") == "1"
    logging.basicConfig(level=logging.INFO if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not debug:  # Beam's import-time notice about optional GCP clients is noise here
        for handler in logging.getLogger().handlers:
            handler.addFilter(lambda record: "apitools not found" not in record.getMessage())
    parser = make_parser()
    try:
        if argv[:1] == ["--version"]:
            if argv[1:] not in ([], ["--json"]):
                raise UsageError(f"--version takes only --json, not {' '.join(argv[1:])}")
            return print_versions(as_json=argv[1:] == ["--json"])
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "accepts_extra", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if extra:
            check_extra(parser, args.command, extra)
        args.extra = extra
        return int(args.func(args) or 0)
    except CodestackError as exc:
        if debug:
            raise
        print(f"codestack: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("codestack: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected failure still gets one line
        if debug:
            raise
        print(f"codestack: error: {type(exc).__name__}: {exc} (set CODESTACK_DEBUG=1 for a traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
