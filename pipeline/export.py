"""``codestack export RELEASE --format repo-documents``: one Beam pipeline.

    release shards ─▶ files (repo_name, path, language, text)
       ├─▶ per file: its part's bytes (and tokens), its import statements
       │     ─▶ GroupByKey(repository): small values only ─▶ dependency order, cut into
       │        documents ─▶ (file ─▶ document, position)
       └─▶ CoGroupByKey(file) with that plan ─▶ GroupByKey(document) ─▶ text
    documents ─▶ deterministic shards (pipeline.sink.WriteShards) ─▶ manifest, card, SHA256SUMS

The repository's grouping holds each file's path, sizes and import statements, never
its text; texts cross two shuffles (to their plan, then to their document), and a
document is bounded by ``--max-bytes`` / ``--max-tokens``. A file that alone is over a
limit gets documents of its own, cut at line ends. Documents are placed in shards by
a stable hash and sorted by (repository, document, piece): the same release and
options give the same bytes on any runner.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash
from apache_beam.io.filesystems import FileSystems

from pipeline.counters import WriteCounters, read_counters, stage_counters
from pipeline.sink import WriteShards, write_index
from transforms.base import BeamCounter
from transforms.counts import CountedParDo
from transforms.record import pack, unpack
from transforms.views.documents import FilePlan, Markers, dependency_order, file_part, header, plan_documents, \
    split_text
from transforms.views.imports import dependency_graph, import_specs

STAGE = "export"
FORMAT = "repo-documents"
COLUMNS = ("repo_name", "path", "blob_id", "language", "content")


@dataclasses.dataclass(frozen=True)
class ExportOptions:
    markers: Markers = Markers()
    #: a document holds at most this many bytes of text (UTF-8); 0: no limit
    max_bytes: int = 1 << 20
    #: ... and this many tokens (with a tokenizer); 0: no limit
    max_tokens: int = 0
    #: target bytes of text per Parquet shard
    target_shard_bytes: int = 256_000_000
    #: zstd level of the shards: 3 writes ~4x faster than the release's 9 for ~10% more bytes (a view
    #: is made again at will; measured by bench/bench_views.py)
    zstd_level: int = 3
    row_group_rows: int = 1_000


class Document(NamedTuple):
    text: str
    repo_name: str
    files: Tuple[str, ...]
    num_tokens: Optional[int]
    languages: Tuple[str, ...]
    document: int  # index among the repository's documents (ordering only, not written)
    piece: int  # piece of a file that alone is over a limit (0 otherwise)


SCHEMA = pa.schema([
    pa.field("text", pa.string(), nullable=False),
    pa.field("repo_name", pa.string(), nullable=False),
    pa.field("files", pa.list_(pa.string()), nullable=False),
    pa.field("num_tokens", pa.int64(), nullable=True),
    pa.field("languages", pa.list_(pa.string()), nullable=False),
])


def shard_path(_group: str, index: int, total: int) -> str:
    return f"data/train-{index:05d}-of-{total:05d}.parquet"


def write_documents(documents: Iterable[Document], options: ExportOptions, handle) -> None:
    writer = pq.ParquetWriter(handle, SCHEMA, compression="zstd", compression_level=options.zstd_level,
                              write_statistics=["repo_name"], use_dictionary=["repo_name"])
    batch: List[Document] = []

    def flush():
        columns = {name: [getattr(d, name) for d in batch] for name in SCHEMA.names}
        columns["files"] = [list(v) for v in columns["files"]]
        columns["languages"] = [list(v) for v in columns["languages"]]
        writer.write_table(pa.Table.from_pydict(columns, schema=SCHEMA))
        batch.clear()

    for document in documents:
        batch.append(document)
        if len(batch) >= options.row_group_rows:
            flush()
    if batch:
        flush()
    writer.close()


# ---------------------------------------------------------------------------- Beam steps


class _ReadShardFn(beam.DoFn):
    """A release shard's path -> ``((repo, path, blob_id), (language, text))`` per row, one row group at a time."""

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, path: str):
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            parquet = pq.ParquetFile(io.BytesIO(handle.read()))
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=list(COLUMNS))
            for row in table.to_pylist():
                self._count("files")
                yield (row["repo_name"], row["path"], row["blob_id"]), (row["language"], row["content"])


class _ExportFn(beam.DoFn):
    """What the export's steps share: the options, the tokenizer (loaded in ``setup``; None:
    no token counts) and the stage's counters."""

    def __init__(self, options: ExportOptions, tokenizer):
        self._options = options
        self._tokenizer = tokenizer

    def setup(self):
        self._encode = _encoder(self._tokenizer)
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()


class _MeasureFn(_ExportFn):
    """A file -> ``(repo, (path, blob_id, language, part bytes, part tokens, import specs))``."""

    def process(self, element):
        (repo, path, blob_id), (language, text) = element
        part = file_part(self._options.markers, path, text)
        tokens = self._encode(part) if self._encode else None
        specs = tuple(import_specs(language, path, text))
        yield repo, (path, blob_id, language, len(part.encode("utf-8", "surrogatepass")), tokens, specs)


