"""``--source git:FOLDER``: every git repository under FOLDER (bare or not).

Ids are those Software Heritage computes: ``content_id`` = git blob id
(``sha1_git``), ``directory_id`` = root tree id, ``revision_id`` = commit id,
``snapshot_id`` = SWH snapshot id of the repository's branches; ``blob_id``
(sha1 of the raw bytes) is filled in by the ``decode`` stage, which reads them.
"""

from __future__ import annotations

import datetime
import os
import pathlib
from typing import Iterator, List, Tuple, Union

import apache_beam as beam

from pipeline.sources.swhid import ignore_branch_name, repo_name_of, snapshot_id
from transforms.base import REJECTS, BeamCounter, Count
from transforms.counts import COUNTS, counted
from transforms.record import CodeFile, Reject

STAGE = "source"
MAX_DEPTH = 64

_MODE_TREE = 0o040000
_MODE_LINK = 0o120000
_MODE_COMMIT = 0o160000


def _is_repository(path: str) -> bool:
    if os.path.exists(os.path.join(path, ".git")):
        return True
    return all(os.path.exists(os.path.join(path, p)) for p in ("HEAD", "objects", "refs"))


def discover_repositories(folder: str) -> Tuple[List[str], List[Reject]]:
    """Every git repository under ``folder`` (not descending into one), sorted;
    plus a reject for each folder that could not be read and each symlink to a
    folder (never followed: it could loop, or read a repository twice)."""
    found, problems = [], []
    folder = os.path.abspath(folder)

    def onerror(exc: OSError) -> None:
        problems.append(Reject(stage=STAGE, reason="unreadable_folder", detail=str(exc), path=exc.filename or ""))

    if _is_repository(folder):
        return [folder], problems
    for root, dirs, _files in os.walk(folder, onerror=onerror, followlinks=False):
        dirs.sort()
        keep = []
        for d in dirs:
            full = os.path.join(root, d)
            if os.path.islink(full):
                problems.append(Reject(stage=STAGE, reason="symlink_not_followed",
                                       detail="a symlink to a folder is not followed", path=os.path.relpath(full, folder)))
                continue
            if _is_repository(full):
                found.append(full)
            else:
                keep.append(d)
        dirs[:] = keep
    return sorted(found), problems


def _iso(epoch: int, offset_minutes: int) -> str:
    del offset_minutes  # stored in UTC
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).isoformat()


def _origin_url(repo, path: str) -> str:
    try:
        remote = repo.remotes["origin"]
        if remote.url:
            return remote.url
    except (KeyError, ValueError):
        pass
    return pathlib.Path(path).resolve().as_uri()


def object_type(obj) -> str:
    """SWH's name for the type of a git object (``release``, ``revision``, ...)."""
    import pygit2

    return {
        pygit2.Tag: "release",
        pygit2.Commit: "revision",
        pygit2.Tree: "directory",
        pygit2.Blob: "content",
    }.get(type(obj), "")


def repository_branches(repo) -> dict:
    """The branches of a repository as SWH's git loader archives them:
    ``{name: (target type, target)}``, ``None`` for a dangling branch."""
    import pygit2

    branches = {}
    names = sorted(repo.references)
    for name in names + ["HEAD"]:
        raw = name.encode("utf-8", "surrogateescape")
        if ignore_branch_name(raw):
            continue
        try:
            ref = repo.lookup_reference(name)
        except (KeyError, pygit2.InvalidSpecError):
            continue
        if ref.type == pygit2.enums.ReferenceType.SYMBOLIC:
            branches[raw] = ("alias", ref.target.encode("utf-8", "surrogateescape"))
        else:
            obj = repo.get(ref.target)
            kind = object_type(obj) if obj is not None else ""
            branches[raw] = (kind, ref.target.raw) if kind else None
    # an alias to a branch SWH would not have (unborn HEAD) is dangling
    for name, branch in list(branches.items()):
        if branch and branch[0] == "alias" and branch[1] not in branches:
            branches[name] = None
    return branches


def repository_snapshot(repo) -> str:
    """The SWH snapshot id of a repository as SWH's git loader would archive it."""
    return snapshot_id(repository_branches(repo))


