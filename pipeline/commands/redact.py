"""codestack redact [PATH|-] [--json]: a file as the ``redact`` stage releases it."""

from __future__ import annotations

import json
import sys

EXAMPLES = """examples:
  codestack redact src/settings.py
  cat .env | codestack redact
  codestack redact config.yml --json | jq '.findings[] | .kind'
  codestack redact deploy.sh --config my.yaml
  codestack redact AUTHORS --sensitivity high

The text is decoded as the pipeline decodes it (UTF-8, else the detected encoding) and
written to stdout with secrets replaced by <KEY> / <PASSWORD>, emails by <EMAIL>,
persons' names by <NAME>, card numbers by <CREDIT_CARD>, phone numbers by <PHONE> and
public IPs by fixed private addresses. --sensitivity low|default|high picks the level
of redact.sensitivity (pipeline/defaults.yaml lists what each level sets). --json prints {"text", "findings": [{"kind",
"start", "end", "replacement"}]}: start/end are offsets (Unicode code points) into the
decoded input, kind the detector (github_token, generic_password, email, ipv4, ...).
A summary of the counts goes to stderr."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "redact",
        help="redact secrets and PII from a file (or stdin)",
        description="Replace credentials, emails, names, card and phone numbers and public IP addresses as the "
        "redact stage does.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default="-", metavar="PATH", help="the file to redact; - or none: stdin")
    parser.add_argument("--json", action="store_true", help="print text and findings as one JSON object")
    parser.add_argument("--config", metavar="FILE", help="YAML overriding the defaults (its redact: section is used)")
    parser.add_argument("--sensitivity", choices=("low", "default", "high"),
                        help="redact.sensitivity: the thresholds and kinds of one level (overrides --config's)")
    parser.set_defaults(func=run)


def _read(path: str) -> bytes:
    from pipeline.errors import UsageError

    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError as exc:
        raise UsageError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc


def run(args) -> int:
    from pipeline.config import load_config
    from pipeline.errors import UsageError
    from transforms.base import Drop
    from transforms.fetch import decode_bytes
    from transforms.redact import Redactor

    config = load_config(args.config, {"redact": {"sensitivity": args.sensitivity}} if args.sensitivity else None)
    name = "stdin" if args.path == "-" else args.path
    decoded = decode_bytes(_read(args.path), config.decode)
    if isinstance(decoded, Drop):
        raise UsageError(f"{name}: not text ({decoded.reason}{': ' + decoded.detail if decoded.detail else ''})")
    text, _encoding = decoded
    result = Redactor(config.redact).redact(text)
    if args.json:
        payload = {"text": result.text, "findings": [f.to_json() for f in result.findings]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(result.text)
    counts = ", ".join(f"{n} {category}" for category, n in result.counts().items() if n) or "nothing"
    left = f"; {result.placeholders} placeholder{'s' if result.placeholders != 1 else ''} left" if result.placeholders else ""
    print(f"codestack: {name}: redacted {counts}{left} (sensitivity {config.redact.sensitivity})", file=sys.stderr)
    return 0