def _encoder(tokenizer):
    if tokenizer is None:
        return None
    from transforms.tokens import load_encoder, read_file

    return load_encoder(read_file(tokenizer.path), tokenizer.kind)


class _PlanFn(_ExportFn):
    """A repository's file facts -> ``((repo, path, blob_id), FilePlan)`` for each file."""

    def process(self, element):
        repo, facts = element
        facts = sorted(facts)
        options, markers = self._options, self._options.markers
        keyed = {(path, blob_id): (language, size, tokens, specs) for path, blob_id, language, size, tokens, specs in facts}
        # a path twice (two blobs) orders by blob id after it; imports name paths
        node = {key: f"{key[0]}\x00{key[1]}" for key in keyed}
        by_path: Dict[str, List[str]] = {}
        for key in sorted(keyed):
            by_path.setdefault(key[0], []).append(node[key])
        graph = dependency_graph({key[0]: keyed[key][3] for key in keyed})
        imports = {node[key]: [n for dep in graph.get(key[0], []) for n in by_path.get(dep, [])] for key in keyed}
        order = dependency_order(imports)
        sizes = {node[k]: v[1] for k, v in keyed.items()}
        counted = self._encode is not None
        tokens = {node[k]: v[2] for k, v in keyed.items()} if counted else None
        head = header(markers, repo) + markers.end
        overhead_bytes = len(head.encode("utf-8", "surrogatepass"))
        overhead_tokens = self._encode(head) if counted else 0
        plans = plan_documents(order, sizes, tokens, overhead_bytes, overhead_tokens, options.max_bytes,
                               options.max_tokens if counted else 0)
        self._count("repositories")
        self._count("import_edges", sum(len(v) for v in imports.values()))
        for key in keyed:
            yield (repo, key[0], key[1]), plans[node[key]]


class _PlaceFn(_ExportFn):
    """A file and its plan -> ``((repo, document, piece), (position, path, packed (language, text)))``."""

    def process(self, element):
        (repo, path, _blob_id), grouped = element
        files, plans = list(grouped["file"]), list(grouped["plan"])
        if len(files) != 1 or len(plans) != 1:
            self._count("dropped:unplanned")
            return
        plan: FilePlan = plans[0]
        if not plan.alone:  # the file goes on still packed: unpacked once, where its document is made
            yield (repo, plan.document, 0), (plan.position, path, files[0])
            return
        language, text = unpack(files[0])
        options, markers = self._options, self._options.markers
        head = header(markers, repo) + markers.end + file_part(markers, path, "")
        if options.max_tokens and self._encode:
            limit, measure = options.max_tokens - self._encode(head), self._encode
        else:
            limit, measure = options.max_bytes - len(head.encode("utf-8", "surrogatepass")), \
                lambda s: len(s.encode("utf-8", "surrogatepass"))
        if options.max_bytes and options.max_tokens and self._encode:  # both limits: the stricter, by bytes too
            byte_limit = options.max_bytes - len(head.encode("utf-8", "surrogatepass"))
            pieces = [p for piece in split_text(text, max(1, limit), measure)
                      for p in split_text(piece, max(1, byte_limit), lambda s: len(s.encode("utf-8", "surrogatepass")))]
        else:
            pieces = split_text(text, max(1, limit), measure)
        self._count("files_split")
        for index, piece in enumerate(pieces):
            yield (repo, plan.document, index), (0, path, pack((language, piece)))


class _AssembleFn(_ExportFn):
    """A document's parts -> the :class:`Document` (its tokens counted whole)."""

    def process(self, element):
        (repo, document, piece), placed = element
        markers = self._options.markers
        parts = [(position, path) + tuple(unpack(packed)) for position, path, packed in sorted(placed)]
        text = header(markers, repo) + "".join(file_part(markers, path, body)
                                               for _pos, path, _lang, body in parts) + markers.end
        self._count("documents")
        self._count("files_placed", len(parts))
        num_tokens = self._encode(text) if self._encode else None
        if num_tokens is not None:
            self._count("tokens", num_tokens)
        yield Document(text=text, repo_name=repo, files=tuple(path for _pos, path, _l, _b in parts),
                       num_tokens=num_tokens,
                       languages=tuple(sorted({lang for _p, _path, lang, _b in parts})), document=document,
                       piece=piece)


def _pack_file(element):
    key, value = element
    return key, pack(value)


