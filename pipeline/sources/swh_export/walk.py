"""The tree walk, level by level, over the bucketed ``directory_entry`` table.

Each level keys its frontier (directory, root, path, depth) by the directory's bucket,
groups it (a shuffle of the frontier only: the listing table was shuffled once, when
it was prepared) and reads the listings of the directories it holds from their bucket
files (:class:`DescendFn`), which emits the next frontier and the files of those
directories at once. A level with an empty frontier reads nothing. Files then meet
``content`` the same way (:class:`ContentFn`): by the bucket of their ``sha1_git``.

A directory every fork shares, or the empty blob under 10^8 trees, is one key among the
grouped values of its bucket: they are read in chunks, and each chunk's distinct keys
are read once (with a bounded cache of recent listings across chunks).
"""

from __future__ import annotations

import collections
from typing import Iterable, Optional, Tuple, Union

import apache_beam as beam

from pipeline.sources.swh_export.buckets import rows_by_key
from pipeline.sources.swh_export.common import MAX_DEPTH, MAX_ENTRIES, STAGE, _Fn
from pipeline.sources.swh_export.lookup import LookupFn, lookup
from pipeline.sources.swh_export.model import RepoHead, head_record
from transforms.base import REJECTS
from transforms.counts import COUNTS, counted
from transforms.record import Reject

_PERMS_SYMLINK = 0o120000
WALK_REJECTS = "walk_rejects"
FILES = "files"


def listing(entries: Iterable[tuple], max_entries: int) -> Tuple[Union[tuple, int], Union[tuple, int]]:
    """``(subdirectories, files)`` of a directory's entries; each is an int (the entry
    count) when the directory has more than ``max_entries`` entries.

    subdirectories: ``((name, target), ...)``; files: ``(((name, target, perms), ...), submodules)``.
    """
    subdirs, files, submodules, total = [], [], 0, 0
    for name, kind, target, perms in entries:
        total += 1
        if total > max_entries:
            continue  # count the rest, keep nothing more
        if kind == "dir":
            subdirs.append((name, target))
        elif kind == "rev":
            submodules += 1
        else:
            files.append((name, target, perms))
    if total > max_entries:
        return total, total
    return tuple(sorted(subdirs)), (tuple(sorted(files)), submodules)


def _walk_reject(root: str, reason: str, detail: str, path: str, content_id: str = ""):
    return root, ("reject", reason, detail, path, content_id, "")


def _name(raw: bytes) -> Optional[str]:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


class ListingCache:
    """Recent listings by directory id, bounded by the entries they hold (least recently used out)."""

    def __init__(self, max_entries: int = 200_000):
        self._items: "collections.OrderedDict[str, tuple]" = collections.OrderedDict()
        self._weight = 0
        self._max = max_entries

    @staticmethod
    def _size(value) -> int:
        subdirs, files = value
        return 1 + (0 if isinstance(subdirs, int) else len(subdirs)) + (0 if isinstance(files, int) else len(files[0]))

    def get(self, directory: str):
        value = self._items.get(directory)
        if value is not None:
            self._items.move_to_end(directory)
        return value

    def put(self, directory: str, value) -> None:
        size = self._size(value)
        if size > self._max:
            return
        self._items[directory] = value
        self._weight += size
        while self._weight > self._max:
            _key, old = self._items.popitem(last=False)
            self._weight -= self._size(old)


def descend(directory: str, occurrence: tuple, subdirs, files, max_depth: int, max_entries: int, count):
    """One reached directory occurrence -> its files ``(FILES, (sha1_git, (root, path)))``,
    its subdirectories ``(None, (target, (root, path/, depth + 1)))`` and walk rejects
    ``(WALK_REJECTS, (root, item))``."""
    root, prefix, depth = occurrence
    if isinstance(files, int):
        yield WALK_REJECTS, _walk_reject(
            root, "too_many_entries", f"directory {directory} has {files} entries (limit {max_entries})",
            prefix.rstrip("/"))
        return  # its subdirectories are not walked either
    entries, submodules = files
    if submodules:
        count("dropped:submodule", submodules)
    for raw, target, perms in entries:
        name = _name(raw)
        if name is None:
            yield WALK_REJECTS, _walk_reject(root, "path_not_utf8", f"name {raw!r} is not UTF-8",
                                             prefix + raw.decode("utf-8", "backslashreplace"), target)
        elif perms == _PERMS_SYMLINK:
            count("dropped:symlink")
        else:
            yield FILES, (target, (root, prefix + name))
    for raw, target in subdirs:
        name = _name(raw)
        if name is None:
            yield WALK_REJECTS, _walk_reject(root, "path_not_utf8", f"name {raw!r} is not UTF-8",
                                             prefix + raw.decode("utf-8", "backslashreplace"), target)
        elif depth + 1 > max_depth:
            yield WALK_REJECTS, _walk_reject(root, "too_deep", f"folder deeper than {max_depth} levels", prefix + name)
        else:
            yield None, (target, (root, prefix + name + "/", depth + 1))


