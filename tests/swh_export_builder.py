"""Test helpers around SWH fixtures: the builder itself lives in the package
(:mod:`pipeline.swh_fixtures`, the demo uses it); here: collecting a pipeline's
outputs, breaking an export the ways real ones break, and an S3 server."""

import gzip
import os
import pickle
import shutil
import socket
import uuid

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.orc as orc

from pipeline.swh_fixtures import ExportSummary, api_recording, build_export

__all__ = ["ExportSummary", "api_recording", "build_export", "run_and_collect", "source_and_decode", "orc_files",
           "drop_rows", "add_rows", "put_garbage_file", "gzip_bomb", "remove_table", "free_port", "upload"]

FNAPI = "apache_beam.runners.portability.fn_api_runner.FnApiRunner"


class _Dump(beam.DoFn):
    def __init__(self, folder):
        self._folder = folder

    def process(self, items):
        with open(os.path.join(self._folder, uuid.uuid4().hex), "wb") as handle:
            pickle.dump(list(items), handle)


def run_and_collect(folder, build):
    """Run ``build(pipeline) -> {name: pcollection}`` on the FnApiRunner;
    returns ``({name: [elements]}, {stage: {counter: value}})``."""
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    from pipeline.build import collect_counters

    pipeline = beam.Pipeline(runner=FnApiRunner())
    outputs = build(pipeline)
    for name, pcoll in outputs.items():
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        (pcoll | f"All{name}" >> beam.combiners.ToList()
         | f"Dump{name}" >> beam.ParDo(_Dump(os.path.join(folder, name))))
    result = pipeline.run()
    result.wait_until_finish()
    found = {}
    for name in outputs:
        items = []
        for entry in sorted(os.listdir(os.path.join(folder, name))):
            with open(os.path.join(folder, name, entry), "rb") as handle:
                items.extend(pickle.load(handle))
        found[name] = items
    return found, collect_counters(result)


def source_and_decode(folder, source, config=None, readers=None):
    """``{"files", "source_rejects", "decoded", "decode_rejects"}`` and counters of source -> decode."""
    from transforms.fetch import DecodeConfig, FetchDecode

    def build(pipeline):
        files, rejects = pipeline | "Source" >> source
        decoded, decode_rejects = files | FetchDecode(config or DecodeConfig(), readers or {})
        return {"files": files, "source_rejects": rejects, "decoded": decoded, "decode_rejects": decode_rejects}

    return run_and_collect(folder, build)


def orc_files(export, table):
    folder = os.path.join(export, "orc", table)
    return sorted(os.path.join(folder, name) for name in os.listdir(folder))


def drop_rows(export, table, column, value):
    """Rewrite ``table`` without the rows whose ``column`` equals ``value``."""
    for path in orc_files(export, table):
        data = orc.ORCFile(path).read()
        kept = data.filter(pc.not_equal(data[column], pa.scalar(value, data.schema.field(column).type)))
        orc.write_table(kept, path, compression="zstd")


def add_rows(export, table, rows):
    """Append ``rows`` (dicts) to ``table`` as one more ORC file."""
    schema = orc.ORCFile(orc_files(export, table)[0]).schema
    data = pa.Table.from_pylist(rows, schema=schema)
    orc.write_table(data, os.path.join(export, "orc", table, f"{table}-{uuid.UUID(int=len(rows))}.orc"),
                    compression="zstd")


def put_garbage_file(export, table):
    """A file with the right name that is not ORC (a torn upload)."""
    path = os.path.join(export, "orc", table, f"{table}-00000000-0000-0000-0000-00000000dead.orc")
    with open(path, "wb") as handle:
        handle.write(b"ORC" + b"\x17not really an orc file" * 40)
    return path


def gzip_bomb(store, sha1, inflated=11_000_000):
    """Replace a blob by a small gzip that inflates to ``inflated`` bytes."""
    with open(os.path.join(store, sha1), "wb") as handle:
        handle.write(gzip.compress(b"\0" * inflated, mtime=0))


def remove_table(export, table):
    shutil.rmtree(os.path.join(export, "orc", table))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upload(local_folder, s3, prefix):
    """Copy a local folder to ``bucket/prefix`` of a pyarrow S3 filesystem."""
    from pyarrow import fs

    fs.copy_files(local_folder, prefix, source_filesystem=fs.LocalFileSystem(), destination_filesystem=s3)
