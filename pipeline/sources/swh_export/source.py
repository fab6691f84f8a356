"""``ReadSwhExport``: the export source, top to bottom.

    ORC stripes ─▶ latest visit per origin (vectorized)       ─▶ resolve heads ─▶ walk ─▶ records
              └─▶ Arrow pieces by bucket ─▶ one shuffle ─▶ bucket files (side input of every lookup)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Dict, Optional, Sequence, Tuple

import apache_beam as beam

from pipeline.errors import UsageError
from pipeline.sources.swh_export.buckets import BUCKET_BYTES, PIECE_DIGITS, ROW_GROUP_ROWS, TABLE_KEYS, digits_for
from pipeline.sources.swh_export.common import MAX_DEPTH, MAX_ENTRIES, _Fn
from pipeline.sources.swh_export.lookup import PrepareTables
from pipeline.sources.swh_export.model import (
    VisitFilter, as_of_micros, check_repo_metadata, metadata_key, public_location, read_repo_metadata)
from pipeline.sources.swh_export.resolve import ResolveHeads
from pipeline.sources.swh_export.tables import TABLES, ReadExportTables, _columns, latest_visits, list_table_files, open_orc
from pipeline.sources.swh_export.walk import WalkTrees
from transforms.base import REJECTS
from transforms.counts import CountedParDo
from transforms.fetch import open_filesystem
from transforms.record import Reject

#: where a build keeps the prepared tables, under its staging folder
TABLES_FOLDER = "swh-tables"


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
                    for origin, key in latest_visits(batch, where):
                        if origin not in latest or key > latest[origin]:
                            latest[origin] = key
        except Exception:  # the pipeline dead-letters it; the digest covers what can be read
            continue
    return latest


class ReadSwhExport(beam.PTransform):
    """``files, rejects = pipeline | ReadSwhExport(export, content_store, ...)``."""

    #: how its records are grouped by blob (transforms.fetch.blob_key): the export gives every blob's sha1
    blob_key_kind = "sha1"

    def __init__(self, export: str, content_store: str, as_of: Optional[str] = None,
                 origin_prefixes: Sequence[str] = (), repo_metadata: Optional[str] = None,
                 max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES, matcher=None,
                 bucket_bytes: int = BUCKET_BYTES, row_group_rows: int = ROW_GROUP_ROWS,
                 piece_digits: int = PIECE_DIGITS):
        """``bucket_bytes``: the ORC bytes a bucket of a prepared table is aimed at (the
        bucket count follows each table's size); ``row_group_rows``: rows per row group
        of a bucket file, the least a lookup reads; ``piece_digits``: the shuffle's
        pieces are split by at most this many hex digits (see :mod:`.buckets`)."""
        super().__init__()
        self._piece_digits = piece_digits
        self._bucket_bytes = bucket_bytes
        self._row_group_rows = row_group_rows
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

    def _digest_inputs(self, latest) -> None:
        """origins and snapshots digest, combined across workers, written for the driver."""
        from pipeline.sink import write_file

        staging = getattr(self, "_staging", None)
        if not staging:
            return
        terms = latest | "OriginTerms" >> beam.Map(lambda kv: origin_term(kv[0], kv[1][2]))
        total = terms | "SumTerms" >> beam.CombineGlobally(_sum_mod)
        count = latest | "CountOrigins" >> beam.combiners.Count.Globally()

        def write(total_sum, origins):
            body = {"origins": origins, "snapshots_digest": snapshots_digest(total_sum)}
            write_file(FileSystems.join(staging, INPUTS_FILE), json.dumps(body, sort_keys=True).encode())

        from apache_beam.io.filesystems import FileSystems

        _ = total | "WriteInputsDigest" >> beam.Map(write, origins=beam.pvalue.AsSingleton(count))

    def digits(self) -> Dict[str, int]:
        """Hex digits of the bucket names of each prepared table, from its ORC bytes
        (a listing, no data read): buckets stay bounded as the archive grows."""
        return {table: digits_for(sum(size for _path, size in list_table_files(self._export, table)),
                                  self._bucket_bytes) for table in sorted(TABLE_KEYS)}

    def _tables_root(self) -> str:
        staging = getattr(self, "_staging", None)
        if not staging:  # a source used on its own, on a local runner
            staging = tempfile.mkdtemp(prefix="codestack-swh-")
        return f"{staging.rstrip('/')}/{TABLES_FOLDER}"

    def expand(self, pbegin):
        digits = self.digits()
        tables = pbegin | "ReadTables" >> ReadExportTables(self._export, digits, self._where, self._piece_digits)
        latest = tables["origin_visit_status"] | "LatestVisit" >> beam.CombinePerKey(max)
        self._digest_inputs(latest)
        prepared = tables["pieces"] | "PrepareTables" >> PrepareTables(self._tables_root(), digits,
                                                                        self._row_group_rows, self._piece_digits)
        inputs = {"origin_visit_status": latest, "tables": prepared}
        if self._metadata:
            inputs["metadata"] = (pbegin | "MetadataFile" >> beam.Create([self._metadata])
                                  | "ReadMetadata" >> CountedParDo(_ReadMetadataFn()))
        heads, resolve_rejects = inputs | "Resolve" >> ResolveHeads(digits, bool(self._metadata), self._where.optout)
        files, walk_rejects = ({"heads": heads, "tables": prepared}
                               | "Walk" >> WalkTrees(digits, self._content_store, self._max_depth, self._max_entries))
        rejects = ((tables[REJECTS], resolve_rejects, walk_rejects)
                   | "SourceRejects" >> beam.Flatten().with_output_types(Reject))
        return files, rejects
