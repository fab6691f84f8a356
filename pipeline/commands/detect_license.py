"""codestack detect-license PATH... | --repo DIR: licenses as the ``license`` stage sees them."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Iterator, List, Tuple

EXAMPLES = """examples:
  codestack detect-license LICENSE src/main.c package.json
  codestack detect-license --repo ./myproject
  codestack detect-license --repo ./myproject --include-no-license | jq -c 'select(.released)'

PATH: the licenses the file's own text declares (a license file's text, a manifest's
declared license, a source file's header). --repo DIR: every file of a repository
(a git repository's HEAD, or a plain folder) as a build assigns it: its header, else
the nearest folder's license files and manifests, else nothing. One JSON object per
line: path, detected_licenses, license_type, evidence (kind, path, expression) and,
with --repo, released (kept by the release policy). Counts go to stderr."""


def register(sub) -> None:
    import argparse

    parser = sub.add_parser(
        "detect-license",
        help="licenses of files, or of every file of a repository (JSON lines)",
        description="Detect licenses with ScanCode and the SPDX policy of the license stage.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files to inspect one by one")
    parser.add_argument("--repo", metavar="DIR", help="a repository (git or plain folder): every file, as a build assigns it")
    parser.add_argument("--config", metavar="FILE", help="YAML overriding the defaults (its license: section is used)")
    parser.add_argument("--include-no-license", action="store_true", help="count files without license evidence as released")
    parser.set_defaults(func=run)


def _license_config(args):
    import dataclasses

    from pipeline.config import load_config

    config = load_config(args.config)
    license_config = config.license
    if args.include_no_license:
        license_config = dataclasses.replace(license_config, include_no_license=True)
    return config.decode, license_config


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")


def _row(path: str, decision, **extra) -> dict:
    row = {
        "path": path,
        "detected_licenses": list(decision.detected_licenses) if decision else [],
        "license_type": decision.license_type if decision else None,
        "expression": (decision.expression or None) if decision else None,
        "evidence": [item.as_dict() for item in decision.evidence] if decision else [],
    }
    row.update(extra)
    return row


def _read_capped(path: str, limit: int) -> Tuple[bytes, int]:
    """``(bytes, size)`` of a file smaller than ``limit``; ``(b"", size)`` for a larger one,
    which is not read at all (a build skips it before reading it too)."""
    size = os.path.getsize(path)
    if size >= limit:
        return b"", size
    with open(path, "rb") as handle:
        return handle.read(limit), size


def run(args) -> int:
    from pipeline.errors import UsageError

    if bool(args.paths) == bool(args.repo):
        raise UsageError("detect-license: give either PATH... or --repo DIR (see --help)")
    if args.repo:
        if not os.path.isdir(args.repo):
            raise UsageError(f"--repo {args.repo}: not a folder")
    for path in args.paths:
        if os.path.isdir(path):
            raise UsageError(f"{path}: is a folder; use --repo {path} for a repository")
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such file")
    decode_config, license_config = _license_config(args)

    from transforms.base import DictCounter
    from transforms.license import make_engine

    print("codestack: loading the ScanCode license index ...", file=sys.stderr)
    engine = make_engine(license_config)
    count = DictCounter()
    if args.repo:
        _run_repo(args.repo, engine, decode_config, count)
    else:
        _run_paths(args.paths, engine, decode_config, count)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(count.items())
                        if k.startswith(("license_type:", "dropped:", "kept", "skipped:", "truncated", "manifest:")))
    print(f"codestack: {summary}", file=sys.stderr)
    return 0


def _run_paths(paths: List[str], engine, decode_config, count) -> None:
    from transforms.base import Drop
    from transforms.fetch import decode_bytes
    from transforms.license import detect_text

    for path in paths:
        raw, size = _read_capped(path, decode_config.max_bytes)
        extra = {}
        if size >= decode_config.max_bytes:  # a build skips it; here its head is read and scanned
            with open(path, "rb") as handle:
                raw = handle.read(4 * engine.config.max_scan_chars)
            raw = raw[: raw.rfind(b"\n") + 1] or raw
            count("truncated")
            extra["truncated_from_bytes"] = size
        decoded = decode_bytes(raw, decode_config)
        if isinstance(decoded, Drop):
            count(f"skipped:{decoded.reason}")
            _emit(_row(path, None, skipped=decoded.reason))
            continue
        decision = detect_text(path.replace(os.sep, "/"), decoded[0], engine, count)
        count(f"license_type:{decision.license_type}")
        _emit(_row(path, decision, **extra))


def folder_records(folder: str, decode_config, count) -> Iterator:
    """Every regular file under a plain folder as a decoded record (``.git`` skipped,
    symlinks skipped), sorted by path; files a build would not decode are yielded as
    ``(path, reason)``."""
    from transforms.base import Drop
    from transforms.fetch import decode_bytes, extension_of, git_blob_id, text_stats
    from transforms.record import CodeFile

    root = os.path.abspath(folder)
    paths = []
    for current, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".git" and not os.path.islink(os.path.join(current, d)))
        for name in files:
            full = os.path.join(current, name)
            if not os.path.islink(full) and os.path.isfile(full):
                paths.append(os.path.relpath(full, root).replace(os.sep, "/"))
    for path in sorted(paths):
        raw, size = _read_capped(os.path.join(root, path), decode_config.max_bytes)
        if size >= decode_config.max_bytes:
            yield path, "too_large"
            continue
        decoded = decode_bytes(raw, decode_config)
        if isinstance(decoded, Drop):
            yield path, decoded.reason
            continue
        text, encoding = decoded
        yield CodeFile(
            blob_id=hashlib.sha1(raw).hexdigest(), content_id=git_blob_id(raw), directory_id="", path=path,
            repo_name=os.path.basename(root), snapshot_id="", revision_id="", branch_name="",
            src_encoding=encoding, length_bytes=len(raw), extension=extension_of(path), content=text,
            **text_stats(text),
        )


def git_records(folder: str, decode_config, count) -> Iterator:
    """HEAD of a git repository as a build reads and decodes it (records, or ``(path, reason)``)."""
    from pipeline.sources.git import read_repository
    from transforms.base import Drop
    from transforms.fetch import GitBlobReader, decode_record
    from transforms.record import Reject

    read = GitBlobReader()
    for item in read_repository(os.path.abspath(folder), count):
        if isinstance(item, Reject):
            yield item.path, item.reason
            continue
        out = decode_record(item, read, decode_config, count)
        if isinstance(out, Drop):
            yield item.path, out.reason
        else:
            yield out


def _run_repo(folder: str, engine, decode_config, count) -> None:
    from transforms.base import DictCounter
    from transforms.license import license_records
    from transforms.record import CodeFile

    is_git = os.path.exists(os.path.join(folder, ".git")) or all(
        os.path.exists(os.path.join(folder, part)) for part in ("HEAD", "objects", "refs"))
    source = git_records if is_git else folder_records
    records, skipped = [], []
    for item in source(folder, decode_config, DictCounter()):  # the source's and decode's own counts
        if isinstance(item, CodeFile):
            records.append(item)
        else:
            skipped.append(item)
    rows = {}
    for assigned in license_records(records, engine, count):
        kept = not hasattr(assigned.outcome, "reason")
        extra = {"released": kept}
        if assigned.decision is None:
            extra["error"] = assigned.outcome.detail
        rows[assigned.record.path] = _row(assigned.record.path, assigned.decision, **extra)
    for path, reason in skipped:
        count(f"skipped:{reason}")
        rows[path] = _row(path, None, released=False, skipped=reason)
    for path in sorted(rows):
        _emit(rows[path])
