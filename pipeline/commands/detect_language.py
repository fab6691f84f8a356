"""codestack detect-language PATH...: Linguist language names as the ``language`` stage assigns them."""

from __future__ import annotations

import json
import os
import sys
from typing import Iterator, Tuple

EXAMPLES = """examples:
  codestack detect-language src/main.c include/util.h scripts/build
  codestack detect-language ./myproject | jq -r .language | sort | uniq -c
  codestack detect-language --content-model none ./myproject   # names and heuristics only
  codestack detect-language --content-model guesslang --guesslang-model guesslang/data/model ./myproject

One JSON object per line: path, language (a Linguist name, or "unknown"), is_vendor,
is_generated, evidence (modeline, filename, shebang, extension, xml, heuristics,
magika, guesslang, prior, abstained (the model was not sure enough: transforms/language/gate.py), none; binary and undecodable files say so), candidates (the languages
the name left open) and is_documentation. A folder is walked (sorted; .git, .hg and
.svn skipped) and its files are classified by their path inside it, as a build
classifies a repository's files. A summary goes to stderr."""

_SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "detect-language",
        help="Linguist language, vendor and generated flags of files or folders (JSON lines)",
        description="Classify files as the language stage does: modeline, filename, shebang, "
        "extension, Linguist's heuristics, then the content model where names do not decide.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders are walked)")
    parser.add_argument("--config", metavar="FILE", help="YAML overriding the defaults (its language: section is used)")
    parser.add_argument(
        "--content-model", choices=("magika", "none", "guesslang"), help="override language.content_model of the config"
    )
    parser.add_argument(
        "--guesslang-model", metavar="DIR",
        help="override language.guesslang_model: guesslang's SavedModel folder (guesslang/data/model)",
    )
    parser.set_defaults(func=run)


def _walk(path: str) -> Iterator[Tuple[str, str]]:
    """``(file on disk, path the classifier sees)`` for a file or every file under a folder."""
    if not os.path.isdir(path):
        yield path, os.path.normpath(path).replace(os.sep, "/").lstrip("/")
        return
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.isfile(full):
                yield full, os.path.relpath(full, path).replace(os.sep, "/")


def _read(path: str, limit: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(limit)


def run(args) -> int:
    import dataclasses

    from pipeline.config import load_config
    from pipeline.errors import UsageError
    from transforms.base import Drop
    from transforms.fetch import decode_bytes
    from transforms.language import make_classifier

    for path in args.paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    config = load_config(args.config)
    language_config = config.language
    overrides = {key: value for key, value in (("content_model", args.content_model),
                                               ("guesslang_model", args.guesslang_model)) if value}
    try:
        language_config = dataclasses.replace(language_config, **overrides)
        classifier = make_classifier(language_config)
    except ValueError as exc:  # a bad override, or the guesslang model / TensorFlow missing
        raise UsageError(str(exc)) from exc
    counts = {}
    for path in args.paths:
        for full, inner in _walk(path):
            try:
                raw = _read(full, config.decode.max_bytes)
            except OSError as exc:
                raise UsageError(f"{full}: cannot read: {exc.strerror}") from exc
            decoded = decode_bytes(raw, config.decode)
            if isinstance(decoded, Drop):
                detection = classifier(inner, "")
                row = {
                    "path": full,
                    "language": "unknown",
                    "is_vendor": detection.is_vendor,
                    "is_generated": detection.is_generated,
                    "evidence": decoded.reason,
                    "candidates": [],
                    "is_documentation": detection.is_documentation,
                }
            else:
                detection = classifier(inner, decoded[0])
                row = {
                    "path": full,
                    "language": detection.language,
                    "is_vendor": detection.is_vendor,
                    "is_generated": detection.is_generated,
                    "evidence": detection.evidence,
                    "candidates": list(detection.candidates),
                    "is_documentation": detection.is_documentation,
                }
            counts[row["language"]] = counts.get(row["language"], 0) + 1
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    total = sum(counts.values())
    top = ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
    print(f"codestack: {total} file(s){': ' + top if top else ''}", file=sys.stderr)
    return 0
