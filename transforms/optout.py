"""Stage ``optout``: leave out what the opt-out registry names, before any content is read.

The sources already skip a named repository before reading any branch, tree or
blob of it (counted as ``codestack.source`` ``repositories:opted_out`` /
``visits:opted_out``); this stage is the second line, for what only the records
tell (e.g. a source given no matcher). It runs first, on the records straight
out of the source (which carry the origin URL, ``repo_name``, ``github_id`` and,
from repository metadata, ``owner_github_id``, but no content), before the decode
stage fetches a single blob: an opted-out repository's files never reach
decode, so none of their blobs is fetched (``manifest["stages"]["decode"]``
counts only the others).

Pure core: :func:`optout_record` and :func:`optout_reject` over a
:class:`registry.Matcher` (plain dicts, built on the driver from the registry
file and pickled to the workers, so workers need no access to the file),
behind a per-worker cache by origin (:class:`CachedMatcher`).

Counters (namespace ``codestack.optout``): ``kept``, ``dropped:opted_out`` (files),
``repositories:excluded`` (distinct repositories left out, files or source
rejects), ``rejects:excluded`` (source rejects of opted-out repositories, which
are dropped too so their paths never reach ``rejects/``).
"""

from __future__ import annotations

import functools
from typing import Optional, Union

import apache_beam as beam

from registry.optout import Matcher
from transforms.base import REJECTS, BeamCounter, Count, Drop, Outcome, apply_core
from transforms.counts import COUNTS, CountedParDo, counted
from transforms.record import CodeFile, Reject

STAGE = "optout"
#: reason of the drop, counted as ``dropped:opted_out``
OPTED_OUT = "opted_out"
#: tagged output naming each excluded repository (for the distinct count)
EXCLUDED = "excluded"


def match(matcher, row: Union[CodeFile, Reject]) -> Optional[str]:
    """The registry entry (label) that excludes the row's repository, or None."""
    return matcher.match(
        origin_url=row.origin_url,
        repo_name=row.repo_name,
        github_id=getattr(row, "github_id", None),
        owner_github_id=getattr(row, "owner_github_id", None),
    )


def optout_record(record: CodeFile, matcher, count: Count) -> Outcome:
    """Keep the record, or drop it (``opted_out``) when the registry names its repository."""
    del count  # the wrapper counts kept / dropped:opted_out
    hit = match(matcher, record)
    if hit:
        return Drop(OPTED_OUT, hit)
    return record


def optout_reject(reject: Reject, matcher, count: Count) -> bool:
    """True to keep a source reject; an opted-out repository's rejects are dropped."""
    if match(matcher, reject):
        count("rejects:excluded")
        return False
    return True


def repository_of(row: Union[CodeFile, Reject]) -> str:
    """What identifies a row's repository for the distinct count."""
    return f"{row.origin_url}\x00{row.repo_name}"


class CachedMatcher:
    """``matcher.match`` remembered per repository: a repository's files share their
    origin, so each origin is normalized once per worker, not once per file."""

    def __init__(self, matcher: Matcher, size: int = 65_536):
        def uncached(origin_url: str, repo_name: str, github_id: Optional[int],
                     owner_github_id: Optional[int]) -> Optional[str]:
            return matcher.match(origin_url=origin_url, repo_name=repo_name, github_id=github_id,
                                 owner_github_id=owner_github_id)

        self._match = functools.lru_cache(maxsize=size)(uncached)

    def match(self, origin_url: str = "", repo_name: str = "", github_id: Optional[int] = None,
              owner_github_id: Optional[int] = None) -> Optional[str]:
        return self._match(origin_url, repo_name, github_id, owner_github_id)


def make_core(matcher: Matcher):
    """Factory run in ``DoFn.setup``."""
    cached = CachedMatcher(matcher)

    def core(record: CodeFile, count: Count) -> Outcome:
        return optout_record(record, cached, count)

    return core


class _OptOutFilesFn(beam.DoFn):
    def __init__(self, matcher: Matcher):
        self._matcher = matcher

    def setup(self):
        self._core = make_core(self._matcher)
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, record: CodeFile):
        out = list(apply_core(STAGE, self._core, record, self._count))
        if not out:  # dropped by the registry
            yield beam.pvalue.TaggedOutput(EXCLUDED, repository_of(record))
        yield from out


class _OptOutRejectsFn(beam.DoFn):
    def __init__(self, matcher: Matcher):
        self._matcher = matcher

    def setup(self):
        self._cached = CachedMatcher(self._matcher)
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, reject: Reject):
        if optout_reject(reject, self._cached, self._count):
            yield reject
        else:
            yield beam.pvalue.TaggedOutput(EXCLUDED, repository_of(reject))


class _CountFn(beam.DoFn):
    def __init__(self, name: str):
        self._name = name

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, _element):
        self._count(self._name)
        return ()


class OptOut(beam.PTransform):
    """``files, rejects = (files, rejects) | OptOut(matcher)``.

    Files of opted-out repositories are dropped (counted, never dead-lettered:
    the dead letter would carry their paths); so are the source's rejects of
    those repositories. Core exceptions go to the dead letter as in every stage.
    """

    def __init__(self, matcher: Matcher):
        super().__init__(label="OptOut")
        self._matcher = matcher

    def expand(self, pcolls):
        files, rejects = pcolls
        files_fn = beam.ParDo(_OptOutFilesFn(self._matcher)).with_output_types(CodeFile)
        kept = counted(files | "Files" >> files_fn.with_outputs(REJECTS, EXCLUDED, COUNTS, main="kept"))
        rejects_fn = beam.ParDo(_OptOutRejectsFn(self._matcher)).with_output_types(Reject)
        kept_rejects = counted(rejects | "SourceRejects" >> rejects_fn.with_outputs(EXCLUDED, COUNTS, main="kept"))
        (
            (kept[EXCLUDED], kept_rejects[EXCLUDED])
            | "ExcludedRepositories" >> beam.Flatten()
            | "DistinctRepositories" >> beam.Distinct()
            | "CountRepositories" >> CountedParDo(_CountFn("repositories:excluded"))
        )
        all_rejects = (kept[REJECTS], kept_rejects.kept) | "Rejects" >> beam.Flatten()
        return kept.kept, all_rejects
