"""Software Heritage fixtures in the real layouts, built from git repositories.

:func:`build_export` writes what SWH publishes for a set of git repositories, as
SWH's git loader would archive them: a graph export (swh-export's relational
schema, ``orc/<table>/<table>-<uuid>.orc``, zstd; ids as hex strings, names and
messages as raw bytes, authors as the sha256 of the full name, ``HEAD`` as an
alias branch whose target is the hex of the branch name) and a content store
(``<store>/<sha1>``, gzip). :func:`api_recording` writes the responses of SWH's Web
API for the same repositories, in the API's JSON shapes. Everything is a function
of the repositories (fixed visit dates, name-based uuids), so the same
repositories give the same bytes. The demo and the tests build from these.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import uuid
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import quote

from pipeline.samples import FIXED_TIME
from pipeline.sources.git import object_type
from pipeline.sources.swhid import snapshot_id

#: every visit of a fixture origin happens a day after the sample commits
VISIT_TIME = FIXED_TIME + 86_400
_UUID_NAMESPACE = uuid.UUID("6f1d2c1e-4c2b-5d0e-9a55-636f64657374")

_MODE_TREE = 0o040000
_MODE_COMMIT = 0o160000


def _schemas():
    import pyarrow as pa

    s, b, ts = pa.string(), pa.binary(), pa.timestamp("us")
    return {
        "origin": [("id", s), ("url", s)],
        "origin_visit": [("origin", s), ("visit", pa.int64()), ("date", ts), ("type", s)],
        "origin_visit_status": [("origin", s), ("visit", pa.int64()), ("date", ts), ("status", s),
                                ("snapshot", s), ("type", s)],
        "snapshot": [("id", s)],
        "snapshot_branch": [("snapshot_id", s), ("name", b), ("target", s), ("target_type", s)],
        "release": [("id", s), ("name", b), ("message", b), ("target", s), ("target_type", s), ("author", b),
                    ("date", ts), ("date_offset", pa.int16()), ("date_raw_offset_bytes", b), ("raw_manifest", b)],
        "revision": [("id", s), ("message", b), ("author", b), ("date", ts), ("date_offset", pa.int16()),
                     ("date_raw_offset_bytes", b), ("committer", b), ("committer_date", ts),
                     ("committer_offset", pa.int16()), ("committer_date_raw_offset_bytes", b), ("directory", s),
                     ("type", s), ("raw_manifest", b)],
        "revision_history": [("id", s), ("parent_id", s), ("parent_rank", pa.int32())],
        "directory": [("id", s), ("raw_manifest", b)],
        "directory_entry": [("directory_id", s), ("name", b), ("type", s), ("target", s), ("perms", pa.int32())],
        "content": [("sha1", s), ("sha1_git", s), ("sha256", s), ("blake2s256", s), ("length", pa.int64()),
                    ("status", s), ("data", b)],
    }


class Repository(NamedTuple):
    """What the git loader sees in one repository."""

    origin: str
    snapshot: str
    #: branch name -> (target type, target bytes) or None (dangling), as in the snapshot id
    branches: Dict[bytes, Optional[Tuple[str, bytes]]]


class ExportSummary(NamedTuple):
    origins: Dict[str, str]  # origin -> snapshot id
    rows: Dict[str, int]  # table -> rows written
    blobs: int  # contents written to the content store


def _when(epoch: int) -> datetime.datetime:
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=epoch)


def _fullname(signature) -> bytes:
    return signature.raw_name + b" <" + signature.raw_email + b">"


def _author(signature) -> Optional[bytes]:
    """Authors are pseudonymized as in SWH's export: the sha256 of the full name."""
    return hashlib.sha256(_fullname(signature)).digest() if signature is not None else None


