"""Resolution: origin -> latest full visit -> snapshot -> branch -> (release) -> revision
-> root directory, once per root.

Visits are combined per origin (a combiner: no list). Branches, releases and revisions
are looked up in their bucketed tables (:mod:`.lookup`): only the snapshots, releases
and revisions the latest visits reach are read, and only the candidate branch names
(the metadata default branch, ``HEAD``, ``refs/heads/main``, ``refs/heads/master``,
and the branches their aliases point to) become Python values, so a snapshot with
millions of branches or shared by millions of origins is never held as a list.
"""

from __future__ import annotations

import collections
from typing import Dict, Optional, Set, Tuple

import apache_beam as beam

from pipeline.sources.swh_export.buckets import rows_by_key
from pipeline.sources.swh_export.common import _Fn, _reject
from pipeline.sources.swh_export.lookup import LookupFn, lookup
from pipeline.sources.swh_export.model import (
    _MAX_ALIAS_HOPS, RepoHead, RepoMeta, alias_target, branch_ref, choose_branch, iso_from_us, meta_order,
    metadata_key, preference_key)
from pipeline.sources.swhid import repo_name_of
from transforms.base import REJECTS
from transforms.counts import CountedParDo
from transforms.record import Reject

_CANDIDATES = (b"HEAD", b"refs/heads/main", b"refs/heads/master")


def opted_out_by_ids(matcher, origin: str, meta: Optional[RepoMeta]) -> Optional[str]:
    """The opt-out entry that excludes ``origin`` once its metadata is known (the GitHub ids
    of the repository and of its owner: renamed ones stay excluded), or None. Without
    ids there is nothing new to match: names were matched as the visits were read."""
    if matcher is None or meta is None or (meta.github_id is None and meta.owner_id is None):
        return None
    return matcher.match(origin_url=origin, repo_name=repo_name_of(origin), github_id=meta.github_id,
                         owner_github_id=meta.owner_id)


class _AttachMetadataFn(_Fn):
    """(repo_name, {"visit": [(origin, key)], "meta": [RepoMeta]}) -> (snapshot, (origin, key, meta)).

    With the opt-out registry's ``matcher``, an origin whose metadata ids it names is
    left out here (``visits:opted_out``), before a branch, tree or blob of it is read."""

    def __init__(self, matcher=None):
        self._matcher = matcher

    def _results(self, item):
        _name, groups = item
        visits = list(groups["visit"])
        if not visits:
            return
        metas = sorted(set(groups["meta"]), key=meta_order)
        if len(metas) > 1:
            self._count("metadata:duplicate_rows", len(metas) - 1)
        if metas:
            self._count("metadata:matched")
        meta = metas[0] if metas else None
        for origin, key in sorted(visits):
            if opted_out_by_ids(self._matcher, origin, meta):
                self._count("visits:opted_out")
                continue
            yield key[2], (origin, key, meta)


