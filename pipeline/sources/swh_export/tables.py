"""Reading the export's ORC tables: each stripe is one unit of work, read with column
projection and handled as Arrow arrays, never row by row.

``origin_visit_status`` is reduced in each stripe to one latest full visit per origin
(vectorized), the only rows that go on as Python values. The five big tables become
Arrow pieces per bucket (:mod:`.buckets`), shuffled once and written as bucket files.
"""

from __future__ import annotations

import contextlib
from typing import Dict, Iterator, List, Sequence, Tuple

import apache_beam as beam
import numpy as np

from pipeline.sources.swh_export.buckets import PIECE_DIGITS, TABLE_KEYS, split_by_bucket, to_ipc
from pipeline.sources.swh_export.common import STAGE, _Fn, _portable
from pipeline.sources.swh_export.model import VisitFilter, visit_key
from pipeline.sources.swhid import repo_name_of
from transforms.base import REJECTS
from transforms.counts import COUNTS, counted
from transforms.fetch import open_filesystem
from transforms.record import Reject

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
#: how each column of a bucketed table is held: Arrow type names, ``micros`` for
#: timestamps as int64 microseconds since the epoch
_KINDS = {"name": "binary", "perms": "int64", "length": "int64", "date": "micros", "committer_date": "micros"}


def list_table_files(export: str, table: str) -> List[Tuple[str, int]]:
    """``[(path, size)]`` of ``<export>/orc/<table>/*.orc``, sorted."""
    import pyarrow.fs

    filesystem, base = open_filesystem(export)
    infos = filesystem.get_file_info(pyarrow.fs.FileSelector(f"{base}/orc/{table}", allow_not_found=True))
    return sorted((info.path, info.size or 0) for info in infos
                  if info.type == pyarrow.fs.FileType.File and info.path.endswith(".orc"))


@contextlib.contextmanager
def open_orc(path: str, export: str):
    """An ORC file of the export (``path`` as listed by :func:`list_table_files`)."""
    import pyarrow.orc

    filesystem, _base = open_filesystem(export)
    with filesystem.open_input_file(path) as handle:
        yield pyarrow.orc.ORCFile(handle)


def _columns(table: str, present: Sequence[str]) -> List[str]:
    """The columns of ``table`` to read from a file that has ``present`` (older names accepted)."""
    present = set(present)
    wanted = [c if c in present else _ALIASES.get((table, c), c) for c in TABLES[table]]
    return [c for c in wanted if c in present]


def _named(table: str, batch) -> Dict[str, object]:
    """``{column: array}`` of a batch under the names of :data:`TABLES`; KeyError on a missing column."""
    present = set(batch.schema.names)
    out = {}
    for column in TABLES[table]:
        alias = _ALIASES.get((table, column))
        if column in present:
            out[column] = batch.column(batch.schema.get_field_index(column))
        elif alias and alias in present:
            out[column] = batch.column(batch.schema.get_field_index(alias))
        else:
            raise KeyError(column)
    return out