def _offset_bytes(minutes: int) -> bytes:
    sign = b"-" if minutes < 0 else b"+"
    minutes = abs(minutes)
    return sign + b"%02d%02d" % (minutes // 60, minutes % 60)


def read_repository(path: str) -> Tuple[object, Repository]:
    """The repository and its snapshot as SWH's git loader archives it."""
    import pygit2

    from pipeline.sources.git import _origin_url, repository_branches

    repo = pygit2.Repository(path)
    branches = repository_branches(repo)
    return repo, Repository(_origin_url(repo, path), snapshot_id(branches), branches)


class _Collector:
    """Every object reachable from the repositories' branches, each once."""

    def __init__(self, content_store: Optional[str]):
        self.rows: Dict[str, Dict[tuple, tuple]] = {t: {} for t in _schemas()}
        self.content_store = content_store
        self.blobs = 0
        self._seen = set()

    def add(self, table: str, key: tuple, row: tuple) -> None:
        self.rows[table].setdefault(key, row)

    def visit(self, repo, oid) -> None:
        import pygit2

        stack = [oid]
        while stack:
            oid = stack.pop()
            if oid in self._seen:
                continue
            obj = repo.get(oid)
            if obj is None:
                continue
            self._seen.add(oid)
            hexid = str(oid)
            if isinstance(obj, pygit2.Commit):
                author, committer = obj.author, obj.committer
                self.add("revision", (hexid,), (
                    hexid, obj.raw_message, _author(author), _when(author.time), author.offset,
                    _offset_bytes(author.offset), _author(committer), _when(committer.time), committer.offset,
                    _offset_bytes(committer.offset), str(obj.tree_id), "git", None))
                for rank, parent in enumerate(obj.parent_ids):
                    self.add("revision_history", (hexid, rank), (hexid, str(parent), rank))
                    stack.append(parent)
                stack.append(obj.tree_id)
            elif isinstance(obj, pygit2.Tag):
                target = repo.get(obj.target)
                tagger = obj.tagger
                self.add("release", (hexid,), (
                    hexid, obj.raw_name if hasattr(obj, "raw_name") else obj.name.encode(), obj.raw_message,
                    str(obj.target), object_type(target) if target is not None else "revision", _author(tagger),
                    _when(tagger.time) if tagger else None, tagger.offset if tagger else None,
                    _offset_bytes(tagger.offset) if tagger else None, None))
                stack.append(obj.target)
            elif isinstance(obj, pygit2.Tree):
                self.add("directory", (hexid,), (hexid, None))
                for entry in obj:
                    mode = entry.filemode
                    kind = "dir" if mode == _MODE_TREE else "rev" if mode == _MODE_COMMIT else "file"
                    self.add("directory_entry", (hexid, entry.raw_name),
                             (hexid, entry.raw_name, kind, str(entry.id), mode))
                    if kind != "rev":
                        stack.append(entry.id)
            elif isinstance(obj, pygit2.Blob):
                self._content(obj.read_raw(), hexid)

    def _content(self, raw: bytes, sha1_git: str) -> None:
        sha1 = hashlib.sha1(raw).hexdigest()
        self.add("content", (sha1_git,), (
            sha1, sha1_git, hashlib.sha256(raw).hexdigest(), hashlib.blake2s(raw).hexdigest(), len(raw),
            "visible", None))
        if self.content_store is not None:
            path = os.path.join(self.content_store, sha1)
            if not os.path.exists(path):
                with open(path, "wb") as handle:
                    handle.write(gzip.compress(raw, mtime=0))
                self.blobs += 1


def export_file_name(table: str, index: int, keys: Sequence[tuple]) -> str:
    """``<table>-<uuid>.orc`` with a uuid that is a function of the rows it holds."""
    digest = hashlib.sha256(repr(list(keys)).encode("utf-8", "backslashreplace")).hexdigest()
    return f"{table}-{uuid.uuid5(_UUID_NAMESPACE, f'{table}/{index}/{digest}')}.orc"


def write_table(export: str, table: str, rows: Sequence[tuple], keys: Sequence[tuple],
                rows_per_file: Optional[int] = None, stripe_size: int = 64 << 20, batch_rows: int = 1024) -> List[str]:
    """Write ``rows`` of ``table`` as zstd ORC files (a stripe closes at the first
    ``batch_rows`` boundary past ``stripe_size`` bytes); returns their paths."""
    import pyarrow as pa
    import pyarrow.orc

    schema = pa.schema(_schemas()[table])
    folder = os.path.join(export, "orc", table)
    os.makedirs(folder, exist_ok=True)
    step = rows_per_file or max(1, len(rows))
    written = []
    for index, start in enumerate(range(0, max(1, len(rows)), step)):
        chunk = rows[start:start + step]
        columns = list(zip(*chunk)) if chunk else [[] for _ in schema]
        data = pa.table([pa.array(list(col), type=field.type) for col, field in zip(columns, schema)], schema=schema)
        path = os.path.join(folder, export_file_name(table, index, keys[start:start + step]))
        pyarrow.orc.write_table(data, path, compression="zstd", stripe_size=stripe_size, batch_size=batch_rows)
        written.append(path)
    return written


def build_export(repositories: Iterable[str], export: str, content_store: Optional[str] = None, *,
                 visit_time: int = VISIT_TIME, rows_per_file: Optional[int] = None,
                 stripe_size: int = 64 << 20, batch_rows: int = 1024) -> ExportSummary:
    """Turn git repositories into an SWH graph export at ``export`` (and a content store).

    Each origin gets one visit: a ``created`` status, then a ``full`` status with its
    snapshot a minute later. Dangling branches are left out of ``snapshot_branch``
    (as SWH's exporter does) but count in the snapshot id.
    """
    collector = _Collector(content_store)
    if content_store is not None:
        os.makedirs(content_store, exist_ok=True)
    origins: Dict[str, str] = {}
    for path in sorted(repositories):
        repo, seen = read_repository(path)
        origins[seen.origin] = seen.snapshot
        origin_id = hashlib.sha1(seen.origin.encode("utf-8")).hexdigest()
        collector.add("origin", (seen.origin,), (origin_id, seen.origin))
        collector.add("origin_visit", (seen.origin, 1), (seen.origin, 1, _when(visit_time), "git"))
        collector.add("origin_visit_status", (seen.origin, 1, 0),
                      (seen.origin, 1, _when(visit_time), "created", None, "git"))
        collector.add("origin_visit_status", (seen.origin, 1, 1),
                      (seen.origin, 1, _when(visit_time + 60), "full", seen.snapshot, "git"))
        collector.add("snapshot", (seen.snapshot,), (seen.snapshot,))
        for name, branch in sorted(seen.branches.items()):
            if branch is None:
                continue
            kind, target = branch
            collector.add("snapshot_branch", (seen.snapshot, name), (seen.snapshot, name, target.hex(), kind))
            if kind != "alias":
                collector.visit(repo, repo.get(target.hex()).id)
    counts = {}
    for table, rows in sorted(collector.rows.items()):
        keys = sorted(rows)
        write_table(export, table, [rows[k] for k in keys], keys, rows_per_file, stripe_size, batch_rows)
        counts[table] = len(keys)
    return ExportSummary(origins, counts, collector.blobs)


# --- the Web API, recorded -------------------------------------------------------------

Response = Tuple[int, Dict[str, str], bytes]


def _iso(epoch: int, offset_minutes: int) -> str:
    zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    return datetime.datetime.fromtimestamp(epoch, tz=zone).isoformat()


def _person(signature) -> Optional[dict]:
    if signature is None:
        return None
    return {"fullname": _fullname(signature).decode("utf-8", "replace"),
            "name": signature.raw_name.decode("utf-8", "replace"),
            "email": signature.raw_email.decode("utf-8", "replace")}


def _json(value, headers: Optional[Dict[str, str]] = None) -> Response:
    body = json.dumps(value, sort_keys=True, indent=1).encode("utf-8")
    return 200, dict({"Content-Type": "application/json"}, **(headers or {})), body


def api_recording(repositories: Iterable[str], base: str = "/api/1/", page_size: int = 1000,
                  visit_time: int = VISIT_TIME) -> Dict[str, Response]:
    """``{request path: (status, headers, body)}``: what SWH's Web API answers about
    these repositories (same visits and ids as :func:`build_export`), in its JSON
    shapes, snapshot branches paginated by ``page_size`` with a ``Link`` header."""
    import pygit2

    out: Dict[str, Response] = {}

    def url(path: str) -> str:
        return f"{base}{path}"

    for path in sorted(repositories):
        repo, seen = read_repository(path)
        visit_url = url(f"origin/{seen.origin}/visit/1/")
        visit = {"origin": seen.origin, "visit": 1, "date": _iso(visit_time + 60, 0), "status": "full",
                 "snapshot": seen.snapshot, "type": "git", "metadata": {}, "snapshot_url": url(f"snapshot/{seen.snapshot}/")}
        out[url(f"origin/{seen.origin}/visit/latest/?require_snapshot=true")] = _json(visit)
        out[visit_url] = _json(visit)
        created = dict(visit, date=_iso(visit_time, 0), status="created", snapshot=None, snapshot_url=None)
        out[url(f"origin/{seen.origin}/visits/")] = _json([visit, created])
        names = sorted(seen.branches)
        for start in range(0, max(1, len(names)), page_size):
            page = names[start:start + page_size]
            branches = {}
            for name in page:
                branch = seen.branches[name]
                key = name.decode("utf-8", "backslashreplace")
                if branch is None:
                    branches[key] = None
                elif branch[0] == "alias":
                    branches[key] = {"target": branch[1].decode("utf-8", "backslashreplace"), "target_type": "alias",
                                     "target_url": url(f"snapshot/{seen.snapshot}/")}
                else:
                    branches[key] = {"target": branch[1].hex(), "target_type": branch[0],
                                     "target_url": url(f"{branch[0]}/{branch[1].hex()}/")}
            following = names[start + page_size] if start + page_size < len(names) else None
            headers = {}
            if following is not None:
                nxt = url(f"snapshot/{seen.snapshot}/?branches_from={quote(following.decode('utf-8', 'backslashreplace'), safe='')}")
                headers["Link"] = f'<{nxt}>; rel="next"'
            key = url(f"snapshot/{seen.snapshot}/") if start == 0 else url(
                f"snapshot/{seen.snapshot}/?branches_from={quote(page[0].decode('utf-8', 'backslashreplace'), safe='')}")
            out[key] = _json({"id": seen.snapshot, "branches": branches,
                              "next_branch": following.decode("utf-8", "backslashreplace") if following else None},
                             headers)
        stack = [repo.get(b[1].hex()).id for b in seen.branches.values() if b and b[0] != "alias"]
        done = set()
        while stack:
            oid = stack.pop()
            if oid in done:
                continue
            done.add(oid)
            obj = repo.get(oid)
            hexid = str(oid)
            if isinstance(obj, pygit2.Commit):
                out[url(f"revision/{hexid}/")] = _json({
                    "id": hexid, "directory": str(obj.tree_id), "directory_url": url(f"directory/{obj.tree_id}/"),
                    "date": _iso(obj.author.time, obj.author.offset),
                    "committer_date": _iso(obj.committer.time, obj.committer.offset),
                    "author": _person(obj.author), "committer": _person(obj.committer),
                    "message": obj.raw_message.decode("utf-8", "replace"), "type": "git", "synthetic": False,
                    "merge": len(obj.parent_ids) > 1, "metadata": {}, "extra_headers": [],
                    "parents": [{"id": str(p), "url": url(f"revision/{p}/")} for p in obj.parent_ids],
                    "url": url(f"revision/{hexid}/"), "history_url": url(f"revision/{hexid}/log/")})
                stack.append(obj.tree_id)
            elif isinstance(obj, pygit2.Tag):
                target = repo.get(obj.target)
                out[url(f"release/{hexid}/")] = _json({
                    "id": hexid, "name": obj.name, "message": obj.raw_message.decode("utf-8", "replace"),
                    "target": str(obj.target), "target_type": object_type(target),
                    "target_url": url(f"{object_type(target)}/{obj.target}/"), "author": _person(obj.tagger),
                    "date": _iso(obj.tagger.time, obj.tagger.offset) if obj.tagger else None, "synthetic": False})
                stack.append(obj.target)
            elif isinstance(obj, pygit2.Tree):
                entries = []
                for entry in obj:
                    mode = entry.filemode
                    kind = "dir" if mode == _MODE_TREE else "rev" if mode == _MODE_COMMIT else "file"
                    target_url = {"dir": url(f"directory/{entry.id}/"), "rev": url(f"revision/{entry.id}/"),
                                  "file": url(f"content/sha1_git:{entry.id}/")}[kind]
                    item = {"dir_id": hexid, "name": entry.raw_name.decode("utf-8", "backslashreplace"), "perms": mode,
                            "target": str(entry.id), "type": kind, "length": None, "target_url": target_url}
                    if kind == "file":
                        raw = repo.get(entry.id).read_raw()
                        item.update(length=len(raw), status="visible", checksums={
                            "sha1": hashlib.sha1(raw).hexdigest(), "sha1_git": str(entry.id),
                            "sha256": hashlib.sha256(raw).hexdigest(), "blake2s256": hashlib.blake2s(raw).hexdigest()})
                        out[url(f"content/sha1_git:{entry.id}/raw/")] = (
                            200, {"Content-Type": "application/octet-stream"}, raw)
                    if kind == "dir":
                        stack.append(entry.id)
                    entries.append(item)
                out[url(f"directory/{hexid}/")] = _json(entries)
    return out
