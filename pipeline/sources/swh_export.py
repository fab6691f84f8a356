"""``--source swh-export:PATH_OR_URI --content-store PATH_OR_URI``: a Software Heritage graph export.

The export is SWH's relational dataset as published (``<export>/orc/<table>/<table>-<uuid>.orc``,
zstd ORC; swh-export's relational schema: ids are hex strings, names and messages
raw bytes). Six tables are read: ``origin_visit_status``, ``snapshot_branch``,
``release``, ``revision``, ``directory_entry`` and ``content``. Files are listed
and opened with pyarrow (local, ``s3://`` anonymous or credentialed, any pyarrow
URI), and each ORC stripe is one unit of work.

The graph, all joins (never a per-repository lookup):

1. **Visits**: per origin the highest ``visit`` whose status is ``full`` with a
   snapshot (at or before ``--as-of`` if given; origins limited by URL prefix).
   Origins the opt-out registry names are left out as visits are read; those it
   names by GitHub id (repository or owner, from ``--repo-metadata``) as soon as the
   metadata is joined, before a branch is chosen (``visits:opted_out``).
2. **Branch**: the default branch from ``--repo-metadata`` if it is in the
   snapshot, else ``HEAD`` (an alias whose ``target`` is the hex of the branch name
   it points to), else ``refs/heads/main``, ``refs/heads/master``; a branch to a
   release follows it to its revision; the revision gives the root directory.
3. **Same root, built once**: repositories whose root directory is the same keep
   one: a license first, then most stars, most forks, the oldest revision, the
   lowest github_id, the oldest visit, the origin URL.
4. **Tree walk, level by level**: the frontier (directory, root, path, depth) is
   joined with ``directory_entry`` grouped by directory id, one join per level up
   to depth 64; ``rev`` entries (submodules) and symlinks are skipped; a directory
   of more than 1M entries and a name that is not UTF-8 are dead-lettered.
5. **Contents**: ``directory_entry.target`` (``sha1_git``) joined to ``content`` for
   ``sha1`` (the content-store key), length and status; hidden or absent contents
   are dead-lettered and never fetched (the decode stage skips blobs of 10 MB or more
   before reading them).

Records leave with ``locator = store:<content store>`` and ``blob_id = sha1``;
:class:`transforms.fetch.StoreBlobReader` reads them.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

import apache_beam as beam

from pipeline.errors import UsageError
from pipeline.sources.swhid import repo_name_of
from transforms.base import REJECTS, BeamCounter, Count
from transforms.fetch import open_filesystem
from transforms.record import CodeFile, Reject

STAGE = "source"
MAX_DEPTH = 64
MAX_ENTRIES = 1_000_000

#: the columns read from each table (swh-export's relational schema)
TABLES: Dict[str, Tuple[str, ...]] = {
    "origin_visit_status": ("origin", "visit", "date", "status", "snapshot"),
    "snapshot_branch": ("snapshot_id", "name", "target", "target_type"),
    "release": ("id", "target", "target_type"),
    "revision": ("id", "date", "committer_date", "directory"),
    "directory_entry": ("directory_id", "name", "type", "target", "perms"),
    "content": ("sha1_git", "sha1", "length", "status"),
}
#: older exports (2021) call origin_visit_status.snapshot ``snapshot_id``
_ALIASES = {("origin_visit_status", "snapshot"): "snapshot_id"}

_PERMS_SYMLINK = 0o120000
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
                  count: Count = lambda name: None) -> Union[Tuple[bytes, str, str], Tuple[None, str, str]]:
    """``(branch name, target type, target)`` of the branch to build, or ``(None, reason, detail)``.

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
    if not branches:
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


# --- reading the export's ORC files ---------------------------------------------------