def snapshot_branches(snapshots, names: Set[bytes], rows_of) -> Tuple[Dict[str, dict], Set[str]]:
    """``({snapshot: {name: (target_type, target)}}, snapshots that have any branch)``:
    the branches named ``names`` and, transitively, those their aliases point to.
    Vectorized: the snapshots' rows stay in Arrow, filtered by name."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = rows_of(sorted(snapshots), ("name", "target_type", "target"))
    if table is None or not table.num_rows:
        return {}, set()
    present = set(pc.unique(table.column("snapshot_id")).to_pylist())
    found: Dict[str, dict] = {}
    asked, wanted = set(names), set(names)
    for _hop in range(_MAX_ALIAS_HOPS + 1):
        chosen = table.filter(pc.is_in(table.column("name"), value_set=pa.array(sorted(wanted), pa.binary())))
        for snapshot, rows in rows_by_key(chosen, "snapshot_id", ("name", "target_type", "target")).items():
            branches = found.setdefault(snapshot, {})
            for name, target_type, target in sorted(rows, key=lambda b: (b[0], b[1] or "", b[2] or "")):
                branches[name] = (target_type, target)
        wanted = {alias_target(target) for branches in found.values() for target_type, target in branches.values()
                  if target_type == "alias" and target is not None} - asked
        if not wanted:
            break
        asked |= wanted
    return found, present


class _ChooseBranchFn(LookupFn):
    """``(snapshot, (origin, key, meta))`` by bucket -> the branch to build, per origin:
    ``revision`` / ``release`` outputs ``(target, pending)``, or a reject. A snapshot's
    candidate branches are remembered across chunks (a few snapshots, such as the
    empty one, are shared by millions of origins)."""

    TABLE = "snapshot_branch"
    COLUMNS = ("name", "target_type", "target")
    REMEMBERED = 1024

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._known: "collections.OrderedDict[str, tuple]" = collections.OrderedDict()

    def _branches(self, values, rows_of) -> Dict[str, tuple]:
        """``{snapshot: (names asked, branches, has any branch)}`` for a chunk's snapshots."""
        needed: Dict[str, Set[bytes]] = {}
        for snapshot, (_origin, _key, meta) in values:
            names = needed.setdefault(snapshot, set(_CANDIDATES))
            if meta is not None and meta.default_branch:
                names.add(branch_ref(meta.default_branch))
        out, missing, asked = {}, [], set()
        for snapshot, names in needed.items():
            known = self._known.get(snapshot)
            if known is not None and names <= known[0]:
                self._known.move_to_end(snapshot)
                out[snapshot] = known
            else:
                missing.append(snapshot)
                asked |= names
        if missing:
            found, present = snapshot_branches(missing, asked, rows_of)
            for snapshot in missing:
                out[snapshot] = self._known[snapshot] = (frozenset(asked), found.get(snapshot, {}),
                                                         snapshot in present)
                while len(self._known) > self.REMEMBERED:
                    self._known.popitem(last=False)
        return out

    def _chunk(self, bucket, values, rows_of):
        branches = self._branches(values, rows_of)
        for snapshot, (origin, key, meta) in values:
            self._count("origins:visited")
            _asked, found, present = branches[snapshot]
            name, kind, target = choose_branch(found, meta.default_branch if meta else None, self._count,
                                               empty=not present)
            if name is None:
                self._count(f"dropped:{kind}")
                yield beam.pvalue.TaggedOutput(REJECTS, _reject(kind, detail=target, origin=origin, snapshot_id=snapshot))
                continue
            branch = name.decode("utf-8", "backslashreplace")
            if kind not in ("revision", "release"):
                self._count("dropped:branch_not_revision")
                yield beam.pvalue.TaggedOutput(REJECTS, _reject(
                    "branch_not_revision", detail=f"branch {branch} points to a {kind}", origin=origin,
                    snapshot_id=snapshot))
                continue
            visit, date_us, _snapshot = key
            pending = (origin, snapshot, visit, iso_from_us(date_us if date_us >= 0 else None), branch, meta)
            yield beam.pvalue.TaggedOutput(kind, (target, pending))


class _ReleaseToRevisionFn(LookupFn):
    TABLE = "release"
    COLUMNS = ("target_type", "target")

    def _chunk(self, bucket, values, rows_of):
        rows = rows_by_key(rows_of(sorted({release for release, _ in values})), "id", self.COLUMNS)
        for release, pending in values:
            origin, snapshot, _visit, _date, branch, _meta = pending
            targets = sorted(rows.get(release, ()), key=lambda t: (t[0] or "", t[1] or ""))
            if not targets:
                self._count("dropped:dangling_branch")
                yield beam.pvalue.TaggedOutput(REJECTS, _reject(
                    "dangling_branch", detail=f"branch {branch}: release {release} is not in the export",
                    origin=origin, snapshot_id=snapshot))
            elif targets[0][0] != "revision" or not targets[0][1]:
                self._count("dropped:branch_not_revision")
                yield beam.pvalue.TaggedOutput(REJECTS, _reject(
                    "branch_not_revision", detail=f"branch {branch}: release {release} points to a {targets[0][0]}",
                    origin=origin, snapshot_id=snapshot))
            else:
                yield targets[0][1], pending