def head_commit(repo):
    """``(branch_name, commit)`` of HEAD, or of ``main``/``master`` when HEAD is unborn."""
    import pygit2

    if not repo.head_is_unborn:
        branch = repo.lookup_reference("HEAD")
        name = branch.target if branch.type == pygit2.enums.ReferenceType.SYMBOLIC else "HEAD"
        return name, repo.head.peel(pygit2.Commit)
    for name in ("refs/heads/main", "refs/heads/master"):
        ref = repo.references.get(name)
        if ref is not None:
            return name, ref.peel(pygit2.Commit)
    return None, None


def _reject(base: CodeFile, reason: str, detail: str, path: str, content_id: str = "") -> Reject:
    return Reject(stage=STAGE, reason=reason, detail=detail, repo_name=base.repo_name, path=path,
                  content_id=content_id, snapshot_id=base.snapshot_id, revision_id=base.revision_id,
                  origin_url=base.origin_url)


def walk_tree(repo, tree, count: Count, base: CodeFile, max_depth: int = MAX_DEPTH) -> Iterator[Union[CodeFile, Reject]]:
    """Files of ``tree`` in path order; submodules and symlinks counted and skipped; a
    blob or folder missing from the object database dead-lettered (the rest is read)."""
    import pygit2

    stack = [(tree, "", 0)]  # a folder's tree is loaded when it is walked, not when it is found
    while stack:
        current, prefix, depth = stack.pop()
        if not isinstance(current, pygit2.Tree):
            try:
                current = repo[current]
            except (KeyError, pygit2.GitError) as exc:  # a lost folder costs its files, not the repository
                reason = "missing_tree" if isinstance(exc, KeyError) else "unreadable_tree"
                count(f"dropped:{reason}")
                yield _reject(base, reason, f"tree {current}: {type(exc).__name__}: {exc}", prefix.rstrip("/"),
                              str(current))
                continue
        subtrees = []
        for entry in current:
            try:
                name = entry.raw_name.decode("utf-8")
            except UnicodeDecodeError:
                count("dropped:path_not_utf8")
                yield _reject(base, "path_not_utf8", f"name {entry.raw_name!r} is not UTF-8",
                              prefix + entry.raw_name.decode("utf-8", "backslashreplace"), str(entry.id))
                continue
            path = prefix + name
            mode = entry.filemode
            if mode == _MODE_TREE:
                subtrees.append((path, entry.id))
            elif mode == _MODE_COMMIT:
                count("dropped:submodule")
            elif mode == _MODE_LINK:
                count("dropped:symlink")
            else:
                try:
                    _kind, size = repo.odb.read_header(entry.id)
                except (KeyError, pygit2.GitError) as exc:  # the object database lost or broke it
                    reason = "missing_blob" if isinstance(exc, KeyError) else "unreadable_blob"
                    count(f"dropped:{reason}")
                    yield _reject(base, reason, f"blob {entry.id}: {type(exc).__name__}: {exc}", path, str(entry.id))
                    continue
                count("kept")
                yield base._replace(path=path, content_id=str(entry.id), length_bytes=size)
        for path, oid in reversed(subtrees):  # popped in sorted order
            if depth + 1 > max_depth:
                count("dropped:too_deep")
                yield _reject(base, "too_deep", f"folder deeper than {max_depth} levels", path)
                continue
            stack.append((oid, path + "/", depth + 1))


