"""The export source's plain values and rules: repository metadata, visit order, branch
choice, the preference among repositories with the same root, and the fields every file
of a repository shares. No Beam here."""

from __future__ import annotations

import datetime
import hashlib
import os
from typing import Dict, Iterator, NamedTuple, Optional, Tuple, Union

from pipeline.errors import UsageError
from pipeline.sources.swhid import repo_name_of
from transforms.base import Count
from transforms.fetch import open_filesystem
from transforms.record import CodeFile

_MAX_ALIAS_HOPS = 8
_UTC = datetime.timezone.utc


# --- pure helpers ------------------------------------------------------------------

class RepoMeta(NamedTuple):
    """A row of ``--repo-metadata`` (GitHub Archive columns of The Stack v2, plus the
    owner's GitHub id, so the opt-out registry's ``owner`` entries with a ``github_id``
    still exclude a renamed account's repositories)."""

    github_id: Optional[int] = None
    stars: int = 0
    forks: int = 0
    license: Optional[str] = None
    default_branch: Optional[str] = None
    created_at: Optional[str] = None
    event_created_at: Optional[str] = None
    language: Optional[str] = None
    owner_id: Optional[int] = None  # the GitHub id of the owning account


def meta_order(meta: RepoMeta) -> tuple:
    """Which of a repository's duplicate metadata rows is used (the smallest): the lowest
    github_id (rows without one last), then the fields in order, a missing value last."""
    return (meta.github_id is None, meta.github_id or 0,
            tuple((value is None, 0 if value is None else value) for value in meta))


class RepoHead(NamedTuple):
    """One origin resolved to the revision that will be walked."""

    origin: str
    snapshot: str
    visit: int
    visit_date: Optional[str]
    branch: str
    revision: str
    directory: str
    revision_date: Optional[str]
    committer_date: Optional[str]
    meta: Optional[RepoMeta]


def iso_from_us(micros: Optional[int]) -> Optional[str]:
    """``2023-11-14T22:13:20+00:00`` from microseconds since the epoch (UTC)."""
    if micros is None or micros < -62135596800000000:
        return None
    epoch = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
    return (epoch + datetime.timedelta(microseconds=micros)).isoformat()


def parse_time(text: str, end_of_day: bool = False) -> datetime.datetime:
    """An ISO-8601 date or date-time as an aware UTC datetime (naive means UTC).

    A bare date is that day's start, or its last microsecond with ``end_of_day``.
    """
    text = text.strip().replace(" UTC", "+00:00")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    if len(text) == 10 and end_of_day:
        parsed = parsed + datetime.timedelta(days=1, microseconds=-1)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_UTC)
    return parsed.astimezone(_UTC)


