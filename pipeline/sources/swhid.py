"""Software Heritage identifiers that codestack computes itself.

Contents, directories, revisions and releases of git repositories have SWH ids
equal to their git object ids; only the snapshot id needs SWH's own manifest
format (written here from the published SWHID specification; swh.model is GPL).
"""

from __future__ import annotations

import hashlib
import re
from typing import Mapping, Optional, Tuple
from urllib.parse import urlparse

#: target types a snapshot branch may have, as SWH spells them
TARGET_TYPES = ("content", "directory", "revision", "release", "snapshot", "alias")

Branch = Optional[Tuple[str, bytes]]  # (target_type, target) or None for a dangling branch


def snapshot_manifest(branches: Mapping[bytes, Branch]) -> bytes:
    """The bytes SWH hashes for a snapshot: branches sorted by name, each
    ``<type> <name>\\0<len>:<target>``; aliases target another branch's name."""
    parts = []
    for name in sorted(branches):
        branch = branches[name]
        if branch is None:
            target_type, target = "dangling", b""
        else:
            target_type, target = branch
            if target_type not in TARGET_TYPES:
                raise ValueError(f"unknown snapshot target type {target_type!r}")
            if target_type == "alias" and (target == name or target not in branches):
                raise ValueError(f"alias {name!r} points to missing branch {target!r}")
        parts.append(b"%s %s\x00%d:%s" % (target_type.encode(), name, len(target), target))
    return b"".join(parts)


def snapshot_id(branches: Mapping[bytes, Branch]) -> str:
    """SWH snapshot id (hex) of ``{branch name: (target type, target bytes)}``."""
    body = snapshot_manifest(branches)
    return hashlib.sha1(b"snapshot %d\x00" % len(body) + body).hexdigest()


def ignore_branch_name(name: bytes) -> bool:
    """Branches SWH's git loader leaves out: peeled refs and GitHub's auto-merge refs."""
    return name.endswith(b"^{}") or (name.startswith(b"refs/pull/") and name.endswith(b"/merge"))


_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>[^/].*)$")


def repo_name_of(origin_url: str) -> str:
    """``owner/name`` for a GitHub origin (any URL form), else the URL itself."""
    url = origin_url.strip()
    host = path = ""
    scp = _SCP_LIKE.match(url) if "://" not in url else None
    if scp:
        host, path = scp.group("host"), scp.group("path")
    else:
        parsed = urlparse(url)
        host, path = parsed.hostname or "", parsed.path
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    if host == "github.com":
        parts = [p for p in path.strip("/").split("/") if p]
        if len(parts) == 2:
            owner, name = parts
            if name.endswith(".git"):
                name = name[:-4]
            if owner and name:
                return f"{owner}/{name}"
    return url