def build_export_graph(pipeline, shard_paths: Sequence[str], staging: str, options: ExportOptions, tokenizer=None):
    files = (
        pipeline
        | "Shards" >> beam.Create(sorted(shard_paths))
        | "SpreadShards" >> beam.Reshuffle()
        | "ReadShards" >> CountedParDo(_ReadShardFn())
    )
    plans = (
        files
        | "Measure" >> CountedParDo(_MeasureFn(options, tokenizer))
        | "ByRepository" >> beam.GroupByKey()
        | "Plan" >> CountedParDo(_PlanFn(options, tokenizer))
    )
    documents = (
        {"file": files | "PackFiles" >> beam.Map(_pack_file), "plan": plans}
        | "FileAndPlan" >> beam.CoGroupByKey()
        | "Place" >> CountedParDo(_PlaceFn(options, tokenizer))
        | "ByDocument" >> beam.GroupByKey()
        | "Assemble" >> CountedParDo(_AssembleFn(options, tokenizer))
    )
    shards = documents | "WriteDocuments" >> WriteShards(
        STAGE, staging,
        group_of=lambda d: FORMAT,
        weight=lambda d: max(1, len(d.text)),
        target=options.target_shard_bytes,
        hash_of=lambda d: xxhash.xxh64_intdigest(json.dumps([d.repo_name, d.document, d.piece]).encode()),
        order=lambda d: (d.repo_name, d.document, d.piece),
        write=lambda docs, handle: write_documents(docs, options, handle),
        path_of=shard_path,
    )
    write_index(shards, staging)
    pipeline | "Counters" >> WriteCounters(staging)  # what the steps counted, as data (pipeline.counters)


def release_shard_paths(release: str, manifest: dict) -> List[str]:
    return [FileSystems.join(release, *s["path"].split("/")) if "://" in release else os.path.join(release, s["path"])
            for s in sorted(manifest.get("shards", []), key=lambda s: s["path"])]


# ---------------------------------------------------------------------------- the driver


def run_export(release: str, output: str, *, markers: Markers = Markers(), max_bytes: int = 1 << 20,
               max_tokens: int = 0, tokenizer: Optional[str] = None, workers: int = 1, zstd_level: int = 3,
               beam_args: Optional[List[str]] = None, staging_location: Optional[str] = None,
               log=lambda msg: None) -> dict:
    """Check the release, run the export pipeline, publish ``output``; returns its manifest."""
    from manifests.checksums import sha256_file
    from manifests.export import build_export_manifest, finish_export
    from manifests.manifest import MANIFEST, columns_of
    from manifests.verify import verify_release
    from pipeline.build import bring_shards, choose_staging, clear_staging, load_tokenizer
    from pipeline.errors import UsageError
    from pipeline.options import check_beam_flags, make_options
    from pipeline.versions import codestack_version

    problems = verify_release(release)
    if problems:
        raise UsageError(f"{release}: does not verify ({len(problems)} problem(s)); first: {problems[0]}")
    with open(os.path.join(release, MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("kind"):
        raise UsageError(f"{release}: is an export ({manifest['kind']}), not a release")
    info, spec = load_tokenizer(tokenizer)
    if workers < 1:
        raise UsageError(f"--workers {workers}: must be at least 1")
    check_beam_flags(list(beam_args or []))
    output = os.path.abspath(output)
    if os.path.exists(output) and (not os.path.isdir(output) or os.listdir(output)):
        raise UsageError(f"--output {output}: exists and is not an empty folder")
    os.makedirs(output, exist_ok=True)
    staging = os.path.join(output, ".staging")
    os.makedirs(staging)
    options_, runner = make_options(list(beam_args or []), workers)
    staging = choose_staging(staging, output, staging_location, options_, runner)
    options = ExportOptions(markers=markers, max_bytes=max_bytes, max_tokens=max_tokens, zstd_level=zstd_level)
    pipeline = beam.Pipeline(runner=runner, options=options_) if runner else beam.Pipeline(options=options_)
    build_export_graph(pipeline, release_shard_paths(os.path.abspath(release), manifest), staging, options, spec)
    result = pipeline.run()
    state = result.wait_until_finish()
    if str(state).split(".")[-1] not in ("DONE", "UNKNOWN"):
        raise UsageError(f"export pipeline ended in state {state}")
    counters = stage_counters(read_counters(staging)).get(STAGE, {})
    shards = [entry for _info, entry in bring_shards(staging, output)]
    clear_staging(staging)
    source = {"name": manifest["name"], "version": manifest["version"],
              "manifest_sha256": sha256_file(os.path.join(release, MANIFEST)),
              "config_hash": manifest.get("config_hash")}
    export_options = {"format": FORMAT, "markers": dataclasses.asdict(markers), "max_bytes": max_bytes,
                      "max_tokens": max_tokens, "tokenizer": info, "zstd_level": zstd_level}
    totals = {"repositories": counters.get("repositories", 0), "files": counters.get("files", 0),
              "files_split": counters.get("files_split", 0), "import_edges": counters.get("import_edges", 0),
              "tokens": counters.get("tokens") if spec else None}
    result_manifest = build_export_manifest(source=source, options=export_options, columns=columns_of(SCHEMA),
                                            shards=shards, totals=totals, codestack_version=codestack_version())
    return finish_export(output, result_manifest)
