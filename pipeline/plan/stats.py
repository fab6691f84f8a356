"""What ``codestack plan`` knows of an export: rows, bytes and files per table, from the
ORC files' footers (no data read) or from published figures (``--table-stats FILE``)."""

from __future__ import annotations

import dataclasses
from typing import Dict, Tuple

from pipeline.errors import UsageError

#: the tables a build reads (see pipeline/sources/swh_export/tables.py)
TABLES = ("origin_visit_status", "snapshot_branch", "release", "revision", "directory_entry", "content")


@dataclasses.dataclass(frozen=True)
class TableStats:
    rows: int
    bytes: int
    files: int = 0


@dataclasses.dataclass(frozen=True)
class ExportStats:
    """An export's size per table, and where the figures come from."""

    name: str
    source: str
    tables: Dict[str, TableStats]
    notes: Tuple[str, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(t.bytes for t in self.tables.values())


def read_export_stats(uri: str) -> ExportStats:
    """Rows and bytes per table from the ORC footers of ``<uri>/orc/<table>/*.orc`` (a
    listing and each file's tail; no stripe is read). One-line errors for a missing
    table, an unreadable footer, or a folder that is not an export of this layout."""
    import pyarrow.fs
    import pyarrow.orc

    from pipeline.sources.swh_export.tables import list_table_files
    from transforms.fetch import open_filesystem

    where = f"--source swh-export:{uri}"
    try:
        filesystem, base = open_filesystem(uri)
        info = filesystem.get_file_info(f"{base}/orc")
    except (OSError, ValueError) as exc:
        raise UsageError(f"{where}: cannot open it: {exc}") from exc
    if info.type != pyarrow.fs.FileType.Directory:
        raise UsageError(f"{where}: not an SWH graph export of the ORC layout (no orc/ folder; expected "
                         f"<export>/orc/<table>/<table>-<uuid>.orc)")
    tables = {}
    for table in TABLES:
        try:
            files = list_table_files(uri, table)
        except OSError as exc:
            raise UsageError(f"{where}: cannot list orc/{table}/: {exc}") from exc
        if not files:
            others = filesystem.get_file_info(pyarrow.fs.FileSelector(f"{base}/orc/{table}", allow_not_found=True))
            if any(entry.type == pyarrow.fs.FileType.File for entry in others):
                raise UsageError(f"{where}: orc/{table}/ holds no .orc file (another layout or format?)")
            raise UsageError(f"{where}: table {table} is missing (no .orc file under orc/{table}/)")
        rows = 0
        for path, _size in files:
            try:
                with filesystem.open_input_file(path) as handle:
                    rows += pyarrow.orc.ORCFile(handle).nrows
            except Exception as exc:  # any reader failure is this file's
                raise UsageError(f"{where}: {path.rsplit('/', 1)[-1]}: unreadable ORC footer "
                                 f"({type(exc).__name__}: {exc})") from exc
        tables[table] = TableStats(rows=rows, bytes=sum(size for _path, size in files), files=len(files))
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    return ExportStats(name=name, source=f"ORC footers of {uri}", tables=tables)


def load_table_stats(path: str) -> ExportStats:
    """``--table-stats FILE``: YAML with ``name``, ``source`` (where the figures come
    from: a citation is required), ``tables: {table: {rows, bytes}}`` and optional
    ``notes``."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"--table-stats {path}: cannot read it: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"--table-stats {path}: expected a mapping with name, source and tables")
    for key in ("name", "source", "tables"):
        if not data.get(key):
            raise UsageError(f"--table-stats {path}: no {key!r} (the source must cite where the figures come from)")
    tables = {}
    for table in TABLES:
        entry = data["tables"].get(table) if isinstance(data["tables"], dict) else None
        if not isinstance(entry, dict) or "rows" not in entry or "bytes" not in entry:
            raise UsageError(f"--table-stats {path}: table {table} is missing (needs rows and bytes)")
        try:
            rows, size = int(entry["rows"]), int(entry["bytes"])
        except (TypeError, ValueError) as exc:
            raise UsageError(f"--table-stats {path}: table {table}: rows and bytes must be integers") from exc
        if rows < 0 or size < 0:
            raise UsageError(f"--table-stats {path}: table {table}: negative rows or bytes")
        tables[table] = TableStats(rows=rows, bytes=size, files=int(entry.get("files", 0) or 0))
    notes = tuple(str(n) for n in (data.get("notes") or ()))
    return ExportStats(name=str(data["name"]), source=str(data["source"]).strip(), tables=tables, notes=notes)