class DescendFn(LookupFn):
    """One level: ``(directory, (root, path, depth))`` -> next frontier, files, walk rejects."""

    TABLE = "directory_entry"
    COLUMNS = ("name", "type", "target", "perms")

    def __init__(self, max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES, **kwargs):
        super().__init__(**kwargs)
        self._max_depth = max_depth
        self._max_entries = max_entries
        self._cache = ListingCache()

    def _chunk(self, bucket, values, rows_of):
        listings, missing = {}, []
        for directory in sorted({directory for directory, _ in values}):
            cached = self._cache.get(directory)
            if cached is None:
                missing.append(directory)
            else:
                listings[directory] = cached
        if missing:
            rows = rows_by_key(rows_of(missing), "directory_id", self.COLUMNS)
            for directory in missing:
                listings[directory] = listing(rows.get(directory, ()), self._max_entries)
                self._cache.put(directory, listings[directory])
        for directory, occurrence in values:
            subdirs, files = listings[directory]
            for tag, out in descend(directory, occurrence, subdirs, files, self._max_depth, self._max_entries,
                                    self._count):
                yield out if tag is None else beam.pvalue.TaggedOutput(tag, out)


class ContentFn(LookupFn):
    """Files ``(sha1_git, (root, path))`` x ``content`` -> ``(root, ("file", path, sha1_git, sha1, length))``
    or a walk reject (missing, hidden or absent content: never fetched)."""

    TABLE = "content"
    COLUMNS = ("sha1", "length", "status")

    def _chunk(self, bucket, values, rows_of):
        found = rows_by_key(rows_of(sorted({sha1_git for sha1_git, _ in values})), "sha1_git", self.COLUMNS)
        for sha1_git, (root, path) in values:
            rows = sorted(found.get(sha1_git, ()), key=lambda c: (c[0] or "", c[1] or 0, c[2] or ""))
            if not rows:
                yield _walk_reject(root, "missing_content", f"{sha1_git} is not in the content table", path, sha1_git)
                continue
            sha1, length, status = rows[0]
            if status != "visible":
                yield root, ("reject", f"content_{status or 'unknown'}", f"content status {status!r}", path, sha1_git,
                             sha1 or "")
            else:
                yield root, ("file", path, sha1_git, sha1, int(length or 0))


class _EmitFn(_Fn):
    """A root directory's ``("head", RepoHead)`` and ``("item", item)`` values -> CodeFile
    records and rejects. The values are streamed twice (find the head, then emit), never
    held: a repository of millions of files is no list."""

    def __init__(self, content_store: str):
        self._locator = f"store:{content_store}"

    def _results(self, item):
        _root, tagged = item
        head: Optional[RepoHead] = next((value for tag, value in tagged if tag == "head"), None)
        if head is None:
            return
        base = head_record(head, self._locator)
        for tag, entry in tagged:
            if tag != "item":
                continue
            if entry[0] == "file":
                _kind, path, sha1_git, sha1, length = entry
                self._count("kept")
                yield base._replace(path=path, content_id=sha1_git, blob_id=sha1, length_bytes=length)
            else:
                _kind, reason, detail, path, content_id, blob_id = entry
                self._count(f"dropped:{reason}")
                yield beam.pvalue.TaggedOutput(REJECTS, Reject(
                    stage=STAGE, reason=reason, detail=detail[:500], repo_name=base.repo_name, path=path,
                    blob_id=blob_id, content_id=content_id, snapshot_id=head.snapshot, revision_id=head.revision,
                    origin_url=head.origin))


def _tag(tag: str):
    def tagged(kv):
        return kv[0], (tag, kv[1])
    tagged.__name__ = f"tag_{tag}"
    return tagged


class WalkTrees(beam.PTransform):
    """``heads`` (``(root, RepoHead)``) + bucket files -> CodeFile records and rejects."""

    def __init__(self, digits, content_store: str, max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES):
        super().__init__()
        self._digits = dict(digits)
        self._content_store = content_store
        self._max_depth = max_depth
        self._max_entries = max_entries

    def expand(self, inputs):
        heads, tables = inputs["heads"], inputs["tables"]
        frontier = heads | "Roots" >> beam.Map(lambda kv: (kv[0], (kv[0], "", 0)))
        files, walk_rejects = [], []
        for depth in range(self._max_depth + 1):
            level = lookup(frontier, f"Level{depth:02d}", DescendFn(self._max_depth, self._max_entries),
                           self._digits["directory_entry"], tables, outputs=(WALK_REJECTS, FILES), main="next")
            frontier = level.next
            files.append(level[FILES])
            walk_rejects.append(level[WALK_REJECTS])
        reached = files | "ReachedFiles" >> beam.Flatten()
        items = lookup(reached, "Contents", ContentFn(), self._digits["content"], tables)
        by_root = ([heads | "TagHeads" >> beam.Map(_tag("head")),
                    (walk_rejects + [items]) | "WalkItems" >> beam.Flatten() | "TagItems" >> beam.Map(_tag("item"))]
                   | "HeadsAndItems" >> beam.Flatten())
        emitted = (by_root | "ByRoot" >> beam.GroupByKey()
                   | "Emit" >> beam.ParDo(_EmitFn(self._content_store)).with_outputs(REJECTS, COUNTS, main="files"))
        counted(emitted)
        return emitted.files, emitted[REJECTS]
