"""``codestack``: the command line. A thin root that only registers commands.

Each command lives in ``pipeline/commands/<name>.py`` with ``register(subparsers)``
(which sets ``func``). Known errors become one line on stderr and an exit code
(1 a check failed, 2 bad usage or input); a traceback only with CODESTACK_DEBUG=1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import List, Optional

from pipeline.errors import CodestackError

#: subcommand modules under pipeline/commands, in the order `--help` lists them
COMMANDS = ("demo", "build", "verify", "optout", "diff", "query", "release", "detect-license", "detect-language", "redact")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codestack",
        description="Build permissively licensed, deduplicated, PII-redacted source-code "
        "datasets from Software Heritage, as versioned Parquet releases.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"pipeline.commands.{name.replace('-', '_')}").register(sub)  # detect-license -> detect_license
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = os.environ.get("CODESTACK_DEBUG") == "1"
    logging.basicConfig(level=logging.INFO if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not debug:  # Beam's import-time notice about optional GCP clients is noise here
        for handler in logging.getLogger().handlers:
            handler.addFilter(lambda record: "apitools not found" not in record.getMessage())
    parser = make_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "accepts_extra", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
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