def as_of_micros(as_of: Optional[str]) -> Optional[int]:
    """``--as-of DATE``: microseconds since the epoch; a bare date includes that whole day."""
    if not as_of:
        return None
    try:
        moment = parse_time(as_of, end_of_day=True)
    except ValueError as exc:
        raise UsageError(f"--as-of {as_of!r}: expected an ISO-8601 date or date-time, e.g. 2024-05-16") from exc
    delta = moment - datetime.datetime(1970, 1, 1, tzinfo=_UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def visit_key(visit: int, date_us: Optional[int], snapshot: str) -> Tuple[int, int, str]:
    """The order of an origin's full visits: highest visit, then latest status date, then snapshot id."""
    return (int(visit), -1 if date_us is None else int(date_us), snapshot)


def alias_target(target: Union[str, bytes]) -> bytes:
    """The branch name an alias points to. The export stores it as the hex of the
    name's bytes; an API snapshot (or an older dump) as the name itself."""
    if isinstance(target, bytes):
        return target
    try:
        return bytes.fromhex(target)
    except ValueError:
        return target.encode("utf-8", "surrogateescape")


def branch_ref(name: str) -> bytes:
    """``main`` -> ``refs/heads/main`` (a metadata default branch); full refs unchanged."""
    return (name if name.startswith("refs/") or name == "HEAD" else f"refs/heads/{name}").encode("utf-8")


Branches = Dict[bytes, Tuple[str, Union[str, bytes]]]


def choose_branch(branches: Branches, default_branch: Optional[str] = None,
                  count: Count = lambda name: None,
                  empty: Optional[bool] = None) -> Union[Tuple[bytes, str, str], Tuple[None, str, str]]:
    """``(branch name, target type, target)`` of the branch to build, or ``(None, reason, detail)``.

    ``branches`` may be only the candidates and the branches their aliases reach; then
    ``empty`` says whether the snapshot has no branch at all.

    Order: the metadata default branch, ``HEAD``, ``refs/heads/main``, ``refs/heads/master``.
    Aliases are followed (``HEAD`` -> ``refs/heads/main``); one that dangles (its target
    is not in the snapshot) is counted and the next candidate is tried.
    """
    candidates = ([branch_ref(default_branch)] if default_branch else []) + [
        b"HEAD", b"refs/heads/main", b"refs/heads/master"]
    for name in candidates:
        if name not in branches:
            if default_branch and name == candidates[0]:
                count("branches:default_branch_not_in_snapshot")
            continue
        seen = [name]
        target_type, target = branches[name]
        while target_type == "alias" and len(seen) <= _MAX_ALIAS_HOPS:
            pointed = alias_target(target)
            if pointed not in branches or pointed in seen:
                break
            seen.append(pointed)
            target_type, target = branches[pointed]
        if target_type == "alias":
            count("branches:dangling_alias")
            continue
        return seen[-1], target_type, target if isinstance(target, str) else target.hex()
    if (not branches) if empty is None else empty:
        return None, "empty_repository", "the snapshot has no branch"
    return None, "no_branch", "no default branch, HEAD, refs/heads/main or refs/heads/master in the snapshot"


def preference_key(head: RepoHead) -> tuple:
    """Among repositories with the same root directory, the smallest key is built:
    a license first, then most stars, most forks, the oldest revision, the lowest
    github_id, the oldest visit, and the origin URL."""
    meta = head.meta or RepoMeta()
    return (
        0 if meta.license else 1,
        -int(meta.stars or 0),
        -int(meta.forks or 0),
        head.revision_date or "9999",
        meta.github_id if meta.github_id is not None else float("inf"),
        head.visit_date or "9999",
        head.origin,
    )


def head_record(head: RepoHead, locator: str) -> CodeFile:
    """The fields every file of a resolved repository shares (identity of the revision,
    the repository's metadata); the walk fills in each file's own."""
    meta = head.meta or RepoMeta()
    return CodeFile(
        blob_id="", content_id="", directory_id=head.directory, path="", repo_name=repo_name_of(head.origin),
        snapshot_id=head.snapshot, revision_id=head.revision, branch_name=head.branch, visit_date=head.visit_date,
        revision_date=head.revision_date, committer_date=head.committer_date, github_id=meta.github_id,
        star_events_count=int(meta.stars or 0), fork_events_count=int(meta.forks or 0),
        gha_license_id=meta.license, gha_event_created_at=meta.event_created_at, gha_created_at=meta.created_at,
        gha_language=meta.language, origin_url=head.origin, locator=locator, owner_github_id=meta.owner_id,
    )


def public_location(location: str) -> str:
    """How a release names its input: a URI as given, a local folder by its name only
    (an absolute path on the build machine says nothing about the input)."""
    if "://" in location and not location.startswith("file://"):
        return location.rstrip("/")
    return os.path.basename(os.path.abspath(location.replace("file://", "", 1)).rstrip("/"))


# --- repository metadata -----------------------------------------------------------

#: accepted column names (The Stack v2 names too) -> RepoMeta field
METADATA_COLUMNS = {
    "repo_name": "repo_name",
    "github_id": "github_id", "repo_id": "github_id",
    "stars": "stars", "star_events_count": "stars", "stargazers_count": "stars",
    "forks": "forks", "fork_events_count": "forks", "forks_count": "forks",
    "license": "license", "gha_license_id": "license", "license_id": "license",
    "default_branch": "default_branch",
    "created_at": "created_at", "gha_created_at": "created_at",
    "event_created_at": "event_created_at", "gha_event_created_at": "event_created_at",
    "language": "language", "gha_language": "language",
    "owner_id": "owner_id", "owner_github_id": "owner_id", "repo_owner_id": "owner_id",
}


def _text(value) -> Optional[str]:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _integer(value) -> Optional[int]:
    text = _text(value)
    if text is None:
        return None
    return int(float(text)) if not isinstance(value, int) else value


def _date(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=_UTC)
        return moment.astimezone(_UTC).isoformat()
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=_UTC).isoformat()
    text = _text(value)
    return parse_time(text).isoformat() if text else None