def list_table_files(export: str, table: str) -> List[Tuple[str, int]]:
    """``[(path, size)]`` of ``<export>/orc/<table>/*.orc``, sorted."""
    import pyarrow.fs

    filesystem, base = open_filesystem(export)
    infos = filesystem.get_file_info(pyarrow.fs.FileSelector(f"{base}/orc/{table}", allow_not_found=True))
    return sorted((info.path, info.size or 0) for info in infos
                  if info.type == pyarrow.fs.FileType.File and info.path.endswith(".orc"))


def _micros(column) -> list:
    """Python ints (microseconds since the epoch) of a timestamp column."""
    import pyarrow as pa

    divisor = {"s": None, "ms": None, "us": 1, "ns": 1000}[column.type.unit]
    values = column.cast(pa.int64()).to_pylist()
    if divisor is None:
        factor = 1_000_000 if column.type.unit == "s" else 1000
        return [None if v is None else v * factor for v in values]
    return [None if v is None else v // divisor for v in values]


def _values(batch, name: str) -> list:
    import pyarrow as pa

    column = batch.column(batch.schema.get_field_index(name))
    if pa.types.is_timestamp(column.type):
        return _micros(column)
    return column.to_pylist()


class VisitFilter(NamedTuple):
    as_of_us: Optional[int] = None
    origin_prefixes: Tuple[str, ...] = ()
    #: the opt-out registry's matcher: named origins are left out before anything of them is read
    optout: Optional[object] = None


def _full_visits(batch, names: Dict[str, str], where: VisitFilter, count=None):
    """Rows of an origin_visit_status batch that can be a latest full visit, vectorized."""
    import pyarrow.compute as pc

    status = batch.column(batch.schema.get_field_index(names["status"]))
    snapshot = batch.column(batch.schema.get_field_index(names["snapshot"]))
    keep = pc.and_(pc.equal(status, "full"), pc.greater(pc.binary_length(snapshot), 0))
    if where.origin_prefixes:
        origin = batch.column(batch.schema.get_field_index(names["origin"]))
        prefixed = None
        for prefix in where.origin_prefixes:
            match = pc.starts_with(origin, prefix)
            prefixed = match if prefixed is None else pc.or_(prefixed, match)
        keep = pc.and_(keep, prefixed)
    keep = pc.fill_null(keep, False)
    batch = batch.filter(keep)
    origins = _values(batch, names["origin"])
    visits = _values(batch, names["visit"])
    dates = _values(batch, names["date"])
    snapshots = _values(batch, names["snapshot"])
    for origin, visit, date, snapshot in zip(origins, visits, dates, snapshots):
        if where.as_of_us is not None and (date is None or date > where.as_of_us):
            continue
        if where.optout is not None and where.optout.match(origin_url=origin, repo_name=repo_name_of(origin)):
            if count is not None:
                count("visits:opted_out")
            continue
        yield origin, visit_key(visit, date, snapshot)


def _columns(table: str, present: Sequence[str]) -> List[str]:
    """The columns of ``table`` to read from a file that has ``present`` (older names accepted)."""
    present = set(present)
    wanted = [c if c in present else _ALIASES.get((table, c), c) for c in TABLES[table]]
    return [c for c in wanted if c in present]


def table_rows(table: str, batch, where: VisitFilter = VisitFilter(), count=None) -> Iterator[tuple]:
    """Keyed rows of one ORC batch of ``table`` (see :data:`TABLES`), raises KeyError on a missing column."""
    names = {}
    present = set(batch.schema.names)
    for column in TABLES[table]:
        alias = _ALIASES.get((table, column))
        if column in present:
            names[column] = column
        elif alias and alias in present:
            names[column] = alias
        else:
            raise KeyError(column)
    if table == "origin_visit_status":
        yield from _full_visits(batch, names, where, count)
        return
    columns = [_values(batch, names[c]) for c in TABLES[table]]
    if table == "snapshot_branch":
        for snapshot, name, target, target_type in zip(*columns):
            if target is not None and name is not None:
                yield snapshot, (name, target_type, target)
    elif table == "release":
        for rel, target, target_type in zip(*columns):
            yield rel, (target_type, target)
    elif table == "revision":
        for rev, date, committer_date, directory in zip(*columns):
            yield rev, (directory, date, committer_date)
    elif table == "directory_entry":
        for directory, name, kind, target, perms in zip(*columns):
            yield directory, (name, kind, target, perms)
    elif table == "content":
        for sha1_git, sha1, length, status in zip(*columns):
            yield sha1_git, (sha1, length, status)


@contextlib.contextmanager
def open_orc(path: str, export: str):
    """An ORC file of the export (``path`` as listed by :func:`list_table_files`)."""
    import pyarrow.orc

    filesystem, _base = open_filesystem(export)
    with filesystem.open_input_file(path) as handle:
        yield pyarrow.orc.ORCFile(handle)


class _Fn(beam.DoFn):
    """A DoFn whose outputs come from the generator ``_results`` (free to return early:
    Beam warns about ``return`` in a ``process`` that yields), with the source's counters."""

    def setup(self):
        self._count = BeamCounter(STAGE)

    def process(self, element):
        return self._results(element)


class _MatchTableFiles(beam.DoFn):
    """``fileio.MatchFiles`` for the export layout, with pyarrow filesystems (anonymous S3 too)."""

    def __init__(self, export: str):
        self._export = export

    def process(self, table: str):
        files = list_table_files(self._export, table)
        if not files:
            yield beam.pvalue.TaggedOutput(REJECTS, Reject(
                stage=STAGE, reason="missing_table", detail=f"no ORC file in {self._export}/orc/{table}/"))
        for path, _size in files:
            yield table, path


class _SplitStripes(_Fn):
    """A unit of work per ORC stripe; an unreadable file is dead-lettered."""

    def __init__(self, export: str):
        self._export = export

    def _results(self, item):
        table, path = item
        try:
            with open_orc(path, self._export) as orc:
                stripes = orc.nstripes
        except Exception as exc:  # a corrupt file never stops the run
            self._count("orc:unreadable_files")
            yield beam.pvalue.TaggedOutput(REJECTS, Reject(
                stage=STAGE, reason="unreadable_orc", detail=_portable(f"{path}: {type(exc).__name__}: {exc}", self._export)))
            return
        self._count(f"orc:{table}:files")
        for stripe in range(stripes):
            yield table, path, stripe


def _portable(detail: str, export: str) -> str:
    """A reject detail without the export's location: the same on every machine and mirror."""
    root = export.rstrip("/")
    return detail.replace(root + "/", "").replace(root, ".")


class _ReadStripe(_Fn):
    def __init__(self, export: str, where: VisitFilter):
        self._export = export
        self._where = where

    def _results(self, unit):
        table, path, stripe = unit
        try:
            with open_orc(path, self._export) as orc:
                batch = orc.read_stripe(stripe, columns=_columns(table, orc.schema.names))
            rows = list(table_rows(table, batch, self._where, self._count))
        except KeyError as exc:
            self._count("orc:unreadable_stripes")
            yield beam.pvalue.TaggedOutput(REJECTS, Reject(
                stage=STAGE, reason="unreadable_orc", detail=_portable(f"{path}: table {table} has no column {exc}", self._export)))
            return
        except Exception as exc:
            self._count("orc:unreadable_stripes")
            yield beam.pvalue.TaggedOutput(REJECTS, Reject(
                stage=STAGE, reason="unreadable_orc", detail=_portable(f"{path} stripe {stripe}: {type(exc).__name__}: {exc}", self._export)))
            return
        self._count(f"orc:{table}:rows", batch.num_rows)
        for row in rows:
            yield beam.pvalue.TaggedOutput(table, row)


class ReadExportTables(beam.PTransform):
    """``pbegin | ReadExportTables(export)`` -> a tagged PCollection per table (keyed rows,
    see :func:`table_rows`) and ``rejects`` (missing tables, unreadable files)."""

    def __init__(self, export: str, tables: Sequence[str] = tuple(TABLES), where: VisitFilter = VisitFilter()):
        super().__init__()
        self._export = export
        self._tables = tuple(sorted(tables))
        self._where = where

    def expand(self, pbegin):
        matched = (pbegin | "Tables" >> beam.Create(self._tables)
                   | "MatchFiles" >> beam.ParDo(_MatchTableFiles(self._export)).with_outputs(REJECTS, main="files"))
        stripes = (matched.files | "SpreadFiles" >> beam.Reshuffle()
                   | "SplitStripes" >> beam.ParDo(_SplitStripes(self._export)).with_outputs(REJECTS, main="stripes"))
        rows = (stripes.stripes | "SpreadStripes" >> beam.Reshuffle()
                | "ReadStripes" >> beam.ParDo(_ReadStripe(self._export, self._where)).with_outputs(
                    REJECTS, *self._tables))
        rejects = ((matched[REJECTS], stripes[REJECTS], rows[REJECTS])
                   | "TableRejects" >> beam.Flatten().with_output_types(Reject))
        out = {table: rows[table] for table in self._tables}
        out[REJECTS] = rejects
        return out


# --- resolution: origin -> visit -> snapshot -> branch -> revision -> root directory ---

def _reject(reason: str, detail: str = "", origin: str = "", **fields) -> Reject:
    return Reject(stage=STAGE, reason=reason, detail=detail[:500], repo_name=repo_name_of(origin) if origin else "",
                  origin_url=origin, **fields)


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


class _ChooseBranchFn(_Fn):
    """Per snapshot: its branches, and the origins whose latest full visit it is."""

    def _results(self, item):
        snapshot, groups = item
        origins = sorted(groups["origin"], key=lambda o: o[0])
        if not origins:
            return
        branches: Branches = {}
        for name, target_type, target in sorted(groups["branch"], key=lambda b: (b[0], b[1] or "", b[2] or "")):
            branches[name] = (target_type, target)
        for origin, key, meta in origins:
            self._count("origins:visited")
            name, kind, target = choose_branch(branches, meta.default_branch if meta else None, self._count)
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


class _ReleaseToRevisionFn(_Fn):
    def _results(self, item):
        release, groups = item
        pendings = list(groups["head"])
        if not pendings:
            return
        targets = sorted(groups["release"], key=lambda t: (t[0] or "", t[1] or ""))
        for pending in pendings:
            origin, snapshot, _visit, _date, branch, _meta = pending
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


class _RevisionToDirectoryFn(_Fn):
    def _results(self, item):
        revision, groups = item
        pendings = list(groups["head"])
        if not pendings:
            return
        rows = sorted(groups["revision"], key=lambda r: (r[0] or "", r[1] or 0, r[2] or 0))
        for origin, snapshot, visit, visit_date, branch, meta in pendings:
            if not rows or not rows[0][0]:
                self._count("dropped:dangling_branch")
                yield beam.pvalue.TaggedOutput(REJECTS, _reject(
                    "dangling_branch", detail=f"branch {branch}: revision {revision} is not in the export",
                    origin=origin, snapshot_id=snapshot, revision_id=revision))
                continue
            directory, date_us, committer_us = rows[0]
            yield directory, RepoHead(origin, snapshot, visit, visit_date, branch, revision, directory,
                                      iso_from_us(date_us), iso_from_us(committer_us), meta)


class _OnePerRootFn(_Fn):
    """Repositories with the same root directory are built once (see :func:`preference_key`)."""

    def _results(self, item):
        directory, heads = item
        ranked = sorted(heads, key=preference_key)
        if len(ranked) > 1:
            self._count("dropped:same_root_directory", len(ranked) - 1)
        self._count("repositories:read")
        yield directory, ranked[0]


class ResolveHeads(beam.PTransform):
    """Tables -> ``(root directory, RepoHead)`` once per root, plus rejects."""

    def __init__(self, with_metadata: bool, matcher=None):
        super().__init__()
        self._with_metadata = with_metadata
        self._matcher = matcher  # opt-out by the metadata's GitHub ids (names: VisitFilter)

    def expand(self, inputs):
        visits = inputs["origin_visit_status"] | "LatestVisit" >> beam.CombinePerKey(max)
        if self._with_metadata:
            by_name = visits | "ByRepoName" >> beam.Map(lambda kv: (metadata_key(repo_name_of(kv[0])), kv))
            by_snapshot = ({"visit": by_name, "meta": inputs["metadata"]} | "JoinMetadata" >> beam.CoGroupByKey()
                           | "BySnapshot" >> beam.ParDo(_AttachMetadataFn(self._matcher)))
        else:
            by_snapshot = visits | "BySnapshot" >> beam.Map(lambda kv: (kv[1][2], (kv[0], kv[1], None)))
        chosen = ({"origin": by_snapshot, "branch": inputs["snapshot_branch"]} | "JoinSnapshots" >> beam.CoGroupByKey()
                  | "ChooseBranch" >> beam.ParDo(_ChooseBranchFn()).with_outputs(REJECTS, "release", "revision"))
        from_releases = ({"head": chosen.release, "release": inputs["release"]} | "JoinReleases" >> beam.CoGroupByKey()
                         | "ReleaseToRevision" >> beam.ParDo(_ReleaseToRevisionFn()).with_outputs(REJECTS, main="heads"))
        by_revision = (chosen.revision, from_releases.heads) | "AllHeads" >> beam.Flatten()
        resolved = ({"head": by_revision, "revision": inputs["revision"]} | "JoinRevisions" >> beam.CoGroupByKey()
                    | "RevisionToDirectory" >> beam.ParDo(_RevisionToDirectoryFn()).with_outputs(REJECTS, main="heads"))
        heads = (resolved.heads | "ByRootDirectory" >> beam.GroupByKey()
                 | "OnePerRoot" >> beam.ParDo(_OnePerRootFn()))
        rejects = ((chosen[REJECTS], from_releases[REJECTS], resolved[REJECTS])
                   | "ResolveRejects" >> beam.Flatten().with_output_types(Reject))
        return heads, rejects


# --- the tree walk, level by level ----------------------------------------------------

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


class _ListingFn(beam.DoFn):
    def __init__(self, max_entries: int):
        self._max_entries = max_entries

    def process(self, item):
        directory, entries = item
        subdirs, files = listing(entries, self._max_entries)
        if isinstance(subdirs, int) or subdirs:
            yield directory, subdirs
        if isinstance(files, int) or files[0] or files[1]:
            yield beam.pvalue.TaggedOutput("files", (directory, files))


class _DescendFn(_Fn):
    """One level: frontier directories -> their subdirectories (the next frontier)."""

    WALK_REJECTS = "walk_rejects"

    def __init__(self, max_depth: int):
        self._max_depth = max_depth

    def _results(self, item):
        _directory, groups = item
        at = list(groups["at"])
        if not at:
            return
        children = next(iter(groups["dir"]), ())
        if isinstance(children, int):
            return  # too many entries: dead-lettered once, by the file join
        for root, prefix, depth in at:
            for raw, target in children:
                name = _name(raw)
                if name is None:
                    yield beam.pvalue.TaggedOutput(self.WALK_REJECTS, _walk_reject(
                        root, "path_not_utf8", f"name {raw!r} is not UTF-8",
                        prefix + raw.decode("utf-8", "backslashreplace"), target))
                elif depth + 1 > self._max_depth:
                    yield beam.pvalue.TaggedOutput(self.WALK_REJECTS, _walk_reject(
                        root, "too_deep", f"folder deeper than {self._max_depth} levels", prefix + name))
                else:
                    yield target, (root, prefix + name + "/", depth + 1)


class _FilesFn(_Fn):
    """Reached directories x their file entries -> (sha1_git, (root, path))."""

    def __init__(self, max_entries: int):
        self._max_entries = max_entries

    def _results(self, item):
        directory, groups = item
        at = list(groups["at"])
        if not at:
            return
        files = next(iter(groups["dir"]), ((), 0))
        for root, prefix, _depth in at:
            if isinstance(files, int):
                yield beam.pvalue.TaggedOutput(_DescendFn.WALK_REJECTS, _walk_reject(
                    root, "too_many_entries", f"directory {directory} has {files} entries (limit {self._max_entries})",
                    prefix.rstrip("/")))
                continue
            entries, submodules = files
            if submodules:
                self._count("dropped:submodule", submodules)
            for raw, target, perms in entries:
                name = _name(raw)
                if name is None:
                    yield beam.pvalue.TaggedOutput(_DescendFn.WALK_REJECTS, _walk_reject(
                        root, "path_not_utf8", f"name {raw!r} is not UTF-8",
                        prefix + raw.decode("utf-8", "backslashreplace"), target))
                elif perms == _PERMS_SYMLINK:
                    self._count("dropped:symlink")
                else:
                    yield target, (root, prefix + name)


class _ContentFn(_Fn):
    """Files x ``content`` (by sha1_git) -> (root, ("file", path, sha1_git, sha1, length))."""

    def _results(self, item):
        sha1_git, groups = item
        files = list(groups["file"])
        if not files:
            return
        rows = sorted(groups["content"], key=lambda c: (c[0] or "", c[1] or 0, c[2] or ""))
        for root, path in files:
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
    """Items of a root directory x its RepoHead -> CodeFile records and rejects."""

    def __init__(self, content_store: str):
        self._locator = f"store:{content_store}"

    def _results(self, item):
        _root, groups = item
        heads = list(groups["repo"])
        if not heads:
            return
        head: RepoHead = heads[0]
        base = head_record(head, self._locator)
        for entry in groups["item"]:
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


class WalkTrees(beam.PTransform):
    """``(root, RepoHead)`` + tables -> ``(root, item)`` items (files and walk rejects)."""

    def __init__(self, max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES):
        super().__init__()
        self._max_depth = max_depth
        self._max_entries = max_entries

    def expand(self, inputs):
        heads = inputs["heads"]
        listings = (inputs["directory_entry"] | "EntriesByDirectory" >> beam.GroupByKey()
                    | "Listings" >> beam.ParDo(_ListingFn(self._max_entries)).with_outputs("files", main="subdirs"))
        frontier = heads | "Roots" >> beam.Map(lambda kv: (kv[0], (kv[0], "", 0)))
        reached, walk_rejects = [frontier], []
        for depth in range(self._max_depth + 1):
            level = ({"at": frontier, "dir": listings.subdirs} | f"Level{depth:02d}" >> beam.CoGroupByKey()
                     | f"Descend{depth:02d}" >> beam.ParDo(_DescendFn(self._max_depth)).with_outputs(
                         _DescendFn.WALK_REJECTS, main="next"))
            frontier = level.next
            walk_rejects.append(level[_DescendFn.WALK_REJECTS])
            if depth < self._max_depth:
                reached.append(frontier)
        directories = reached | "Reached" >> beam.Flatten()
        files = ({"at": directories, "dir": listings.files} | "JoinFiles" >> beam.CoGroupByKey()
                 | "Files" >> beam.ParDo(_FilesFn(self._max_entries)).with_outputs(_DescendFn.WALK_REJECTS, main="files"))
        walk_rejects.append(files[_DescendFn.WALK_REJECTS])
        items = ({"file": files.files, "content": inputs["content"]} | "JoinContent" >> beam.CoGroupByKey()
                 | "Contents" >> beam.ParDo(_ContentFn()))
        return (walk_rejects + [items]) | "WalkItems" >> beam.Flatten()


# --- the source --------------------------------------------------------------------------

def metadata_key(repo_name: str) -> str:
    """How metadata rows and origins meet: GitHub names are case-insensitive, and GitHub
    Archive spells a repository as its events did (``Some-Dev/Tool`` for the origin
    ``https://github.com/some-dev/tool``)."""
    return repo_name.lower()


class _ReadMetadataFn(_Fn):
    """``(metadata_key(repo_name), RepoMeta)`` of every usable row."""

    def _results(self, location: str):
        for repo_name, meta in read_repo_metadata(location, self._count):
            yield metadata_key(repo_name), meta


#: the file in the staging folder where the pipeline leaves the inputs digest for the driver
INPUTS_FILE = "swh-inputs.json"
_DIGEST_MOD = 1 << 256


def origin_term(origin: str, snapshot: str) -> int:
    """One origin's share of the snapshots digest: sha256 of ``origin snapshot\n`` as an integer."""
    line = f"{origin} {snapshot}\n".encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.sha256(line).digest(), "big")