class _RevisionToDirectoryFn(LookupFn):
    TABLE = "revision"
    COLUMNS = ("directory", "date", "committer_date")

    def _chunk(self, bucket, values, rows_of):
        found = rows_by_key(rows_of(sorted({revision for revision, _ in values})), "id", self.COLUMNS)
        for revision, (origin, snapshot, visit, visit_date, branch, meta) in values:
            rows = sorted(found.get(revision, ()), key=lambda r: (r[0] or "", r[1] or 0, r[2] or 0))
            if not rows or not rows[0][0]:
                self._count("dropped:dangling_branch")
                yield beam.pvalue.TaggedOutput(REJECTS, _reject(
                    "dangling_branch", detail=f"branch {branch}: revision {revision} is not in the export",
                    origin=origin, snapshot_id=snapshot, revision_id=revision))
                continue
            directory, date_us, committer_us = rows[0]
            yield directory, RepoHead(origin, snapshot, visit, visit_date, branch, revision, directory,
                                      iso_from_us(date_us), iso_from_us(committer_us), meta)


class BestHead(beam.CombineFn):
    """Among repositories with the same root directory: how many, and the one built
    (the smallest :func:`preference_key`). A combiner, so forks sharing a root are
    never a list."""

    def create_accumulator(self):
        return 0, None

    def add_input(self, accumulator, head):
        count, best = accumulator
        return count + 1, head if best is None or preference_key(head) < preference_key(best) else best

    def merge_accumulators(self, accumulators):
        count, best = 0, None
        for n, head in accumulators:
            count += n
            if head is not None and (best is None or preference_key(head) < preference_key(best)):
                best = head
        return count, best

    def extract_output(self, accumulator):
        return accumulator


class _OneRootFn(_Fn):
    def _results(self, item):
        directory, (count, head) = item
        if count > 1:
            self._count("dropped:same_root_directory", count - 1)
        self._count("repositories:read")
        yield directory, head


class _OnePerRootFn(_Fn):
    """(root, [RepoHead]) -> the one built (the SWH API source groups its few heads)."""

    def _results(self, item):
        directory, heads = item
        ranked = sorted(heads, key=preference_key)
        if len(ranked) > 1:
            self._count("dropped:same_root_directory", len(ranked) - 1)
        self._count("repositories:read")
        yield directory, ranked[0]


class ResolveHeads(beam.PTransform):
    """latest visit per origin (+ metadata) + bucket files -> ``(root directory, RepoHead)`` once per root, plus rejects."""

    def __init__(self, digits: Dict[str, int], with_metadata: bool, matcher=None):
        super().__init__()
        self._digits = dict(digits)
        self._with_metadata = with_metadata
        self._matcher = matcher  # opt-out by the metadata's GitHub ids (names: VisitFilter)

    def expand(self, inputs):
        tables = inputs["tables"]
        visits = inputs["origin_visit_status"]  # the latest full visit per origin
        if self._with_metadata:
            by_name = visits | "ByRepoName" >> beam.Map(lambda kv: (metadata_key(repo_name_of(kv[0])), kv))
            by_snapshot = ({"visit": by_name, "meta": inputs["metadata"]} | "JoinMetadata" >> beam.CoGroupByKey()
                           | "BySnapshot" >> CountedParDo(_AttachMetadataFn(self._matcher)))
        else:
            by_snapshot = visits | "BySnapshot" >> beam.Map(lambda kv: (kv[1][2], (kv[0], kv[1], None)))
        chosen = lookup(by_snapshot, "ChooseBranch", _ChooseBranchFn(), self._digits["snapshot_branch"], tables,
                        outputs=(REJECTS, "release", "revision"))
        from_releases = lookup(chosen.release, "ReleaseToRevision", _ReleaseToRevisionFn(), self._digits["release"],
                               tables, outputs=(REJECTS,), main="heads")
        by_revision = (chosen.revision, from_releases.heads) | "AllHeads" >> beam.Flatten()
        resolved = lookup(by_revision, "RevisionToDirectory", _RevisionToDirectoryFn(), self._digits["revision"],
                          tables, outputs=(REJECTS,), main="heads")
        heads = (resolved.heads | "OnePerRoot" >> beam.CombinePerKey(BestHead())
                 | "CountRoots" >> CountedParDo(_OneRootFn()))
        rejects = ((chosen[REJECTS], from_releases[REJECTS], resolved[REJECTS])
                   | "ResolveRejects" >> beam.Flatten().with_output_types(Reject))
        return heads, rejects