def metadata_from_row(row: dict) -> Tuple[str, RepoMeta]:
    """``(repo_name, RepoMeta)`` from one metadata row (columns already renamed); raises ValueError."""
    repo_name = _text(row.get("repo_name"))
    if not repo_name:
        raise ValueError("empty repo_name")
    return repo_name, RepoMeta(
        github_id=_integer(row.get("github_id")),
        stars=_integer(row.get("stars")) or 0,
        forks=_integer(row.get("forks")) or 0,
        license=_text(row.get("license")),
        default_branch=_text(row.get("default_branch")),
        created_at=_date(row.get("created_at")),
        event_created_at=_date(row.get("event_created_at")),
        language=_text(row.get("language")),
        owner_id=_integer(row.get("owner_id")),
    )


def _metadata_batches(location: str):
    """Record batches of a Parquet or CSV metadata file as ``({field: values}, rows)``."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    filesystem, path = open_filesystem(location)
    lower = path.lower()
    if lower.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        parse = pcsv.ParseOptions(delimiter="\t" if ".tsv" in lower else ",")
        read = pcsv.ReadOptions(block_size=1 << 20)
        with filesystem.open_input_stream(path, compression="detect") as stream:
            names = pcsv.open_csv(stream, parse_options=parse, read_options=read).schema.names
        stream = filesystem.open_input_stream(path, compression="detect")
        as_text = pcsv.ConvertOptions(column_types={name: pa.string() for name in names})
        batches = pcsv.open_csv(stream, parse_options=parse, read_options=read, convert_options=as_text)
    else:
        stream = filesystem.open_input_file(path)
        batches = pq.ParquetFile(stream).iter_batches(batch_size=65536)
    with stream:
        for batch in batches:
            renamed = {}
            for name in batch.schema.names:
                field = METADATA_COLUMNS.get(name.lower())
                if field and field not in renamed:
                    renamed[field] = batch.column(batch.schema.get_field_index(name)).to_pylist()
            if "repo_name" not in renamed:
                raise UsageError(f"--repo-metadata {location}: no repo_name column "
                                 f"(columns: {', '.join(batch.schema.names)})")
            yield renamed, batch.num_rows


def read_repo_metadata(location: str, count: Count = lambda name, n=1: None) -> Iterator[Tuple[str, RepoMeta]]:
    """Every ``(repo_name, RepoMeta)`` of a metadata file; unusable rows are counted and skipped."""
    for columns, rows in _metadata_batches(location):
        for i in range(rows):
            try:
                yield metadata_from_row({field: values[i] for field, values in columns.items()})
            except (ValueError, TypeError):
                count("metadata:bad_rows")


def check_repo_metadata(location: str) -> str:
    """Driver-side check of ``--repo-metadata``; returns the sha256 of the file."""
    try:
        filesystem, path = open_filesystem(location)
        with filesystem.open_input_stream(path) as handle:
            digest = hashlib.sha256()
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        for _batch in _metadata_batches(location):
            break
    except UsageError:
        raise
    except (OSError, ValueError) as exc:
        raise UsageError(f"--repo-metadata {location}: cannot read it as Parquet or CSV: {exc}") from exc
    return digest.hexdigest()


def metadata_key(repo_name: str) -> str:
    """How metadata rows and origins meet: GitHub names are case-insensitive, and GitHub
    Archive spells a repository as its events did (``Some-Dev/Tool`` for the origin
    ``https://github.com/some-dev/tool``)."""
    return repo_name.lower()


class VisitFilter(NamedTuple):
    as_of_us: Optional[int] = None
    origin_prefixes: Tuple[str, ...] = ()
    #: the opt-out registry's matcher: named origins are left out before anything of them is read
    optout: Optional[object] = None
