"""``SHA256SUMS`` in the format ``sha256sum -c`` reads, and file hashing."""

from __future__ import annotations

import hashlib
import os
from typing import Dict, Iterator, List, Tuple

SUMS = "SHA256SUMS"


def sha256_file(path: str, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(root: str) -> List[str]:
    """Every file under ``root`` (relative, '/'-separated, sorted), except SHA256SUMS."""
    out = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            if rel != SUMS:
                out.append(rel)
    return sorted(out)


def format_sums(entries: Dict[str, str]) -> str:
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(entries.items()))


def write_sums(root: str) -> Dict[str, str]:
    """Hash every file of the release and write ``SHA256SUMS`` (atomically)."""
    entries = {rel: sha256_file(os.path.join(root, rel)) for rel in release_files(root)}
    tmp = os.path.join(root, SUMS + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(format_sums(entries))
    os.replace(tmp, os.path.join(root, SUMS))
    return entries


def parse_sums(text: str) -> Iterator[Tuple[int, str, str]]:
    """``(line number, path, digest)``; raises ValueError on a malformed line."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest) or not path:
            raise ValueError(f"{SUMS}:{number}: not '<sha256>  <path>'")
        yield number, path, digest