def snapshots_digest(terms_sum: int) -> str:
    """The digest of every origin's chosen snapshot: the sum of the origins' terms modulo
    2^256, hex. Order-independent, so workers can combine it without sorting origins."""
    return f"{terms_sum % _DIGEST_MOD:064x}"


def _sum_mod(values) -> int:
    return sum(values) % _DIGEST_MOD


def latest_snapshots(export: str, where: VisitFilter = VisitFilter()) -> Dict[str, Tuple[int, int, str]]:
    """``{origin: (visit, date, snapshot)}`` as the pipeline resolves it, computed here from
    ``origin_visit_status`` alone (the driver's view, for :meth:`ReadSwhExport.describe`)."""
    latest: Dict[str, Tuple[int, int, str]] = {}
    for path, _size in list_table_files(export, "origin_visit_status"):
        try:
            with open_orc(path, export) as orc:
                for stripe in range(orc.nstripes):
                    batch = orc.read_stripe(stripe, columns=_columns("origin_visit_status", orc.schema.names))
                    for origin, key in table_rows("origin_visit_status", batch, where):
                        if origin not in latest or key > latest[origin]:
                            latest[origin] = key
        except Exception:  # the pipeline dead-letters it; the digest covers what can be read
            continue
    return latest


class ReadSwhExport(beam.PTransform):
    """``files, rejects = pipeline | ReadSwhExport(export, content_store, ...)``."""

    def __init__(self, export: str, content_store: str, as_of: Optional[str] = None,
                 origin_prefixes: Sequence[str] = (), repo_metadata: Optional[str] = None,
                 max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES, matcher=None):
        super().__init__()
        self._export = export.rstrip("/") if "://" in export else os.path.abspath(export)
        self._content_store = content_store.rstrip("/") if "://" in content_store else os.path.abspath(content_store)
        self._as_of = as_of
        self._where = VisitFilter(as_of_micros(as_of), tuple(sorted(set(origin_prefixes))), matcher)
        self._metadata = repo_metadata
        self._max_depth = max_depth
        self._max_entries = max_entries

    def check(self) -> None:
        """Fail early, in one line, on what would make the whole run pointless."""
        where = f"--source swh-export:{self._export}"
        for table in sorted(TABLES):
            try:
                found = list_table_files(self._export, table)
            except OSError as exc:
                raise UsageError(f"{where}: cannot list orc/{table}/: {exc}") from exc
            if not found:
                raise UsageError(f"{where}: table {table} is missing (no .orc file under orc/{table}/)")
        import pyarrow.fs

        try:
            filesystem, base = open_filesystem(self._content_store)
            info = filesystem.get_file_info(base)
        except OSError as exc:
            raise UsageError(f"--content-store {self._content_store}: cannot open it: {exc}") from exc
        if info.type == pyarrow.fs.FileType.NotFound:
            raise UsageError(f"--content-store {self._content_store}: not found")
        if self._metadata:
            check_repo_metadata(self._metadata)

    def describe(self) -> dict:
        """The input by content: the export, the options, and a digest of every origin's chosen
        snapshot (``origin snapshot`` lines, as the git source). The content store is left out:
        blobs are addressed and checked by sha1, so any mirror gives the same release."""
        computed = self._read_inputs()
        if computed is None:  # not built by a pipeline (yet): read the visits here
            latest = latest_snapshots(self._export, self._where)
            computed = {"origins": len(latest),
                        "snapshots_digest": snapshots_digest(sum(origin_term(o, k[2]) for o, k in latest.items()))}
        out = {
            "kind": "swh-export",
            "export": public_location(self._export),
            "origins": computed["origins"],
            "snapshots_digest": computed["snapshots_digest"],
        }
        if self._as_of:
            out["as_of"] = self._as_of
        if self._where.origin_prefixes:
            out["origin_prefixes"] = list(self._where.origin_prefixes)
        if self._metadata:
            out["repo_metadata_sha256"] = check_repo_metadata(self._metadata)
        return out

    def set_staging(self, staging: str) -> None:
        """Where the pipeline leaves the inputs digest (see :meth:`describe`)."""
        self._staging = staging

    def _read_inputs(self) -> Optional[dict]:
        staging = getattr(self, "_staging", None)
        if not staging:
            return None
        from apache_beam.io.filesystems import FileSystems

        path = FileSystems.join(staging, INPUTS_FILE)
        if not FileSystems.exists(path):
            return None
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            return json.loads(handle.read().decode())

    def _digest_inputs(self, visits) -> None:
        """origins and snapshots digest, combined across workers, written for the driver."""
        from pipeline.sink import write_file

        staging = getattr(self, "_staging", None)
        if not staging:
            return
        latest = visits | "LatestPerOrigin" >> beam.CombinePerKey(max)
        terms = latest | "OriginTerms" >> beam.Map(lambda kv: origin_term(kv[0], kv[1][2]))
        total = terms | "SumTerms" >> beam.CombineGlobally(_sum_mod)
        count = latest | "CountOrigins" >> beam.combiners.Count.Globally()

        def write(total_sum, origins):
            body = {"origins": origins, "snapshots_digest": snapshots_digest(total_sum)}
            write_file(FileSystems.join(staging, INPUTS_FILE), json.dumps(body, sort_keys=True).encode())

        from apache_beam.io.filesystems import FileSystems

        _ = total | "WriteInputsDigest" >> beam.Map(write, origins=beam.pvalue.AsSingleton(count))

    def expand(self, pbegin):
        tables = pbegin | "ReadTables" >> ReadExportTables(self._export, where=self._where)
        self._digest_inputs(tables["origin_visit_status"])
        inputs = {name: tables[name] for name in TABLES}
        if self._metadata:
            inputs["metadata"] = (pbegin | "MetadataFile" >> beam.Create([self._metadata])
                                  | "ReadMetadata" >> beam.ParDo(_ReadMetadataFn()))
        heads, resolve_rejects = inputs | "Resolve" >> ResolveHeads(bool(self._metadata), self._where.optout)
        items = (dict(inputs, heads=heads)
                 | "Walk" >> WalkTrees(self._max_depth, self._max_entries))
        emitted = ({"repo": heads, "item": items} | "JoinRepositories" >> beam.CoGroupByKey()
                   | "Emit" >> beam.ParDo(_EmitFn(self._content_store)).with_outputs(REJECTS, main="files"))
        rejects = ((tables[REJECTS], resolve_rejects, emitted[REJECTS])
                   | "SourceRejects" >> beam.Flatten().with_output_types(Reject))
        return emitted.files, rejects