def micros(column):
    """An int64 array of microseconds since the epoch from a timestamp (any unit) or integer column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_timestamp(column.type):
        return column.cast(pa.int64())
    values = column.cast(pa.int64())
    unit = column.type.unit
    if unit == "s":
        return pc.multiply(values, 1_000_000)
    if unit == "ms":
        return pc.multiply(values, 1000)
    if unit == "ns":  # floor division, as Python's //
        quotient = pc.divide(values, 1000)
        negative = pc.less(pc.subtract(values, pc.multiply(quotient, 1000)), 0)
        return pc.if_else(negative, pc.subtract(quotient, 1), quotient)
    return values


def canonical(table: str, batch):
    """A batch of a bucketed table as an Arrow table with the names and types every
    reader expects (see :data:`_KINDS`); branches without a name or target are left out."""
    import pyarrow as pa
    import pyarrow.compute as pc

    named = _named(table, batch)
    arrays, fields = [], []
    for column, values in named.items():
        kind = _KINDS.get(column, "string")
        if kind == "micros":
            values = micros(values)
        else:
            values = values.cast(getattr(pa, kind)())
        arrays.append(values)
        fields.append(pa.field(column, arrays[-1].type))
    out = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    if table == "snapshot_branch":
        out = out.filter(pc.and_(pc.is_valid(out.column("name")), pc.is_valid(out.column("target"))))
    return out


def latest_visits(batch, where: VisitFilter = VisitFilter(), count=None) -> Iterator[Tuple[str, Tuple[int, int, str]]]:
    """Per origin of an ``origin_visit_status`` batch, its latest full visit with a
    snapshot (``(origin, visit_key)``), vectorized: only the winners become Python values.
    Origins the opt-out registry names are left out (``visits:opted_out``, one per row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    named = _named("origin_visit_status", batch)
    status, snapshot, origin = named["status"], named["snapshot"], named["origin"]
    keep = pc.and_(pc.equal(status, "full"), pc.greater(pc.binary_length(snapshot), 0))
    if where.origin_prefixes:
        prefixed = None
        for prefix in where.origin_prefixes:
            match = pc.starts_with(origin, prefix)
            prefixed = match if prefixed is None else pc.or_(prefixed, match)
        keep = pc.and_(keep, prefixed)
    dates = micros(named["date"])
    if where.as_of_us is not None:
        keep = pc.and_(keep, pc.less_equal(dates, where.as_of_us))
    keep = pc.fill_null(keep, False)
    rows = pa.table({"origin": origin.cast(pa.string()), "visit": named["visit"].cast(pa.int64()),
                     "date": dates.fill_null(-1), "snapshot": snapshot.cast(pa.string())}).filter(keep)
    if not rows.num_rows:
        return
    rows = rows.sort_by([("origin", "ascending"), ("visit", "descending"), ("date", "descending"),
                         ("snapshot", "descending")])
    origins = rows.column("origin").combine_chunks()
    first = np.ones(rows.num_rows, dtype=bool)
    if rows.num_rows > 1:
        first[1:] = pc.not_equal(origins.slice(1), origins.slice(0, rows.num_rows - 1)).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(first)
    runs = np.diff(np.concatenate((starts, [rows.num_rows])))
    winners = rows.take(pa.array(starts))
    for (name, visit, date, snap), run in zip(zip(*(winners.column(c).to_pylist() for c in winners.column_names)),
                                              runs.tolist()):
        if where.optout is not None and where.optout.match(origin_url=name, repo_name=repo_name_of(name)):
            if count is not None:
                count("visits:opted_out", run)
            continue
        yield name, visit_key(visit, None if date < 0 else date, snap)


def table_rows(table: str, batch, where: VisitFilter = VisitFilter(), count=None) -> Iterator[tuple]:
    """Keyed rows of one ORC batch of ``table`` as Python values (tests, the driver's
    digest); raises KeyError on a missing column. A build keeps the big tables in Arrow."""
    if table == "origin_visit_status":
        yield from latest_visits(batch, where, count)
        return
    data = canonical(table, batch)
    key = TABLE_KEYS[table]
    rest = [c for c in TABLES[table] if c != key]
    for row in zip(*(data.column(c).to_pylist() for c in TABLES[table])):
        values = dict(zip(TABLES[table], row))
        yield values[key], tuple(values[c] for c in rest)


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


class _ReadStripe(_Fn):
    """A stripe -> the latest visits of its origins (tag ``origin_visit_status``), or Arrow
    pieces of a bucketed table (tag ``pieces``: ``((table, bucket), ipc bytes)``)."""

    def __init__(self, export: str, where: VisitFilter, digits: Dict[str, int], piece_digits: int = PIECE_DIGITS):
        self._export = export
        self._where = where
        self._digits = digits
        self._piece_digits = piece_digits

    def _results(self, unit):
        table, path, stripe = unit
        try:
            with open_orc(path, self._export) as orc:
                batch = orc.read_stripe(stripe, columns=_columns(table, orc.schema.names))
            if table == "origin_visit_status":
                out = [beam.pvalue.TaggedOutput(table, row) for row in latest_visits(batch, self._where, self._count)]
            else:
                pieces, unusable = split_by_bucket(canonical(table, batch), TABLE_KEYS[table],
                                                   min(self._digits[table], self._piece_digits))
                if unusable:
                    self._count(f"orc:{table}:rows_without_key", unusable)
                out = [beam.pvalue.TaggedOutput("pieces", ((table, bucket), to_ipc(piece))) for bucket, piece in pieces]
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
        yield from out


class ReadExportTables(beam.PTransform):
    """``pbegin | ReadExportTables(export, digits)`` -> ``origin_visit_status`` (the latest
    full visit per origin and stripe), ``pieces`` (bucketed Arrow pieces of the other
    tables, by their first :data:`PIECE_DIGITS` hex digits at most) and ``rejects``
    (missing tables, unreadable files)."""

    def __init__(self, export: str, digits: Dict[str, int], where: VisitFilter = VisitFilter(),
                 piece_digits: int = PIECE_DIGITS):
        super().__init__()
        self._export = export
        self._digits = dict(digits)
        self._where = where
        self._piece_digits = piece_digits

    def expand(self, pbegin):
        matched = (pbegin | "Tables" >> beam.Create(sorted(TABLES))
                   | "MatchFiles" >> beam.ParDo(_MatchTableFiles(self._export)).with_outputs(REJECTS, main="files"))
        stripes = (matched.files | "SpreadFiles" >> beam.Reshuffle()
                   | "SplitStripes" >> beam.ParDo(_SplitStripes(self._export)).with_outputs(REJECTS, COUNTS,
                                                                                           main="stripes"))
        counted(stripes)
        rows = (stripes.stripes | "SpreadStripes" >> beam.Reshuffle()
                | "ReadStripes" >> beam.ParDo(_ReadStripe(self._export, self._where, self._digits, self._piece_digits)).with_outputs(
                    REJECTS, "origin_visit_status", "pieces", COUNTS))
        counted(rows)
        rejects = ((matched[REJECTS], stripes[REJECTS], rows[REJECTS])
                   | "TableRejects" >> beam.Flatten().with_output_types(Reject))
        return {"origin_visit_status": rows.origin_visit_status, "pieces": rows.pieces, REJECTS: rejects}
