"""``--source swh-export:PATH_OR_URI --content-store PATH_OR_URI``: a Software Heritage graph export.

The export is SWH's relational dataset as published (``<export>/orc/<table>/<table>-<uuid>.orc``,
zstd ORC; swh-export's relational schema: ids are hex strings, names and messages
raw bytes). Six tables are read: ``origin_visit_status``, ``snapshot_branch``,
``release``, ``revision``, ``directory_entry`` and ``content``. Files are listed
and opened with pyarrow (local, ``s3://`` anonymous or credentialed, any pyarrow
URI), and each ORC stripe is one unit of work. A full export is 15-33 TiB: what a
build costs must follow what the latest snapshots reach, not the tables' size.

The graph (modules of this package in brackets):

0. **Tables, read once** [tables, buckets, lookup]: every stripe is read with column
   projection and handled in Arrow. ``origin_visit_status`` is reduced in the stripe
   to each origin's latest full visit. The five big tables are split by the first
   hex digits of their key into buckets (their count follows the table's bytes),
   shuffled once as Arrow pieces and written as sorted Parquet files with small row
   groups under the build's staging folder. Every later join is a lookup: the keys
   wanted, grouped by bucket, read from the row groups that can hold them.
1. **Visits** [tables]: per origin the highest ``visit`` whose status is ``full`` with a
   snapshot (at or before ``--as-of`` if given; origins limited by URL prefix).
   Origins the opt-out registry names are left out as visits are read; those it
   names by GitHub id (repository or owner, from ``--repo-metadata``) as soon as the
   metadata is joined, before a branch is chosen (``visits:opted_out``).
2. **Branch** [resolve]: the default branch from ``--repo-metadata`` if it is in the
   snapshot, else ``HEAD`` (an alias whose ``target`` is the hex of the branch name
   it points to), else ``refs/heads/main``, ``refs/heads/master``; a branch to a
   release follows it to its revision; the revision gives the root directory.
3. **Same root, built once** [resolve]: repositories whose root directory is the same
   keep one: a license first, then most stars, most forks, the oldest revision, the
   lowest github_id, the oldest visit, the origin URL (a combiner: forks are no list).
4. **Tree walk, level by level** [walk]: the frontier (directory, root, path, depth)
   is grouped by bucket and its listings read, up to depth 64; a level with nothing
   to visit reads nothing. ``rev`` entries (submodules) and symlinks are skipped; a
   directory of more than 1M entries and a name that is not UTF-8 are dead-lettered.
5. **Contents** [walk]: ``directory_entry.target`` (``sha1_git``) looked up in
   ``content`` for ``sha1`` (the content-store key), length and status; hidden or
   absent contents are dead-lettered and never fetched (the decode stage skips blobs
   of 10 MB or more before reading them).

Records leave with ``locator = store:<content store>`` and ``blob_id = sha1``;
:class:`transforms.fetch.StoreBlobReader` reads them. Grouped values are streamed
everywhere (a hot key — the empty blob, a subtree shared by every fork, a snapshot
with millions of branches — is never a list).
"""

from pipeline.sources.swh_export.common import MAX_DEPTH, MAX_ENTRIES, STAGE
from pipeline.sources.swh_export.model import (
    METADATA_COLUMNS, Branches, RepoHead, RepoMeta, VisitFilter, alias_target, as_of_micros, branch_ref,
    check_repo_metadata, choose_branch, head_record, iso_from_us, meta_order, metadata_from_row, metadata_key,
    parse_time, preference_key, public_location, read_repo_metadata, visit_key)
from pipeline.sources.swh_export.resolve import BestHead, ResolveHeads, opted_out_by_ids
from pipeline.sources.swh_export.source import (
    INPUTS_FILE, ReadSwhExport, latest_snapshots, origin_term, snapshots_digest)
from pipeline.sources.swh_export.tables import TABLES, ReadExportTables, latest_visits, list_table_files, table_rows
from pipeline.sources.swh_export.walk import WalkTrees, listing

__all__ = [
    "MAX_DEPTH", "MAX_ENTRIES", "STAGE", "METADATA_COLUMNS", "Branches", "RepoHead", "RepoMeta", "VisitFilter",
    "alias_target", "as_of_micros", "branch_ref", "check_repo_metadata", "choose_branch", "head_record",
    "iso_from_us", "meta_order", "metadata_from_row", "metadata_key", "parse_time", "preference_key",
    "public_location", "read_repo_metadata", "visit_key", "BestHead", "ResolveHeads", "opted_out_by_ids",
    "INPUTS_FILE", "ReadSwhExport", "latest_snapshots", "origin_term", "snapshots_digest", "TABLES",
    "ReadExportTables", "latest_visits", "list_table_files", "table_rows", "WalkTrees", "listing",
]