def read_repository(path: str, count: Count, max_depth: int = MAX_DEPTH,
                    matcher=None) -> Iterator[Union[CodeFile, Reject]]:
    """All files at the head of one repository, as records without content.

    ``matcher``: the opt-out registry's matcher; a repository it names is left
    out before any branch, tree or blob of it is read (``repositories:opted_out``)."""
    import pygit2

    try:
        repo = pygit2.Repository(path)
    except (pygit2.GitError, OSError, KeyError) as exc:
        count("repositories:unreadable")
        yield Reject(stage=STAGE, reason="unreadable_repository", detail=str(exc), path=path)
        return
    origin = _origin_url(repo, path)
    if matcher is not None and matcher.match(origin_url=origin, repo_name=repo_name_of(origin)):
        count("repositories:opted_out")
        return
    branch, commit = head_commit(repo)
    if commit is None:
        count("repositories:empty")
        yield Reject(stage=STAGE, reason="empty_repository", detail="no commit on HEAD, main or master",
                     repo_name=repo_name_of(origin), origin_url=origin)
        return
    count("repositories:read")
    base = CodeFile(
        blob_id="",
        content_id="",
        directory_id=str(commit.tree_id),
        path="",
        repo_name=repo_name_of(origin),
        snapshot_id=repository_snapshot(repo),
        revision_id=str(commit.id),
        branch_name=branch,
        revision_date=_iso(commit.author.time, commit.author.offset),
        committer_date=_iso(commit.commit_time, commit.commit_time_offset),
        origin_url=origin,
        locator=f"git:{os.path.abspath(path)}",
    )
    yield from walk_tree(repo, commit.tree, count, base, max_depth)


class _ReadRepositoryFn(beam.DoFn):
    def __init__(self, max_depth: int, root: str = "", matcher=None):
        self._max_depth = max_depth
        self._root = root
        self._matcher = matcher

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, path: str):
        try:
            for out in read_repository(path, self._count, self._max_depth, self._matcher):
                if isinstance(out, Reject):
                    yield beam.pvalue.TaggedOutput(REJECTS, portable_reject(out, self._root))
                else:
                    yield out
        except Exception as exc:  # a broken repository never stops the run
            self._count("repositories:error")
            reject = Reject(stage=STAGE, reason="error", detail=f"{type(exc).__name__}: {exc}", path=path)
            yield beam.pvalue.TaggedOutput(REJECTS, portable_reject(reject, self._root))


def portable_reject(reject: Reject, root: str) -> Reject:
    """The same reject on any machine: paths under the source folder become relative to it."""
    if not root:
        return reject
    prefix = root.rstrip(os.sep) + os.sep
    path = reject.path[len(prefix):] if reject.path.startswith(prefix) else reject.path
    return reject._replace(path=path, detail=reject.detail.replace(prefix, "").replace(root, "."))


class ReadGitRepositories(beam.PTransform):
    """``files, rejects = pipeline | ReadGitRepositories(folder)``."""

    #: how its records are grouped by blob (transforms.fetch.blob_key): git knows the git id only
    blob_key_kind = "sha1_git"

    def __init__(self, folder: str, max_depth: int = MAX_DEPTH, matcher=None):
        super().__init__()
        self._folder = folder
        self._max_depth = max_depth
        self._matcher = matcher  # opt-out: named repositories are never read

    def describe(self) -> dict:
        """The input, by content: the repositories' origins and SWH snapshot ids."""
        import hashlib

        import pygit2

        snapshots = []
        for path in discover_repositories(self._folder)[0]:
            try:
                repo = pygit2.Repository(path)
                origin = _origin_url(repo, path)
                if self._matcher is not None and self._matcher.match(origin_url=origin, repo_name=repo_name_of(origin)):
                    continue
                snapshots.append(f"{origin} {repository_snapshot(repo)}")
            except Exception:  # unreadable: the build rejects it with a reason
                continue
        digest = hashlib.sha256("".join(s + "\n" for s in sorted(snapshots)).encode()).hexdigest()
        return {"kind": "git", "repositories": len(snapshots), "snapshots_digest": digest}

    def expand(self, pbegin):
        paths, problems = discover_repositories(self._folder)
        root = os.path.abspath(self._folder)
        problems = [portable_reject(p, root) for p in problems]
        found = pbegin | "Repositories" >> beam.Create(paths)
        outputs = found | "ReadHeads" >> beam.ParDo(_ReadRepositoryFn(self._max_depth, root, self._matcher)).with_outputs(
            REJECTS, COUNTS, main="files"
        )
        counted(outputs)
        discovered = pbegin | "DiscoveryRejects" >> beam.Create(problems, reshuffle=False).with_output_types(Reject)
        rejects = (outputs[REJECTS], discovered) | "SourceRejects" >> beam.Flatten()
        return outputs.files, rejects
