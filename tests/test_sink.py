import os

import pyarrow.parquet as pq

from manifests.checksums import parse_sums, write_sums
from manifests.manifest import MANIFEST, build_manifest, columns_of, stage_counts, write_manifest
from manifests.verify import verify_release
from pipeline.sink import PARQUET_SCHEMA, SinkConfig, data_shard_path, encode_parquet, language_folder
from transforms.record import RELEASE_FIELDS, CodeFile


def rec(path, **kw):
    base = dict(blob_id="b" + path, content_id="c", directory_id="d", path=path, repo_name="o/r",
                snapshot_id="s", revision_id="r", branch_name="refs/heads/main", content="x\n",
                committer_date="2020-01-02T00:00:00+00:00", detected_licenses=["MIT"])
    base.update(kw)
    return CodeFile(**base)


def test_parquet_columns_are_stack_v2_names_and_bytes_are_stable(tmp_path):
    rows = [rec("a.py"), rec("b.py", language="Python")]
    data = encode_parquet(rows, SinkConfig())
    assert data == encode_parquet(rows, SinkConfig())
    path = tmp_path / "x.parquet"
    path.write_bytes(data)
    table = pq.read_table(path)
    assert table.schema.names == list(RELEASE_FIELDS)
    assert "origin_url" not in table.schema.names and "locator" not in table.schema.names
    assert table.schema == PARQUET_SCHEMA
    assert table.column("detected_licenses").to_pylist() == [["MIT"], ["MIT"]]
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_shard_paths():
    assert data_shard_path("C++", 0, 3) == "data/C++/train-00000-of-00003.parquet"
    assert language_folder("A/B") == "A_B"


def make_release(root):
    os.makedirs(os.path.join(root, "data", "unknown"))
    data = encode_parquet([rec("a.py")], SinkConfig())
    shard = "data/unknown/train-00000-of-00001.parquet"
    with open(os.path.join(root, shard), "wb") as handle:
        handle.write(data)
    import hashlib

    manifest = build_manifest(
        name="codestack", version="0.1.0", codestack_version="t", config={}, config_hash="0" * 64, source={},
        columns=columns_of(PARQUET_SCHEMA),
        shards=[{"path": shard, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "rows": 1,
                 "language": "unknown"}],
        rejects=[], stages=stage_counts({"decode": {"kept": 1, "dropped:binary": 2}}, ["decode"]),
    )
    write_manifest(root, manifest)
    write_sums(root)
    return shard


def test_stage_counts():
    stages = stage_counts({"decode": {"kept": 3, "dropped:binary": 2, "encoding:UTF-8": 3}}, ["source", "decode"])
    assert stages == {
        "source": {"kept": 0, "dropped": {}, "dropped_total": 0},
        "decode": {"kept": 3, "dropped": {"binary": 2}, "dropped_total": 2, "counters": {"encoding:UTF-8": 3}},
    }


def test_verify_holds_then_catches_each_kind_of_damage(tmp_path):
    root = str(tmp_path / "rel")
    shard = make_release(root)
    assert verify_release(root) == []
    sums = open(os.path.join(root, "SHA256SUMS")).read()
    assert [p for _n, p, _d in parse_sums(sums)] == [shard, MANIFEST]

    full = os.path.join(root, shard)
    original = open(full, "rb").read()
    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 1
    open(full, "wb").write(bytes(damaged))
    assert any("sha256" in p for p in verify_release(root))
    open(full, "wb").write(original)

    extra = os.path.join(root, "data", "unknown", "stray.txt")
    open(extra, "w").write("x")
    assert any("not listed" in p for p in verify_release(root))
    os.remove(extra)

    os.remove(full)
    assert any("missing" in p for p in verify_release(root))
    assert verify_release(str(tmp_path / "nothing")) != []


def test_pack_gives_the_same_value_back():
    from transforms.record import CodeFile, Reject, pack, unpack

    text = "def f():\n    return '\u00e9\u4e2d\U0001f600'\n" * 500 + "\udcff lone surrogate\n"
    record = CodeFile(blob_id="b" * 40, content_id="c", directory_id="d", path="a/\u00e9.py", repo_name="o/r",
                      snapshot_id="s", revision_id="r", branch_name="main", content=text, length_bytes=len(text) + 9,
                      detected_licenses=["MIT"], star_events_count=3)
    for value in (record, record._replace(content=""), Reject(stage="decode", reason="binary", detail="",
                                                                 repo_name="o/r", path="x", blob_id="", content_id="",
                                                                 snapshot_id="", revision_id="", origin_url=""),
                  (("pref", -3), b"\x00\xff"), None):
        packed = pack(value)
        assert isinstance(packed, bytes) and unpack(packed) == value
        assert type(unpack(packed)) is type(value)
    assert len(pack(record)) < len(text) / 4  # repetitive text: well compressed


def test_row_groups_end_at_rows_or_bytes_and_are_read_one_at_a_time(tmp_path):
    import io

    from pipeline.sink import row_groups

    config = SinkConfig(row_group_rows=3, row_group_bytes=100)
    rows = [rec(f"{i:02d}.py", length_bytes=size) for i, size in enumerate([10, 20, 30, 99, 1, 120, 5, 5, 5, 5, 7])]
    groups = [[r.path for r in group] for group in row_groups(rows, config)]
    assert groups == [["00.py", "01.py", "02.py"], ["03.py", "04.py"], ["05.py"], ["06.py", "07.py", "08.py"],
                      ["09.py", "10.py"]]
    read = []

    def lazily():
        for row in rows:
            read.append(row.path)
            yield row

    data = encode_parquet(lazily(), config)
    assert read == [r.path for r in rows]
    metadata = pq.ParquetFile(io.BytesIO(data)).metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [3, 2, 1, 3, 2]
    assert pq.read_table(io.BytesIO(data)).column("path").to_pylist() == [r.path for r in rows]
    # one row group: the same bytes pyarrow's write_table gives the whole table
    single = encode_parquet(rows[:3], config)
    buffer = io.BytesIO()
    from pipeline.sink import _table

    pq.write_table(_table(rows[:3]), buffer, compression="zstd", compression_level=config.zstd_level,
                   row_group_size=10_000, use_dictionary=True, write_statistics=True, store_schema=True)
    assert buffer.getvalue() == single
    assert pq.read_table(io.BytesIO(encode_parquet([], config))).num_rows == 0
